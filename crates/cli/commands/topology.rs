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
    /// The topology wanted.
    target: PathBuf,
}

/// Arguments of `tern plan`.
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    topologies: TopologyArgs,
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
    let (runtime, target) = read_both(args, global.format)?;
    let comparison = try_compare(&runtime, &target, &args.strategy, &Limits::default())
        .map_err(CliError::usage)?;
    match global.format {
        Format::Json => output::print_json(&to_json(&comparison.diff())?)?,
        _ => output::print(&diff_text(&comparison))?,
    }
    Ok(Outcome::Ok)
}

/// `tern plan`.
pub(crate) fn plan_command(args: &PlanArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (runtime, target) = read_both(&args.topologies, global.format)?;
    let comparison = try_compare(
        &runtime,
        &target,
        &args.topologies.strategy,
        &Limits::default(),
    )
    .map_err(CliError::usage)?;
    let p = plan(&comparison, &Catalogue::infrastructure(OcciVersion::V1_2));
    match (args.graph, global.format) {
        (Some(Graph::Dot), _) => output::print(&plan_dot(&p))?,
        (Some(Graph::Mermaid), _) => output::print(&plan_mermaid(&p))?,
        (None, Format::Json) => output::print_json(&to_json(&p)?)?,
        (None, _) => output::print(&plan_text(&p))?,
    }
    Ok(Outcome::Ok)
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
fn read_both(args: &TopologyArgs, format: Format) -> Result<(Collection, Collection), CliError> {
    let mut findings = Findings::default();
    let runtime = read_collection(&args.runtime, &mut findings)?;
    let target = read_collection(&args.target, &mut findings)?;
    match runtime.zip(target) {
        Some(both) => {
            if !findings.list().is_empty() {
                findings.eprint(format);
            }
            Ok(both)
        }
        None => Err(findings.into()),
    }
}

// An entity collection in any OCCI rendering (detected from the content); its findings are
// added to `findings`.
fn read_collection(path: &Path, findings: &mut Findings) -> Result<Option<Collection>, CliError> {
    let (name, text) = crate::input::text(Some(path))?;
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    let source = Source::new(&name, &text, None);
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
