//! End-to-end tests of the `tern`, `ovf2occi` and `occi2ovf` binaries: one test binary, a
//! module per subcommand group.

mod conventions;
mod mappings;
mod occi2ovf;
mod occi_codec;
mod occi_input;
mod occi_model;
mod ova;
mod ovf2occi;
mod ovf_in_ova;
mod topology;

use std::process::{Command, Output};

/// Runs `tern` with `args` from the repository root.
pub(crate) fn tern(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_tern"), args)
}

/// Runs one of the binaries with `args` from the repository root.
pub(crate) fn run(binary: &str, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Standard output as text.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// Standard error as text.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

/// The bundled OVF samples, as paths relative to the repository root.
pub(crate) fn ovf_samples() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ovf");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ovf"))
        .map(|p| format!("samples/ovf/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    files
}
