//! What the integration tests share: where the repository and the descriptors are.

// Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.ovf` under `samples/ovf`, then those of `../shared/reference/ovf/samples` when
/// that folder exists (it is skipped, with a note, when it does not).
pub fn descriptors() -> Vec<PathBuf> {
    let mut files = ovf_files(&repo().join("samples/ovf"));
    let reference = repo().join("../shared/reference/ovf/samples");
    if reference.is_dir() {
        files.extend(ovf_files(&reference));
    } else {
        eprintln!(
            "note: ../shared/reference/ovf/samples not found; only the bundled samples are used"
        );
    }
    files
}

fn ovf_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ovf"))
        .collect();
    files.sort();
    files
}
