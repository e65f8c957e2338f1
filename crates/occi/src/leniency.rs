//! Named leniencies: each deviation from the grammar that real servers produce, switchable
//! one by one. An enabled leniency turns an error into a warning; nothing is accepted silently.

use std::fmt;
use std::str::FromStr;

use tern_model::OcciVersion;

/// One named deviation from the OCCI grammar or JSON shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Leniency {
    /// A `;` after the last Category or Link parameter (GFD.229 examples, rOCCI).
    TrailingSemicolon,
    /// Parameters not separated by `;` (the GFD.229 example before `class`).
    MissingSemicolon,
    /// An unquoted token where the grammar wants a quoted string (`allocation=static`,
    /// `scheme=http://…`); `class` may be unquoted by the grammar itself.
    BareToken,
    /// `X-OCCI-Category`, `X-OCCI-Link`, `Location`, `X_occi_*` instead of the spec names.
    HeaderAlias,
    /// Field values continued on indented lines (RFC 7230 obs-fold).
    ObsFold,
    /// `"true"`/`"false"` as a boolean attribute value (ooi).
    QuotedBoolean,
    /// A number with a sign or an exponent (`-1`, `1.0e+20`).
    ExtendedNumber,
    /// A list or hash attribute carried as JSON inside a quoted string (rOCCI).
    JsonInString,
    /// A JSON resource or link without `id` (create requests).
    MissingId,
    /// An extra `location` member on a JSON entity (erocci, `MartServer`).
    ExtraLocation,
    /// rOCCI 4.x nested attributes `{"occi":{"compute":{"cores":2}}}`.
    NestedAttributes,
    /// `application/json` instead of `application/occi+json`.
    PlainJson,
}

impl Leniency {
    /// Every leniency, in a stable order.
    pub const ALL: [Leniency; 12] = [
        Leniency::TrailingSemicolon,
        Leniency::MissingSemicolon,
        Leniency::BareToken,
        Leniency::HeaderAlias,
        Leniency::ObsFold,
        Leniency::QuotedBoolean,
        Leniency::ExtendedNumber,
        Leniency::JsonInString,
        Leniency::MissingId,
        Leniency::ExtraLocation,
        Leniency::NestedAttributes,
        Leniency::PlainJson,
    ];

    /// The kebab-case name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Leniency::TrailingSemicolon => "trailing-semicolon",
            Leniency::MissingSemicolon => "missing-semicolon",
            Leniency::BareToken => "bare-token",
            Leniency::HeaderAlias => "header-alias",
            Leniency::ObsFold => "obs-fold",
            Leniency::QuotedBoolean => "quoted-boolean",
            Leniency::ExtendedNumber => "extended-number",
            Leniency::JsonInString => "json-in-string",
            Leniency::MissingId => "missing-id",
            Leniency::ExtraLocation => "extra-location",
            Leniency::NestedAttributes => "nested-attributes",
            Leniency::PlainJson => "plain-json",
        }
    }

    /// The rule id of the warning, `lenient.<name>`.
    pub fn rule_id(self) -> &'static str {
        match self {
            Leniency::TrailingSemicolon => "lenient.trailing-semicolon",
            Leniency::MissingSemicolon => "lenient.missing-semicolon",
            Leniency::BareToken => "lenient.bare-token",
            Leniency::HeaderAlias => "lenient.header-alias",
            Leniency::ObsFold => "lenient.obs-fold",
            Leniency::QuotedBoolean => "lenient.quoted-boolean",
            Leniency::ExtendedNumber => "lenient.extended-number",
            Leniency::JsonInString => "lenient.json-in-string",
            Leniency::MissingId => "lenient.missing-id",
            Leniency::ExtraLocation => "lenient.extra-location",
            Leniency::NestedAttributes => "lenient.nested-attributes",
            Leniency::PlainJson => "lenient.plain-json",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Leniency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name is not a leniency.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown leniency `{0}`")]
pub struct UnknownLeniency(pub String);

impl FromStr for Leniency {
    type Err = UnknownLeniency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Leniency::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| UnknownLeniency(s.to_owned()))
    }
}

/// A set of enabled leniencies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LeniencySet(u32);

impl LeniencySet {
    /// No leniency: exactly the grammar.
    pub const NONE: LeniencySet = LeniencySet(0);

    /// Every leniency.
    pub fn all() -> Self {
        Leniency::ALL
            .into_iter()
            .fold(LeniencySet::NONE, LeniencySet::with)
    }

    /// This set plus `leniency`.
    #[must_use]
    pub fn with(self, leniency: Leniency) -> Self {
        LeniencySet(self.0 | leniency.bit())
    }

    /// This set minus `leniency`.
    #[must_use]
    pub fn without(self, leniency: Leniency) -> Self {
        LeniencySet(self.0 & !leniency.bit())
    }

    /// Whether `leniency` is enabled.
    pub fn contains(self, leniency: Leniency) -> bool {
        self.0 & leniency.bit() != 0
    }
}

impl FromIterator<Leniency> for LeniencySet {
    fn from_iter<I: IntoIterator<Item = Leniency>>(iter: I) -> Self {
        iter.into_iter().fold(LeniencySet::NONE, LeniencySet::with)
    }
}

/// How strictly to read an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// The grammar version (1.1: GFD.185 lower-case terms and attribute names; 1.2: GFD.229).
    pub version: OcciVersion,
    /// The deviations to accept (with a warning).
    pub leniencies: LeniencySet,
}

impl ParseOptions {
    /// Exactly the OCCI 1.2 grammar.
    pub fn strict() -> Self {
        ParseOptions {
            version: OcciVersion::V1_2,
            leniencies: LeniencySet::NONE,
        }
    }

    /// OCCI 1.2 with every leniency enabled.
    pub fn lenient() -> Self {
        ParseOptions {
            version: OcciVersion::V1_2,
            leniencies: LeniencySet::all(),
        }
    }

    /// Whether `leniency` is enabled.
    pub fn allows(&self, leniency: Leniency) -> bool {
        self.leniencies.contains(leniency)
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions::strict()
    }
}
