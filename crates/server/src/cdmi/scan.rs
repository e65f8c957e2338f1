//! The first pass of a deserialization: a serialized form (15.3.2) read as a stream, kept
//! whole but for the objects' values — which may be gigabytes — replaced by their byte spans.

use axum::response::Response;
use futures_util::stream::StreamExt;
use serde_json::Value;
use tern_store::ByteStream;

use super::error;

// The marker a value's span leaves in the skeleton.
pub(super) const SPAN: &str = "$tern_span";

// Reads a serialized form, keeping everything but the objects' values, which are replaced
// by `{"$tern_span": [start, end]}` (the bytes between their quotes); at most `limit` bytes
// of skeleton.
pub(super) async fn scan(mut stream: ByteStream, limit: u64) -> Result<Value, Response> {
    let mut scanner = Scanner::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| super::ops::blob_failed(&e))?;
        scanner.feed(&chunk);
        if scanner.skeleton.len() as u64 > limit {
            return Err(error(
                413,
                "CDMI-TOO-LARGE",
                format!("the serialized tree's metadata passes {limit} bytes"),
            ));
        }
    }
    serde_json::from_slice(&scanner.skeleton).map_err(|e| {
        error(
            400,
            "CDMI-DESERIALIZE",
            format!("the serialized form is not CDMI JSON: {e}"),
        )
    })
}

// A JSON object or array open around the scanner.
pub(super) struct Frame {
    array: bool,
    // The key it is the value of.
    key: Option<String>,
}

#[derive(Default)]
pub(super) struct Scanner {
    offset: u64,
    skeleton: Vec<u8>,
    frames: Vec<Frame>,
    in_string: bool,
    escaped: bool,
    // The start of the value string being skipped.
    big: Option<u64>,
    current: Vec<u8>,
    last_string: Option<String>,
    key: Option<String>,
    after_colon: bool,
}

impl Scanner {
    // Whether the innermost open object is a serialized object (the root, or one in a
    // `children` array): its `value` is a value to skip.
    fn in_node(&self) -> bool {
        let n = self.frames.len();
        match n {
            0 => false,
            1 => !self.frames[0].array,
            _ => {
                !self.frames[n - 1].array
                    && self.frames[n - 2].array
                    && self.frames[n - 2].key.as_deref() == Some("children")
            }
        }
    }

    pub(super) fn feed(&mut self, chunk: &[u8]) {
        for &b in chunk {
            let at = self.offset;
            self.offset += 1;
            if self.in_string {
                let end = b == b'"' && !self.escaped;
                self.escaped = !self.escaped && b == b'\\';
                if let Some(start) = self.big {
                    if end {
                        self.skeleton
                            .extend_from_slice(format!("{{\"{SPAN}\":[{start},{at}]}}").as_bytes());
                        self.big = None;
                        self.in_string = false;
                    }
                    continue;
                }
                self.skeleton.push(b);
                if end {
                    self.in_string = false;
                    self.last_string = String::from_utf8(std::mem::take(&mut self.current)).ok();
                } else if self.current.len() < 256 {
                    self.current.push(b);
                }
                continue;
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    self.escaped = false;
                    self.current.clear();
                    let value =
                        self.after_colon && self.key.as_deref() == Some("value") && self.in_node();
                    self.after_colon = false;
                    if value {
                        self.big = Some(at + 1);
                        continue;
                    }
                }
                b':' => {
                    self.key = self.last_string.take();
                    self.after_colon = true;
                }
                b',' => self.after_colon = false,
                b'{' | b'[' => {
                    let key = if self.after_colon {
                        self.key.clone()
                    } else {
                        None
                    };
                    self.frames.push(Frame {
                        array: b == b'[',
                        key,
                    });
                    self.after_colon = false;
                }
                b'}' | b']' => {
                    self.frames.pop();
                }
                _ => {}
            }
            self.skeleton.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_keeps_all_but_the_values() {
        let text = br#"{"objectType":"application/cdmi-container","metadata":{"value":"kept"},"children":[{"objectType":"application/cdmi-object","objectName":"a","valuetransferencoding":"base64","value":"aGk="}]}"#;
        let mut scanner = Scanner::default();
        for part in text.chunks(3) {
            scanner.feed(part);
        }
        let skeleton: Value = serde_json::from_slice(&scanner.skeleton).unwrap();
        assert_eq!(skeleton["metadata"]["value"], "kept");
        let span = &skeleton["children"][0]["value"][SPAN];
        let (a, b) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
        assert_eq!(&text[a as usize..b as usize], b"aGk=");
    }
}
