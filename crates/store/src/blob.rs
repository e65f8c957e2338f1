//! Blobs: the values of CDMI data objects, streamed in and out in bounded memory.
//!
//! A blob is written once under a fresh key and never changed in place: an update writes a
//! new blob, the metadata row is switched to it in one transaction, then the old blob is
//! deleted. A crash at any point leaves the row pointing at a complete, durable blob (at
//! worst an unreferenced one is left behind).

use std::future::Future;
use std::ops::Range;
use std::path::Path;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{
    GetOptions, GetRange, GetResultPayload, ObjectStore, ObjectStoreExt, WriteMultipart,
};

/// A stream of chunks of a blob.
pub type ByteStream = BoxStream<'static, Result<Bytes, BlobError>>;

/// A boxed future, as the traits of this crate return.
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BlobError>> + Send + 'a>>;

/// The chunk size of uploads: the memory one upload holds at most (twice, while a chunk is
/// written).
pub const CHUNK: usize = 1024 * 1024;

/// Where blobs are kept.
pub trait BlobStore: Send + Sync {
    /// Writes `stream` as the blob `key`, refusing more than `limit` bytes
    /// ([`BlobError::TooLarge`], nothing kept); durable when the future returns. Returns the
    /// size written.
    fn put(&self, key: &str, stream: ByteStream, limit: u64) -> BlobFuture<'_, u64>;
    /// Reads the blob `key`, or the bytes `range` of it (end exclusive, within the blob).
    fn get(&self, key: &str, range: Option<Range<u64>>) -> BlobFuture<'_, ByteStream>;
    /// Removes the blob `key` (no error when absent).
    fn delete(&self, key: &str) -> BlobFuture<'_, ()>;
    /// Every blob's key (to find the blobs no row names any more).
    fn keys(&self) -> BlobFuture<'_, Vec<String>>;
    /// The keys of the blobs written more than `age` ago: the garbage collector's
    /// candidates, so that a blob another instance is uploading (its row not yet
    /// committed) is left alone. By default every key (a back end that cannot tell).
    fn keys_older_than(&self, age: std::time::Duration) -> BlobFuture<'_, Vec<String>> {
        let _ = age;
        self.keys()
    }
}

/// A blob store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// More bytes than the limit were sent.
    #[error("blob larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// No such blob.
    #[error("blob {0} not found")]
    NotFound(String),
    /// The client's stream failed (cut off).
    #[error("upload cut off: {0}")]
    Upload(String),
    /// The back end failed.
    #[error("blob store: {0}")]
    Backend(String),
}

/// The blob store on the local file system (`DIR/blobs/`), through `object_store`'s
/// [`LocalFileSystem`] with fsync on: a blob is written to a staging file, synced, renamed
/// into place and its directory synced before [`BlobStore::put`] returns. Staging files a
/// crash left behind are removed when the store is opened.
#[derive(Debug)]
pub struct LocalBlobs {
    inner: LocalFileSystem,
}

impl LocalBlobs {
    /// Opens (creating when absent) the blob directory `dir`.
    pub fn open(dir: &Path) -> Result<Self, BlobError> {
        std::fs::create_dir_all(dir).map_err(|e| BlobError::Backend(e.to_string()))?;
        remove_staging(dir)?;
        let inner = LocalFileSystem::new_with_prefix(dir)
            .map_err(backend)?
            .with_fsync(true);
        Ok(LocalBlobs { inner })
    }
}

// Uploads cut short by a crash leave their staging files (`KEY#N`, which `object_store` lists
// as no blob): at open, no upload is under way, so they go.
fn remove_staging(dir: &Path) -> Result<(), BlobError> {
    let failed = |e: std::io::Error| BlobError::Backend(format!("{}: {e}", dir.display()));
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        if entry.file_name().to_string_lossy().contains('#') && entry.path().is_file() {
            std::fs::remove_file(entry.path()).map_err(failed)?;
        }
    }
    Ok(())
}

fn backend(e: object_store::Error) -> BlobError {
    match e {
        object_store::Error::NotFound { path, .. } => BlobError::NotFound(path),
        e => BlobError::Backend(e.to_string()),
    }
}

impl BlobStore for LocalBlobs {
    fn put(&self, key: &str, mut stream: ByteStream, limit: u64) -> BlobFuture<'_, u64> {
        let location = ObjectPath::from(key);
        Box::pin(async move {
            let upload = self.inner.put_multipart(&location).await.map_err(backend)?;
            let mut writer = WriteMultipart::new_with_chunk_size(upload, CHUNK);
            let mut size = 0u64;
            while let Some(chunk) = stream.next().await {
                let chunk = match chunk {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = writer.abort().await;
                        return Err(e);
                    }
                };
                size += chunk.len() as u64;
                if size > limit {
                    let _ = writer.abort().await;
                    return Err(BlobError::TooLarge { limit });
                }
                // Bounded memory: at most one chunk waits to be written.
                if let Err(e) = writer.wait_for_capacity(1).await {
                    return Err(backend(e));
                }
                writer.put(chunk);
            }
            writer.finish().await.map_err(backend)?;
            Ok(size)
        })
    }

    fn get(&self, key: &str, range: Option<Range<u64>>) -> BlobFuture<'_, ByteStream> {
        let location = ObjectPath::from(key);
        Box::pin(async move {
            let Some(result) = ranged_get(&self.inner, &location, range).await? else {
                return Ok(futures_util::stream::empty().boxed());
            };
            match result.payload {
                // Local files are read in chunks of `CHUNK` (object_store's own stream reads
                // 8 KiB at a time: a GiB takes 131 072 blocking reads).
                GetResultPayload::File(file, _) => Ok(file_stream(file, result.range)),
                GetResultPayload::Stream(stream) => Ok(stream.map(|c| c.map_err(backend)).boxed()),
            }
        })
    }

    fn keys(&self) -> BlobFuture<'_, Vec<String>> {
        self.keys_older_than(std::time::Duration::ZERO)
    }

    fn keys_older_than(&self, age: std::time::Duration) -> BlobFuture<'_, Vec<String>> {
        Box::pin(async move { crate::s3::listed_older_than(&self.inner, age).await })
    }

    fn delete(&self, key: &str) -> BlobFuture<'_, ()> {
        let location = ObjectPath::from(key);
        Box::pin(async move {
            match self.inner.delete(&location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(backend(e)),
            }
        })
    }
}

// Bytes `range` of a local file, `CHUNK` at a time, each read on the blocking pool.
fn file_stream(file: std::fs::File, range: Range<u64>) -> ByteStream {
    let state = (Some(file), range.start, range.end);
    futures_util::stream::unfold(state, |(file, at, end)| async move {
        let file = file?;
        if at >= end {
            return None;
        }
        let want = usize::try_from(end - at).unwrap_or(usize::MAX).min(CHUNK);
        let read = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Seek, SeekFrom};
            let mut file = file;
            let mut buf = vec![0u8; want];
            file.seek(SeekFrom::Start(at))?;
            file.read_exact(&mut buf)?;
            Ok::<_, std::io::Error>((file, buf))
        })
        .await;
        match read {
            Ok(Ok((file, buf))) => {
                let n = buf.len() as u64;
                Some((Ok(Bytes::from(buf)), (Some(file), at + n, end)))
            }
            Ok(Err(e)) => Some((Err(BlobError::Backend(e.to_string())), (None, end, end))),
            Err(e) => Some((Err(BlobError::Backend(e.to_string())), (None, end, end))),
        }
    })
    .boxed()
}

/// `range` of the object at `location` (the whole object without one); `None` for an empty
/// range, which object stores answer differently (an error, or the whole object).
pub(crate) async fn ranged_get(
    store: &dyn ObjectStore,
    location: &ObjectPath,
    range: Option<Range<u64>>,
) -> Result<Option<object_store::GetResult>, BlobError> {
    if range.as_ref().is_some_and(|r| r.start >= r.end) {
        return Ok(None);
    }
    let options = GetOptions {
        range: range.map(GetRange::Bounded),
        ..GetOptions::default()
    };
    store
        .get_opts(location, options)
        .await
        .map(Some)
        .map_err(backend)
}
