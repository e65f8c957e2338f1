//! `tern cdmi ...`: object IDs, body validation and query strings over `tern-cdmi`.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;
use tern_cdmi::body::{self, ParseOptions};
use tern_cdmi::object::{BodyKind, ObjectType};
use tern_cdmi::objectid::{self, DEFAULT_ENTERPRISE_NUMBER, Explanation, ObjectId};
use tern_cdmi::query::{Query, QuerySyntax};
use tern_cdmi::version::Version;

use crate::app::{Format, GlobalArgs, Verbosity};
use crate::exit::{CliError, Outcome};
use crate::output;
use crate::report::Findings;

/// Work with SNIA CDMI object IDs, bodies and query strings.
#[derive(Debug, Args)]
pub struct CdmiArgs {
    #[command(subcommand)]
    command: CdmiCommand,
}

#[derive(Debug, Subcommand)]
enum CdmiCommand {
    /// Generate, check and explain CDMI object IDs.
    #[command(
        subcommand,
        after_help = "Examples:\n  tern cdmi objectid new --enterprise 32473\n  tern cdmi objectid explain 00007ED90010D891022876A8DE0BC0FD"
    )]
    Objectid(ObjectIdCommand),
    /// Check CDMI JSON bodies; prints `FILE:LINE:COL: error[RULE-ID]: message`; exits 1 on errors.
    // `--version` selects the CDMI edition here, so the propagated version flag is off.
    #[command(
        disable_version_flag = true,
        after_help = "Examples:\n  tern cdmi validate --version 2.0 body.json\n  curl -s https://cdmi.example/vm/disk.img | tern cdmi validate --kind read-response -"
    )]
    Validate(ValidateArgs),
    /// Parse a query string (1.x `a;b:0-9` or 2.0 `a&b=0-9`) and print its typed form.
    #[command(
        after_help = "Examples:\n  tern cdmi query '?objectName;metadata:cdmi_;value:0-99'\n  tern --format json cdmi query 'children=0-4&metadata=cdmi_'"
    )]
    Query {
        /// The query string, with or without the leading `?`.
        query: String,
    },
}

/// `tern cdmi validate`.
#[derive(Debug, Args)]
struct ValidateArgs {
    /// The CDMI edition whose rules apply.
    #[arg(long, default_value = "1.1.1", value_parser = parse_version)]
    version: Version,
    /// Object type (dataobject, container, domain, queue, capability, or a media type);
    /// detected from `objectType` and telltale fields when absent.
    #[arg(long = "type", value_parser = parse_type)]
    object_type: Option<ObjectType>,
    /// Message kind (create-request, create-response, read-response, update-request,
    /// enqueue); detected when absent.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<BodyKind>,
    /// Query string of the read that produced the body (`?value;mimetype`): only the selected
    /// fields are then expected.
    #[arg(long)]
    query: Option<String>,
    /// The JSON files to check; `-` reads stdin.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_version(s: &str) -> Result<Version, String> {
    s.parse()
}

fn parse_type(s: &str) -> Result<ObjectType, String> {
    s.parse()
        .map_err(|e: tern_cdmi::object::ValueError| e.to_string())
}

fn parse_kind(s: &str) -> Result<BodyKind, String> {
    s.parse()
        .map_err(|e: tern_cdmi::object::ValueError| e.to_string())
}

#[derive(Debug, Subcommand)]
enum ObjectIdCommand {
    /// Generate a new object ID (random opaque part unless --opaque is given).
    #[command(
        after_help = "Examples:\n  tern cdmi objectid new --enterprise 32473\n  tern cdmi objectid new --opaque 0011AABB"
    )]
    New {
        /// SNMP enterprise number (1..=16777215); the default 32473 is RFC 5612's
        /// documentation number: set your organisation's own.
        #[arg(long, default_value_t = DEFAULT_ENTERPRISE_NUMBER)]
        enterprise: u32,
        /// Opaque data as Base16 (at most 32 bytes) instead of random bytes.
        #[arg(long)]
        opaque: Option<String>,
    },
    /// Check object IDs; exits 1 if any is invalid and says why.
    #[command(
        after_help = "Examples:\n  tern cdmi objectid check 00007ED90010D891022876A8DE0BC0FD\n  tern --format json cdmi objectid check ID1 ID2"
    )]
    Check {
        /// Object IDs in Base16 (either case).
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Decode an object ID field by field and list every rule it breaks.
    #[command(
        after_help = "Examples:\n  tern cdmi objectid explain 00007ED90010D891022876A8DE0BC0FD\n  tern --format json cdmi objectid explain 00007ed9-0010"
    )]
    Explain {
        /// Object ID in Base16 (either case).
        id: String,
    },
}

/// `tern cdmi`.
pub(crate) fn run(args: &CdmiArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    match &args.command {
        CdmiCommand::Objectid(cmd) => objectid_command(cmd, global.format),
        CdmiCommand::Validate(args) => validate(args, global),
        CdmiCommand::Query { query } => query_command(query, global.format),
    }
}

fn validate(args: &ValidateArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let selected_fields = match &args.query {
        Some(q) => Query::parse(q)
            .map_err(|e| CliError::usage(format!("--query: {e}")))?
            .selected_fields(),
        None => None,
    };
    let options = ParseOptions {
        version: args.version,
        object_type: args.object_type,
        kind: args.kind,
        selected_fields,
    };
    let mut findings = Findings::default();
    let mut files = Vec::new();
    let (mut errors, mut warnings, mut checked) = (0usize, 0usize, 0usize);
    let mut unreadable = None;
    for file in &args.files {
        let (name, text) = match crate::input::text(Some(file), global) {
            Ok(read) => {
                findings.extend(read.notes);
                (read.name, read.text)
            }
            // Not UTF-8, too large: a finding about this file; the others are still read.
            Err(CliError::Invalid(found)) => {
                checked += 1;
                errors += 1;
                files.push(json!({ "file": file.display().to_string(), "valid": false }));
                findings.extend(found.list().iter().cloned());
                continue;
            }
            Err(e) => {
                unreadable.get_or_insert(e);
                continue;
            }
        };
        checked += 1;
        let parsed = body::parse(&text, &options);
        errors += parsed.findings.iter().filter(|f| f.is_error()).count();
        warnings += parsed.findings.iter().filter(|f| !f.is_error()).count();
        files.push(json!({
            "file": name,
            "valid": parsed.is_valid(),
            "version": args.version,
            "objectType": parsed.object_type,
            "kind": parsed.kind,
        }));
        findings.extend(parsed.findings.into_iter().map(|f| f.in_file(&name)));
    }
    let mut extra = serde_json::Map::new();
    extra.insert("files".into(), serde_json::Value::Array(files));
    findings.print(global, extra)?;
    if global.format != Format::Json && global.verbosity() > Verbosity::Quiet {
        eprintln!("checked {checked} file(s): {errors} error(s), {warnings} warning(s)");
    }
    if let Some(e) = unreadable {
        return Err(e);
    }
    Ok(if errors > 0 {
        Outcome::Invalid
    } else {
        Outcome::Ok
    })
}

fn query_command(text: &str, format: Format) -> Result<Outcome, CliError> {
    let query = Query::parse(text)
        .map_err(|e| CliError::invalid(tern_diag::Finding::error("CDMI-QUERY", e.to_string())))?;
    if format == Format::Json {
        output::print_json(&json!({
            "syntax": query.syntax,
            "items": query.items,
            "1.x": query.render(QuerySyntax::V1),
            "2.0": query.render(QuerySyntax::V2),
        }))?;
    } else {
        output::print_text(&tern_cdmi::query::describe(&query))?;
    }
    Ok(Outcome::Ok)
}

fn objectid_command(cmd: &ObjectIdCommand, format: Format) -> Result<Outcome, CliError> {
    match cmd {
        ObjectIdCommand::New { enterprise, opaque } => {
            objectid_new(*enterprise, opaque.as_deref(), format)
        }
        ObjectIdCommand::Check { ids } => objectid_check(ids, format),
        ObjectIdCommand::Explain { id } => objectid_explain(id, format),
    }
}

fn objectid_new(
    enterprise: u32,
    opaque: Option<&str>,
    format: Format,
) -> Result<Outcome, CliError> {
    let usage = |e: objectid::ObjectIdError| CliError::usage(format!("{e}"));
    let id = match opaque {
        Some(hex) => {
            let bytes =
                objectid::decode_hex(hex).map_err(|e| CliError::usage(format!("--opaque: {e}")))?;
            ObjectId::new(enterprise, &bytes).map_err(usage)?
        }
        None => ObjectId::generate(enterprise).map_err(usage)?,
    };
    match format {
        Format::Text | Format::Markdown => output::print(&format!("{id}\n"))?,
        Format::Json => output::print_json(&json!({
            "objectID": id.to_string(),
            "enterpriseNumber": id.enterprise_number(),
            "opaque": hex(id.opaque()),
        }))?,
    }
    Ok(Outcome::Ok)
}

fn objectid_check(ids: &[String], format: Format) -> Result<Outcome, CliError> {
    let mut text = String::new();
    let mut reports = Vec::new();
    let mut all_valid = true;
    for id in ids {
        let explained = objectid::explain(id);
        all_valid &= explained.is_valid();
        match format {
            Format::Text | Format::Markdown if explained.is_valid() => {
                let _ = writeln!(
                    text,
                    "{id}: ok (enterprise number {}, {} opaque bytes)",
                    explained.enterprise_number.unwrap_or_default(),
                    explained.opaque.len()
                );
            }
            Format::Text | Format::Markdown => {
                for problem in &explained.problems {
                    let _ = writeln!(text, "{id}: error[{}]: {problem}", problem.rule_id());
                }
            }
            Format::Json => reports.push(explanation_json(&explained)),
        }
    }
    match format {
        Format::Text | Format::Markdown => output::print_text(&text)?,
        Format::Json => output::print_json(&serde_json::Value::Array(reports))?,
    }
    Ok(if all_valid {
        Outcome::Ok
    } else {
        Outcome::Invalid
    })
}

fn objectid_explain(id: &str, format: Format) -> Result<Outcome, CliError> {
    let e = objectid::explain(id);
    match format {
        Format::Json => output::print_json(&explanation_json(&e))?,
        Format::Text | Format::Markdown => output::print_text(&explanation_text(&e))?,
    }
    Ok(if e.is_valid() {
        Outcome::Ok
    } else {
        Outcome::Invalid
    })
}

// The fields one per line: where, the bytes, what they say; then the verdict.
fn explanation_text(e: &Explanation) -> String {
    let mut out = format!("object ID    {}\n", e.text);
    for field in &e.fields {
        let label = if field.len == 1 {
            format!("byte {}", field.offset)
        } else {
            format!("bytes {}-{}", field.offset, field.offset + field.len - 1)
        };
        let _ = writeln!(out, "{label:<13}{:<8}  {}", field.hex, field.meaning);
    }
    if e.is_valid() {
        out.push_str("valid\n");
    }
    for problem in &e.problems {
        let _ = writeln!(out, "error[{}]: {problem}", problem.rule_id());
    }
    for note in &e.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

fn explanation_json(e: &Explanation) -> serde_json::Value {
    serde_json::to_value(e).unwrap_or(serde_json::Value::Null)
}

fn hex(bytes: &[u8]) -> String {
    objectid::encode_hex(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_the_specs_worked_example() {
        let id = "00007ED90010D891022876A8DE0BC0FD";
        insta::assert_snapshot!(explanation_text(&objectid::explain(id)));
    }

    #[test]
    fn explain_a_onedata_capability_id() {
        // Enterprise number 0, a length byte counting only the opaque part, CRC over 40 bytes.
        let id = "0000000000208CA83030303030303030303030303030303030303030303030303030303030303031";
        insta::assert_snapshot!(explanation_text(&objectid::explain(id)));
    }

    #[test]
    fn explain_text_that_is_not_base16() {
        let id = "00007ED9-0010";
        insta::assert_snapshot!(explanation_text(&objectid::explain(id)));
    }

    #[test]
    fn describe_a_query() {
        let query = Query::parse("?objectName;metadata:cdmi_;value:0-99;children:0-4").unwrap();
        insta::assert_snapshot!(tern_cdmi::query::describe(&query));
    }
}
