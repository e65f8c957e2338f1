//! `tern ovf ...`: inspect, validate, format and edit OVF descriptors (tern-ovf).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use tern_diag::Finding;
use tern_ovf::info::Info;
use tern_ovf::{Document, Envelope, Mode, Tree, ValidateOptions, edit};

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
    /// Change hardware (of one deployment option), properties or the default deployment option; only edited elements are rewritten, to stdout unless -o or --in-place.
    #[command(
        after_help = "Examples:\n  tern ovf edit vm.ovf --cpus 4 --memory 8GiB -o large.ovf\n  tern ovf edit vm.ovf --memory 4096 --profile large --in-place\n  tern ovf edit vm.ovf --prop hostname=web1 --default-option small"
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
    /// Where to write the edited descriptor (atomically; `-` is stdout). Without -o or
    /// --in-place it goes to stdout.
    #[arg(short, long, conflicts_with = "in_place")]
    output: Option<PathBuf>,
    /// Rewrite FILE itself (atomically; its mode and owner are kept).
    #[arg(long)]
    in_place: bool,
    /// The virtual system to edit, by ovf:id (default: the first one; --add-prop also takes
    /// a VirtualSystemCollection).
    #[arg(long)]
    system: Option<String>,
    /// Number of virtual CPUs (of the deployment option given by --profile). The Item's
    /// ElementName/Description follows when it states the count ("2 virtual CPU(s)").
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    cpus: Option<u64>,
    /// Memory (of the deployment option given by --profile). A bare number is MiB, as in
    /// COT (--memory 4096 is 4 GiB); or with a unit: 4G, 4GiB, 4GB, 4096M, 4096MiB, 1.5G
    /// (K, M, G, T, KB, MB, GB, TB are binary, as in COT and CIM; DSP0004's kilobyte,
    /// megabyte… are decimal). Exact: a size that is no whole number of bytes is refused.
    #[arg(long, value_name = "SIZE")]
    memory: Option<String>,
    /// Set the default of a declared property: KEY=VALUE (repeatable; KEY may be
    /// class.key.instance). An undeclared KEY is an error: --add-prop declares one.
    #[arg(long = "prop", value_name = "KEY=VALUE")]
    props: Vec<String>,
    /// Declare a property KEY=VALUE (or KEY, without a default) in the system's first
    /// ProductSection, which is created when the system has none.
    #[arg(long = "add-prop", value_name = "KEY[=VALUE]")]
    add_prop: Option<String>,
    /// The type of the --add-prop property (default: string); its value must fit it.
    #[arg(long = "type", value_name = "TYPE", requires = "add_prop",
          value_parser = clap::builder::PossibleValuesParser::new(edit::PROPERTY_TYPES))]
    prop_type: Option<String>,
    /// The Label of the --add-prop property.
    #[arg(long, requires = "add_prop")]
    label: Option<String>,
    /// The Description of the --add-prop property.
    #[arg(long, requires = "add_prop")]
    description: Option<String>,
    /// Mark the --add-prop property ovf:userConfigurable="true".
    #[arg(long, requires = "add_prop")]
    user_configurable: bool,
    /// Mark the --add-prop property ovf:password="true".
    #[arg(long, requires = "add_prop")]
    password: bool,
    /// Add a network adapter connected to NETWORK (repeatable).
    #[arg(long = "add-nic", value_name = "NETWORK")]
    add_nics: Vec<String>,
    /// Set the NIC type (rasd:ResourceSubType, written as given: E1000, E1000e, VMXNET3,
    /// virtio, PCNet32…) of the network adapters of the deployment option given by
    /// --profile: all of them, or those --nic names.
    #[arg(long = "nic-type", alias = "nic-types", value_name = "TYPE")]
    nic_type: Option<String>,
    /// A network adapter --nic-type changes, by InstanceID or ElementName (repeatable).
    #[arg(long = "nic", value_name = "ID|NAME", requires = "nic_type")]
    nics: Vec<String>,
    /// Add a serial port (ResourceType 21) connected to URI, its rasd:Connection (e.g.
    /// telnet://:9001; "" for none), for the deployment option given by --profile, else for
    /// every option (repeatable).
    #[arg(long = "add-serial", value_name = "URI")]
    add_serials: Vec<String>,
    /// Add a blank disk of SIZE, e.g. 20GiB (a bare number is bytes; repeatable).
    #[arg(long = "add-disk", value_name = "SIZE")]
    add_disks: Vec<String>,
    /// Remove the items with this instance id (repeatable).
    #[arg(long = "remove-item", value_name = "INSTANCEID")]
    remove_items: Vec<String>,
    /// The deployment option (COT's profile) whose hardware --cpus, --memory, --nic-type
    /// and --add-serial change (default: the declared default); the other options keep
    /// theirs.
    #[arg(
        long = "deployment-option",
        visible_alias = "profile",
        alias = "profiles",
        value_name = "NAME"
    )]
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
    /// The descriptors: OVF files of any name (.ovf, .xml, none), OVA archives (their
    /// descriptor is read in place), `-` for standard input; the content decides.
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
    #[command(flatten)]
    limits: super::ova::MemberLimit,
}

#[derive(Debug, Args)]
struct InfoArgs {
    /// The descriptor: an OVF file of any name (.ovf, .xml, none), an OVA archive (its
    /// descriptor is read in place), `-` for standard input; the content decides.
    file: PathBuf,
    /// Show texts with an ovf:msgid in this language (xml:lang of a Strings bundle).
    #[arg(long)]
    lang: Option<String>,
    #[command(flatten)]
    limits: super::ova::MemberLimit,
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
        OvfCommand::Fmt(a) => fmt(a, global),
        OvfCommand::Edit(a) => edit(a, global),
        OvfCommand::Env(a) => env(a, global),
    }
}

fn info(args: &InfoArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    // `info` only reads: the compact tree (a fraction of the lossless Document's memory),
    // dropped once the typed view holds what is shown.
    let (name, tree) = load_tree(&args.file, global, Some(args.limits.max_members))?;
    let mut env = Envelope::read_tree(&tree);
    let root_name = tree.root().name().qualified();
    let root_position = tree.root().position();
    drop(tree);
    // Message bundles are files beside the descriptor (or members of its archive); standard
    // input has neither.
    let stdin = crate::input::is_stdin(&args.file);
    for problem in env.load_external_strings(|href| {
        if stdin {
            None
        } else {
            bundle(&args.file, href, args.limits.max_members)
        }
    }) {
        let warning = Finding::warning("OVF-STRINGS-BUNDLE", problem).in_file(&name);
        Findings::from(vec![warning]).eprint(global);
    }
    if env.dialect.dialect == tern_ovf::Dialect::Unknown {
        let message = format!("the root element <{root_name}> is not an OVF Envelope");
        return Err(CliError::invalid(
            Finding::error(tern_ovf::Rule::Envelope.id(), message)
                .at(root_position)
                .in_file(&name),
        ));
    }
    let info = Info::localized(&env, args.lang.as_deref());
    match global.format {
        Format::Json => {
            let value = serde_json::to_value(&info).map_err(std::io::Error::other)?;
            output::print_json(&value)?;
        }
        Format::Text | Format::Markdown => output::print_text(&info.to_text())?,
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
        // The content decides: an XML file of any name, a tar archive (OVA), `-` for stdin.
        let stdin = crate::input::is_stdin(path);
        let archive = !stdin && crate::input::is_ova(path);
        let read = crate::input::descriptor_in(path, global, Some(args.limits.max_members));
        let (name, bytes) = match read {
            Ok(read) => read,
            // Too large, a broken archive: a finding about this file; the others are read.
            Err(CliError::Invalid(found)) => {
                invalid = true;
                let name = if stdin {
                    crate::input::STDIN.to_owned()
                } else {
                    path.display().to_string()
                };
                files.push(serde_json::json!({ "file": name, "valid": false }));
                findings.extend(found.list().iter().cloned());
                continue;
            }
            Err(e) => {
                // Said now, in the --format shape; the last one also decides the exit code.
                if let Some(earlier) = usage_error.replace(e) {
                    earlier.into_findings().0.eprint(global);
                }
                continue;
            }
        };
        let options = ValidateOptions {
            mode,
            // Files of an archive are checked by the package verification below (no base
            // directory, as for standard input); the descriptor's own href check is an
            // error with --check-files wherever the descriptor comes from.
            check_files: args.check_files,
            base_dir: (!archive && !stdin).then(|| {
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }),
            parse: crate::input::ovf_options(global),
        };
        let report = tern_ovf::validate_owned(bytes, &options);
        let mut file_findings: Vec<tern_diag::Finding> = report
            .findings
            .into_iter()
            .map(|f| f.in_file(&name))
            .collect();
        if args.check_files && !stdin {
            // Manifest digests, the certificate's digest, missing and unlisted files. An href
            // refused by the package check (OVA-HREF, as `ova verify` and `ova pack` say it)
            // is said once: not again as the descriptor's OVF-FILE-HREF.
            let package = super::ova::package_findings(path, args.limits.max_members);
            let refused: Vec<_> = package
                .iter()
                .filter(|f| f.rule == "OVA-HREF")
                .map(|f| f.position)
                .collect();
            file_findings.retain(|f| {
                !(f.rule == tern_ovf::Rule::FileHref.id() && refused.contains(&f.position))
            });
            file_findings.extend(package);
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
        output::print_text(&summary(checked, shown.list()))?;
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

fn fmt(args: &FmtArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    if !crate::input::is_stdin(&args.file) {
        check_extension(&args.file)?;
    }
    let (name, bytes) = crate::input::bytes(&args.file, global)?;
    // An unedited document is written back as its input (`Document::to_bytes`): reading it
    // without keeping the tree is the whole check, in memory that does not grow with it.
    if let Err(e) = Document::check(&bytes, &crate::input::ovf_options(global)) {
        return Err(not_read(
            &name,
            &e,
            Document::decode(&bytes).ok().as_deref(),
        ));
    }
    match &args.output {
        Some(out) => output::write_file(out, &bytes)?,
        None => output::print_bytes(&bytes)?,
    }
    Ok(Outcome::Ok)
}

/// What `ovf edit` made: the edited descriptor, where it goes, and what the edits report
/// besides the values asked for (new ids, texts said again, fields dropped).
struct Edited {
    bytes: Vec<u8>,
    /// `None`: stdout.
    target: Option<PathBuf>,
    applied: edit::Applied,
}

// Exit codes: a malformed flag value (a size, a type, a property value outside the type
// given with it, an undeclared deployment option) is a usage error (2); a descriptor that
// lacks what the edit needs (no such system, Item, NIC, property or network) or refuses the
// value (outside a declared property type) is invalid input (1). Nothing is written then.
fn edit(args: &EditArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let edited = edit_descriptor(args, global)?;
    if !edited.applied.dropped.is_empty() {
        let warning = Finding::warning(
            "OVF-EDIT",
            format!(
                "dropped fields without an OVF 1.x equivalent: {}",
                edited.applied.dropped.join(", ")
            ),
        )
        .in_file(args.file.display());
        Findings::from(vec![warning]).eprint(global);
    }
    if let Some(path) = &edited.target {
        output::write_file(path, &edited.bytes)?;
    }
    match (global.format, &edited.target) {
        // JSON: what was done, and where the document went (or the document itself).
        (Format::Json, target) => {
            let mut summary = serde_json::json!({
                "file": args.file.display().to_string(),
                "applied": edited.applied,
            });
            match target {
                Some(path) => summary["written"] = path.display().to_string().into(),
                None => {
                    summary["document"] =
                        String::from_utf8_lossy(&edited.bytes).into_owned().into();
                }
            }
            output::print_json(&summary)?;
        }
        (_, Some(_)) => {}
        (_, None) => output::print_bytes(&edited.bytes)?,
    }
    Ok(Outcome::Ok)
}

fn edit_descriptor(args: &EditArgs, global: &GlobalArgs) -> Result<Edited, CliError> {
    let edits = edit_request(args)?;
    let mut doc = load(&args.file, global)?;
    let applied = edit::apply(&mut doc, &edits).map_err(|e| match &e {
        edit::EditError::UnknownDeploymentOption(_) => {
            CliError::usage(format!("{}: {e}", args.file.display()))
        }
        edit::EditError::BadNicType(_) => CliError::usage(format!("--nic-type: {e}")),
        edit::EditError::BadKey(_) | edit::EditError::BadNewValue { .. } => {
            CliError::usage(format!("--add-prop: {e}"))
        }
        e if e.is_usage() => CliError::usage(e),
        edit::EditError::NoProperty { key, .. } => CliError::invalid(
            Finding::error(
                "OVF-EDIT",
                format!("{e}; --add-prop {key}=VALUE declares it"),
            )
            .in_file(args.file.display()),
        ),
        e => CliError::invalid(
            Finding::error("OVF-EDIT", e.to_string()).in_file(args.file.display()),
        ),
    })?;
    let target = if args.in_place {
        Some(args.file.clone())
    } else {
        args.output.clone()
    };
    Ok(Edited {
        bytes: doc.to_bytes(),
        target,
        applied,
    })
}

/// The edits the flags ask for; malformed values are usage errors naming their flag.
fn edit_request(args: &EditArgs) -> Result<edit::Edits, CliError> {
    let hardware = args.cpus.is_some()
        || args.memory.is_some()
        || args.nic_type.is_some()
        || !args.add_serials.is_empty();
    if args.deployment_option.is_some() && !hardware {
        return Err(CliError::usage_with_help(
            "--deployment-option (--profile) chooses the option whose --cpus, --memory, --nic-type or --add-serial change, and none is given",
            "to make an option the default, use --default-option NAME",
        ));
    }
    let size = |flag: &str, parsed: Result<u128, edit::EditError>| {
        parsed.map_err(|e| CliError::usage(format!("{flag}: {e}")))
    };
    let mut edits = edit::Edits::default();
    edits.system.clone_from(&args.system);
    edits.option.clone_from(&args.deployment_option);
    edits.cpus = args.cpus;
    edits.memory = args
        .memory
        .as_deref()
        .map(|m| size("--memory", edit::parse_memory(m)))
        .transpose()?;
    if let Some(spec) = &args.add_prop {
        let (key, value) = match spec.split_once('=') {
            Some((key, value)) => (key, Some(value.to_string())),
            None => (spec.as_str(), None),
        };
        if key.is_empty() {
            return Err(CliError::usage_with_help(
                format!("--add-prop: `{spec}` has no key"),
                "write --add-prop KEY=VALUE",
            ));
        }
        let mut p = edit::NewProperty::new(key, args.prop_type.as_deref().unwrap_or("string"));
        p.value = value;
        p.label.clone_from(&args.label);
        p.description.clone_from(&args.description);
        p.user_configurable = args.user_configurable;
        p.password = args.password;
        edits.new_property = Some(p);
    }
    for prop in &args.props {
        let (key, value) = split_prop(prop)?;
        edits.properties.push((key.to_string(), value.to_string()));
    }
    edits.remove_items.clone_from(&args.remove_items);
    edits.add_nics.clone_from(&args.add_nics);
    edits.nic_type.clone_from(&args.nic_type);
    edits.nics.clone_from(&args.nics);
    edits.add_serials.clone_from(&args.add_serials);
    for disk in &args.add_disks {
        edits
            .add_disks
            .push(size("--add-disk", edit::parse_size(disk))?);
    }
    edits.default_option.clone_from(&args.default_option);
    edits
        .virtual_system_type
        .clone_from(&args.virtual_system_type);
    edits.ovf_version = args.ovf_version.as_deref().map(|v| {
        if v == "1" {
            edit::OvfVersion::V1
        } else {
            edit::OvfVersion::V2
        }
    });
    Ok(edits)
}

fn env(args: &EnvArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (_, tree) = load_tree(&args.file, global, None)?;
    let mut values = BTreeMap::new();
    for prop in &args.props {
        let (key, value) = split_prop(prop)?;
        values.insert(key.to_string(), value.to_string());
    }
    let envelope = Envelope::read_tree(&tree);
    drop(tree);
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
fn bundle(descriptor: &Path, href: &str, max_members: usize) -> Option<Vec<u8>> {
    let relative = Path::new(href);
    let plain = !href.contains("://")
        && relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return None;
    }
    if crate::input::is_ova(descriptor) {
        let mut ova = tern_ova::Ova::open_with_limit(descriptor, max_members).ok()?;
        return ova
            .read_member_to_vec(href, tern_ovf::model::MAX_BUNDLE as u64)
            .ok();
    }
    let dir = descriptor.parent().unwrap_or(Path::new(""));
    // Bounded as the archive member is: a bundle may be a link to a device.
    crate::input::read_file(
        &dir.join(relative),
        href,
        tern_ovf::model::MAX_BUNDLE as u64,
    )
    .ok()
}

/// The descriptor of a file of any name (an XML file, or the first member of a tar
/// archive), or of standard input for `-`, read into the compact read-only [`Tree`] (the
/// commands that only read), with the name its findings carry (`<stdin>`,
/// `ARCHIVE/MEMBER`, or the path). `max_members`: the command's `--max-members`, when it
/// has the flag.
fn load_tree(
    path: &Path,
    global: &GlobalArgs,
    max_members: Option<usize>,
) -> Result<(String, Tree), CliError> {
    let (name, bytes) = crate::input::descriptor_in(path, global, max_members)?;
    let tree = Tree::parse_owned(bytes, &crate::input::ovf_options(global))
        .map_err(|failure| not_read(&name, &failure.error, failure.text.as_deref()))?;
    Ok((name, tree))
}

// Malformed XML is invalid input (exit 1): an OVF-XML finding shown with its source line
// (decoded as the reader decodes it, so UTF-16 shows as text, not as raw bytes).
// Read with `--max-input-size`, the bound the input was read with.
// The bytes become the document's text (no second copy of a large descriptor).
fn parse(name: &str, bytes: Vec<u8>, global: &GlobalArgs) -> Result<Document, CliError> {
    Document::parse_owned(bytes, &crate::input::ovf_options(global))
        .map_err(|failure| not_read(name, &failure.error, failure.text.as_deref()))
}

// An OVF-XML finding, with the source line when there is text to show (an encoding tern
// does not read has none).
fn not_read(name: &str, error: &tern_ovf::ParseError, text: Option<&str>) -> CliError {
    let finding = error.to_finding().in_file(name);
    match text {
        Some(text) => CliError::invalid_in(finding, text),
        None => CliError::invalid(finding),
    }
}

/// Reads and parses a descriptor file (or standard input for `-`), whatever its name (the
/// content decides). I/O problems and archives are usage errors (exit 2); malformed XML and
/// a descriptor beyond `--max-input-size` are invalid input (exit 1), the former shown with
/// its source line.
fn load(path: &Path, global: &GlobalArgs) -> Result<Document, CliError> {
    if !crate::input::is_stdin(path) {
        check_extension(path)?;
    }
    let (name, bytes) = crate::input::bytes(path, global)?;
    parse(&name, bytes, global)
}

/// Refuses archives where a descriptor file is edited or written back: an `.ova`, or a
/// file of any name that is a tar archive. Any other name is read as XML.
fn check_extension(path: &Path) -> Result<(), CliError> {
    if crate::input::is_ova(path) {
        return Err(CliError::usage_with_help(
            format!(
                "{}: OVA archives are not read by `tern ovf`",
                path.display()
            ),
            "use `tern ova ...` for archives",
        ));
    }
    Ok(())
}
