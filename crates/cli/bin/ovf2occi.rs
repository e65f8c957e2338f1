//! `ovf2occi`: the same conversion as `tern ovf2occi`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    tern::main_ovf2occi()
}
