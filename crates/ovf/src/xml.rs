//! The one way the typed views, the vocabulary, dialect detection and validation read an
//! XML tree: [`ReadElement`] for elements, [`Source`] for what belongs to the whole document
//! (positions, encoding, declaration). Everything that only reads is written once, generic
//! over these traits, so any tree that implements them is read by the same code (the lossless
//! [`Element`] tree here; a compact read-only tree implements them from its own handles).

use std::borrow::Cow;

use tern_diag::Position;

use crate::document::Document;
use crate::encoding::Encoding;
use crate::node::{Element, Name, Node};
use crate::tree::{El, NodeRef, Tree};

/// A read-only handle on an element: what the readers need, nothing more. Cheap to copy
/// (a reference or an index); everything it hands out borrows the tree for `'a`.
pub(crate) trait ReadElement<'a>: Copy + 'a {
    /// The element's name.
    fn name(self) -> &'a Name;

    /// The attributes in document order (namespace declarations included), as
    /// (name, value with references resolved).
    fn attributes(self) -> impl Iterator<Item = (&'a Name, &'a str)> + 'a;

    /// The value of the attribute `local` in `namespace` (`None`: unqualified).
    fn attribute(self, namespace: Option<&str>, local: &str) -> Option<&'a str>;

    /// The child elements in document order.
    fn elements(self) -> impl Iterator<Item = Self> + 'a;

    /// The concatenated text and CDATA content of this element (not of descendants),
    /// borrowed when it is one node.
    fn text(self) -> Cow<'a, str>;
}

/// What a reader needs from the document around the elements of type `E`.
pub(crate) trait Source<E> {
    /// Line and column of `element`'s start tag.
    fn position(&self, element: E) -> Position;

    /// The encoding the bytes were read in.
    fn encoding(&self) -> Encoding;

    /// The content of the XML declaration (`xml version="1.0" encoding="UTF-8"`), if any,
    /// where the reader found it (each tree keeps it as a node).
    fn declaration(&self) -> Option<&str>;

    /// Whether any name of the tree may be in `namespace` (`true` when the tree does not
    /// know its names apart from its elements): lets a reader skip looking for a vocabulary
    /// the document never uses.
    fn may_use(&self, _namespace: &str) -> bool {
        true
    }

    /// Shows `visit` the element `root` and every element under it in document order,
    /// going into an element's children when `visit` returns `true`.
    fn walk<'a>(&self, root: E, visit: &mut dyn FnMut(E) -> bool)
    where
        E: ReadElement<'a>,
    {
        if visit(root) {
            for child in root.elements() {
                self.walk(child, visit);
            }
        }
    }
}

impl<'a> ReadElement<'a> for &'a Element {
    fn name(self) -> &'a Name {
        &self.name
    }

    fn attributes(self) -> impl Iterator<Item = (&'a Name, &'a str)> + 'a {
        self.attributes.iter().map(|a| (&a.name, a.value.as_str()))
    }

    fn attribute(self, namespace: Option<&str>, local: &str) -> Option<&'a str> {
        Element::attribute(self, namespace, local)
    }

    fn elements(self) -> impl Iterator<Item = Self> + 'a {
        self.children.iter().filter_map(Node::as_element)
    }

    fn text(self) -> Cow<'a, str> {
        self.text_ref()
    }
}

impl<'e> Source<&'e Element> for Document {
    fn position(&self, element: &'e Element) -> Position {
        self.element_position(element)
    }

    fn encoding(&self) -> Encoding {
        Document::encoding(self)
    }

    fn declaration(&self) -> Option<&str> {
        self.nodes().iter().find_map(|n| match n {
            Node::Declaration(m) => Some(m.value()),
            _ => None,
        })
    }
}

impl<'a> ReadElement<'a> for El<'a> {
    fn name(self) -> &'a Name {
        El::name(self)
    }

    fn attributes(self) -> impl Iterator<Item = (&'a Name, &'a str)> + 'a {
        El::attributes(self).map(|a| (a.name(), a.value()))
    }

    fn attribute(self, namespace: Option<&str>, local: &str) -> Option<&'a str> {
        El::attribute(self, namespace, local)
    }

    fn elements(self) -> impl Iterator<Item = Self> + 'a {
        El::elements(self)
    }

    fn text(self) -> Cow<'a, str> {
        El::text(self)
    }
}

impl<'e> Source<El<'e>> for Tree {
    fn position(&self, element: El<'e>) -> Position {
        element.position()
    }

    fn encoding(&self) -> Encoding {
        Tree::encoding(self)
    }

    // Where the reader found it, as the `Document` does: a declaration after leading
    // whitespace is still the one the reader read.
    fn declaration(&self) -> Option<&str> {
        self.nodes().find_map(|n| match n {
            NodeRef::Declaration(d) => Some(d),
            _ => None,
        })
    }

    // The records in order, skipping a subtree in one step: no recursion, no child lists.
    fn walk<'a>(&self, root: El<'e>, visit: &mut dyn FnMut(El<'e>) -> bool)
    where
        El<'e>: ReadElement<'a>,
    {
        root.walk(visit);
    }

    // The names read, each once: a few dozen in a descriptor.
    fn may_use(&self, namespace: &str) -> bool {
        self.names_read()
            .iter()
            .any(|n| n.namespace.as_deref() == Some(namespace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Envelope;
    use crate::validate::{Mode, ValidateOptions, validate, validate_from};

    /// Another tree: elements in a flat list, handles as indices, positions stored. What a
    /// compact read-only tree looks like to the readers.
    struct Arena<'d> {
        doc: &'d Document,
        elements: Vec<Flat>,
    }

    struct Flat {
        name: Name,
        attributes: Vec<(Name, String)>,
        children: Vec<usize>,
        text: String,
        position: Position,
    }

    #[derive(Clone, Copy)]
    struct Handle<'a>(&'a Arena<'a>, usize);

    impl<'d> Arena<'d> {
        fn new(doc: &'d Document) -> Self {
            let mut arena = Arena {
                doc,
                elements: Vec::new(),
            };
            arena.add(doc.root());
            arena
        }

        fn add(&mut self, e: &Element) -> usize {
            let at = self.elements.len();
            self.elements.push(Flat {
                name: e.name().clone(),
                attributes: e
                    .attributes()
                    .iter()
                    .map(|a| (a.name().clone(), a.value().to_string()))
                    .collect(),
                children: Vec::new(),
                text: e.text(),
                position: self.doc.element_position(e),
            });
            let children = e.elements().map(|c| self.add(c)).collect();
            self.elements[at].children = children;
            at
        }

        fn root(&self) -> Handle<'_> {
            Handle(self, 0)
        }
    }

    impl<'a> Handle<'a> {
        fn flat(self) -> &'a Flat {
            &self.0.elements[self.1]
        }
    }

    impl<'a> ReadElement<'a> for Handle<'a> {
        fn name(self) -> &'a Name {
            &self.flat().name
        }

        fn attributes(self) -> impl Iterator<Item = (&'a Name, &'a str)> + 'a {
            self.flat().attributes.iter().map(|(n, v)| (n, v.as_str()))
        }

        fn attribute(self, namespace: Option<&str>, local: &str) -> Option<&'a str> {
            self.attributes()
                .find(|(n, _)| n.local == local && n.namespace.as_deref() == namespace)
                .map(|(_, v)| v)
        }

        fn elements(self) -> impl Iterator<Item = Self> + 'a {
            let arena = self.0;
            self.flat().children.iter().map(move |&i| Handle(arena, i))
        }

        fn text(self) -> Cow<'a, str> {
            Cow::Borrowed(&self.flat().text)
        }
    }

    impl<'a> Source<Handle<'a>> for Arena<'_> {
        fn position(&self, element: Handle<'a>) -> Position {
            element.flat().position
        }

        fn encoding(&self) -> Encoding {
            self.doc.encoding()
        }

        fn declaration(&self) -> Option<&str> {
            Source::declaration(self.doc)
        }
    }

    /// The readers are written once: another tree read through the traits gives the same
    /// typed view and the same findings as the lossless tree, on every sample.
    #[test]
    fn another_tree_reads_and_validates_as_the_lossless_tree() {
        let mut files =
            tern_testkit::files(&tern_testkit::repo_root().join("samples/ovf"), &[".ovf"], 5);
        files.extend(tern_testkit::files(
            &tern_testkit::repo_root().join("samples/ovf/invalid"),
            &[".ovf"],
            5,
        ));
        if let Some(reference) = tern_testkit::reference("ovf/samples") {
            files.extend(tern_testkit::files(&reference, &[".ovf"], 5));
        }
        for file in files {
            let Ok(doc) = Document::parse(&std::fs::read(&file).unwrap()) else {
                continue; // not well-formed: no tree to read
            };
            let arena = Arena::new(&doc);
            assert_eq!(
                Envelope::read_from(arena.root(), &arena),
                Envelope::read(&doc),
                "{}",
                file.display()
            );
            for mode in [Mode::Strict, Mode::Lax] {
                let options = ValidateOptions {
                    mode,
                    ..ValidateOptions::default()
                };
                assert_eq!(
                    validate_from(arena.root(), &arena, &options),
                    validate(&doc, &options),
                    "{}",
                    file.display()
                );
            }
        }
    }
}
