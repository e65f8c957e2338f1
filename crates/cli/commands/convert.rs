//! `ovf2occi` and `occi2ovf`: the bridge conversions, shared by `tern` and the shim binaries.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Parser;
use tern_mapping::ovf2occi::{self, Conversion, Options};
use tern_model::OcciVersion;
use tern_occi::{Document, Listing, MediaType};

use crate::app::{Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;

/// Convert an OVF descriptor into an OCCI collection (application/occi+json or text/plain).
#[derive(Debug, Parser)]
#[command(name = "ovf2occi", version)]
pub struct Ovf2OcciArgs {
    /// The OVF descriptor (.ovf) or OVA archive (.ova) to convert.
    pub input: PathBuf,
    /// Output media type: application/occi+json, or text/plain (one resource rendering per
    /// entity, separated by blank lines: the bodies of the create requests).
    #[arg(long, value_name = "MEDIA", default_value = "application/occi+json", value_parser = parse_media)]
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
    #[arg(long = "occi-version", value_name = "VERSION", default_value = "1.2", value_parser = parse_version)]
    pub occi_version: OcciVersion,
    /// Write the report of unmapped OVF elements here (JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Where to write the OCCI rendering (stdout when absent).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Export an OCCI collection as an OVF whose File hrefs are CDMI data links.
#[derive(Debug, Parser)]
#[command(name = "occi2ovf", version)]
pub struct Occi2OvfArgs {
    /// The OCCI collection to export (application/occi+json, or text/plain resources
    /// separated by blank lines); `-` reads standard input.
    pub input: PathBuf,
    /// Input media type (detected from the content when absent).
    #[arg(long, value_name = "MEDIA", value_parser = parse_media)]
    pub from: Option<MediaType>,
    /// Base URL of the CDMI container holding disk images that carry no `tern.cdmi.uri`.
    #[arg(long, value_name = "URL")]
    pub cdmi_base: Option<String>,
    /// OVF major version of the descriptor made from scratch: 1 or 2.
    #[arg(long, value_name = "1|2", default_value = "1", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub ovf_version: u8,
    /// The envelope the collection came from (the provider kept it): everything OCCI cannot
    /// express comes back from it unchanged, and an unchanged collection gives it back byte
    /// for byte.
    #[arg(long, value_name = "ENVELOPE")]
    pub original: Option<PathBuf>,
    /// OCCI version of the input.
    #[arg(long = "occi-version", value_name = "VERSION", default_value = "1.2", value_parser = parse_version)]
    pub occi_version: OcciVersion,
    /// Where to write the OVF descriptor (stdout when absent).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `tern ovf2occi`.
pub(crate) fn ovf2occi(args: &Ovf2OcciArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (name, bytes) = crate::input::descriptor(&args.input)?;
    let doc = match tern_ovf::Document::parse(&bytes) {
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
            eprintln!("{name}:{line}:{column}: error[ovf2occi]: {message}");
            return Ok(Outcome::Invalid);
        }
        Err(e @ ovf2occi::BridgeError::UnknownDeploymentOption { .. }) => {
            return Err(usage(format!("{name}: {e}")));
        }
        Err(e) => {
            eprintln!("{name}: error[ovf2occi]: {e}");
            return Ok(Outcome::Invalid);
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
pub(crate) fn occi2ovf(args: &Occi2OvfArgs, _global: &GlobalArgs) -> Result<Outcome, CliError> {
    let name = args.input.display().to_string();
    let text = if name == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| usage(format!("cannot read standard input: {e}")))?
    } else {
        std::fs::read_to_string(&args.input)
            .map_err(|e| usage(format!("cannot read {name}: {e}")))?
    };
    let Some((collection, catalogue)) = read_collection(&name, &text, args)? else {
        return Ok(Outcome::Invalid);
    };
    let exported = match &args.original {
        Some(original) => restore(original, &collection, args)?,
        None => export(&name, &collection, catalogue, args),
    };
    let Some((bytes, dropped)) = exported else {
        return Ok(Outcome::Invalid);
    };
    match &args.output {
        Some(path) => output::write_file(path, &bytes)?,
        None => output::print(&String::from_utf8_lossy(&bytes))?,
    }
    for line in dropped {
        eprintln!("{name}: note[occi2ovf]: {line}");
    }
    Ok(Outcome::Ok)
}

/// A descriptor's bytes and the OCCI facts it does not carry.
type Exported = (Vec<u8>, Vec<String>);

// The kept envelope with the collection's changes written back.
fn restore(
    original: &Path,
    collection: &tern_model::Collection,
    args: &Occi2OvfArgs,
) -> Result<Option<Exported>, CliError> {
    let name = original.display().to_string();
    let source = std::fs::read(original).map_err(|e| usage(format!("cannot read {name}: {e}")))?;
    let mut doc = match tern_ovf::Document::parse(&source) {
        Ok(doc) => doc,
        Err(e) => {
            let text = String::from_utf8_lossy(&source);
            return Err(CliError::invalid_in(e.to_finding().in_file(&name), &text));
        }
    };
    let options = Options {
        version: args.occi_version,
        ..Options::default()
    };
    match tern_mapping::occi2ovf::restore(&mut doc, collection, &options) {
        Ok(dropped) => Ok(Some((doc.to_bytes(), dropped))),
        Err(e) => {
            eprintln!("{name}: error[occi2ovf]: {e}");
            Ok(None)
        }
    }
}

// A descriptor made from scratch.
fn export(
    name: &str,
    collection: &tern_model::Collection,
    catalogue: tern_model::Catalogue,
    args: &Occi2OvfArgs,
) -> Option<Exported> {
    let options = tern_mapping::occi2ovf::ExportOptions {
        ovf2: args.ovf_version == 2,
        cdmi_base: args.cdmi_base.clone(),
        catalogue: Some(catalogue),
    };
    match tern_mapping::occi2ovf::occi_to_ovf(collection, &options) {
        Ok(export) => Some((export.xml.into_bytes(), export.dropped)),
        Err(e) => {
            eprintln!("{name}: error[occi2ovf]: {e}");
            None
        }
    }
}

// The collection in any rendering ovf2occi writes: JSON (with the mixins it carries), or
// text/plain resources separated by blank lines.
fn read_collection(
    name: &str,
    text: &str,
    args: &Occi2OvfArgs,
) -> Result<Option<(tern_model::Collection, tern_model::Catalogue)>, CliError> {
    let media = args.from.unwrap_or(if text.trim_start().starts_with('{') {
        MediaType::OcciJson
    } else {
        MediaType::TextPlain
    });
    let mut catalogue = tern_mapping::extensions::catalogue(args.occi_version);
    let options = tern_occi::ParseOptions::lenient();
    let bodies: Vec<&str> = if media.is_json() {
        vec![text]
    } else {
        text.split("\r\n\r\n")
            .flat_map(|b| b.split("\n\n"))
            .filter(|b| !b.trim().is_empty())
            .collect()
    };
    let mut collection = tern_model::Collection::new();
    for body in bodies {
        let parsed = match tern_occi::read(body, media, &options, &catalogue) {
            Ok(p) => p,
            Err(e) => {
                for d in e.diagnostics() {
                    eprintln!("{name}:{d}");
                }
                return Ok(None);
            }
        };
        let resources = match parsed.value {
            Document::Resource(r) => vec![r],
            Document::Listing(l) => {
                for m in l.mixins {
                    if catalogue.mixin(&m.id).is_none() {
                        let _ = catalogue.add_mixin(m);
                    }
                }
                l.resources
            }
            other => {
                return Err(usage(format!(
                    "{name}: a {} is not a collection of resources",
                    other.composition()
                )));
            }
        };
        for r in resources {
            collection
                .push_resource(r)
                .map_err(|e| usage(format!("{name}: {e}")))?;
        }
    }
    Ok(Some((collection, catalogue)))
}

fn render(conversion: &Conversion, media: MediaType) -> Result<String, CliError> {
    let resources = conversion.collection.resources();
    if media.is_json() {
        // The mixins OCCI Infrastructure lacks (tern's own, and the templates made from the
        // descriptor) travel with the resources, so the output describes itself.
        let standard = tern_model::Catalogue::infrastructure(
            conversion.catalogue.version().unwrap_or(OcciVersion::V1_2),
        );
        let mixins = conversion
            .catalogue
            .mixins()
            .iter()
            .filter(|m| standard.mixin(&m.id).is_none())
            .filter(|m| resources.iter().any(|r| uses(r, &m.id)))
            .cloned()
            .collect();
        let listing = Document::Listing(Listing {
            mixins,
            resources: resources.to_vec(),
            ..Listing::default()
        });
        let rendered = tern_occi::write(&listing, media);
        return checked(rendered);
    }
    if !matches!(media, MediaType::TextPlain | MediaType::TextOcciPlain) {
        return Err(usage(format!(
            "ovf2occi writes application/occi+json or text/plain, not {}",
            media.essence()
        )));
    }
    let mut text = String::new();
    for resource in resources {
        if !text.is_empty() {
            text.push_str("\r\n");
        }
        text.push_str(&checked(tern_occi::write(
            &Document::Resource(resource.clone()),
            media,
        ))?);
    }
    Ok(text)
}

fn uses(resource: &tern_model::Resource, mixin: &tern_model::CategoryId) -> bool {
    resource.entity.mixins.contains(mixin)
        || resource
            .links
            .iter()
            .any(|l| l.entity.mixins.contains(mixin))
}

// Anything the rendering could not carry is a bug of the converter: refuse to write half.
fn checked(rendered: tern_occi::Rendered) -> Result<String, CliError> {
    let problems: Vec<String> = rendered
        .notes
        .iter()
        .filter(|n| n.severity != tern_occi::Severity::Note)
        .map(ToString::to_string)
        .collect();
    if problems.is_empty() {
        Ok(rendered.text)
    } else {
        Err(CliError::invalid(tern_diag::Finding::error(
            "render.incomplete",
            format!("the OCCI rendering is incomplete:\n{}", problems.join("\n")),
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
        if global.format != Format::Json {
            eprintln!(
                "{name}: {} resources, {links} links; {} OVF elements or attributes unmapped, {} items not used by the deployment option, {} notes (--report FILE lists them)",
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
        let mut text = String::new();
        for u in &r.unmapped {
            let _ = writeln!(text, "{name}:{}:{}: unmapped: {}", u.line, u.column, u.path);
        }
        for u in &r.unused {
            let _ = writeln!(
                text,
                "{name}:{}:{}: unused: {} ({})",
                u.line, u.column, u.path, u.reason
            );
        }
        for n in &r.notes {
            let _ = writeln!(text, "{name}:{}:{}: note: {}", n.line, n.column, n.message);
        }
        text
    };
    output::write_file(file, text.as_bytes())
}

fn parse_media(text: &str) -> Result<MediaType, String> {
    text.parse().map_err(|e| format!("{e}"))
}

fn parse_version(text: &str) -> Result<OcciVersion, String> {
    text.parse()
        .map_err(|e: tern_model::UnknownVersion| e.to_string())
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
