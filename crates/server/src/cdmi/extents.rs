//! A data object's value as an ordered list of extents: bytes of a blob, or a run of zeros.
//!
//! A partial write (`Content-Range`, `?value:a-b`) stores only its piece, as a new blob, and
//! commits a new extent list (the old pieces cut around it) in the transaction that checks
//! the base: its cost is linear in the piece, not in the value. Reads stream the extents in
//! order ([`open`]). So that reads stay bounded, a list longer than [`MAX_EXTENTS`] is
//! compacted as it is written ([`compaction`]): the adjacent extents with the smallest
//! combined length are rewritten into one blob, again and again until the bound holds: an
//! upload in equal pieces copies each byte about log2(pieces / [`MAX_EXTENTS`]) times.
//!
//! A value of one whole blob is kept as `blob` in the row (the layout before extents), a
//! sparse value as no blob at all; [`super::Stored::pieces`] gives every shape as a list.

use std::ops::Range;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tern_store::{BlobError, BlobStore, ByteStream};

use super::read::zeros;

/// The most extents a value keeps after a write: past it, extents are merged into new blobs.
pub(crate) const MAX_EXTENTS: usize = 64;

/// One run of a value's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Extent {
    /// The blob holding the bytes (`None`: zeros).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) blob: Option<String>,
    /// Where they start in the blob.
    #[serde(default)]
    pub(crate) at: u64,
    /// How many.
    pub(crate) len: u64,
}

impl Extent {
    /// `len` zeros.
    pub(crate) fn zeros(len: u64) -> Extent {
        Extent {
            blob: None,
            at: 0,
            len,
        }
    }

    /// The first `len` bytes of `blob`.
    pub(crate) fn blob(blob: String, len: u64) -> Extent {
        Extent {
            blob: Some(blob),
            at: 0,
            len,
        }
    }
}

/// The total length of `pieces`.
pub(crate) fn size(pieces: &[Extent]) -> u64 {
    pieces.iter().map(|e| e.len).sum()
}

/// The bytes `span` of `pieces`, as extents.
pub(crate) fn cut(pieces: &[Extent], span: Range<u64>) -> Vec<Extent> {
    let mut out = Vec::new();
    let mut start = 0u64;
    for e in pieces {
        let end = start + e.len;
        let (s, t) = (span.start.max(start), span.end.min(end));
        if s < t {
            out.push(Extent {
                blob: e.blob.clone(),
                at: if e.blob.is_some() {
                    e.at + (s - start)
                } else {
                    0
                },
                len: t - s,
            });
        }
        start = end;
    }
    out
}

/// `old` with `new` written at `first`: zeros fill a gap past the old end (clause 6.4), the
/// old bytes after the piece are kept.
pub(crate) fn splice(old: &[Extent], first: u64, new: Extent) -> Vec<Extent> {
    let size = size(old);
    let end = first.saturating_add(new.len);
    let mut out = cut(old, 0..first.min(size));
    if first > size {
        out.push(Extent::zeros(first - size));
    }
    out.push(new);
    if end < size {
        out.extend(cut(old, end..size));
    }
    normalize(out)
}

/// Empty extents dropped; adjacent zeros, and adjacent runs of one blob, joined.
pub(crate) fn normalize(pieces: Vec<Extent>) -> Vec<Extent> {
    let mut out: Vec<Extent> = Vec::with_capacity(pieces.len());
    for e in pieces.into_iter().filter(|e| e.len > 0) {
        if let Some(last) = out.last_mut()
            && last.blob == e.blob
            && (last.blob.is_none() || last.at + last.len == e.at)
        {
            last.len += e.len;
            continue;
        }
        out.push(e);
    }
    out
}

/// The runs of adjacent extents to rewrite into one blob each so that at most
/// [`MAX_EXTENTS`] are left: the adjacent pair with the smallest combined length merged
/// first, again until the bound holds. Empty when the list is within it.
pub(crate) fn compaction(pieces: &[Extent]) -> Vec<Range<usize>> {
    let mut groups: Vec<(Range<usize>, u64)> = pieces
        .iter()
        .enumerate()
        .map(|(i, e)| (i..i + 1, e.len))
        .collect();
    while groups.len() > MAX_EXTENTS {
        let Some(i) = (0..groups.len() - 1).min_by_key(|&i| groups[i].1 + groups[i + 1].1) else {
            break;
        };
        let (next, len) = groups.remove(i + 1);
        groups[i].0.end = next.end;
        groups[i].1 += len;
    }
    groups
        .into_iter()
        .filter(|(r, _)| r.len() > 1)
        .map(|(r, _)| r)
        .collect()
}

/// The blobs `pieces` name, each once.
pub(crate) fn blobs(pieces: &[Extent]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in pieces.iter().filter_map(|e| e.blob.as_ref()) {
        if !out.contains(key) {
            out.push(key.clone());
        }
    }
    out
}

/// The bytes `span` of the value `pieces`, streamed extent after extent; the first blob is
/// opened before this returns (a missing blob is an error here, not a cut-off body), the
/// others as the stream reaches them.
pub(crate) async fn open(
    blobs: &Arc<dyn BlobStore>,
    pieces: &[Extent],
    span: Range<u64>,
) -> Result<ByteStream, BlobError> {
    let mut parts = cut(pieces, span).into_iter();
    let Some(first) = parts.next() else {
        return Ok(stream::empty().boxed());
    };
    let head = part(blobs, first).await?;
    let store = Arc::clone(blobs);
    let rest = stream::iter(parts)
        .then(move |e| {
            let store = Arc::clone(&store);
            async move {
                match part(&store, e).await {
                    Ok(s) => s,
                    Err(e) => stream::once(async move { Err(e) }).boxed(),
                }
            }
        })
        .flatten();
    Ok(head.chain(rest).boxed())
}

async fn part(blobs: &Arc<dyn BlobStore>, e: Extent) -> Result<ByteStream, BlobError> {
    match e.blob {
        Some(key) => blobs.get(&key, Some(e.at..e.at + e.len)).await,
        None => Ok(zeros(e.len)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(key: &str, at: u64, len: u64) -> Extent {
        Extent {
            blob: Some(key.into()),
            at,
            len,
        }
    }

    #[test]
    fn splices_cut_the_old_pieces_around_the_new_one() {
        let old = vec![b("a", 0, 10)];
        assert_eq!(
            splice(&old, 3, b("n", 0, 4)),
            [b("a", 0, 3), b("n", 0, 4), b("a", 7, 3)]
        );
        // Past the end: zeros fill the gap.
        assert_eq!(
            splice(&old, 12, b("n", 0, 2)),
            [b("a", 0, 10), Extent::zeros(2), b("n", 0, 2)]
        );
        // Over everything.
        assert_eq!(splice(&old, 0, b("n", 0, 20)), [b("n", 0, 20)]);
        // Appends add one extent each.
        let mut v = Vec::new();
        for i in 0..5u64 {
            v = splice(&v, i * 4, b(&format!("p{i}"), 0, 4));
        }
        assert_eq!(v.len(), 5);
        assert_eq!(size(&v), 20);
    }

    #[test]
    fn compaction_keeps_the_bound_merging_the_smallest_neighbours() {
        let mut v: Vec<Extent> = (0..MAX_EXTENTS as u64)
            .map(|i| b(&format!("p{i}"), 0, 8))
            .collect();
        assert!(compaction(&v).is_empty());
        v.push(b("small", 0, 1));
        v.push(b("tiny", 0, 1));
        // Two over the bound: the two small ones together, then the smallest pair left.
        let groups = compaction(&v);
        let merged: usize = groups.iter().map(|r| r.len() - 1).sum();
        assert_eq!(merged, 2, "{groups:?}");
        assert!(
            groups.contains(&(MAX_EXTENTS - 1..MAX_EXTENTS + 2)),
            "{groups:?}"
        );
    }
}
