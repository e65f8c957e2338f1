//! Output files are written under a temporary name in their target directory and renamed into
//! place only when complete: an interrupted or failed run never leaves a half-written file.
//!
//! The temporary name is `.<target name>.<pid>-<n>.part`. It is removed when the write fails
//! or is abandoned (on drop), by [`abandon_in_flight`] (which a program calls from its signal
//! handler before it exits), and, for a process killed outright (`kill -9`), by the next run
//! that writes the same target: a `.part` of the same target whose process is gone is stale.

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
        let _ = fs::remove_file(path);
    }
    // Held until the process ends: a commit or a new staged file waits for the exit.
    std::mem::forget(in_flight);
}

impl Staged {
    /// Creates a fresh temporary file beside `target`, removing stale ones of the same target
    /// left by processes that no longer run.
    pub(crate) fn create(target: &Path) -> Result<Self, OvaError> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
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

fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner)
}

// Renames `temp` to `target` unless `target` exists: a hard link fails atomically when it
// does; where links are not supported, a check just before the rename.
fn rename_new(temp: &Path, target: &Path) -> io::Result<()> {
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

    fn tempfile_dir() -> PathBuf {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tern-staging-{}-{n}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }
}
