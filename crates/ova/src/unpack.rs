//! Extracting an OVA into a directory, verifying digests on the way.
//!
//! Member names were already checked when the archive was opened (no absolute paths, no `..`,
//! no links or devices). Here, directories on the way are created one component at a time and
//! an existing symbolic link is never followed; each file is written under a temporary name and
//! renamed into place only when its digest matches the manifest.

use std::fs;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::archive::Ova;
use crate::digest::MultiHasher;
use crate::error::OvaError;
use crate::member::MemberKind;
use crate::progress::{BUFFER, Progress};
use crate::staging::Staged;
use crate::store::Archive;
use crate::verify::{Checker, Verification};

/// Choices for [`Ova::unpack`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnpackOptions {
    /// Replace files that already exist in the directory (refused by default, before anything
    /// is written).
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
    /// stay as they are, so the result is the OVF package the descriptor describes.
    pub fn unpack(
        &mut self,
        dir: &Path,
        options: &UnpackOptions,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Unpacked, OvaError> {
        fs::create_dir_all(dir).map_err(|e| OvaError::io(dir, e))?;
        let mut checker = Checker::load(&mut Archive(self))?;
        let members: Vec<(String, MemberKind, u64)> = self
            .members()
            .iter()
            .map(|m| (m.name.clone(), m.kind, m.size))
            .collect();
        if !options.overwrite {
            for (name, kind, _) in &members {
                let target = dir.join(name);
                if *kind == MemberKind::File && fs::symlink_metadata(&target).is_ok() {
                    return Err(OvaError::io(
                        target,
                        io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            "already exists (nothing was written)",
                        ),
                    ));
                }
            }
        }
        let total = members.iter().map(|(_, _, s)| s).sum();
        let mut done = 0u64;
        let mut buffer = vec![0u8; BUFFER];
        let mut unpacked = Unpacked::default();
        for (name, kind, _) in &members {
            if *kind == MemberKind::Directory {
                make_dirs(dir, name)?;
                continue;
            }
            if let Some((parent, _)) = name.rsplit_once('/') {
                make_dirs(dir, parent)?;
            }
            let target = dir.join(name);
            let mut staged = Staged::create(&target)?;
            let algorithms = checker.algorithms_for(name);
            let check = !algorithms.is_empty();
            let mut hasher = MultiHasher::new(algorithms);
            let offset = self.member(name).map_or(0, |m| m.data_offset);
            let archive = self.path().to_path_buf();
            let mut reader = self.read_member(name)?;
            loop {
                let n = reader.read(&mut buffer).map_err(|e| OvaError::Member {
                    member: name.clone(),
                    offset,
                    reason: format!("reading {}: {e}", archive.display()),
                })?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
                staged
                    .file()
                    .write_all(&buffer[..n])
                    .map_err(|e| OvaError::io(&target, e))?;
                done += n as u64;
                progress(Progress {
                    member: name,
                    done,
                    total,
                });
            }
            if check && !checker.check_member(name, &hasher.finish()) {
                // Dropping the staged file removes it: corrupt data never lands under its name.
                unpacked.rejected.push(name.clone());
                continue;
            }
            staged.commit()?;
            unpacked.written.push(target);
        }
        unpacked.verification = checker.finish(&mut Archive(self));
        Ok(unpacked)
    }
}

/// Creates `dir/relative` one component at a time, refusing to pass through anything that is
/// not a real directory (a symbolic link planted in `dir` would lead outside it).
fn make_dirs(dir: &Path, relative: &str) -> Result<(), OvaError> {
    let mut path = dir.to_path_buf();
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
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
