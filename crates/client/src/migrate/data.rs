//! The data step: each disk's data object copied from A to B through CDMI, verified by
//! SHA-256 after the copy, converted with `qemu-img convert` when B wants another format.
//!
//! Three ways, in order of preference:
//! - **copy**: a CDMI create at B with `{"copy": "<A's URL>"}` (B fetches the value
//!   itself; nothing passes through tern). B answers 4xx when it cannot (it does not copy
//!   from other servers, or cannot reach A): then
//! - **stream**: tern reads A's value in pieces (`Range`, [`PIECE`] bytes) and writes them to
//!   B as they come, a plain-HTTP PUT with `Content-Range` (CDMI 1.1.1 clause 6.4) every
//!   [`write_size`] bytes (one piece, or a few streamed as one body for a disk of more than
//!   64 pieces; the first write a whole PUT that creates the value), a reader task and the
//!   writer with a few pieces in flight: memory stays bounded whatever the disk's size. Each
//!   write B acknowledges is told to the caller (the state file records it), so that a copy
//!   cut in the middle (B down, tern killed) resumes after what B holds: a resumed copy
//!   compares B's prefix with A's, piece by piece, and goes on from the first piece that
//!   differs or is missing, whatever the state claims. A B that refuses `Content-Range`
//!   (400 or 501, RFC 9110 §14.4) or ignores it gets the whole value as the body of one PUT
//!   instead (**whole**), from the start;
//! - **convert**: when the formats differ, A's value is downloaded into a temporary directory,
//!   converted by qemu-img (which needs seekable files: no stream is possible) and the result
//!   written to B as a stream is (acknowledged pieces; a resumed run converts again and
//!   compares B's prefix with the new file, so that it goes on when qemu-img converts alike).
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

/// Bytes per range read of a streamed copy, and the unit of its writes to B.
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
    /// Streamed through tern, in pieces B acknowledged one by one.
    Stream,
    /// Streamed through tern as one PUT (B does not take partial writes).
    Whole,
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
    /// Bytes B held already (an interrupted copy's pieces, checked against A's) and that
    /// were not sent again.
    pub resumed: u64,
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
    /// Bytes of the value B acknowledged in an earlier run (0: none): a claim, checked
    /// against what B holds before the copy goes on after it.
    pub acknowledged: u64,
}

/// Told the length of the prefix B holds after each piece it acknowledges (0 when the copy
/// starts again); an error stops the copy.
pub type Acknowledged<'a> = dyn FnMut(u64) -> Result<(), String> + 'a;

/// Copies one disk (see the module documentation) and verifies it.
pub async fn copy_disk(
    a: &Client,
    b: &Client,
    job: &Job<'_>,
    acknowledged: &mut Acknowledged<'_>,
) -> Result<Copied, DataError> {
    let started = Instant::now();
    let convert = match (job.source_format, job.target_format) {
        (_, None) => false,
        (Some(s), Some(t)) => s != t,
        (None, Some(_)) => true,
    };
    let attempts = job.retries.saturating_add(1);
    let mut last = None;
    let mut claimed = job.acknowledged;
    for attempt in 1..=attempts {
        let (method, expected, bytes, resumed) = if convert {
            let (digest, bytes, resumed) = via_qemu(a, b, job, claimed, acknowledged).await?;
            (Method::Convert, digest, bytes, resumed)
        } else if attempt == 1 && claimed == 0 && remote_copy(b, job.source, job.target).await? {
            let expected = remote_sha256(a, job.source, job.size).await?;
            (Method::Copy, expected, 0, 0)
        } else {
            let origin = Origin::Remote(Box::new(a.clone()), job.source.to_owned());
            match in_pieces(origin, job.size, b, job.target, claimed, acknowledged).await? {
                // A's value read (the prefix to check it, the rest to send), the rest written.
                Pieces::Done { sha256, resumed } => {
                    (Method::Stream, sha256, 2 * job.size - resumed, resumed)
                }
                Pieces::Refused => {
                    let digest = stream(a, b, job.source, job.size, job.target).await?;
                    (Method::Whole, digest, 2 * job.size, 0)
                }
            }
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
                resumed,
                seconds: started.elapsed().as_secs_f64(),
            });
        }
        delete(b, job.target).await?;
        claimed = 0;
        acknowledged(0).map_err(DataError::Io)?;
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
            return Err(refused("GET", &url, r).await);
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

// How a copy in pieces ended.
enum Pieces {
    // Every piece acknowledged: the SHA-256 of A's value, the bytes B held before.
    Done { sha256: String, resumed: u64 },
    // B refuses or ignores `Content-Range`.
    Refused,
}

// A's value written to B piece by piece, after the prefix B holds already (`claimed`, checked).
async fn in_pieces(
    origin: Origin,
    size: u64,
    b: &Client,
    target: &str,
    claimed: u64,
    acknowledged: &mut Acknowledged<'_>,
) -> Result<Pieces, DataError> {
    let (start, hasher) = resume_point(&origin, size, b, target, claimed).await?;
    if start != claimed {
        // The state claimed more than B holds (or than B holds intact): corrected.
        acknowledged(start).map_err(DataError::Io)?;
    }
    let (tx, rx) = mpsc::channel::<Result<bytes::Bytes, ClientError>>(2);
    let reader = tokio::spawn(produce(origin, start..size, hasher, tx));
    match write_pieces(b, target, size, start, rx, acknowledged).await {
        Ok(true) => Ok(Pieces::Done {
            sha256: finished(reader.await)?,
            resumed: start,
        }),
        Ok(false) => {
            reader.abort();
            Ok(Pieces::Refused)
        }
        Err(e) => {
            reader.abort();
            Err(e)
        }
    }
}

// Where a copy goes on: the length of the prefix of B's value equal to the origin's, at most
// `claimed` (compared piece by piece, two pieces in memory), and the SHA-256 state of that
// prefix. 0 when nothing is claimed.
async fn resume_point(
    origin: &Origin,
    size: u64,
    b: &Client,
    target: &str,
    claimed: u64,
) -> Result<(u64, Sha256), DataError> {
    let mut hasher = Sha256::new();
    if claimed == 0 {
        return Ok((0, hasher));
    }
    let held = object_size(b, target).await?.unwrap_or(0);
    let limit = claimed.min(held).min(size);
    let mut at = 0;
    while at < limit {
        let end = (at + PIECE).min(limit);
        let (mine, theirs) =
            tokio::try_join!(origin.piece(at, end), get_piece(b, target, at, end))?;
        if mine != theirs {
            break;
        }
        hasher.update(&mine);
        at = end;
    }
    Ok((at, hasher))
}

// Where the bytes of a copy come from: A's data object, or a file qemu-img converted.
#[derive(Clone)]
enum Origin {
    Remote(Box<Client>, String),
    File(PathBuf),
}

impl Origin {
    // Bytes `from..to`.
    async fn piece(&self, from: u64, to: u64) -> Result<bytes::Bytes, ClientError> {
        match self {
            Origin::Remote(client, url) => get_piece(client, url, from, to).await,
            Origin::File(path) => {
                use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
                let failed =
                    |e: std::io::Error| ClientError::Setup(format!("{}: {e}", path.display()));
                let mut file = tokio::fs::File::open(path).await.map_err(failed)?;
                file.seek(std::io::SeekFrom::Start(from))
                    .await
                    .map_err(failed)?;
                let mut buffer = vec![0; usize::try_from(to - from).unwrap_or(0)];
                file.read_exact(&mut buffer).await.map_err(failed)?;
                Ok(buffer.into())
            }
        }
    }
}

// How many partial writes a disk gets at most: B keeps a few extents, a few commits, and
// tern a few state-file writes, whatever the disk's size (a segment of a large disk is
// streamed, not held).
const MAX_WRITES: u64 = 64;

/// The bytes of one acknowledged write of a copy: [`PIECE`], or more for a disk of more than
/// 64 pieces (a multiple of [`PIECE`], so that at most 64 writes cover the disk). An
/// interrupted copy loses at most one write.
pub fn write_size(size: u64) -> u64 {
    size.div_ceil(MAX_WRITES).div_ceil(PIECE).max(1) * PIECE
}

// The pieces received written to B from `at` on, [`write_size`] bytes a PUT (its body
// streamed from the pieces), each acknowledged; false when B refuses or ignores
// `Content-Range` (the caller sends the whole value instead).
async fn write_pieces(
    b: &Client,
    target: &str,
    size: u64,
    mut at: u64,
    mut pieces: mpsc::Receiver<Result<bytes::Bytes, ClientError>>,
    acknowledged: &mut Acknowledged<'_>,
) -> Result<bool, DataError> {
    if size == 0 {
        put_segment(b, target, None, 0, futures_util::stream::empty()).await?;
        return Ok(true);
    }
    let segment = write_size(size);
    let mut checked = false;
    while at < size {
        let end = (at + segment).min(size);
        // The first write creates (or replaces) the value; the others land at their offset.
        let range = (at > 0).then_some((at, end, size));
        let (body, body_rx) = mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(1);
        let forward = async {
            let mut sent = at;
            while sent < end {
                let piece = match pieces.recv().await {
                    Some(Ok(p)) => p,
                    Some(Err(e)) => {
                        let _ = body.send(Err(std::io::Error::other(e.to_string()))).await;
                        return Err(DataError::Client(e));
                    }
                    None => {
                        return Err(DataError::Io(
                            "the source ended before its last piece".into(),
                        ));
                    }
                };
                sent += piece.len() as u64;
                if body.send(Ok(piece)).await.is_err() {
                    // The PUT ended early: its answer says why.
                    break;
                }
            }
            drop(body);
            Ok(())
        };
        let body_rx = futures_util::stream::unfold(body_rx, |mut rx| async move {
            rx.recv().await.map(|piece| (piece, rx))
        });
        let (forwarded, put) =
            tokio::join!(forward, put_segment(b, target, range, end - at, body_rx));
        forwarded?;
        if !put? {
            return Ok(false);
        }
        if range.is_some() && !checked {
            // A server that ignores `Content-Range` replaced the value with the piece.
            if object_size(b, target).await? != Some(end) {
                return Ok(false);
            }
            checked = true;
        }
        acknowledged(end).map_err(DataError::Io)?;
        at = end;
    }
    Ok(true)
}

// One plain-HTTP PUT of `len` bytes from `body` (with `Content-Range: bytes FIRST-LAST/SIZE`
// when `range` says where they go); false when B refuses the partial write (400 or 501,
// RFC 9110 §14.4). Not retried: the body is gone; a resumed copy goes on after the last
// write B acknowledged.
async fn put_segment(
    b: &Client,
    target: &str,
    range: Option<(u64, u64, u64)>,
    len: u64,
    body: impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static,
) -> Result<bool, ClientError> {
    let url = b.url(target);
    // At least a minute, and long enough for 1 MB/s.
    let timeout = std::time::Duration::from_secs((len / 1_000_000).max(60));
    let mut request = b
        .http()
        .put(&url)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", len)
        .timeout(timeout);
    if let Some((first, end, size)) = range {
        request = request.header("Content-Range", format!("bytes {first}-{}/{size}", end - 1));
    }
    let r = request
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .map_err(|e| ClientError::Transport {
            method: "PUT".into(),
            url: url.clone(),
            message: e.to_string(),
        })?;
    let status = r.status().as_u16();
    if range.is_some() && matches!(status, 400 | 501) {
        return Ok(false);
    }
    if status >= 400 {
        return Err(refused("PUT", &url, r).await);
    }
    Ok(true)
}

// A's value streamed to B as one PUT; the SHA-256 of what A sent.
async fn stream(
    a: &Client,
    b: &Client,
    source: &str,
    size: u64,
    target: &str,
) -> Result<String, DataError> {
    let (tx, rx) = mpsc::channel::<Result<bytes::Bytes, ClientError>>(2);
    let origin = Origin::Remote(Box::new(a.clone()), source.to_owned());
    let reader = tokio::spawn(produce(origin, 0..size, Sha256::new(), tx));
    push(b, target, size, rx).await?;
    finished(reader.await)
}

// The producer of a copy: `range` of the origin's value sent in pieces, each added to
// `hasher` (which holds the bytes before the range, for a resumed copy); the digest of the
// whole value once every piece is sent, `None` when a read failed or the writer stopped.
async fn produce(
    origin: Origin,
    range: std::ops::Range<u64>,
    mut hasher: Sha256,
    tx: mpsc::Sender<Result<bytes::Bytes, ClientError>>,
) -> Option<String> {
    let mut at = range.start;
    while at < range.end {
        let end = (at + PIECE).min(range.end);
        let piece = origin.piece(at, end).await;
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
// body of `size` bytes): for a B without partial writes.
async fn push(
    b: &Client,
    target: &str,
    size: u64,
    pieces: mpsc::Receiver<Result<bytes::Bytes, ClientError>>,
) -> Result<(), ClientError> {
    let body = futures_util::stream::unfold(pieces, |mut rx| async move {
        let piece = rx.recv().await?;
        Some((piece.map_err(|e| std::io::Error::other(e.to_string())), rx))
    });
    put_segment(b, target, None, size, body).await.map(|_| ())
}

// A 4xx or 5xx answer as an error, with the start of its body.
async fn refused(method: &str, url: &str, r: reqwest::Response) -> ClientError {
    ClientError::Status {
        method: method.into(),
        url: url.to_owned(),
        status: r.status().as_u16(),
        body: r
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect(),
    }
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

// Download, qemu-img convert, then the converted file written to B in acknowledged pieces
// (after the prefix B holds, compared with this conversion's: the same when qemu-img
// converts alike, else the copy starts where they differ), or as one PUT to a B without
// partial writes: the converted file's digest, the bytes moved, the bytes B held.
async fn via_qemu(
    a: &Client,
    b: &Client,
    job: &Job<'_>,
    claimed: u64,
    acknowledged: &mut Acknowledged<'_>,
) -> Result<(String, u64, u64), DataError> {
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
    let origin = Origin::File(output.clone());
    match in_pieces(origin, size, b, job.target, claimed, acknowledged).await? {
        Pieces::Done { sha256, resumed } => Ok((sha256, job.size + size - resumed, resumed)),
        Pieces::Refused => {
            let (tx, rx) = mpsc::channel(2);
            let path = output.clone();
            let reader = tokio::task::spawn_blocking(move || read_file(&path, &tx));
            push(b, job.target, size, rx).await?;
            Ok((finished(reader.await)?, job.size + size, 0))
        }
    }
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

#[cfg(test)]
mod tests {
    use super::{MAX_WRITES, PIECE, write_size};

    #[test]
    fn a_disk_takes_at_most_64_writes_of_whole_pieces() {
        for size in [
            0,
            1,
            PIECE,
            64 * PIECE,
            64 * PIECE + 1,
            1000 * PIECE - 3,
            1 << 40,
            (1 << 44) + 12_345,
        ] {
            let w = write_size(size);
            assert_eq!(w % PIECE, 0, "{size}");
            assert!(size.div_ceil(w) <= MAX_WRITES, "{size}: {w}");
            // No larger than needed: one piece less would take more writes.
            assert!(
                w == PIECE || size.div_ceil(w - PIECE) > MAX_WRITES,
                "{size}: {w}"
            );
        }
        assert_eq!(write_size(64 * PIECE), PIECE);
        assert_eq!(write_size(64 * PIECE + 1), 2 * PIECE);
    }
}
