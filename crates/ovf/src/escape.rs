//! The one XML escaper of tern-ovf, used by the lossless writer for edited values and by the
//! [`crate::build`] writer for new descriptors.
//!
//! The five predefined entities are escaped everywhere (`&amp; &lt; &gt; &quot; &apos;`), so a
//! value is safe whichever quote surrounds it. In attribute values a tab, line feed or
//! carriage return is written as a character reference (`&#9; &#10; &#13;`): written raw, a
//! reader's attribute-value normalisation would turn each into a space (XML 1.0 §3.3.3).
//! In text a carriage return is a reference too, or end-of-line handling would drop it
//! (§2.11).

/// Appends `value` escaped for element content.
pub(crate) fn text(value: &str, out: &mut String) {
    escape(value, false, out);
}

/// Appends `value` escaped for an attribute value in either quote.
pub(crate) fn attribute(value: &str, out: &mut String) {
    escape(value, true, out);
}

/// The first character of `value` that XML 1.0 cannot carry at all, not even as a
/// character reference (most C0 controls, U+FFFE, U+FFFF).
pub(crate) fn first_non_xml_char(value: &str) -> Option<char> {
    value.chars().find(|&c| !is_xml_char(c))
}

/// XML 1.0 `Char`.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape(value: &str, in_attribute: bool, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_their_whitespace_as_references() {
        let mut out = String::new();
        attribute("a\"b'c<d>&e\nf\r\tg", &mut out);
        assert_eq!(out, "a&quot;b&apos;c&lt;d&gt;&amp;e&#10;f&#13;&#9;g");
        let mut out = String::new();
        text("a\nb\r\n\t<&>", &mut out);
        assert_eq!(out, "a\nb&#13;\n\t&lt;&amp;&gt;");
        assert_eq!(first_non_xml_char("ok\u{1}"), Some('\u{1}'));
        assert_eq!(first_non_xml_char("ok\n\t"), None);
    }
}
