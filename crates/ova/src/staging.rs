//! Output files are written under a temporary name in their target directory and renamed into
//! place only when complete: an interrupted or failed run never leaves a half-written file.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

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

impl Staged {
    /// Creates a fresh temporary file beside `target`.
    pub(crate) fn create(target: &Path) -> Result<Self, OvaError> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let base = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let temp = dir.join(format!(".{base}.{}-{n}.part", std::process::id()));
            match OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&temp)
            {
                Ok(file) => {
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
    pub(crate) fn commit(mut self) -> Result<(), OvaError> {
        self.file
            .sync_all()
            .map_err(|e| OvaError::io(&self.temp, e))?;
        fs::rename(&self.temp, &self.target).map_err(|e| OvaError::io(&self.target, e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}
