//! Writing new descriptors: an indenting element, attribute and text builder.
//!
//! Edits of an existing descriptor go through the lossless [`crate::Document`]; a descriptor
//! made from scratch (an export from OCCI, say) is written with a [`Builder`]. Both escape
//! through the same function: the five predefined entities everywhere, and in attribute
//! values a tab, line feed or carriage return as a character reference, so that a two-line
//! value (an SSH key in an OVF property) reads back as two lines instead of being normalised
//! to one.
//!
//! The builder knows namespaces: it follows the `xmlns` and `xmlns:p` declarations written
//! on each element, and a name whose prefix nothing declares, a name that is not an XML
//! name, a repeated attribute, a value holding a character XML cannot carry, or unbalanced
//! tags make [`Builder::finish`] fail instead of producing a document no reader accepts.
//!
//! ```
//! use tern_ovf::build::Builder;
//!
//! let mut x = Builder::new();
//! x.open("Envelope", &[
//!     ("xmlns", "http://schemas.dmtf.org/ovf/envelope/1"),
//!     ("xmlns:ovf", "http://schemas.dmtf.org/ovf/envelope/1"),
//! ]);
//! x.empty("Property", &[("ovf:key", "public-keys"), ("ovf:value", "ssh-ed25519 A\nssh-rsa B")]);
//! x.text("Info", &[], "keys & more");
//! x.close("Envelope");
//! let xml = x.finish()?;
//! assert!(xml.contains(r#"ovf:value="ssh-ed25519 A&#10;ssh-rsa B""#));
//! assert!(xml.contains("<Info>keys &amp; more</Info>"));
//!
//! let doc = tern_ovf::Document::parse(xml.as_bytes())?;
//! let property = doc.root().elements().next().unwrap();
//! assert_eq!(
//!     property.attribute(Some("http://schemas.dmtf.org/ovf/envelope/1"), "value"),
//!     Some("ssh-ed25519 A\nssh-rsa B"),
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::escape;

/// Writes a document element by element, indenting each level by two spaces.
#[derive(Debug, Clone)]
pub struct Builder {
    out: String,
    /// The elements open, innermost last, with how many bindings each declared.
    open: Vec<(String, usize)>,
    /// Namespace bindings in scope, innermost last: (prefix, namespace); `None` is the
    /// default namespace.
    bindings: Vec<(Option<String>, String)>,
    /// Elements written at the top level.
    roots: usize,
    error: Option<BuildError>,
}

/// Why a built document would not be well-formed XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// An element or attribute name with a prefix that no `xmlns:` declaration in scope binds.
    #[error("`{name}`: namespace prefix `{prefix}` is not declared")]
    UnboundPrefix {
        /// The name as given.
        name: String,
        /// Its prefix.
        prefix: String,
    },
    /// Not an XML name (`Name` with at most one colon, neither part empty).
    #[error("`{0}` is not an XML name")]
    InvalidName(String),
    /// The same attribute twice on one element.
    #[error("<{element}> has the attribute `{attribute}` twice")]
    DuplicateAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: String,
    },
    /// A value with a character that XML 1.0 cannot carry, not even as a reference (most
    /// C0 control characters).
    #[error("<{element}>: U+{code:04X} cannot be written in XML")]
    NotXmlChar {
        /// The element whose attribute or text holds it.
        element: String,
        /// The code point.
        code: u32,
    },
    /// `close` of an element that is not the innermost open one (`None`: none is open).
    #[error("</{found}> closes {}", expected.as_deref().map_or_else(|| "nothing".to_owned(), |e| format!("<{e}>")))]
    Unbalanced {
        /// The innermost open element.
        expected: Option<String>,
        /// The element closed.
        found: String,
    },
    /// `finish` with an element still open.
    #[error("<{0}> is never closed")]
    Unclosed(String),
    /// No root element, or a second one.
    #[error("a document has exactly one root element")]
    Root,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// A document starting with `<?xml version="1.0" encoding="UTF-8"?>`.
    pub fn new() -> Self {
        Builder {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
            bindings: Vec::new(),
            roots: 0,
            error: None,
        }
    }

    /// `<name attributes>` on its own line; what follows is one level deeper.
    pub fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let declared = self.start_tag(name, attributes);
        self.out.push_str(">\n");
        self.open.push((name.to_owned(), declared));
    }

    /// `</name>` of the innermost open element, one level up.
    pub fn close(&mut self, name: &str) {
        match self.open.pop() {
            Some((open, declared)) if open == name => {
                self.unbind(declared);
                self.indent();
                self.out.push_str("</");
                self.out.push_str(name);
                self.out.push_str(">\n");
            }
            other => {
                if let Some((open, declared)) = &other {
                    // Keep the state consistent so that later errors still make sense.
                    self.open.push((open.clone(), *declared));
                }
                self.fail(BuildError::Unbalanced {
                    expected: other.map(|(open, _)| open),
                    found: name.to_owned(),
                });
            }
        }
    }

    /// `<name attributes/>`.
    pub fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let declared = self.start_tag(name, attributes);
        self.out.push_str("/>\n");
        self.unbind(declared);
    }

    /// `<name attributes>text</name>` on one line.
    pub fn text(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        let declared = self.start_tag(name, attributes);
        if let Some(problem) = check_chars(name, text) {
            self.fail(problem);
        }
        self.out.push('>');
        escape::text(text, &mut self.out);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.unbind(declared);
    }

    /// The document, or the first reason it would not be well-formed.
    pub fn finish(self) -> Result<String, BuildError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if let Some((name, _)) = self.open.last() {
            return Err(BuildError::Unclosed(name.clone()));
        }
        if self.roots != 1 {
            return Err(BuildError::Root);
        }
        Ok(self.out)
    }

    // Writes `<name attributes` (indented), binding the element's declarations; returns how
    // many bindings it pushed.
    fn start_tag(&mut self, name: &str, attributes: &[(&str, &str)]) -> usize {
        if self.open.is_empty() {
            self.roots += 1;
        }
        let before = self.bindings.len();
        for (attribute, value) in attributes {
            if *attribute == "xmlns" {
                self.bindings.push((None, (*value).to_owned()));
            } else if let Some(prefix) = attribute.strip_prefix("xmlns:") {
                self.bindings
                    .push((Some(prefix.to_owned()), (*value).to_owned()));
            }
        }
        let mut problems = vec![self.check_name(name, true)];
        let mut seen: Vec<(Option<&str>, &str)> = Vec::with_capacity(attributes.len());
        for (attribute, value) in attributes {
            problems.push(self.check_name(attribute, false));
            problems.push(check_chars(name, value));
            let key = self.expanded(attribute);
            if seen.contains(&key) {
                problems.push(Some(BuildError::DuplicateAttribute {
                    element: name.to_owned(),
                    attribute: (*attribute).to_owned(),
                }));
            }
            seen.push(key);
        }
        for problem in problems.into_iter().flatten() {
            self.fail(problem);
        }
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (attribute, value) in attributes {
            self.out.push(' ');
            self.out.push_str(attribute);
            self.out.push_str("=\"");
            escape::attribute(value, &mut self.out);
            self.out.push('"');
        }
        self.bindings.len() - before
    }

    // The namespace URI (or the declaring prefix, for `xmlns` attributes) and local name
    // that identify an attribute; two attributes with the same pair are the same attribute.
    fn expanded<'a>(&'a self, attribute: &'a str) -> (Option<&'a str>, &'a str) {
        match attribute.split_once(':') {
            Some(("xmlns", local)) => (Some("xmlns"), local),
            Some((prefix, local)) => (self.namespace_of(prefix).or(Some(prefix)), local),
            None => (None, attribute),
        }
    }

    fn namespace_of(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some("http://www.w3.org/XML/1998/namespace");
        }
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| p.as_deref() == Some(prefix))
            .map(|(_, ns)| ns.as_str())
    }

    fn check_name(&self, name: &str, element: bool) -> Option<BuildError> {
        let (prefix, local) = match name.split_once(':') {
            Some((prefix, local)) => (Some(prefix), local),
            None => (None, name),
        };
        if !(prefix.is_none_or(is_ncname) && is_ncname(local)) {
            return Some(BuildError::InvalidName(name.to_owned()));
        }
        let prefix = prefix?;
        let declares = !element && prefix == "xmlns";
        (!declares && self.namespace_of(prefix).is_none()).then(|| BuildError::UnboundPrefix {
            name: name.to_owned(),
            prefix: prefix.to_owned(),
        })
    }

    fn unbind(&mut self, declared: usize) {
        let keep = self.bindings.len().saturating_sub(declared);
        self.bindings.truncate(keep);
    }

    fn indent(&mut self) {
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
    }

    fn fail(&mut self, error: BuildError) {
        self.error.get_or_insert(error);
    }
}

fn check_chars(element: &str, value: &str) -> Option<BuildError> {
    escape::first_non_xml_char(value).map(|c| BuildError::NotXmlChar {
        element: element.to_owned(),
        code: u32::from(c),
    })
}

// XML Namespaces `NCName`: an XML `Name` without colons.
fn is_ncname(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

// XML 1.0 (fifth edition) `NameStartChar`, without ':'.
fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

// XML 1.0 `NameChar`, without ':'.
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const OVF: &str = "http://schemas.dmtf.org/ovf/envelope/1";

    fn envelope() -> Builder {
        let mut x = Builder::new();
        x.open("Envelope", &[("xmlns", OVF), ("xmlns:ovf", OVF)]);
        x
    }

    #[test]
    fn writes_indented_elements_with_escaped_values() {
        let mut x = envelope();
        x.open("References", &[]);
        x.empty("File", &[("ovf:id", "f"), ("ovf:href", "a&b \"c\".vmdk")]);
        x.close("References");
        x.text("Info", &[], "it's <here>");
        x.close("Envelope");
        assert_eq!(
            x.finish().unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\">\n\
             \x20 <References>\n\
             \x20   <File ovf:id=\"f\" ovf:href=\"a&amp;b &quot;c&quot;.vmdk\"/>\n\
             \x20 </References>\n\
             \x20 <Info>it&apos;s &lt;here&gt;</Info>\n\
             </Envelope>\n"
        );
    }

    #[test]
    fn whitespace_in_attributes_survives_a_reader() {
        let value = "line one\nline two\r\n\tindented";
        let mut x = envelope();
        x.empty("Property", &[("ovf:value", value)]);
        x.text("Info", &[], "a\r\nb");
        x.close("Envelope");
        let xml = x.finish().unwrap();
        let doc = crate::Document::parse(xml.as_bytes()).unwrap();
        let mut elements = doc.root().elements();
        let property = elements.next().unwrap();
        assert_eq!(property.attribute(Some(OVF), "value"), Some(value));
        assert_eq!(elements.next().unwrap().text(), "a\r\nb");
    }

    #[test]
    fn prefixes_must_be_declared_in_scope() {
        let mut x = envelope();
        x.text("rasd:Caption", &[], "x");
        x.close("Envelope");
        assert_eq!(
            x.finish(),
            Err(BuildError::UnboundPrefix {
                name: "rasd:Caption".into(),
                prefix: "rasd".into()
            })
        );
        // Declared on the element itself, or an ancestor; gone after it closes.
        let mut x = envelope();
        x.open("Item", &[("xmlns:rasd", "urn:rasd")]);
        x.text("rasd:Caption", &[("xml:lang", "en")], "x");
        x.close("Item");
        x.empty("Other", &[("rasd:a", "1")]);
        x.close("Envelope");
        assert!(matches!(
            x.finish(),
            Err(BuildError::UnboundPrefix { prefix, .. }) if prefix == "rasd"
        ));
    }

    #[test]
    fn malformed_documents_are_refused() {
        let mut x = envelope();
        x.empty("File", &[("ovf:id", "a"), ("ovf:id", "b")]);
        x.close("Envelope");
        assert!(matches!(
            x.finish(),
            Err(BuildError::DuplicateAttribute { .. })
        ));
        // The same attribute through two prefixes of one namespace.
        let mut x = envelope();
        x.empty("File", &[("xmlns:o", OVF), ("ovf:id", "a"), ("o:id", "b")]);
        x.close("Envelope");
        assert!(matches!(
            x.finish(),
            Err(BuildError::DuplicateAttribute { .. })
        ));
        let mut x = envelope();
        x.text("Info", &[], "bell \u{7}");
        x.close("Envelope");
        assert_eq!(
            x.finish(),
            Err(BuildError::NotXmlChar {
                element: "Info".into(),
                code: 7
            })
        );
        let mut x = envelope();
        x.empty("1st", &[]);
        x.close("Envelope");
        assert_eq!(x.finish(), Err(BuildError::InvalidName("1st".into())));
        let mut x = envelope();
        x.close("Other");
        assert!(matches!(x.finish(), Err(BuildError::Unbalanced { .. })));
        assert_eq!(
            envelope().finish(),
            Err(BuildError::Unclosed("Envelope".into()))
        );
        assert_eq!(Builder::new().finish(), Err(BuildError::Root));
        let mut x = Builder::new();
        x.empty("a", &[]);
        x.empty("b", &[]);
        assert_eq!(x.finish(), Err(BuildError::Root));
    }
}
