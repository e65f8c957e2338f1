//! `tern diff` and `tern plan`: compare a runtime OCCI topology with a target one and plan
//! the calls that adapt it (thin wrappers over `tern_engine`, reading with `tern_occi`).

use std::io;
use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};
use tern_engine::{
    Limits, Strategy, diff_text, plan, plan_dot, plan_mermaid, plan_text, try_compare,
};
use tern_model::{Catalogue, Collection, OcciVersion};
use tern_occi::{ParseOptions, Source};

use crate::app::{Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// Examples of `tern diff`.
pub(crate) const DIFF_EXAMPLES: &str = "\
Examples:
  tern diff running.json wanted.json
  tern diff --detailed-exitcode running.json wanted.json || echo \"changes (2) or error (1)\"

Exit codes: 0 whatever the differences; with --detailed-exitcode, 0 none, 1 any error,
2 differences (as terraform plan -detailed-exitcode).";

/// Examples of `tern plan`.
pub(crate) const PLAN_EXAMPLES: &str = "\
Examples:
  curl -s https://cloud.example/-/ | tern plan - wanted.json
  tern plan --graph dot running.json wanted.json | dot -Tsvg > plan.svg

Exit codes: 0 whatever the plan; with --detailed-exitcode, 0 nothing to do, 1 any error,
2 calls to make (as terraform plan -detailed-exitcode).";

/// Arguments of `tern diff` and `tern plan`.
#[derive(Debug, Args)]
pub(crate) struct TopologyArgs {
    /// How resources are paired: tern's consistent assignment (default) or one of the
    /// published strategies of Erbel et al. (identity, similarity, mixed).
    #[arg(long, default_value_t = Strategy::Tern, value_parser = strategies())]
    strategy: Strategy,
    /// The topology as it runs (an OCCI entity collection in any rendering, detected from
    /// the content; `-` reads stdin).
    runtime: PathBuf,
    /// The topology wanted (`-` reads stdin, when the runtime does not).
    target: PathBuf,
    /// Exit 2 when there are differences (calls to make), 0 when there are none, and 1 for
    /// any error, usage errors included: `terraform plan -detailed-exitcode`'s codes.
    #[arg(long)]
    pub(crate) detailed_exitcode: bool,
}

/// Arguments of `tern plan`.
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    pub(crate) topologies: TopologyArgs,
    /// Draw the staged plan as a graph instead of `--format` output.
    #[arg(long, value_enum, value_name = "GRAPH")]
    graph: Option<Graph>,
}

/// Graph renderings of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Graph {
    /// Graphviz dot.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

/// `tern diff`.
pub(crate) fn diff(args: &TopologyArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (runtime, target) = read_both(args, global)?;
    let comparison = try_compare(&runtime, &target, &args.strategy, &Limits::default())
        .map_err(CliError::usage)?;
    let diff = comparison.diff();
    match global.format {
        Format::Json => output::print_json(&to_json(&diff)?)?,
        _ => output::print_text(&diff_text(&comparison))?,
    }
    let unchanged = diff.updated.is_empty() && diff.new.is_empty() && diff.missing.is_empty();
    Ok(outcome(args, unchanged))
}

/// `tern plan`.
pub(crate) fn plan_command(args: &PlanArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (runtime, target) = read_both(&args.topologies, global)?;
    let comparison = try_compare(
        &runtime,
        &target,
        &args.topologies.strategy,
        &Limits::default(),
    )
    .map_err(CliError::usage)?;
    let p = plan(&comparison, &Catalogue::infrastructure(OcciVersion::V1_2));
    let nothing_to_do = p.is_empty();
    match (args.graph, global.format) {
        (Some(Graph::Dot), _) => output::print(&plan_dot(&p))?,
        (Some(Graph::Mermaid), _) => output::print(&plan_mermaid(&p))?,
        (None, Format::Json) => output::print_json(&to_json(&p)?)?,
        (None, _) => output::print_text(&plan_text(&p))?,
    }
    Ok(outcome(&args.topologies, nothing_to_do))
}

// `Changes` only when asked for with --detailed-exitcode.
fn outcome(args: &TopologyArgs, unchanged: bool) -> Outcome {
    if args.detailed_exitcode && !unchanged {
        Outcome::Changes
    } else {
        Outcome::Ok
    }
}

// The engine's strategies, offered under their names with their summaries as help.
fn strategies() -> impl TypedValueParser<Value = Strategy> {
    PossibleValuesParser::new(Strategy::ALL.map(|s| PossibleValue::new(s.name()).help(s.summary())))
        .try_map(|name| name.parse::<Strategy>())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(value).map_err(|e| CliError::Io(io::Error::other(e)))
}

// Both collections; their warnings on stderr (in the `--format` shape), or every finding of
// both inputs as the error when one of them is no entity collection.
fn read_both(
    args: &TopologyArgs,
    global: &GlobalArgs,
) -> Result<(Collection, Collection), CliError> {
    if is_stdin(&args.runtime) && is_stdin(&args.target) {
        return Err(CliError::usage_with_help(
            "the runtime and the target cannot both be standard input",
            "give one of them as a file",
        ));
    }
    let mut findings = Findings::default();
    let runtime = read_collection(&args.runtime, global, &mut findings)?;
    let target = read_collection(&args.target, global, &mut findings)?;
    match runtime.zip(target) {
        Some(both) => {
            findings.warn(global);
            Ok(both)
        }
        None => Err(findings.into()),
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

// An entity collection in any OCCI rendering (detected from the content); its findings are
// added to `findings`.
fn read_collection(
    path: &Path,
    global: &GlobalArgs,
    findings: &mut Findings,
) -> Result<Option<Collection>, CliError> {
    let input = crate::input::text(Some(path), global)?;
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let source = Source::new(&input.name, &input.text, None);
    findings.extend(input.notes.iter().cloned());
    findings.extend(crate::input::media_note(&source, global));
    match tern_occi::read_collection(&source, &ParseOptions::lenient(), &catalogue) {
        Ok(read) => {
            findings.extend(read.warnings);
            Ok(Some(read.value.collection))
        }
        Err(e) => {
            findings.extend(e.into_findings());
            Ok(None)
        }
    }
}
