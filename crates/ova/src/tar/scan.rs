//! Indexing an archive: walk the headers, skip the data, refuse hostile members.
//!
//! Only headers and extension records are read; member data is skipped with a seek, so indexing a
//! 10 GB OVA reads a few kilobytes.

use std::collections::HashMap;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::header::{self, Dialect};
use super::{BLOCK, padded};
use crate::error::{OvaError, UnsafeKind};
use crate::member::{HeaderFormat, Member, MemberKind};

/// PAX extended headers and GNU long-name records are read into memory; bound them.
pub(crate) const MAX_EXTENSION: u64 = 1 << 20;

/// Lists the members of the tar archive in `source`, in archive order, with the index of each
/// name; more than `max_members` members (files and directories) is an error.
pub(crate) fn scan<R: Read + Seek>(
    source: &mut R,
    path: &Path,
    max_members: usize,
) -> Result<(Vec<Member>, HashMap<String, usize>), OvaError> {
    let len = source
        .seek(SeekFrom::End(0))
        .map_err(|e| OvaError::io(path, e))?;
    let mut scanner = Scanner {
        source,
        path,
        len,
        offset: 0,
        pending: Pending::default(),
    };
    let mut members: Vec<Member> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    while let Some(member) = scanner.next_member()? {
        if let Some(&first) = index.get(&member.name) {
            return Err(OvaError::DuplicateMember {
                member: member.name,
                first: members[first].header_offset,
                second: member.header_offset,
            });
        }
        if members.len() >= max_members {
            return Err(OvaError::TooManyMembers {
                limit: max_members,
                offset: member.header_offset,
            });
        }
        index.insert(member.name.clone(), members.len());
        members.push(member);
    }
    Ok((members, index))
}

/// A walk over the headers; `offset` is where the next header starts.
struct Scanner<'a, R> {
    source: &'a mut R,
    path: &'a Path,
    len: u64,
    offset: u64,
    pending: Pending,
}

/// What a typeflag asks the scanner to do.
pub(crate) enum Entry {
    Extension,
    Member(MemberKind),
    Skip,
    Refused(UnsafeKind),
}

impl<R: Read + Seek> Scanner<'_, R> {
    /// The next file or directory, after any extension headers; `None` at the end.
    fn next_member(&mut self) -> Result<Option<Member>, OvaError> {
        loop {
            let Some(block) = self.next_header()? else {
                return Ok(None);
            };
            let offset = self.offset;
            let Decoded {
                entry,
                typeflag,
                size,
            } = decode(&block, &self.pending, offset)?;
            let data_offset = offset + BLOCK;
            if data_offset
                .checked_add(size)
                .is_none_or(|end| end > self.len)
            {
                return Err(OvaError::Truncated {
                    what: format!(
                        "data of '{}' ({size} bytes)",
                        String::from_utf8_lossy(&self.pending.name(&block))
                    ),
                    offset: data_offset,
                });
            }
            self.offset = data_offset + padded(size);
            let kind = match entry {
                Entry::Extension => {
                    self.extension(typeflag, size, offset)
                        .map_err(|reason| header_error(&block, offset, reason))?;
                    continue;
                }
                Entry::Skip => {
                    self.pending = Pending::default();
                    continue;
                }
                Entry::Refused(kind) => return Err(refused(&block, &self.pending, offset, kind)),
                Entry::Member(kind) => kind,
            };
            let pending = std::mem::take(&mut self.pending);
            // `None`: `./` itself (from `tar -C dir -cf x.ova .`), the extraction directory.
            if let Some(member) = member(&block, &pending, offset, kind, size, data_offset)? {
                return Ok(Some(member));
            }
        }
    }

    /// Reads the header at `self.offset`; `None` at the end-of-archive marker or at the end of
    /// the file (a missing marker is tolerated when every member was complete).
    fn next_header(&mut self) -> Result<Option<[u8; 512]>, OvaError> {
        if self.offset >= self.len {
            if let Some(start) = self.pending.start {
                return Err(OvaError::Truncated {
                    what: "member announced by an extension header".into(),
                    offset: start,
                });
            }
            return Ok(None);
        }
        if self.offset == 0 && self.len < BLOCK {
            return Err(OvaError::Header {
                member: None,
                offset: 0,
                reason: format!(
                    "not a tar archive: {} bytes, shorter than one 512-byte header",
                    self.len
                ),
            });
        }
        if self.offset + BLOCK > self.len {
            return Err(OvaError::Truncated {
                what: "tar header".into(),
                offset: self.offset,
            });
        }
        let mut block = [0u8; 512];
        let io_err = |e: io::Error| OvaError::io(self.path, e);
        self.source
            .seek(SeekFrom::Start(self.offset))
            .map_err(io_err)?;
        self.source.read_exact(&mut block).map_err(io_err)?;
        Ok(check_block(&block, self.offset)?.then_some(block))
    }

    /// Reads a PAX or GNU extension record (the source is positioned at its data).
    fn extension(&mut self, typeflag: u8, size: u64, offset: u64) -> Result<(), String> {
        if size > MAX_EXTENSION {
            return Err(format!(
                "extension record of {size} bytes (limit {MAX_EXTENSION})"
            ));
        }
        let mut data = vec![0u8; usize::try_from(size).unwrap_or(usize::MAX)];
        self.source
            .read_exact(&mut data)
            .map_err(|e| format!("reading the extension record: {e}"))?;
        self.pending.start.get_or_insert(offset);
        match typeflag {
            b'x' => self.pending.apply_pax(&data),
            b'L' => {
                self.pending.long_name = Some(header::string_field(&data).to_vec());
                Ok(())
            }
            // Global PAX records and GNU long link targets change nothing tern uses (links
            // are refused anyway).
            _ => Ok(()),
        }
    }
}

/// A header block's entry, as both readers (the index here and [`super::stream`]) see it.
pub(crate) struct Decoded {
    pub(crate) entry: Entry,
    pub(crate) typeflag: u8,
    /// Data bytes after the header (a PAX `size` record overrides the header's field).
    pub(crate) size: u64,
}

/// A header error naming the member `block` stores.
pub(crate) fn header_error(block: &[u8; 512], offset: u64, reason: String) -> OvaError {
    OvaError::Header {
        member: Some(String::from_utf8_lossy(&header::full_name(block)).into_owned()),
        offset,
        reason,
    }
}

/// The checks of a block read where a header belongs: `false` for the end-of-archive (zero)
/// block, `true` for a header whose checksum holds, else the error.
pub(crate) fn check_block(block: &[u8; 512], offset: u64) -> Result<bool, OvaError> {
    if block.iter().all(|&b| b == 0) {
        return Ok(false);
    }
    header::verify_checksum(block).map_err(|reason| header_error(block, offset, reason))?;
    Ok(true)
}

/// The size and type of the header at `offset`, with what extension headers said before it.
pub(crate) fn decode(
    block: &[u8; 512],
    pending: &Pending,
    offset: u64,
) -> Result<Decoded, OvaError> {
    let stored_size = header::parse_number(&block[header::SIZE])
        .map_err(|e| header_error(block, offset, format!("size field: {e}")))?;
    let typeflag = block[header::TYPEFLAG];
    let entry = classify(typeflag).map_err(|reason| header_error(block, offset, reason))?;
    let size = match entry {
        Entry::Extension => stored_size,
        _ => pending.size.unwrap_or(stored_size),
    };
    Ok(Decoded {
        entry,
        typeflag,
        size,
    })
}

/// The refusal of a link, device or fifo entry.
pub(crate) fn refused(
    block: &[u8; 512],
    pending: &Pending,
    offset: u64,
    kind: UnsafeKind,
) -> OvaError {
    OvaError::UnsafeMember {
        member: String::from_utf8_lossy(&pending.name(block)).into_owned(),
        offset: pending.start.unwrap_or(offset),
        kind,
    }
}

/// The file or directory the header at `offset` describes (its data at `data_offset`): a
/// safe name, its mode and time; `None` for the archive's own `./` directory.
pub(crate) fn member(
    block: &[u8; 512],
    pending: &Pending,
    offset: u64,
    kind: MemberKind,
    size: u64,
    data_offset: u64,
) -> Result<Option<Member>, OvaError> {
    let raw_name = pending.name(block);
    let header_offset = pending.start.unwrap_or(offset);
    let unsafe_name = |kind| OvaError::UnsafeMember {
        member: String::from_utf8_lossy(&raw_name).into_owned(),
        offset: header_offset,
        kind,
    };
    let name = normalize(&raw_name).map_err(unsafe_name)?;
    if name.is_empty() {
        if kind == MemberKind::Directory {
            return Ok(None);
        }
        return Err(unsafe_name(UnsafeKind::UnportableName));
    }
    let mode = header::parse_number(&block[header::MODE])
        .map_err(|e| header_error(block, offset, format!("mode field: {e}")))?;
    let mtime = header::parse_number(&block[header::MTIME])
        .map_err(|e| header_error(block, offset, format!("mtime field: {e}")))?;
    Ok(Some(Member {
        name,
        kind,
        size,
        mtime,
        mode: u32::try_from(mode & 0o7777).unwrap_or(0o644),
        header_offset,
        data_offset,
        format: pending.format(block),
    }))
}

/// What each typeflag means for an OVA reader.
pub(crate) fn classify(typeflag: u8) -> Result<Entry, String> {
    Ok(match typeflag {
        b'x' | b'g' | b'L' | b'K' => Entry::Extension,
        b'0' | 0 | b'7' => Entry::Member(MemberKind::File),
        b'5' => Entry::Member(MemberKind::Directory),
        // A GNU volume label names the tape, not a file.
        b'V' => Entry::Skip,
        b'1' => Entry::Refused(UnsafeKind::Hardlink),
        b'2' => Entry::Refused(UnsafeKind::Symlink),
        b'3' | b'4' => Entry::Refused(UnsafeKind::Device),
        b'6' => Entry::Refused(UnsafeKind::Fifo),
        other => {
            return Err(format!(
                "unsupported entry type '{}'{}",
                char::from(other).escape_default(),
                match other {
                    b'S' => " (GNU sparse file)",
                    b'M' => " (GNU multi-volume continuation)",
                    _ => "",
                }
            ));
        }
    })
}

/// What extension headers said about the next member.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    pub(crate) start: Option<u64>,
    pax: bool,
    path: Option<Vec<u8>>,
    pub(crate) size: Option<u64>,
    pub(crate) long_name: Option<Vec<u8>>,
}

impl Pending {
    pub(crate) fn format(&self, block: &[u8; 512]) -> HeaderFormat {
        if self.pax {
            HeaderFormat::Pax
        } else if self.long_name.is_some() {
            HeaderFormat::Gnu
        } else {
            match header::dialect(block) {
                Dialect::Ustar => HeaderFormat::Ustar,
                Dialect::Gnu => HeaderFormat::Gnu,
                Dialect::V7 => HeaderFormat::V7,
            }
        }
    }

    pub(crate) fn name(&self, block: &[u8; 512]) -> Vec<u8> {
        self.path
            .clone()
            .or_else(|| self.long_name.clone())
            .unwrap_or_else(|| header::full_name(block))
    }

    /// PAX records: `LEN key=value\n`, LEN counting the whole record in decimal.
    pub(crate) fn apply_pax(&mut self, mut data: &[u8]) -> Result<(), String> {
        self.pax = true;
        let mut at = 0usize;
        while !data.is_empty() && data.iter().any(|&b| b != 0) {
            let bad = |why: &str| {
                format!("malformed PAX record at byte {at} of the extended header: {why}")
            };
            let space = data
                .iter()
                .position(|&b| b == b' ')
                .ok_or_else(|| bad("no length"))?;
            let len: usize = std::str::from_utf8(&data[..space])
                .ok()
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| bad("length is not a decimal number"))?;
            if len <= space + 1 || len > data.len() || data[len - 1] != b'\n' {
                return Err(bad("length does not end at a newline"));
            }
            let record = &data[space + 1..len - 1];
            let eq = record
                .iter()
                .position(|&b| b == b'=')
                .ok_or_else(|| bad("no '='"))?;
            let (key, value) = (&record[..eq], &record[eq + 1..]);
            match key {
                b"path" => self.path = Some(value.to_vec()),
                b"size" => {
                    self.size = Some(
                        std::str::from_utf8(value)
                            .ok()
                            .and_then(|t| t.parse().ok())
                            .ok_or_else(|| bad("size is not a decimal number"))?,
                    );
                }
                _ => {}
            }
            at += len;
            data = &data[len..];
        }
        Ok(())
    }
}

/// Checks a stored name and returns it without `./` and empty components.
pub(crate) fn normalize(raw: &[u8]) -> Result<String, UnsafeKind> {
    let text = std::str::from_utf8(raw).map_err(|_| UnsafeKind::UnportableName)?;
    if text.contains(['\0', '\\']) {
        return Err(UnsafeKind::UnportableName);
    }
    if text.starts_with('/') {
        return Err(UnsafeKind::AbsolutePath);
    }
    let mut parts = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(UnsafeKind::ParentComponent),
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}
