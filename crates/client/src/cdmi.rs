//! Upload of disk images to a CDMI server (SNIA CDMI 1.1.1): streamed in chunks (never the
//! whole disk in memory), skipped when the data object already holds the same bytes, resumed
//! where an interrupted upload stopped.
//!
//! The object is created by a CDMI `PUT` carrying the image's size and SHA-256 as user
//! metadata (`tern_size`, `tern_sha256`) and an empty value with `X-CDMI-Partial: true`;
//! each chunk is then a non-CDMI `PUT` of its bytes with `Content-Range` (clause 8.6: a
//! partial update of the value), every chunk but the last with `X-CDMI-Partial: true`, so the
//! object reads `completionStatus: Processing` until the last one lands. A later run reads
//! the object's metadata: the same digest and size, complete, is not sent again; the same
//! digest with fewer bytes (`cdmi_size`) resumes after them; anything else is replaced.

use std::io::Read;

use sha2::{Digest, Sha256};

use crate::http::{Client, ClientError};

/// Bytes sent per request.
pub const CHUNK: usize = 4 * 1024 * 1024;

const VERSION: &str = "1.1.1";
const CDMI_OBJECT: &str = "application/cdmi-object";
const CDMI_CONTAINER: &str = "application/cdmi-container";

/// Where an image's bytes come from: opened once to hash it and once to send it, each time
/// from its first byte (a file, an archive member read as a stream).
pub trait Image {
    /// The image from its first byte.
    fn open(&mut self) -> std::io::Result<Box<dyn Read + '_>>;
}

/// A disk image to upload and where it goes.
pub struct Disk<'a> {
    /// The data object's URL.
    pub url: String,
    /// The image.
    pub image: Box<dyn Image + 'a>,
}

/// What was done for one disk.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Uploaded {
    /// The data object's URL.
    pub url: String,
    /// The image's size.
    pub size: u64,
    /// Bytes sent now.
    pub sent: u64,
    /// The byte the upload started at (0, or where an interrupted one stopped).
    pub from: u64,
    /// True when the object already held these bytes.
    pub skipped: bool,
}

/// What a progress display is told during an upload.
#[derive(Debug, Clone)]
pub enum UploadProgress {
    /// The upload of `url` starts at byte `from` of `size`.
    Start {
        /// The data object.
        url: String,
        /// The image's size.
        size: u64,
        /// The first byte sent.
        from: u64,
    },
    /// `position` bytes of the image are stored.
    Bytes {
        /// The data object.
        url: String,
        /// Bytes stored.
        position: u64,
    },
    /// The upload ended (or was skipped).
    Done {
        /// What was done.
        uploaded: Uploaded,
    },
}

/// The data object URL of `href` under the container `base` (an absolute href is kept): the
/// rule ovf2occi's `--cdmi-base` follows.
pub fn data_object_url(base: &str, href: &str) -> String {
    if href.contains("://") {
        return href.to_owned();
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        href.trim_start_matches("./")
    )
}

/// The SHA-256 of a stream, in lower-case hexadecimal, read `CHUNK` bytes at a time.
pub fn sha256(mut reader: impl Read) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok((hex(&hasher.finalize()), total))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Uploads `disk` unless the object holds it already; resumes an interrupted upload.
pub async fn upload(
    client: &Client,
    mut disk: Disk<'_>,
    progress: &(dyn Fn(UploadProgress) + Send + Sync),
) -> Result<Uploaded, ClientError> {
    let io = |e: std::io::Error, url: &str| ClientError::Setup(format!("{url}: {e}"));
    let reader = disk.image.open().map_err(|e| io(e, &disk.url))?;
    let (digest, size) = sha256(reader).map_err(|e| io(e, &disk.url))?;
    let url = disk.url.clone();
    let stored = stored(client, &url).await?;
    let mut from = match &stored {
        Some(s) if s.digest.as_deref() == Some(digest.as_str()) && s.size == size && s.complete => {
            let uploaded = Uploaded {
                url: url.clone(),
                size,
                sent: 0,
                from: size,
                skipped: true,
            };
            progress(UploadProgress::Done {
                uploaded: uploaded.clone(),
            });
            return Ok(uploaded);
        }
        Some(s) if s.digest.as_deref() == Some(digest.as_str()) && s.size < size => s.size,
        _ => {
            create(client, &url, &digest, size).await?;
            0
        }
    };
    // Whole chunks only: a resumed upload starts at a chunk boundary at or before the end of
    // what is stored (the bytes after it are sent again, the same ones).
    from -= from % CHUNK as u64;
    progress(UploadProgress::Start {
        url: url.clone(),
        size,
        from,
    });
    let mut reader = disk.image.open().map_err(|e| io(e, &url))?;
    skip(&mut reader, from).map_err(|e| io(e, &url))?;
    let mut buffer = vec![0u8; CHUNK];
    let mut position = from;
    while position < size {
        let n = fill(&mut reader, &mut buffer).map_err(|e| io(e, &url))?;
        let end = position + n as u64;
        let last = end >= size;
        let mut headers: Vec<(&str, String)> = Vec::new();
        if n > 0 {
            headers.push((
                "Content-Range",
                format!("bytes {position}-{}/{size}", end - 1),
            ));
        }
        if !last {
            headers.push(("X-CDMI-Partial", "true".to_owned()));
        }
        // The same bytes at the same range: safe to repeat.
        client
            .send(
                "PUT",
                &url,
                "*/*",
                &headers,
                Some((&buffer[..n], "application/octet-stream")),
                true,
                &[],
            )
            .await?;
        position = end;
        progress(UploadProgress::Bytes {
            url: url.clone(),
            position,
        });
        if last || n == 0 {
            break;
        }
    }
    let uploaded = Uploaded {
        url,
        size,
        sent: size - from,
        from,
        skipped: false,
    };
    progress(UploadProgress::Done {
        uploaded: uploaded.clone(),
    });
    Ok(uploaded)
}

/// Creates the container at `url` (a trailing `/` is added) unless it exists.
pub async fn ensure_container(client: &Client, url: &str) -> Result<(), ClientError> {
    let url = format!("{}/", url.trim_end_matches('/'));
    let version = [("X-CDMI-Specification-Version", VERSION.to_owned())];
    let r = client
        .send("GET", &url, CDMI_CONTAINER, &version, None, true, &[404])
        .await?;
    if r.status != 404 {
        return Ok(());
    }
    // Creating a container twice is harmless: safe to retry.
    client
        .send(
            "PUT",
            &url,
            CDMI_CONTAINER,
            &version,
            Some((b"{}", CDMI_CONTAINER)),
            true,
            &[],
        )
        .await?;
    Ok(())
}

// What the server holds at `url`.
struct Stored {
    size: u64,
    digest: Option<String>,
    complete: bool,
}

async fn stored(client: &Client, url: &str) -> Result<Option<Stored>, ClientError> {
    let path = format!("{url}?metadata;completionStatus");
    let r = client
        .send(
            "GET",
            &path,
            CDMI_OBJECT,
            &[("X-CDMI-Specification-Version", VERSION.to_owned())],
            None,
            true,
            &[404],
        )
        .await?;
    if r.status == 404 {
        return Ok(None);
    }
    let json: serde_json::Value =
        serde_json::from_str(&r.text).map_err(|e| ClientError::Rendering {
            url: url.to_owned(),
            message: format!("not a CDMI data object: {e}"),
        })?;
    let metadata = &json["metadata"];
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let size = text(&metadata["cdmi_size"])
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(0);
    // Our own digest, else the server's `cdmi_hash` when it is a SHA-256.
    let digest = text(&metadata["tern_sha256"])
        .or_else(|| {
            let hash = text(&metadata["cdmi_hash"])?;
            let algorithm = text(&metadata["cdmi_value_hash"]).unwrap_or_default();
            algorithm.eq_ignore_ascii_case("SHA256").then_some(hash)
        })
        .map(|d| d.to_lowercase());
    let complete = text(&json["completionStatus"]).is_none_or(|s| s == "Complete");
    Ok(Some(Stored {
        size,
        digest,
        complete,
    }))
}

// A new (or replaced) data object with an empty value, to be written chunk by chunk.
async fn create(client: &Client, url: &str, digest: &str, size: u64) -> Result<(), ClientError> {
    let body = serde_json::json!({
        "mimetype": "application/octet-stream",
        "metadata": { "tern_sha256": digest, "tern_size": size.to_string() },
        "value": "",
    })
    .to_string();
    let mut headers = vec![("X-CDMI-Specification-Version", VERSION.to_owned())];
    if size > 0 {
        headers.push(("X-CDMI-Partial", "true".to_owned()));
    }
    client
        .send(
            "PUT",
            url,
            CDMI_OBJECT,
            &headers,
            Some((body.as_bytes(), CDMI_OBJECT)),
            true,
            &[],
        )
        .await?;
    Ok(())
}

// Reads `n` bytes and drops them (an archive member cannot seek).
fn skip(reader: &mut dyn Read, n: u64) -> std::io::Result<()> {
    let copied = std::io::copy(&mut reader.take(n), &mut std::io::sink())?;
    if copied < n {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the image is shorter than when it was hashed",
        ));
    }
    Ok(())
}

// Fills `buffer` unless the stream ends first; returns the bytes read.
fn fill(reader: &mut dyn Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buffer.len() {
        match reader.read(&mut buffer[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::{data_object_url, sha256};

    #[test]
    fn the_digest_is_the_sha256_of_the_stream() {
        let (d, n) = sha256(&b"abc"[..]).expect("read");
        assert_eq!(n, 3);
        assert_eq!(
            d,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hrefs_are_placed_under_the_base() {
        assert_eq!(
            data_object_url("http://s/c/", "./disk.vmdk"),
            "http://s/c/disk.vmdk"
        );
        assert_eq!(data_object_url("http://s/c", "http://o/d"), "http://o/d");
    }
}
