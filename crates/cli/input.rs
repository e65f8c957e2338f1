//! Reading the input a command works on: a text file or standard input (`-`), or the
//! descriptor of an `.ovf` file or `.ova` archive (read through tern-ova, bounded, without
//! unpacking the disks).

use std::io::Read as _;
use std::path::Path;

use crate::exit::CliError;

/// The name to report findings under and the descriptor's bytes. Archives name their
/// descriptor `ARCHIVE/MEMBER`.
pub(crate) fn descriptor(path: &Path) -> Result<(String, Vec<u8>), CliError> {
    let name = path.display().to_string();
    if !is_ova(path) {
        let bytes =
            std::fs::read(path).map_err(|e| CliError::usage(format!("cannot read {name}: {e}")))?;
        return Ok((name, bytes));
    }
    // A file that cannot be read is an I/O error (exit 2); a broken archive is invalid input.
    let failure = |e: tern_ova::OvaError| match e {
        tern_ova::OvaError::Io { .. } => CliError::usage(format!("{e}")),
        other => CliError::invalid(other.to_finding().in_file(&name)),
    };
    let mut ova = tern_ova::Ova::open(path).map_err(failure)?;
    let member = ova.descriptor().name.clone();
    let bytes = ova
        .read_member_to_vec(&member, tern_ova::MAX_TEXT_MEMBER)
        .map_err(failure)?;
    Ok((format!("{name}/{member}"), bytes))
}

/// The name to report findings under and the text of `path`; standard input (named
/// `<stdin>`) when `path` is `-` or absent. Input that cannot be read, or is not UTF-8, is a
/// usage error.
pub(crate) fn text(path: Option<&Path>) -> Result<(String, String), CliError> {
    let (name, bytes) = match path {
        Some(p) if p.as_os_str() != "-" => {
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

/// True for `.ova` paths (any case).
pub(crate) fn is_ova(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ova"))
}
