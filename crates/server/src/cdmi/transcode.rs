//! Value streams rewritten as they pass, a chunk at a time in bounded memory: Base64 both
//! ways and JSON string unescaping (what serialization and deserialization stream through).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_util::stream::StreamExt;
use tern_store::{BlobError, ByteStream};

// A stream rewritten chunk by chunk by a state machine, with a last word at its end.
pub(super) type Step<S> = fn(&mut S, &[u8]) -> Result<Vec<u8>, BlobError>;
pub(super) type Finish<S> = fn(&mut S) -> Result<Vec<u8>, BlobError>;

pub(super) fn transform<S: Send + 'static>(
    inner: ByteStream,
    state: S,
    step: Step<S>,
    finish: Finish<S>,
) -> ByteStream {
    futures_util::stream::unfold(Some((inner, state)), move |current| async move {
        let (mut inner, mut state) = current?;
        loop {
            match inner.next().await {
                Some(Ok(chunk)) => match step(&mut state, &chunk) {
                    Ok(out) if out.is_empty() => {}
                    Ok(out) => return Some((Ok(Bytes::from(out)), Some((inner, state)))),
                    Err(e) => return Some((Err(e), None)),
                },
                Some(Err(e)) => return Some((Err(e), None)),
                None => {
                    return match finish(&mut state) {
                        Ok(out) if out.is_empty() => None,
                        Ok(out) => Some((Ok(Bytes::from(out)), None)),
                        Err(e) => Some((Err(e), None)),
                    };
                }
            }
        }
    })
    .boxed()
}

fn bad(message: impl Into<String>) -> BlobError {
    BlobError::Upload(message.into())
}

// Base64 encoding across chunks (up to 2 bytes carried).
#[derive(Default)]
pub(super) struct Encode {
    carry: Vec<u8>,
}

// Infallible, but shaped as every `Step`/`Finish`.
#[allow(clippy::unnecessary_wraps)]
impl Encode {
    pub(super) fn step(&mut self, chunk: &[u8]) -> Result<Vec<u8>, BlobError> {
        self.carry.extend_from_slice(chunk);
        let whole = self.carry.len() / 3 * 3;
        let out = STANDARD.encode(&self.carry[..whole]).into_bytes();
        self.carry.drain(..whole);
        Ok(out)
    }

    pub(super) fn finish(&mut self) -> Result<Vec<u8>, BlobError> {
        Ok(STANDARD.encode(&self.carry).into_bytes())
    }
}

// Base64 decoding across chunks (up to 3 characters carried; whitespace skipped).
#[derive(Default)]
pub(super) struct Decode {
    carry: Vec<u8>,
}

impl Decode {
    pub(super) fn step(&mut self, chunk: &[u8]) -> Result<Vec<u8>, BlobError> {
        self.carry
            .extend(chunk.iter().filter(|b| !b.is_ascii_whitespace()));
        let whole = self.carry.len() / 4 * 4;
        let out = STANDARD
            .decode(&self.carry[..whole])
            .map_err(|e| bad(format!("a serialized value is not Base64: {e}")))?;
        self.carry.drain(..whole);
        Ok(out)
    }

    pub(super) fn finish(&mut self) -> Result<Vec<u8>, BlobError> {
        if self.carry.is_empty() {
            Ok(Vec::new())
        } else {
            Err(bad("a serialized value's Base64 is cut short"))
        }
    }
}

// JSON string unescaping across chunks (an escape cut by a chunk boundary is carried).
#[derive(Default)]
pub(super) struct Unescape {
    carry: Vec<u8>,
}

impl Unescape {
    pub(super) fn step(&mut self, chunk: &[u8]) -> Result<Vec<u8>, BlobError> {
        if self.carry.is_empty() && !chunk.contains(&b'\\') {
            return Ok(chunk.to_vec());
        }
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        let mut out = Vec::with_capacity(data.len());
        let mut i = 0;
        while i < data.len() {
            if data[i] != b'\\' {
                out.push(data[i]);
                i += 1;
                continue;
            }
            let Some(&kind) = data.get(i + 1) else {
                break;
            };
            let simple = match kind {
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                b'/' => Some(b'/'),
                b'b' => Some(8),
                b'f' => Some(12),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                b'u' => None,
                other => return Err(bad(format!("bad JSON escape \\{}", char::from(other)))),
            };
            if let Some(b) = simple {
                out.push(b);
                i += 2;
                continue;
            }
            // \uXXXX, or a surrogate pair \uD8xx\uDCxx: parsed whole by serde_json.
            let len = if data.len() >= i + 6 && is_high_surrogate(&data[i + 2..i + 6]) {
                12
            } else {
                6
            };
            if data.len() < i + len {
                break;
            }
            let quoted = [b"\"".as_slice(), &data[i..i + len], b"\""].concat();
            let text: String = serde_json::from_slice(&quoted)
                .map_err(|e| bad(format!("bad JSON escape: {e}")))?;
            out.extend_from_slice(text.as_bytes());
            i += len;
        }
        self.carry = data[i..].to_vec();
        Ok(out)
    }

    pub(super) fn finish(&mut self) -> Result<Vec<u8>, BlobError> {
        if self.carry.is_empty() {
            Ok(Vec::new())
        } else {
            Err(bad("a serialized value ends inside an escape"))
        }
    }
}

fn is_high_surrogate(hex: &[u8]) -> bool {
    std::str::from_utf8(hex)
        .ok()
        .and_then(|h| u16::from_str_radix(h, 16).ok())
        .is_some_and(|u| (0xD800..0xDC00).contains(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(stream: ByteStream) -> Result<Vec<u8>, BlobError> {
        let mut out = Vec::new();
        let mut stream = stream;
        while let Some(c) = stream.next().await {
            out.extend_from_slice(&c?);
        }
        Ok(out)
    }

    fn chunks(parts: &[&[u8]]) -> ByteStream {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::copy_from_slice(p)))
                .collect::<Vec<_>>(),
        )
        .boxed()
    }

    #[tokio::test]
    async fn base64_and_escapes_across_chunk_boundaries() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let parts: Vec<&[u8]> = data.chunks(7).collect();
        let encoded = run(transform(
            chunks(&parts),
            Encode::default(),
            Encode::step,
            Encode::finish,
        ))
        .await
        .unwrap();
        assert_eq!(encoded, STANDARD.encode(&data).into_bytes());
        let parts: Vec<&[u8]> = encoded.chunks(5).collect();
        let decoded = run(transform(
            chunks(&parts),
            Decode::default(),
            Decode::step,
            Decode::finish,
        ))
        .await
        .unwrap();
        assert_eq!(decoded, data);
        // `\/`, `\n` and a surrogate pair cut anywhere.
        let escaped = br"a\/b\nc\ud83d\ude00d\u00e9";
        for cut in 0..escaped.len() {
            let out = run(transform(
                chunks(&[&escaped[..cut], &escaped[cut..]]),
                Unescape::default(),
                Unescape::step,
                Unescape::finish,
            ))
            .await
            .unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "a/b\nc😀dé",
                "cut at {cut}"
            );
        }
    }
}
