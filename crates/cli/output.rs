//! Writing command output: to stdout, so that a broken pipe surfaces as an error the exit
//! logic can recognise instead of a panic from `println!`; and to files, so that no reader
//! ever sees half a file and nothing that is not a regular file gets replaced. The temporary
//! file of a write in progress is known to [`abandon_in_flight`], which the signal handler
//! calls before the process exits: an interrupted command leaves nothing behind.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tempfile::NamedTempFile;

use crate::exit::CliError;

/// How many symbolic links a path may go through before it is refused (as the kernel does).
const MAX_LINKS: usize = 40;

/// Writes `text` to stdout and flushes.
pub(crate) fn print(text: &str) -> io::Result<()> {
    print_bytes(text.as_bytes())
}

/// Writes a report for people (a listing, a summary, a table) to stdout: what the inputs put
/// into it (member names, titles, attribute values, file names) is escaped
/// ([`tern_diag::quote::escape_lines`]) so that it cannot drive the terminal; the report's
/// own lines stay. Documents (a rendering, a descriptor, a graph) go through [`print`].
pub(crate) fn print_text(text: &str) -> io::Result<()> {
    print(&tern_diag::quote::escape_lines(text))
}

/// Writes raw bytes to stdout and flushes.
pub(crate) fn print_bytes(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// Writes `value` as pretty JSON followed by a newline.
pub(crate) fn print_json(value: &serde_json::Value) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    print(&text)
}

/// Writes `bytes` to `path`:
/// * `-` is stdout;
/// * a symbolic link is followed, and its final target is written (the link stays);
/// * a regular file, or a path that does not exist yet, is replaced atomically: a temporary
///   file in the same directory, written, given the old file's permissions and owner,
///   synced, renamed over the target, and the directory synced; on failure the temporary
///   file is removed and the target is untouched;
/// * anything else (a character device such as `/dev/null`, a FIFO) is written straight
///   through, never replaced.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if path.as_os_str() == "-" {
        return print_bytes(bytes).map_err(CliError::Io);
    }
    let fail = |e: io::Error| CliError::usage(format!("cannot write {}: {e}", path.display()));
    let target = resolve_links(path).map_err(fail)?;
    match fs::metadata(&target) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(fail)?;
            file.write_all(bytes)
                .and_then(|()| file.flush())
                .map_err(fail)
        }
        Ok(meta) => replace(&target, bytes, Some(&meta)).map_err(fail),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            replace(&target, bytes, None).map_err(fail)
        }
        Err(e) => Err(fail(e)),
    }
}

// The path a chain of symbolic links ends at (which may not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links"
    )))
}

fn replace(target: &Path, bytes: &[u8], old: Option<&fs::Metadata>) -> io::Result<()> {
    if old.is_some_and(fs::Metadata::is_dir) {
        return Err(io::Error::other("it is a directory"));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Dropped (and so removed) on every early return below.
    let mut temp = InFlight::create_in(dir)?;
    temp.file()?.write_all(bytes)?;
    if let Some(old) = old {
        keep_mode_and_owner(temp.file()?.as_file(), old)?;
    }
    temp.file()?.as_file().sync_all()?;
    temp.persist(target)?;
    // The rename is durable once the directory is.
    fs::File::open(dir).and_then(|d| d.sync_all())
}

/// Removes the temporary file of every write in progress, for the signal handler that then
/// ends the process. Writing files blocks from then on, so that no new temporary file
/// appears before the exit: call it only on the way out.
pub(crate) fn abandon_in_flight() {
    let mut in_flight = in_flight();
    for path in in_flight.drain(..) {
        let _ = fs::remove_file(path);
    }
    // Held until the process ends.
    std::mem::forget(in_flight);
}

/// The temporary files of writes in progress.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A temporary file known to [`abandon_in_flight`] from its creation until it is renamed
/// into place or removed (on drop).
struct InFlight(Option<NamedTempFile>);

impl InFlight {
    fn create_in(dir: &Path) -> io::Result<Self> {
        // Under the lock: a signal either finds the file listed or finds no file.
        let mut in_flight = in_flight();
        let file = tempfile::Builder::new()
            .prefix(".tern-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        in_flight.push(file.path().to_path_buf());
        Ok(InFlight(Some(file)))
    }

    fn file(&mut self) -> io::Result<&mut NamedTempFile> {
        // Present until `persist` consumes the value.
        self.0
            .as_mut()
            .ok_or_else(|| io::Error::other("the temporary file is gone"))
    }

    fn persist(mut self, target: &Path) -> io::Result<()> {
        let mut in_flight = in_flight();
        let Some(file) = self.0.take() else {
            return Ok(());
        };
        let path = file.path().to_path_buf();
        // On failure the file comes back inside the error and is removed with it.
        let result = file.persist(target).map(drop).map_err(|e| e.error);
        in_flight.retain(|p| p != &path);
        result
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(file) = self.0.take() {
            let mut in_flight = in_flight();
            let path = file.path().to_path_buf();
            drop(file);
            in_flight.retain(|p| p != &path);
        }
    }
}

#[cfg(unix)]
fn keep_mode_and_owner(file: &fs::File, old: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    file.set_permissions(old.permissions())?;
    // Only root may give a file away; anyone else keeps their own ownership, as `cp` does.
    match std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(()),
        other => other,
    }
}

#[cfg(not(unix))]
fn keep_mode_and_owner(file: &fs::File, old: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(old.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_file_is_listed_while_it_is_written_and_only_then() {
        let dir = tempfile::tempdir().unwrap();
        let listed = |path: &Path| in_flight().iter().any(|p| p == path);
        let mut temp = InFlight::create_in(dir.path()).unwrap();
        let path = temp.file().unwrap().path().to_path_buf();
        assert!(listed(&path) && path.exists());
        temp.persist(&dir.path().join("out")).unwrap();
        assert!(!listed(&path) && !path.exists());
        assert!(dir.path().join("out").exists());

        let mut dropped = InFlight::create_in(dir.path()).unwrap();
        let path = dropped.file().unwrap().path().to_path_buf();
        drop(dropped);
        assert!(!listed(&path) && !path.exists());
    }
}
