//! `tern occi ...`: the shared model's catalogues (and, with the OCCI codec, its renderings).

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use tern_model::{AttributeDef, Catalogue, Category, OcciVersion};

use crate::app::{Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;

/// OCCI subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum OcciCommand {
    /// Print the OCCI Core + Infrastructure catalogue of a version.
    #[command(
        after_help = "Examples:\n  tern occi model --version 1.1\n  tern occi model --to text/occi"
    )]
    Model(ModelArgs),
    /// Convert an OCCI rendering between media types (an entity collection to text: choose
    /// `--collection locations|bodies`).
    #[command(
        after_help = "Examples:\n  tern occi convert --to text/plain --collection bodies vms.json\n  curl -si https://cloud.example/compute/vm1 | tern occi convert --to json -"
    )]
    Convert(super::occi_codec::ConvertArgs),
    /// Check OCCI renderings: grammar, JSON shape and the catalogue, the entities judged as
    /// instances (or, with `--request`, as create requests).
    #[command(
        after_help = "Examples:\n  tern occi validate --request vms.json\n  curl -si https://cloud.example/compute/vm1 | tern occi validate --lenient -"
    )]
    Validate(super::occi_codec::ValidateArgs),
}

/// Arguments of `tern occi model`.
#[derive(Debug, Args)]
pub(crate) struct ModelArgs {
    /// OCCI version of the catalogue: 1.1 (GFD.184) or 1.2 (GFD.224).
    #[arg(long = "version", value_name = "VERSION", default_value = "1.2")]
    pub(crate) occi_version: OcciVersion,
    /// Render the query interface (GFD.223 §3.4) in this media type instead of the table;
    /// `--format json` is `--to application/occi+json`.
    #[arg(long, value_name = "MEDIA")]
    pub(crate) to: Option<tern_occi::MediaType>,
}

/// Runs an OCCI subcommand.
pub(crate) fn run(command: &OcciCommand, global: &GlobalArgs) -> Result<Outcome, CliError> {
    match command {
        OcciCommand::Model(args) => model(args, global),
        OcciCommand::Convert(args) => super::occi_codec::convert(args, global),
        OcciCommand::Validate(args) => super::occi_codec::validate(args, global),
    }
}

fn model(args: &ModelArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let catalogue = Catalogue::infrastructure(args.occi_version);
    let media = match (args.to, global.format) {
        (Some(media), _) => media,
        (None, Format::Json) => tern_occi::MediaType::OcciJson,
        (None, Format::Text | Format::Markdown) => {
            return Ok(output::print_text(&catalogue_table(&catalogue)).map(|()| Outcome::Ok)?);
        }
    };
    let listing = tern_occi::Document::Listing(tern_occi::Listing::from_catalogue(&catalogue));
    let rendered = tern_occi::write(&listing, media);
    // A media type that cannot carry the catalogue was the wrong choice of --to: a usage
    // error, with nothing printed. What it carries with losses is a note of the renderer;
    // only problems are shown.
    if let Some(error) = rendered.notes.iter().find(|n| n.is_error()) {
        return Err(CliError::usage_with_help(
            format!("--to {media}: {}", error.message),
            "the catalogue renders as text/plain, text/occi+plain, text/occi or application/occi+json",
        ));
    }
    let problems: Vec<tern_diag::Finding> = rendered
        .notes
        .into_iter()
        .filter(|n| n.severity != tern_diag::Severity::Note)
        .collect();
    crate::report::Findings::from(problems).warn(global);
    output::print(&rendered.text)?;
    Ok(Outcome::Ok)
}

/// The catalogue as a readable text table: one block per category.
pub(crate) fn catalogue_table(catalogue: &Catalogue) -> String {
    let mut out = String::new();
    let version = catalogue
        .version()
        .map_or("(any version)", OcciVersion::as_str);
    let _ = writeln!(out, "OCCI Core + Infrastructure {version}");
    let categories = catalogue
        .kinds()
        .iter()
        .map(Category::Kind)
        .chain(catalogue.mixins().iter().map(Category::Mixin))
        .chain(catalogue.actions().iter().map(Category::Action));
    for category in categories {
        out.push('\n');
        category_block(&mut out, category);
    }
    out
}

fn category_block(out: &mut String, category: Category<'_>) {
    let title = match category {
        Category::Kind(k) => k.title.as_deref(),
        Category::Mixin(m) => m.title.as_deref(),
        Category::Action(a) => a.title.as_deref(),
    };
    let _ = writeln!(out, "{} {}", category.class(), category.id());
    if let Some(title) = title {
        let _ = writeln!(out, "  title     {title}");
    }
    let location = match category {
        Category::Kind(k) => k.location.as_deref(),
        Category::Mixin(m) => m.location.as_deref(),
        Category::Action(_) => None,
    };
    if let Some(location) = location {
        let _ = writeln!(out, "  location  {location}");
    }
    match category {
        Category::Kind(kind) => {
            if let Some(parent) = &kind.parent {
                let _ = writeln!(out, "  parent    {parent}");
            }
        }
        Category::Mixin(mixin) => {
            for (label, ids) in [("depends", &mixin.depends), ("applies", &mixin.applies)] {
                if !ids.is_empty() {
                    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
                    let _ = writeln!(out, "  {label:<9} {}", ids.join(", "));
                }
            }
        }
        Category::Action(_) => {}
    }
    attribute_rows(out, category.attributes());
    let actions = match category {
        Category::Kind(k) => k.actions.as_slice(),
        Category::Mixin(m) => m.actions.as_slice(),
        Category::Action(_) => &[],
    };
    if !actions.is_empty() {
        let terms: Vec<&str> = actions.iter().map(tern_model::CategoryId::term).collect();
        let _ = writeln!(out, "  actions   {}", terms.join(", "));
    }
    if let Category::Kind(kind) = category
        && let Some(machine) = &kind.states
    {
        let _ = writeln!(
            out,
            "  states    {} (initial {})",
            machine.attribute, machine.initial
        );
        for t in machine.transitions.iter().filter(|t| !t.failure) {
            let via = t
                .action
                .as_ref()
                .map_or("(provider)", tern_model::CategoryId::term);
            let _ = writeln!(out, "            {} --{via}--> {}", t.from, t.to);
        }
    }
}

fn attribute_rows(out: &mut String, defs: &[AttributeDef]) {
    if defs.is_empty() {
        return;
    }
    let name_width = defs.iter().map(|d| d.name.len()).max().unwrap_or(0);
    let type_width = defs
        .iter()
        .map(|d| d.kind.to_string().len())
        .max()
        .unwrap_or(0);
    for def in defs {
        let mutability = if def.mutable { "mutable" } else { "immutable" };
        let unit = def
            .unit
            .as_deref()
            .map(|u| format!(" {u}"))
            .unwrap_or_default();
        let format = def.format.map(|f| format!(" ({f})")).unwrap_or_default();
        let range = def
            .range
            .map(|(a, b)| format!(" [{a}..{b}]"))
            .unwrap_or_default();
        let ty = def.kind.to_string();
        let line = format!(
            "  attribute {:<name_width$}  {ty:<type_width$}  {:<4}  {mutability:<9}{unit}{range}{format}",
            def.name, def.multiplicity
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
