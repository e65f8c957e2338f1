//! CDMI over real HTTP: a 64 MiB value streamed in and out with the server's memory read
//! from /proc, and CDMI objects that survive a restart.

use std::io::Read;

use reqwest::StatusCode;

use crate::{Served, client};

const SIZE: u64 = 64 * 1024 * 1024;

// A value generated on the fly: the test holds none of it either.
struct Pattern {
    at: u64,
    end: u64,
}

fn byte_at(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min((self.end - self.at) as usize);
        for (k, b) in buf[..n].iter_mut().enumerate() {
            *b = byte_at(self.at + k as u64);
        }
        self.at += n as u64;
        Ok(n)
    }
}

// The resident set of a process, in bytes (Linux).
fn rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn a_64_mib_value_streams_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let pid = served.child.id();
    let http = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(300))
        .build()
        .unwrap();
    let base = served.base.clone();
    let r = http.put(format!("{base}/vols/")).send().unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // Warm up (the first requests grow the allocator's pools), then measure.
    let r = http
        .put(format!("{base}/vols/small"))
        .header("Content-Type", "application/octet-stream")
        .body(vec![1u8; 1024 * 1024])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let before = rss(pid);

    let body = reqwest::blocking::Body::sized(Pattern { at: 0, end: SIZE }, SIZE);
    let r = http
        .put(format!("{base}/vols/disk.img"))
        .header("Content-Type", "application/octet-stream")
        .body(body)
        .send()
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().unwrap_or_default()
    );
    let after_put = rss(pid);

    let mut r = http.get(format!("{base}/vols/disk.img")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-length"], SIZE.to_string().as_str());
    let mut buf = vec![0u8; 1 << 20];
    let mut at = 0u64;
    loop {
        let n = r.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        for (k, b) in buf[..n].iter().enumerate() {
            assert_eq!(*b, byte_at(at + k as u64), "byte {}", at + k as u64);
        }
        at += n as u64;
    }
    assert_eq!(at, SIZE);
    let after_get = rss(pid);

    // A range from the middle.
    let r = http
        .get(format!("{base}/vols/disk.img"))
        .header("Range", "bytes=40000000-40000009")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    let part = r.bytes().unwrap();
    let want: Vec<u8> = (40_000_000..40_000_010).map(byte_at).collect();
    assert_eq!(part.as_ref(), want.as_slice());

    if let (Some(before), Some(put), Some(get)) = (before, after_put, after_get) {
        eprintln!(
            "server RSS: {} MiB before, {} MiB after the 64 MiB PUT, {} MiB after the GET",
            before >> 20,
            put >> 20,
            get >> 20
        );
        // A bound, not a time: a server that buffered the value would grow by 64 MiB or more.
        assert!(
            put.saturating_sub(before) < SIZE,
            "PUT grew the server by {} bytes",
            put - before
        );
        assert!(
            get.saturating_sub(before) < SIZE,
            "GET grew the server by {} bytes",
            get - before
        );
    }
}

#[test]
fn cdmi_objects_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let http = client();
    let base = served.base.clone();
    let v = ("X-CDMI-Specification-Version", "1.1");
    let r = http
        .put(format!("{base}/keep/"))
        .header(v.0, v.1)
        .header("Content-Type", "application/cdmi-container")
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = http
        .put(format!("{base}/keep/note.txt"))
        .header(v.0, v.1)
        .header("Content-Type", "application/cdmi-object")
        .body(r#"{"mimetype": "text/plain", "metadata": {"k": "v"}, "value": "kept"}"#)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["x-cdmi-specification-version"], "1.1.1");
    let id = serde_json::from_str::<serde_json::Value>(&r.text().unwrap()).unwrap()["objectID"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(served.terminate().success());

    let served = Served::start(dir.path(), &[]);
    let base = served.base.clone();
    let r = http.get(format!("{base}/keep/note.txt")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/plain");
    assert_eq!(r.text().unwrap(), "kept");
    let r = http
        .get(format!("{base}/cdmi_objectid/{id}"))
        .header(v.0, v.1)
        .send()
        .unwrap();
    let read: serde_json::Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert_eq!(read["value"], "kept");
    assert_eq!(read["metadata"]["k"], "v");
    // OCCI beside it.
    let r = http
        .get(format!("{base}/-/"))
        .header("Accept", "application/occi+json")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

// A blob no row names (a crash between the blob's commit and its row's, a deleted OCCI
// storage's volume) is deleted at the next start.
#[test]
fn blobs_no_row_names_are_collected_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let http = client();
    let base = served.base.clone();
    assert_eq!(
        http.put(format!("{base}/c/")).send().unwrap().status(),
        StatusCode::CREATED
    );
    let r = http
        .put(format!("{base}/c/kept"))
        .header("Content-Type", "application/octet-stream")
        .body("kept")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(served.terminate().success());
    let blobs = dir.path().join("blobs");
    std::fs::write(
        blobs.join("00007ED900183F8A0000000000000000.0000000000000001"),
        b"orphan",
    )
    .unwrap();
    let count = || std::fs::read_dir(&blobs).unwrap().count();
    assert_eq!(count(), 2);
    let served = Served::start(dir.path(), &[]);
    assert_eq!(count(), 1);
    let r = http.get(format!("{}/c/kept", served.base)).send().unwrap();
    assert_eq!(r.text().unwrap(), "kept");
}

// An upload cut by SIGKILL leaves neither an object nor its staging file after the restart.
#[test]
fn an_upload_cut_by_a_crash_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let http = client();
    let base = served.base.clone();
    assert_eq!(
        http.put(format!("{base}/c/")).send().unwrap().status(),
        StatusCode::CREATED
    );
    let served = killed_mid_upload(served, dir.path(), format!("{base}/c/big"), None);
    let r = http.get(format!("{}/c/big", served.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

// A PUT of SIZE bytes (a partial write with `range`) sent slowly to `url`, the server
// killed by SIGKILL once the upload's staging file exists, then started again on the same
// data: returns the new server, after checking that the staging file is gone.
fn killed_mid_upload(
    mut served: Served,
    data: &std::path::Path,
    url: String,
    range: Option<String>,
) -> Served {
    struct Slow(Pattern);
    impl Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.at >= 8 << 20 {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            let n = buf.len().min(64 * 1024);
            self.0.read(&mut buf[..n])
        }
    }
    let upload = std::thread::spawn(move || {
        let body = reqwest::blocking::Body::sized(Slow(Pattern { at: 0, end: SIZE }), SIZE);
        let mut request = reqwest::blocking::Client::new()
            .put(url)
            .header("Content-Type", "application/octet-stream");
        if let Some(range) = range {
            request = request.header("Content-Range", range);
        }
        let _ = request.body(body).send();
    });
    let blobs = data.join("blobs");
    let staging = || {
        std::fs::read_dir(&blobs)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().contains('#'))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !staging() {
        assert!(
            std::time::Instant::now() < deadline,
            "the upload never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    served.child.kill().unwrap();
    served.child.wait().unwrap();
    upload.join().unwrap();
    let served = Served::start(data, &[]);
    assert!(!staging(), "the staging file is removed at start");
    served
}

// A partial write cut by SIGKILL: the value keeps the pieces committed before it, and the
// piece's blob, never named by the object, is gone after the restart (staging) or for gc.
#[test]
fn a_partial_write_cut_by_a_crash_keeps_the_value_it_had() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let http = client();
    let base = served.base.clone();
    let put = |range: Option<&str>, body: Vec<u8>| {
        let mut r = http
            .put(format!("{base}/v"))
            .header("Content-Type", "application/octet-stream");
        if let Some(range) = range {
            r = r.header("Content-Range", range);
        }
        r.body(body).send().unwrap().status()
    };
    assert_eq!(put(None, b"head".to_vec()), StatusCode::CREATED);
    assert_eq!(
        put(Some("bytes 4-7/*"), b"tail".to_vec()),
        StatusCode::NO_CONTENT
    );
    let range = format!("bytes 8-{}/*", SIZE + 7);
    let served = killed_mid_upload(served, dir.path(), format!("{base}/v"), Some(range));
    let blobs = dir.path().join("blobs");
    let r = http.get(format!("{}/v", served.base)).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().unwrap(), "headtail");
    // Two pieces, two blobs: nothing else is left.
    assert_eq!(std::fs::read_dir(&blobs).unwrap().count(), 2);
}
