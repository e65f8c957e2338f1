//! Blobs on the local file system, and the CDMI metadata rows.

use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use tern_store::{
    BlobError, BlobStore, ByteStream, CdmiRecord, Decision, LocalBlobs, SqliteStore, transact,
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn chunks(parts: &[&'static [u8]]) -> ByteStream {
    let parts: Vec<_> = parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
    stream::iter(parts).boxed()
}

async fn collect(blobs: &LocalBlobs, key: &str, range: Option<std::ops::Range<u64>>) -> Vec<u8> {
    let mut s = blobs.get(key, range).await.unwrap();
    let mut out = Vec::new();
    while let Some(c) = s.next().await {
        out.extend_from_slice(&c.unwrap());
    }
    out
}

#[test]
fn blobs_are_written_whole_read_by_range_and_deleted() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let blobs = LocalBlobs::open(&dir.path().join("blobs")).unwrap();
        let n = blobs
            .put("a.1", chunks(&[b"hello ", b"world"]), 100)
            .await
            .unwrap();
        assert_eq!(n, 11);
        assert_eq!(collect(&blobs, "a.1", None).await, b"hello world");
        assert_eq!(collect(&blobs, "a.1", Some(6..11)).await, b"world");
        assert_eq!(collect(&blobs, "a.1", Some(3..3)).await, b"");
        assert_eq!(blobs.keys().await.unwrap(), ["a.1"]);
        // Over the limit: refused, nothing kept (no staging file either).
        let too_big = blobs.put("b.1", chunks(&[b"0123456789", b"x"]), 10).await;
        assert!(matches!(too_big, Err(BlobError::TooLarge { limit: 10 })));
        assert!(matches!(
            blobs.get("b.1", None).await,
            Err(BlobError::NotFound(_))
        ));
        // A client that goes away: refused, nothing kept.
        let cut: ByteStream = stream::iter([
            Ok(Bytes::from_static(b"part")),
            Err(BlobError::Upload("reset".into())),
        ])
        .boxed();
        assert!(matches!(
            blobs.put("c.1", cut, 100).await,
            Err(BlobError::Upload(_))
        ));
        let entries = std::fs::read_dir(dir.path().join("blobs")).unwrap().count();
        assert_eq!(entries, 1, "only a.1 is on disk");
        blobs.delete("a.1").await.unwrap();
        blobs.delete("a.1").await.unwrap();
        assert!(blobs.keys().await.unwrap().is_empty());
    });
}

fn row(path: &str, id: &str, parent: Option<&str>) -> CdmiRecord {
    CdmiRecord {
        path: path.into(),
        object_id: id.into(),
        parent: parent.map(str::to_owned),
        object_type: "application/cdmi-object".into(),
        body: "{}".into(),
    }
}

#[test]
fn cdmi_rows_by_path_id_and_parent() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        transact(&store, |tx| {
            tx.cdmi_put(&row("/", "R", None))?;
            tx.cdmi_put(&row("/c/", "C", Some("/")))?;
            for n in 0..5 {
                tx.cdmi_put(&row(&format!("/c/{n}"), &format!("O{n}"), Some("/c/")))?;
            }
            Ok(((), Decision::Commit))
        })
        .await
        .unwrap();
        let (page, count, by_id, gone) = transact(&store, |tx| {
            let page = tx.cdmi_children("/c/", 1, 2)?;
            let count = tx.cdmi_count_children("/c/")?;
            let by_id = tx.cdmi_by_id("O3")?;
            let gone = tx.cdmi_delete("/c/3")? && !tx.cdmi_delete("/c/3")?;
            Ok(((page, count, by_id, gone), Decision::Commit))
        })
        .await
        .unwrap();
        let paths: Vec<_> = page.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/c/1", "/c/2"]);
        assert_eq!(count, 5);
        assert_eq!(by_id.unwrap().path, "/c/3");
        assert!(gone);
        // IDs are unique: a second row with a taken ID fails, and the transaction with it.
        let clash = transact(&store, |tx| {
            tx.cdmi_put(&row("/c/x", "O1", Some("/c/")))?;
            Ok(((), Decision::Commit))
        })
        .await;
        assert!(clash.is_err());
    });
}
