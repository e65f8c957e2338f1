//! The one way findings leave the command line: text lines (with a source snippet when the
//! source is known) or the findings JSON of `schemas/findings.schema.json`.

use std::collections::HashMap;
use std::io::{self, Write as _};

use serde_json::{Map, Value};
use tern_diag::{Finding, render};

use crate::app::{Format, GlobalArgs, Verbosity};
use crate::output;

/// The findings of one command run, with the sources they point into.
#[derive(Debug, Default)]
pub struct Findings {
    list: Vec<Finding>,
    // File name → text, for snippets under each finding of that file.
    sources: HashMap<String, String>,
}

impl From<Vec<Finding>> for Findings {
    fn from(list: Vec<Finding>) -> Self {
        Findings {
            list,
            sources: HashMap::new(),
        }
    }
}

impl Findings {
    /// Adds findings.
    pub(crate) fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.list.extend(findings);
    }

    /// Adds a finding whose position points into `source`.
    pub(crate) fn push_in(&mut self, finding: Finding, source: &str) {
        if let Some(file) = &finding.file {
            self.sources
                .entry(file.clone())
                .or_insert_with(|| source.to_owned());
        }
        self.list.push(finding);
    }

    /// No error-level finding.
    pub(crate) fn is_valid(&self) -> bool {
        !tern_diag::has_errors(&self.list)
    }

    /// The findings.
    pub(crate) fn list(&self) -> &[Finding] {
        &self.list
    }

    /// Text: one line per finding, then its snippet when the source is known.
    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        for finding in &self.list {
            match finding.file.as_ref().and_then(|f| self.sources.get(f)) {
                Some(source) if finding.position.is_some() => {
                    out.push_str(&render::snippet(finding, source));
                }
                _ => out.push_str(&render::lines(std::slice::from_ref(finding))),
            }
        }
        out
    }

    /// The report object: `valid`, `findings`, then `extra`'s fields.
    pub(crate) fn to_json(&self, extra: Map<String, Value>) -> Value {
        let mut object = Map::new();
        object.insert("valid".into(), Value::Bool(self.is_valid()));
        object.insert(
            "findings".into(),
            serde_json::to_value(&self.list).unwrap_or(Value::Null),
        );
        object.extend(extra);
        Value::Object(object)
    }

    /// The report of a validating command, on stdout: the lines in text (plain lines, no
    /// snippets: validation output is meant for grep; notes left out under `--quiet`), the
    /// object in JSON (every finding).
    pub(crate) fn print(&self, global: &GlobalArgs, extra: Map<String, Value>) -> io::Result<()> {
        match global.format {
            Format::Json => output::print_json(&self.to_json(extra)),
            Format::Text | Format::Markdown => {
                output::print(&render::lines(&self.shown(global.verbosity()).list))
            }
        }
    }

    /// The warnings and notes of a command that goes on (or succeeded), on stderr, in the
    /// `--format` shape; notes are left out of text under `--quiet`. Nothing when there are
    /// none.
    pub(crate) fn warn(&self, global: &GlobalArgs) {
        let shown = match global.format {
            Format::Json => self.shown(Verbosity::Verbose),
            Format::Text | Format::Markdown => self.shown(global.verbosity()),
        };
        if !shown.list.is_empty() {
            shown.eprint(global.format);
        }
    }

    /// The findings a reader at `verbosity` sees: notes only above `--quiet`.
    pub(crate) fn shown(&self, verbosity: Verbosity) -> Findings {
        let list = self
            .list
            .iter()
            .filter(|f| verbosity > Verbosity::Quiet || f.severity != tern_diag::Severity::Note)
            .cloned()
            .collect();
        Findings {
            list,
            sources: self.sources.clone(),
        }
    }

    /// Diagnostics of a command that failed, on stderr.
    pub(crate) fn eprint(&self, format: Format) {
        let text = match format {
            Format::Json => {
                let mut text =
                    serde_json::to_string_pretty(&self.to_json(Map::new())).unwrap_or_default();
                text.push('\n');
                text
            }
            Format::Text | Format::Markdown => self.to_text(),
        };
        // Nothing sensible is left to do when stderr itself is gone.
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
}
