//! Sources on another CDMI server (`copy`/`move` with an absolute `http(s)://` URI): the
//! object or container tree is read in CDMI 1.1.1 (fields selected, no values), each value
//! then streamed as plain HTTP into a blob; a move deletes the source once the copy is
//! committed.
//!
//! Which servers may be read is the operator's choice ([`FetchPolicy`], `tern serve
//! --cdmi-fetch-from PREFIX`): by default none, so that a client cannot make the server fetch
//! a URL of its choosing (server-side request forgery). Every URL read — the source, each
//! child of a remote container, each redirect — must start with an allowed prefix; URLs
//! carrying credentials (`user:password@`) are refused, and none are sent.

use axum::response::Response;
use bytes::Bytes;
use futures_util::stream::StreamExt;
use serde_json::{Map, Value};
use tern_store::{BlobError, ByteStream};

use super::plan::{Content, Planned};
use super::{Cdmi, VERSION_HEADER, digest, error};

const SPEC: &str = "1.1.1";
// How deep a remote container tree may go (a loop of references would never end).
const MAX_DEPTH: usize = 64;

/// The URL prefixes remote sources may be fetched from.
#[derive(Debug, Clone, Default)]
pub(crate) struct FetchPolicy {
    any: bool,
    // Normalised (`Url::as_str`): scheme and host lowercased, default port and dot segments
    // dropped, a path of at least `/`.
    prefixes: Vec<String>,
}

impl FetchPolicy {
    /// The policy of `--cdmi-fetch-from` values: `*` allows any URL, anything else must be an
    /// `http(s)://` URL without credentials, query or fragment.
    pub(crate) fn new(list: &[String]) -> Result<FetchPolicy, String> {
        let mut policy = FetchPolicy::default();
        for item in list {
            if item == "*" {
                policy.any = true;
                continue;
            }
            let url = reqwest::Url::parse(item)
                .map_err(|e| format!("--cdmi-fetch-from {item}: not a URL ({e})"))?;
            if !matches!(url.scheme(), "http" | "https")
                || !url.username().is_empty()
                || url.password().is_some()
                || url.query().is_some()
                || url.fragment().is_some()
                || url.host_str().is_none()
            {
                return Err(format!(
                    "--cdmi-fetch-from {item}: give an http:// or https:// URL prefix without credentials, query or fragment (or `*`)"
                ));
            }
            policy.prefixes.push(url.as_str().to_owned());
        }
        Ok(policy)
    }

    /// Whether any remote source may be fetched (capabilities advertise remote copy then).
    pub(crate) fn is_open(&self) -> bool {
        self.any || !self.prefixes.is_empty()
    }

    /// Whether `url` may be fetched.
    pub(crate) fn allows(&self, url: &reqwest::Url) -> bool {
        if !matches!(url.scheme(), "http" | "https")
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return false;
        }
        self.any || self.prefixes.iter().any(|p| url.as_str().starts_with(p))
    }
}

/// Whether a source URI names another server.
pub(super) fn is_remote(source: &str) -> bool {
    let lower = source.get(..8).unwrap_or(source).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The HTTP client the CDMI side reads other servers with (no overall timeout: values are
/// streamed for as long as they take; connecting is bounded). Redirects are followed only to
/// URLs `policy` allows (at most 10); another redirect is answered as the source's refusal.
pub(super) fn client(policy: &FetchPolicy) -> Result<reqwest::Client, reqwest::Error> {
    let policy = policy.clone();
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 10 {
                attempt.error("more than 10 redirects")
            } else if policy.allows(attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }))
        .build()
}

/// `url` parsed, when the policy lets this server fetch it: 403 (`CDMI-FETCH-FORBIDDEN`)
/// otherwise, 400 for a URL with credentials (never sent).
pub(super) fn checked(cdmi: &Cdmi, url: &str) -> Result<reqwest::Url, Response> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| error(400, "CDMI-REMOTE", format!("{url}: not a URL ({e})")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(error(
            400,
            "CDMI-REMOTE",
            "a remote source URL must not carry credentials (user:password@): this server sends none",
        ));
    }
    if !cdmi.fetch.allows(&parsed) {
        return Err(error(
            403,
            "CDMI-FETCH-FORBIDDEN",
            format!(
                "{parsed}: this server copies from other servers only from the URL prefixes given with `tern serve --cdmi-fetch-from PREFIX`, and none matches"
            ),
        ));
    }
    Ok(parsed)
}

/// The tree at `url` (a container when it ends with `/`), as a plan: remote IDs kept when
/// `keep_ids` (a move), values read later.
pub(super) async fn plan(cdmi: &Cdmi, url: &str, keep_ids: bool) -> Result<Vec<Planned>, Response> {
    let url = url.split('?').next().unwrap_or_default();
    let url = checked(cdmi, url)?.to_string();
    let mut out = Vec::new();
    // (URL, suffix under the destination, depth)
    let mut pending = vec![(url, String::new(), 0usize)];
    while let Some((url, suffix, depth)) = pending.pop() {
        let container = url.ends_with('/');
        let fields = if container {
            "objectType;objectID;metadata;children"
        } else {
            "objectType;objectID;mimetype;metadata;valuetransferencoding"
        };
        let media = if container {
            "application/cdmi-container"
        } else {
            "application/cdmi-object"
        };
        let read = fetch_json(cdmi, &format!("{url}?{fields}"), media).await?;
        let metadata = read
            .get("metadata")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let object_id = read
            .get("objectID")
            .and_then(Value::as_str)
            .filter(|_| keep_ids)
            .map(str::to_owned);
        if container {
            if depth >= MAX_DEPTH {
                return Err(error(
                    502,
                    "CDMI-REMOTE",
                    format!("{url}: a tree deeper than {MAX_DEPTH} containers"),
                ));
            }
            let children: Vec<String> = read
                .get("children")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            // Pushed in reverse: popped in the listing's order, parents first.
            for child in children.iter().rev() {
                let trimmed = child.trim_end_matches('/');
                if trimmed.is_empty() || trimmed.contains('/') || child.ends_with('?') {
                    continue;
                }
                let slash = if child.ends_with('/') { "/" } else { "" };
                pending.push((
                    format!("{url}{}{slash}", encode(trimmed)),
                    format!("{suffix}{trimmed}{slash}"),
                    depth + 1,
                ));
            }
            out.push(Planned {
                suffix,
                container: true,
                object_id,
                mimetype: None,
                encoding: None,
                metadata,
                exports: None,
                content: Content::Empty,
            });
        } else {
            let text = |name: &str| read.get(name).and_then(Value::as_str).map(str::to_owned);
            out.push(Planned {
                suffix,
                container: false,
                object_id,
                mimetype: text("mimetype"),
                encoding: text("valuetransferencoding"),
                metadata: metadata.clone(),
                exports: None,
                content: Content::Remote {
                    url,
                    expected: digest::expected(&metadata),
                },
            });
        }
    }
    Ok(out)
}

/// The value at `url`, streamed (plain HTTP GET).
pub(super) async fn value(cdmi: &Cdmi, url: &str) -> Result<ByteStream, Response> {
    let response = cdmi
        .http
        .get(checked(cdmi, url)?)
        .send()
        .await
        .map_err(|e| unreachable_source(url, &e))?;
    if !response.status().is_success() {
        return Err(refused(url, response.status()));
    }
    Ok(
        futures_util::stream::unfold(Some(response), |response| async move {
            let mut response = response?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok::<Bytes, BlobError>(chunk), Some(response))),
                Ok(None) => None,
                Err(e) => Some((Err(BlobError::Upload(e.to_string())), None)),
            }
        })
        .boxed(),
    )
}

/// Deletes the source of a move (its container recursively).
pub(super) async fn delete(cdmi: &Cdmi, url: &str) -> Result<(), Response> {
    let url = url.split('?').next().unwrap_or_default();
    let response = cdmi
        .http
        .delete(checked(cdmi, url)?)
        .header(VERSION_HEADER, SPEC)
        .send()
        .await
        .map_err(|e| unreachable_source(url, &e))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(refused(url, response.status()))
    }
}

async fn fetch_json(cdmi: &Cdmi, url: &str, media: &str) -> Result<Map<String, Value>, Response> {
    let response = cdmi
        .http
        .get(checked(cdmi, url)?)
        .header(VERSION_HEADER, SPEC)
        .header("Accept", media)
        .send()
        .await
        .map_err(|e| unreachable_source(url, &e))?;
    if !response.status().is_success() {
        return Err(refused(url, response.status()));
    }
    let text = response
        .text()
        .await
        .map_err(|e| unreachable_source(url, &e))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(error(
            502,
            "CDMI-REMOTE",
            format!("{url} did not answer a CDMI JSON object"),
        )),
    }
}

fn unreachable_source(url: &str, e: &reqwest::Error) -> Response {
    error(502, "CDMI-REMOTE", format!("{url}: {e}"))
}

// The source server's refusal, passed on: its 404 is the client's 404 (no such source).
fn refused(url: &str, status: reqwest::StatusCode) -> Response {
    if status.is_redirection() {
        return error(
            502,
            "CDMI-REMOTE",
            format!(
                "{url} answered {status}: a redirect to a URL outside `--cdmi-fetch-from` is not followed"
            ),
        );
    }
    let code = if status == reqwest::StatusCode::NOT_FOUND {
        404
    } else {
        502
    };
    error(code, "CDMI-REMOTE", format!("{url} answered {status}"))
}

// A name as a URI path segment (RFC 3986: unreserved characters kept, the rest escaped).
fn encode(name: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_sources_and_names() {
        assert!(is_remote("http://a/b"));
        assert!(is_remote("HTTPS://a/b"));
        assert!(!is_remote("/c/d"));
        assert_eq!(encode("a b/ü"), "a%20b%2F%C3%BC");
    }

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn the_fetch_policy_matches_normalised_prefixes() {
        let none = FetchPolicy::new(&[]).unwrap();
        assert!(!none.is_open());
        assert!(!none.allows(&url("http://10.0.0.5:8787/c/a")));
        let some = FetchPolicy::new(&["HTTP://10.0.0.5:8787".into()]).unwrap();
        assert!(some.is_open());
        assert!(some.allows(&url("http://10.0.0.5:8787/c/a")));
        // A longer host, credentials, another port, a dot segment leaving the prefix.
        assert!(!some.allows(&url("http://10.0.0.5.evil.example:8787/c/a")));
        assert!(!some.allows(&url("http://u:p@10.0.0.5:8787/c/a")));
        assert!(!some.allows(&url("http://10.0.0.5:8788/c/a")));
        let path = FetchPolicy::new(&["http://h/pub/".into()]).unwrap();
        assert!(path.allows(&url("http://h/pub/x")));
        assert!(!path.allows(&url("http://h/pub/../secret")));
        let any = FetchPolicy::new(&["*".into()]).unwrap();
        assert!(any.allows(&url("https://anywhere.example/x")));
        assert!(!any.allows(&url("file:///etc/passwd")));
        for bad in ["10.0.0.5", "ftp://h/", "http://u:p@h/", "http://h/?q"] {
            assert!(FetchPolicy::new(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
