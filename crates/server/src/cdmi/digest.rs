//! SHA-256 of values as they stream: `cdmi_hash` for objects whose `cdmi_value_hash` asks
//! for it (16.4, Table 119), and the check of a remote source's hash on copy or move.

use std::sync::{Arc, Mutex, PoisonError};

use futures_util::stream::StreamExt;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tern_store::ByteStream;

/// The one algorithm this server computes.
pub(super) const SHA256: &str = "SHA256";

/// The hex digest a [`hashed`] stream leaves once it has been read to its end.
#[derive(Clone, Default)]
pub(super) struct Slot(Arc<Mutex<Option<String>>>);

impl Slot {
    /// The digest (lower-case hexadecimal), once the stream ended.
    pub(super) fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// `stream` unchanged, hashing the bytes as they pass; the digest lands in the slot when it
/// ends.
pub(super) fn hashed(stream: ByteStream) -> (ByteStream, Slot) {
    let slot = Slot::default();
    let out = slot.clone();
    let hasher = Arc::new(Mutex::new(Sha256::new()));
    let feed = Arc::clone(&hasher);
    let counted = stream.map(move |chunk| {
        if let Ok(c) = &chunk {
            feed.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .update(c);
        }
        chunk
    });
    let finish = futures_util::stream::once(async move {
        let digest =
            std::mem::take(&mut *hasher.lock().unwrap_or_else(PoisonError::into_inner)).finalize();
        *out.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(hex(&digest));
        None
    })
    .filter_map(|r| async move { r });
    (counted.chain(finish).boxed(), slot)
}

/// Whether metadata asks for `cdmi_hash` (`cdmi_value_hash` naming SHA-256; other algorithms
/// are not computed).
pub(super) fn wanted(metadata: &Map<String, Value>) -> bool {
    metadata
        .get("cdmi_value_hash")
        .and_then(Value::as_str)
        .is_some_and(is_sha256)
}

/// The SHA-256 a source's metadata gives for its value: `cdmi_hash` when `cdmi_value_hash`
/// names SHA-256, else tern's own upload digest (`tern_sha256`, written by `tern deploy`).
pub(super) fn expected(metadata: &Map<String, Value>) -> Option<String> {
    let text = |name: &str| metadata.get(name).and_then(Value::as_str);
    let cdmi = text("cdmi_hash").filter(|_| wanted(metadata));
    cdmi.or_else(|| text("tern_sha256"))
        .map(str::to_ascii_lowercase)
}

fn is_sha256(name: &str) -> bool {
    let name: String = name.chars().filter(|c| *c != '-' && *c != '_').collect();
    name.eq_ignore_ascii_case(SHA256)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[tokio::test]
    async fn hashes_what_passes() {
        let stream: ByteStream = futures_util::stream::iter([
            Ok(Bytes::from_static(b"ab")),
            Ok(Bytes::from_static(b"c")),
        ])
        .boxed();
        let (stream, slot) = hashed(stream);
        let chunks: Vec<_> = stream.collect().await;
        assert_eq!(chunks.len(), 2);
        assert_eq!(
            slot.take().as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        let mut m = Map::new();
        m.insert("cdmi_value_hash".into(), "SHA-256".into());
        m.insert("cdmi_hash".into(), "AB".into());
        assert_eq!(expected(&m).as_deref(), Some("ab"));
    }
}
