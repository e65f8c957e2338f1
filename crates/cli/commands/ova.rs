//! `tern ova ...`: list, verify, unpack and pack OVA archives (library: tern-ova).
//!
//! Findings print through `report::Findings`, one per line as
//! `OVA/MEMBER:LINE:COL: error[RULE-ID]: message` (the `/MEMBER` and `:LINE:COL` parts are
//! left out when a finding has none), or as the findings JSON of
//! `schemas/findings.schema.json` with the verification's facts beside `valid` and `findings`.
//!
//! `pack` ships the files the descriptor's References list, as tern-ovf reads them.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};
use tern_diag::Finding;
use tern_ova::{Algorithm, Ova, OvaError, PackOptions, Progress, UnpackOptions, Verification};

use crate::app::{Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// OVA subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum OvaCommand {
    /// List the members of an OVA (name, size, header format, offset).
    #[command(
        after_help = "Examples:\n  tern ova list vm.ova\n  tern --format json ova list vm.ova"
    )]
    List(ListArgs),
    /// Check every member against the manifest (and the certificate's manifest digest); given
    /// an .ovf, check the package directory the same way.
    #[command(
        after_help = "Examples:\n  tern ova verify vm.ova\n  tern ova verify unpacked/vm.ovf"
    )]
    Verify(VerifyArgs),
    /// Extract an OVA into a directory, verifying digests while writing.
    #[command(
        after_help = "Examples:\n  tern ova unpack vm.ova -d vm/\n  tern ova unpack vm.ova -d vm/ --force"
    )]
    Unpack(UnpackArgs),
    /// Write an OVA (plain ustar): descriptor, manifest, then the referenced files.
    #[command(
        after_help = "Examples:\n  tern ova pack vm.ovf -o vm.ova\n  tern ova pack vm.ovf -o vm.ova --manifest sha1 --mtime 0 --force"
    )]
    Pack(PackArgs),
}

/// Arguments of `tern ova list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The OVA archive.
    pub(crate) ova: PathBuf,
    #[command(flatten)]
    pub(crate) limits: MemberLimit,
}

/// Arguments of `tern ova verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The OVA archive, or an .ovf descriptor to verify with the files beside it.
    pub(crate) ova: PathBuf,
    #[command(flatten)]
    pub(crate) limits: MemberLimit,
}

/// `--max-members`, shared by the commands that open an archive.
#[derive(Debug, Args)]
pub(crate) struct MemberLimit {
    /// Refuse archives of more than N members (files and directories).
    #[arg(long, value_name = "N", default_value_t = tern_ova::DEFAULT_MAX_MEMBERS)]
    pub(crate) max_members: usize,
}

/// Arguments of `tern ova unpack`.
#[derive(Debug, Args)]
pub(crate) struct UnpackArgs {
    /// The OVA archive.
    pub(crate) ova: PathBuf,
    /// Directory to extract into (created if missing); nothing is written outside it.
    #[arg(short = 'd', long = "directory", value_name = "DIR")]
    pub(crate) dir: PathBuf,
    /// Replace files that already exist in DIR.
    #[arg(long)]
    pub(crate) force: bool,
    #[command(flatten)]
    pub(crate) limits: MemberLimit,
}

/// Arguments of `tern ova pack`.
#[derive(Debug, Args)]
pub(crate) struct PackArgs {
    /// The OVF descriptor; the files its References list are taken from beside it.
    pub(crate) ovf: PathBuf,
    /// The OVA to write (written to a temporary file beside it, then renamed).
    #[arg(short, long, value_name = "OUT.ova")]
    pub(crate) output: PathBuf,
    /// Replace OUT.ova if it exists.
    #[arg(long)]
    pub(crate) force: bool,
    /// Manifest digest algorithm: sha1 for OVF 1.x consumers (older ESXi/vCenter).
    #[arg(long, value_enum, default_value_t = ManifestAlgorithm::Sha256)]
    pub(crate) manifest: ManifestAlgorithm,
    /// Fixed modification time (seconds since 1970) for every member, for reproducible
    /// archives; default: each file's own mtime.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) mtime: Option<u64>,
}

/// `--manifest` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ManifestAlgorithm {
    /// SHA-1 (OVF 1.x consumers).
    Sha1,
    /// SHA-256 (ovftool's default).
    Sha256,
    /// SHA-512.
    Sha512,
}

/// Runs an OVA subcommand.
pub(crate) fn run(command: &OvaCommand, global: &GlobalArgs) -> Result<Outcome, CliError> {
    match command {
        OvaCommand::List(args) => list(args, global),
        OvaCommand::Verify(args) => verify(args, global),
        OvaCommand::Unpack(args) => unpack(args, global),
        OvaCommand::Pack(args) => pack(args, global),
    }
}

fn list(args: &ListArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let ova = Ova::open_with_limit(&args.ova, args.limits.max_members)
        .map_err(|e| failure(&args.ova, &e))?;
    match global.format {
        Format::Json => {
            let members: Vec<serde_json::Value> = ova
                .members()
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "name": m.name,
                        "kind": format!("{:?}", m.kind).to_lowercase(),
                        "size": m.size,
                        "mtime": m.mtime,
                        "mode": format!("{:o}", m.mode),
                        "format": m.format.name(),
                        "header_offset": m.header_offset,
                        "data_offset": m.data_offset,
                    })
                })
                .collect();
            output::print_json(&serde_json::json!({ "file": args.ova, "members": members }))?;
        }
        Format::Text | Format::Markdown => {
            let mut out = String::new();
            for m in ova.members() {
                let _ = writeln!(
                    out,
                    "{:>14}  {:<5}  @{:<12}  {}{}",
                    m.size,
                    m.format.name(),
                    m.header_offset,
                    tern_diag::quote::escape(&m.name),
                    if m.kind == tern_ova::MemberKind::Directory {
                        "/"
                    } else {
                        ""
                    }
                );
            }
            output::print(&out)?;
        }
    }
    Ok(Outcome::Ok)
}

fn verify(args: &VerifyArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let mut bar = ProgressLine::new("verifying");
    let is_descriptor = args
        .ova
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ovf"));
    let report = if is_descriptor {
        tern_ova::verify_package(&args.ova, &mut |p| bar.update(p))
    } else {
        Ova::open_with_limit(&args.ova, args.limits.max_members)
            .and_then(|mut ova| ova.verify(&mut |p| bar.update(p)))
    }
    .map_err(|e| failure(&args.ova, &e));
    bar.clear();
    let report = report?;
    print_report(&args.ova, &report, global, serde_json::Map::new(), None)?;
    Ok(outcome(&report))
}

fn unpack(args: &UnpackArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let mut ova = Ova::open_with_limit(&args.ova, args.limits.max_members)
        .map_err(|e| failure(&args.ova, &e))?;
    let mut bar = ProgressLine::new("unpacking");
    let options = UnpackOptions {
        overwrite: args.force,
    };
    let result = ova
        .unpack(&args.dir, &options, &mut |p| bar.update(p))
        .map_err(|e| match &e {
            OvaError::Io { path, source } if source.kind() == std::io::ErrorKind::AlreadyExists => {
                CliError::usage_with_help(
                    format!("{}: {source}", path.display()),
                    "use --force to replace existing files",
                )
            }
            _ => failure(&args.ova, &e),
        });
    bar.clear();
    let unpacked = result?;
    let summary = format!(
        "unpacked {} file(s) into {}{}",
        unpacked.written.len(),
        args.dir.display(),
        if unpacked.rejected.is_empty() {
            String::new()
        } else {
            format!(
                "; NOT written (digest mismatch): {}",
                unpacked.rejected.join(", ")
            )
        }
    );
    let mut extra = serde_json::Map::new();
    extra.insert("written".into(), serde_json::json!(unpacked.written));
    extra.insert("rejected".into(), serde_json::json!(unpacked.rejected));
    print_report(
        &args.ova,
        &unpacked.verification,
        global,
        extra,
        Some(&summary),
    )?;
    Ok(outcome(&unpacked.verification))
}

fn pack(args: &PackArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let found = tern_ova::referenced_files(&args.ovf).map_err(|e| failure(&args.ovf, &e))?;
    let remote: Vec<Finding> = (found.remote.iter())
        .map(|href| {
            Finding::note(
                "OVA-REMOTE",
                format!("File href \"{href}\" is a URL; it is not packed"),
            )
            .in_file(args.ovf.display())
        })
        .collect();
    Findings::from(remote).warn(global);
    let options = PackOptions {
        algorithm: match args.manifest {
            ManifestAlgorithm::Sha1 => Algorithm::Sha1,
            ManifestAlgorithm::Sha256 => Algorithm::Sha256,
            ManifestAlgorithm::Sha512 => Algorithm::Sha512,
        },
        mtime: args.mtime,
        overwrite: args.force,
    };
    let mut bar = ProgressLine::new("packing");
    let result = tern_ova::pack(&args.ovf, &found.files, &args.output, &options, &mut |p| {
        bar.update(p);
    })
    .map_err(|e| match &e {
        OvaError::Io { path, source } if source.kind() == std::io::ErrorKind::AlreadyExists => {
            CliError::usage_with_help(
                format!("{}: {source}", path.display()),
                "use --force to replace it",
            )
        }
        _ => failure(&args.ovf, &e),
    });
    bar.clear();
    let packed = result?;
    match global.format {
        Format::Json => output::print_json(&serde_json::json!({
            "file": args.output,
            "size": packed.size,
            "members": packed.members,
            "manifest": packed.manifest.render(),
        }))?,
        Format::Text | Format::Markdown => output::print_text(&format!(
            "wrote {} ({} bytes): {}\n",
            args.output.display(),
            packed.size,
            packed.members.join(", ")
        ))?,
    }
    Ok(Outcome::Ok)
}

fn outcome(report: &Verification) -> Outcome {
    if report.is_valid() {
        Outcome::Ok
    } else {
        Outcome::Invalid
    }
}

/// The findings through the one printer (`ARCHIVE/MEMBER:LINE:COL: severity[RULE]: message`
/// lines, or the findings JSON with the verification's facts beside `valid` and `findings`),
/// then, in text, `summary` and the verdict line.
fn print_report(
    ova: &Path,
    report: &Verification,
    global: &GlobalArgs,
    extra: serde_json::Map<String, serde_json::Value>,
    summary: Option<&str>,
) -> Result<(), CliError> {
    let mut findings = Findings::default();
    findings.extend(placed(ova, &report.findings));
    let mut facts = serde_json::Map::new();
    for (key, value) in [
        ("file", serde_json::json!(ova)),
        ("manifest", serde_json::json!(report.manifest)),
        ("certificate", serde_json::json!(report.certificate)),
        (
            "signature_checked",
            serde_json::json!(report.signature_checked),
        ),
        ("verified", serde_json::json!(report.verified)),
    ] {
        facts.insert(key.into(), value);
    }
    facts.extend(extra);
    findings.print(global, facts)?;
    if matches!(global.format, Format::Text | Format::Markdown)
        && global.verbosity() > crate::app::Verbosity::Quiet
    {
        let mut out = String::new();
        if let Some(summary) = summary {
            let _ = writeln!(out, "{summary}");
        }
        let _ = writeln!(
            out,
            "{}: {}: {} member(s) match {}",
            ova.display(),
            if report.is_valid() { "ok" } else { "INVALID" },
            report.verified.len(),
            report.manifest.as_deref().unwrap_or("(no manifest)")
        );
        output::print_text(&out)?;
    }
    Ok(())
}

/// `tern ovf validate --check-files`: the package checks of the OVA or of the descriptor's
/// directory at `path` (manifest digests, the certificate's digest, missing and unlisted
/// files), as findings placed in `path`; an archive of at most `max_members` members.
pub(crate) fn package_findings(path: &Path, max_members: usize) -> Vec<Finding> {
    let verification = if crate::input::is_ova(path) {
        Ova::open_with_limit(path, max_members).and_then(|mut ova| ova.verify(&mut |_| {}))
    } else {
        tern_ova::verify_package(path, &mut |_| {})
    };
    match verification {
        Ok(report) => placed(path, &report.findings),
        Err(e) => vec![placed_error(path, &e)],
    }
}

/// The findings of a verification, placed in `path`: a member's finding becomes
/// `path/member` in an archive, and the file beside the descriptor in a package directory
/// (`dir/vm.ovf` verifying `dir/disk.img`); a finding without a file names `path`.
fn placed(path: &Path, findings: &[Finding]) -> Vec<Finding> {
    let beside = (!crate::input::is_ova(path)).then(|| path.parent().unwrap_or(Path::new("")));
    findings
        .iter()
        .map(|f| match (&f.file, beside) {
            (Some(name), Some(dir)) => {
                let mut f = f.clone();
                f.file = Some(dir.join(name).display().to_string());
                f
            }
            _ => f.clone().in_file(path.display()),
        })
        .collect()
}

/// An error of tern-ova as a finding placed in `path`. Inside an archive a finding's own file
/// is a member (`path/member`); a descriptor on disk is named by its own path already.
fn placed_error(path: &Path, e: &OvaError) -> Finding {
    let finding = e.to_finding();
    if finding.file.is_none() || crate::input::is_ova(path) {
        finding.in_file(path.display())
    } else {
        finding
    }
}

/// Read and format errors are invalid input (exit 1); file-system errors are I/O (exit 2).
fn failure(path: &Path, e: &OvaError) -> CliError {
    match e {
        OvaError::Io { .. } | OvaError::Changed { .. } => CliError::usage(format!("{e}")),
        _ => CliError::invalid(placed_error(path, e)),
    }
}

/// A one-line progress indicator on stderr, drawn only when stderr is a terminal.
struct ProgressLine {
    verb: &'static str,
    enabled: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl ProgressLine {
    fn new(verb: &'static str) -> Self {
        ProgressLine {
            verb,
            enabled: std::io::stderr().is_terminal(),
            last: None,
            drawn: false,
        }
    }

    fn update(&mut self, p: Progress<'_>) {
        if !self.enabled
            || self
                .last
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100) && p.done < p.total)
        {
            return;
        }
        self.last = Some(Instant::now());
        let percent = p
            .done
            .saturating_mul(100)
            .checked_div(p.total)
            .unwrap_or(100);
        let mib = |b: u64| b / (1 << 20);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{} {}: {percent:>3}% ({}/{} MiB)",
            self.verb,
            tern_diag::quote::escape(p.member),
            mib(p.done),
            mib(p.total)
        );
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}
