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

use std::io::Read;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::{Buf, Bytes};
use futures_util::{StreamExt, stream};
use tern_diag::Finding;
use tern_ova::{Algorithm, DEFAULT_MAX_MEMBERS, MAX_TEXT_MEMBER, Manifest, OvaError, OvaStream};
use tern_store::{BlobError, BlobStore, ByteStream, CHUNK, Decision, Transaction, transact};

use super::deploy::{self, Deployment};
use super::disks::{Disk, flat_href};
use super::{After, Ctx, Fail, Provider};
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

impl Provider {
    /// Answers an OVA request ([`claims`]): a streamed response, or a reply to render.
    pub(crate) async fn ova(&self, request: axum::extract::Request) -> Result<Response, Reply> {
        let (parts, body) = request.into_parts();
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("localhost");
        let base = format!("http://{host}");
        let path = parts.uri.path().to_owned();
        let params = super::OcciRequest {
            method: super::Method::Other,
            path: path.clone(),
            query: parts.uri.query().unwrap_or_default().to_owned(),
            accept: None,
            content_type: None,
            occi_headers: String::new(),
            body: String::new(),
            slug: None,
            base: base.clone(),
        };
        let at = Deployment::at(&path);
        if parts.method == axum::http::Method::POST {
            let named = match (at, params.param("name"), parts.headers.get("slug")) {
                (Some(d), _, _) => Some(d),
                (None, Some(name), _) => Some(deploy_name(&name)?),
                (None, None, Some(slug)) => Some(deploy_name(slug.to_str().unwrap_or("-"))?),
                (None, None, None) => None,
            };
            return self.import_ova(&base, named, body).await.map(|r| {
                let mut response = (axum::http::StatusCode::CREATED, r.body).into_response();
                for (n, v) in r.headers {
                    if let (Ok(n), Ok(v)) = (
                        header::HeaderName::from_bytes(n.as_bytes()),
                        HeaderValue::from_str(&v),
                    ) {
                        response.headers_mut().insert(n, v);
                    }
                }
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/uri-list"),
                );
                response
            });
        }
        self.export_ova(&base, at).await
    }

    // Reads the archive, stores its disks as blobs, then imports in one transaction.
    async fn import_ova(
        &self,
        base: &str,
        named: Option<Deployment>,
        body: Body,
    ) -> Result<Reply, Reply> {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, String>>(4);
        let pump = tokio::spawn(async move {
            let mut data = body.into_data_stream();
            while let Some(chunk) = data.next().await {
                if sender.send(chunk.map_err(|e| e.to_string())).await.is_err() {
                    break;
                }
            }
        });
        let blobs = Arc::clone(self.cdmi().blobs());
        let limit = self.cdmi().object_limit();
        let handle = tokio::runtime::Handle::current();
        let read = tokio::task::spawn_blocking(move || {
            let mut read = Archive::default();
            let outcome = read.read(
                BodyReader {
                    receiver,
                    current: Bytes::new(),
                },
                &blobs,
                limit,
                &handle,
            );
            (read, outcome)
        })
        .await;
        pump.abort();
        let (archive, outcome) = read.map_err(|e| Reply::error(500, e.to_string()))?;
        let written = archive.keys.clone();
        if let Err(reply) = outcome {
            self.cdmi().delete_blobs(written).await;
            return Err(reply);
        }
        let _guard = self.categories.lock().await;
        let ctx = self.ctx(base);
        let work_ctx = ctx.clone();
        let Archive {
            descriptor, disks, ..
        } = archive;
        let result = transact(self.store.as_ref(), move |tx| {
            let mut after = After::default();
            match super::ovf::import_with(&work_ctx, tx, &descriptor, named, &disks, &mut after) {
                Ok(reply) => Ok((Ok((reply, after)), Decision::Commit)),
                Err(Fail::Reply(reply)) => Ok((Err(reply), Decision::Rollback)),
                Err(Fail::Store(e)) => Err(e),
            }
        })
        .await;
        match result {
            Ok(Ok((reply, after))) => {
                if let Some(c) = after.catalogue {
                    self.replace_catalogue(c);
                }
                Ok(reply)
            }
            Ok(Err(reply)) => {
                self.cdmi().delete_blobs(written).await;
                Err(reply)
            }
            Err(e) => {
                self.cdmi().delete_blobs(written).await;
                Err(Reply::error(
                    500,
                    format!("the import was not carried out: {e}"),
                ))
            }
        }
    }

    // The deployment's OVF, manifest and disks as a tar stream.
    async fn export_ova(&self, base: &str, at: Option<Deployment>) -> Result<Response, Reply> {
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
            let digest = digest(blobs.as_ref(), f)
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
            let body = match f.blob {
                Some(key) => Part::Blob(key),
                None => Part::Zeros(size),
            };
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

fn deploy_name(name: &str) -> Result<Deployment, Reply> {
    Deployment::named(name.trim()).map_err(|f| match f {
        Fail::Reply(r) => r,
        Fail::Store(e) => Reply::error(500, e.to_string()),
    })
}

// One file of the exported package.
struct PackageFile {
    href: String,
    blob: Option<String>,
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
    let deployment = match at {
        Some(d) if d.exists(ctx) => Some(d.clone()),
        Some(d) => {
            return Err(Reply::error(
                404,
                format!("no deployment {} (GET /deployments/ lists them)", d.name()),
            ));
        }
        None => match deploy::all(ctx).as_slice() {
            [d] => Some(d.clone()),
            _ => None,
        },
    };
    let reply = super::ovf::export(ctx, tx, at).map_err(unfail)?;
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
                    blob: stored.blob,
                    size: stored.size,
                });
            }
        }
    }
    Ok((descriptor, name, files))
}

// A file's SHA-256, read through once from the blob store.
async fn digest(
    blobs: &dyn BlobStore,
    file: &PackageFile,
) -> Result<tern_ova::DigestValue, BlobError> {
    let mut hasher = Algorithm::Sha256.hasher();
    match &file.blob {
        Some(key) => {
            let mut s = blobs.get(key, None).await?;
            while let Some(chunk) = s.next().await {
                hasher.update(&chunk?);
            }
        }
        None => {
            let zeros = vec![0u8; CHUNK];
            let mut left = file.size;
            while left > 0 {
                let n = left.min(CHUNK as u64);
                hasher.update(&zeros[..n as usize]);
                left -= n;
            }
        }
    }
    Ok(hasher.finish())
}

// A piece of the response body.
enum Part {
    Bytes(Bytes),
    Zeros(u64),
    Blob(String),
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
            Part::Blob(key) => match blobs.get(&key, None).await {
                Ok(s) => s,
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            },
        }
    }
}

// The request body as a blocking `Read`, fed by the connection's task.
struct BodyReader {
    receiver: tokio::sync::mpsc::Receiver<Result<Bytes, String>>,
    current: Bytes,
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.receiver.blocking_recv() {
                None => return Ok(0),
                Some(Ok(b)) => self.current = b,
                Some(Err(e)) => return Err(std::io::Error::other(e)),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current.advance(n);
        Ok(n)
    }
}

// What was read of the archive: the descriptor and the disks stored so far.
#[derive(Default)]
struct Archive {
    descriptor: String,
    disks: Vec<Disk>,
    // Every blob written (or begun), to delete on a refusal.
    keys: Vec<String>,
}

impl Archive {
    fn read(
        &mut self,
        body: BodyReader,
        blobs: &Arc<dyn BlobStore>,
        limit: u64,
        handle: &tokio::runtime::Handle,
    ) -> Result<(), Reply> {
        let mut ova = OvaStream::new(body, "the request body", DEFAULT_MAX_MEMBERS);
        let refused = |e: OvaError| {
            Reply::findings(
                400,
                "the OVA is refused; nothing was created",
                &[e.to_finding()],
            )
        };
        let Some(first) = ova.next_member().map_err(refused)? else {
            return Err(refused(OvaError::Empty));
        };
        if first.size > MAX_TEXT_MEMBER {
            return Err(bad(
                "OVA-SIZE",
                format!(
                    "the descriptor {} is larger than {MAX_TEXT_MEMBER} bytes",
                    first.name
                ),
            ));
        }
        let mut bytes = Vec::new();
        (&mut ova)
            .read_to_end(&mut bytes)
            .map_err(|e| bad("OVA-READ", e.to_string()))?;
        let descriptor_name = first.name.clone();
        self.descriptor = String::from_utf8(bytes)
            .map_err(|_| bad("OVF-XML", format!("{descriptor_name} is not UTF-8 text")))?;
        // The descriptor first: an invalid one refuses the archive before any disk is stored.
        let doc = super::ovf::parse(&self.descriptor).map_err(|f| match f {
            Fail::Reply(r) => r,
            Fail::Store(e) => Reply::error(500, e.to_string()),
        })?;
        let envelope = tern_ovf::Envelope::read(&doc);
        let mut wanted: Vec<String> = Vec::new();
        for file in &envelope.files {
            let Some(href) = &file.href else { continue };
            if href.contains("://") {
                continue;
            }
            if file
                .compression
                .as_deref()
                .is_some_and(|c| !c.is_empty() && c != "identity")
                || file.chunk_size.is_some()
            {
                return Err(bad(
                    "OVA-COMPRESSION",
                    format!("{href}: compressed or chunked files are not imported"),
                ));
            }
            if !flat_href(href) {
                return Err(bad(
                    "OVA-HREF",
                    format!("{href} names no data object (one segment of letters, digits, `-._~`)"),
                ));
            }
            wanted.push(href.clone());
        }
        let mut manifest: Option<Manifest> = None;
        let mut seen: Vec<(String, Vec<tern_ova::DigestValue>)> = Vec::new();
        let mut descriptor_digests = Vec::new();
        while let Some(member) = ova.next_member().map_err(refused)? {
            if member.kind != tern_ova::MemberKind::File {
                continue;
            }
            let name = member.name.clone();
            if name.to_ascii_lowercase().ends_with(".mf") && manifest.is_none() {
                if !seen.is_empty() {
                    return Err(bad(
                        "OVA-ORDER",
                        format!("the manifest {name} comes after the files it lists"),
                    ));
                }
                let mut text = Vec::new();
                (&mut ova)
                    .take(MAX_TEXT_MEMBER)
                    .read_to_end(&mut text)
                    .map_err(|e| bad("OVA-READ", e.to_string()))?;
                let m = Manifest::parse_strict(&text).map_err(|e| {
                    Reply::findings(
                        400,
                        "the OVA's manifest is refused; nothing was created",
                        &[Finding::from(e).in_file(&name)],
                    )
                })?;
                // The descriptor's digests, now that the algorithms are known.
                for entry in m.entries_for(&descriptor_name) {
                    let mut h = entry.digest.algorithm.hasher();
                    h.update(self.descriptor.as_bytes());
                    descriptor_digests.push((entry.digest.clone(), h.finish()));
                }
                manifest = Some(m);
                continue;
            }
            if !wanted.contains(&name) {
                // A certificate, or a file the descriptor does not name: not stored.
                continue;
            }
            let algorithms: Vec<Algorithm> = manifest
                .as_ref()
                .map(|m| m.entries_for(&name).map(|e| e.digest.algorithm).collect())
                .unwrap_or_default();
            let (disk, digests) = store_member(
                &mut ova,
                &name,
                &algorithms,
                blobs,
                limit,
                handle,
                &mut self.keys,
            );
            self.disks.push(disk?);
            seen.push((name, digests));
        }
        // The digests, then completeness.
        if let Some(m) = &manifest {
            for (recorded, computed) in &descriptor_digests {
                if recorded != computed {
                    return Err(mismatch(&descriptor_name, recorded, computed));
                }
            }
            for (name, digests) in &seen {
                for computed in digests {
                    if let Some(entry) = m
                        .entries_for(name)
                        .find(|e| e.digest.algorithm == computed.algorithm)
                        && &entry.digest != computed
                    {
                        return Err(mismatch(name, &entry.digest, computed));
                    }
                }
            }
            for entry in &m.entries {
                let there =
                    entry.name == descriptor_name || seen.iter().any(|(n, _)| *n == entry.name);
                if !there {
                    return Err(bad(
                        "OVA-MISSING",
                        format!("the manifest lists {}, which the archive lacks", entry.name),
                    ));
                }
            }
        }
        for href in &wanted {
            if !seen.iter().any(|(n, _)| n == href) {
                return Err(bad(
                    "OVA-MISSING",
                    format!("the descriptor references {href}, which the archive lacks"),
                ));
            }
        }
        Ok(())
    }
}

// Streams the current member into a new blob, digesting it; the disk even when the digests
// are not compared yet (so that a later refusal deletes its blob).
fn store_member<R: Read>(
    ova: &mut OvaStream<R>,
    href: &str,
    algorithms: &[Algorithm],
    blobs: &Arc<dyn BlobStore>,
    limit: u64,
    handle: &tokio::runtime::Handle,
    keys: &mut Vec<String>,
) -> (Result<Disk, Reply>, Vec<tern_ova::DigestValue>) {
    let mut random = [0u8; 8];
    if let Err(e) = getrandom::fill(&mut random) {
        return (Err(Reply::error(500, e.to_string())), Vec::new());
    }
    let key = format!("ova.{:016x}", u64::from_be_bytes(random));
    keys.push(key.clone());
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, BlobError>>(2);
    let upload: ByteStream = Box::pin(stream::unfold(receiver, |mut r| async move {
        r.recv().await.map(|item| (item, r))
    }));
    let task = {
        let blobs = Arc::clone(blobs);
        let key = key.clone();
        handle.spawn(async move { blobs.put(&key, upload, limit).await })
    };
    let mut hashers: Vec<_> = algorithms.iter().map(|a| a.hasher()).collect();
    let mut buf = vec![0u8; CHUNK];
    let mut failure = None;
    loop {
        match ova.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                for h in &mut hashers {
                    h.update(&buf[..n]);
                }
                if sender
                    .blocking_send(Ok(Bytes::copy_from_slice(&buf[..n])))
                    .is_err()
                {
                    break;
                }
            }
            Err(e) => {
                let _ = sender.blocking_send(Err(BlobError::Upload(e.to_string())));
                failure = Some(bad("OVA-READ", format!("{href}: {e}")));
                break;
            }
        }
    }
    drop(sender);
    let written = handle.block_on(task);
    let disk = |size| Disk {
        href: href.to_owned(),
        blob: key.clone(),
        size,
    };
    let digests = hashers.into_iter().map(tern_ova::Hasher::finish).collect();
    match written {
        Ok(Ok(size)) => match failure {
            None => (Ok(disk(size)), digests),
            Some(reply) => (Err(reply), digests),
        },
        Ok(Err(BlobError::TooLarge { limit })) => (
            Err(bad(
                "OVA-SIZE",
                format!("{href} is larger than the data object limit ({limit} bytes)"),
            )),
            digests,
        ),
        Ok(Err(e)) => (
            Err(failure.unwrap_or_else(|| Reply::error(500, format!("{href}: {e}")))),
            digests,
        ),
        Err(e) => (Err(Reply::error(500, e.to_string())), digests),
    }
}

fn bad(rule: &'static str, message: String) -> Reply {
    Reply::findings(
        400,
        "the OVA is refused; nothing was created",
        &[Finding::error(rule, message)],
    )
}

fn mismatch(
    name: &str,
    recorded: &tern_ova::DigestValue,
    computed: &tern_ova::DigestValue,
) -> Reply {
    bad(
        "OVA-DIGEST",
        format!(
            "{name}: the manifest records {}({name})= {}, the archive holds {}",
            recorded.algorithm.name(),
            recorded.hex(),
            computed.hex()
        ),
    )
}
