//! What the integration tests share: where the repository and the descriptors are.

// Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.ovf` under `samples/ovf`, then those of `shared/reference/ovf/samples` when that
/// folder exists (skipped with a note when it does not, a failure under
/// `TERN_REQUIRE_REFERENCE=1`).
pub fn descriptors() -> Vec<PathBuf> {
    let mut files = tern_testkit::files(&repo().join("samples/ovf"), &[".ovf"], 9);
    if let Some(reference) = tern_testkit::reference("ovf/samples") {
        files.extend(tern_testkit::files(&reference, &[".ovf"], 20));
    }
    files
}
