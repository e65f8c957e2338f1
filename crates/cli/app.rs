//! The command-line grammar (clap derive). Each subcommand group's arguments live beside
//! its implementation in `commands/`.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

/// Bridge DMTF OVF, OGF OCCI and SNIA CDMI.
#[derive(Debug, Parser)]
#[command(name = "tern", version, about, long_about = None, after_help = TERN_EXAMPLES)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

const TERN_EXAMPLES: &str = "\
Examples:
  tern ovf2occi samples/ovf/hadoop-cluster.ovf --cdmi-base https://cdmi.example.org/hadoop/
  tern --format json ovf validate vm.ovf

Exit codes: 0 ok, 1 invalid input, 2 usage or I/O error (diff and plan with
--detailed-exitcode: 0 no changes, 1 any error, 2 changes).";

/// Options every subcommand understands.
#[derive(Debug, Default, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Output format: `text` for people, `json` for programs, `md` for documents. Reports,
    /// listings and diagnostics follow it (errors too, as JSON on stderr); a command whose
    /// output is a document (ovf fmt, ovf edit, occi convert, ovf2occi, occi2ovf) writes it.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Say less: no summary lines and no notes (findings and errors still print).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Say more: notes too (the media type detected for each input, the notes of `ovf
    /// validate`).
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
    /// The largest input read (a descriptor, a rendering, a body, a topology; standard input
    /// too), in bytes or with a unit: `64MiB` (the default), `1GiB`, `500000`. Larger
    /// inputs are refused before they are read.
    #[arg(long, global = true, value_name = "SIZE", value_parser = crate::input::parse_size)]
    pub(crate) max_input_size: Option<u64>,
}

/// How much a command says beside its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verbosity {
    /// `--quiet`: results, warnings and errors.
    Quiet,
    /// The default: notes and summary lines too.
    Normal,
    /// `--verbose`: the notes that are usually noise as well.
    Verbose,
}

impl GlobalArgs {
    /// `--max-input-size`, else the default limit.
    pub(crate) fn max_input_size(&self) -> u64 {
        self.max_input_size
            .unwrap_or(crate::input::DEFAULT_MAX_INPUT_SIZE)
    }

    /// `--quiet`, `--verbose` or neither.
    pub(crate) fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }
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
    #[command(after_help = "Examples:\n  tern ovf info vm.ova\n  tern ovf validate --lax *.ovf")]
    Ovf(commands::ovf::OvfArgs),
    /// OVA archives: list, verify, unpack, pack.
    #[command(
        subcommand,
        after_help = "Examples:\n  tern ova verify vm.ova\n  tern ova pack vm.ovf -o vm.ova --manifest sha1"
    )]
    Ova(commands::ova::OvaCommand),
    /// OCCI: the catalogues, and renderings converted and validated.
    #[command(
        subcommand,
        after_help = "Examples:\n  tern occi model --version 1.1\n  curl -si https://cloud.example/compute/ | tern occi validate -"
    )]
    Occi(commands::occi::OcciCommand),
    /// SNIA CDMI: object IDs, body validation, query strings.
    #[command(
        after_help = "Examples:\n  tern cdmi objectid new\n  tern cdmi validate --version 2.0 body.json"
    )]
    Cdmi(commands::cdmi::CdmiArgs),
    /// Convert an OVF descriptor or OVA into an OCCI collection.
    #[command(after_help = commands::convert::OVF2OCCI_EXAMPLES)]
    Ovf2occi(commands::convert::Ovf2OcciArgs),
    /// Export an OCCI collection as an OVF whose File hrefs are CDMI data links.
    #[command(after_help = commands::convert::OCCI2OVF_EXAMPLES)]
    Occi2ovf(commands::convert::Occi2OvfArgs),
    /// Compare a runtime OCCI topology with a target one: what is old, updated, new, missing.
    #[command(after_help = commands::topology::DIFF_EXAMPLES)]
    Diff(commands::topology::TopologyArgs),
    /// Plan the OCCI calls that adapt a runtime topology into a target one, in stages.
    #[command(after_help = commands::topology::PLAN_EXAMPLES)]
    Plan(commands::topology::PlanArgs),
    /// Print the OVF ⇄ OCCI ⇄ CDMI mapping table (`--format md|json|text`).
    #[command(after_help = "Examples:\n  tern mappings\n  tern mappings --format md > MAPPINGS.md")]
    Mappings,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    #[command(after_help = commands::generate::COMPLETIONS_EXAMPLES)]
    Completions(commands::generate::CompletionsArgs),
    /// Print the man page of tern (roff), or write one per command into a directory.
    #[command(after_help = commands::generate::MAN_EXAMPLES)]
    Man(commands::generate::ManArgs),
    /// Serve OCCI over HTTP: a provider with an embedded store and a simulated hypervisor.
    #[command(after_help = commands::serve::EXAMPLES)]
    Serve(commands::serve::ServeArgs),
    /// Read the runtime model of a live OCCI endpoint as one entity collection.
    #[command(after_help = commands::extract::EXAMPLES)]
    Extract(commands::extract::ExtractArgs),
    /// Adapt a live OCCI endpoint to a target topology: extract, plan, confirm, execute.
    #[command(after_help = commands::apply::EXAMPLES)]
    Apply(commands::apply::ApplyArgs),
    /// Deploy an OVF package on a live OCCI endpoint: ovf2occi, then apply.
    #[command(after_help = commands::deploy::EXAMPLES)]
    Deploy(commands::deploy::DeployArgs),
    /// Migrate a deployment between providers: compare, export OVF, copy disks (CDMI), import.
    #[command(after_help = commands::migrate::EXAMPLES)]
    Migrate(commands::migrate::MigrateArgs),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        // clap checks duplicate flags, bad defaults and the like only when asked.
        super::Cli::command().debug_assert();
    }

    #[test]
    fn every_help_page_has_examples() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", command.get_name());
            let examples = command
                .get_after_help()
                .is_some_and(|h| h.to_string().contains("Examples:\n  "));
            if !examples {
                missing.push(path.clone());
            }
            for sub in command.get_subcommands() {
                walk(sub, &path, missing);
            }
        }
        let mut missing = Vec::new();
        let mut command = super::Cli::command().disable_help_subcommand(true);
        command.build();
        walk(&command, "", &mut missing);
        for shim in [
            crate::commands::convert::Ovf2OcciCli::command(),
            crate::commands::convert::Occi2OvfCli::command(),
        ] {
            walk(&shim, "", &mut missing);
        }
        assert_eq!(missing, Vec::<String>::new(), "help pages without examples");
    }
}
