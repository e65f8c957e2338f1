//! Layer (a): the RFC 7230 field lexer. Turns a body or header block into OCCI fields with
//! case-insensitive names (aliases reported), joins obs-fold continuation lines (lenient),
//! and splits comma lists outside quoted strings and `<…>` references, so that repeated
//! fields and comma-joined values are one and the same.

use tern_diag::Position;

use crate::diagnostic::{Diagnostics, Rule};
use crate::leniency::{Leniency, ParseOptions};
use crate::position::Located;

/// The OCCI fields of the text renderings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldName {
    /// `Category`.
    Category,
    /// `Link`.
    Link,
    /// `X-OCCI-Attribute`.
    Attribute,
    /// `X-OCCI-Location`.
    Location,
}

impl FieldName {
    /// The name as the specification spells it.
    pub fn canonical(self) -> &'static str {
        match self {
            FieldName::Category => "Category",
            FieldName::Link => "Link",
            FieldName::Attribute => "X-OCCI-Attribute",
            FieldName::Location => "X-OCCI-Location",
        }
    }

    /// Looks a field name up, case-insensitively. The second member tells whether the name
    /// is a non-standard alias (`X-OCCI-Category`, `X-OCCI-Link`, `Location`, `X_occi_*`).
    pub fn lookup(name: &str) -> Option<(FieldName, bool)> {
        // Compared in a stack buffer: the longest name is 16 bytes.
        let mut buffer = [0u8; 16];
        let folded = buffer.get_mut(..name.len())?;
        for (to, from) in folded.iter_mut().zip(name.bytes()) {
            *to = match from.to_ascii_lowercase() {
                b'_' => b'-',
                other => other,
            };
        }
        let aliased = name.contains('_');
        let field = match &*folded {
            b"category" => (FieldName::Category, aliased),
            b"link" => (FieldName::Link, aliased),
            b"x-occi-attribute" => (FieldName::Attribute, aliased),
            b"x-occi-location" => (FieldName::Location, aliased),
            b"x-occi-category" => (FieldName::Category, true),
            b"x-occi-link" => (FieldName::Link, true),
            b"location" => (FieldName::Location, true),
            _ => return None,
        };
        Some(field)
    }
}

/// Where the fields are: in a body (`text/plain`, `text/occi+plain`) or in a header block
/// (`text/occi`), where other HTTP headers are skipped and a blank line ends the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Every line must be an OCCI field.
    Body,
    /// HTTP headers; non-OCCI headers and an optional status line are skipped.
    Headers,
}

/// One element of a field: a single value of a (possibly comma-joined, possibly repeated)
/// field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// Which field.
    pub name: FieldName,
    /// The value text (trimmed, quotes still in place) with its positions.
    pub value: Located,
}

/// Lexes `src` into field values in source order.
// One pass over the lines; splitting it would scatter the line-state machine.
#[allow(clippy::too_many_lines)]
pub fn lex(
    src: &str,
    layout: Layout,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Vec<FieldValue> {
    let mut raw: Vec<(FieldName, Located)> = Vec::new();
    // Whether the previous line was a field we keep (continuations of skipped headers are skipped too).
    let mut previous: Option<bool> = None;
    for (index, line) in src.split('\n').enumerate() {
        let line_no = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if layout == Layout::Headers && previous.is_some() {
                break; // the body (`OK`) follows the header block
            }
            previous = None;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let start = line.len() - line.trim_start_matches([' ', '\t']).len();
            let position = Position::new(line_no, col(line, start));
            match previous {
                Some(kept) => {
                    diags.lenient(
                        Leniency::ObsFold,
                        options.allows(Leniency::ObsFold),
                        position,
                        "field value continued on an indented line (obsolete line folding)",
                    );
                    if kept && let Some((_, value)) = raw.last_mut() {
                        value.push_folded(line[start..].trim_end(), position);
                    }
                }
                None => diags.error(
                    Rule::FieldSyntax,
                    position,
                    "indented line without a field before it",
                ),
            }
            continue;
        }
        if layout == Layout::Headers
            && previous.is_none()
            && raw.is_empty()
            && line.starts_with("HTTP/")
        {
            previous = Some(false); // status line of a captured response
            continue;
        }
        let Some(colon) = line.find(':') else {
            diags.error(
                Rule::FieldSyntax,
                Position::new(line_no, 1),
                format!("expected `Name: value`, found `{}`", clip(line)),
            );
            previous = Some(false);
            continue;
        };
        let name = &line[..colon];
        if name.is_empty() || !name.bytes().all(is_tchar) {
            diags.error(
                Rule::FieldSyntax,
                Position::new(line_no, 1),
                format!("`{}` is not a field name", clip(name)),
            );
            previous = Some(false);
            continue;
        }
        let Some((field, aliased)) = FieldName::lookup(name) else {
            if layout == Layout::Body {
                diags.error(Rule::UnknownField, Position::new(line_no, 1), format!("`{name}` is not an OCCI field (Category, Link, X-OCCI-Attribute, X-OCCI-Location)"));
            }
            previous = Some(false);
            continue;
        };
        if aliased {
            diags.lenient(
                Leniency::HeaderAlias,
                options.allows(Leniency::HeaderAlias),
                Position::new(line_no, 1),
                format!(
                    "`{name}` is not a field name of the specification; read as `{}`",
                    field.canonical()
                ),
            );
        }
        let rest = &line[colon + 1..];
        let start = colon + 1 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        raw.push((
            field,
            Located::new(
                line[start..].trim_end(),
                Position::new(line_no, col(line, start)),
            ),
        ));
        previous = Some(true);
    }
    let mut fields = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        // A value that is one element (most are) is kept as it is, not copied.
        let elements = scan_list(&value, diags);
        if let [(0, 0, end)] = elements[..]
            && end == value.text().len()
            && end > 0
            && !value.text().starts_with([' ', '\t'])
            && !value.text().ends_with([' ', '\t'])
        {
            fields.push(FieldValue { name, value });
            continue;
        }
        for (start, chars, end) in elements {
            push_element(&value, (start, chars), end, &mut |element| {
                fields.push(FieldValue {
                    name,
                    value: element,
                });
            });
        }
    }
    fields
}

/// Splits a `#rule` list on commas outside quoted strings and `<…>`; empty elements are
/// dropped as RFC 7230 §7 requires. An unterminated quote is reported once.
pub fn split_list(value: &Located, diags: &mut Diagnostics) -> Vec<Located> {
    let mut out = Vec::new();
    for (start, chars, end) in scan_list(value, diags) {
        push_element(value, (start, chars), end, &mut |element| out.push(element));
    }
    out
}

// The elements of a `#rule` list, blanks around them included: (start, characters before
// start, end).
fn scan_list(value: &Located, diags: &mut Diagnostics) -> Vec<(usize, usize, usize)> {
    let text = value.text();
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote_start: Option<usize> = None;
    let mut in_angle = false;
    // Characters before `start`, counted from one element to the next: positions stay
    // linear in the value. The delimiters are ASCII, so the walk is over bytes, and a
    // quoted string is skipped to its next `"` or `\`.
    let mut start_chars = 0;
    let mut i = 0;
    while i < bytes.len() {
        if quote_start.is_some() {
            match bytes[i..].iter().position(|&c| c == b'"' || c == b'\\') {
                // A quoted-pair: the escaped byte is skipped (the rest of an escaped
                // multi-byte character is never `"` or `\`).
                Some(k) if bytes[i + k] == b'\\' => i += k + 2,
                Some(k) => {
                    quote_start = None;
                    i += k + 1;
                }
                None => break,
            }
            continue;
        }
        match bytes[i] {
            b'"' if !in_angle => quote_start = Some(i),
            b'<' => in_angle = true,
            b'>' => in_angle = false,
            b',' if !in_angle => {
                out.push((start, start_chars, i));
                start_chars += chars_in(&bytes[start..=i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(q) = quote_start {
        diags.error(
            Rule::UnterminatedQuote,
            value.position_at(q),
            "quoted string without its closing `\"`",
        );
    }
    out.push((start, start_chars, text.len()));
    out
}

// The characters of UTF-8 `bytes`: the bytes that do not continue a sequence.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

// The element `start..end` without surrounding blanks; `start` comes with the number of
// characters before it. Blanks are one byte each, so skipping them keeps the count exact.
fn push_element(value: &Located, start: (usize, usize), end: usize, out: &mut impl FnMut(Located)) {
    let element = &value.text()[start.0..end];
    let lead = element.len() - element.trim_start_matches([' ', '\t']).len();
    let kept = element.trim_matches([' ', '\t']).len();
    if kept > 0 {
        out(value.slice_at(start.0 + lead, start.1 + lead, start.0 + lead + kept));
    }
}

/// RFC 7230 `tchar`.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn col(line: &str, byte: usize) -> usize {
    line[..byte].chars().count() + 1
}

fn clip(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(
        src: &str,
        layout: Layout,
        options: &ParseOptions,
    ) -> (Vec<(FieldName, String)>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let fields = lex(src, layout, options, &mut diags);
        (
            fields
                .into_iter()
                .map(|f| (f.name, f.value.text().to_owned()))
                .collect(),
            diags,
        )
    }

    #[test]
    fn repeated_fields_equal_comma_lists() {
        let strict = ParseOptions::strict();
        let (joined, d1) = texts(
            "X-OCCI-Attribute: a=1, b=\"x, y\"\r\n",
            Layout::Body,
            &strict,
        );
        let (repeated, d2) = texts(
            "X-OCCI-Attribute: a=1\nx-occi-attribute: b=\"x, y\"\n",
            Layout::Body,
            &strict,
        );
        assert_eq!(joined, repeated);
        assert_eq!(joined[1].1, "b=\"x, y\"");
        assert!(!d1.has_errors() && !d2.has_errors());
    }

    #[test]
    fn escaped_quote_does_not_end_string() {
        let (fields, d) = texts(
            r#"X-OCCI-Attribute: t="say \"hi\", ok", u=2"#,
            Layout::Body,
            &ParseOptions::strict(),
        );
        assert!(!d.has_errors());
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].1, r#"t="say \"hi\", ok""#);
    }

    #[test]
    fn aliases_are_named_leniencies() {
        let (fields, d) = texts(
            "X-OCCI-Category: a\nLocation: /x\n",
            Layout::Headers,
            &ParseOptions::strict(),
        );
        assert_eq!(fields[0].0, FieldName::Category);
        assert_eq!(fields[1].0, FieldName::Location);
        assert_eq!(d.items().len(), 2);
        assert!(
            d.items()
                .iter()
                .all(|x| x.rule.as_ref() == "lenient.header-alias")
        );
        let (_, d) = texts(
            "X_occi_attribute: a=1\n",
            Layout::Body,
            &ParseOptions::lenient(),
        );
        assert!(!d.has_errors());
        assert_eq!(d.items()[0].rule.as_ref(), "lenient.header-alias");
    }

    #[test]
    fn obs_fold_joins_with_positions() {
        let src = "X-OCCI-Attribute: a=1,\n  b=2\n";
        let mut diags = Diagnostics::new();
        let fields = lex(src, Layout::Body, &ParseOptions::lenient(), &mut diags);
        assert_eq!(fields[1].value.text(), "b=2");
        assert_eq!(fields[1].value.position(), Position::new(2, 3));
        assert!(!diags.has_errors());
        let (_, strict) = texts(src, Layout::Body, &ParseOptions::strict());
        assert!(strict.has_errors());
    }

    #[test]
    fn headers_skip_other_fields_and_body() {
        let src =
            "HTTP/1.1 200 OK\nServer: x OCCI/1.2\nCategory: a; scheme=\"s#\"; class=kind\n\nOK\n";
        let (fields, d) = texts(src, Layout::Headers, &ParseOptions::strict());
        assert_eq!(fields.len(), 1);
        assert!(!d.has_errors());
        let (_, d) = texts("Server: x\n", Layout::Body, &ParseOptions::strict());
        assert_eq!(d.items()[0].rule, Rule::UnknownField);
    }

    #[test]
    fn unterminated_quote_has_position() {
        let (_, d) = texts(
            "Category: a; title=\"x\n",
            Layout::Body,
            &ParseOptions::strict(),
        );
        assert_eq!(d.items()[0].rule, Rule::UnterminatedQuote);
        assert_eq!(d.items()[0].position, Some(Position::new(1, 20)));
    }

    #[test]
    fn long_lines_are_split_in_linear_time_with_exact_columns() {
        use std::fmt::Write as _;
        // 300,000 locations on one line, as large collections come: counting each element's
        // column from the line start would take minutes.
        let n = 300_000;
        let mut src = String::from("X-OCCI-Location: ");
        for i in 0..n {
            if i > 0 {
                src.push_str(", ");
            }
            let _ = write!(src, "/é/{i}");
        }
        let mut diags = Diagnostics::new();
        let fields = lex(&src, Layout::Body, &ParseOptions::strict(), &mut diags);
        assert_eq!(fields.len(), n);
        let last = &fields[n - 1].value;
        let column = src.chars().count() - last.text().chars().count() + 1;
        assert_eq!(last.position(), Position::new(1, column));
    }

    #[test]
    fn elements_after_escaped_and_wide_characters_keep_their_columns() {
        // A quoted-pair escaping a multi-byte character, a quote and a comma inside the
        // string, `<…>` with a comma: the list splits where it should and columns count
        // characters, not bytes.
        let src = "X-OCCI-Attribute: t=\"é\\ü, \\\"x\", u=\"<a,b>\", l=<é,f>, v=2\n";
        let mut diags = Diagnostics::new();
        let fields = lex(src, Layout::Body, &ParseOptions::strict(), &mut diags);
        let texts: Vec<&str> = fields.iter().map(|f| f.value.text()).collect();
        assert_eq!(
            texts,
            ["t=\"é\\ü, \\\"x\"", "u=\"<a,b>\"", "l=<é,f>", "v=2"]
        );
        for f in &fields {
            let at = src.find(f.value.text()).unwrap();
            let column = src[..at].chars().count() + 1;
            assert_eq!(
                f.value.position(),
                Position::new(1, column),
                "{}",
                f.value.text()
            );
        }
        assert!(!diags.has_errors());
    }

    #[test]
    fn a_value_folded_over_many_lines_is_split_in_linear_time() {
        use std::fmt::Write as _;
        // 60,000 continuation lines of non-ASCII locations, one element each: counting the
        // characters of the whole value at each fold, or scanning every fold for each
        // element, would take minutes; positions point at each element's own line.
        // (Before: 18 s for 40,000 lines in a debug build; now well under a second.)
        let n = 60_000;
        let mut src = String::from("X-OCCI-Location: /é/0");
        for i in 1..n {
            let _ = write!(src, ",\n  /é/{i}");
        }
        let mut diags = Diagnostics::new();
        let fields = lex(&src, Layout::Body, &ParseOptions::lenient(), &mut diags);
        assert_eq!(fields.len(), n);
        assert_eq!(fields[n - 1].value.text(), format!("/é/{}", n - 1));
        assert_eq!(fields[n - 1].value.position(), Position::new(n, 3));
        assert_eq!(fields[1].value.position_at(3), Position::new(2, 5));
        // One obs-fold note per continuation line: the first `Bounded::PER_RULE` kept, the
        // rest counted in one note.
        let kept = tern_diag::Bounded::PER_RULE;
        assert_eq!(diags.items().len(), kept);
        let all = diags.into_vec();
        let last = all.last().unwrap();
        assert_eq!(last.rule, tern_diag::LIMIT_RULE);
        assert!(
            last.message.starts_with(&format!("{} more ", n - 1 - kept)),
            "{last}"
        );
    }

    #[test]
    fn one_element_fields_are_kept_whole() {
        let mut diags = Diagnostics::new();
        let fields = lex(
            "Category: a\nX-OCCI-Attribute: x=\"1\"\t \n",
            Layout::Body,
            &ParseOptions::strict(),
            &mut diags,
        );
        assert_eq!(fields[1].value.text(), "x=\"1\"");
        assert_eq!(fields[1].value.position(), Position::new(2, 19));
        let e = lex(
            "X-OCCI-Attribute: x=\"1, y=2\n",
            Layout::Body,
            &ParseOptions::strict(),
            &mut diags,
        );
        assert_eq!(e.len(), 1);
        assert_eq!(diags.items().last().unwrap().rule, Rule::UnterminatedQuote);
    }

    #[test]
    fn field_names_longer_than_any_known_are_unknown() {
        assert_eq!(
            FieldName::lookup("X_OCCI_ATTRIBUTE"),
            Some((FieldName::Attribute, true))
        );
        assert_eq!(FieldName::lookup("x-occi-attributes"), None);
        assert_eq!(FieldName::lookup(""), None);
        assert_eq!(
            FieldName::lookup("cAtEgOrY"),
            Some((FieldName::Category, false))
        );
    }

    #[test]
    fn line_without_colon_is_an_error() {
        let (_, d) = texts("Test\n", Layout::Body, &ParseOptions::strict());
        assert_eq!(d.items()[0].rule, Rule::FieldSyntax);
    }
}
