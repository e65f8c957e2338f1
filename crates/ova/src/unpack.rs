//! Extracting an OVA into a directory, verifying digests on the way.
//!
//! Member names were already checked when the archive was opened (no absolute paths, no `..`,
//! no links or devices). Every member is written into a fresh staging directory with an
//! unpredictable name ([`StagedDir`]); a member whose digest does not match the manifest is
//! removed from it. Durability is batched: each file's data is flushed once, after all are
//! written (on several threads, so that the file system commits them together), then each
//! directory once; a member of 32 MiB or more is digested on a second thread while it is
//! copied and flushed along the way (`pipeline.rs`). The package is then published atomically:
//!
//! - when the target directory does not exist (or is empty), the staging directory is renamed
//!   to it: a directory rename never replaces a non-empty directory, so of two concurrent
//!   unpacks into one new directory exactly one succeeds and the other writes nothing;
//! - when the target exists and has content, the staging directory is made inside it and each
//!   file is moved into place with a no-replace rename (a hard link, which fails atomically
//!   when the name exists), in archive order; at the first name taken, the files this run
//!   already moved are removed again. With `--force` (`overwrite`) files are renamed over
//!   what is there, and concurrent forced unpacks are not isolated from one another.
//!
//! Directories on the way are created one component at a time and an existing symbolic link
//! is never followed.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::archive::Ova;
use crate::digest::MultiHasher;
use crate::error::OvaError;
use crate::member::MemberKind;
use crate::pipeline::{WRITEBACK_EVERY, digest_alongside, with_writeback};
use crate::progress::{BUFFER, Progress};
use crate::staging::{StagedDir, parent_of, rename_new, sync_dir};
use crate::store::Archive;
use crate::verify::{Checker, Verification};

/// Choices for [`Ova::unpack`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnpackOptions {
    /// Replace files that already exist in the directory (refused by default, before anything
    /// is written, and atomically again when the files are moved into place).
    pub overwrite: bool,
}

/// What [`Ova::unpack`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unpacked {
    /// Files written, in archive order.
    pub written: Vec<PathBuf>,
    /// Members not written because their digest did not match the manifest.
    pub rejected: Vec<String>,
    /// The same checks as [`Ova::verify`].
    pub verification: Verification,
}

impl<R: Read + Seek> Ova<R> {
    /// Extracts every member into `dir` (created if missing), as stored: chunks and gzip files
    /// stay as they are, so the result is the OVF package the descriptor describes. Nothing is
    /// visible in `dir` until every member is written and checked (see the module notes).
    pub fn unpack(
        &mut self,
        dir: &Path,
        options: &UnpackOptions,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Unpacked, OvaError> {
        let mut checker = Checker::load(&mut Archive(self))?;
        let members: Vec<(String, MemberKind, u64)> = self
            .members()
            .iter()
            .map(|m| (m.name.clone(), m.kind, m.size))
            .collect();
        let existing = publish_into(dir)?;
        if existing && !options.overwrite {
            for (name, kind, _) in &members {
                let target = dir.join(name);
                if *kind == MemberKind::File && fs::symlink_metadata(&target).is_ok() {
                    return Err(already_exists(target));
                }
            }
        }
        let staging = if existing {
            StagedDir::create(dir)?
        } else {
            let parent = parent_of(dir);
            fs::create_dir_all(parent).map_err(|e| OvaError::io(parent, e))?;
            StagedDir::create(parent)?
        };
        let root = staging.path().to_path_buf();

        let total = members.iter().map(|(_, _, s)| s).sum();
        let mut done = 0u64;
        let mut buffer = vec![0u8; BUFFER];
        let mut unpacked = Unpacked::default();
        // Files kept, and every directory made in the staging directory (to flush).
        let mut kept: Vec<String> = Vec::new();
        let mut dirs: HashSet<String> = HashSet::new();
        for (name, kind, _) in &members {
            if *kind == MemberKind::Directory {
                make_dirs(&root, name, &mut dirs)?;
                continue;
            }
            if let Some((parent, _)) = name.rsplit_once('/') {
                make_dirs(&root, parent, &mut dirs)?;
            }
            let staged = root.join(name);
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&staged)
                .map_err(|e| OvaError::io(&staged, e))?;
            let algorithms = checker.algorithms_for(name);
            let check = !algorithms.is_empty();
            let (offset, size) = self
                .member(name)
                .map_or((0, 0), |m| (m.data_offset, m.size));
            let archive = self.path().to_path_buf();
            let mut reader = self.read_member(name)?;
            let mut advanced = |n: u64| {
                done += n;
                progress(Progress {
                    member: name,
                    done,
                    total,
                });
            };
            let hasher = copy_member(
                &mut reader,
                &mut file,
                MultiHasher::new(algorithms),
                size,
                &mut buffer,
                &mut advanced,
            )
            .map_err(|e| match e {
                CopyError::Read(e) => OvaError::Member {
                    member: name.clone(),
                    offset,
                    reason: format!("reading {}: {e}", archive.display()),
                },
                CopyError::Write(e) => OvaError::io(dir.join(name), e),
            })?;
            drop(file);
            if check && !checker.check_member(name, &hasher.finish()) {
                // Corrupt data never lands under its name.
                fs::remove_file(&staged).map_err(|e| OvaError::io(&staged, e))?;
                unpacked.rejected.push(name.clone());
                continue;
            }
            kept.push(name.clone());
        }
        // One flush per file, once all are written, then one per directory: the package is on
        // disk before its name appears.
        sync_files(&root, &kept)?;
        for sub in &dirs {
            sync_dir(&root.join(sub)).map_err(|e| OvaError::io(root.join(sub), e))?;
        }
        sync_dir(&root).map_err(|e| OvaError::io(&root, e))?;

        if existing {
            publish_files(&root, dir, &kept, options.overwrite)?;
            drop(staging);
        } else {
            staging.publish(dir)?;
        }
        unpacked.written = kept.iter().map(|name| dir.join(name)).collect();
        unpacked.verification = checker.finish(&mut Archive(self));
        Ok(unpacked)
    }
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// Copies a member of `size` bytes from `reader` to `file`, digesting it. A small member is
/// copied through `buffer` on this thread; a large one is digested on a second thread while
/// it is copied and flushed to disk along the way by a third (`pipeline.rs`).
fn copy_member(
    reader: &mut dyn Read,
    file: &mut File,
    mut hasher: MultiHasher,
    size: u64,
    buffer: &mut [u8],
    advanced: &mut dyn FnMut(u64),
) -> Result<MultiHasher, CopyError> {
    if size < WRITEBACK_EVERY {
        loop {
            let n = reader.read(buffer).map_err(CopyError::Read)?;
            if n == 0 {
                return Ok(hasher);
            }
            hasher.update(&buffer[..n]);
            file.write_all(&buffer[..n]).map_err(CopyError::Write)?;
            advanced(n as u64);
        }
    }
    let handle = file.try_clone().map_err(CopyError::Write)?;
    with_writeback(handle, |writeback| {
        digest_alongside(hasher, |feed| {
            loop {
                let mut chunk = feed.buffer();
                let n = reader.read(&mut chunk).map_err(CopyError::Read)?;
                if n == 0 {
                    return Ok(());
                }
                file.write_all(&chunk[..n]).map_err(CopyError::Write)?;
                feed.digest(chunk, n);
                writeback.wrote(n as u64, file).map_err(CopyError::Write)?;
                advanced(n as u64);
            }
        })
        .map(|((), hasher)| hasher)
    })
}

/// Threads flushing files at once: a journaling file system commits concurrent flushes
/// together, where flushes one after the other cost one commit each (milliseconds apiece).
const SYNC_THREADS: usize = 16;

/// Flushes the data of `root/name` for every name, on [`SYNC_THREADS`] threads.
fn sync_files(root: &Path, names: &[String]) -> Result<(), OvaError> {
    let share = names.len().div_ceil(SYNC_THREADS).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = names
            .chunks(share)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().try_for_each(|name| {
                        let path = root.join(name);
                        // Opened for writing: flushing needs it on some systems.
                        OpenOptions::new()
                            .write(true)
                            .open(&path)
                            .and_then(|f| f.sync_all())
                            .map_err(|e| OvaError::io(&path, e))
                    })
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join().unwrap_or_else(|_| {
                Err(OvaError::io(
                    root,
                    io::Error::other("a thread flushing files to disk failed"),
                ))
            })
        })
    })
}

/// Moves the files `names` from `root` into the existing directory `dir`: without
/// `overwrite`, no file is replaced and, should a name be taken meanwhile, those already
/// moved are removed again (nothing of this run is left in `dir`).
fn publish_files(
    root: &Path,
    dir: &Path,
    names: &[String],
    overwrite: bool,
) -> Result<(), OvaError> {
    let mut moved: Vec<PathBuf> = Vec::new();
    let mut touched: HashSet<PathBuf> = HashSet::from([dir.to_path_buf()]);
    for name in names {
        let target = dir.join(name);
        if let Some((parent, _)) = name.rsplit_once('/') {
            make_dirs(dir, parent, &mut HashSet::new())?;
            touched.insert(dir.join(parent));
        }
        let result = if overwrite {
            fs::rename(root.join(name), &target)
        } else {
            rename_new(&root.join(name), &target)
        };
        if let Err(e) = result {
            for path in moved.iter().rev() {
                let _ = fs::remove_file(path);
            }
            return Err(if e.kind() == io::ErrorKind::AlreadyExists {
                already_exists(target)
            } else {
                OvaError::io(target, e)
            });
        }
        moved.push(target);
    }
    for sub in &touched {
        sync_dir(sub).map_err(|e| OvaError::io(sub, e))?;
    }
    Ok(())
}

/// Whether `dir` is a directory to publish files into one by one (it has content, is a link
/// to a directory, or is any existing directory where a directory rename cannot replace an
/// empty one), rather than the name the staging directory is renamed to.
fn publish_into(dir: &Path) -> Result<bool, OvaError> {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return Ok(false);
    };
    if !fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Err(OvaError::io(
            dir,
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "exists and is not a directory",
            ),
        ));
    }
    let empty = fs::read_dir(dir)
        .map_err(|e| OvaError::io(dir, e))?
        .next()
        .is_none();
    // `.`, `..`, `dir/.`: names a rename cannot take.
    let text = dir.as_os_str().to_string_lossy();
    let dotted = dir.file_name().is_none() || text == "." || text.ends_with("/.");
    Ok(meta.is_symlink() || !empty || dotted || !cfg!(unix))
}

fn already_exists(target: PathBuf) -> OvaError {
    OvaError::io(
        target,
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            "already exists (nothing was written)",
        ),
    )
}

/// Creates `dir/relative` one component at a time, refusing to pass through anything that is
/// not a real directory (a symbolic link planted in `dir` would lead outside it); records
/// each relative directory passed in `made`.
fn make_dirs(dir: &Path, relative: &str, made: &mut HashSet<String>) -> Result<(), OvaError> {
    let mut path = dir.to_path_buf();
    let mut so_far = String::new();
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
        if !so_far.is_empty() {
            so_far.push('/');
        }
        so_far.push_str(part);
        if !made.insert(so_far.clone()) {
            continue;
        }
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(OvaError::io(
                    &path,
                    io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "exists and is not a directory (links are not followed)",
                    ),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&path).map_err(|e| OvaError::io(&path, e))?;
            }
            Err(e) => return Err(OvaError::io(&path, e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_taken_while_publishing_takes_back_what_this_run_moved() {
        let scratch = tempfile::tempdir().unwrap();
        let (root, dir) = (scratch.path().join("staging"), scratch.path().join("dir"));
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::create_dir(&dir).unwrap();
        for name in ["vm.ovf", "sub/disk.img", "vm.mf"] {
            fs::write(root.join(name), name).unwrap();
        }
        // Another process got `vm.mf` in first.
        fs::write(dir.join("vm.mf"), "theirs").unwrap();
        let names: Vec<String> = ["vm.ovf", "sub/disk.img", "vm.mf"].map(String::from).into();
        let e = publish_files(&root, &dir, &names, false).unwrap_err();
        assert!(
            matches!(&e, OvaError::Io { path, source } if source.kind() == io::ErrorKind::AlreadyExists && path.ends_with("vm.mf")),
            "{e:?}"
        );
        assert!(!dir.join("vm.ovf").exists() && !dir.join("sub/disk.img").exists());
        assert_eq!(fs::read(dir.join("vm.mf")).unwrap(), b"theirs");

        // With overwrite, every file lands, replacing theirs.
        for name in &names {
            fs::write(root.join(name), name).unwrap();
        }
        publish_files(&root, &dir, &names, true).unwrap();
        assert_eq!(fs::read(dir.join("vm.mf")).unwrap(), b"vm.mf");
        assert_eq!(fs::read(dir.join("sub/disk.img")).unwrap(), b"sub/disk.img");
    }
}
