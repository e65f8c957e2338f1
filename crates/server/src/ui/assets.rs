//! The page's files, embedded in the binary (`crates/server/ui/`): no build step, nothing
//! fetched from elsewhere.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One embedded file.
pub(crate) struct Asset {
    content_type: &'static str,
    body: &'static str,
}

const FILES: &[(&str, Asset)] = &[
    (
        "",
        Asset {
            content_type: "text/html; charset=utf-8",
            body: include_str!("../../ui/index.html"),
        },
    ),
    (
        "index.html",
        Asset {
            content_type: "text/html; charset=utf-8",
            body: include_str!("../../ui/index.html"),
        },
    ),
    (
        "app.js",
        Asset {
            content_type: "text/javascript; charset=utf-8",
            body: include_str!("../../ui/app.js"),
        },
    ),
    (
        "style.css",
        Asset {
            content_type: "text/css; charset=utf-8",
            body: include_str!("../../ui/style.css"),
        },
    ),
    (
        "icon.svg",
        Asset {
            content_type: "image/svg+xml",
            body: include_str!("../../ui/icon.svg"),
        },
    ),
];

/// The file at `name` (relative to `/ui/`).
pub(crate) fn find(name: &str) -> Option<&'static Asset> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
}

impl Asset {
    /// The file as an answer; the browser revalidates it (a new binary, a new page).
    pub(crate) fn response(&self) -> Response {
        let mut r = (StatusCode::OK, self.body).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        r
    }
}
