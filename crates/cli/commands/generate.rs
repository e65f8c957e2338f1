//! `tern completions SHELL` and `tern man [--dir DIR]`: shell completion scripts and man pages
//! generated from the clap definitions, so that they never drift from the commands.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, CommandFactory as _};
use clap_complete::Shell;

use crate::app::{Cli, Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;

/// Examples of `tern completions`.
pub(crate) const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  tern completions bash > ~/.local/share/bash-completion/completions/tern
  tern completions zsh > \"${fpath[1]}/_tern\"";

/// Examples of `tern man`.
pub(crate) const MAN_EXAMPLES: &str = "\
Examples:
  tern man | man -l -
  tern man --dir ~/.local/share/man/man1";

/// Arguments of `tern completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `tern man`.
#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write `tern.1` and one page per subcommand (`tern-ovf-info.1`, …) into DIR (created if
    /// missing) instead of printing `tern.1` on stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// `tern completions`.
pub(crate) fn completions(args: &CompletionsArgs) -> Result<Outcome, CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tern", &mut script);
    output::print_bytes(&script)?;
    Ok(Outcome::Ok)
}

/// `tern man`.
pub(crate) fn man(args: &ManArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    // Built, so that subcommands carry their full names (`tern-ovf-info`) and the global
    // options; the `help` subcommand has no page of its own.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let Some(dir) = &args.dir else {
        output::print_bytes(&page(&command)?)?;
        return Ok(Outcome::Ok);
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut pending = vec![command];
    let mut written = Vec::new();
    while let Some(command) = pending.pop() {
        pending.extend(
            command
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .cloned(),
        );
        let man = clap_mangen::Man::new(command.clone());
        let path = dir.join(man.get_filename());
        output::write_file(&path, &page(&command)?)?;
        written.push(path);
    }
    written.sort();
    if global.format == Format::Json {
        output::print_json(&serde_json::json!({ "written": written }))?;
    } else {
        let mut list = String::new();
        for path in &written {
            let _ = writeln!(list, "{}", path.display());
        }
        output::print(&list)?;
    }
    Ok(Outcome::Ok)
}

fn page(command: &clap::Command) -> Result<Vec<u8>, CliError> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut roff)
        .map_err(CliError::Io)?;
    Ok(roff)
}
