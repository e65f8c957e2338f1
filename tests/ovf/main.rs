//! Tests of `tern ovf ...` through the binary: exit codes, output files, JSON shape.

mod deployment;
mod edit;
mod edit_cot;
mod fmt;
mod info;
mod input;
mod validate;
mod validate_and_env;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `tern` with `args`.
pub(crate) fn tern(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .output()
        .expect("tern runs")
}

/// The repository's valid OVF samples (at least 8).
pub(crate) fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ovf");
    tern_testkit::files(&dir, &[".ovf"], 8)
}

/// A fresh scratch directory for one test, removed when dropped (it derefs to its path).
pub(crate) fn scratch(name: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(&format!("tern-ovf-{name}-"))
            .tempdir()
            .expect("a scratch directory"),
    )
}

/// See [`scratch`].
pub(crate) struct Scratch(tempfile::TempDir);

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

/// Code, stdout and stderr side by side, for assertion messages.
pub(crate) fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
