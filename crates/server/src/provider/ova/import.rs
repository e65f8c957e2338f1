//! The OVA import: the archive read front to back on a blocking thread, its disks written
//! into blobs as they come, then one transaction.

use std::io::Read;
use std::sync::Arc;

use axum::body::Body;
use bytes::{Buf, Bytes};
use futures_util::{StreamExt, stream};
use tern_diag::Finding;
use tern_ova::{Algorithm, DEFAULT_MAX_MEMBERS, MAX_TEXT_MEMBER, Manifest, OvaError, OvaStream};
use tern_store::{BlobError, BlobStore, ByteStream, CHUNK, Decision, transact};

use super::super::deploy::Deployment;
use super::super::disks::{Disk, flat_href};
use super::super::{After, Fail, Provider};
use crate::render::Reply;

impl Provider {
    // Reads the archive, stores its disks as blobs, then imports in one transaction.
    pub(super) async fn import_ova(
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
            match super::super::ovf::import_with(
                &work_ctx,
                tx,
                &descriptor,
                named,
                &disks,
                &mut after,
            ) {
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

// A digest the manifest records and the one computed.
type Pair = (tern_ova::DigestValue, tern_ova::DigestValue);

fn refused(e: &OvaError) -> Reply {
    Reply::findings(
        400,
        "the OVA is refused; nothing was created",
        &[e.to_finding()],
    )
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
        let (descriptor_name, wanted) = self.read_descriptor(&mut ova)?;
        let mut manifest: Option<(Manifest, Vec<Pair>)> = None;
        let mut seen: Vec<(String, Vec<tern_ova::DigestValue>)> = Vec::new();
        while let Some(member) = ova.next_member().map_err(|e| refused(&e))? {
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
                manifest = Some(self.read_manifest(&mut ova, &name, &descriptor_name)?);
                continue;
            }
            if !wanted.contains(&name) {
                // A certificate, or a file the descriptor does not name: not stored.
                continue;
            }
            let algorithms: Vec<Algorithm> = manifest
                .as_ref()
                .map(|(m, _)| m.entries_for(&name).map(|e| e.digest.algorithm).collect())
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
        if let Some((m, descriptor_digests)) = &manifest {
            check_manifest(m, descriptor_digests, &descriptor_name, &seen)?;
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

    // The descriptor (validated: an invalid one refuses the archive before any disk is
    // stored): its member name and the hrefs of the files to store.
    fn read_descriptor<R: Read>(
        &mut self,
        ova: &mut OvaStream<R>,
    ) -> Result<(String, Vec<String>), Reply> {
        let Some(first) = ova.next_member().map_err(|e| refused(&e))? else {
            return Err(refused(&OvaError::Empty));
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
        ova.read_to_end(&mut bytes)
            .map_err(|e| bad("OVA-READ", e.to_string()))?;
        self.descriptor = String::from_utf8(bytes)
            .map_err(|_| bad("OVF-XML", format!("{} is not UTF-8 text", first.name)))?;
        let doc = super::super::ovf::parse(&self.descriptor).map_err(|f| match f {
            Fail::Reply(r) => r,
            Fail::Store(e) => Reply::error(500, e.to_string()),
        })?;
        let mut wanted: Vec<String> = Vec::new();
        for file in tern_ovf::Envelope::read(&doc).files {
            let Some(href) = file.href else { continue };
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
            if !flat_href(&href) {
                return Err(bad(
                    "OVA-HREF",
                    format!("{href} names no data object (one segment of letters, digits, `-._~`)"),
                ));
            }
            wanted.push(href);
        }
        Ok((first.name, wanted))
    }

    // The manifest (strict), and the descriptor's digests by the algorithms it names.
    fn read_manifest<R: Read>(
        &self,
        ova: &mut OvaStream<R>,
        name: &str,
        descriptor_name: &str,
    ) -> Result<(Manifest, Vec<Pair>), Reply> {
        let mut text = Vec::new();
        ova.take(MAX_TEXT_MEMBER)
            .read_to_end(&mut text)
            .map_err(|e| bad("OVA-READ", e.to_string()))?;
        let m = Manifest::parse_strict(&text).map_err(|e| {
            Reply::findings(
                400,
                "the OVA's manifest is refused; nothing was created",
                &[Finding::from(e).in_file(name)],
            )
        })?;
        let digests = m
            .entries_for(descriptor_name)
            .map(|entry| {
                let mut h = entry.digest.algorithm.hasher();
                h.update(self.descriptor.as_bytes());
                (entry.digest.clone(), h.finish())
            })
            .collect();
        Ok((m, digests))
    }
}

// Every digest the manifest records matches, and every file it lists is there.
fn check_manifest(
    m: &Manifest,
    descriptor_digests: &[Pair],
    descriptor_name: &str,
    seen: &[(String, Vec<tern_ova::DigestValue>)],
) -> Result<(), Reply> {
    for (recorded, computed) in descriptor_digests {
        if recorded != computed {
            return Err(mismatch(descriptor_name, recorded, computed));
        }
    }
    for (name, digests) in seen {
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
        let there = entry.name == descriptor_name || seen.iter().any(|(n, _)| *n == entry.name);
        if !there {
            return Err(bad(
                "OVA-MISSING",
                format!("the manifest lists {}, which the archive lacks", entry.name),
            ));
        }
    }
    Ok(())
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
