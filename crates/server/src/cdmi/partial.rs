//! Partial writes (`Content-Range` on a plain PUT, `?value:a-b` on a CDMI PUT) in time linear
//! in the piece: the piece streamed into a blob of its own, the object's extents cut around
//! it (`super::extents`), compacted past the bound, and committed in the transaction that
//! checks the extents are still the ones read (409 otherwise). A crash before the commit
//! leaves only unreferenced blobs, which `serve gc` removes.

use axum::response::Response;
use futures_util::stream::StreamExt;
use tern_store::ByteStream;

use super::extents::{self, Extent};
use super::ops::{Saved, load};
use super::plan::store_value;
use super::read::value_stream;
use super::write::{Change, Splice, commit_pieces};
use super::{Cdmi, CdmiPath, Stored, digest, error};

/// Writes `data` (`len` bytes) at `first` into the existing data object at `path`.
pub(super) async fn write(
    cdmi: &Cdmi,
    path: &CdmiPath,
    first: u64,
    len: u64,
    data: ByteStream,
    mut change: Change,
) -> Result<Saved, Response> {
    let Some((row, _)) = load(cdmi, path.key()).await? else {
        return Err(error(
            404,
            "CDMI-NOT-FOUND",
            format!("no object at {}", path.key()),
        ));
    };
    let old = Stored::from_json(&row.body);
    let end = first.saturating_add(len);
    if end > cdmi.object_limit {
        return Err(super::ops::blob_failed(&tern_store::BlobError::TooLarge {
            limit: cdmi.object_limit,
        }));
    }
    let base = old.pieces();
    let (key, size, _) = store_value(cdmi, data, false, None, false).await?;
    let mut created = vec![key.clone()];
    let spliced = extents::splice(&base, first, Extent::blob(key, size));
    let pieces = match compact(cdmi, spliced, &mut created).await {
        Ok(p) => p,
        Err(e) => {
            cdmi.delete_blobs(created).await;
            return Err(e);
        }
    };
    // A piece compacted with its neighbours at once is in no extent: never named, it goes.
    let named = extents::blobs(&pieces);
    let (created, unused): (Vec<String>, Vec<String>) =
        created.into_iter().partition(|k| named.contains(k));
    cdmi.delete_blobs(unused).await;
    // `cdmi_hash`, when asked for, is the whole value's: read through once (the one case
    // where a partial write costs the value's length).
    let wanted = change
        .metadata
        .as_ref()
        .map_or_else(|| digest::wanted(&old.metadata), |m| digest::wanted(&m.0));
    let hash = if wanted {
        match hash_of(cdmi, &pieces).await {
            Ok(h) => Some(h),
            Err(e) => {
                cdmi.delete_blobs(created).await;
                return Err(e);
            }
        }
    } else {
        None
    };
    change.base = Some(Splice(base));
    commit_pieces(cdmi, path, pieces, hash, created, change).await
}

// `pieces` within `extents::MAX_EXTENTS`: each run `extents::compaction` names rewritten
// into a new blob (added to `created`).
async fn compact(
    cdmi: &Cdmi,
    pieces: Vec<Extent>,
    created: &mut Vec<String>,
) -> Result<Vec<Extent>, Response> {
    let runs = extents::compaction(&pieces);
    if runs.is_empty() {
        return Ok(pieces);
    }
    let mut out = Vec::with_capacity(extents::MAX_EXTENTS);
    let mut at = 0;
    for run in runs {
        out.extend_from_slice(&pieces[at..run.start]);
        let group = &pieces[run.clone()];
        let len = extents::size(group);
        if group.iter().all(|e| e.blob.is_none()) {
            out.push(Extent::zeros(len));
        } else {
            let stream = extents::open(&cdmi.blobs, group, 0..len)
                .await
                .map_err(|e| super::ops::blob_failed(&e))?;
            let (key, size, _) = store_value(cdmi, stream, false, None, false).await?;
            created.push(key.clone());
            out.push(Extent::blob(key, size));
        }
        at = run.end;
    }
    out.extend_from_slice(&pieces[at..]);
    Ok(extents::normalize(out))
}

async fn hash_of(cdmi: &Cdmi, pieces: &[Extent]) -> Result<String, Response> {
    let stored = Stored {
        extents: pieces.to_vec(),
        size: extents::size(pieces),
        ..Stored::default()
    };
    let stream = value_stream(cdmi, &stored, 0..stored.size).await?;
    let (mut stream, slot) = digest::hashed(stream);
    while let Some(chunk) = stream.next().await {
        chunk.map_err(|e| super::ops::blob_failed(&e))?;
    }
    slot.take()
        .ok_or_else(|| error(500, "CDMI-DIGEST", "the value's digest was not computed"))
}
