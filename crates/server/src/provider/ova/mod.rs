//! OVA by content negotiation, streamed both ways.
//!
//! * Import: `POST /`, `POST /deployments/` or `POST /deployments/<name>/` with
//!   `Content-Type: application/ova` (or `application/x-tar`). The body is read front to back
//!   ([`tern_ova::OvaStream`], on a blocking thread fed chunk by chunk from the connection):
//!   the descriptor first (validated before anything is stored), the manifest, then each
//!   disk the descriptor's References name, digested and written into a blob as it is read.
//!   Once the archive is complete and every digest matches, one transaction creates the
//!   disks' data objects under `/volumes/<name>/` and the deployment (as an OVF import of the
//!   descriptor). Any refusal (bad archive, manifest or digest, invalid OVF, a name in use)
//!   deletes the blobs written so far: nothing is left.
//! * Export: `GET` of `/` or a deployment with `Accept: application/ova`: the deployment's
//!   OVF (as `application/ovf+xml` gives it), a SHA-256 manifest, and each File whose data
//!   object is in the deployment's container, read from the blob store while the response is
//!   sent (the digests are computed in a first pass over the blobs, also streamed).

mod export;
mod import;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use super::deploy::{self, Deployment};
use super::request::query_param;
use super::{Fail, Provider};
use crate::render::Reply;

/// The media type tern uses for an OVA (none is registered).
pub(crate) const OVA: &str = "application/ova";
/// Also read as an OVA: an OVA is a tar archive.
pub(crate) const X_TAR: &str = "application/x-tar";

/// Whether an HTTP request is an OVA import or export: it is routed here before the OCCI
/// stack's body limit, since the body (or the answer) can be gigabytes.
pub(crate) fn claims(method: &str, path: &str, headers: &HeaderMap) -> bool {
    let place = path == "/" || path == deploy::COLLECTION || Deployment::at(path).is_some();
    if !place {
        return false;
    }
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    match method {
        "POST" => text(header::CONTENT_TYPE).is_some_and(|ct| {
            let essence = ct.split(';').next().unwrap_or_default().trim();
            essence.eq_ignore_ascii_case(OVA) || essence.eq_ignore_ascii_case(X_TAR)
        }),
        "GET" | "HEAD" => path != deploy::COLLECTION && names_ova(text(header::ACCEPT)),
        _ => false,
    }
}

// `Accept` names application/ova with a non-zero quality no other range beats.
fn names_ova(accept: Option<&str>) -> bool {
    let Some(accept) = accept else {
        return false;
    };
    let (mut ova, mut other) = (0, 0);
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or_default().trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
            .map_or(1000, |q| crate::negotiate::quality(&q));
        if essence.eq_ignore_ascii_case(OVA) {
            ova = ova.max(q);
        } else if !essence.is_empty() {
            other = other.max(q);
        }
    }
    ova > 0 && ova >= other
}

/// What an OVA request gets: a streamed archive, or a reply like the OCCI side's.
pub(crate) enum Answer {
    /// The archive (an export).
    Streamed(Response),
    /// An import's created locations, or a refusal.
    Reply(Reply),
}

impl Provider {
    /// Answers an OVA request ([`claims`]).
    pub(crate) async fn ova(&self, request: axum::extract::Request) -> Answer {
        let (parts, body) = request.into_parts();
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("localhost");
        let base = format!("http://{host}");
        let at = Deployment::at(parts.uri.path());
        let query = parts.uri.query().unwrap_or_default();
        let answer = if parts.method == axum::http::Method::POST {
            let slug = parts.headers.get("slug").and_then(|v| v.to_str().ok());
            let named = match (at, query_param(query, "name"), slug) {
                (Some(d), _, _) => Ok(Some(d)),
                (None, Some(name), _) => deploy_name(&name).map(Some),
                (None, None, Some(slug)) => deploy_name(slug).map(Some),
                (None, None, None) => Ok(None),
            };
            match named {
                Ok(named) => self.import_ova(&base, named, body).await.map(Answer::Reply),
                Err(reply) => Err(reply),
            }
        } else {
            self.export_ova(&base, at).await.map(Answer::Streamed)
        };
        answer.unwrap_or_else(Answer::Reply)
    }
}

fn deploy_name(name: &str) -> Result<Deployment, Reply> {
    Deployment::named(name.trim()).map_err(|f| match f {
        Fail::Reply(r) => r,
        Fail::Store(e) => Reply::error(500, e.to_string()),
    })
}
