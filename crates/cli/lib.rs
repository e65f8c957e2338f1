//! The `tern` command line: argument parsing, dispatch to the library crates, and the
//! exit-code and diagnostic conventions shared by every subcommand.
//!
//! The binaries `tern`, `ovf2occi` and `occi2ovf` are shims over [`main_tern`],
//! [`main_ovf2occi`] and [`main_occi2ovf`]; all work happens in the library crates.
#![forbid(unsafe_code)]

mod app;
mod commands;
mod exit;
mod input;
mod output;
mod report;
mod signals;

use std::process::ExitCode;

use clap::Parser;

pub use exit::{CliError, Outcome};

/// Entry point of the `tern` binary.
pub fn main_tern() -> ExitCode {
    let (cli, _) = match parse::<app::Cli>() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    // `serve` shuts down gracefully on SIGINT/SIGTERM itself (requests finish, the store
    // closes); it writes no temporary files.
    if !matches!(cli.command, app::Command::Serve(_)) {
        signals::install();
    }
    let codes = commands::codes(&cli.command);
    exit::finish(
        commands::dispatch(cli.command, &cli.global),
        &cli.global,
        codes,
    )
}

/// Entry point of the `ovf2occi` binary: the same function as `tern ovf2occi`.
pub fn main_ovf2occi() -> ExitCode {
    signals::install();
    let (cli, _) = match parse::<commands::convert::Ovf2OcciCli>() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    exit::finish(
        commands::convert::ovf2occi(&cli.args, &cli.global),
        &cli.global,
        exit::Codes::Standard,
    )
}

/// Entry point of the `occi2ovf` binary: the same function as `tern occi2ovf`.
pub fn main_occi2ovf() -> ExitCode {
    signals::install();
    let (cli, _) = match parse::<commands::convert::Occi2OvfCli>() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    exit::finish(
        commands::convert::occi2ovf(&cli.args, &cli.global),
        &cli.global,
        exit::Codes::Standard,
    )
}

// The command line, and what it asks of the exit (`--format json`, `--detailed-exitcode`); a
// line clap refuses is reported in that shape and ends the run with its code.
fn parse<P: Parser>() -> Result<(P, exit::Requested), ExitCode> {
    // Read again by clap: the scan only decides how a refused line is reported.
    let requested = exit::Requested::scan(std::env::args_os());
    match P::try_parse() {
        Ok(parsed) => Ok((parsed, requested)),
        Err(e) => Err(exit::refused(&e, requested)),
    }
}
