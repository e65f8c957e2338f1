//! `tern migrate`: a deployment moved from one OCCI + CDMI provider to another
//! (tern-client's `migrate`); this module reads the flags and prints the report.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use tern_client::migrate::{self, DiskFormat, FailureKind, State};
use tern_diag::Finding;

use crate::app::{Format, GlobalArgs, Verbosity};
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// Examples of `tern migrate`.
pub(crate) const EXAMPLES: &str = "\
Examples:
  tern migrate --from http://a.example:8787 --to http://b.example:8787 --dry-run
  tern migrate --from http://a.example:8787 --to http://b.example:8787 --disk-format qcow2
  tern migrate --from URL --to URL --deployment hadoop --live-ok --state hadoop.json
  tern migrate --resume hadoop.json

Steps: discover and compare, export the OVF, stop A's computes (cold), copy and verify the
disks through CDMI, import at B, start B's computes, compare A's and B's deployments.
Exit codes: 0 migrated, 1 refused (B lacks something required: the table says what), a
disk failed its verification or the deployments differ, 2 usage or connection error (the
state file lets --resume go on).";

/// Arguments of `tern migrate`.
// Flags of the command line, each a yes/no question of its own.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    /// Provider A's base URL (OCCI and CDMI on the same listener).
    #[arg(long, value_name = "URL", required_unless_present = "resume")]
    from: Option<String>,
    /// Provider B's base URL.
    #[arg(long, value_name = "URL", required_unless_present = "resume")]
    to: Option<String>,
    /// The deployment to migrate (`/deployments/NAME/` at A), imported at B under the same
    /// name; when absent, A's one deployment, else everything A serves (A with no deployment
    /// groups too).
    #[arg(long, value_name = "NAME")]
    deployment: Option<String>,
    /// The disk format at B (default: the first B lists in its `tern_disk_formats` CDMI
    /// capability, else unchanged); disks in another format are converted by qemu-img.
    #[arg(long, value_name = "FORMAT", value_parser = ["vmdk", "qcow2", "raw"])]
    disk_format: Option<String>,
    /// Cold migration (the default): A's computes stopped before the copy, B's started after.
    #[arg(long, conflicts_with = "live_ok")]
    cold: bool,
    /// Leave A's computes running during the copy.
    #[arg(long)]
    live_ok: bool,
    /// Discover, compare and export, then print the steps without doing them.
    #[arg(long)]
    dry_run: bool,
    /// Migrate although B lacks something required (the gaps are listed).
    #[arg(long)]
    force: bool,
    /// Copies retried after a digest mismatch.
    #[arg(long, value_name = "N", default_value_t = 3)]
    retries: u32,
    /// The state file, written after every step and disk.
    #[arg(long, value_name = "FILE", default_value = "tern-migrate.json")]
    state: PathBuf,
    /// Go on with the migration this state file describes (finished disks are not copied
    /// again).
    #[arg(long, value_name = "STATE", conflicts_with_all = ["from", "to", "deployment", "disk_format", "live_ok"])]
    resume: Option<PathBuf>,
    /// Bearer token for A.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "TERN_FROM_TOKEN",
        hide_env_values = true
    )]
    from_token: Option<String>,
    /// Bearer token for B.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "TERN_TO_TOKEN",
        hide_env_values = true
    )]
    to_token: Option<String>,
    /// Directory for temporary files (disk conversions); the system's by default.
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,
    /// Seconds an action (stop, start) may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    action_timeout: u64,
}

/// `tern migrate`.
pub(crate) fn run(args: &MigrateArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (from, to, deployment, disk_format, live_ok, state) = if let Some(path) = &args.resume {
        {
            let s = State::load(path).map_err(CliError::usage)?;
            (
                s.from,
                s.to,
                s.deployment,
                s.disk_format,
                s.live_ok,
                path.clone(),
            )
        }
    } else {
        {
            let format = args
                .disk_format
                .as_deref()
                .map(str::parse::<DiskFormat>)
                .transpose()
                .map_err(CliError::usage)?;
            (
                args.from.clone().unwrap_or_default(),
                args.to.clone().unwrap_or_default(),
                args.deployment.clone(),
                format,
                args.live_ok,
                args.state.clone(),
            )
        }
    };
    let config = |endpoint: String, token: &Option<String>| tern_client::Config {
        endpoint,
        token: token.clone(),
        ..tern_client::Config::default()
    };
    let quiet = global.format == Format::Json || global.verbosity() == Verbosity::Quiet;
    let progress: Option<migrate::ProgressLine> =
        (!quiet).then(|| Arc::new(|line: &str| eprintln!("{line}")) as migrate::ProgressLine);
    let options = migrate::Options {
        from: config(from, &args.from_token),
        to: config(to, &args.to_token),
        deployment,
        disk_format,
        live_ok,
        dry_run: args.dry_run,
        force: args.force,
        retries: args.retries,
        state,
        resume: args.resume.is_some(),
        work_dir: args.work_dir.clone(),
        action_timeout: Duration::from_secs(args.action_timeout),
        progress,
    };
    let report =
        tern_client::block_on(migrate::migrate(&options)).map_err(super::apply::client_error)?;
    match global.format {
        Format::Json => output::print_json(
            &serde_json::to_value(&report).map_err(|e| CliError::Io(std::io::Error::other(e)))?,
        )?,
        _ => output::print_text(&report.text())?,
    }
    let Some(failure) = report.failure else {
        return Ok(Outcome::Ok);
    };
    let finding = Finding::error(failure.rule, failure.message);
    // Printed once, as a diagnostic (the report's text leaves it out); a resume is offered
    // only when there is a state file to resume from.
    Err(match failure.kind {
        FailureKind::Connection => {
            let finding = match &report.state {
                Some(state) => finding.with_hint(format!(
                    "once the provider answers again: tern migrate --resume {}",
                    state.display()
                )),
                None => finding,
            };
            CliError::Failed(Box::new(Findings::from(vec![finding])))
        }
        _ => CliError::invalid(finding),
    })
}
