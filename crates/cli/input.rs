//! Reading the input a command works on: a text file or standard input (`-`), or the
//! descriptor of an OVF file or OVA archive (read through tern-ova, bounded, without
//! unpacking the disks). Whether a file is an archive is decided by its content (a tar
//! header), not by its name: `.xml`, `.OVF` or no extension read alike.

use std::io::Read as _;
use std::path::Path;

use crate::exit::CliError;

/// The name to report findings under and the descriptor's bytes: of an XML file (any
/// name), of the first member of a tar archive (an OVA, named `ARCHIVE/MEMBER`), or of
/// standard input (`<stdin>`, either of the two) when `path` is `-`.
pub(crate) fn descriptor(path: &Path) -> Result<(String, Vec<u8>), CliError> {
    if is_stdin(path) {
        let bytes = read_stdin(tern_ova::MAX_TEXT_MEMBER.saturating_mul(4))?;
        if !is_tar(&bytes) {
            return Ok((STDIN.to_owned(), bytes));
        }
        let ova = tern_ova::Ova::from_reader(std::io::Cursor::new(bytes), STDIN);
        return archive_descriptor(STDIN, ova);
    }
    let name = path.display().to_string();
    if !is_ova(path) {
        let bytes =
            std::fs::read(path).map_err(|e| CliError::usage(format!("cannot read {name}: {e}")))?;
        return Ok((name, bytes));
    }
    archive_descriptor(&name, tern_ova::Ova::open(path))
}

/// The descriptor of an opened archive, named `NAME/MEMBER`.
fn archive_descriptor<R: std::io::Read + std::io::Seek>(
    name: &str,
    ova: Result<tern_ova::Ova<R>, tern_ova::OvaError>,
) -> Result<(String, Vec<u8>), CliError> {
    // A file that cannot be read is an I/O error (exit 2); a broken archive is invalid input.
    let failure = |e: tern_ova::OvaError| match e {
        tern_ova::OvaError::Io { .. } => CliError::usage(format!("{e}")),
        other => CliError::invalid(other.to_finding().in_file(name)),
    };
    let mut ova = ova.map_err(failure)?;
    let member = ova.descriptor().name.clone();
    let bytes = ova
        .read_member_to_vec(&member, tern_ova::MAX_TEXT_MEMBER)
        .map_err(failure)?;
    Ok((format!("{name}/{member}"), bytes))
}

/// True when `path` is `-`: standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Standard input, refused beyond `limit` bytes (an archive with its disks belongs in a
/// file, where it is read without loading it).
fn read_stdin(limit: u64) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(CliError::usage_with_help(
            format!("standard input holds more than {limit} bytes"),
            "give a large archive as a file: it is then read without loading it",
        ));
    }
    Ok(bytes)
}

/// The name to report findings under and the text of `path`; standard input (named
/// `<stdin>`) when `path` is `-` or absent. Input that cannot be read, or is not UTF-8, is a
/// usage error.
pub(crate) fn text(path: Option<&Path>) -> Result<(String, String), CliError> {
    let (name, bytes) = match path {
        Some(p) if !is_stdin(p) => {
            let name = p.display().to_string();
            let bytes = std::fs::read(p)
                .map_err(|e| CliError::usage(format!("cannot read {name}: {e}")))?;
            (name, bytes)
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
            (STDIN.to_owned(), bytes)
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((name, text)),
        Err(e) => Err(CliError::usage(format!(
            "cannot read {name}: not UTF-8 text ({})",
            e.utf8_error()
        ))),
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

/// True for archives: `.ova` paths (any case), and files of any other name that start
/// with a tar header (an OVA is a tar archive, DSP0243 §5.3).
pub(crate) fn is_ova(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ova"))
    {
        return true;
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
