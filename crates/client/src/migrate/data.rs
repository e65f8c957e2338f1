//! The data step: each disk's data object copied from A to B through CDMI, verified by
//! SHA-256 after the copy, converted with `qemu-img convert` when B wants another format.
//!
//! Three ways, in order of preference:
//! - **copy**: a CDMI create at B with `{"copy": "<A's URL>"}` (B fetches the value
//!   itself; nothing passes through tern). B answers 4xx when it cannot (it does not copy
//!   from other servers, or cannot reach A): then
//! - **stream**: tern reads A's value in pieces (`Range`) and sends them to B as the body of
//!   one plain-HTTP PUT, a reader task and the writer with two pieces in flight: memory stays
//!   bounded whatever the disk's size;
//! - **convert**: when the formats differ, A's value is downloaded into a temporary directory,
//!   converted by qemu-img (which needs seekable files: no stream is possible) and the result
//!   streamed to B.
//!
//! The SHA-256 of what A sent (computed while streaming) or of the converted file is compared
//! with B's value read back; a mismatch deletes B's object and tries again, a bounded number
//! of times, then fails with both digests.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::format::DiskFormat;
use crate::http::{Client, ClientError};

/// Bytes per request of a streamed copy.
pub const PIECE: u64 = 8 * 1024 * 1024;

const VERSION: &str = "1.1.1";
const CDMI_OBJECT: &str = "application/cdmi-object";

/// Why a disk could not be copied.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A call failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// B's value still differs from A's after the retries.
    #[error(
        "{target}: the copy's SHA-256 {got} differs from the source's {expected} after {attempts} attempts"
    )]
    Mismatch {
        /// B's data object.
        target: String,
        /// The source's digest.
        expected: String,
        /// B's digest on the last attempt.
        got: String,
        /// Attempts made.
        attempts: u32,
    },
    /// qemu-img is missing or failed.
    #[error("{0}")]
    Qemu(String),
    /// The temporary area could not be used.
    #[error("{0}")]
    Io(String),
}

/// How one disk was copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// B copied it from A (CDMI `copy`).
    Copy,
    /// Streamed through tern.
    Stream,
    /// Downloaded, converted by qemu-img, streamed to B.
    Convert,
}

/// A disk copied and verified.
#[derive(Debug, Clone, Serialize)]
pub struct Copied {
    /// B's data object.
    pub target: String,
    /// How.
    pub method: Method,
    /// The size of B's value.
    pub size: u64,
    /// Its SHA-256.
    pub sha256: String,
    /// Bytes that passed through tern (read from A and written to B).
    pub bytes: u64,
    /// Attempts made (1 when the first copy verified).
    pub attempts: u32,
    /// Seconds taken.
    pub seconds: f64,
}

/// One disk to copy.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// A's data object.
    pub source: &'a str,
    /// Its size.
    pub size: u64,
    /// Its format at A, when known.
    pub source_format: Option<DiskFormat>,
    /// The format B gets (`None`: as it is).
    pub target_format: Option<DiskFormat>,
    /// B's data object.
    pub target: &'a str,
    /// Where temporary files go (the system's temporary directory when `None`).
    pub work_dir: Option<&'a Path>,
    /// Retries after a digest mismatch.
    pub retries: u32,
}

/// Copies one disk (see the module documentation) and verifies it.
pub async fn copy_disk(a: &Client, b: &Client, job: &Job<'_>) -> Result<Copied, DataError> {
    let started = Instant::now();
    let convert = match (job.source_format, job.target_format) {
        (_, None) => false,
        (Some(s), Some(t)) => s != t,
        (None, Some(_)) => true,
    };
    let attempts = job.retries.saturating_add(1);
    let mut last = None;
    for attempt in 1..=attempts {
        let (method, expected, bytes) = if convert {
            let (digest, bytes) = via_qemu(a, b, job).await?;
            (Method::Convert, digest, bytes)
        } else if attempt == 1 && remote_copy(b, job.source, job.target).await? {
            let expected = remote_sha256(a, job.source, job.size).await?;
            (Method::Copy, expected, 0)
        } else {
            let digest = stream(a, b, job.source, job.size, job.target).await?;
            (Method::Stream, digest, 2 * job.size)
        };
        let size = object_size(b, job.target).await?.unwrap_or(0);
        let got = remote_sha256(b, job.target, size).await?;
        if got == expected {
            // The digest beside the value, for whoever reads it next (a resumed run, an
            // export); B's own `cdmi_hash`, when it keeps one, says the same.
            set_digest(b, job.target, &got, size).await?;
            return Ok(Copied {
                target: job.target.to_owned(),
                method,
                size,
                sha256: got,
                bytes,
                attempts: attempt,
                seconds: started.elapsed().as_secs_f64(),
            });
        }
        delete(b, job.target).await?;
        last = Some((expected, got));
    }
    let (expected, got) = last.unwrap_or_default();
    Err(DataError::Mismatch {
        target: job.target.to_owned(),
        expected,
        got,
        attempts,
    })
}

/// The size of the data object at `url` (`cdmi_size`), `None` when there is none.
pub async fn object_size(client: &Client, url: &str) -> Result<Option<u64>, ClientError> {
    Ok(object_metadata(client, url).await?.map(|m| {
        text(&m["cdmi_size"])
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(0)
    }))
}

/// The metadata of the data object at `url`, `None` when there is none (or it is a
/// container).
pub async fn object_metadata(
    client: &Client,
    url: &str,
) -> Result<Option<serde_json::Value>, ClientError> {
    let r = client
        .send(
            "GET",
            &format!("{url}?metadata;objectType"),
            CDMI_OBJECT,
            &version(),
            None,
            true,
            &[400, 404, 406],
        )
        .await?;
    if r.status >= 400 {
        return Ok(None);
    }
    let json: serde_json::Value = serde_json::from_str(&r.text).unwrap_or_default();
    if json["objectType"]
        .as_str()
        .is_some_and(|t| t != CDMI_OBJECT)
    {
        return Ok(None);
    }
    Ok(Some(json["metadata"].clone()))
}

/// The SHA-256 of the first `size` bytes of the value at `url`, read in pieces.
pub async fn remote_sha256(client: &Client, url: &str, size: u64) -> Result<String, ClientError> {
    let mut hasher = Sha256::new();
    let mut at = 0;
    while at < size {
        let end = (at + PIECE).min(size);
        let piece = get_piece(client, url, at, end).await?;
        hasher.update(&piece);
        at = end;
    }
    Ok(hex(&hasher.finalize()))
}

/// The lower-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Finds `program` on `PATH`.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn version() -> Vec<(&'static str, String)> {
    vec![("X-CDMI-Specification-Version", VERSION.to_owned())]
}

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

// Bytes `from..to` of the value at `url`.
async fn get_piece(
    client: &Client,
    url: &str,
    from: u64,
    to: u64,
) -> Result<bytes::Bytes, ClientError> {
    let url = client.url(url);
    let failed = |message: String| ClientError::Transport {
        method: "GET".into(),
        url: url.clone(),
        message,
    };
    let mut tries = 0;
    loop {
        tries += 1;
        let r = client
            .http()
            .get(&url)
            .header("Range", format!("bytes={from}-{}", to - 1))
            .send()
            .await;
        let r = match r {
            Ok(r) if r.status().is_server_error() && tries < 4 => continue,
            Ok(r) => r,
            Err(_) if tries < 4 => continue,
            Err(e) => return Err(failed(e.to_string())),
        };
        let status = r.status().as_u16();
        if status >= 400 {
            return Err(ClientError::Status {
                method: "GET".into(),
                url: url.clone(),
                status,
                body: r
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .take(300)
                    .collect(),
            });
        }
        // A server that ignores `Range` sends the whole value: taken when it is this piece,
        // refused otherwise (reading the whole value for every piece would be quadratic).
        if status == 200 && (from > 0 || r.content_length().is_none_or(|n| n > to - from)) {
            return Err(failed(format!(
                "asked for bytes {from}-{}, the server sent the whole value: it ignores Range",
                to - 1
            )));
        }
        let body = r.bytes().await.map_err(|e| failed(e.to_string()))?;
        let want = usize::try_from(to - from).unwrap_or(usize::MAX);
        return match status {
            206 | 200 if body.len() == want => Ok(body),
            _ => Err(failed(format!(
                "asked for bytes {from}-{}, received {} bytes (status {status})",
                to - 1,
                body.len()
            ))),
        };
    }
}

// A CDMI create at B with `copy`: true when B did it, false when it refused (4xx).
async fn remote_copy(b: &Client, source: &str, target: &str) -> Result<bool, ClientError> {
    let body = serde_json::json!({ "copy": source }).to_string();
    let refusals: Vec<u16> = (400..500).collect();
    let r = b
        .send(
            "PUT",
            target,
            CDMI_OBJECT,
            &version(),
            Some((body.as_bytes(), CDMI_OBJECT)),
            true,
            &refusals,
        )
        .await?;
    Ok(r.status < 400)
}

// A's value streamed to B; the SHA-256 of what A sent.
async fn stream(
    a: &Client,
    b: &Client,
    source: &str,
    size: u64,
    target: &str,
) -> Result<String, DataError> {
    let (tx, rx) = mpsc::channel::<Result<bytes::Bytes, ClientError>>(2);
    let reader = {
        let a = a.clone();
        let source = source.to_owned();
        tokio::spawn(async move {
            let mut hasher = Sha256::new();
            let mut at = 0;
            while at < size {
                let end = (at + PIECE).min(size);
                let piece = get_piece(&a, &source, at, end).await;
                if let Ok(p) = &piece {
                    hasher.update(p);
                }
                let failed = piece.is_err();
                if tx.send(piece).await.is_err() || failed {
                    return None;
                }
                at = end;
            }
            Some(hex(&hasher.finalize()))
        })
    };
    push(b, target, size, rx).await?;
    finished(reader.await)
}

// The digest a producer task returns once it sent every piece.
fn finished(joined: Result<Option<String>, tokio::task::JoinError>) -> Result<String, DataError> {
    match joined {
        Ok(Some(digest)) => Ok(digest),
        Ok(None) => Err(DataError::Io(
            "the source ended before its last piece".into(),
        )),
        Err(e) => Err(DataError::Io(format!("the reading task failed: {e}"))),
    }
}

// The pieces received written to B as one plain-HTTP PUT of the whole value (a streamed
// body of `size` bytes): the server writes its blob once. Partial `Content-Range` writes
// would each rewrite the value so far on a server without appends (tern serve's blobs).
async fn push(
    b: &Client,
    target: &str,
    size: u64,
    pieces: mpsc::Receiver<Result<bytes::Bytes, ClientError>>,
) -> Result<(), ClientError> {
    let url = b.url(target);
    let failed = |message: String| ClientError::Transport {
        method: "PUT".into(),
        url: url.clone(),
        message,
    };
    let body = futures_util::stream::unfold(pieces, |mut rx| async move {
        let piece = rx.recv().await?;
        Some((piece.map_err(|e| std::io::Error::other(e.to_string())), rx))
    });
    // At least a minute, and long enough for 1 MB/s.
    let timeout = std::time::Duration::from_secs((size / 1_000_000).max(60));
    let r = b
        .http()
        .put(&url)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", size)
        .timeout(timeout)
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let status = r.status().as_u16();
    if status >= 400 {
        return Err(ClientError::Status {
            method: "PUT".into(),
            url: url.clone(),
            status,
            body: r
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect(),
        });
    }
    Ok(())
}

// `tern_sha256` and `tern_size` in the object's metadata (the digest `tern deploy --cdmi`
// writes too).
async fn set_digest(b: &Client, target: &str, sha256: &str, size: u64) -> Result<(), ClientError> {
    let body = serde_json::json!({
        "metadata": { "tern_sha256": sha256, "tern_size": size.to_string() }
    })
    .to_string();
    b.send(
        "PUT",
        &format!("{target}?metadata:tern_sha256;metadata:tern_size"),
        CDMI_OBJECT,
        &version(),
        Some((body.as_bytes(), CDMI_OBJECT)),
        true,
        &[],
    )
    .await?;
    Ok(())
}

async fn delete(b: &Client, target: &str) -> Result<(), ClientError> {
    b.send("DELETE", target, "*/*", &version(), None, true, &[404])
        .await?;
    Ok(())
}

// Download, qemu-img convert, stream to B: the converted file's digest and the bytes moved.
async fn via_qemu(a: &Client, b: &Client, job: &Job<'_>) -> Result<(String, u64), DataError> {
    let qemu = find_on_path("qemu-img").ok_or_else(|| {
        DataError::Qemu(format!(
            "qemu-img is not on PATH, and {} must be converted to {}: install qemu-utils (Debian, Ubuntu) or qemu-img (Fedora), or give --disk-format with the source's format",
            job.source,
            job.target_format.map_or("another format", DiskFormat::name)
        ))
    })?;
    let io = |e: &dyn std::fmt::Display| DataError::Io(format!("temporary area: {e}"));
    let dir = match job.work_dir {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .map_err(|e| io(&e))?;
    let input = dir.path().join("source");
    download(a, job.source, job.size, &input).await?;
    let actual = info_format(&qemu, &input).await?;
    let output = match job.target_format {
        Some(t) if Some(t) != actual => {
            let output = dir.path().join(format!("target.{}", t.name()));
            convert(&qemu, &input, actual, &output, t).await?;
            output
        }
        _ => input,
    };
    let size = std::fs::metadata(&output).map_err(|e| io(&e))?.len();
    let (tx, rx) = mpsc::channel(2);
    let path = output.clone();
    let reader = tokio::task::spawn_blocking(move || read_file(&path, &tx));
    push(b, job.target, size, rx).await?;
    Ok((finished(reader.await)?, job.size + size))
}

// The file's pieces, sent one by one (a blocking task: file reads block); their SHA-256
// once every piece is sent.
fn read_file(path: &Path, tx: &mpsc::Sender<Result<bytes::Bytes, ClientError>>) -> Option<String> {
    use std::io::Read as _;
    let failed = |e: &std::io::Error| {
        let _ = tx.blocking_send(Err(ClientError::Setup(format!("{}: {e}", path.display()))));
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            failed(&e);
            return None;
        }
    };
    let mut hasher = Sha256::new();
    loop {
        let mut buffer = Vec::with_capacity(PIECE as usize);
        match (&mut file).take(PIECE).read_to_end(&mut buffer) {
            Ok(0) => return Some(hex(&hasher.finalize())),
            Ok(_) => {
                hasher.update(&buffer);
                if tx.blocking_send(Ok(buffer.into())).is_err() {
                    return None;
                }
            }
            Err(e) => {
                failed(&e);
                return None;
            }
        }
    }
}

async fn download(a: &Client, source: &str, size: u64, path: &Path) -> Result<(), DataError> {
    use tokio::io::AsyncWriteExt as _;
    let io = |e: &dyn std::fmt::Display| DataError::Io(format!("{}: {e}", path.display()));
    let mut file = tokio::fs::File::create(path).await.map_err(|e| io(&e))?;
    let mut at = 0;
    while at < size {
        let end = (at + PIECE).min(size);
        let piece = get_piece(a, source, at, end).await?;
        file.write_all(&piece).await.map_err(|e| io(&e))?;
        at = end;
    }
    file.sync_all().await.map_err(|e| io(&e))?;
    Ok(())
}

// The format qemu-img finds in the file (`None` when it says something tern does not know).
async fn info_format(qemu: &Path, file: &Path) -> Result<Option<DiskFormat>, DataError> {
    let out = tokio::process::Command::new(qemu)
        .args(["info", "--output=json"])
        .arg(file)
        .output()
        .await
        .map_err(|e| DataError::Qemu(format!("{}: {e}", qemu.display())))?;
    if !out.status.success() {
        return Err(DataError::Qemu(format!(
            "qemu-img info: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    Ok(json["format"].as_str().and_then(|f| f.parse().ok()))
}

async fn convert(
    qemu: &Path,
    input: &Path,
    from: Option<DiskFormat>,
    output: &Path,
    to: DiskFormat,
) -> Result<(), DataError> {
    let mut command = tokio::process::Command::new(qemu);
    command.arg("convert");
    if let Some(f) = from {
        command.args(["-f", f.name()]);
    }
    command.args(["-O", to.name()]);
    if to == DiskFormat::Vmdk {
        // The VMDK variant OVF packages carry (and the URI tern writes says).
        command.args(["-o", "subformat=streamOptimized"]);
    }
    let out = command
        .arg(input)
        .arg(output)
        .output()
        .await
        .map_err(|e| DataError::Qemu(format!("{}: {e}", qemu.display())))?;
    if !out.status.success() {
        return Err(DataError::Qemu(format!(
            "qemu-img convert to {to}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}
