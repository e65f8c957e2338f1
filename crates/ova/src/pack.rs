//! Writing an OVA: descriptor first, manifest second, then the files in the order given
//! (References order), as plain ustar.
//!
//! The manifest's length is known before any digest is (every line has a fixed shape), so its
//! place is reserved and filled in at the end: each file is read once, digested while copied.
//! That one order (descriptor, manifest, files) suits OVF 1.x, which requires it, and 2.x,
//! which also allows the manifest last: no reason to write two layouts. The copy and the
//! digest overlap (the digest runs on a second thread, `pipeline.rs`), and written data is
//! pushed to disk every 32 MiB by a third ([`with_writeback`]), so packing costs about what a flushed copy of the
//! same bytes costs (`bench/ova-stream.sh` prints both).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::archive::{MAX_CHUNKS, has_extension};
use crate::digest::{Algorithm, Hasher};
use crate::error::OvaError;
use crate::manifest::Manifest;
use crate::pipeline::{Writeback, digest_alongside, with_writeback};
use crate::progress::{BUFFER, Progress};
use crate::references::{FileReference, read_references};
use crate::tar::writer::{check_name, file_header};
use crate::tar::{BLOCK, padded};

/// A file to store in the OVA under `name` (its href), read from `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    /// The member name: the href the descriptor uses.
    pub name: String,
    /// Where the bytes are.
    pub path: PathBuf,
}

/// Choices for [`pack`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackOptions {
    /// The manifest's digest algorithm (SHA256 by default; SHA1 for OVF 1.x consumers such as
    /// older `ESXi` and `vCenter`).
    pub algorithm: Algorithm,
    /// A fixed mtime for every member (reproducible archives); `None` takes each file's own
    /// modification time, truncated to whole seconds, and the current time for the manifest.
    pub mtime: Option<u64>,
    /// Replace an existing file at the output path (refused by default, before anything is
    /// written, and again at the end should one have appeared meanwhile).
    pub overwrite: bool,
}

impl Default for PackOptions {
    fn default() -> Self {
        PackOptions {
            algorithm: Algorithm::Sha256,
            mtime: None,
            overwrite: false,
        }
    }
}

/// What [`pack`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Packed {
    /// The manifest stored as the second member.
    pub manifest: Manifest,
    /// Member names in archive order.
    pub members: Vec<String>,
    /// Size of the OVA in bytes.
    pub size: u64,
}

/// The local files a descriptor references, and the hrefs that are URLs (not packed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReferencedFiles {
    /// Files to pack, in References order (chunks expanded in chunk order).
    pub files: Vec<PackFile>,
    /// hrefs naming a URL rather than a file beside the descriptor.
    pub remote: Vec<String>,
}

/// Finds the files the descriptor at `descriptor` references, beside it on disk. A chunked
/// File (`ovf:chunkSize`) contributes its chunk files `href.000000000`, `href.000000001`, …
/// when the first exists, else the file `href` itself.
pub fn referenced_files(descriptor: &Path) -> Result<ReferencedFiles, OvaError> {
    let bytes = crate::package::read_bounded(descriptor)?;
    let name = descriptor.display().to_string();
    let dir = descriptor.parent().unwrap_or(Path::new(""));
    let mut found = ReferencedFiles::default();
    for file in read_references(&bytes, &name)? {
        if !file.is_local() {
            found.remote.push(file.href);
            continue;
        }
        found.files.extend(local_parts(dir, &file, &name)?);
    }
    Ok(found)
}

/// Writes an OVA to `output` from the descriptor and `files` (in References order). The
/// archive is written to a temporary file beside `output` and renamed at the end. An existing
/// `output` is an `OvaError::Io` of kind `AlreadyExists` unless `options.overwrite`.
pub fn pack(
    descriptor: &Path,
    files: &[PackFile],
    output: &Path,
    options: &PackOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Packed, OvaError> {
    let descriptor_name = descriptor
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| OvaError::Name {
            name: descriptor.display().to_string(),
            reason: "the descriptor's file name is not UTF-8".into(),
        })?
        .to_owned();
    if !has_extension(&descriptor_name, ".ovf") {
        return Err(OvaError::Name {
            name: descriptor_name,
            reason: "an OVA's first member must be a descriptor named *.ovf".into(),
        });
    }
    let manifest_name = format!("{}.mf", &descriptor_name[..descriptor_name.len() - 4]);

    let descriptor_source = Source::stat(&descriptor_name, descriptor, options)?;
    let rest = files
        .iter()
        .map(|f| Source::stat(&f.name, &f.path, options))
        .collect::<Result<Vec<_>, _>>()?;
    let sources: Vec<&Source> = std::iter::once(&descriptor_source).chain(&rest).collect();
    check_names(&sources, &manifest_name)?;
    refuse_overwriting_inputs(output, &sources)?;
    if !options.overwrite && fs::symlink_metadata(output).is_ok() {
        return Err(already_exists(output));
    }

    let algorithm = options.algorithm;
    let manifest_len: usize = sources
        .iter()
        .map(|s| Manifest::line_len(algorithm, &s.name))
        .sum();
    let manifest_mtime = options.mtime.unwrap_or_else(now);
    let total: u64 = sources.iter().map(|s| s.size).sum();

    let mut staged = crate::staging::Staged::create(output)?;
    let out_path = output.to_path_buf();
    let io_out = |e| OvaError::io(&out_path, e);
    let flush_handle = staged.file().try_clone().map_err(io_out)?;
    // The writer's borrow of the staged file ends with the closure, before the commit.
    let (manifest, members, size) = with_writeback(flush_handle, |writeback| {
        let mut archive = ArchiveWriter {
            out: BufWriter::with_capacity(BUFFER, staged.file()),
            position: 0,
            done: 0,
            total,
            writeback,
        };
        let mut manifest = Manifest::default();
        let mut members = Vec::with_capacity(sources.len() + 1);

        archive.file(
            &descriptor_source,
            algorithm,
            &mut manifest,
            progress,
            &io_out,
        )?;
        members.push(descriptor_source.name.clone());

        // Reserve the manifest: header now, zero-filled data replaced at the end.
        let header = file_header(&manifest_name, manifest_len as u64, manifest_mtime)
            .map_err(|reason| name_error(&manifest_name, reason))?;
        archive.out.write_all(&header).map_err(io_out)?;
        let manifest_offset = archive.position + BLOCK;
        archive.zeros(padded(manifest_len as u64)).map_err(io_out)?;
        archive.position = manifest_offset + padded(manifest_len as u64);
        members.push(manifest_name.clone());

        for source in &rest {
            archive.file(source, algorithm, &mut manifest, progress, &io_out)?;
            members.push(source.name.clone());
        }
        // End of archive: two zero blocks.
        archive.zeros(2 * BLOCK).map_err(io_out)?;
        let size = archive.position + 2 * BLOCK;

        let text = manifest.render();
        if text.len() != manifest_len {
            return Err(name_error(
                &manifest_name,
                format!(
                    "manifest is {} bytes, {manifest_len} were reserved",
                    text.len()
                ),
            ));
        }
        let mut out = archive.out;
        out.seek(SeekFrom::Start(manifest_offset)).map_err(io_out)?;
        out.write_all(text.as_bytes()).map_err(io_out)?;
        out.flush().map_err(io_out)?;
        Ok((manifest, members, size))
    })?;
    if options.overwrite {
        staged.commit()?;
    } else {
        staged.commit_new()?;
    }
    Ok(Packed {
        manifest,
        members,
        size,
    })
}

/// The archive being written, with the position of its next header.
struct ArchiveWriter<'w, W> {
    out: W,
    position: u64,
    done: u64,
    total: u64,
    writeback: &'w mut Writeback,
}

impl<W: Write> ArchiveWriter<'_, W> {
    /// Header, data (digested into the manifest while copied), padding.
    fn file(
        &mut self,
        source: &Source,
        algorithm: Algorithm,
        manifest: &mut Manifest,
        progress: &mut dyn FnMut(Progress<'_>),
        io_out: &dyn Fn(std::io::Error) -> OvaError,
    ) -> Result<(), OvaError> {
        let header = file_header(&source.name, source.size, source.mtime)
            .map_err(|reason| name_error(&source.name, reason))?;
        self.out.write_all(&header).map_err(io_out)?;
        let (done, total) = (&mut self.done, self.total);
        let hasher = copy_source(
            source,
            &mut self.out,
            algorithm.hasher(),
            self.writeback,
            &mut |n| {
                *done += n;
                progress(Progress {
                    member: &source.name,
                    done: *done,
                    total,
                });
            },
        )
        .map_err(|e| match e {
            CopyError::Source(e) => e,
            CopyError::Output(e) => io_out(e),
        })?;
        self.zeros(padded(source.size) - source.size)
            .map_err(io_out)?;
        self.position += BLOCK + padded(source.size);
        manifest.push(source.name.clone(), hasher.finish());
        Ok(())
    }

    fn zeros(&mut self, mut count: u64) -> std::io::Result<()> {
        const ZEROS: [u8; 512] = [0; 512];
        while count > 0 {
            let n = count.min(512) as usize;
            self.out.write_all(&ZEROS[..n])?;
            count -= n as u64;
        }
        Ok(())
    }
}

/// A file to copy, with what was learnt from `stat()`.
struct Source {
    name: String,
    path: PathBuf,
    size: u64,
    mtime: u64,
}

impl Source {
    fn stat(name: &str, path: &Path, options: &PackOptions) -> Result<Self, OvaError> {
        let meta = fs::metadata(path).map_err(|e| OvaError::io(path, e))?;
        if !meta.is_file() {
            return Err(name_error(
                name,
                format!("{} is not a regular file", path.display()),
            ));
        }
        let mtime = options.mtime.unwrap_or_else(|| {
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs())
        });
        Ok(Source {
            name: name.to_owned(),
            path: path.to_path_buf(),
            size: meta.len(),
            mtime,
        })
    }
}

enum CopyError {
    Source(OvaError),
    Output(std::io::Error),
}

/// Streams exactly `source.size` bytes into `out`, read once: each buffer is written out, then
/// digested on another thread while the next one is read ([`digest_alongside`]).
fn copy_source(
    source: &Source,
    out: &mut impl Write,
    hasher: Hasher,
    writeback: &mut Writeback,
    advanced: &mut dyn FnMut(u64),
) -> Result<Hasher, CopyError> {
    let src_err = |e| CopyError::Source(OvaError::io(&source.path, e));
    let changed = || {
        CopyError::Source(OvaError::Changed {
            path: source.path.clone(),
            expected: source.size,
        })
    };
    let mut file = File::open(&source.path).map_err(src_err)?;
    let ((), hasher) = digest_alongside(hasher, |feed| {
        let mut remaining = source.size;
        while remaining > 0 {
            let mut buffer = feed.buffer();
            let want = usize::try_from(remaining).map_or(buffer.len(), |r| r.min(buffer.len()));
            let got = file.read(&mut buffer[..want]).map_err(src_err)?;
            if got == 0 {
                return Err(changed());
            }
            out.write_all(&buffer[..got]).map_err(CopyError::Output)?;
            feed.digest(buffer, got);
            writeback
                .wrote(got as u64, out)
                .map_err(CopyError::Output)?;
            remaining -= got as u64;
            advanced(got as u64);
        }
        Ok(())
    })?;
    if file.read(&mut [0u8; 1]).map_err(src_err)? != 0 {
        return Err(changed());
    }
    Ok(hasher)
}

fn check_names(sources: &[&Source], manifest_name: &str) -> Result<(), OvaError> {
    let mut seen = HashSet::from([manifest_name.to_owned()]);
    for s in sources {
        check_name(&s.name).map_err(|reason| name_error(&s.name, reason))?;
        if !seen.insert(s.name.clone()) {
            return Err(name_error(
                &s.name,
                "the name is used twice (the manifest is named after the descriptor)".into(),
            ));
        }
    }
    check_name(manifest_name).map_err(|reason| name_error(manifest_name, reason))
}

/// Renaming over an input would replace it with the archive that contains it.
fn already_exists(output: &Path) -> OvaError {
    OvaError::io(
        output,
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "already exists (nothing was written)",
        ),
    )
}

fn refuse_overwriting_inputs(output: &Path, sources: &[&Source]) -> Result<(), OvaError> {
    let Ok(out) = fs::canonicalize(output) else {
        return Ok(());
    };
    for s in sources {
        if fs::canonicalize(&s.path).is_ok_and(|p| p == out) {
            return Err(name_error(
                &s.name,
                format!("the output {} is this input file", output.display()),
            ));
        }
    }
    Ok(())
}

/// The files storing `file` beside the descriptor (see [`referenced_files`]); an href
/// leading outside the descriptor's directory is refused before anything is opened.
fn local_parts(
    dir: &Path,
    file: &FileReference,
    descriptor: &str,
) -> Result<Vec<PackFile>, OvaError> {
    let part = |name: String| -> Result<PackFile, OvaError> {
        match tern_ovf::model::package_file(dir, &name) {
            Ok(path) => Ok(PackFile { name, path }),
            Err(reason) => Err(OvaError::Href {
                descriptor: descriptor.to_owned(),
                position: file.position,
                href: name,
                reason: reason.to_owned(),
            }),
        }
    };
    let first = part(file.href.clone())?;
    if file.chunk_size.is_some() {
        let mut chunks = Vec::new();
        for i in 0..=MAX_CHUNKS {
            let chunk = part(file.chunk_name(i))?;
            if !chunk.path.is_file() {
                break;
            }
            chunks.push(chunk);
        }
        if !chunks.is_empty() {
            return Ok(chunks);
        }
    }
    if !first.path.is_file() {
        return Err(OvaError::io(
            &first.path,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("referenced by File href=\"{}\" but not found", file.href),
            ),
        ));
    }
    Ok(vec![first])
}

fn name_error(name: &str, reason: String) -> OvaError {
    OvaError::Name {
        name: name.to_owned(),
        reason,
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
