//! Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, moto), through
//! `object_store`'s AmazonS3 client: `tern serve --blobs s3://bucket/prefix`.
//!
//! An object up to [`S3_PART`] bytes is one `PUT`; a larger one a multipart upload of parts
//! of that size (S3 wants 5 MiB at least but the last), two parts in flight at most, so that
//! one upload holds a bounded amount of memory. An upload cut short is aborted (its parts
//! dropped); an object is visible only once complete. Reads are streamed, ranges included.
//! Credentials and region come from the usual `AWS_*` environment variables.

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::stream::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt};
use tokio::io::AsyncWriteExt;

use crate::blob::{BlobError, BlobFuture, BlobStore, ByteStream};

/// The part size of multipart uploads (and the largest object sent in one `PUT`).
pub const S3_PART: usize = 8 * 1024 * 1024;

/// Where blobs go: `s3://bucket` or `s3://bucket/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    /// The bucket.
    pub bucket: String,
    /// The key prefix (without slashes at its ends; empty: the bucket's root).
    pub prefix: String,
}

impl std::str::FromStr for S3Location {
    type Err = BlobError;

    fn from_str(url: &str) -> Result<Self, BlobError> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            BlobError::Backend(format!("{url}: not an s3://bucket/prefix location"))
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(BlobError::Backend(format!("{url}: no bucket name")));
        }
        Ok(S3Location {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
        })
    }
}

/// The blob store in an S3 bucket ([`BlobStore`]).
#[derive(Debug)]
pub struct S3Blobs {
    inner: Arc<dyn ObjectStore>,
}

impl S3Blobs {
    /// The store at `location`; `endpoint` names a server other than AWS (MinIO, moto:
    /// `http://127.0.0.1:9000`), addressed path-style; plain HTTP is allowed to loopback
    /// endpoints only. Nothing is sent until the first operation.
    pub fn open(location: &S3Location, endpoint: Option<&str>) -> Result<Self, BlobError> {
        // reqwest's rustls takes the process's crypto provider: ring, as tern-client's.
        #[allow(
            deprecated,
            reason = "ring has no post-quantum key exchange; it is the crypto of the rest of tern"
        )]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&location.bucket);
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            builder = builder.with_region("us-east-1");
        }
        if let Some(endpoint) = endpoint {
            let plain = endpoint.starts_with("http://");
            if plain && !is_loopback(endpoint) {
                return Err(BlobError::Backend(format!(
                    "{endpoint}: plain http is allowed to loopback endpoints only; use https"
                )));
            }
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(plain)
                .with_virtual_hosted_style_request(false);
        }
        let s3 = builder.build().map_err(backend)?;
        let inner: Arc<dyn ObjectStore> = if location.prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(PrefixStore::new(s3, location.prefix.as_str()))
        };
        Ok(S3Blobs { inner })
    }
}

// `http://127.0.0.1:9000/…`, `http://localhost…`, `http://[::1]…`.
fn is_loopback(endpoint: &str) -> bool {
    let rest = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let host = rest.split('/').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn backend(e: object_store::Error) -> BlobError {
    match e {
        object_store::Error::NotFound { path, .. } => BlobError::NotFound(path),
        e => BlobError::Backend(e.to_string()),
    }
}

impl BlobStore for S3Blobs {
    fn put(&self, key: &str, mut stream: ByteStream, limit: u64) -> BlobFuture<'_, u64> {
        let location = ObjectPath::from(key);
        Box::pin(async move {
            let mut writer = BufWriter::with_capacity(Arc::clone(&self.inner), location, S3_PART)
                .with_max_concurrency(2);
            let mut size = 0u64;
            while let Some(chunk) = stream.next().await {
                let failure = match chunk {
                    Ok(chunk) => {
                        size += chunk.len() as u64;
                        if size > limit {
                            Some(BlobError::TooLarge { limit })
                        } else {
                            writer.put(chunk).await.err().map(backend)
                        }
                    }
                    Err(e) => Some(e),
                };
                if let Some(e) = failure {
                    let _ = writer.abort().await;
                    return Err(e);
                }
            }
            if let Err(e) = writer.shutdown().await {
                let _ = writer.abort().await;
                return Err(BlobError::Backend(e.to_string()));
            }
            Ok(size)
        })
    }

    fn get(&self, key: &str, range: Option<Range<u64>>) -> BlobFuture<'_, ByteStream> {
        let location = ObjectPath::from(key);
        Box::pin(async move {
            let Some(result) = crate::blob::ranged_get(&self.inner, &location, range).await? else {
                return Ok(futures_util::stream::empty().boxed());
            };
            Ok(result.into_stream().map(|c| c.map_err(backend)).boxed())
        })
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

    fn keys(&self) -> BlobFuture<'_, Vec<String>> {
        self.keys_older_than(Duration::ZERO)
    }

    fn keys_older_than(&self, age: Duration) -> BlobFuture<'_, Vec<String>> {
        Box::pin(async move { listed_older_than(self.inner.as_ref(), age).await })
    }
}

/// The keys of `store`'s objects last modified more than `age` ago.
pub(crate) async fn listed_older_than(
    store: &dyn ObjectStore,
    age: Duration,
) -> Result<Vec<String>, BlobError> {
    let before = SystemTime::now()
        .checked_sub(age)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut listed = store.list(None);
    let mut keys = Vec::new();
    while let Some(meta) = listed.next().await {
        let meta = meta.map_err(backend)?;
        let modified = SystemTime::UNIX_EPOCH
            + Duration::from_millis(
                u64::try_from(meta.last_modified.timestamp_millis()).unwrap_or(0),
            );
        if age.is_zero() || modified <= before {
            keys.push(meta.location.to_string());
        }
    }
    Ok(keys)
}
