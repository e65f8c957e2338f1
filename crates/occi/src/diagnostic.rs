//! Findings of the OCCI codec: the [`Rule`]s they are about, and the collection a reader
//! fills while it reads. The finding type itself is `tern_diag::Finding`.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::fmt;

use tern_diag::{Finding, Position, Severity};

use crate::leniency::Leniency;

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
    /// An instance lacks what the provider sets (its id, `state`, a NIC's MAC); a create
    /// request may leave it out.
    MissingProviderValue,
    /// A category used where its class or `applies` forbids it.
    CategoryMisuse,
    /// JSON that is not well-formed or too deeply nested.
    JsonSyntax,
    /// JSON that is well-formed but not an OCCI rendering.
    JsonShape,
    /// JSON output that fails the schema (a bug in tern if it ever fires).
    Schema,
    /// An entity named only by its location got the location's last segment as id.
    DerivedId,
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
            Rule::MissingProviderValue => "model.missing-provider-value",
            Rule::CategoryMisuse => "model.category-misuse",
            Rule::JsonSyntax => "json.syntax",
            Rule::JsonShape => "json.shape",
            Rule::Schema => "json.schema",
            Rule::DerivedId => "occi.derived-id",
            Rule::Unrepresentable => "render.unrepresentable",
            Rule::HeaderSize => "render.header-size",
            Rule::Lenient(l) => l.rule_id(),
        }
    }

    /// An error breaking this rule at `position`.
    pub fn error(self, position: Position, message: impl Into<String>) -> Finding {
        Finding::error(self, message).at(position)
    }

    /// A warning about this rule at `position`.
    pub fn warning(self, position: Position, message: impl Into<String>) -> Finding {
        Finding::warning(self, message).at(position)
    }

    /// A note about this rule at `position`.
    pub fn note(self, position: Position, message: impl Into<String>) -> Finding {
        Finding::note(self, message).at(position)
    }

    /// A finding of `severity` about this rule, not placed in an input (a writer's note).
    pub fn finding(self, severity: Severity, message: impl Into<String>) -> Finding {
        Finding::new(severity, self, message)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The rule id of a finding: `Finding::error(Rule::BadTerm, "…")`.
impl From<Rule> for Cow<'static, str> {
    fn from(rule: Rule) -> Self {
        Cow::Borrowed(rule.id())
    }
}

/// `finding.rule == Rule::BadTerm`.
impl PartialEq<Rule> for Cow<'static, str> {
    fn eq(&self, rule: &Rule) -> bool {
        self.as_ref() == rule.id()
    }
}

/// Findings collected while reading one input: at most [`tern_diag::Bounded::PER_RULE`] of
/// one rule are kept, the rest counted in a note (a text of ten million bad lines would hold
/// a finding for each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: tern_diag::Bounded,
}

impl Diagnostics {
    /// No findings yet.
    pub fn new() -> Self {
        Diagnostics::default()
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.items.push(finding);
    }

    /// Adds an error.
    pub fn error(&mut self, rule: Rule, position: Position, message: impl Into<String>) {
        self.push(rule.error(position, message));
    }

    /// Reports a use of `leniency`: a warning when `enabled`, else an error.
    pub fn lenient(
        &mut self,
        leniency: Leniency,
        enabled: bool,
        position: Position,
        message: impl Into<String>,
    ) {
        let rule = Rule::Lenient(leniency);
        if enabled {
            self.push(rule.warning(position, message));
        } else {
            let mut message = message.into();
            message.push_str(" (accepted with leniency `");
            message.push_str(leniency.name());
            message.push_str("`)");
            self.push(rule.error(position, message));
        }
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        tern_diag::has_errors(self.items.items())
    }

    /// The findings kept, in the order found (without the notes counting the ones left out,
    /// which [`Diagnostics::into_vec`] adds).
    pub fn items(&self) -> &[Finding] {
        self.items.items()
    }

    /// Takes the findings out.
    pub fn into_vec(self) -> Vec<Finding> {
        self.items.into_vec()
    }

    /// Moves the findings of `other` in.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Finding>) {
        self.items.extend(other);
    }

    /// `Ok(Parsed)` when there is no error, else [`ParseError::Invalid`] with everything found.
    pub fn finish<T>(self, value: T) -> Result<Parsed<T>, ParseError> {
        if self.has_errors() {
            Err(self.into_error())
        } else {
            Ok(Parsed {
                value,
                warnings: self.items.into_vec(),
            })
        }
    }

    /// [`ParseError::Invalid`] with everything found: errors first, then warnings and notes,
    /// each in source order.
    pub fn into_error(self) -> ParseError {
        let mut findings = self.items.into_vec();
        findings.sort_by_key(|f| (Reverse(f.severity), f.position));
        ParseError::Invalid { findings }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Finding;
    type IntoIter = std::vec::IntoIter<Finding>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_vec().into_iter()
    }
}

/// Input rejected: every finding (errors first, in source order), never a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input breaks the grammar, the JSON shape or the model.
    #[error("{}", first_error(.findings))]
    Invalid {
        /// All findings, including the warnings collected before giving up.
        findings: Vec<Finding>,
    },
}

impl ParseError {
    /// All findings.
    pub fn findings(&self) -> &[Finding] {
        match self {
            ParseError::Invalid { findings } => findings,
        }
    }

    /// Takes the findings out.
    pub fn into_findings(self) -> Vec<Finding> {
        match self {
            ParseError::Invalid { findings } => findings,
        }
    }
}

/// A successful parse: the value and the warnings (leniencies used) and notes met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// What was read.
    pub value: T,
    /// Warnings and notes.
    pub warnings: Vec<Finding>,
}

fn first_error(findings: &[Finding]) -> String {
    findings
        .iter()
        .find(|f| f.is_error())
        .map_or_else(|| "invalid input".to_owned(), ToString::to_string)
}
