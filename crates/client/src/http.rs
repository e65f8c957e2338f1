//! One HTTP call to the OCCI endpoint: headers, negotiation, bounded retries, the call log.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use tern_occi::MediaType;

/// How transient failures are retried.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts in all (the first one included).
    pub attempts: u32,
    /// The first backoff; it doubles after each attempt.
    pub base: Duration,
    /// The longest backoff (and the longest `Retry-After` honoured).
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 8,
            base: Duration::from_millis(50),
            max: Duration::from_secs(5),
        }
    }
}

/// Where and how to connect.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The endpoint's base URL (`http://127.0.0.1:8787`); a trailing `/` is ignored.
    pub endpoint: String,
    /// Sent as `Authorization: Bearer TOKEN`.
    pub token: Option<String>,
    /// Other headers sent with every request (`Name: value`).
    pub headers: Vec<(String, String)>,
    /// PEM file of a CA certificate trusted beside the webpki roots.
    pub cacert: Option<std::path::PathBuf>,
    /// The rendering to use instead of negotiating one.
    pub media: Option<MediaType>,
    /// Retries of transient failures.
    pub retry: Retry,
    /// Timeout of one attempt.
    pub timeout: Option<Duration>,
    /// Entities asked for per page of a collection (500 when absent).
    pub page_size: Option<usize>,
}

/// Why a call failed for good.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The client could not be set up (bad header, unreadable certificate).
    #[error("{0}")]
    Setup(String),
    /// No response after every retry.
    #[error("{method} {url}: {message}")]
    Transport {
        /// The method.
        method: String,
        /// The URL.
        url: String,
        /// The last error.
        message: String,
    },
    /// The server answered with an error status (after the retries, for transient ones).
    #[error("{method} {url}: {status} {body}")]
    Status {
        /// The method.
        method: String,
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The response body (trimmed).
        body: String,
    },
    /// A response could not be read as OCCI.
    #[error("{url}: {message}")]
    Rendering {
        /// The URL.
        url: String,
        /// What is wrong.
        message: String,
    },
}

/// One attempt, as the `--format json` report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The status, absent when no response came.
    pub status: Option<u16>,
    /// Milliseconds until the response (or the failure).
    pub duration_ms: u64,
    /// The attempt, from 1.
    pub attempt: u32,
}

/// A response read whole.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status.
    pub status: u16,
    /// The `Content-Type` essence, lower case.
    pub content_type: Option<String>,
    /// The `Location` header.
    pub location: Option<String>,
    /// The `Server` header.
    pub server: Option<String>,
    /// The body.
    pub text: String,
}

impl Response {
    /// The media type of the body: the declared one when tern reads it, else detected.
    pub fn media(&self) -> MediaType {
        self.content_type
            .as_deref()
            .and_then(|c| c.parse::<MediaType>().ok())
            .unwrap_or_else(|| MediaType::detect(&self.text))
    }
}

/// An OCCI endpoint.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    config: Config,
    calls: Arc<Mutex<Vec<Call>>>,
    media: Arc<Mutex<Option<MediaType>>>,
}

impl Client {
    /// A client of `config.endpoint`.
    pub fn new(config: Config) -> Result<Client, ClientError> {
        let mut headers = HeaderMap::new();
        if let Some(token) = &config.token {
            let value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|e| ClientError::Setup(format!("--token: {e}")))?;
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        for (name, value) in &config.headers {
            let n = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|e| ClientError::Setup(format!("--header {name}: {e}")))?;
            let v = HeaderValue::from_str(value.trim())
                .map_err(|e| ClientError::Setup(format!("--header {name}: {e}")))?;
            headers.append(n, v);
        }
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("tern/", env!("CARGO_PKG_VERSION")))
            .timeout(config.timeout.unwrap_or(Duration::from_secs(60)))
            .pool_max_idle_per_host(32);
        if let Some(path) = &config.cacert {
            let pem = std::fs::read(path)
                .map_err(|e| ClientError::Setup(format!("--cacert {}: {e}", path.display())))?;
            let cert = reqwest::Certificate::from_pem(&pem)
                .map_err(|e| ClientError::Setup(format!("--cacert {}: {e}", path.display())))?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Setup(format!("HTTP client: {e}")))?;
        let base = config.endpoint.trim_end_matches('/').to_owned();
        let media = config.media;
        Ok(Client {
            http,
            base,
            config,
            calls: Arc::default(),
            media: Arc::new(Mutex::new(media)),
        })
    }

    /// Entities asked for per page of a collection.
    pub fn page_size(&self) -> usize {
        self.config.page_size.unwrap_or(500).max(1)
    }

    /// The HTTP client underneath, with the configured headers and token: bodies streamed
    /// chunk by chunk (migrate's data copies), which [`Client::send`] reads whole.
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The endpoint without a trailing `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The rendering negotiated (or configured), once known.
    pub fn media(&self) -> Option<MediaType> {
        self.media.lock().ok().and_then(|m| *m)
    }

    /// Fixes the rendering the next calls use.
    pub fn set_media(&self, media: MediaType) {
        if let Ok(mut m) = self.media.lock() {
            *m = Some(media);
        }
    }

    /// Every attempt made so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// The absolute URL of `path` (an absolute URL is kept).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else if path.starts_with('/') {
            format!("{}{path}", self.base)
        } else {
            format!("{}/{path}", self.base)
        }
    }

    /// The path of `location` on this endpoint (locations of other hosts are kept).
    pub fn path(&self, location: &str) -> String {
        match location.strip_prefix(&self.base) {
            Some(p) if p.starts_with('/') => p.to_owned(),
            _ => location.to_owned(),
        }
    }

    // The Accept header: the configured rendering, else JSON first and text/plain after.
    fn accept(&self) -> String {
        match self.media() {
            Some(m) => m.essence().to_owned(),
            None => "application/occi+json, application/json;q=0.9, text/plain;q=0.5".to_owned(),
        }
    }

    /// `method path` with `body`; transient failures are retried when `retry` (idempotent
    /// requests, or requests the caller knows are safe to repeat). A status of 400 and above
    /// that is not retried, or is still failing after the retries, is an error, except the
    /// ones `accept` lists.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, MediaType)>,
        retry: bool,
        accept: &[u16],
    ) -> Result<Response, ClientError> {
        let accept_header = self.accept();
        let body = body.map(|(text, media)| (text.as_bytes(), media.essence()));
        self.send(method, path, &accept_header, &[], body, retry, accept)
            .await
    }

    /// Like [`Client::call`] with any `Accept`, extra `headers` and a body of bytes with its
    /// content type (CDMI requests and raw data-object values).
    #[allow(clippy::too_many_arguments)]
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        accept_header: &str,
        headers: &[(&str, String)],
        body: Option<(&[u8], &str)>,
        retry: bool,
        accept: &[u16],
    ) -> Result<Response, ClientError> {
        let url = self.url(path);
        let m = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| ClientError::Setup(format!("{method}: {e}")))?;
        let attempts = if retry {
            self.config.retry.attempts.max(1)
        } else {
            1
        };
        let mut backoff = self.config.retry.base;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = self.request(m.clone(), &url, accept_header, headers, body);
            let started = Instant::now();
            let outcome = match request.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let header = |n: reqwest::header::HeaderName| {
                        r.headers()
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned)
                    };
                    let content_type = header(reqwest::header::CONTENT_TYPE).map(|c| {
                        c.split(';')
                            .next()
                            .unwrap_or_default()
                            .trim()
                            .to_lowercase()
                    });
                    let location = header(reqwest::header::LOCATION);
                    let server = header(reqwest::header::SERVER);
                    let retry_after = header(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    match r.text().await {
                        Ok(text) => Ok((
                            Response {
                                status,
                                content_type,
                                location,
                                server,
                                text,
                            },
                            retry_after,
                        )),
                        Err(e) => Err(e.to_string()),
                    }
                }
                Err(e) => Err(error_chain(&e)),
            };
            self.record(Call {
                method: method.to_owned(),
                url: url.clone(),
                status: outcome.as_ref().ok().map(|(r, _)| r.status),
                duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                attempt,
            });
            let wait = match &outcome {
                Ok((r, after)) if r.status == 429 || r.status >= 500 => {
                    after.map(|a| a.min(self.config.retry.max))
                }
                _ => None,
            };
            let transient = match &outcome {
                Ok((r, _)) => r.status == 429 || r.status >= 500,
                Err(_) => true,
            };
            if transient && attempt < attempts {
                let pause = wait.unwrap_or_else(|| jitter(backoff));
                tokio::time::sleep(pause).await;
                backoff = (backoff * 2).min(self.config.retry.max);
                continue;
            }
            return match outcome {
                Ok((r, _)) if r.status < 400 || accept.contains(&r.status) => Ok(r),
                Ok((r, _)) => Err(ClientError::Status {
                    method: method.to_owned(),
                    url,
                    status: r.status,
                    body: r.text.trim().chars().take(500).collect(),
                }),
                Err(message) => Err(ClientError::Transport {
                    method: method.to_owned(),
                    url,
                    message,
                }),
            };
        }
    }

    fn request(
        &self,
        method: reqwest::Method,
        url: &str,
        accept_header: &str,
        headers: &[(&str, String)],
        body: Option<(&[u8], &str)>,
    ) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(method, url)
            .header(reqwest::header::ACCEPT, accept_header);
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        if let Some((bytes, content_type)) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes.to_vec());
        }
        request
    }

    fn record(&self, call: Call) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(call);
        }
    }
}

// "Full jitter" between half the backoff and the backoff.
fn jitter(backoff: Duration) -> Duration {
    let mut bytes = [0u8; 4];
    let r = if getrandom::fill(&mut bytes).is_ok() {
        u32::from_le_bytes(bytes)
    } else {
        u32::MAX / 2
    };
    let half = backoff / 2;
    half + half.mul_f64(f64::from(r) / f64::from(u32::MAX))
}

// The error and its sources on one line (reqwest's Display says only "error sending request").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Client, Config, jitter};

    #[test]
    fn jitter_stays_between_half_the_backoff_and_the_backoff() {
        for _ in 0..100 {
            let j = jitter(Duration::from_millis(100));
            assert!(
                j >= Duration::from_millis(50) && j <= Duration::from_millis(100),
                "{j:?}"
            );
        }
    }

    #[test]
    fn locations_become_paths_of_the_endpoint() {
        let client = Client::new(Config {
            endpoint: "http://cloud.example:8787/".into(),
            ..Config::default()
        })
        .expect("a client");
        assert_eq!(
            client.path("http://cloud.example:8787/compute/a"),
            "/compute/a"
        );
        assert_eq!(client.path("/compute/a"), "/compute/a");
        assert_eq!(
            client.path("http://other.example/compute/a"),
            "http://other.example/compute/a"
        );
        assert_eq!(
            client.url("/compute/a"),
            "http://cloud.example:8787/compute/a"
        );
    }

    #[test]
    fn a_bad_header_is_a_setup_error() {
        let e = Client::new(Config {
            endpoint: "http://x".into(),
            headers: vec![("Bad Name".into(), "v".into())],
            ..Config::default()
        })
        .expect_err("refused");
        assert!(e.to_string().contains("--header Bad Name"), "{e}");
    }
}
