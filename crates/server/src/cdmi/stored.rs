//! What the server keeps about a CDMI object in its row's body (JSON): the mimetype, the
//! metadata (user items and the `cdmi_*` system items), the blob holding the value (or the
//! extents it is made of, after partial writes: `super::extents`), its size and transfer
//! encoding, and a container's exports. Readers of a value go through [`Stored::pieces`]
//! (`super::read::value_stream`), never through `blob` alone.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tern_cdmi::metadata::Timestamp;

use super::extents::{self, Extent};

/// The stored body of a data object or container.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mimetype: Option<String>,
    #[serde(default)]
    pub(crate) metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) blob: Option<String>,
    /// The value as extents (when not empty; `blob` is then `None`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) extents: Vec<Extent>,
    #[serde(default)]
    pub(crate) size: u64,
    /// `utf-8` or `base64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) exports: Option<Map<String, Value>>,
}

impl Stored {
    pub(crate) fn from_json(text: &str) -> Stored {
        // The server wrote it; an unreadable body reads as empty rather than failing a read.
        serde_json::from_str(text).unwrap_or_default()
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Sets the system metadata of a new object (`cdmi_ctime` = `cdmi_mtime` = `cdmi_atime`).
    pub(crate) fn created(&mut self, now: &str) {
        for name in ["cdmi_ctime", "cdmi_mtime", "cdmi_atime"] {
            self.metadata.insert(name.into(), now.into());
        }
    }

    /// Records a change of the value or metadata.
    pub(crate) fn modified(&mut self, now: &str) {
        self.metadata.insert("cdmi_mtime".into(), now.into());
    }

    /// The value as a list of extents, whatever its shape (one blob, extents, or none: zeros).
    pub(crate) fn pieces(&self) -> Vec<Extent> {
        if !self.extents.is_empty() {
            return self.extents.clone();
        }
        match &self.blob {
            Some(key) => vec![Extent::blob(key.clone(), self.size)],
            None if self.size > 0 => vec![Extent::zeros(self.size)],
            None => Vec::new(),
        }
    }

    /// Every blob the value uses (to delete with the object, or to keep from the garbage
    /// collector).
    pub(crate) fn blob_keys(&self) -> Vec<String> {
        let mut keys = extents::blobs(&self.extents);
        keys.extend(self.blob.clone());
        keys
    }

    /// True when no blob holds any of the value (zeros, or empty).
    pub(crate) fn is_sparse(&self) -> bool {
        self.blob.is_none() && self.extents.iter().all(|e| e.blob.is_none())
    }

    /// The value becomes the blob `blob` (or zeros: `None`); the size is set apart.
    pub(crate) fn set_blob(&mut self, blob: Option<String>) {
        self.blob = blob;
        self.extents.clear();
    }

    /// The value becomes `pieces` (kept as one blob, or none, when that is what they are),
    /// and its size theirs.
    pub(crate) fn set_pieces(&mut self, pieces: Vec<Extent>) {
        let pieces = extents::normalize(pieces);
        self.sized(extents::size(&pieces));
        match pieces.as_slice() {
            [] => self.set_blob(None),
            [one] if one.blob.is_none() => self.set_blob(None),
            [one] if one.at == 0 => self.set_blob(one.blob.clone()),
            _ => {
                self.blob = None;
                self.extents = pieces;
            }
        }
    }

    /// Sets `cdmi_size` (data objects).
    pub(crate) fn sized(&mut self, size: u64) {
        self.size = size;
        self.metadata
            .insert("cdmi_size".into(), size.to_string().into());
    }
}

/// The current time as CDMI writes it (ISO 8601, UTC, six fractional digits).
pub(crate) fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    timestamp(since.as_secs(), since.subsec_micros()).to_string()
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), in exact integers.
fn timestamp(secs: u64, micros: u32) -> Timestamp {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let small = |n: i64| u8::try_from(n).unwrap_or(0);
    Timestamp {
        year: u16::try_from(year).unwrap_or(0),
        month: small(month),
        day: small(day),
        hour: small(i64::try_from(rem / 3600).unwrap_or(0)),
        minute: small(i64::try_from(rem % 3600 / 60).unwrap_or(0)),
        second: small(i64::try_from(rem % 60).unwrap_or(0)),
        micros,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_every_shape_read_as_pieces() {
        let mut s = Stored::default();
        assert!(s.pieces().is_empty() && s.is_sparse());
        s.sized(5);
        assert_eq!(s.pieces(), [Extent::zeros(5)]);
        s.set_pieces(vec![Extent::blob("a".into(), 3), Extent::zeros(2)]);
        assert_eq!((s.blob.as_deref(), s.extents.len(), s.size), (None, 2, 5));
        assert_eq!(s.blob_keys(), ["a"]);
        assert!(!s.is_sparse());
        // Back to one whole blob: kept as `blob`, as before extents existed.
        s.set_pieces(vec![Extent::blob("b".into(), 7)]);
        assert_eq!(
            (s.blob.as_deref(), s.extents.len(), s.size),
            (Some("b"), 0, 7)
        );
        let back = Stored::from_json(&s.to_json());
        assert_eq!(back.pieces(), [Extent::blob("b".into(), 7)]);
        s.set_pieces(vec![Extent::zeros(4), Extent::zeros(4)]);
        assert!(s.is_sparse() && s.blob.is_none() && s.extents.is_empty());
        assert_eq!(s.size, 8);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(
            timestamp(0, 0).to_string(),
            Timestamp::parse("1970-01-01T00:00:00.000000Z")
                .unwrap()
                .to_string()
        );
        // 2026-12-06T04:38:46Z
        let t = timestamp(1_796_531_926, 123_456);
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2026, 12, 6, 4, 38, 46)
        );
        // 2000-02-29 (a leap day in a century year)
        let t = timestamp(951_782_400, 0);
        assert_eq!((t.year, t.month, t.day), (2000, 2, 29));
    }
}
