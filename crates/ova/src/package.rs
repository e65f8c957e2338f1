//! Verifying an unpacked OVF package: the descriptor and the files beside it, checked against
//! `<stem>.mf` and `<stem>.cert` exactly as an OVA's members are (what `--check-files` needs).

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use tern_diag::Finding;

use crate::archive::{MAX_CHUNKS, MAX_TEXT_MEMBER};
use crate::digest::MultiHasher;
use crate::error::OvaError;
use crate::progress::{BUFFER, Progress};
use crate::references::{FileReference, read_references};
use crate::store::Store;
use crate::verify::{Checker, Verification, stream_digest};

/// Verifies the OVF package whose descriptor is at `descriptor`: the manifest `<stem>.mf`
/// beside it (digests of the descriptor and of every referenced file present, files it lists
/// that are missing, referenced files it does not list), the certificate `<stem>.cert`, and
/// that every local File of References exists with its declared `ovf:size`.
pub fn verify_package(
    descriptor: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Verification, OvaError> {
    let mut package = Package::open(descriptor)?;
    let mut checker = Checker::load(&mut package)?;
    let files: Vec<(String, PathBuf, u64)> = package.files.clone();
    let total = files
        .iter()
        .filter(|(n, _, _)| !checker.algorithms_for(n).is_empty())
        .map(|(_, _, s)| s)
        .sum();
    let mut done = 0u64;
    let mut buffer = vec![0u8; BUFFER];
    for (name, path, _) in &files {
        let algorithms = checker.algorithms_for(name);
        if algorithms.is_empty() {
            continue;
        }
        let mut hasher = MultiHasher::new(algorithms);
        let mut file = File::open(path).map_err(|e| OvaError::io(path, e))?;
        stream_digest(
            &mut file,
            &mut hasher,
            &mut buffer,
            name,
            &mut done,
            total,
            progress,
        )
        .map_err(|e| OvaError::io(path, e))?;
        checker.check_member(name, &hasher.finish());
    }
    Ok(checker.finish(&mut package))
}

/// The descriptor's directory seen as a [`Store`]: only the descriptor, its manifest and
/// certificate, and the referenced files count (other files in the directory are not part of
/// the package). A file whose href leads outside the directory (tern-ovf's `package_file`
/// rule) is never opened.
struct Package {
    dir: PathBuf,
    descriptor: String,
    references: Vec<FileReference>,
    /// (name, path, size) of every file of the package present on disk, descriptor first.
    files: Vec<(String, PathBuf, u64)>,
    manifest: Option<String>,
    certificate: Option<String>,
    /// `OVA-HREF` findings about the manifest or certificate (not used when refused).
    refused_companions: Vec<tern_diag::Finding>,
}

impl Package {
    fn open(descriptor: &Path) -> Result<Self, OvaError> {
        let dir = descriptor.parent().unwrap_or(Path::new("")).to_path_buf();
        let name = descriptor
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = read_bounded(descriptor)?;
        let references = read_references(&bytes, &descriptor.display().to_string())?;
        let stem = name
            .rsplit_once('.')
            .map_or(name.as_str(), |(stem, _)| stem)
            .to_owned();
        let mut refused_companions = Vec::new();
        let mut companion = |ext: &str| {
            let n = format!("{stem}.{ext}");
            match tern_ovf::model::package_file(&dir, &n) {
                Ok(path) => path.is_file().then_some(n),
                Err(reason) => {
                    refused_companions.push(
                        Finding::error("OVA-HREF", format!("{reason}; it is not opened"))
                            .in_file(&n),
                    );
                    None
                }
            }
        };
        let (manifest, certificate) = (companion("mf"), companion("cert"));
        let mut package = Package {
            manifest,
            certificate,
            refused_companions,
            dir,
            descriptor: name.clone(),
            references,
            files: vec![(name.clone(), descriptor.to_path_buf(), bytes.len() as u64)],
        };
        let mut seen: HashSet<String> = HashSet::from([name]);
        let mut extra = Vec::new();
        for r in package.references.iter().filter(|r| r.is_local()) {
            extra.extend(package.parts(r).unwrap_or_default());
        }
        for (n, path, size) in extra {
            if seen.insert(n.clone()) {
                package.files.push((n, path, size));
            }
        }
        for n in [package.manifest.clone(), package.certificate.clone()]
            .into_iter()
            .flatten()
        {
            let path = package.dir.join(&n);
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            package.files.push((n, path, size));
        }
        Ok(package)
    }

    /// The files storing `file`: its chunks when chunked and the first exists, else `href`;
    /// or why one of them must not be opened.
    fn parts(&self, file: &FileReference) -> Result<Vec<(String, PathBuf, u64)>, &'static str> {
        let entry = |name: String| -> Result<Option<(String, PathBuf, u64)>, &'static str> {
            let path = tern_ovf::model::package_file(&self.dir, &name)?;
            Ok(std::fs::metadata(&path)
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map(|meta| (name, path, meta.len())))
        };
        if file.chunk_size.is_some()
            && let Some(first) = entry(file.chunk_name(0))?
        {
            let mut parts = vec![first];
            for i in 1..=MAX_CHUNKS {
                match entry(file.chunk_name(i))? {
                    Some(part) => parts.push(part),
                    None => break,
                }
            }
            return Ok(parts);
        }
        Ok(entry(file.href.clone())?.into_iter().collect())
    }
}

impl Store for Package {
    fn container(&self) -> &'static str {
        "directory"
    }

    fn descriptor_name(&self) -> String {
        self.descriptor.clone()
    }

    fn file_names(&self) -> Vec<String> {
        self.files.iter().map(|(n, _, _)| n.clone()).collect()
    }

    fn manifest_name(&self) -> Option<String> {
        self.manifest.clone()
    }

    fn certificate_name(&self) -> Option<String> {
        self.certificate.clone()
    }

    fn load(&mut self, name: &str) -> Result<Vec<u8>, OvaError> {
        read_bounded(&self.dir.join(name))
    }

    fn references(&mut self) -> Result<Vec<FileReference>, OvaError> {
        Ok(self.references.clone())
    }

    fn href_refusal(&self, file: &FileReference) -> Option<String> {
        self.parts(file).err().map(str::to_owned)
    }

    fn part_sizes(&self, file: &FileReference) -> Vec<u64> {
        self.parts(file)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, _, s)| s)
            .collect()
    }

    fn layout_findings(&self) -> Vec<Finding> {
        self.refused_companions.clone()
    }
}

/// A text file of at most [`MAX_TEXT_MEMBER`] bytes.
pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>, OvaError> {
    let file = File::open(path).map_err(|e| OvaError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXT_MEMBER + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| OvaError::io(path, e))?;
    if bytes.len() as u64 > MAX_TEXT_MEMBER {
        return Err(OvaError::Name {
            name: path.display().to_string(),
            reason: format!("larger than the {MAX_TEXT_MEMBER}-byte limit for a text file"),
        });
    }
    Ok(bytes)
}
