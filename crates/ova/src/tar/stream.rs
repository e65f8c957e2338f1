//! Reading an archive front to back from a plain [`Read`] (an HTTP request body): no seeking,
//! one member at a time, the same header rules as the indexing scan.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::PathBuf;

use super::header;
use super::scan::{
    Decoded, Entry, MAX_EXTENSION, Pending, check_block, decode, header_error, member, refused,
};
use super::{BLOCK, padded};
use crate::archive::has_extension;
use crate::error::OvaError;
use crate::member::{Member, MemberKind};

/// An OVA read as a stream: [`OvaStream::next_member`] walks the headers in archive order and
/// the stream itself ([`Read`]) yields the current member's data. Only one 512-byte block and
/// the extension records (at most 1 MiB each) are held; whatever a member's size, its bytes
/// are passed through.
///
/// The rules are [`crate::Ova::from_reader`]'s: hostile members (absolute names, `..`,
/// links, devices, fifos), duplicate names and more than the member limit are refused, and
/// the first file must be a `.ovf` descriptor.
#[derive(Debug)]
pub struct OvaStream<R> {
    source: R,
    name: PathBuf,
    /// Bytes read from `source` so far.
    offset: u64,
    /// Data bytes of the current member not yet read.
    remaining: u64,
    /// Padding after the current member's data.
    padding: u64,
    /// Member name → its header's offset.
    names: HashMap<String, u64>,
    max_members: usize,
    files: usize,
    done: bool,
}

impl<R: Read> OvaStream<R> {
    /// A stream over `source`; `name` only names it in errors; at most `max_members` members.
    pub fn new(source: R, name: impl Into<PathBuf>, max_members: usize) -> Self {
        OvaStream {
            source,
            name: name.into(),
            offset: 0,
            remaining: 0,
            padding: 0,
            names: HashMap::new(),
            max_members,
            files: 0,
            done: false,
        }
    }

    /// The next file or directory (the rest of the current member's data is skipped); `None`
    /// at the end of the archive. The member's `data_offset` is where its data starts in the
    /// stream.
    pub fn next_member(&mut self) -> Result<Option<Member>, OvaError> {
        self.skip_rest()?;
        let mut pending = Pending::default();
        loop {
            let Some(block) = self.next_header(&pending)? else {
                return Ok(None);
            };
            let offset = self.offset - BLOCK;
            let Decoded {
                entry,
                typeflag,
                size,
            } = decode(&block, &pending, offset)?;
            let kind = match entry {
                Entry::Extension => {
                    self.extension(&mut pending, typeflag, size, offset)
                        .map_err(|e| {
                            e.unwrap_or_else(|reason| header_error(&block, offset, reason))
                        })?;
                    continue;
                }
                Entry::Skip => {
                    self.discard(padded(size), "skipped entry")?;
                    pending = Pending::default();
                    continue;
                }
                Entry::Refused(kind) => return Err(refused(&block, &pending, offset, kind)),
                Entry::Member(kind) => kind,
            };
            self.remaining = size;
            self.padding = padded(size) - size;
            let Some(member) = member(&block, &pending, offset, kind, size, self.offset)? else {
                // `./` itself is the extraction directory.
                pending = Pending::default();
                self.skip_rest()?;
                continue;
            };
            self.admit(&member.name, kind, member.header_offset)?;
            return Ok(Some(member));
        }
    }

    // A PAX or GNU extension record (the stream is at its data): into `pending`. `Err(None)`:
    // a malformed record (the caller names the header), `Err(Some)`: a read failure.
    fn extension(
        &mut self,
        pending: &mut Pending,
        typeflag: u8,
        size: u64,
        offset: u64,
    ) -> Result<(), Result<OvaError, String>> {
        if size > MAX_EXTENSION {
            return Err(Err(format!(
                "extension record of {size} bytes (limit {MAX_EXTENSION})"
            )));
        }
        let mut data = vec![0u8; usize::try_from(size).unwrap_or(usize::MAX)];
        self.fill(&mut data, "extension record").map_err(Ok)?;
        self.discard(padded(size) - size, "extension record")
            .map_err(Ok)?;
        pending.start.get_or_insert(offset);
        match typeflag {
            b'x' => pending.apply_pax(&data).map_err(Err)?,
            b'L' => pending.long_name = Some(header::string_field(&data).to_vec()),
            _ => {}
        }
        Ok(())
    }

    // A new name: not seen before, within the member limit, the descriptor first.
    fn admit(&mut self, name: &str, kind: MemberKind, offset: u64) -> Result<(), OvaError> {
        if let Some(&first) = self.names.get(name) {
            return Err(OvaError::DuplicateMember {
                member: name.to_owned(),
                first,
                second: offset,
            });
        }
        self.names.insert(name.to_owned(), offset);
        if self.names.len() > self.max_members {
            return Err(OvaError::TooManyMembers {
                limit: self.max_members,
                offset,
            });
        }
        if kind == MemberKind::File {
            if self.files == 0 && !has_extension(name, ".ovf") {
                return Err(OvaError::DescriptorNotFirst {
                    found: name.to_owned(),
                    offset,
                });
            }
            self.files += 1;
        }
        Ok(())
    }

    /// The source, once the walk is over.
    pub fn into_inner(self) -> R {
        self.source
    }

    // The rest of the current member and its padding.
    // The padding may be cut off after the last member, as the index tolerates: the
    // stream's end there ends the archive.
    fn skip_rest(&mut self) -> Result<(), OvaError> {
        let (data, padding) = (self.remaining, self.padding);
        self.remaining = 0;
        self.padding = 0;
        self.discard(data, "member data")?;
        let mut buf = [0u8; 512];
        let mut left = usize::try_from(padding).unwrap_or(0).min(buf.len());
        while left > 0 {
            match self.source.read(&mut buf[..left]) {
                Ok(0) => {
                    self.done = true;
                    return Ok(());
                }
                Ok(n) => {
                    left -= n;
                    self.offset += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(OvaError::io(&self.name, e)),
            }
        }
        Ok(())
    }

    // The next header block; `None` at the end-of-archive marker or at the end of the stream
    // between members.
    fn next_header(&mut self, pending: &Pending) -> Result<Option<[u8; 512]>, OvaError> {
        if self.done {
            return Ok(None);
        }
        let mut block = [0u8; 512];
        let mut got = 0;
        while got < block.len() {
            match self.source.read(&mut block[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(OvaError::io(&self.name, e)),
            }
        }
        let before = self.offset;
        self.offset += got as u64;
        if got < block.len() {
            return Err(match (before, got) {
                // The end of the stream between members: no end-of-archive marker, tolerated
                // as the indexing scan does.
                (_, 0) if before > 0 && pending.start.is_none() => {
                    self.done = true;
                    return Ok(None);
                }
                (0, 0) => OvaError::Empty,
                (0, _) => OvaError::Header {
                    member: None,
                    offset: 0,
                    reason: format!(
                        "not a tar archive: {got} bytes, shorter than one 512-byte header"
                    ),
                },
                _ => OvaError::Truncated {
                    what: "tar header".into(),
                    offset: before,
                },
            });
        }
        if !check_block(&block, self.offset - BLOCK)? {
            self.done = true;
            // The rest (the second zero block, the record's padding) is not read.
            return Ok(None);
        }
        Ok(Some(block))
    }

    fn fill(&mut self, buf: &mut [u8], what: &str) -> Result<(), OvaError> {
        let start = self.offset;
        self.source.read_exact(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                OvaError::Truncated {
                    what: what.to_owned(),
                    offset: start,
                }
            } else {
                OvaError::io(&self.name, e)
            }
        })?;
        self.offset += buf.len() as u64;
        Ok(())
    }

    fn discard(&mut self, mut n: u64, what: &str) -> Result<(), OvaError> {
        let mut buf = [0u8; 8192];
        while n > 0 {
            let take = usize::try_from(n.min(buf.len() as u64)).unwrap_or(buf.len());
            self.fill(&mut buf[..take], what)?;
            n -= take as u64;
        }
        Ok(())
    }
}

/// The current member's data; end of file at its end. A stream that ends before is
/// [`io::ErrorKind::UnexpectedEof`].
impl<R: Read> Read for OvaStream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let take = usize::try_from(self.remaining.min(buf.len() as u64)).unwrap_or(buf.len());
        let n = self.source.read(&mut buf[..take])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the archive ends {} bytes before the end of the member",
                    self.remaining
                ),
            ));
        }
        self.remaining -= n as u64;
        self.offset += n as u64;
        Ok(n)
    }
}

/// A POSIX ustar header for a regular file of `size` bytes (what [`crate::pack`] writes), for
/// writers that stream an archive themselves; the data follows, padded with zeros to a
/// multiple of 512 bytes ([`tar_padding`]), and two zero blocks end the archive.
pub fn ustar_header(name: &str, size: u64, mtime: u64) -> Result<[u8; 512], OvaError> {
    super::writer::file_header(name, size, mtime).map_err(|reason| OvaError::Header {
        member: Some(name.to_owned()),
        offset: 0,
        reason,
    })
}

/// How many zero bytes follow `size` data bytes in a tar archive.
pub fn tar_padding(size: u64) -> u64 {
    padded(size) - size
}
