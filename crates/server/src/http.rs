//! The HTTP side: middleware (trace, panic guard, timeout, body limit), authentication, and
//! the conversion between HTTP messages and the provider's requests and replies.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::provider::{Method, OcciRequest, Provider};
use crate::render::Reply;

struct App {
    provider: Arc<Provider>,
    accept: HeaderValue,
    token: Option<String>,
    server: HeaderValue,
    body_limit: usize,
}

/// The whole service: every path goes to the OCCI handler, behind tracing, a panic guard
/// (500, never a dropped connection), the request timeout (408) and the body limit (413).
pub fn router(provider: Arc<Provider>, config: &Config) -> Router {
    let server = HeaderValue::from_str(&format!("tern OCCI/{}", provider.version()))
        .unwrap_or_else(|_| HeaderValue::from_static("tern"));
    let accept = crate::negotiate::readable(provider.version())
        .iter()
        .map(|m| m.essence())
        .chain(["application/ovf+xml", "application/ova"])
        .collect::<Vec<_>>()
        .join(", ");
    let accept =
        HeaderValue::from_str(&accept).unwrap_or_else(|_| HeaderValue::from_static("text/plain"));
    let app = Arc::new(App {
        accept,
        provider,
        token: config.token.clone(),
        server,
        body_limit: config.body_limit,
    });
    let occi = Router::new()
        .fallback(handle)
        .with_state(Arc::clone(&app))
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ));
    let provider = Arc::clone(&app.provider);
    // CDMI requests are routed before the OCCI stack's body limit and timeout: their values
    // are streamed under the CDMI object size limit, however long that takes.
    let service = Router::new()
        .fallback(move |State(app): State<Arc<App>>, request: Request| {
            let occi = occi.clone();
            async move { route(app, occi, request).await }
        })
        .with_state(app);
    // The web page (`/ui/`) has routes of its own, in front of CDMI and OCCI.
    let service = if config.ui {
        service.merge(crate::ui::routes(provider, config))
    } else {
        service
    };
    service
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// The CDMI container whose disk images become OCCI `os_tpl` mixins.
const IMAGES: &str = "/images/";

async fn route(app: Arc<App>, occi: Router, request: Request) -> Response {
    let provider = Arc::clone(&app.provider);
    // OVA imports and exports stream, like CDMI values: before the OCCI stack's limits.
    if crate::provider::ova_claims(
        request.method().as_str(),
        request.uri().path(),
        request.headers(),
    ) {
        if let Err(reply) = authenticate(&app, request.headers()) {
            return respond(&app, reply);
        }
        return match provider.ova(request).await {
            crate::provider::OvaAnswer::Streamed(mut response) => {
                response
                    .headers_mut()
                    .insert(header::SERVER, app.server.clone());
                response
            }
            crate::provider::OvaAnswer::Reply(reply) => respond(&app, reply),
        };
    }
    let cdmi = provider.cdmi();
    cdmi.learn_top(request.uri().path(), |segment| {
        provider.occi_segment(segment)
    })
    .await;
    let claimed = cdmi.claims(
        request.method().as_str(),
        request.uri().path(),
        request.headers(),
        |segment| provider.occi_segment(segment),
    );
    if !claimed {
        return match tower::ServiceExt::oneshot(occi, request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
    }
    if let Err(reply) = authenticate(&app, request.headers()) {
        return respond(&app, reply);
    }
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = cdmi.handle(request).await;
    // An image uploaded under the images container becomes an os_tpl mixin.
    if response.status() == StatusCode::CREATED
        && (method == axum::http::Method::PUT || method == axum::http::Method::POST)
    {
        let created = match response.headers().get(header::LOCATION) {
            Some(l) => l.to_str().unwrap_or_default().to_owned(),
            None => path,
        };
        if let Some(image) = created.strip_prefix(IMAGES)
            && !image.is_empty()
            && !image.contains('/')
            && let Ok(decoded) = crate::cdmi::CdmiPath::parse(&created)
        {
            provider.register_image(decoded.key()).await;
        }
    }
    response
        .headers_mut()
        .insert(header::SERVER, app.server.clone());
    response
}

async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let checked =
        authenticate(&app, request.headers()).and_then(|()| version(&app, request.headers()));
    let reply = match checked {
        Ok(()) => answer(&app, request).await,
        Err(r) => r,
    };
    respond(&app, reply)
}

// GFD.223 §3.3: a client asking for a higher OCCI version (`User-Agent: … OCCI/X.Y`) gets 501.
fn version(app: &App, headers: &HeaderMap) -> Result<(), Reply> {
    let Some(agent) = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(());
    };
    let served = app.provider.version();
    let number = |v: &str| -> Option<(u32, u32)> {
        let (major, minor) = v.split_once('.')?;
        Some((major.parse().ok()?, minor.parse().ok()?))
    };
    let mine = number(served.as_str()).unwrap_or((1, 2));
    for token in agent.split_whitespace() {
        if let Some(asked) = token.strip_prefix("OCCI/").and_then(number)
            && asked > mine
        {
            return Err(Reply::error(
                501,
                format!(
                    "this server implements OCCI/{served}; the client asks for OCCI/{}.{}",
                    asked.0, asked.1
                ),
            ));
        }
    }
    Ok(())
}

// Bearer authentication, the token compared in constant time.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<(), Reply> {
    if authorized(app.token.as_deref(), headers) {
        Ok(())
    } else {
        Err(Reply::error(
            401,
            "a Bearer token is required (`Authorization: Bearer TOKEN`)",
        )
        .with_header("WWW-Authenticate", "Bearer realm=\"tern\""))
    }
}

/// Whether `headers` carry `Authorization: Bearer TOKEN` for `token` (always, without one),
/// compared in constant time.
pub(crate) fn authorized(token: Option<&str>, headers: &HeaderMap) -> bool {
    let Some(token) = token else {
        return true;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .unwrap_or_default();
    bool::from(given.as_bytes().ct_eq(token.as_bytes()))
}

async fn answer(app: &App, request: Request) -> Reply {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, app.body_limit).await {
        Ok(b) => b,
        Err(e) if over_limit(&e) => {
            return Reply::error(
                413,
                format!("the request body is larger than {} bytes", app.body_limit),
            );
        }
        Err(e) => return Reply::error(400, format!("the request body was cut off: {e}")),
    };
    let Ok(body) = String::from_utf8(bytes.to_vec()) else {
        return Reply::error(400, "the request body is not UTF-8 text");
    };
    let text = |name: HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let method = match parts.method.as_str() {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        _ => Method::Other,
    };
    let host = text(header::HOST).unwrap_or_else(|| "localhost".into());
    let request = OcciRequest {
        method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        accept: text(header::ACCEPT),
        content_type: text(header::CONTENT_TYPE),
        occi_headers: occi_headers(&parts.headers),
        body,
        slug: text(HeaderName::from_static("slug")),
        base: format!("http://{host}"),
        if_match: text(header::IF_MATCH),
        if_none_match: text(header::IF_NONE_MATCH),
    };
    app.provider.handle(request).await
}

/// Whether reading the body failed on the size limit (anywhere in the error's chain).
pub(crate) fn over_limit(e: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

// The OCCI fields carried as headers (text/occi), as a header block tern-occi reads.
fn occi_headers(headers: &HeaderMap) -> String {
    let mut block = String::new();
    for (name, value) in headers {
        let n = name.as_str();
        let occi = matches!(
            n,
            "category" | "link" | "x-occi-attribute" | "x-occi-location"
        ) || n.starts_with("x-occi-")
            || n.starts_with("x_occi_");
        if occi && let Ok(v) = value.to_str() {
            block.push_str(n);
            block.push_str(": ");
            block.push_str(v);
            block.push_str("\r\n");
        }
    }
    block
}

fn respond(app: &App, reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, reply.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::SERVER, app.server.clone());
    // GFD.223 §3.2: the media types the server reads.
    headers.insert(header::ACCEPT, app.accept.clone());
    match reply.content_type {
        Some(ct) => {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        None => {
            headers.remove(header::CONTENT_TYPE);
        }
    }
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(n, v);
        }
    }
    response
}
