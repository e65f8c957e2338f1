//! The OVA export: the deployment's descriptor, a SHA-256 manifest and its disks, streamed
//! from the blob store while the response is sent.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{StreamExt, stream};
use tern_ova::{Algorithm, Manifest};
use tern_store::{BlobError, BlobStore, CHUNK, Transaction};

use super::super::deploy::Deployment;
use super::super::disks::flat_href;
use super::super::{Ctx, Fail, Provider};
use super::OVA;
use crate::render::Reply;

impl Provider {
    // The deployment's OVF, manifest and disks as a tar stream.
    pub(super) async fn export_ova(
        &self,
        base: &str,
        at: Option<Deployment>,
    ) -> Result<Response, Reply> {
        let ctx = self.ctx(base);
        let (descriptor, name, files) = tern_store::read(self.store.as_ref(), move |tx| {
            Ok(package(&ctx, tx, at.as_ref()))
        })
        .await
        .map_err(|e| Reply::error(500, e.to_string()))??;
        let blobs = Arc::clone(self.cdmi().blobs());
        let mut manifest = Manifest::default();
        let ovf_name = format!("{name}.ovf");
        let mut hasher = Algorithm::Sha256.hasher();
        hasher.update(descriptor.as_bytes());
        manifest.push(ovf_name.clone(), hasher.finish());
        for f in &files {
            let digest = digest(&blobs, f)
                .await
                .map_err(|e| Reply::error(500, format!("{}: {e}", f.href)))?;
            manifest.push(f.href.clone(), digest);
        }
        let manifest = manifest.render();
        let mut parts: Vec<Part> = Vec::new();
        let mut length = 1024u64;
        let mut member = |parts: &mut Vec<Part>, name: &str, size: u64, body: Part| {
            let header = tern_ova::ustar_header(name, size, 0)
                .map_err(|e| Reply::error(500, e.to_string()))?;
            parts.push(Part::Bytes(Bytes::copy_from_slice(&header)));
            parts.push(body);
            let pad = tern_ova::tar_padding(size);
            parts.push(Part::Zeros(pad));
            length += 512 + size + pad;
            Ok::<(), Reply>(())
        };
        member(
            &mut parts,
            &ovf_name,
            descriptor.len() as u64,
            Part::Bytes(Bytes::from(descriptor)),
        )?;
        member(
            &mut parts,
            &format!("{name}.mf"),
            manifest.len() as u64,
            Part::Bytes(Bytes::from(manifest)),
        )?;
        for f in files {
            let size = f.size;
            let body = Part::Value(f.pieces);
            member(&mut parts, &f.href, size, body)?;
        }
        parts.push(Part::Zeros(1024));
        let body = stream::iter(parts)
            .then(move |part| {
                let blobs = Arc::clone(&blobs);
                async move { part.stream(blobs).await }
            })
            .flatten();
        let mut response = Body::from_stream(body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(OVA));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.ova\"")) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok(response)
    }
}

// One file of the exported package.
struct PackageFile {
    href: String,
    // The value's extents (`crate::cdmi::Stored::pieces`).
    pieces: Vec<crate::cdmi::Extent>,
    size: u64,
}

// The descriptor, the package's name and the Files with a data object in the deployment's
// container.
fn package(
    ctx: &Ctx,
    tx: &mut dyn Transaction,
    at: Option<&Deployment>,
) -> Result<(String, String, Vec<PackageFile>), Reply> {
    let unfail = |f: Fail| match f {
        Fail::Reply(r) => r,
        Fail::Store(e) => Reply::error(500, e.to_string()),
    };
    if let Some(d) = at
        && !d.exists(ctx)
    {
        return Err(Reply::error(
            404,
            format!("no deployment {} (GET /deployments/ lists them)", d.name()),
        ));
    }
    let deployment = super::super::ovf::scope(ctx, tx, at).map_err(unfail)?;
    let reply = super::super::ovf::export(ctx, tx, at).map_err(unfail)?;
    let descriptor = reply.body;
    let name = deployment
        .as_ref()
        .map_or_else(|| "tern".to_owned(), |d| d.name().to_owned());
    let mut files = Vec::new();
    if let (Some(d), Ok(doc)) = (
        &deployment,
        tern_ovf::Document::parse(descriptor.as_bytes()),
    ) {
        for file in tern_ovf::Envelope::read(&doc).files {
            let Some(href) = file.href.filter(|h| flat_href(h)) else {
                continue;
            };
            let path = format!("{}{href}", d.volumes());
            if let Some(row) = tx
                .cdmi_get(&path)
                .map_err(|e| Reply::error(500, e.to_string()))?
            {
                let stored = crate::cdmi::Stored::from_json(&row.body);
                files.push(PackageFile {
                    href,
                    pieces: stored.pieces(),
                    size: stored.size,
                });
            }
        }
    }
    Ok((descriptor, name, files))
}

// A file's SHA-256, read through once from the blob store.
async fn digest(
    blobs: &Arc<dyn BlobStore>,
    file: &PackageFile,
) -> Result<tern_ova::DigestValue, BlobError> {
    let mut hasher = Algorithm::Sha256.hasher();
    let mut s = crate::cdmi::open_value(blobs, &file.pieces, 0..file.size).await?;
    while let Some(chunk) = s.next().await {
        hasher.update(&chunk?);
    }
    Ok(hasher.finish())
}

// A piece of the response body.
enum Part {
    Bytes(Bytes),
    Zeros(u64),
    // A data object's value, its extents.
    Value(Vec<crate::cdmi::Extent>),
}

impl Part {
    async fn stream(
        self,
        blobs: Arc<dyn BlobStore>,
    ) -> stream::BoxStream<'static, Result<Bytes, BlobError>> {
        match self {
            Part::Bytes(b) => stream::once(async move { Ok(b) }).boxed(),
            Part::Zeros(n) => {
                let chunks = n.div_ceil(CHUNK as u64);
                stream::iter((0..chunks).map(move |i| {
                    let len = (n - i * CHUNK as u64).min(CHUNK as u64);
                    Ok(Bytes::from(vec![0u8; len as usize]))
                }))
                .boxed()
            }
            Part::Value(pieces) => match crate::cdmi::open_value(
                &blobs,
                &pieces,
                0..crate::cdmi::extents_size(&pieces),
            )
            .await
            {
                Ok(s) => s,
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            },
        }
    }
}
