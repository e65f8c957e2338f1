//! One body per property of `BlobStore`, run against the local file system and an S3 bucket
//! (moto): streamed writes (multipart beyond one part), ranged reads, limits, uploads cut
//! off, listing by age, prefixes.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use tern_store::{BlobError, BlobStore, ByteStream, S3Blobs, S3Location};

use crate::services;

macro_rules! blob_conformance {
    ($($name:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let blobs: std::sync::Arc<dyn tern_store::BlobStore> =
                        std::sync::Arc::new(tern_store::LocalBlobs::open(dir.path()).unwrap());
                    super::$name(blobs).await;
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(blobs) = super::s3("p").await else { return };
                    super::$name(blobs).await;
                }
            )*
        }
    };
}

blob_conformance!(
    small_values_round_trip,
    large_values_stream_in_parts,
    refused_uploads_leave_nothing,
    listing_by_age,
);

async fn s3(prefix: &str) -> Option<Arc<dyn BlobStore>> {
    let endpoint = services::s3_endpoint()?;
    let bucket = services::fresh_bucket(&endpoint).await;
    let location: S3Location = format!("s3://{bucket}/{prefix}").parse().unwrap();
    Some(Arc::new(S3Blobs::open(&location, Some(&endpoint)).unwrap()))
}

// `len` bytes (a pattern) in chunks of `chunk`, failing after `fail_after` bytes if given.
fn stream(len: usize, chunk: usize, fail_after: Option<usize>) -> ByteStream {
    let data = pattern(len);
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < len {
        let end = (at + chunk).min(len);
        if fail_after.is_some_and(|f| at >= f) {
            chunks.push(Err(BlobError::Upload("client went away".into())));
            break;
        }
        chunks.push(Ok(Bytes::copy_from_slice(&data[at..end])));
        at = end;
    }
    futures_util::stream::iter(chunks).boxed()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

async fn read_all(
    blobs: &dyn BlobStore,
    key: &str,
    range: Option<std::ops::Range<u64>>,
) -> Vec<u8> {
    let mut s = blobs.get(key, range).await.unwrap();
    let mut out = Vec::new();
    while let Some(c) = s.next().await {
        out.extend_from_slice(&c.unwrap());
    }
    out
}

async fn small_values_round_trip(blobs: Arc<dyn BlobStore>) {
    let b = blobs.as_ref();
    assert_eq!(
        b.put("a.1", stream(1000, 300, None), 10_000).await.unwrap(),
        1000
    );
    assert_eq!(read_all(b, "a.1", None).await, pattern(1000));
    assert_eq!(
        read_all(b, "a.1", Some(10..20)).await,
        pattern(1000)[10..20]
    );
    assert!(read_all(b, "a.1", Some(5..5)).await.is_empty());
    assert_eq!(b.keys().await.unwrap(), vec!["a.1".to_owned()]);
    b.delete("a.1").await.unwrap();
    b.delete("a.1").await.unwrap();
    assert!(b.keys().await.unwrap().is_empty());
    assert!(matches!(
        b.get("a.1", None).await,
        Err(BlobError::NotFound(_))
    ));
}

async fn large_values_stream_in_parts(blobs: Arc<dyn BlobStore>) {
    let b = blobs.as_ref();
    let len = 20 * 1024 * 1024 + 123;
    let written = b
        .put("big", stream(len, 1024 * 1024, None), u64::MAX)
        .await
        .unwrap();
    assert_eq!(written, len as u64);
    let whole = read_all(b, "big", None).await;
    assert!(whole == pattern(len), "the value read back differs");
    // Across the boundary of the first 8 MiB part.
    let from = 8 * 1024 * 1024 - 10;
    let part = read_all(b, "big", Some(from as u64..from as u64 + 20)).await;
    assert_eq!(part, pattern(len)[from..from + 20]);
}

async fn refused_uploads_leave_nothing(blobs: Arc<dyn BlobStore>) {
    let b = blobs.as_ref();
    let over = b.put("too-big", stream(3000, 1000, None), 2500).await;
    assert!(
        matches!(over, Err(BlobError::TooLarge { limit: 2500 })),
        "{over:?}"
    );
    // Cut off after more than one part went out.
    let cut = b
        .put(
            "cut",
            stream(12 * 1024 * 1024, 1024 * 1024, Some(9 * 1024 * 1024)),
            u64::MAX,
        )
        .await;
    assert!(matches!(cut, Err(BlobError::Upload(_))), "{cut:?}");
    assert!(
        b.keys().await.unwrap().is_empty(),
        "nothing of a refused upload is kept"
    );
}

async fn listing_by_age(blobs: Arc<dyn BlobStore>) {
    let b = blobs.as_ref();
    b.put("young", stream(10, 10, None), 100).await.unwrap();
    assert_eq!(
        b.keys_older_than(Duration::ZERO).await.unwrap(),
        vec!["young".to_owned()]
    );
    assert!(
        b.keys_older_than(Duration::from_secs(3600))
            .await
            .unwrap()
            .is_empty(),
        "a blob just written is not a garbage candidate"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_prefixes_keep_their_blobs_apart() {
    let Some(endpoint) = services::s3_endpoint() else {
        return;
    };
    let bucket = services::fresh_bucket(&endpoint).await;
    let open = |prefix: &str| {
        let location: S3Location = format!("s3://{bucket}/{prefix}").parse().unwrap();
        S3Blobs::open(&location, Some(&endpoint)).unwrap()
    };
    let (one, two) = (open("one"), open("two/deeper"));
    one.put("k", stream(5, 5, None), 10).await.unwrap();
    two.put("k", stream(7, 7, None), 10).await.unwrap();
    assert_eq!(read_all(&one, "k", None).await.len(), 5);
    assert_eq!(read_all(&two, "k", None).await.len(), 7);
    assert_eq!(one.keys().await.unwrap(), vec!["k".to_owned()]);
}

#[test]
fn s3_locations_and_endpoints_are_checked() {
    let l: S3Location = "s3://bucket/a/b/".parse().unwrap();
    assert_eq!((l.bucket.as_str(), l.prefix.as_str()), ("bucket", "a/b"));
    let l: S3Location = "s3://bucket".parse().unwrap();
    assert_eq!(l.prefix, "");
    assert!("s3:///x".parse::<S3Location>().is_err());
    assert!("http://bucket/x".parse::<S3Location>().is_err());
    let l: S3Location = "s3://bucket".parse().unwrap();
    let remote = S3Blobs::open(&l, Some("http://192.0.2.1:9000"));
    assert!(remote.is_err(), "plain http beyond loopback is refused");
    assert!(S3Blobs::open(&l, Some("http://[::1]:9000")).is_ok());
    assert!(S3Blobs::open(&l, Some("http://localhost:9000")).is_ok());
}
