//! `tern occi convert` and `tern occi validate`: thin wrappers over `tern_occi`.

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use clap::Args;
use tern_diag::{Finding, Severity};
use tern_model::{Catalogue, OcciVersion};
use tern_occi::{Leniency, LeniencySet, MediaType, ParseOptions, Unknowns};

use crate::app::{Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;

/// Arguments of `tern occi convert`.
#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    /// Media type of the input: text/plain, text/occi+plain, text/occi, text/uri-list,
    /// application/occi+json (or plain, occi+plain, occi, uri-list, json).
    #[arg(long, value_name = "MEDIA", value_parser = parse_media)]
    from: MediaType,
    /// Media type of the output (same names).
    #[arg(long, value_name = "MEDIA", value_parser = parse_media)]
    to: MediaType,
    /// Exactly the grammar: every leniency is an error.
    #[arg(long)]
    strict: bool,
    /// Accept only these leniencies (comma-separated names, e.g. `trailing-semicolon,obs-fold`);
    /// every other deviation is an error.
    #[arg(long, value_name = "NAMES", value_delimiter = ',', value_parser = parse_leniency)]
    allow: Vec<Leniency>,
    /// OCCI version whose grammar and catalogue apply.
    #[arg(long = "version", value_name = "VERSION", default_value = "1.2", value_parser = parse_version)]
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
    /// Exactly the grammar, and unknown categories/attributes are errors (not warnings).
    #[arg(long)]
    strict: bool,
    /// Accept only these leniencies (comma-separated names); every other deviation is an error.
    #[arg(long, value_name = "NAMES", value_delimiter = ',', value_parser = parse_leniency)]
    allow: Vec<Leniency>,
    /// OCCI version whose grammar and catalogue apply.
    #[arg(long = "version", value_name = "VERSION", default_value = "1.2", value_parser = parse_version)]
    occi_version: OcciVersion,
    /// Media type of all inputs (default: from the extension: .json, .hdr = text/occi,
    /// .uri = text/uri-list, anything else text/plain).
    #[arg(long, value_name = "MEDIA", value_parser = parse_media)]
    media: Option<MediaType>,
    /// The files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_media(text: &str) -> Result<MediaType, String> {
    let full = match text {
        "plain" => "text/plain",
        "occi+plain" => "text/occi+plain",
        "occi" => "text/occi",
        "uri-list" | "uri" => "text/uri-list",
        "json" | "occi+json" => "application/occi+json",
        other => other,
    };
    full.parse()
        .map_err(|e: tern_occi::media::UnknownMediaType| e.to_string())
}

fn parse_version(text: &str) -> Result<OcciVersion, String> {
    text.parse()
        .map_err(|e: tern_model::UnknownVersion| e.to_string())
}

fn parse_leniency(text: &str) -> Result<Leniency, String> {
    text.parse()
        .map_err(|e: tern_occi::leniency::UnknownLeniency| {
            let names: Vec<&str> = Leniency::ALL.iter().map(|l| l.name()).collect();
            format!("{e} (known: {})", names.join(", "))
        })
}

/// All leniencies by default; none with `--strict`; exactly the named ones with `--allow`.
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

fn read_input(path: Option<&Path>) -> Result<(String, String), CliError> {
    match path {
        None => read_stdin(),
        Some(p) if p.as_os_str() == "-" => read_stdin(),
        Some(p) => fs::read_to_string(p)
            .map(|text| (p.display().to_string(), text))
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", p.display()))),
    }
}

fn read_stdin() -> Result<(String, String), CliError> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?;
    Ok(("<stdin>".to_owned(), text))
}

fn print_findings(file: &str, findings: &[Finding]) {
    let mut err = io::stderr().lock();
    for f in findings {
        let _ = writeln!(err, "{}", f.clone().in_file(file));
    }
}

/// `tern occi convert`.
pub(crate) fn convert(args: &ConvertArgs, _global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (name, text) = read_input(args.input.as_deref())?;
    let catalogue = Catalogue::infrastructure(args.occi_version);
    let parsed = match tern_occi::read(
        &text,
        args.from,
        &options(args.strict, &args.allow, args.occi_version),
        &catalogue,
    ) {
        Ok(p) => p,
        Err(e) => {
            print_findings(&name, e.findings());
            return Ok(Outcome::Invalid);
        }
    };
    print_findings(&name, &parsed.warnings);
    let rendered = tern_occi::write(&parsed.value, args.to);
    print_findings(&name, &rendered.notes);
    if rendered.notes.iter().any(|n| n.severity == Severity::Error) {
        // The output would be incomplete; write nothing rather than half a document.
        return Ok(Outcome::Invalid);
    }
    match &args.output {
        Some(path) => output::write_file(path, rendered.text.as_bytes())?,
        None => output::print(&rendered.text)?,
    }
    Ok(Outcome::Ok)
}

fn media_of(path: &Path) -> MediaType {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => MediaType::OcciJson,
        Some("hdr" | "headers") => MediaType::TextOcci,
        Some("uri" | "uris") => MediaType::UriList,
        _ => MediaType::TextPlain,
    }
}

/// `tern occi validate`.
pub(crate) fn validate(args: &ValidateArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let catalogue = Catalogue::infrastructure(args.occi_version);
    let options = options(args.strict, &args.allow, args.occi_version);
    let unknowns = if args.strict {
        Unknowns::Reject
    } else {
        Unknowns::Warn
    };
    let mut invalid = false;
    let mut unreadable = None;
    let mut report = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{name}: error: cannot read: {e}");
                unreadable = Some(name);
                continue;
            }
        };
        let media = args.media.unwrap_or_else(|| media_of(path));
        let findings = tern_occi::validate(&text, media, &options, &catalogue, unknowns);
        invalid |= findings.iter().any(|f| f.severity == Severity::Error);
        match global.format {
            Format::Json => report.extend(findings.iter().map(|f| finding_json(&name, f))),
            Format::Text | Format::Markdown => {
                let mut lines = String::new();
                for f in &findings {
                    lines.push_str(&f.clone().in_file(&name).to_string());
                    lines.push('\n');
                }
                output::print(&lines)?;
            }
        }
    }
    if global.format == Format::Json {
        output::print_json(&serde_json::Value::Array(report))?;
    }
    if let Some(name) = unreadable {
        return Err(CliError::usage(format!("could not read {name}")));
    }
    Ok(if invalid {
        Outcome::Invalid
    } else {
        Outcome::Ok
    })
}

fn finding_json(file: &str, f: &Finding) -> serde_json::Value {
    serde_json::json!({
        "file": file,
        "line": f.position.map(|p| p.line),
        "column": f.position.map(|p| p.column),
        "severity": f.severity.as_str(),
        "rule": f.rule,
        "message": f.message,
    })
}
