//! One broken rule, with its stable id, its message and where it is.

use std::borrow::Cow;
use std::fmt;

use crate::position::{Position, Span};
use crate::severity::Severity;

/// One finding. Codecs create them without a file name (they read bytes); the caller that
/// knows the name adds it with [`Finding::in_file`].
///
/// Serialized (see `schemas/findings.schema.json`):
/// `{"severity","rule","message"[,"file"][,"line","column"][,"pointer"][,"span"][,"hint"]}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// Error, warning or note.
    pub severity: Severity,
    /// The stable rule id, e.g. `OVF-XML`, `text.bad-term`, `CDMI-EXCLUSIVE`, `OVA-DIGEST`.
    pub rule: Cow<'static, str>,
    /// What is wrong, in words, naming the element or field concerned.
    pub message: String,
    /// The file, request or archive member the finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Where in it, when the finding is about a place.
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// The JSON pointer (RFC 6901) of the member concerned, for JSON inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The bytes concerned, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// What to do instead, when there is a standard answer (`use --force to replace it`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}

impl Finding {
    /// A finding of `severity` breaking `rule`, not yet placed. A message that quotes a
    /// long token of the input whole is capped ([`crate::quote::cap_message`]).
    pub fn new(
        severity: Severity,
        rule: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        let message = message.into();
        let message = match crate::quote::cap_message(&message) {
            Cow::Borrowed(_) => message,
            Cow::Owned(capped) => capped,
        };
        Finding {
            severity,
            rule: rule.into(),
            message,
            file: None,
            position: None,
            pointer: None,
            span: None,
            hint: None,
        }
    }

    /// An error breaking `rule`.
    pub fn error(rule: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Finding::new(Severity::Error, rule, message)
    }

    /// A warning about `rule`.
    pub fn warning(rule: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Finding::new(Severity::Warning, rule, message)
    }

    /// A note about `rule`.
    pub fn note(rule: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Finding::new(Severity::Note, rule, message)
    }

    /// Placed at `position`.
    #[must_use]
    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }

    /// Placed at `position` when there is one.
    #[must_use]
    pub fn at_opt(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    /// About the bytes of `span`.
    #[must_use]
    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// About the JSON member at `pointer`.
    #[must_use]
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// With a hint: what to do instead.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        self.hint = Some(match crate::quote::cap_message(&hint) {
            Cow::Borrowed(_) => hint,
            Cow::Owned(capped) => capped,
        });
        self
    }

    /// About the input named `name`. A finding that already names a file (an archive member,
    /// say) is placed inside it: `name/member`.
    #[must_use]
    pub fn in_file(mut self, name: impl fmt::Display) -> Self {
        self.file = Some(match self.file.take() {
            Some(inner) => format!("{name}/{inner}"),
            None => name.to_string(),
        });
        self
    }

    /// With `severity` instead of the current one (a leniency turning an error into a
    /// warning, say).
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Is this an error?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `FILE:LINE:COL: severity[RULE-ID]: message`; the parts that are unknown are left out. The
/// hint is not part of the line: [`crate::render`] prints it on the next one.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.position) {
            (Some(file), Some(p)) => write!(f, "{file}:{p}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(p)) => write!(f, "{p}: ")?,
            (None, None) => {}
        }
        write!(f, "{}[{}]: {}", self.severity, self.rule, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_leaves_out_what_is_unknown() {
        let f = Finding::warning("R-1", "odd");
        assert_eq!(f.to_string(), "warning[R-1]: odd");
        let f = f.at(Position::new(3, 7));
        assert_eq!(f.to_string(), "3:7: warning[R-1]: odd");
        let f = f.in_file("a.ovf");
        assert_eq!(f.to_string(), "a.ovf:3:7: warning[R-1]: odd");
        let member = Finding::error("OVA-DIGEST", "bad").in_file("disk.vmdk");
        assert_eq!(
            member.in_file("x.ova").to_string(),
            "x.ova/disk.vmdk: error[OVA-DIGEST]: bad"
        );
    }

    #[test]
    fn json_is_flat_and_reads_back() {
        let f = Finding::error("CDMI-EXCLUSIVE", "copy and move")
            .at(Position::new(2, 3))
            .with_pointer("/copy")
            .in_file("body.json");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "severity": "error", "rule": "CDMI-EXCLUSIVE", "message": "copy and move",
                "file": "body.json", "line": 2, "column": 3, "pointer": "/copy"
            })
        );
        let back: Finding = serde_json::from_value(json).unwrap();
        assert_eq!(back, f);
        let hinted = f.with_hint("leave one out");
        let json = serde_json::to_value(&hinted).unwrap();
        assert_eq!(json["hint"], "leave one out");
        assert_eq!(serde_json::from_value::<Finding>(json).unwrap(), hinted);
        let bare: Finding =
            serde_json::from_str(r#"{"severity":"note","rule":"x","message":"m"}"#).unwrap();
        assert_eq!(bare.position, None);
    }

    #[test]
    fn a_huge_quoted_token_is_not_kept_whole() {
        let token = "x".repeat(10_000_000);
        let f = Finding::error("text.bad-term", format!("invalid term `{token}`"))
            .with_hint(format!("write `{token}` otherwise"));
        assert!(f.message.len() < 200, "{}", f.message.len());
        assert!(f.hint.as_ref().is_some_and(|h| h.len() < 200));
    }

    #[test]
    fn severities_order_from_note_to_error() {
        assert!(Severity::Note < Severity::Warning && Severity::Warning < Severity::Error);
        assert!(has_errors(&[
            Finding::note("a", ""),
            Finding::error("b", "")
        ]));
        assert!(!has_errors(&[Finding::warning("a", "")]));
    }
}
