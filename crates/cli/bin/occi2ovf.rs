//! `occi2ovf`: the same conversion as `tern occi2ovf`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    tern::main_occi2ovf()
}
