//! Output files are written under a temporary name in their target directory and renamed into
//! place only when complete: an interrupted or failed run never leaves a half-written file.
//!
//! The temporary name is `.<target name>.<pid>-<n>.part`. It is removed when the write fails
//! or is abandoned (on drop), by [`abandon_in_flight`] (which a program calls from its signal
//! handler before it exits), and, for a process killed outright (`kill -9`), by the next run
//! that writes the same target: a `.part` of the same target whose process is gone is stale.
//!
//! An unpacked package is written the same way into a staging directory,
//! `.tern-unpack.<pid>-<random>` ([`StagedDir`]), created with an unpredictable name beside
//! the target directory (or inside it when it already exists), removed with everything in it
//! on failure, on drop, by [`abandon_in_flight`], and by the next unpack in the same place
//! once its process is gone.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::OvaError;

/// A file being written; removed on drop unless [`Staged::commit`] ran.
#[derive(Debug)]
pub(crate) struct Staged {
    file: File,
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The temporary files of this process not yet renamed or removed.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary file this process is writing (an OVA being packed, members being
/// unpacked), for a signal handler that then ends the process. Staging in this process
/// blocks from then on, so that no new temporary file appears before the exit: call it only
/// on the way out.
pub fn abandon_in_flight() {
    let mut in_flight = in_flight();
    for path in in_flight.drain(..) {
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            let _ = fs::remove_dir_all(path);
        } else {
            let _ = fs::remove_file(path);
        }
    }
    // Held until the process ends: a commit or a new staged file waits for the exit.
    std::mem::forget(in_flight);
}

impl Staged {
    /// Creates a fresh temporary file beside `target`, removing stale ones of the same target
    /// left by processes that no longer run.
    pub(crate) fn create(target: &Path) -> Result<Self, OvaError> {
        let dir = parent_of(target);
        let base = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        remove_stale(dir, &base);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let temp = dir.join(format!(".{base}.{}-{n}.part", std::process::id()));
            let mut in_flight = in_flight();
            match OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&temp)
            {
                Ok(file) => {
                    in_flight.push(temp.clone());
                    return Ok(Staged {
                        file,
                        temp,
                        target: target.to_path_buf(),
                        committed: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(OvaError::io(temp, e)),
            }
        }
    }

    pub(crate) fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Flushes to disk and renames over the target (replacing a file or link there, never
    /// writing through it).
    pub(crate) fn commit(self) -> Result<(), OvaError> {
        self.finish(true)
    }

    /// Like [`Staged::commit`], but refuses (`AlreadyExists`) when the target exists, even if
    /// it appeared while the file was being written.
    pub(crate) fn commit_new(self) -> Result<(), OvaError> {
        self.finish(false)
    }

    fn finish(mut self, replace: bool) -> Result<(), OvaError> {
        self.file
            .sync_all()
            .map_err(|e| OvaError::io(&self.temp, e))?;
        // Under the lock, so that a signal handler sees the file either staged or in place.
        let mut in_flight = in_flight();
        let moved = if replace {
            fs::rename(&self.temp, &self.target)
        } else {
            rename_new(&self.temp, &self.target)
        };
        moved.map_err(|e| OvaError::io(&self.target, e))?;
        in_flight.retain(|p| p != &self.temp);
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let mut in_flight = in_flight();
            let _ = fs::remove_file(&self.temp);
            in_flight.retain(|p| p != &self.temp);
        }
    }
}

/// A private directory being filled (an OVA being unpacked); removed with its content on
/// drop unless [`StagedDir::publish`] moved it into place.
#[derive(Debug)]
pub(crate) struct StagedDir {
    path: PathBuf,
    published: bool,
}

/// Name prefix of staging directories (the stale ones are recognised by it).
const STAGING_PREFIX: &str = ".tern-unpack.";

impl StagedDir {
    /// Creates a fresh directory with an unpredictable name in `parent` (which must exist),
    /// removing stale ones left there by processes that no longer run.
    pub(crate) fn create(parent: &Path) -> Result<Self, OvaError> {
        remove_stale_dirs(parent);
        let mut in_flight = in_flight();
        let dir = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
            .tempdir_in(parent)
            .map_err(|e| OvaError::io(parent, e))?;
        let path = dir.keep();
        in_flight.push(path.clone());
        Ok(StagedDir {
            path,
            published: false,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the directory to `target`, which must not exist or be an empty directory:
    /// atomic, so of two processes publishing to the same `target` one wins and the other
    /// gets `AlreadyExists` (a non-empty directory is never replaced). The parent's entry is
    /// then flushed to disk.
    pub(crate) fn publish(mut self, target: &Path) -> Result<(), OvaError> {
        let mut in_flight = in_flight();
        if let Err(e) = fs::rename(&self.path, target) {
            let exists = fs::symlink_metadata(target).is_ok();
            return Err(OvaError::io(
                target,
                if exists {
                    io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "already exists (another process filled it first; nothing was written)",
                    )
                } else {
                    e
                },
            ));
        }
        in_flight.retain(|p| p != &self.path);
        self.published = true;
        drop(in_flight);
        sync_dir(parent_of(target)).map_err(|e| OvaError::io(target, e))
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.published {
            let mut in_flight = in_flight();
            let _ = fs::remove_dir_all(&self.path);
            in_flight.retain(|p| p != &self.path);
        }
    }
}

/// Flushes a directory's entries (names created or renamed in it) to disk. Directories cannot
/// be opened for that outside Unix; there the rename's own guarantees are all there is.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

/// The directory `path` is in (`.` for a bare name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Renames `temp` to `target` unless `target` exists: a hard link fails atomically when it
/// does; where links are not supported, a check just before the rename.
pub(crate) fn rename_new(temp: &Path, target: &Path) -> io::Result<()> {
    match fs::hard_link(temp, target) {
        Ok(()) => fs::remove_file(temp),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if fs::symlink_metadata(target).is_ok() => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "already exists",
        )),
        Err(_) => fs::rename(temp, target),
    }
}

// Removes `.<base>.<pid>-<n>.part` files in `dir` whose process is gone. Where processes
// cannot be looked up (no /proc), nothing is removed: a live writer's file is never touched.
fn remove_stale(dir: &Path, base: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{base}.");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".part"))
            .and_then(|rest| rest.split_once('-'))
            .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && process_is_gone(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

// Removes `.tern-unpack.<pid>-<random>` directories in `dir` whose process is gone.
fn remove_stale_dirs(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && process_is_gone(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

// True only when the process table says so (Linux and others with a /proc of processes).
fn process_is_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_parts_of_the_same_target_are_removed_live_and_other_ones_kept() {
        let dir = tempfile_dir();
        // A pid no process has (above the kernel's pid_max of 2^22).
        let dead = dir.join(".vm.ova.4194999-0.part");
        let mine = dir.join(format!(".vm.ova.{}-7.part", std::process::id()));
        let other_target = dir.join(".disk.vmdk.4194999-0.part");
        let unrelated = dir.join(".vm.ova.notes");
        for p in [&dead, &mine, &other_target, &unrelated] {
            fs::write(p, b"x").unwrap();
        }
        remove_stale(&dir, "vm.ova");
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "a dead process's part is removed");
        }
        assert!(mine.exists(), "this process's own part is kept");
        assert!(other_target.exists() && unrelated.exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_new_commit_never_replaces_a_file() {
        let dir = tempfile_dir();
        let target = dir.join("vm.ova");
        fs::write(&target, b"old").unwrap();
        let staged = Staged::create(&target).unwrap();
        let temp = staged.temp.clone();
        let e = staged.commit_new().unwrap_err();
        assert!(
            matches!(&e, OvaError::Io { source, .. } if source.kind() == io::ErrorKind::AlreadyExists),
            "{e}"
        );
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert!(!temp.exists(), "the temporary file is gone");
        assert!(in_flight().iter().all(|p| p != &temp));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn staging_directories_are_private_and_stale_ones_removed() {
        let dir = tempfile_dir();
        let dead = dir.join(format!("{STAGING_PREFIX}4194999-abcdef"));
        let mine = dir.join(format!("{STAGING_PREFIX}{}-ghijkl", std::process::id()));
        let unrelated = dir.join(".tern-unpacked");
        for p in [&dead, &mine, &unrelated] {
            fs::create_dir_all(p.join("sub")).unwrap();
        }
        let staged = StagedDir::create(&dir).unwrap();
        let path = staged.path().to_path_buf();
        assert!(path.is_dir() && path.parent() == Some(dir.as_path()));
        if Path::new("/proc/self").exists() {
            assert!(
                !dead.exists(),
                "a dead process's staging directory is removed"
            );
        }
        assert!(mine.exists() && unrelated.exists());
        assert!(in_flight().contains(&path));
        fs::write(path.join("vm.ovf"), b"x").unwrap();
        drop(staged);
        assert!(!path.exists(), "removed with its content when abandoned");
        assert!(!in_flight().contains(&path));

        // Published: renamed to a new name, and to an empty directory; never over content.
        let staged = StagedDir::create(&dir).unwrap();
        fs::write(staged.path().join("vm.ovf"), b"x").unwrap();
        staged.publish(&dir.join("out")).unwrap();
        assert!(dir.join("out/vm.ovf").is_file());
        let staged = StagedDir::create(&dir).unwrap();
        let e = staged.publish(&dir.join("out")).unwrap_err();
        assert!(
            matches!(&e, OvaError::Io { source, .. } if source.kind() == io::ErrorKind::AlreadyExists),
            "{e}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tern-staging-{}-{n}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }
}
