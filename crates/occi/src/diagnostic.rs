//! Findings: errors, leniency warnings and notes, each with a rule id and a position.

use std::fmt;

use crate::leniency::Leniency;
use crate::position::Position;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input breaks the grammar or the model; it is rejected.
    Error,
    /// The input breaks the grammar in a way an enabled leniency accepted.
    Warning,
    /// Information, e.g. a `text/occi` header that grew past common server limits.
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// The rule a finding is about; [`Rule::id`] is the stable identifier printed in brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A line is not `Name: value`.
    FieldSyntax,
    /// A field name that is not an OCCI field in a body rendering.
    UnknownField,
    /// A quoted string without its closing quote.
    UnterminatedQuote,
    /// A character that may not appear in a quoted string (or an escape of one).
    BadQuotedString,
    /// A Category without `scheme`.
    MissingScheme,
    /// A Category without `class`.
    MissingClass,
    /// A `class` other than kind, mixin or action.
    BadClass,
    /// A term outside the grammar of the OCCI version.
    BadTerm,
    /// A scheme or location that is not a URI.
    BadUri,
    /// A type identifier (`scheme#term`) that cannot be split.
    BadTypeIdentifier,
    /// An attribute declaration in `attributes="…"` outside the grammar.
    BadAttributeDef,
    /// A parameter given twice.
    DuplicateParameter,
    /// A parameter the field does not define.
    UnknownParameter,
    /// A parameter that is not `name=value`, or a value of the wrong shape.
    BadParameter,
    /// A `Link` value outside the grammar.
    BadLink,
    /// A number outside the grammar (`*DIGIT ["." *DIGIT]`).
    BadNumber,
    /// An attribute value of no lexical class (string, number, boolean).
    BadValue,
    /// An attribute name outside the grammar.
    BadAttributeName,
    /// The same category twice in one rendering.
    DuplicateCategory,
    /// The fields do not form the rendering asked for (resource, link, collection…).
    Composition,
    /// A category the catalogue does not know.
    UnknownCategory,
    /// An attribute no category of the entity defines.
    UnknownAttribute,
    /// A value whose class does not fit the attribute's type.
    AttributeType,
    /// A required attribute is missing.
    MissingAttribute,
    /// A category used where its class or `applies` forbids it.
    CategoryMisuse,
    /// JSON that is not well-formed or too deeply nested.
    JsonSyntax,
    /// JSON that is well-formed but not an OCCI rendering.
    JsonShape,
    /// JSON output that fails the schema (a bug in tern if it ever fires).
    Schema,
    /// A value that the target rendering cannot carry.
    Unrepresentable,
    /// A `text/occi` header longer than common server limits (8 KiB).
    HeaderSize,
    /// An input accepted only thanks to a leniency.
    Lenient(Leniency),
}

impl Rule {
    /// The identifier printed as `error[ID]`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::FieldSyntax => "text.field-syntax",
            Rule::UnknownField => "text.unknown-field",
            Rule::UnterminatedQuote => "text.unterminated-quote",
            Rule::BadQuotedString => "text.bad-quoted-string",
            Rule::MissingScheme => "text.missing-scheme",
            Rule::MissingClass => "text.missing-class",
            Rule::BadClass => "text.bad-class",
            Rule::BadTerm => "text.bad-term",
            Rule::BadUri => "text.bad-uri",
            Rule::BadTypeIdentifier => "text.bad-type-identifier",
            Rule::BadAttributeDef => "text.bad-attribute-def",
            Rule::DuplicateParameter => "text.duplicate-parameter",
            Rule::UnknownParameter => "text.unknown-parameter",
            Rule::BadParameter => "text.bad-parameter",
            Rule::BadLink => "text.bad-link",
            Rule::BadNumber => "text.bad-number",
            Rule::BadValue => "text.bad-value",
            Rule::BadAttributeName => "text.bad-attribute-name",
            Rule::DuplicateCategory => "occi.duplicate-category",
            Rule::Composition => "occi.composition",
            Rule::UnknownCategory => "model.unknown-category",
            Rule::UnknownAttribute => "model.unknown-attribute",
            Rule::AttributeType => "model.attribute-type",
            Rule::MissingAttribute => "model.missing-attribute",
            Rule::CategoryMisuse => "model.category-misuse",
            Rule::JsonSyntax => "json.syntax",
            Rule::JsonShape => "json.shape",
            Rule::Schema => "json.schema",
            Rule::Unrepresentable => "render.unrepresentable",
            Rule::HeaderSize => "render.header-size",
            Rule::Lenient(l) => l.rule_id(),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// The rule.
    pub rule: Rule,
    /// What is wrong, in words.
    pub message: String,
    /// Where, when the finding is about a place in an input.
    pub position: Option<Position>,
}

impl Diagnostic {
    /// An error at `position`.
    pub fn error(rule: Rule, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule,
            message: message.into(),
            position: Some(position),
        }
    }

    /// A finding with the given severity and no position.
    pub fn unplaced(severity: Severity, rule: Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            rule,
            message: message.into(),
            position: None,
        }
    }

    /// `FILE:LINE:COL: error[RULE-ID]: message` (the position part is dropped when unknown).
    pub fn display_in(&self, file: &str) -> String {
        match self.position {
            Some(p) => format!(
                "{file}:{p}: {}[{}]: {}",
                self.severity.as_str(),
                self.rule.id(),
                self.message
            ),
            None => format!(
                "{file}: {}[{}]: {}",
                self.severity.as_str(),
                self.rule.id(),
                self.message
            ),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.position {
            write!(f, "{p}: ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.rule.id(),
            self.message
        )
    }
}

/// Findings collected while reading one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No findings yet.
    pub fn new() -> Self {
        Diagnostics::default()
    }

    /// Adds a finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error.
    pub fn error(&mut self, rule: Rule, position: Position, message: impl Into<String>) {
        self.push(Diagnostic::error(rule, position, message));
    }

    /// Reports a use of `leniency`: a warning when `enabled`, else an error.
    pub fn lenient(
        &mut self,
        leniency: Leniency,
        enabled: bool,
        position: Position,
        message: impl Into<String>,
    ) {
        let severity = if enabled {
            Severity::Warning
        } else {
            Severity::Error
        };
        let mut message = message.into();
        if !enabled {
            message.push_str(" (accepted with leniency `");
            message.push_str(leniency.name());
            message.push_str("`)");
        }
        self.push(Diagnostic {
            severity,
            rule: Rule::Lenient(leniency),
            message,
            position: Some(position),
        });
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All findings in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Takes the findings out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Moves the findings of `other` in.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
}

/// Input rejected: every finding (errors first, in source order), never a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input breaks the grammar, the JSON shape or the model.
    #[error("{}", first_error(.diagnostics))]
    Invalid {
        /// All findings, including the warnings collected before giving up.
        diagnostics: Vec<Diagnostic>,
    },
}

impl ParseError {
    /// All findings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ParseError::Invalid { diagnostics } => diagnostics,
        }
    }
}

fn first_error(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map_or_else(|| "invalid input".to_owned(), ToString::to_string)
}

/// A successful parse: the value and the warnings (leniencies used) met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// What was read.
    pub value: T,
    /// Warnings and notes.
    pub warnings: Vec<Diagnostic>,
}

impl Diagnostics {
    /// `Ok(Parsed)` when there is no error, else [`ParseError::Invalid`] with everything found.
    pub fn finish<T>(self, value: T) -> Result<Parsed<T>, ParseError> {
        if self.has_errors() {
            let mut diagnostics = self.items;
            diagnostics.sort_by_key(|d| (d.severity, d.position));
            Err(ParseError::Invalid { diagnostics })
        } else {
            Ok(Parsed {
                value,
                warnings: self.items,
            })
        }
    }
}
