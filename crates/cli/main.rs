//! `tern`: bridge OVF, OCCI and CDMI from the command line.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    tern::main_tern()
}
