//! External message bundles (DSP0243 §10): a `Strings` element with `ovf:fileRef` names a
//! File whose content is a document with a `Strings` root holding the `Msg` elements.

use super::{Cx, Envelope, Strings};
use crate::document::Document;

/// Largest message bundle read (bundles are small text files).
pub const MAX_BUNDLE: usize = 4 << 20;

impl Envelope {
    /// Loads the messages of every `Strings` element that refers to an external bundle, with
    /// `fetch` giving the bytes of a File's href (from a directory, an OVA, …; `None` when it
    /// is not available). Returns what could not be loaded, one message per bundle.
    pub fn load_external_strings(
        &mut self,
        mut fetch: impl FnMut(&str) -> Option<Vec<u8>>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        for i in 0..self.strings.len() {
            let Some(file_ref) = self.strings[i].file_ref.clone() else {
                continue;
            };
            let Some(href) = self.file(&file_ref).and_then(|f| f.href.clone()) else {
                problems.push(format!("Strings bundle {file_ref}: no File with this id"));
                continue;
            };
            let Some(bytes) = fetch(&href) else {
                problems.push(format!(
                    "Strings bundle {file_ref}: {href} is not available"
                ));
                continue;
            };
            if bytes.len() > MAX_BUNDLE {
                problems.push(format!(
                    "Strings bundle {file_ref}: {href} is larger than {MAX_BUNDLE} bytes"
                ));
                continue;
            }
            let doc = match Document::parse(&bytes) {
                Ok(doc) => doc,
                Err(e) => {
                    problems.push(format!(
                        "Strings bundle {file_ref}: {href}:{}:{}: {}",
                        e.position.line, e.position.column, e.kind
                    ));
                    continue;
                }
            };
            if doc.root().name().local != "Strings" {
                problems.push(format!(
                    "Strings bundle {file_ref}: {href} has no Strings root"
                ));
                continue;
            }
            let bundle = Strings::read(&Cx::new(&doc), doc.root());
            let strings = &mut self.strings[i];
            // The descriptor's xml:lang wins; the bundle's own applies when it has none.
            if strings.lang.is_none() {
                strings.lang = bundle.lang;
            }
            strings.messages.extend(bundle.messages);
        }
        problems
    }
}
