//! One module per subcommand group; each owns its clap arguments and calls library crates.

pub(crate) mod apply;
pub(crate) mod cdmi;
pub(crate) mod convert;
pub(crate) mod deploy;
pub(crate) mod extract;
pub(crate) mod generate;
pub(crate) mod mappings;
pub(crate) mod migrate;
pub(crate) mod occi;
pub(crate) mod occi_codec;
pub(crate) mod ova;
pub(crate) mod ovf;
pub(crate) mod serve;
pub(crate) mod topology;

use crate::app::{Command, GlobalArgs};
use crate::exit::{CliError, Codes, Outcome};

/// Runs the chosen subcommand.
pub(crate) fn dispatch(command: Command, global: &GlobalArgs) -> Result<Outcome, CliError> {
    match command {
        Command::Mappings => mappings::run(global),
        Command::Occi(command) => occi::run(&command, global),
        Command::Ova(command) => ova::run(&command, global),
        Command::Ovf2occi(args) => convert::ovf2occi(&args, global),
        Command::Occi2ovf(args) => convert::occi2ovf(&args, global),
        Command::Cdmi(args) => cdmi::run(&args, global),
        Command::Ovf(args) => ovf::run(&args, global),
        Command::Diff(args) => topology::diff(&args, global),
        Command::Plan(args) => topology::plan_command(&args, global),
        Command::Completions(args) => generate::completions(&args),
        Command::Man(args) => generate::man(&args, global),
        Command::Serve(args) => serve::run(&args),
        Command::Extract(args) => extract::run(&args, global),
        Command::Apply(args) => apply::run(&args, global),
        Command::Deploy(args) => deploy::run(&args, global),
        Command::Migrate(args) => migrate::run(&args, global),
    }
}

/// The exit codes `command` uses: terraform's with `diff`/`plan --detailed-exitcode`.
pub(crate) fn codes(command: &Command) -> Codes {
    let detailed = match command {
        Command::Diff(args) => args.detailed_exitcode,
        Command::Plan(args) => args.topologies.detailed_exitcode,
        _ => false,
    };
    if detailed {
        Codes::Detailed
    } else {
        Codes::Standard
    }
}
