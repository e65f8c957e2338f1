//! The command-line grammar (clap derive). Each subcommand group's arguments live beside
//! its implementation in `commands/`.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

/// Bridge DMTF OVF, OGF OCCI and SNIA CDMI.
#[derive(Debug, Parser)]
#[command(name = "tern", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every subcommand understands.
#[derive(Debug, Default, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Output format: `text` for people, `json` for programs, `md` for documents.
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
    /// Markdown tables (for documents); commands without tables print text.
    #[value(name = "md")]
    Markdown,
}

/// The subcommand groups.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Inspect, validate, format and edit OVF descriptors.
    Ovf(commands::ovf::OvfArgs),
    /// OVA archives: list, verify, unpack, pack.
    #[command(subcommand)]
    Ova(commands::ova::OvaCommand),
    /// OCCI: the catalogues, and renderings converted and validated.
    #[command(subcommand)]
    Occi(commands::occi::OcciCommand),
    /// SNIA CDMI: object IDs, body validation, query strings.
    Cdmi(commands::cdmi::CdmiArgs),
    /// Convert an OVF descriptor or OVA into an OCCI collection.
    Ovf2occi(commands::convert::Ovf2OcciArgs),
    /// Export an OCCI collection as an OVF whose File hrefs are CDMI data links.
    Occi2ovf(commands::convert::Occi2OvfArgs),
    /// Compare a runtime OCCI topology with a target one: what is old, updated, new, missing.
    Diff(commands::topology::TopologyArgs),
    /// Plan the OCCI calls that adapt a runtime topology into a target one, in stages.
    Plan(commands::topology::PlanArgs),
    /// Print the OVF ⇄ OCCI ⇄ CDMI mapping table (`--format md|json|text`).
    Mappings,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        // clap checks duplicate flags, bad defaults and the like only when asked.
        super::Cli::command().debug_assert();
    }
}
