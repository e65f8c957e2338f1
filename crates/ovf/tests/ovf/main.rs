//! Integration tests of tern-ovf: one binary, one module per concern.

mod deployment;
mod edit;
mod edit_cot;
mod encoding;
mod environment;
mod info;
mod memory;
mod model;
mod references;
mod required;
mod robustness;
mod roundtrip;
mod scale;
mod sealed;
mod security;
mod strings;
mod tree;
mod validate;
mod virtualbox;

use std::path::{Path, PathBuf};

/// The repository's own samples: the valid ones in `samples/ovf` and one per rule in
/// `samples/ovf/invalid`, sorted by path.
pub(crate) fn own_samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf");
    let mut out = tern_testkit::files(&root, &[".ovf"], 8);
    out.extend(tern_testkit::files(&root.join("invalid"), &[".ovf"], 30));
    out.sort();
    out
}

/// `shared/reference/ovf/samples`, or `None` (with a note) when that folder is not present
/// on this machine and `TERN_REQUIRE_REFERENCE` is not set.
pub(crate) fn reference_dir() -> Option<PathBuf> {
    tern_testkit::reference("ovf/samples")
}

/// The real-world descriptors in [`reference_dir`].
pub(crate) fn reference_samples() -> Option<Vec<PathBuf>> {
    Some(tern_testkit::files(&reference_dir()?, &[".ovf"], 20))
}
