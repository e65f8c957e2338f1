//! Lexemes shared by the field parsers: quoted strings (RFC 7230, with quoted-pair),
//! parameters, terms, type identifiers, URIs and bare values.

use std::borrow::Cow;

use nom::bytes::complete::{take_till1, take_while, take_while1};
use nom::character::complete::char;
use nom::{IResult, Parser};

use crate::diagnostic::{Diagnostics, Rule};
use crate::leniency::{Leniency, ParseOptions};
use crate::position::Located;
use tern_model::OcciVersion as Version;

use super::TextValue;

/// A parameter value: quoted (unescaped) or bare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParamValue {
    Quoted(String),
    Bare(String),
}

/// `name=value` with the offsets of both parts in the field value.
#[derive(Debug, Clone)]
pub(crate) struct Param<'a> {
    /// Lower-cased (borrowed from the value when it already is).
    pub(crate) name: Cow<'a, str>,
    pub(crate) name_at: usize,
    pub(crate) value: ParamValue,
    pub(crate) value_at: usize,
}

/// For each parameter, whether an earlier one has the same name: pairwise for the few
/// parameters a category or link has, through a set of borrowed names for more.
pub(crate) fn repeated_names(params: &[Param<'_>]) -> Vec<bool> {
    if params.len() <= 8 {
        return params
            .iter()
            .enumerate()
            .map(|(i, p)| params[..i].iter().any(|q| q.name == p.name))
            .collect();
    }
    let mut seen = std::collections::HashSet::with_capacity(params.len());
    params
        .iter()
        .map(|p| !seen.insert(p.name.as_ref()))
        .collect()
}

/// Why a quoted string could not be read.
pub(crate) enum QuotedError {
    Unterminated,
    BadChar(usize),
}

/// Reads a quoted string at the start of `input` (which starts with `"`); returns the
/// unescaped text and the byte length consumed.
pub(crate) fn quoted_string(input: &str) -> Result<(String, usize), QuotedError> {
    // Most quoted strings hold no quoted-pair: one allocation of the right size.
    // One pass over the bytes; only a string with non-ASCII characters is decoded, for the
    // C1 controls.
    let mut wide = false;
    let plain = input.bytes().skip(1).position(|b| {
        wide |= b >= 0x80;
        b == b'"' || b == b'\\' || (b < 0x20 && b != b'\t') || b == 0x7f
    });
    if let Some(len) = plain
        && input.as_bytes()[len + 1] == b'"'
        && !(wide && input[1..=len].chars().any(char::is_control))
    {
        return Ok((input[1..=len].to_owned(), len + 2));
    }
    let mut out = String::new();
    let mut chars = input.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => match chars.next() {
                Some((_, e)) if e == '\t' || e == ' ' || !e.is_control() => out.push(e),
                Some((j, _)) => return Err(QuotedError::BadChar(j)),
                None => return Err(QuotedError::Unterminated),
            },
            c if c == '\t' || !c.is_control() => out.push(c),
            _ => return Err(QuotedError::BadChar(i)),
        }
    }
    Err(QuotedError::Unterminated)
}

/// Renders `text` as an RFC 7230 quoted-string: `"` and `\` escaped, nothing else touched,
/// so escaping is idempotent through a parse.
pub(crate) fn escape_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn ows(i: &str) -> IResult<&str, &str> {
    take_while(|c| c == ' ' || c == '\t').parse(i)
}

fn param_name(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii() && super::super::field::is_tchar(c as u8) && c != '=')
        .parse(i)
}

fn bare_value(i: &str) -> IResult<&str, &str> {
    take_till1(|c| c == ';' || c == ' ' || c == '\t' || c == '"').parse(i)
}

/// The parameters of a Category or Link value from byte `start` on, reporting separator
/// leniencies; `None` (with an error reported) when the list cannot be read.
pub(crate) fn params<'a>(
    value: &'a Located,
    start: usize,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<Param<'a>>> {
    let text = value.text();
    let at = |rest: &str| text.len() - rest.len();
    let mut rest = &text[start..];
    let mut out = Vec::new();
    loop {
        let (r, _) = ows(rest).ok()?;
        rest = r;
        if rest.is_empty() {
            return Some(out);
        }
        if let Some(r) = rest.strip_prefix(';') {
            let semicolon = at(rest);
            let (r, _) = ows(r).ok()?;
            rest = r;
            if rest.is_empty() {
                diags.lenient(
                    Leniency::TrailingSemicolon,
                    options.allows(Leniency::TrailingSemicolon),
                    value.position_at(semicolon),
                    "`;` after the last parameter",
                );
                return Some(out);
            }
        } else {
            diags.lenient(
                Leniency::MissingSemicolon,
                options.allows(Leniency::MissingSemicolon),
                value.position_at(at(rest)),
                "parameters must be separated by `;`",
            );
        }
        let name_at = at(rest);
        let Ok((r, name)) = param_name(rest) else {
            diags.error(
                Rule::BadParameter,
                value.position_at(name_at),
                format!("expected a parameter `name=value`, found `{}`", clip(rest)),
            );
            return None;
        };
        let Ok((r, _)) = (ows, char('='), ows).parse(r) else {
            diags.error(
                Rule::BadParameter,
                value.position_at(at(r)),
                format!("expected `=` after parameter `{name}`"),
            );
            return None;
        };
        let value_at = at(r);
        let (r, param_value) = if r.starts_with('"') {
            match quoted_string(r) {
                Ok((s, len)) => (&r[len..], ParamValue::Quoted(s)),
                // The field lexer scans the same text and has reported the missing quote.
                Err(QuotedError::Unterminated) => return None,
                Err(QuotedError::BadChar(off)) => {
                    diags.error(
                        Rule::BadQuotedString,
                        value.position_at(value_at + off),
                        "control character in a quoted string",
                    );
                    return None;
                }
            }
        } else if let Ok((r, bare)) = bare_value(r) {
            // A control character fits neither a token nor a quoted-string: what is read
            // must render back.
            if let Some(off) = bare.find(|c: char| c.is_control()) {
                diags.error(
                    Rule::BadParameter,
                    value.position_at(value_at + off),
                    format!("control character in the value of parameter `{name}`"),
                );
                return None;
            }
            (r, ParamValue::Bare(bare.to_owned()))
        } else {
            diags.error(
                Rule::BadParameter,
                value.position_at(value_at),
                format!("parameter `{name}` has no value"),
            );
            return None;
        };
        out.push(Param {
            name: if name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(name)
            },
            name_at,
            value: param_value,
            value_at,
        });
        rest = r;
    }
}

/// Checks a Category term against the grammar of `version`.
pub(crate) fn check_term(term: &str, version: Version) -> bool {
    // Every allowed character is ASCII: bytes are characters here.
    let mut bytes = term.bytes();
    match version {
        Version::V1_2 => {
            bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
                && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        Version::V1_1 => {
            bytes.next().is_some_and(|b| b.is_ascii_lowercase())
                && bytes.all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_')
                })
        }
    }
}

/// Checks an attribute name: a 1.2 term, or 1.1 dotted lower-case components.
pub(crate) fn check_attribute_name(name: &str, version: Version) -> bool {
    match version {
        Version::V1_2 => check_term(name, version),
        Version::V1_1 => name.split('.').all(|c| check_term(c, version)),
    }
}

/// Checks a URI reference: non-empty, no spaces, controls or characters RFC 3986 excludes
/// ([`tern_model::is_uri_text`]).
pub(crate) fn check_location(uri: &str) -> bool {
    !uri.is_empty() && tern_model::is_uri_text(uri)
}

/// Checks an absolute URI (a scheme): `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" …`.
pub(crate) fn check_absolute_uri(uri: &str) -> bool {
    let Some((scheme, _)) = uri.split_once(':') else {
        return false;
    };
    check_location(uri)
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Splits a type identifier `scheme#term` into scheme (with `#`) and term.
pub(crate) fn split_type_id(id: &str) -> Option<(&str, &str)> {
    let hash = id.rfind('#')?;
    Some((&id[..=hash], &id[hash + 1..]))
}

/// Checks a space-separated list of type identifiers, reporting the first bad one.
pub(crate) fn type_ids(
    text: &str,
    value: &Located,
    at: usize,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for id in text.split(' ').filter(|s| !s.is_empty()) {
        let ok = split_type_id(id).is_some_and(|(scheme, term)| {
            check_absolute_uri(scheme) && check_term(term, options.version)
        });
        if !ok {
            diags.error(
                Rule::BadTypeIdentifier,
                value.position_at(at),
                format!(
                    "`{id}` is not a type identifier (`scheme#term` with an absolute URI scheme)"
                ),
            );
            return None;
        }
        out.push(id.to_owned());
    }
    Some(out)
}

/// Classifies a bare (unquoted) value: boolean, number, or token. `token_is_legal` is true
/// in Link attributes (`token | quoted-string`), false in `X-OCCI-Attribute`.
pub(crate) fn bare_attribute_value(
    text: &str,
    token_is_legal: bool,
    value: &Located,
    at: usize,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<TextValue> {
    let position = value.position_at(at);
    match text {
        "true" => return Some(TextValue::Bool(true)),
        "false" => return Some(TextValue::Bool(false)),
        _ => {}
    }
    if is_abnf_number(text) {
        return Some(TextValue::Number(text.to_owned()));
    }
    if is_extended_number(text) {
        diags.lenient(
            Leniency::ExtendedNumber,
            options.allows(Leniency::ExtendedNumber),
            position,
            format!("`{text}` has a sign or an exponent; OCCI numbers are `*DIGIT [\".\" *DIGIT]`"),
        );
        return Some(TextValue::Number(text.to_owned()));
    }
    if text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
        diags.error(
            Rule::BadNumber,
            position,
            format!(
                "`{}` is not a number (OCCI numbers are `*DIGIT [\".\" *DIGIT]`)",
                clip(text)
            ),
        );
        return None;
    }
    if !text.is_empty() && text.bytes().all(super::super::field::is_tchar) {
        if !token_is_legal {
            diags.lenient(
                Leniency::BareToken,
                options.allows(Leniency::BareToken),
                position,
                format!("unquoted value `{text}`; strings and enum values must be quoted"),
            );
        }
        return Some(TextValue::Token(text.to_owned()));
    }
    diags.error(
        Rule::BadValue,
        position,
        format!(
            "`{}` is neither a quoted string, a number nor a boolean",
            clip(text)
        ),
    );
    None
}

/// `*DIGIT ["." *DIGIT]` with at least one digit (an empty value or a lone `.` match the
/// ABNF but carry no number).
pub(crate) fn is_abnf_number(text: &str) -> bool {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    text.bytes().any(|b| b.is_ascii_digit())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn is_extended_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(e) => (&unsigned[..e], Some(&unsigned[e + 1..])),
        None => (unsigned, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    is_abnf_number(mantissa) && exponent_ok
}

pub(crate) fn clip(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The definitions the fast paths must agree with, character by character.
    fn location_by_chars(uri: &str) -> bool {
        !uri.is_empty()
            && uri
                .chars()
                .all(|c| !c.is_control() && !c.is_whitespace() && !"\"<>\\^`{|}".contains(c))
    }

    proptest::proptest! {
        #[test]
        fn uri_table_agrees_with_the_character_classes(uri in "[ -~\t\u{7f}é\u{85}\u{a0}]{0,12}") {
            proptest::prop_assert_eq!(check_location(&uri), location_by_chars(&uri));
        }

        #[test]
        fn quoted_strings_without_pairs_read_as_before(body in "[ -~\t\u{7f}é\u{85}]{0,12}") {
            let input = format!("\"{body}\" tail");
            let fast = quoted_string(&input);
            // The reference: character by character, as the reader did before.
            let mut out = String::new();
            let mut expected = Err(());
            for (i, c) in input.char_indices().skip(1) {
                match c {
                    '"' => { expected = Ok((out.clone(), i + 1)); break; }
                    '\\' => break,
                    c if c == '\t' || !c.is_control() => out.push(c),
                    _ => break,
                }
            }
            if let Ok(e) = expected {
                proptest::prop_assert_eq!(fast.ok(), Some(e));
            } else if !body.contains('\\') {
                proptest::prop_assert!(fast.is_err());
            }
        }
    }

    #[test]
    fn quoted_string_unescapes_and_escape_is_idempotent() {
        let (s, len) = quoted_string(r#""say \"hi\" \\ ok" rest"#).ok().unwrap();
        assert_eq!(s, r#"say "hi" \ ok"#);
        assert_eq!(len, 18);
        let once = escape_quoted(&s);
        let back = quoted_string(&once).ok().unwrap().0;
        assert_eq!(back, s);
        assert_eq!(escape_quoted(&back), once);
    }

    #[test]
    fn numbers_follow_the_abnf() {
        for ok in ["2", "2.0", "0.125", "10.", ".5"] {
            assert!(is_abnf_number(ok), "{ok}");
        }
        for bad in ["", ".", "-1", "1e9", "2x", "1.2.3"] {
            assert!(!is_abnf_number(bad), "{bad}");
        }
        for ext in ["-1", "1.0e+20", "+3", "2E-3"] {
            assert!(is_extended_number(ext), "{ext}");
        }
        assert!(!is_extended_number("1e"));
    }

    #[test]
    fn terms_per_version() {
        assert!(check_term("Compute.2", Version::V1_2));
        assert!(!check_term("Compute", Version::V1_1));
        assert!(check_term("os_tpl", Version::V1_1));
        assert!(!check_term("", Version::V1_2));
        assert!(check_attribute_name("occi.compute.cores", Version::V1_1));
        assert!(!check_attribute_name("occi..cores", Version::V1_1));
    }
}
