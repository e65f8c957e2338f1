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

/// A fresh scratch directory for one test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tern-ovf-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
