//! `tern apply`: extract a live endpoint, compare it with a target, show the plan, confirm,
//! and execute it (tern-client); also the connection flags `extract` and `deploy` share.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use tern_client::{Client, ClientError, Config, ExecuteOptions, Outcome as StepOutcome, Progress};
use tern_engine::{Limits, Strategy, plan, plan_text, try_compare};
use tern_model::{Catalogue, Collection, OcciVersion};
use tern_occi::{ParseOptions, Source};

use crate::app::{Format, GlobalArgs, Verbosity};
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// Examples of `tern apply`.
pub(crate) const EXAMPLES: &str = "\
Examples:
  tern apply --endpoint http://127.0.0.1:8787 wanted.json
  tern apply --endpoint https://cloud.example --auto-approve --parallel 16 wanted.json
  tern apply --endpoint http://127.0.0.1:8787 --dry-run wanted.json

Exit codes: 0 applied (or nothing to do), 1 a call failed for good (what was done and
what was not is printed; running apply again converges), 2 usage or connection error.";

/// Where the endpoint is and how to talk to it.
#[derive(Debug, Args)]
pub(crate) struct ConnectArgs {
    /// The OCCI endpoint's base URL.
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint: String,
    /// Bearer token (`Authorization: Bearer TOKEN`).
    #[arg(long, value_name = "TOKEN", env = "TERN_TOKEN", hide_env_values = true)]
    pub(crate) token: Option<String>,
    /// Another header sent with every request (`Name: value`, repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(String, String)>,
    /// A PEM CA certificate trusted beside the built-in roots (TLS is rustls).
    #[arg(long, value_name = "FILE")]
    pub(crate) cacert: Option<PathBuf>,
    /// The rendering to use instead of negotiating one (application/occi+json, text/plain,
    /// text/occi+plain).
    #[arg(long, value_name = "MEDIA")]
    pub(crate) media: Option<tern_occi::MediaType>,
    /// Calls in flight at most.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) parallel: u16,
}

impl ConnectArgs {
    pub(crate) fn client(&self) -> Result<Client, CliError> {
        Client::new(Config {
            endpoint: self.endpoint.clone(),
            token: self.token.clone(),
            headers: self.headers.clone(),
            cacert: self.cacert.clone(),
            media: self.media,
            ..Config::default()
        })
        .map_err(|e| CliError::usage(e.to_string()))
    }

    pub(crate) fn parallel(&self) -> usize {
        usize::from(self.parallel)
    }
}

fn parse_header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((n, v)) if !n.trim().is_empty() => Ok((n.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("`{text}` is no `Name: value` header")),
    }
}

/// What `apply` and `deploy` share after the target is read.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    /// How resources are paired (see `tern plan --help`).
    #[arg(long, default_value_t = Strategy::Tern, value_parser = strategies())]
    pub(crate) strategy: Strategy,
    /// Execute without asking (required when standard input is no terminal).
    #[arg(long)]
    pub(crate) auto_approve: bool,
    /// Show the plan and stop.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Seconds an action may take to reach its new state.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub(crate) action_timeout: u64,
}

/// Arguments of `tern apply`.
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// The topology wanted (an OCCI entity collection in any rendering; `-` reads stdin).
    pub(crate) target: PathBuf,
}

/// `tern apply`.
pub(crate) fn run(args: &ApplyArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let input = crate::input::text(Some(&args.target), global)?;
    let source = Source::new(&input.name, &input.text, None);
    let mut findings = Findings::default();
    findings.extend(input.notes.iter().cloned());
    let read = match tern_occi::read_collection(
        &source,
        &ParseOptions::lenient(),
        &Catalogue::infrastructure(OcciVersion::V1_2),
    ) {
        Ok(read) => {
            findings.extend(read.warnings);
            read.value
        }
        Err(e) => {
            findings.extend(e.into_findings());
            return Err(findings.into());
        }
    };
    findings.warn(global);
    apply_collection(&read.collection, &read.catalogue, &args.run, global)
}

/// Rounds of extract, plan, execute at most.
const MAX_ROUNDS: usize = 3;

/// Extracts, plans, shows, confirms and executes `target` (with the categories of
/// `catalogue`, whose user mixins are defined at the endpoint first).
pub(crate) fn apply_collection(
    target: &Collection,
    catalogue: &Catalogue,
    args: &RunArgs,
    global: &GlobalArgs,
) -> Result<Outcome, CliError> {
    // Refuse before any call: the prompt cannot be answered.
    let interactive = std::io::stdin().is_terminal();
    if !args.dry_run && !args.auto_approve && !interactive {
        return Err(CliError::usage_with_help(
            "standard input is no terminal: nothing can confirm the plan",
            "add --auto-approve (or --dry-run to see the plan)",
        ));
    }
    let client = args.connect.client()?;
    let parallel = args.connect.parallel();
    let mut options = ExecuteOptions {
        parallel,
        action_timeout: Duration::from_secs(args.action_timeout),
        progress: progress(global),
        collections: Vec::new(),
    };
    // Round 1 is the plan shown and confirmed. A provider may not reach every wanted value
    // by creation alone (a new compute starts `inactive`; its `start` can only be planned
    // once it exists): later rounds re-extract and execute what is left of the same target,
    // until nothing is left, a round fails, or a plan repeats.
    let mut report: Option<tern_client::Report> = None;
    let mut previous: Option<tern_engine::Plan> = None;
    for round in 1..=MAX_ROUNDS {
        let extracted = tern_client::block_on(tern_client::extract(&client, parallel))
            .map_err(client_error)?
            .map_err(client_error)?;
        let comparison = try_compare(
            &extracted.collection,
            target,
            &args.strategy,
            &Limits::default(),
        )
        .map_err(CliError::usage)?;
        let mut planning = extracted.discovery.catalogue.clone();
        for m in catalogue.mixins() {
            if planning.mixin(&m.id).is_none() {
                let _ = planning.add_mixin(m.clone());
            }
        }
        let p = plan(&comparison, &planning);
        options
            .collections
            .clone_from(&extracted.discovery.collections);
        if round == 1 && (global.format != Format::Json || args.dry_run) {
            match global.format {
                Format::Json => output::print_json(&to_json(&p)?)?,
                _ => output::print_text(&plan_text(&p))?,
            }
        }
        if p.is_empty() || previous.as_ref() == Some(&p) {
            break;
        }
        if round == 1 {
            if args.dry_run {
                return Ok(Outcome::Ok);
            }
            if !args.auto_approve && !confirm()? {
                eprintln!("apply cancelled: nothing was changed");
                return Ok(Outcome::Ok);
            }
        } else if global.format != Format::Json && global.verbosity() > Verbosity::Quiet {
            eprintln!("round {round}: what creation could not set");
            eprint!("{}", plan_text(&p));
        }
        let done = tern_client::block_on(async {
            tern_client::ensure_mixins(&client, &extracted.discovery, catalogue, target).await?;
            Ok::<_, ClientError>(tern_client::execute(&client, &p, &planning, &options).await)
        })
        .map_err(client_error)?
        .map_err(client_error)?;
        let complete = done.complete;
        report = Some(match report.take() {
            None => done,
            Some(mut all) => {
                all.steps.extend(done.steps);
                all.calls = done.calls;
                all.complete = done.complete;
                all
            }
        });
        if !complete {
            break;
        }
        previous = Some(p);
    }
    let Some(report) = report else {
        return Ok(Outcome::Ok);
    };
    print_report(&report, global)?;
    Ok(if report.complete {
        Outcome::Ok
    } else {
        Outcome::Invalid
    })
}

// The report as JSON on stdout; in text, what failed or was not done (everything with
// --verbose) and a summary, on stderr.
fn print_report(report: &tern_client::Report, global: &GlobalArgs) -> Result<(), CliError> {
    use std::fmt::Write as _;
    if global.format == Format::Json {
        output::print_json(&to_json(report)?)?;
        return Ok(());
    }
    let mut text = String::new();
    for s in &report.steps {
        if s.outcome == StepOutcome::Done && global.verbosity() < Verbosity::Verbose {
            continue;
        }
        let what = match s.outcome {
            StepOutcome::Done => "done",
            StepOutcome::Failed => "FAILED",
            StepOutcome::NotDone => "not done",
        };
        let action = s.action.as_deref().map(|a| format!("?action={a}"));
        let _ = write!(
            text,
            "{what}: stage {} {} {}{}",
            s.stage,
            s.method,
            s.location,
            action.unwrap_or_default()
        );
        if let Some(e) = &s.error {
            let _ = write!(text, " ({e})");
        }
        text.push('\n');
    }
    let done = report
        .steps
        .iter()
        .filter(|s| s.outcome == StepOutcome::Done)
        .count();
    if global.verbosity() > Verbosity::Quiet || !report.complete {
        let _ = writeln!(
            text,
            "Applied: {done} of {} operations in {} HTTP calls.",
            report.steps.len(),
            report.calls.len()
        );
    }
    eprint!("{text}");
    Ok(())
}

// Progress on stderr in the text format: a bar per stage on a terminal (indicatif), a line
// per stage and per operation otherwise (logs); nothing with --quiet or --format json.
fn progress(global: &GlobalArgs) -> Option<Arc<dyn Fn(Progress) + Send + Sync>> {
    if global.format == Format::Json || global.verbosity() == Verbosity::Quiet {
        return None;
    }
    if std::io::stderr().is_terminal() {
        let bar = Arc::new(std::sync::Mutex::new(None::<indicatif::ProgressBar>));
        return Some(Arc::new(move |p: Progress| {
            let Ok(mut bar) = bar.lock() else {
                return;
            };
            match p {
                Progress::Stage {
                    stage,
                    stages,
                    operations,
                } => {
                    if let Some(done) = bar.take() {
                        done.finish();
                    }
                    let b = indicatif::ProgressBar::new(operations as u64);
                    b.set_style(bar_style());
                    b.set_prefix(format!("stage {stage}/{stages}"));
                    *bar = Some(b);
                }
                Progress::Operation {
                    method,
                    location,
                    ok,
                    ..
                } => {
                    if let Some(b) = bar.as_ref() {
                        if !ok {
                            b.println(format!("{method} {location}: FAILED"));
                        }
                        b.set_message(format!("{method} {location}"));
                        b.inc(1);
                        if b.position() >= b.length().unwrap_or(0) {
                            b.finish();
                        }
                    }
                }
            }
        }));
    }
    Some(Arc::new(move |p: Progress| match p {
        Progress::Stage {
            stage,
            stages,
            operations,
        } => eprintln!("stage {stage}/{stages}: {operations} calls"),
        Progress::Operation {
            method,
            location,
            ok,
            ..
        } => {
            let status = if ok { "ok" } else { "FAILED" };
            eprintln!("  {method} {location}: {status}");
        }
    }))
}

/// The bar of a stage of calls (and of an upload's bytes, with `bytes`).
pub(crate) fn bar_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ")
}

fn confirm() -> Result<bool, CliError> {
    eprint!("Apply this plan? Only `yes` is accepted: ");
    std::io::stderr().flush().map_err(CliError::Io)?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(CliError::Io)?;
    Ok(line.trim() == "yes")
}

/// A client error as the CLI's usage/I-O error (exit 2).
pub(crate) fn client_error(e: ClientError) -> CliError {
    CliError::usage(e)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(value).map_err(|e| CliError::Io(std::io::Error::other(e)))
}

fn strategies() -> impl TypedValueParser<Value = Strategy> {
    PossibleValuesParser::new(Strategy::ALL.map(|s| PossibleValue::new(s.name()).help(s.summary())))
        .try_map(|name| name.parse::<Strategy>())
}
