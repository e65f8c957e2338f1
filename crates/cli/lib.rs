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

use clap::Parser as _;

pub use exit::{CliError, Outcome};

/// Entry point of the `tern` binary.
pub fn main_tern() -> ExitCode {
    signals::install();
    let cli = app::Cli::parse();
    exit::finish(
        commands::dispatch(cli.command, &cli.global),
        cli.global.format,
    )
}

/// Entry point of the `ovf2occi` binary: the same function as `tern ovf2occi`.
pub fn main_ovf2occi() -> ExitCode {
    signals::install();
    let args = commands::convert::Ovf2OcciArgs::parse();
    let global = app::GlobalArgs::default();
    exit::finish(commands::convert::ovf2occi(&args, &global), global.format)
}

/// Entry point of the `occi2ovf` binary: the same function as `tern occi2ovf`.
pub fn main_occi2ovf() -> ExitCode {
    signals::install();
    let args = commands::convert::Occi2OvfArgs::parse();
    let global = app::GlobalArgs::default();
    exit::finish(commands::convert::occi2ovf(&args, &global), global.format)
}
