//! `X-OCCI-Attribute` values: `name=value` with the value's lexical class kept.

use crate::diagnostic::{Diagnostics, Rule};
use crate::leniency::{Leniency, ParseOptions};
use crate::position::Located;

use super::lexeme::{QuotedError, bare_attribute_value, check_attribute_name, clip, quoted_string};
use super::{AttributeValue, TextValue};

/// Parses one `X-OCCI-Attribute` value.
pub fn parse_attribute(
    value: &Located,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<AttributeValue> {
    let text = value.text();
    let Some(eq) = text.find('=') else {
        diags.error(
            Rule::BadValue,
            value.position(),
            format!("attribute `{}` has no `=value`", clip(text)),
        );
        return None;
    };
    let name = text[..eq].trim_end_matches([' ', '\t']);
    if !check_attribute_name(name, options.version) {
        diags.error(
            Rule::BadAttributeName,
            value.position(),
            format!("`{}` is not an attribute name", clip(name)),
        );
        return None;
    }
    let raw = &text[eq + 1..];
    let at = eq + 1 + (raw.len() - raw.trim_start_matches([' ', '\t']).len());
    let parsed = parse_value(&text[at..], value, at, false, options, diags)?;
    Some(AttributeValue {
        name: name.to_owned(),
        value: parsed,
        position: value.position(),
    })
}

/// Reads an attribute value that must fill `text` entirely (a quoted string or a bare value).
pub(crate) fn parse_value(
    text: &str,
    value: &Located,
    at: usize,
    token_is_legal: bool,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<TextValue> {
    if text.starts_with('"') {
        return match quoted_string(text) {
            Ok((s, len)) if len == text.len() => Some(TextValue::String(s)),
            Ok((s, len)) if text[len..].trim_end_matches([' ', '\t']) == ";" => {
                diags.lenient(
                    Leniency::TrailingSemicolon,
                    options.allows(Leniency::TrailingSemicolon),
                    value.position_at(at + len),
                    "`;` after the attribute value",
                );
                Some(TextValue::String(s))
            }
            Ok((_, len)) => {
                diags.error(
                    Rule::BadValue,
                    value.position_at(at + len),
                    format!(
                        "unexpected `{}` after the quoted string",
                        clip(&text[len..])
                    ),
                );
                None
            }
            // Reported by the field lexer, which scans the same text.
            Err(QuotedError::Unterminated) => None,
            Err(QuotedError::BadChar(off)) => {
                diags.error(
                    Rule::BadQuotedString,
                    value.position_at(at + off),
                    "control character in a quoted string",
                );
                None
            }
        };
    }
    bare_attribute_value(text, token_is_legal, value, at, options, diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tern_diag::Position;

    fn parse(text: &str, options: &ParseOptions) -> (Option<TextValue>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let v = parse_attribute(&Located::new(text, Position::START), options, &mut diags)
            .map(|a| a.value);
        (v, diags)
    }

    #[test]
    fn lexical_classes() {
        let strict = ParseOptions::strict();
        assert_eq!(parse("b1=true", &strict).0, Some(TextValue::Bool(true)));
        assert_eq!(
            parse("b2=\"true\"", &strict).0,
            Some(TextValue::String("true".into()))
        );
        assert_eq!(
            parse("n2=2.50", &strict).0,
            Some(TextValue::Number("2.50".into()))
        );
        assert_eq!(
            parse("s1=\"a, b\"", &strict).0,
            Some(TextValue::String("a, b".into()))
        );
        assert_eq!(
            parse(r#"s2="say \"hi\"""#, &strict).0,
            Some(TextValue::String("say \"hi\"".into()))
        );
        assert_eq!(
            parse("s3=\"x=y\"", &strict).0,
            Some(TextValue::String("x=y".into()))
        );
    }

    #[test]
    fn leniencies_and_errors() {
        let (v, d) = parse("e1=static", &ParseOptions::strict());
        assert_eq!(v, Some(TextValue::Token("static".into())));
        assert_eq!(d.items()[0].rule.as_ref(), "lenient.bare-token");
        assert!(d.has_errors());
        let (v, d) = parse("n=-1", &ParseOptions::lenient());
        assert_eq!(v, Some(TextValue::Number("-1".into())));
        assert!(!d.has_errors());
        let (v, d) = parse("occi.compute.cores=2x", &ParseOptions::lenient());
        assert_eq!((v, d.items()[0].rule.as_ref()), (None, "text.bad-number"));
        let (_, d) = parse("occi.core.title", &ParseOptions::lenient());
        assert_eq!(d.items()[0].rule.as_ref(), "text.bad-value");
        let (_, d) = parse("t=\"a\" b", &ParseOptions::lenient());
        assert_eq!(d.items()[0].rule.as_ref(), "text.bad-value");
    }
}
