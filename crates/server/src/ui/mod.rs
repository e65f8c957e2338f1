//! The web page on `tern serve` (`/ui/`; `--no-ui` turns it off): the live topology of the
//! server or of one deployment, a plan preview, and a CDMI browser.
//!
//! * The page is three static files embedded in the binary ([`assets`]): plain JavaScript,
//!   CSS, and SVG drawn by the script's own layout code; nothing is built, nothing is loaded
//!   from elsewhere. They carry no data and are served without a token, so that the page can
//!   ask for one.
//! * `GET /ui/api/version`: the store-wide change counter ([`Counted`]), polled by the page
//!   every second; a new value makes it read the topology again. Polling rather than
//!   Server-Sent Events: `EventSource` cannot send an `Authorization` header, and an atomic
//!   load per second per page costs nothing.
//! * `GET /ui/api/topology[?deployment=NAME]`: the entities of the deployment's mixin
//!   collection (`/deployments/NAME/`), else of the whole server, in the OCCI JSON rendering
//!   the API serves, each entity with its `location` ([`topology`]).
//! * `POST /ui/api/plan[?deployment=NAME]`: a target (any OCCI rendering, or an OVF
//!   descriptor converted by tern-mapping's ovf2occi) compared with that snapshot and planned
//!   by tern-engine; read only ([`plan`]).
//! * The CDMI browser and the actions stay on the APIs themselves: the page calls CDMI and
//!   OCCI with the same token.
//!
//! The API routes take the same `Authorization: Bearer TOKEN` as the rest of the server.
//! Every answer carries a strict Content-Security-Policy (no inline script, nothing from
//! another origin) and `X-Content-Type-Options: nosniff`; the script inserts every text
//! with `textContent`.

mod assets;
mod changes;
mod plan;
mod topology;

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::json;
use tower_http::timeout::TimeoutLayer;

pub(crate) use changes::Counted;

use crate::config::Config;
use crate::provider::{Provider, Scope};

/// What the page's handlers share.
struct Page {
    provider: Arc<Provider>,
    token: Option<String>,
    body_limit: usize,
}

/// The Content-Security-Policy of every `/ui/` answer: only this origin's script, style and
/// fetches; no inline script or style element, no plugin, no framing.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// The routes of the page, to be merged in front of the server's fallback.
pub(crate) fn routes(provider: Arc<Provider>, config: &Config) -> Router {
    let page = Arc::new(Page {
        provider,
        token: config.token.clone(),
        body_limit: config.body_limit,
    });
    Router::new()
        .route("/ui", any(handle))
        .route("/ui/", any(handle))
        .route("/ui/{*rest}", any(handle))
        .with_state(page)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
}

async fn handle(State(page): State<Arc<Page>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let method = request.method().clone();
    let mut response = if path == "/ui" {
        let to = if query.is_empty() {
            "/ui/".to_owned()
        } else {
            format!("/ui/?{query}")
        };
        redirect(&to)
    } else if let Some(api) = path.strip_prefix("/ui/api/") {
        api_call(&page, api, &method, &query, request).await
    } else if method == Method::GET || method == Method::HEAD {
        match assets::find(path.trim_start_matches("/ui/")) {
            Some(asset) => asset.response(),
            None => error(StatusCode::NOT_FOUND, &format!("{path}: no such page")),
        }
    } else {
        error(
            StatusCode::METHOD_NOT_ALLOWED,
            "the page's files are read only",
        )
    };
    secure(&mut response);
    response
}

async fn api_call(
    page: &Page,
    api: &str,
    method: &Method,
    query: &str,
    request: Request,
) -> Response {
    if !crate::http::authorized(page.token.as_deref(), request.headers()) {
        let mut r = error(
            StatusCode::UNAUTHORIZED,
            "a Bearer token is required (`Authorization: Bearer TOKEN`)",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"tern\""),
        );
        return r;
    }
    let scope = match scope(&page.provider, query) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match (api, method.as_str()) {
        ("version", "GET" | "HEAD") => json_response(
            StatusCode::OK,
            &json!({ "version": page.provider.changes() }),
        ),
        ("topology", "GET" | "HEAD") => match page.provider.snapshot(scope.scope.clone()).await {
            Ok(snapshot) => json_response(StatusCode::OK, &topology::json(&snapshot, &scope)),
            Err(reply) => error(
                StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                reply.body.trim_end(),
            ),
        },
        ("plan", "POST") => plan::answer(page, &scope, request).await,
        ("version" | "topology" | "plan", _) => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "not served with this method",
        ),
        _ => error(
            StatusCode::NOT_FOUND,
            &format!("/ui/api/{api}: no such call"),
        ),
    }
}

/// What the page looks at: a deployment, or the whole server when none is asked for or the
/// one asked for does not exist (said in `note`).
pub(crate) struct Viewed {
    scope: Scope,
    deployment: Option<String>,
    note: Option<String>,
}

fn scope(provider: &Provider, query: &str) -> Result<Viewed, Response> {
    let asked = query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (name == "deployment").then(|| decode(value))
    });
    let Some(name) = asked.filter(|n| n.as_deref() != Some("")) else {
        return Ok(Viewed {
            scope: Scope::Server,
            deployment: None,
            note: None,
        });
    };
    let Some(name) = name else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "the deployment name is not percent-encoded UTF-8",
        ));
    };
    if name.contains(['/', '?', '#']) || name == "." || name == ".." {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "a deployment name is one path segment",
        ));
    }
    let location = format!("/deployments/{}/", encode(&name));
    if provider.is_mixin_collection(&location) {
        Ok(Viewed {
            scope: Scope::Mixin(location),
            deployment: Some(name),
            note: None,
        })
    } else {
        Ok(Viewed {
            scope: Scope::Server,
            note: Some(format!(
                "no deployment {name} (no mixin collection at {location}): showing the whole server"
            )),
            deployment: None,
        })
    }
}

// Percent-decoding of a query value (`+` is a space); `None` when not UTF-8.
fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = value
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

// A path segment: unreserved characters as they are, every other byte `%XX`.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A JSON answer.
pub(crate) fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut r = (status, Body::from(value.to_string())).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A JSON error: `{"error": message, "findings": []}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "error": message, "findings": [] }))
}

// The headers of every answer under `/ui/`.
fn secure(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn names_decode_and_encode() {
        assert_eq!(decode("a%20b+c").as_deref(), Some("a b c"));
        assert_eq!(decode("50%").as_deref(), Some("50%"));
        assert_eq!(decode("%zz").as_deref(), Some("%zz"));
        assert_eq!(decode("%ff"), None);
        assert_eq!(encode("hadoop cluster"), "hadoop%20cluster");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
