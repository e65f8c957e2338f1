//! `ovf2occi` and `occi2ovf`: the bridge conversions, shared by `tern` and the shim binaries.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Parser};
use tern_diag::Finding;
use tern_mapping::ovf2occi::{self, Conversion, Options};
use tern_model::OcciVersion;
use tern_occi::{
    CollectionForm, Document, EntityCollection, Listing, MediaType, ParseOptions, Source,
    WriteOptions,
};

use crate::app::{Format, GlobalArgs, Verbosity};
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// Examples of `ovf2occi`.
pub(crate) const OVF2OCCI_EXAMPLES: &str = "\
Examples:
  ovf2occi samples/ovf/hadoop-cluster.ovf --cdmi-base https://cdmi.example.org/hadoop/ -o hadoop.json
  ovf2occi vm.ova --deployment-option large --to text/plain --report unmapped.txt";

/// Examples of `occi2ovf`.
pub(crate) const OCCI2OVF_EXAMPLES: &str = "\
Examples:
  occi2ovf hadoop.json --original samples/ovf/hadoop-cluster.ovf -o hadoop.ovf
  curl -s https://cloud.example/-/ | occi2ovf - --default cpus=2 --default memory=4GiB -o vm.ovf";

/// The `ovf2occi` binary: the conversion and the options every command understands.
#[derive(Debug, Parser)]
#[command(name = "ovf2occi", version, after_help = OVF2OCCI_EXAMPLES)]
pub(crate) struct Ovf2OcciCli {
    #[command(flatten)]
    pub(crate) args: Ovf2OcciArgs,
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
}

/// The `occi2ovf` binary.
#[derive(Debug, Parser)]
#[command(name = "occi2ovf", version, after_help = OCCI2OVF_EXAMPLES)]
pub(crate) struct Occi2OvfCli {
    #[command(flatten)]
    pub(crate) args: Occi2OvfArgs,
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
}

/// Convert an OVF descriptor into an OCCI collection (application/occi+json or text/plain).
#[derive(Debug, Args)]
pub struct Ovf2OcciArgs {
    /// The OVF descriptor (.ovf) or OVA archive (.ova) to convert.
    pub input: PathBuf,
    /// Output media type: application/occi+json (with the definitions of the mixins it uses),
    /// or text/plain / text/occi+plain: every resource in full, one create request body per
    /// resource, bodies separated by a blank line (what `occi convert --collection bodies`
    /// writes and every tern command reads; the mixin definitions travel in JSON only).
    #[arg(long, value_name = "MEDIA", default_value = "application/occi+json")]
    pub to: MediaType,
    /// Base URL of a CDMI container: each disk's data becomes a data object under it, and its
    /// object ID the storage link's device id.
    #[arg(long, value_name = "URL")]
    pub cdmi_base: Option<String>,
    /// The deployment option (DeploymentOptionSection Configuration id) to convert.
    #[arg(long, value_name = "NAME")]
    pub deployment_option: Option<String>,
    /// A property value (repeatable), overriding the descriptor's default.
    #[arg(long = "prop", value_name = "KEY=VALUE", value_parser = parse_property)]
    pub properties: Vec<(String, String)>,
    /// OCCI version of the output: 1.1 keeps `speed`, 1.2 has `share`, `ssh_key`, `user_data`.
    #[arg(long = "occi-version", value_name = "VERSION", default_value = "1.2")]
    pub occi_version: OcciVersion,
    /// Write the report of unmapped OVF elements here (JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Where to write the OCCI rendering (stdout when absent).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Export an OCCI collection as an OVF whose File hrefs are CDMI data links.
#[derive(Debug, Args)]
pub struct Occi2OvfArgs {
    /// The OCCI collection to export (application/occi+json, or text/plain resources
    /// separated by blank lines); `-` reads standard input.
    pub input: PathBuf,
    /// Input media type (detected from the content when absent).
    #[arg(long, value_name = "MEDIA")]
    pub from: Option<MediaType>,
    /// Base URL of the CDMI container holding disk images that carry no `tern.cdmi.uri`.
    #[arg(long, value_name = "URL")]
    pub cdmi_base: Option<String>,
    /// OVF major version of the descriptor made from scratch: 1 or 2.
    #[arg(long, value_name = "1|2", default_value = "1", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub ovf_version: u8,
    /// The envelope the collection came from (the provider kept it), an .ovf or the .ova
    /// holding it: everything OCCI cannot express comes back from it unchanged, an unchanged
    /// collection gives its descriptor back byte for byte.
    #[arg(long, value_name = "ENVELOPE")]
    pub original: Option<PathBuf>,
    /// A value for a fact the collection does not state (repeatable); without one, the
    /// element is left out and a note says so.
    #[arg(long = "default", value_name = "KEY=VALUE", value_parser = parse_default, long_help = defaults_help(), conflicts_with = "original")]
    pub defaults: Vec<(String, String)>,
    /// OCCI version of the input.
    #[arg(long = "occi-version", value_name = "VERSION", default_value = "1.2")]
    pub occi_version: OcciVersion,
    /// Where to write the OVF descriptor (stdout when absent).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `tern ovf2occi`.
pub(crate) fn ovf2occi(args: &Ovf2OcciArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (name, bytes) = crate::input::descriptor(&args.input, global)?;
    let doc = match tern_ovf::Document::parse_with(&bytes, &crate::input::ovf_options(global)) {
        Ok(doc) => doc,
        Err(e) => {
            let source = String::from_utf8_lossy(&bytes);
            return Err(CliError::invalid_in(e.to_finding().in_file(&name), &source));
        }
    };
    let options = Options {
        version: args.occi_version,
        cdmi_base: args.cdmi_base.clone(),
        deployment_option: args.deployment_option.clone(),
        properties: args.properties.clone(),
        envelope_name: args
            .input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        cdmi_enterprise: 0,
    };
    let conversion = match ovf2occi::ovf_to_occi(&doc, &options) {
        Ok(c) => c,
        Err(ovf2occi::BridgeError::BadValue {
            line,
            column,
            message,
        }) => {
            let at = tern_diag::Position::new(line, column);
            return Err(CliError::invalid(
                Finding::error("ovf2occi", message).at(at).in_file(&name),
            ));
        }
        Err(e @ ovf2occi::BridgeError::UnknownDeploymentOption { .. }) => {
            return Err(usage(format!("{name}: {e}")));
        }
        Err(e) => {
            return Err(CliError::invalid(
                Finding::error("ovf2occi", e.to_string()).in_file(&name),
            ));
        }
    };
    let text = render(&conversion, args.to)?;
    match &args.output {
        Some(path) => output::write_file(path, text.as_bytes())?,
        None => output::print(&text)?,
    }
    report(&name, &conversion, args.report.as_deref(), global)?;
    Ok(Outcome::Ok)
}

/// `tern occi2ovf`.
pub(crate) fn occi2ovf(args: &Occi2OvfArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let input = crate::input::text(Some(&args.input), global)?;
    let name = input.name.clone();
    let read = read_collection(&input, args, global)?;
    let exported = match &args.original {
        Some(original) => restore(original, &read.collection, args, global)?,
        None => export(&name, &read.collection, read.catalogue, args)?,
    };
    match &args.output {
        Some(path) => output::write_file(path, &exported.bytes)?,
        None => output::print(&String::from_utf8_lossy(&exported.bytes))?,
    }
    let notes: Vec<Finding> = (exported.dropped.into_iter())
        .map(|line| Finding::note("occi2ovf", line).in_file(&name))
        .chain(
            (exported.missing.into_iter())
                .map(|line| Finding::note("occi2ovf.missing", line).in_file(&name)),
        )
        .collect();
    Findings::from(notes).warn(global);
    Ok(Outcome::Ok)
}

/// A descriptor's bytes, the OCCI facts it does not carry, and what it lacks or took from
/// the defaults.
struct Exported {
    bytes: Vec<u8>,
    dropped: Vec<String>,
    missing: Vec<String>,
}

// The kept envelope with the collection's changes written back.
fn restore(
    original: &Path,
    collection: &tern_model::Collection,
    args: &Occi2OvfArgs,
    global: &GlobalArgs,
) -> Result<Exported, CliError> {
    // An .ova gives the descriptor inside, read as `tern ovf info` reads it.
    let (name, source) = crate::input::descriptor(original, global)?;
    let mut doc = match tern_ovf::Document::parse_with(&source, &crate::input::ovf_options(global))
    {
        Ok(doc) => doc,
        Err(e) => {
            let text = String::from_utf8_lossy(&source);
            return Err(CliError::invalid_in(e.to_finding().in_file(&name), &text));
        }
    };
    let options = Options {
        version: args.occi_version,
        cdmi_base: args.cdmi_base.clone(),
        ..Options::default()
    };
    match tern_mapping::occi2ovf::restore(&mut doc, collection, &options) {
        Ok(dropped) => Ok(Exported {
            bytes: doc.to_bytes(),
            dropped,
            missing: Vec::new(),
        }),
        Err(e) => Err(CliError::invalid(
            Finding::error("occi2ovf", e.to_string()).in_file(&name),
        )),
    }
}

// A descriptor made from scratch.
fn export(
    name: &str,
    collection: &tern_model::Collection,
    catalogue: tern_model::Catalogue,
    args: &Occi2OvfArgs,
) -> Result<Exported, CliError> {
    let mut defaults = tern_mapping::occi2ovf::Defaults::default();
    for (key, value) in &args.defaults {
        defaults.set(key, value).map_err(usage)?; // checked by the parser already
    }
    let options = tern_mapping::occi2ovf::ExportOptions {
        ovf2: args.ovf_version == 2,
        cdmi_base: args.cdmi_base.clone(),
        catalogue: Some(catalogue),
        defaults,
    };
    match tern_mapping::occi2ovf::occi_to_ovf(collection, &options) {
        Ok(export) => Ok(Exported {
            bytes: export.xml.into_bytes(),
            dropped: export.dropped,
            missing: export.missing,
        }),
        Err(e) => Err(CliError::invalid(
            Finding::error("occi2ovf", e.to_string()).in_file(name),
        )),
    }
}

// `--default`'s long help: the keys, from the library's list.
fn defaults_help() -> String {
    let mut help = String::from(
        "A value for a fact the collection does not state (repeatable; not with --original, \
         whose envelope has the values). occi2ovf writes only what the collection says; an \
         element it would need a value for is left out and a note (note[occi2ovf.missing]) \
         names the entity, unless a default gives the value. Keys:\n",
    );
    for (key, what) in tern_mapping::occi2ovf::Defaults::KEYS {
        let _ = write!(help, "\n  {key:<15}{what}");
    }
    help
}

// The collection in any rendering ovf2occi writes (JSON with the mixins it carries, or
// text/plain resources separated by blank lines); its warnings on stderr.
fn read_collection(
    input: &crate::input::TextInput,
    args: &Occi2OvfArgs,
    global: &GlobalArgs,
) -> Result<EntityCollection, CliError> {
    let catalogue = tern_mapping::extensions::catalogue(args.occi_version);
    let source = Source::new(&input.name, &input.text, args.from);
    let mut findings = Findings::default();
    findings.extend(input.notes.iter().cloned());
    findings.extend(crate::input::media_note(&source, global));
    match tern_occi::read_collection(&source, &ParseOptions::lenient(), &catalogue) {
        Ok(read) => {
            findings.extend(read.warnings);
            findings.warn(global);
            Ok(read.value)
        }
        Err(e) => {
            findings.extend(e.into_findings());
            Err(findings.into())
        }
    }
}

fn render(conversion: &Conversion, media: MediaType) -> Result<String, CliError> {
    let resources = conversion.collection.resources();
    if !media.is_json() && !matches!(media, MediaType::TextPlain | MediaType::TextOcciPlain) {
        return Err(usage(format!(
            "ovf2occi writes application/occi+json, text/plain or text/occi+plain, not {}",
            media.essence()
        )));
    }
    // The mixins OCCI Infrastructure lacks (tern's own, and the templates made from the
    // descriptor) travel with the resources in JSON, so the output describes itself; a
    // category's text form has no attribute types, so text carries the resources only.
    let mixins = if media.is_json() {
        let standard = tern_model::Catalogue::infrastructure(
            conversion.catalogue.version().unwrap_or(OcciVersion::V1_2),
        );
        // With what they depend on (the product mixins depend on tern's `ovf#product`).
        let used: Vec<&tern_model::CategoryId> = conversion
            .catalogue
            .mixins()
            .iter()
            .filter(|m| resources.iter().any(|r| uses(r, &m.id)))
            .flat_map(|m| conversion.catalogue.mixin_closure(&m.id))
            .map(|m| &m.id)
            .collect();
        conversion
            .catalogue
            .mixins()
            .iter()
            .filter(|m| standard.mixin(&m.id).is_none())
            .filter(|m| used.contains(&&m.id))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let listing = Document::Listing(Listing {
        mixins,
        resources: resources.to_vec(),
        ..Listing::default()
    });
    // Text: every resource in full, one create request body per resource (never GFD.229's
    // list of locations, which would drop them).
    let options = WriteOptions {
        collection: CollectionForm::Bodies,
    };
    checked(tern_occi::write_with(&listing, media, &options), media)
}

fn uses(resource: &tern_model::Resource, mixin: &tern_model::CategoryId) -> bool {
    resource.entity.mixins.contains(mixin)
        || resource
            .links
            .iter()
            .any(|l| l.entity.mixins.contains(mixin))
}

// Anything the rendering could not carry: refuse to write half, and say what carries it.
fn checked(rendered: tern_occi::Rendered, media: MediaType) -> Result<String, CliError> {
    let problems: Vec<String> = rendered
        .notes
        .iter()
        .filter(|n| n.severity != tern_diag::Severity::Note)
        .map(ToString::to_string)
        .collect();
    if problems.is_empty() {
        Ok(rendered.text)
    } else {
        let instead = if media.is_json() {
            ""
        } else {
            "\napplication/occi+json (the default --to) carries every value"
        };
        Err(CliError::invalid(tern_diag::Finding::error(
            "render.incomplete",
            format!(
                "the {} rendering is incomplete:\n{}{instead}",
                media.essence(),
                problems.join("\n")
            ),
        )))
    }
}

fn report(
    name: &str,
    conversion: &Conversion,
    file: Option<&Path>,
    global: &GlobalArgs,
) -> Result<(), CliError> {
    let r = &conversion.report;
    let links: usize = conversion
        .collection
        .resources()
        .iter()
        .map(|res| res.links.len())
        .sum();
    let Some(file) = file else {
        if global.format != Format::Json && global.verbosity() > Verbosity::Quiet {
            eprintln!(
                "{}: {} resources, {links} links; {} OVF elements or attributes unmapped, {} items not used by the deployment option, {} notes (--report FILE lists them)",
                tern_diag::quote::escape(name),
                conversion.collection.resources().len(),
                r.unmapped.len(),
                r.unused.len(),
                r.notes.len()
            );
        }
        return Ok(());
    };
    let text = if file.extension().is_some_and(|e| e == "json") {
        let mut json = serde_json::to_string_pretty(r).map_err(|e| usage(e.to_string()))?;
        json.push('\n');
        json
    } else {
        // The finding lines every command prints; a note without a place has no line:col.
        let at = |line: usize, column: usize| {
            (line > 0).then(|| tern_diag::Position::new(line, column.max(1)))
        };
        let mut findings = Vec::new();
        for u in &r.unmapped {
            findings.push(Finding::note("ovf2occi.unmapped", &u.path).at_opt(at(u.line, u.column)));
        }
        for u in &r.unused {
            findings.push(
                Finding::note("ovf2occi.unused", format!("{} ({})", u.path, u.reason))
                    .at_opt(at(u.line, u.column)),
            );
        }
        for n in &r.notes {
            findings.push(Finding::note("ovf2occi.note", &n.message).at_opt(at(n.line, n.column)));
        }
        let findings: Vec<Finding> = findings.into_iter().map(|f| f.in_file(name)).collect();
        tern_diag::render::lines(&findings)
    };
    output::write_file(file, text.as_bytes())
}

// KEY=VALUE whose key and value an export knows.
fn parse_default(text: &str) -> Result<(String, String), String> {
    let (key, value) = parse_property(text)?;
    tern_mapping::occi2ovf::Defaults::default()
        .set(&key, &value)
        .map_err(|e| e.to_string())?;
    Ok((key, value))
}

fn parse_property(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

fn usage(message: impl std::fmt::Display) -> CliError {
    CliError::usage(format!("{message}"))
}
