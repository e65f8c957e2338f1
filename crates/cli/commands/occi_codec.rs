//! `tern occi convert` and `tern occi validate`: thin wrappers over `tern_occi`.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value, json};
use tern_diag::Finding;
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{
    CollectionForm, Document, Leniency, LeniencySet, MediaType, ParseOptions, Source, Unknowns,
    ValidationMode, WriteOptions,
};

use crate::app::GlobalArgs;
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// Arguments of `tern occi convert`.
#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    /// Media type of the input: text/plain, text/occi+plain, text/occi, text/uri-list,
    /// application/occi+json (or plain, occi+plain, occi, uri-list, json); detected from the
    /// content when absent.
    #[arg(long, value_name = "MEDIA")]
    from: Option<MediaType>,
    /// Media type of the output (same names).
    #[arg(long, value_name = "MEDIA")]
    to: MediaType,
    /// How a text rendering renders an entity collection (required when the input has
    /// entity bodies and --to is text/plain, text/occi+plain or text/occi): `locations`,
    /// GFD.229's form, one X-OCCI-Location per entity, their bodies left out; or `bodies`,
    /// tern's form, one rendering per resource or link separated by a blank line, which tern
    /// reads back (text/plain and text/occi+plain only: text/occi carries one entity).
    #[arg(long, value_name = "FORM", value_parser = parse_form)]
    collection: Option<CollectionForm>,
    /// Exactly the grammar: every leniency is an error.
    #[arg(long)]
    strict: bool,
    /// Accept only these leniencies (comma-separated names, e.g. `trailing-semicolon,obs-fold`);
    /// every other deviation is an error.
    #[arg(long, value_name = "NAMES", value_delimiter = ',', value_parser = parse_leniency)]
    allow: Vec<Leniency>,
    /// OCCI version whose grammar and catalogue apply.
    #[arg(long = "version", value_name = "VERSION", default_value = "1.2")]
    occi_version: OcciVersion,
    /// Write the result here (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The input file; `-` or nothing reads stdin.
    input: Option<PathBuf>,
}

/// Arguments of `tern occi validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Unknown categories and attributes are errors too (by default, provider extensions are
    /// warnings).
    #[arg(long)]
    strict: bool,
    /// Accept these deviations from the grammar as warnings (comma-separated leniency
    /// names); by default every deviation is an error.
    #[arg(long, value_name = "NAMES", value_delimiter = ',', value_parser = parse_leniency, conflicts_with = "lenient")]
    allow: Vec<Leniency>,
    /// Accept every named deviation real servers produce as a warning (as `occi convert`,
    /// `diff`, `plan` and `occi2ovf` do by default).
    #[arg(long)]
    lenient: bool,
    /// OCCI version whose grammar and catalogue apply.
    #[arg(long = "version", value_name = "VERSION", default_value = "1.2")]
    occi_version: OcciVersion,
    /// Media type of all inputs (default: detected from each file's content).
    #[arg(long, value_name = "MEDIA")]
    media: Option<MediaType>,
    /// Judge the entities as create requests (what a client sends; what ovf2occi writes):
    /// no id needed, nor what the server sets (states); what the provider assigns (a NIC's
    /// MAC, a storage link's device id) is only noted. Without it they are judged as
    /// instances, as a server renders them.
    #[arg(long)]
    request: bool,
    /// The files to check; `-` reads stdin.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_form(text: &str) -> Result<CollectionForm, String> {
    text.parse()
}

fn parse_leniency(text: &str) -> Result<Leniency, String> {
    text.parse()
        .map_err(|e: tern_occi::leniency::UnknownLeniency| {
            let names: Vec<&str> = Leniency::ALL.iter().map(|l| l.name()).collect();
            format!("{e} (known: {})", names.join(", "))
        })
}

/// The leniencies of a reader (`occi convert`): all by default, as warnings; none with
/// `--strict`; exactly the named ones with `--allow`.
fn options(strict: bool, allow: &[Leniency], version: OcciVersion) -> ParseOptions {
    let leniencies = if strict || !allow.is_empty() {
        allow.iter().copied().collect()
    } else {
        LeniencySet::all()
    };
    ParseOptions {
        version,
        leniencies,
    }
}

/// The leniencies of `occi validate`, a checker: none by default (exactly the grammar);
/// the named ones with `--allow`, all with `--lenient`; a create request (`--request`) needs
/// no id.
fn validate_options(args: &ValidateArgs) -> ParseOptions {
    let leniencies: LeniencySet = if args.lenient {
        LeniencySet::all()
    } else {
        args.allow.iter().copied().collect()
    };
    let leniencies = if args.request {
        leniencies.with(Leniency::MissingId)
    } else {
        leniencies
    };
    ParseOptions {
        version: args.occi_version,
        leniencies,
    }
}

/// `tern occi convert`.
pub(crate) fn convert(args: &ConvertArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let input = crate::input::text(args.input.as_deref(), global)?;
    let name = &input.name;
    let catalogue = Catalogue::infrastructure(args.occi_version);
    let source = Source::new(name, &input.text, args.from);
    let options = options(args.strict, &args.allow, args.occi_version);
    let mut findings = Findings::default();
    findings.extend(input.notes.iter().cloned());
    findings.extend(crate::input::media_note(&source, global));
    let parsed = match source.read(&options, &catalogue) {
        Ok(parsed) => parsed,
        Err(e) => {
            findings.extend(e.into_findings());
            return Err(findings.into());
        }
    };
    let collection = match args.collection {
        Some(form) => form,
        None => unchosen_form(name, &parsed.value, args.to)?,
    };
    findings.extend(parsed.warnings);
    let rendered = tern_occi::write_with(&parsed.value, args.to, &WriteOptions { collection });
    findings.extend(rendered.notes.into_iter().map(|n| n.in_file(name)));
    if !findings.is_valid() {
        // The output would be incomplete; write nothing rather than half a document.
        return Err(findings.into());
    }
    findings.warn(global);
    match &args.output {
        Some(path) => output::write_file(path, rendered.text.as_bytes())?,
        None => output::print(&rendered.text)?,
    }
    Ok(Outcome::Ok)
}

// The collection form when none was asked for: a text rendering of entity bodies must be
// chosen, since GFD.229's form drops the bodies and tern's is no specification's.
fn unchosen_form(
    name: &str,
    document: &Document,
    to: MediaType,
) -> Result<CollectionForm, CliError> {
    let Document::Listing(listing) = document else {
        return Ok(CollectionForm::Locations);
    };
    let links = listing.links.len()
        + listing
            .resources
            .iter()
            .map(|r| r.links.len())
            .sum::<usize>();
    let entities = listing.resources.len() + listing.links.len();
    let choices = match to {
        MediaType::TextPlain | MediaType::TextOcciPlain => format!(
            "choose `--collection bodies` (one {media} rendering per entity, separated by blank lines; tern reads it back) or `--collection locations` (the specification's form)",
            media = to.essence()
        ),
        MediaType::TextOcci => "choose `--collection locations` (the specification's form), or `--to text/plain --collection bodies`, or `--to application/occi+json` (text/occi carries one entity, in the headers of one message)".to_owned(),
        _ => return Ok(CollectionForm::Locations),
    };
    if entities == 0 {
        return Ok(CollectionForm::Locations);
    }
    Err(CliError::usage_with_help(
        format!(
            "{name} is an entity collection ({} resources, {links} links): {} renders a collection as its entities' locations only (GFD.229), which drops their bodies",
            listing.resources.len(),
            to.essence()
        ),
        choices,
    ))
}

/// `tern occi validate`: the report on stdout, one `files` entry per input.
pub(crate) fn validate(args: &ValidateArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let catalogue = Catalogue::infrastructure(args.occi_version);
    let options = validate_options(args);
    let unknowns = if args.strict {
        Unknowns::Reject
    } else {
        Unknowns::Warn
    };
    let mode = if args.request {
        ValidationMode::Request
    } else {
        ValidationMode::Instance
    };
    let mut report = Findings::default();
    let mut files = Vec::new();
    let mut unreadable = None;
    for path in &args.files {
        let input = match crate::input::text(Some(path), global) {
            Ok(input) => input,
            // Not UTF-8, too large: a finding about this file; the others are still read.
            Err(CliError::Invalid(findings)) => {
                files.push(json!({ "file": path.display().to_string(), "valid": false }));
                report.extend(findings.list().iter().cloned());
                continue;
            }
            Err(e) => {
                unreadable.get_or_insert(e);
                continue;
            }
        };
        let source = Source::new(&input.name, &input.text, args.media);
        report.extend(input.notes.iter().cloned());
        report.extend(crate::input::media_note(&source, global));
        let found = source.validate(&options, &catalogue, unknowns, mode);
        files.push(json!({
            "file": input.name,
            "valid": !tern_diag::has_errors(&found),
            "media": source.media().essence(),
        }));
        report.extend(found);
    }
    let provider_set = report
        .list()
        .iter()
        .filter(|f| f.rule == tern_occi::Rule::MissingProviderValue)
        .count();
    if provider_set > 0 {
        report.extend([Finding::note(
            "cli.request",
            format!(
                "the entities were judged as instances, as a server renders them: {provider_set} findings are about what the provider sets (ids, states, MACs); `--request` judges them as create requests, as a client sends them (and ovf2occi writes them)"
            ),
        )]);
    }
    let mut extra = Map::new();
    extra.insert("files".into(), Value::Array(files));
    report.print(global, extra)?;
    if let Some(e) = unreadable {
        return Err(e);
    }
    Ok(if report.is_valid() {
        Outcome::Ok
    } else {
        Outcome::Invalid
    })
}
