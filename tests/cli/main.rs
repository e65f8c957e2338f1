//! End-to-end tests of the `tern`, `ovf2occi` and `occi2ovf` binaries: one test binary, a
//! module per subcommand group.

mod cdmi;
mod chain;
mod conventions;
mod inputs;
mod mappings;
mod occi2ovf;
mod occi_codec;
mod occi_exports;
mod occi_input;
mod occi_model;
mod output_files;
mod ova;
mod ovf2occi;
mod ovf_in_ova;
mod signals;
mod stdin;
mod topology;
mod unix_tool;

use std::process::{Command, Output};

/// Runs `tern` with `args` from the repository root.
pub(crate) fn tern(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_tern"), args)
}

/// Runs `tern` with `input` on its standard input.
pub(crate) fn tern_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command that fails before reading may close its stdin first.
    let _ = child.stdin.take().expect("piped").write_all(input);
    child.wait_with_output().expect("the binary ends")
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

/// Where `output` (a JSON text) breaks the JSON schema in the file `schema` (a path from the
/// repository root), as `POINTER: message` lines; empty when it conforms.
pub(crate) fn violations(schema: &str, output: &str) -> Vec<String> {
    let schema = tern_occi::json::Schema::parse(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let instance = tern_occi::json::parse_json(output).unwrap();
    schema
        .validate(None, &instance)
        .into_iter()
        .map(|v| format!("{}: {}", v.pointer, v.message))
        .collect()
}

/// The bundled OVF samples, as paths relative to the repository root.
pub(crate) fn ovf_samples() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ovf");
    tern_testkit::files(&dir, &[".ovf"], 9)
        .iter()
        .map(|p| format!("samples/ovf/{}", p.file_name().unwrap().to_string_lossy()))
        .collect()
}

/// A scratch directory for one test, removed when dropped (a `tempfile` directory, so two
/// runs never share it).
pub(crate) struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new directory whose name starts with `tern-LABEL-`.
    pub(crate) fn new(label: &str) -> Self {
        Scratch(
            tempfile::Builder::new()
                .prefix(&format!("tern-{label}-"))
                .tempdir()
                .expect("a scratch directory"),
        )
    }

    /// `name` inside the directory.
    pub(crate) fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.path().join(name)
    }

    /// `name` inside the directory, as a command-line argument.
    pub(crate) fn path(&self, name: &str) -> String {
        self.join(name).to_str().expect("a UTF-8 path").to_owned()
    }
}
