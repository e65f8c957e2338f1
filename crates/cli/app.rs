//! The command-line grammar (clap derive). Each subcommand group's arguments live beside
//! its implementation in `commands/`.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

/// Bridge DMTF OVF, OGF OCCI and SNIA CDMI.
#[derive(Debug, Parser)]
#[command(name = "tern", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every subcommand understands.
#[derive(Debug, Default, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Output format: `text` for people, `json` for programs.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

/// Output format convention shared by all subcommands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Human-readable tables and messages.
    #[default]
    Text,
    /// Machine-readable JSON.
    Json,
}

/// The subcommand groups.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Convert an OVF descriptor or OVA into an OCCI collection.
    Ovf2occi(commands::convert::Ovf2OcciArgs),
    /// Export an OCCI collection as an OVF whose File hrefs are CDMI data links.
    Occi2ovf(commands::convert::Occi2OvfArgs),
    /// Inspect, validate, format and edit OVF descriptors.
    Ovf(commands::ovf::OvfArgs),
}
