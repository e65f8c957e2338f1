//! Integration tests of tern-ovf: one binary, one module per concern.

mod edit;
mod environment;
mod info;
mod model;
mod references;
mod robustness;
mod roundtrip;
mod sealed;
mod security;
mod strings;
mod validate;

use std::path::{Path, PathBuf};

/// The repository's own samples (`samples/ovf`), recursively.
pub(crate) fn own_samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf");
    let mut out = Vec::new();
    collect(&root, &mut out);
    out.sort();
    out
}

/// The real-world descriptors in `shared/reference/ovf/samples`, or `None` (with a note) when
/// that folder is not present on this machine.
pub(crate) fn reference_samples() -> Option<Vec<PathBuf>> {
    let start = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = start
        .ancestors()
        .map(|a| a.join("shared/reference/ovf/samples"))
        .find(|p| p.is_dir());
    let Some(dir) = dir else {
        eprintln!("note: shared/reference/ovf/samples not found; skipping reference samples");
        return None;
    };
    let mut out = Vec::new();
    collect(&dir, &mut out);
    out.sort();
    Some(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "ovf") {
            out.push(path);
        }
    }
}
