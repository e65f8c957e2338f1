//! Reading the input a command works on: a text file or standard input (`-`), or the
//! descriptor of an OVF file or OVA archive (read through tern-ova, bounded, without
//! unpacking the disks). Every input is read through one bound (`--max-input-size`): a
//! regular file larger than it is refused before it is read, anything else (standard input,
//! a FIFO, a device) is read up to one byte past it. Whether a file is an archive is decided
//! by its content (a tar header), not by its name: `.xml`, `.OVF` or no extension read
//! alike.

use std::io::Read as _;
use std::path::Path;

use tern_diag::Finding;

use crate::app::GlobalArgs;
use crate::exit::CliError;

/// The largest input read when `--max-input-size` does not say (64 MiB, the OVF reader's
/// own limit; real descriptors, renderings and bodies are far below 1 MiB).
pub(crate) const DEFAULT_MAX_INPUT_SIZE: u64 = 64 << 20;

/// The rule of an input refused for its size.
pub(crate) const TOO_LARGE_RULE: &str = "input.too-large";

/// How many times the size limit an archive on standard input may hold (an OVA with small
/// disks; a large one belongs in a file, where it is read without loading it).
const STDIN_ARCHIVE_FACTOR: u64 = 4;

/// A `--max-input-size` value: bytes, or a number with a binary unit (`KiB`, `MiB`, `GiB`,
/// `TiB`, any case; `B` for bytes).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is no size: write bytes or e.g. 64MiB, 1GiB"))?;
    let unit = unit.trim();
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "kib" => 10,
        "mib" => 20,
        "gib" => 30,
        "tib" => 40,
        _ => {
            return Err(format!(
                "unknown unit `{unit}`: write bytes, KiB, MiB, GiB or TiB (binary units)"
            ));
        }
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// The OVF reader's limits under `--max-input-size`: the one bound every input is read
/// with reaches tern-ovf's reader too (a descriptor read here is not refused again there by
/// another limit), for every command that parses a descriptor.
pub(crate) fn ovf_options(global: &GlobalArgs) -> tern_ovf::ParseOptions {
    tern_ovf::ParseOptions {
        max_size: usize::try_from(global.max_input_size()).unwrap_or(usize::MAX),
        ..tern_ovf::ParseOptions::default()
    }
}

/// The name to report findings under and the descriptor's bytes: of an XML file (any
/// name), of the first member of a tar archive (an OVA, named `ARCHIVE/MEMBER`), or of
/// standard input (`<stdin>`, either of the two) when `path` is `-`. A descriptor larger
/// than `--max-input-size` is refused before it is read; an archive of more than
/// [`tern_ova::DEFAULT_MAX_MEMBERS`] members is refused (see [`descriptor_in`]).
pub(crate) fn descriptor(path: &Path, global: &GlobalArgs) -> Result<(String, Vec<u8>), CliError> {
    descriptor_in(path, global, None)
}

/// [`descriptor`] for a command with a `--max-members` flag (`Some`: its value), which an
/// archive's member count is bounded by and which the refusal names; without one (`None`)
/// the default bound applies and the refusal says which command reads larger archives.
pub(crate) fn descriptor_in(
    path: &Path,
    global: &GlobalArgs,
    max_members: Option<usize>,
) -> Result<(String, Vec<u8>), CliError> {
    let limits = Limits {
        size: global.max_input_size(),
        members: max_members,
    };
    if is_stdin(path) {
        let bytes = read_stdin_descriptor(limits.size)?;
        if !is_tar(&bytes) {
            return Ok((STDIN.to_owned(), bytes));
        }
        let ova = tern_ova::Ova::from_reader_with_limit(
            std::io::Cursor::new(bytes),
            STDIN,
            limits.max_members(),
        );
        return archive_descriptor(STDIN, ova, limits);
    }
    let name = path.display().to_string();
    if is_ova(path) {
        let ova = tern_ova::Ova::open_with_limit(path, limits.max_members());
        return archive_descriptor(&name, ova, limits);
    }
    let bytes = read_file(path, &name, limits.size)?;
    // A FIFO or a device is not sniffed before it is read (that would eat its first
    // bytes): an archive read from one is recognised in what was read.
    if is_tar(&bytes) {
        let ova = tern_ova::Ova::from_reader_with_limit(
            std::io::Cursor::new(bytes),
            &name,
            limits.max_members(),
        );
        return archive_descriptor(&name, ova, limits);
    }
    Ok((name, bytes))
}

/// The bounds an archive's descriptor is read within.
#[derive(Clone, Copy)]
struct Limits {
    /// `--max-input-size`: the descriptor member's size.
    size: u64,
    /// `--max-members` when the command has the flag.
    members: Option<usize>,
}

impl Limits {
    fn max_members(self) -> usize {
        self.members.unwrap_or(tern_ova::DEFAULT_MAX_MEMBERS)
    }
}

/// The descriptor of an opened archive, named `NAME/MEMBER`; a descriptor member larger
/// than the size limit is refused as any input is ([`TOO_LARGE_RULE`]), before it is read.
fn archive_descriptor<R: std::io::Read + std::io::Seek>(
    name: &str,
    ova: Result<tern_ova::Ova<R>, tern_ova::OvaError>,
    limits: Limits,
) -> Result<(String, Vec<u8>), CliError> {
    // A file that cannot be read is an I/O error (exit 2); a broken archive is invalid input.
    let failure = |e: tern_ova::OvaError| match e {
        tern_ova::OvaError::Io { .. } => CliError::usage(format!("{e}")),
        e @ tern_ova::OvaError::TooManyMembers { .. } => {
            let hint = match limits.members {
                Some(_) => "raise the limit with --max-members N".to_owned(),
                None => format!(
                    "this command reads archives of at most {} members; `tern ova unpack --max-members N` unpacks a larger one",
                    tern_ova::DEFAULT_MAX_MEMBERS
                ),
            };
            CliError::invalid(e.to_finding().in_file(name).with_hint(hint))
        }
        other => CliError::invalid(other.to_finding().in_file(name)),
    };
    let mut ova = ova.map_err(failure)?;
    let descriptor = ova.descriptor();
    let (member, size) = (descriptor.name.clone(), descriptor.size);
    let named = format!("{name}/{member}");
    if size > limits.size {
        return Err(too_large(&named, Some(size), limits.size));
    }
    let bytes = ova
        .read_member_to_vec(&member, limits.size)
        .map_err(failure)?;
    Ok((named, bytes))
}

/// True when `path` is `-`: standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The bytes of the file at `path` (named `name` in findings), refused beyond `limit`
/// bytes: a regular file by its size before anything is read, anything else (a FIFO, a
/// character device such as `/dev/zero`, a link to one) by reading at most one byte more
/// than the limit.
pub(crate) fn read_file(path: &Path, name: &str, limit: u64) -> Result<Vec<u8>, CliError> {
    let fail = |e: std::io::Error| CliError::usage(format!("cannot read {name}: {e}"));
    let file = std::fs::File::open(path).map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    if meta.is_file() && meta.len() > limit {
        return Err(too_large(name, Some(meta.len()), limit));
    }
    let capacity = if meta.is_file() { meta.len() } else { 0 };
    read_bounded(file, name, limit, capacity)
}

/// Standard input, refused beyond `limit` bytes.
fn read_stdin(limit: u64) -> Result<Vec<u8>, CliError> {
    read_bounded(std::io::stdin().lock(), STDIN, limit, 0)
}

/// A descriptor or an archive on standard input: `limit` bytes, or
/// [`STDIN_ARCHIVE_FACTOR`] times as many when it is a tar archive.
fn read_stdin_descriptor(limit: u64) -> Result<Vec<u8>, CliError> {
    let mut stdin = std::io::stdin().lock();
    let fail = |e: std::io::Error| CliError::usage(format!("cannot read standard input: {e}"));
    let mut bytes = read_at_most(&mut stdin, limit.saturating_add(1), 0).map_err(fail)?;
    if bytes.len() as u64 <= limit {
        return Ok(bytes);
    }
    if !is_tar(&bytes) {
        return Err(too_large(STDIN, None, limit));
    }
    let archive_limit = limit.saturating_mul(STDIN_ARCHIVE_FACTOR);
    let rest = archive_limit.saturating_add(1) - bytes.len() as u64;
    (&mut stdin)
        .take(rest)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() as u64 > archive_limit {
        return Err(CliError::usage_with_help(
            format!("standard input holds an archive of more than {archive_limit} bytes"),
            "give a large archive as a file: it is then read without loading it",
        ));
    }
    Ok(bytes)
}

// At most `limit` bytes of `reader` (a too-large input is an error finding), the buffer
// reserved for `capacity` bytes (a regular file's size) up front.
fn read_bounded<R: std::io::Read>(
    mut reader: R,
    name: &str,
    limit: u64,
    capacity: u64,
) -> Result<Vec<u8>, CliError> {
    let bytes = read_at_most(&mut reader, limit.saturating_add(1), capacity).map_err(|e| {
        let name = if name == STDIN {
            "standard input"
        } else {
            name
        };
        CliError::usage(format!("cannot read {name}: {e}"))
    })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(name, None, limit));
    }
    Ok(bytes)
}

// Up to `most` bytes of `reader`.
fn read_at_most<R: std::io::Read>(
    reader: &mut R,
    most: u64,
    capacity: u64,
) -> std::io::Result<Vec<u8>> {
    // One byte more than a regular file's size tells whether it grew past its size.
    let reserve = usize::try_from(capacity.saturating_add(1).min(most)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(reserve);
    reader.take(most).read_to_end(&mut bytes)?;
    Ok(bytes)
}

// The finding of an input larger than the limit (its size when known before reading).
fn too_large(name: &str, size: Option<u64>, limit: u64) -> CliError {
    let message = match size {
        Some(size) => format!("the input is {size} bytes, more than the limit of {limit} bytes"),
        None => format!("the input holds more than the limit of {limit} bytes"),
    };
    CliError::invalid(
        Finding::error(TOO_LARGE_RULE, message)
            .in_file(name)
            .with_hint("raise the limit with --max-input-size (e.g. --max-input-size 1GiB)"),
    )
}

/// The name findings carry and the bytes of `path`, or of standard input (`<stdin>`) for
/// `-`, undecoded (an OVF descriptor decodes itself: UTF-16 too); bounded as [`text`] is.
pub(crate) fn bytes(path: &Path, global: &GlobalArgs) -> Result<(String, Vec<u8>), CliError> {
    let limit = global.max_input_size();
    if is_stdin(path) {
        return Ok((STDIN.to_owned(), read_stdin(limit)?));
    }
    let name = path.display().to_string();
    let bytes = read_file(path, &name, limit)?;
    Ok((name, bytes))
}

/// A text input: the name findings carry, its text, and the notes about how it was read (a
/// byte order mark dropped).
#[derive(Debug)]
pub(crate) struct TextInput {
    /// The file name, or `<stdin>`.
    pub(crate) name: String,
    /// The text, without a byte order mark.
    pub(crate) text: String,
    /// Notes about the input, naming it.
    pub(crate) notes: Vec<Finding>,
}

/// The text of `path`; standard input (named `<stdin>`) when `path` is `-` or absent.
/// Refused beyond `--max-input-size` (before reading, for a regular file). An input that
/// cannot be read is an I/O error (exit 2); one that is not UTF-8 is invalid input (exit 1),
/// placed at its first bad byte ([`tern_diag::decode_utf8`], the decoder OCCI and CDMI
/// share).
pub(crate) fn text(path: Option<&Path>, global: &GlobalArgs) -> Result<TextInput, CliError> {
    let limit = global.max_input_size();
    let (name, bytes) = match path {
        Some(p) if !is_stdin(p) => {
            let name = p.display().to_string();
            let bytes = read_file(p, &name, limit)?;
            (name, bytes)
        }
        _ => (STDIN.to_owned(), read_stdin(limit)?),
    };
    match tern_diag::decode_utf8(bytes) {
        Ok(decoded) => Ok(TextInput {
            notes: decoded
                .notes
                .into_iter()
                .map(|n| n.in_file(&name))
                .collect(),
            text: decoded.text,
            name,
        }),
        Err(finding) => Err(CliError::invalid((*finding).in_file(&name))),
    }
}

/// With `--verbose`, a note naming the media type detected for `source` when none was
/// declared (`note[cli.media]: read as text/occi (detected from the content)`).
pub(crate) fn media_note(
    source: &tern_occi::Source<'_>,
    global: &crate::app::GlobalArgs,
) -> Option<tern_diag::Finding> {
    if source.declared.is_some() || global.verbosity() < crate::app::Verbosity::Verbose {
        return None;
    }
    let message = format!(
        "read as {} (detected from the content)",
        source.media().essence()
    );
    Some(tern_diag::Finding::note("cli.media", message).in_file(source.name))
}

/// The name findings about standard input carry.
pub(crate) const STDIN: &str = "<stdin>";

/// True for archives: `.ova` paths (any case), and regular files of any other name that
/// start with a tar header (an OVA is a tar archive, DSP0243 §5.3). A FIFO or a device is
/// not read here: its bytes could not be read again.
pub(crate) fn is_ova(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ova"))
    {
        return true;
    }
    // Not even opened unless regular: opening and closing a named FIFO ends its writer.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::with_capacity(TAR_BLOCK);
    std::fs::File::open(path)
        .and_then(|f| f.take(TAR_BLOCK as u64).read_to_end(&mut head))
        .is_ok_and(|_| is_tar(&head))
}

const TAR_BLOCK: usize = 512;

/// True when `bytes` start with a tar header: the POSIX/GNU magic, or (old V7 archives)
/// a name and a header checksum that adds up. XML never does: its first byte is `<`, a
/// byte order mark or white space, none of which passes the checksum with a `<` or
/// blank in the checksum field.
fn is_tar(bytes: &[u8]) -> bool {
    let Some(header) = bytes.get(..TAR_BLOCK) else {
        return false;
    };
    if &header[257..262] == b"ustar" {
        return true;
    }
    let field = &header[148..156];
    let digits: String = field
        .iter()
        .map(|b| *b as char)
        .take_while(|c| c.is_digit(8) || *c == ' ')
        .filter(|c| *c != ' ')
        .collect();
    let Ok(stored) = u32::from_str_radix(&digits, 8) else {
        return false;
    };
    let sum: u32 = header
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(*b)
            }
        })
        .sum();
    header[0] != 0 && header[0] != b'<' && stored == sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_bytes_or_binary_units() {
        assert_eq!(parse_size("500000"), Ok(500_000));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
        assert_eq!(parse_size("2kib"), Ok(2048));
        assert_eq!(parse_size("7B"), Ok(7));
        assert!(parse_size("64MB").unwrap_err().contains("`MB`"));
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("1.5GiB").is_err());
        assert!(
            parse_size("99999999999TiB")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn a_reader_is_read_up_to_one_byte_past_the_limit() {
        let endless = std::io::repeat(0);
        let Err(CliError::Invalid(findings)) = read_bounded(endless, "zero", 1000, 0) else {
            panic!("an endless reader is refused");
        };
        assert_eq!(findings.list()[0].rule, TOO_LARGE_RULE);
        let exact = read_bounded(&[1u8; 1000][..], "exact", 1000, 0);
        assert!(exact.is_ok_and(|b| b.len() == 1000));
    }
}
