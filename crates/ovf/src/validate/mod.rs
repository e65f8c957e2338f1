//! Validation: structural rules (walking the tree) and semantic rules (over the typed view),
//! each with a stable rule id, a severity and a position.
//!
//! Strict mode (the default) applies ovftool's conformance rules, judging each dialect by
//! its own: a well-formed VMware 0.9 or oVirt envelope is reported as a legacy dialect
//! (warning), not as invalid. Lax mode turns element-order violations, vendor
//! sections without `ovf:required="false"` and the hardware quirks of real exporters
//! (devices sharing an AddressOnParent, disks sharing a file) into warnings.

mod files;
mod rules;
mod semantic;
mod structure;

use std::path::PathBuf;

use serde::Serialize;
use tern_diag::{Finding, Position, Severity};

pub use rules::Rule;

use crate::dialect::DialectInfo;
use crate::document::Document;
use crate::model::Envelope;
use crate::reader::ParseOptions;
use crate::tree::Tree;
use crate::xml::{ReadElement, Source};

/// How strictly to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// ovftool's default conformance checks.
    #[default]
    Strict,
    /// Like ovftool `--lax`: element order and unschema'd vendor sections become warnings.
    Lax,
}

/// Options of one validation run.
#[derive(Debug, Clone, Default)]
pub struct ValidateOptions {
    /// Strict or lax.
    pub mode: Mode,
    /// Make missing referenced files errors and compare their sizes with `ovf:size`.
    pub check_files: bool,
    /// Directory that relative hrefs are resolved against; no file checks when `None`.
    pub base_dir: Option<PathBuf>,
    /// The reader's limits for [`validate_bytes`] (the largest input, the deepest nesting):
    /// a caller with its own input bound passes it here, so that one limit applies.
    pub parse: ParseOptions,
}

/// The result of validating one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The dialect the document was judged as.
    pub dialect: DialectInfo,
    /// The findings, ordered by position (errors first at the same place). Their rule ids
    /// are [`Rule::id`]s; they name no file (the caller adds it with
    /// [`Finding::in_file`]).
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when no finding is an error.
    pub fn is_valid(&self) -> bool {
        !tern_diag::has_errors(&self.findings)
    }

    /// The rule ids of the errors (sorted, deduplicated).
    pub fn error_rules(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .findings
            .iter()
            .filter(|f| f.is_error())
            .map(|f| f.rule.as_ref())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Parses `bytes` with [`ValidateOptions::parse`] and validates them; a parse error (a
/// descriptor beyond the size limit too) becomes an `OVF-XML` finding.
pub fn validate_bytes(bytes: &[u8], options: &ValidateOptions) -> Report {
    // Validation only reads: the compact tree, not the lossless `Document`.
    match Tree::parse(bytes, &options.parse) {
        Ok(tree) => validate_tree(&tree, options),
        Err(e) => unparsed(&e),
    }
}

// The report on a document that could not be read.
fn unparsed(e: &crate::ParseError) -> Report {
    Report {
        dialect: DialectInfo {
            dialect: crate::Dialect::Unknown,
            namespace: None,
            version: None,
            quirks: Vec::new(),
        },
        findings: vec![e.to_finding()],
    }
}

/// [`validate_bytes`], taking the bytes: a UTF-8 descriptor becomes the tree's text in
/// place instead of being copied ([`Tree::parse_owned`]), and the tree is given back once
/// the structural rules have read it: the semantic rules read the typed view only, so the
/// peak is the tree and the view, not the tree, the view and the rules' indexes.
pub fn validate_owned(bytes: Vec<u8>, options: &ValidateOptions) -> Report {
    match Tree::parse_owned(bytes, &options.parse) {
        Ok(tree) => {
            let read = structure_pass(tree.root(), &tree, options);
            drop(tree);
            read.finish(options)
        }
        Err(failure) => unparsed(&failure.error),
    }
}

/// Validates a parsed document.
pub fn validate(doc: &Document, options: &ValidateOptions) -> Report {
    validate_from(doc.root(), doc, options)
}

/// [`validate()`] over the compact read-only [`Tree`]: the same findings.
pub fn validate_tree(tree: &Tree, options: &ValidateOptions) -> Report {
    validate_from(tree.root(), tree, options)
}

/// [`validate()`] over any tree: `root` is its root element, `source` says where its
/// elements are.
pub(crate) fn validate_from<'a, E: ReadElement<'a>>(
    root: E,
    source: &dyn Source<E>,
    options: &ValidateOptions,
) -> Report {
    structure_pass(root, source, options).finish(options)
}

// The first half of a validation, the only one that reads the tree: the typed view and the
// structural rules.
fn structure_pass<'a, E: ReadElement<'a>>(
    root: E,
    source: &dyn Source<E>,
    options: &ValidateOptions,
) -> StructureRead {
    let env = Envelope::read_from(root, source);
    let mut sink = Sink {
        findings: tern_diag::Bounded::new(),
        mode: options.mode,
        dialect: env.dialect.dialect,
        legacy: env.dialect.dialect.is_legacy(),
    };
    structure::check(root, source, &env, &mut sink);
    StructureRead { env, sink }
}

// The typed view and the structural findings; the tree they came from is no longer needed.
struct StructureRead {
    env: Envelope,
    sink: Sink,
}

impl StructureRead {
    // The second half: the semantic and file rules, over the typed view.
    fn finish(self, options: &ValidateOptions) -> Report {
        let StructureRead { env, mut sink } = self;
        if env.dialect.dialect != crate::Dialect::Unknown {
            semantic::check(&env, &mut sink);
            files::check(&env, options, &mut sink);
        }
        let mut findings = sink.findings.into_vec();
        // Errors before warnings at the same place; otherwise the order rules were checked in.
        // The notes counting findings left out (tern_diag::Bounded) come last.
        findings.sort_by_key(|f| {
            (
                f.rule == tern_diag::LIMIT_RULE,
                f.position,
                std::cmp::Reverse(f.severity),
            )
        });
        Report {
            dialect: env.dialect,
            findings,
        }
    }
}

/// Collects findings, applying the mode and dialect to each rule's severity.
pub(crate) struct Sink {
    /// At most `Bounded::PER_RULE` findings of a rule: a descriptor of millions of unknown
    /// elements would otherwise hold a finding for each.
    findings: tern_diag::Bounded,
    mode: Mode,
    dialect: crate::Dialect,
    legacy: bool,
}

impl Sink {
    /// Reports a breach of `rule` with the rule's normal severity.
    pub(crate) fn error(&mut self, rule: Rule, position: Position, message: String) {
        let severity = if (self.mode == Mode::Lax && rule.relaxed_by_lax())
            || (self.legacy && rule.relaxed_for_legacy())
        {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.push(rule, severity, position, message);
    }

    /// Like [`Sink::error`] but not relaxed by lax mode (legacy dialects still are).
    pub(crate) fn error_not_lax(&mut self, rule: Rule, position: Position, message: String) {
        let severity = if self.legacy && rule.relaxed_for_legacy() {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.push(rule, severity, position, message);
    }

    /// Reports something that never invalidates the document.
    pub(crate) fn warning(&mut self, rule: Rule, position: Position, message: String) {
        self.push(rule, Severity::Warning, position, message);
    }

    pub(crate) fn is_legacy(&self) -> bool {
        self.legacy
    }

    /// The dialect being judged (some rules are judged per dialect).
    pub(crate) fn dialect(&self) -> crate::Dialect {
        self.dialect
    }

    fn push(&mut self, rule: Rule, severity: Severity, position: Position, message: String) {
        self.findings
            .push(Finding::new(severity, rule.id(), message).at(position));
    }
}
