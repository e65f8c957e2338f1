//! Reading the descriptor a command works on: an `.ovf` file, or the descriptor member of an
//! `.ova` archive (read through tern-ova, bounded, without unpacking the disks).

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

/// True for `.ova` paths (any case).
pub(crate) fn is_ova(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ova"))
}
