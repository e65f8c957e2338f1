//! A small indenting XML writer for descriptors made from scratch (edits of an existing
//! descriptor go through tern-ovf's lossless document instead).

use std::fmt::Write as _;

/// Accumulates indented XML text.
pub(crate) struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    pub(crate) fn new() -> Self {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            depth: 0,
        }
    }

    /// `<name attrs>` and one level deeper.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        let _ = write!(self.out, "<{name}{}>", attributes(attrs));
        self.out.push('\n');
        self.depth += 1;
    }

    /// `</name>` one level up.
    pub(crate) fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{name}>");
    }

    /// `<name attrs/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        let _ = writeln!(self.out, "<{name}{}/>", attributes(attrs));
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        let _ = writeln!(
            self.out,
            "<{name}{}>{}</{name}>",
            attributes(attrs),
            quick_xml::escape::escape(text)
        );
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

fn attributes(attrs: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (name, value) in attrs {
        let _ = write!(s, " {name}=\"{}\"", quick_xml::escape::escape(*value));
    }
    s
}
