//! `tern ovf ...`: inspect, validate, format and edit OVF descriptors (tern-ovf).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use tern_diag::Finding;
use tern_ovf::info::Info;
use tern_ovf::{Document, Envelope, Mode, ValidateOptions, edit};

use crate::app::{Format, GlobalArgs, Verbosity};
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// Inspect, validate, format and edit OVF descriptors.
#[derive(Debug, Args)]
pub struct OvfArgs {
    #[command(subcommand)]
    command: OvfCommand,
}

#[derive(Debug, Subcommand)]
enum OvfCommand {
    /// Show dialect, systems, hardware, disks, networks and properties of a descriptor.
    #[command(
        after_help = "Examples:\n  tern ovf info vm.ova --lang de-DE\n  tern --format json ovf info vm.ovf"
    )]
    Info(InfoArgs),
    /// Check descriptors against the OVF rules; one line per finding, exit 1 if any is invalid.
    #[command(
        after_help = "Examples:\n  tern ovf validate --check-files vm.ovf\n  tern --format json ovf validate --lax *.ovf"
    )]
    Validate(ValidateArgs),
    /// Read a descriptor and write it back (byte-identical when nothing is edited).
    #[command(
        after_help = "Examples:\n  tern ovf fmt vm.ovf | cmp - vm.ovf\n  tern ovf fmt vm.ovf -o copy.ovf"
    )]
    Fmt(FmtArgs),
    /// Change hardware (of one deployment option), properties or the default deployment option; only edited elements are rewritten.
    #[command(
        after_help = "Examples:\n  tern ovf edit vm.ovf --cpus 4 --memory 8GiB -o large.ovf\n  tern ovf edit vm.ovf --prop hostname=web1 --default-option small"
    )]
    Edit(Box<EditArgs>),
    /// Print the OVF environment (ovf-env.xml) a guest would receive.
    #[command(
        after_help = "Examples:\n  tern ovf env vm.ovf --prop hostname=web1 > ovf-env.xml\n  tern --format json ovf env vm.ovf --id web --deployment-option large"
    )]
    Env(EnvArgs),
}

#[derive(Debug, Args)]
struct EditArgs {
    /// The descriptor (.ovf).
    file: PathBuf,
    /// Where to write (atomically); the input file when absent.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The virtual system to edit, by ovf:id (default: the first one).
    #[arg(long)]
    system: Option<String>,
    /// Number of virtual CPUs (of the deployment option given by --deployment-option).
    #[arg(long)]
    cpus: Option<u64>,
    /// Memory size, e.g. 4GiB, 512MiB, 2048MB (a bare number is bytes), of the deployment
    /// option given by --deployment-option.
    #[arg(long)]
    memory: Option<String>,
    /// Set a property default: KEY=VALUE (repeatable).
    #[arg(long = "prop", value_name = "KEY=VALUE")]
    props: Vec<String>,
    /// Add a network adapter connected to NETWORK (repeatable).
    #[arg(long = "add-nic", value_name = "NETWORK")]
    add_nics: Vec<String>,
    /// Add a blank disk of SIZE, e.g. 20GiB (repeatable).
    #[arg(long = "add-disk", value_name = "SIZE")]
    add_disks: Vec<String>,
    /// Remove the items with this instance id (repeatable).
    #[arg(long = "remove-item", value_name = "INSTANCEID")]
    remove_items: Vec<String>,
    /// The deployment option whose hardware --cpus and --memory change (default: the
    /// declared default); the other options keep theirs.
    #[arg(long = "deployment-option", value_name = "NAME")]
    deployment_option: Option<String>,
    /// Make NAME the default deployment option.
    #[arg(long = "default-option", value_name = "NAME")]
    default_option: Option<String>,
    /// Set the hardware family (vssd:VirtualSystemType), e.g. vmx-13.
    #[arg(long = "virtual-system-type", value_name = "TYPE")]
    virtual_system_type: Option<String>,
    /// Convert to OVF 1.x (RASD items only) or 2.x (EthernetPortItem/StorageItem).
    #[arg(long = "ovf-version", value_name = "1|2", value_parser = ["1", "2"])]
    ovf_version: Option<String>,
}

#[derive(Debug, Args)]
struct EnvArgs {
    /// The descriptor (.ovf).
    file: PathBuf,
    /// The ovf:id of the system or collection the environment is for (default: the top level).
    #[arg(long)]
    id: Option<String>,
    /// Deployment option whose property defaults apply (default: the declared default).
    #[arg(long = "deployment-option", value_name = "NAME")]
    deployment_option: Option<String>,
    /// A property value: KEY=VALUE (repeatable).
    #[arg(long = "prop", value_name = "KEY=VALUE")]
    props: Vec<String>,
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
    /// Missing referenced files are errors, their sizes must match ovf:size, and the
    /// manifest's digests (and the certificate's digest of it) must match the files.
    #[arg(long)]
    check_files: bool,
}

#[derive(Debug, Args)]
struct InfoArgs {
    /// The descriptor (.ovf), or an archive (.ova) whose descriptor is read in place.
    file: PathBuf,
    /// Show texts with an ovf:msgid in this language (xml:lang of a Strings bundle).
    #[arg(long)]
    lang: Option<String>,
}

#[derive(Debug, Args)]
struct FmtArgs {
    /// The descriptor (.ovf); `-` reads standard input (UTF-8).
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
        OvfCommand::Edit(a) => edit(a),
        OvfCommand::Env(a) => env(a, global),
    }
}

fn info(args: &InfoArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let doc = load_readable(&args.file)?;
    let mut env = Envelope::read(&doc);
    for problem in env.load_external_strings(|href| bundle(&args.file, href)) {
        let warning = Finding::warning("OVF-STRINGS-BUNDLE", problem).in_file(args.file.display());
        eprintln!("{warning}");
    }
    if env.dialect.dialect == tern_ovf::Dialect::Unknown {
        let message = format!(
            "the root element <{}> is not an OVF Envelope",
            doc.root().name().qualified()
        );
        return Err(CliError::invalid(
            Finding::error(tern_ovf::Rule::Envelope.id(), message)
                .at(doc.element_position(doc.root()))
                .in_file(args.file.display()),
        ));
    }
    let info = Info::localized(&env, args.lang.as_deref());
    match global.format {
        Format::Json => {
            let value = serde_json::to_value(&info).map_err(std::io::Error::other)?;
            output::print_json(&value)?;
        }
        Format::Text | Format::Markdown => output::print(&info.to_text())?,
    }
    Ok(Outcome::Ok)
}

fn validate(args: &ValidateArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let mode = if args.lax { Mode::Lax } else { Mode::Strict };
    let mut invalid = false;
    let mut usage_error = None;
    let mut findings = Findings::default();
    let mut files = Vec::new();
    for path in &args.files {
        let archive = crate::input::is_ova(path);
        if !archive && let Err(e) = check_extension(path) {
            usage_error = Some(e);
            continue;
        }
        let (name, bytes) = match crate::input::descriptor(path) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("{}: error: cannot read the descriptor", path.display());
                usage_error = Some(e);
                continue;
            }
        };
        let options = ValidateOptions {
            mode,
            // Files of an archive are checked by the package verification below.
            check_files: args.check_files && !archive,
            base_dir: (!archive).then(|| {
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }),
        };
        let report = tern_ovf::validate_bytes(&bytes, &options);
        let mut file_findings: Vec<tern_diag::Finding> = report
            .findings
            .into_iter()
            .map(|f| f.in_file(&name))
            .collect();
        if args.check_files {
            // Manifest digests, the certificate's digest, missing and unlisted files.
            file_findings.extend(super::ova::package_findings(path));
        }
        let valid = !tern_diag::has_errors(&file_findings);
        invalid |= !valid;
        files.push(serde_json::json!({
            "file": name,
            "valid": valid,
            "dialect": report.dialect.dialect,
        }));
        findings.extend(file_findings);
    }
    let checked = files.len();
    let mut extra = serde_json::Map::new();
    extra.insert("files".into(), serde_json::Value::Array(files));
    // Notes in text only with --verbose (JSON has every finding).
    let shown = if global.verbosity() == Verbosity::Verbose || global.format == Format::Json {
        findings
    } else {
        findings.shown(Verbosity::Quiet)
    };
    shown.print(global, extra)?;
    if let Some(e) = usage_error {
        return Err(e);
    }
    if invalid {
        return Ok(Outcome::Invalid);
    }
    if global.format != Format::Json && global.verbosity() > Verbosity::Quiet {
        output::print(&summary(checked, shown.list()))?;
    }
    Ok(Outcome::Ok)
}

// `ok: 2 files, 1 warning`: the line a valid run ends with.
fn summary(files: usize, findings: &[Finding]) -> String {
    let warnings = findings
        .iter()
        .filter(|f| f.severity == tern_diag::Severity::Warning)
        .count();
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    format!(
        "ok: {}, {}\n",
        plural(files, "file"),
        plural(warnings, "warning")
    )
}

fn fmt(args: &FmtArgs) -> Result<Outcome, CliError> {
    let doc = if args.file.as_os_str() == "-" {
        let (name, text) = crate::input::text(Some(&args.file))?;
        parse(&name, text.as_bytes())?
    } else {
        load(&args.file)?
    };
    let bytes = doc.to_bytes();
    match &args.output {
        Some(out) => output::write_file(out, &bytes)?,
        None => output::print_bytes(&bytes)?,
    }
    Ok(Outcome::Ok)
}

fn edit(args: &EditArgs) -> Result<Outcome, CliError> {
    let mut doc = load(&args.file)?;
    let system = args.system.as_deref();
    let invalid = |e: tern_ovf::edit::EditError| {
        CliError::invalid(Finding::error("OVF-EDIT", e.to_string()).in_file(args.file.display()))
    };
    let usage = |e: tern_ovf::edit::EditError| CliError::usage(format!("{e}"));
    // An undeclared option is a usage error that names the declared ones.
    let hardware = |e: tern_ovf::edit::EditError| match e {
        tern_ovf::edit::EditError::UnknownDeploymentOption(_) => {
            CliError::usage(format!("{}: {e}", args.file.display()))
        }
        e => invalid(e),
    };
    let option = args.deployment_option.as_deref();
    if option.is_some() && args.cpus.is_none() && args.memory.is_none() {
        return Err(CliError::usage_with_help(
            "--deployment-option chooses the option whose --cpus or --memory to change, and neither is given",
            "to make an option the default, use --default-option NAME",
        ));
    }
    if let Some(n) = args.cpus {
        edit::set_cpus_for(&mut doc, system, option, n).map_err(hardware)?;
    }
    if let Some(m) = &args.memory {
        let bytes = edit::parse_size(m).map_err(usage)?;
        edit::set_memory_for(&mut doc, system, option, bytes).map_err(hardware)?;
    }
    for prop in &args.props {
        let (key, value) = split_prop(prop)?;
        edit::set_property(&mut doc, key, value).map_err(invalid)?;
    }
    for id in &args.remove_items {
        edit::remove_item(&mut doc, system, id).map_err(invalid)?;
    }
    for network in &args.add_nics {
        edit::add_nic(&mut doc, system, network).map_err(invalid)?;
    }
    for size in &args.add_disks {
        let bytes = edit::parse_size(size).map_err(usage)?;
        edit::add_disk(&mut doc, system, bytes).map_err(invalid)?;
    }
    if let Some(option) = &args.default_option {
        edit::set_default_deployment_option(&mut doc, option).map_err(hardware)?;
    }
    if let Some(ty) = &args.virtual_system_type {
        edit::set_virtual_system_type(&mut doc, system, ty).map_err(invalid)?;
    }
    if let Some(version) = &args.ovf_version {
        let target = if version == "1" {
            edit::OvfVersion::V1
        } else {
            edit::OvfVersion::V2
        };
        let dropped = edit::convert_version(&mut doc, target).map_err(invalid)?;
        if !dropped.is_empty() {
            eprintln!(
                "{}: warning: dropped fields without an OVF 1.x equivalent: {}",
                args.file.display(),
                dropped.join(", ")
            );
        }
    }
    let target = args.output.as_ref().unwrap_or(&args.file);
    output::write_file(target, &doc.to_bytes())?;
    Ok(Outcome::Ok)
}

fn env(args: &EnvArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let doc = load_readable(&args.file)?;
    let mut values = BTreeMap::new();
    for prop in &args.props {
        let (key, value) = split_prop(prop)?;
        values.insert(key.to_string(), value.to_string());
    }
    let envelope = Envelope::read(&doc);
    let xml = tern_ovf::environment(
        &envelope,
        args.id.as_deref(),
        args.deployment_option.as_deref(),
        &values,
    )
    .map_err(|e| match e {
        tern_ovf::EnvironmentError::UnknownDeploymentOption(_) => {
            CliError::usage(format!("{}: {e}", args.file.display()))
        }
        e => {
            CliError::invalid(Finding::error("OVF-ENV", e.to_string()).in_file(args.file.display()))
        }
    })?;
    match global.format {
        // The environment stays the document a guest reads, wrapped with what chose it.
        Format::Json => output::print_json(&serde_json::json!({
            "file": args.file.display().to_string(),
            "id": args.id,
            "deploymentOption": args.deployment_option,
            "environment": xml,
        }))?,
        Format::Text | Format::Markdown => output::print(&xml)?,
    }
    Ok(Outcome::Ok)
}

fn split_prop(prop: &str) -> Result<(&str, &str), CliError> {
    prop.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| {
            CliError::usage_with_help(
                format!("`{prop}` is not KEY=VALUE"),
                "write --prop KEY=VALUE",
            )
        })
}

/// The bytes of an external message bundle: a member of the archive, or a file beside the
/// descriptor. Only plain relative names are followed (no `..`, no absolute paths, no URLs).
fn bundle(descriptor: &Path, href: &str) -> Option<Vec<u8>> {
    let relative = Path::new(href);
    let plain = !href.contains("://")
        && relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return None;
    }
    if crate::input::is_ova(descriptor) {
        let mut ova = tern_ova::Ova::open(descriptor).ok()?;
        return ova
            .read_member_to_vec(href, tern_ovf::model::MAX_BUNDLE as u64)
            .ok();
    }
    let dir = descriptor.parent().unwrap_or(Path::new(""));
    std::fs::read(dir.join(relative)).ok()
}

/// Like [`load`], but an `.ova` gives its descriptor (for the commands that only read).
fn load_readable(path: &Path) -> Result<Document, CliError> {
    if !crate::input::is_ova(path) {
        return load(path);
    }
    let (name, bytes) = crate::input::descriptor(path)?;
    parse(&name, &bytes)
}

// Malformed XML is invalid input (exit 1): an OVF-XML finding shown with its source line.
fn parse(name: &str, bytes: &[u8]) -> Result<Document, CliError> {
    Document::parse(bytes).map_err(|e| {
        CliError::invalid_in(
            e.to_finding().in_file(name),
            &String::from_utf8_lossy(bytes),
        )
    })
}

/// Reads and parses a descriptor. I/O problems and wrong file kinds are usage errors (exit
/// 2); malformed XML is invalid input (exit 1) shown with its source line.
fn load(path: &Path) -> Result<Document, CliError> {
    check_extension(path)?;
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    parse(&path.display().to_string(), &bytes)
}

fn check_extension(path: &Path) -> Result<(), CliError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("ovf") => Ok(()),
        Some("ova") => Err(CliError::usage_with_help(
            format!(
                "{}: OVA archives are not read by `tern ovf`",
                path.display()
            ),
            "use `tern ova ...` for archives",
        )),
        _ => Err(CliError::usage_with_help(
            format!("{}: not an .ovf file", path.display()),
            "OVF descriptors end in .ovf",
        )),
    }
}
