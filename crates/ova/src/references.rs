//! A minimal scan of the descriptor's `References/File` elements: what an OVA reader needs to
//! find chunked and gzip-compressed files, and what a packer needs to know which files to ship.
//!
//! Elements are matched by local name (`References`, `File`) and attributes by local name
//! (`href`, `id`, `size`, `compression`, `chunkSize`), so every OVF dialect (0.9, 1.x, 2.x,
//! oVirt's unqualified attributes) is read alike. This is deliberately not an OVF parser: the
//! typed, validating view of the descriptor belongs to tern-ovf, which can replace this module.
//! A DOCTYPE is refused (no DTD processing, hence no entity expansion) and nesting is bounded.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};

use crate::error::OvaError;

/// One `File` element of `References`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReference {
    /// `ovf:id`, when present.
    pub id: Option<String>,
    /// `ovf:href`: relative to the descriptor, or a URL.
    pub href: String,
    /// `ovf:size`: size of the file as stored (compressed, all chunks together); `None` when
    /// absent or not a non-negative integer.
    pub size: Option<u64>,
    /// `ovf:compression`.
    pub compression: Compression,
    /// `ovf:chunkSize`: the file is stored as `href.000000000`, `href.000000001`, … (`None`
    /// when absent or not a non-negative integer).
    pub chunk_size: Option<u64>,
}

/// `ovf:compression` of a File.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// Absent, empty or `identity`.
    Identity,
    /// `gzip`: the stored bytes are a gzip stream.
    Gzip,
    /// Any other value (not defined by OVF; such files are read as stored).
    Other(String),
}

impl FileReference {
    /// Whether the href names a file beside the descriptor rather than a URL.
    pub fn is_local(&self) -> bool {
        !self.href.contains("://")
    }

    /// The stored name of chunk `index`: `href` plus a nine-digit suffix (DSP0243).
    pub fn chunk_name(&self, index: u32) -> String {
        format!("{}.{index:09}", self.href)
    }
}

/// Deepest element nesting accepted; OVF descriptors stay well below 20.
const MAX_DEPTH: usize = 256;

/// Collects the `File` elements of the descriptor's `References`, in document order.
/// `name` is used in error messages.
pub fn scan_references(descriptor: &[u8], name: &str) -> Result<Vec<FileReference>, OvaError> {
    let mut reader = NsReader::from_reader(descriptor);
    let mut files = Vec::new();
    let mut depth = 0usize;
    let mut references_depth: Option<usize> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            position_error(descriptor, name, reader.error_position(), &e.to_string())
        })?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if references_depth.is_some_and(|d| d > depth) {
                    references_depth = None;
                }
                continue;
            }
            Event::DocType(_) => {
                return Err(position_error(
                    descriptor,
                    name,
                    reader.buffer_position(),
                    "a DOCTYPE is not allowed in an OVF descriptor (no DTD processing)",
                ));
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(element) = start else { continue };
        let local = element.local_name();
        if references_depth == Some(depth) && local.as_ref() == b"File" {
            files.push(file_reference(element, &reader, descriptor, name)?);
        }
        if !empty {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(position_error(
                    descriptor,
                    name,
                    reader.buffer_position(),
                    &format!("elements nested deeper than {MAX_DEPTH}"),
                ));
            }
            if local.as_ref() == b"References" && references_depth.is_none() {
                references_depth = Some(depth);
            }
        }
    }
    Ok(files)
}

fn file_reference(
    element: &BytesStart<'_>,
    reader: &NsReader<&[u8]>,
    descriptor: &[u8],
    name: &str,
) -> Result<FileReference, OvaError> {
    let here = |reason: String| position_error(descriptor, name, reader.buffer_position(), &reason);
    let mut file = FileReference {
        id: None,
        href: String::new(),
        size: None,
        compression: Compression::Identity,
        chunk_size: None,
    };
    let mut has_href = false;
    for attr in element.attributes() {
        let attr = attr.map_err(|e| here(e.to_string()))?;
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map_err(|e| here(e.to_string()))?
            .into_owned();
        // Malformed numbers (oVirt templates carry `#SIZE#`) are for tern-ovf's validator to
        // report; here they only mean "unknown".
        let number = || value.trim().parse::<u64>().ok();
        match attr.key.local_name().as_ref() {
            b"href" => {
                file.href.clone_from(&value);
                has_href = true;
            }
            b"id" => file.id = Some(value.clone()),
            b"size" => file.size = number(),
            b"chunkSize" => file.chunk_size = number(),
            b"compression" => {
                file.compression = match value.as_str() {
                    "" | "identity" => Compression::Identity,
                    "gzip" => Compression::Gzip,
                    other => Compression::Other(other.to_owned()),
                };
            }
            _ => {}
        }
    }
    if !has_href || file.href.is_empty() {
        return Err(here("File without an href".into()));
    }
    Ok(file)
}

/// An error at byte `offset` of the descriptor, located by line and column.
fn position_error(descriptor: &[u8], name: &str, offset: u64, reason: &str) -> OvaError {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(descriptor.len());
    let before = &descriptor[..offset];
    let line = before.split(|&b| b == b'\n').count();
    let column = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    OvaError::Descriptor {
        member: name.to_owned(),
        line,
        column,
        reason: reason.to_owned(),
    }
}
