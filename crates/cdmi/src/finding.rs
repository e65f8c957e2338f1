//! Findings: one broken rule each, with its place in the text.

use std::fmt;

use crate::position::{Position, PositionIndex};

/// How bad a finding is: errors make a body invalid, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The body breaks a rule of the specification.
    Error,
    /// Legal but suspicious (unknown field, deprecated form, lenient parse).
    Warning,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Stable rule identifier, e.g. `CDMI-EXCLUSIVE`.
    pub rule: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// JSON pointer of the offending member (`""` for the whole body).
    pub pointer: String,
    /// Where it is in the text, when known.
    pub position: Option<Position>,
}

/// Findings collected while reading one body.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    list: Vec<Finding>,
}

/// Renders findings as `FILE:LINE:COL: error[RULE-ID]: message`, one per line.
pub struct Report<'a> {
    file: &'a str,
    findings: &'a [Finding],
}

impl Finding {
    /// An error at `pointer`.
    pub fn error(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            rule,
            message: message.into(),
            pointer: pointer.into(),
            position: None,
        }
    }

    /// A warning at `pointer`.
    pub fn warning(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(rule, pointer, message)
        }
    }

    /// Is this an error?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Findings {
    /// Records an error.
    pub fn error(
        &mut self,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.list.push(Finding::error(rule, pointer, message));
    }

    /// Records a warning.
    pub fn warning(
        &mut self,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.list.push(Finding::warning(rule, pointer, message));
    }

    /// Records a finding.
    pub fn push(&mut self, finding: Finding) {
        self.list.push(finding);
    }

    /// True when an error was recorded.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Finding::is_error)
    }

    /// Fills in positions from `index` and sorts by position (text order).
    pub fn locate(mut self, index: &PositionIndex) -> Vec<Finding> {
        for f in &mut self.list {
            if f.position.is_none() {
                f.position = Some(index.nearest(&f.pointer));
            }
        }
        self.list.sort_by_key(|f| f.position.map(|p| p.offset));
        self.list
    }

    /// The findings without positions.
    pub fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}

impl<'a> Report<'a> {
    /// A report of `findings` for `file`.
    pub fn new(file: &'a str, findings: &'a [Finding]) -> Self {
        Self { file, findings }
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in self.findings {
            let (line, column) = finding.position.map_or((1, 1), |p| (p.line, p.column));
            let severity = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            writeln!(
                f,
                "{}:{line}:{column}: {severity}[{}]: {}",
                self.file, finding.rule, finding.message
            )?;
        }
        Ok(())
    }
}
