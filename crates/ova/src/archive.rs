//! Reading an OVA: the member index, raw member streams, and the logical streams of the
//! descriptor's files (chunks reassembled, gzip decompressed).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::error::OvaError;
use crate::member::{Member, MemberKind};
use crate::references::{Compression, FileReference, read_references};
use crate::tar::scan::scan;

/// Chunk suffixes have nine digits.
pub(crate) const MAX_CHUNKS: u32 = 999_999_999;

/// Descriptors, manifests and certificates are loaded into memory; bound them.
pub const MAX_TEXT_MEMBER: u64 = 64 << 20;

/// How many members (files and directories) an archive may hold unless the caller says
/// otherwise ([`Ova::open_with_limit`]). A package is a descriptor, a manifest, a certificate
/// and its disks (chunked disks add one member per chunk), so real OVAs hold a few dozen;
/// the bound keeps a hostile archive of tiny members from costing minutes of file creation.
pub const DEFAULT_MAX_MEMBERS: usize = 10_000;

/// An OVA opened for reading. Only headers are read when opening; member data is streamed on
/// demand, so memory use does not grow with the archive.
#[derive(Debug)]
pub struct Ova<R> {
    source: R,
    path: PathBuf,
    members: Vec<Member>,
    /// Member name → position in `members`.
    index: HashMap<String, usize>,
    descriptor: usize,
}

impl Ova<File> {
    /// Opens and indexes the OVA at `path` (at most [`DEFAULT_MAX_MEMBERS`] members).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, OvaError> {
        Ova::open_with_limit(path, DEFAULT_MAX_MEMBERS)
    }

    /// Opens and indexes the OVA at `path`; more than `max_members` members is
    /// [`OvaError::TooManyMembers`].
    pub fn open_with_limit(path: impl AsRef<Path>, max_members: usize) -> Result<Self, OvaError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| OvaError::io(path, e))?;
        Ova::from_reader_with_limit(file, path, max_members)
    }
}

impl<R: Read + Seek> Ova<R> {
    /// Indexes the tar archive in `source`; `path` only names it in errors.
    ///
    /// Fails on malformed headers, hostile members (absolute paths, `..`, links, devices,
    /// fifos), duplicate names, more than [`DEFAULT_MAX_MEMBERS`] members, and when the
    /// first member is not a `.ovf` descriptor.
    pub fn from_reader(source: R, path: impl Into<PathBuf>) -> Result<Self, OvaError> {
        Ova::from_reader_with_limit(source, path, DEFAULT_MAX_MEMBERS)
    }

    /// [`Ova::from_reader`] with another bound than [`DEFAULT_MAX_MEMBERS`] on the member
    /// count.
    pub fn from_reader_with_limit(
        mut source: R,
        path: impl Into<PathBuf>,
        max_members: usize,
    ) -> Result<Self, OvaError> {
        let path = path.into();
        let (members, index) = scan(&mut source, &path, max_members)?;
        // Directory entries carry no data; the descriptor must be the first file.
        let descriptor = members
            .iter()
            .position(|m| m.kind == MemberKind::File)
            .ok_or(OvaError::Empty)?;
        let first = &members[descriptor];
        if !has_extension(&first.name, ".ovf") {
            return Err(OvaError::DescriptorNotFirst {
                found: first.name.clone(),
                offset: first.header_offset,
            });
        }
        Ok(Ova {
            source,
            path,
            members,
            index,
            descriptor,
        })
    }

    /// The path given when opening (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every member, in archive order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member called `name`.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.index.get(name).map(|&i| &self.members[i])
    }

    /// The OVF descriptor (the first file member).
    pub fn descriptor(&self) -> &Member {
        &self.members[self.descriptor]
    }

    /// The manifest: `<descriptor stem>.mf`, or else the first member ending in `.mf`.
    pub fn manifest(&self) -> Option<&Member> {
        self.companion(".mf")
    }

    /// The certificate: `<descriptor stem>.cert`, or else the first member ending in `.cert`.
    pub fn certificate(&self) -> Option<&Member> {
        self.companion(".cert")
    }

    /// A stream of the member's bytes as stored.
    pub fn read_member(&mut self, name: &str) -> Result<MemberReader<'_, R>, OvaError> {
        let member = self.member(name).ok_or_else(|| OvaError::MissingMember {
            name: name.to_owned(),
        })?;
        let spans = vec![(member.data_offset, member.size)];
        Ok(MemberReader::new(&mut self.source, spans))
    }

    /// The member's bytes, refused when larger than `limit`.
    pub fn read_member_to_vec(&mut self, name: &str, limit: u64) -> Result<Vec<u8>, OvaError> {
        let member = self.member(name).ok_or_else(|| OvaError::MissingMember {
            name: name.to_owned(),
        })?;
        let (size, offset) = (member.size, member.data_offset);
        if size > limit {
            return Err(OvaError::Member {
                member: name.to_owned(),
                offset,
                reason: format!(
                    "{size} bytes is more than the {limit}-byte limit for loading it into memory"
                ),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let path = self.path.clone();
        self.read_member(name)?
            .read_to_end(&mut bytes)
            .map_err(|e| OvaError::io(path, e))?;
        Ok(bytes)
    }

    /// The `References/File` entries of the descriptor.
    pub fn references(&mut self) -> Result<Vec<FileReference>, OvaError> {
        let name = self.descriptor().name.clone();
        let bytes = self.read_member_to_vec(&name, MAX_TEXT_MEMBER)?;
        read_references(&bytes, &name)
    }

    /// The members storing `file`: its chunks `href.000000000`, `href.000000001`, … in order
    /// when it is chunked (and the first chunk exists), else the member named `href`.
    /// Empty when the archive holds neither.
    pub fn stored_parts(&self, file: &FileReference) -> Vec<&Member> {
        // Member names are stored without a leading `./`; so are hrefs looked up.
        let mut href = file.href.as_str();
        while let Some(rest) = href.strip_prefix("./") {
            href = rest;
        }
        let chunk = |i: u32| format!("{href}.{i:09}");
        if file.chunk_size.is_some() && self.member(&chunk(0)).is_some() {
            return (0..=MAX_CHUNKS)
                .map_while(|i| self.member(&chunk(i)))
                .collect();
        }
        self.member(href).into_iter().collect()
    }

    /// The logical content of `file`: chunks reassembled into one stream, then gzip
    /// decompressed when `ovf:compression="gzip"` (compression applies before chunking).
    pub fn open_file(&mut self, file: &FileReference) -> Result<Box<dyn Read + '_>, OvaError> {
        let spans: Vec<(u64, u64)> = self
            .stored_parts(file)
            .iter()
            .map(|m| (m.data_offset, m.size))
            .collect();
        if spans.is_empty() {
            return Err(OvaError::MissingMember {
                name: file.href.clone(),
            });
        }
        let stored = MemberReader::new(&mut self.source, spans);
        Ok(match file.compression {
            Compression::Gzip => Box::new(MultiGzDecoder::new(stored)),
            _ => Box::new(stored),
        })
    }

    /// Gives the underlying reader back.
    pub fn into_inner(self) -> R {
        self.source
    }

    fn companion(&self, extension: &str) -> Option<&Member> {
        let stem = self
            .descriptor()
            .name
            .get(..self.descriptor().name.len() - 4)?;
        let preferred = format!("{stem}{extension}");
        self.member(&preferred).or_else(|| {
            self.members
                .iter()
                .find(|m| m.kind == MemberKind::File && has_extension(&m.name, extension))
        })
    }
}

/// A stream over one member's data, or over several members read one after the other.
#[derive(Debug)]
pub struct MemberReader<'a, R> {
    source: &'a mut R,
    spans: Vec<(u64, u64)>,
    next: usize,
    remaining: u64,
}

impl<'a, R: Read + Seek> MemberReader<'a, R> {
    fn new(source: &'a mut R, spans: Vec<(u64, u64)>) -> Self {
        MemberReader {
            source,
            spans,
            next: 0,
            remaining: 0,
        }
    }
}

impl<R: Read + Seek> Read for MemberReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.remaining == 0 {
            let Some(&(offset, len)) = self.spans.get(self.next) else {
                return Ok(0);
            };
            self.source.seek(SeekFrom::Start(offset))?;
            self.remaining = len;
            self.next += 1;
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(self.remaining).map_or(buf.len(), |r| r.min(buf.len()));
        let got = self.source.read(&mut buf[..want])?;
        if got == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive ended inside a member (was it truncated after opening?)",
            ));
        }
        self.remaining -= got as u64;
        Ok(got)
    }
}

/// Case-insensitive suffix test (`.OVF` is as good as `.ovf`).
pub(crate) fn has_extension(name: &str, extension: &str) -> bool {
    name.len() > extension.len()
        && name
            .get(name.len() - extension.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(extension))
}
