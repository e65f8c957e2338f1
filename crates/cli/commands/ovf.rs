//! `tern ovf ...`: inspect, validate, format and edit OVF descriptors (tern-ovf).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use tern_ovf::info::Info;
use tern_ovf::{Document, Envelope, Mode, ValidateOptions};

use crate::app::{Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;

/// Inspect, validate, format and edit OVF descriptors.
#[derive(Debug, Args)]
pub struct OvfArgs {
    #[command(subcommand)]
    command: OvfCommand,
}

#[derive(Debug, Subcommand)]
enum OvfCommand {
    /// Show dialect, systems, hardware, disks, networks and properties of a descriptor.
    Info(InfoArgs),
    /// Check descriptors against the OVF rules; one line per finding, exit 1 if any is invalid.
    Validate(ValidateArgs),
    /// Read a descriptor and write it back (byte-identical when nothing is edited).
    Fmt(FmtArgs),
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// The descriptors (.ovf).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// ovftool's default conformance rules, each dialect judged by its own (the default).
    #[arg(long, conflicts_with = "lax")]
    strict: bool,
    /// Relax element order, vendor sections without schema and exporter quirks to warnings.
    #[arg(long)]
    lax: bool,
    /// Missing referenced files are errors, and their sizes must match ovf:size.
    #[arg(long)]
    check_files: bool,
}

#[derive(Debug, Args)]
struct InfoArgs {
    /// The descriptor (.ovf). OVA archives are handled by `tern ova`.
    file: PathBuf,
}

#[derive(Debug, Args)]
struct FmtArgs {
    /// The descriptor (.ovf).
    file: PathBuf,
    /// Where to write (atomically); stdout when absent.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Runs `tern ovf ...`.
pub(crate) fn run(args: &OvfArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    match &args.command {
        OvfCommand::Info(a) => info(a, global),
        OvfCommand::Validate(a) => validate(a, global),
        OvfCommand::Fmt(a) => fmt(a),
    }
}

fn info(args: &InfoArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let doc = match load(&args.file)? {
        Ok(doc) => doc,
        Err(outcome) => return Ok(outcome),
    };
    let env = Envelope::read(&doc);
    if env.dialect.dialect == tern_ovf::Dialect::Unknown {
        let root = doc.root();
        eprintln!(
            "{}:1:1: error[OVF-ENVELOPE]: the root element <{}> is not an OVF Envelope",
            args.file.display(),
            root.name().qualified()
        );
        return Ok(Outcome::Invalid);
    }
    let info = Info::new(&env);
    match global.format {
        Format::Json => {
            let value = serde_json::to_value(&info).map_err(std::io::Error::other)?;
            output::print_json(&value)?;
        }
        Format::Text => output::print(&info.to_text())?,
    }
    Ok(Outcome::Ok)
}

fn validate(args: &ValidateArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let mode = if args.lax { Mode::Lax } else { Mode::Strict };
    let mut invalid = false;
    let mut usage_error = None;
    let mut text = String::new();
    let mut json = Vec::new();
    for path in &args.files {
        if let Err(e) = check_extension(path) {
            usage_error = Some(e);
            continue;
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: error: cannot read: {e}", path.display());
                usage_error = Some(CliError::Usage(miette::miette!(
                    "cannot read {}: {e}",
                    path.display()
                )));
                continue;
            }
        };
        let options = ValidateOptions {
            mode,
            check_files: args.check_files,
            base_dir: Some(
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            ),
        };
        let report = tern_ovf::validate_bytes(&bytes, &options);
        invalid |= !report.is_valid();
        let name = path.display().to_string();
        for finding in &report.findings {
            text.push_str(&finding.render(&name));
            text.push('\n');
        }
        json.push(serde_json::json!({
            "file": name,
            "valid": report.is_valid(),
            "dialect": report.dialect.dialect,
            "findings": report.findings.iter().map(|f| serde_json::json!({
                "rule": f.rule.id(),
                "severity": f.severity,
                "line": f.position.line,
                "column": f.position.column,
                "message": f.message,
            })).collect::<Vec<_>>(),
        }));
    }
    match global.format {
        Format::Json => output::print_json(&serde_json::Value::Array(json))?,
        Format::Text => output::print(&text)?,
    }
    if let Some(e) = usage_error {
        return Err(e);
    }
    Ok(if invalid {
        Outcome::Invalid
    } else {
        Outcome::Ok
    })
}

fn fmt(args: &FmtArgs) -> Result<Outcome, CliError> {
    let doc = match load(&args.file)? {
        Ok(doc) => doc,
        Err(outcome) => return Ok(outcome),
    };
    let bytes = doc.to_bytes();
    match &args.output {
        Some(out) => tern_ovf::write_atomically(out, &bytes)
            .map_err(|e| CliError::Usage(miette::miette!("cannot write {}: {e}", out.display())))?,
        None => output::print_bytes(&bytes)?,
    }
    Ok(Outcome::Ok)
}

/// Reads and parses a descriptor. I/O problems and wrong file kinds are usage errors (exit
/// 2); malformed XML prints a positioned diagnostic and yields `Outcome::Invalid` (exit 1).
fn load(path: &Path) -> Result<Result<Document, Outcome>, CliError> {
    check_extension(path)?;
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::Usage(miette::miette!("cannot read {}: {e}", path.display())))?;
    match Document::parse(&bytes) {
        Ok(doc) => Ok(Ok(doc)),
        Err(e) => {
            let text = String::from_utf8_lossy(&bytes);
            eprint!("{}", e.render(&path.display().to_string(), &text));
            Ok(Err(Outcome::Invalid))
        }
    }
}

fn check_extension(path: &Path) -> Result<(), CliError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("ovf") => Ok(()),
        Some("ova") => Err(CliError::Usage(miette::miette!(
            help = "use `tern ova ...` for archives",
            "{}: OVA archives are not read by `tern ovf`",
            path.display()
        ))),
        _ => Err(CliError::Usage(miette::miette!(
            help = "OVF descriptors end in .ovf",
            "{}: not an .ovf file",
            path.display()
        ))),
    }
}
