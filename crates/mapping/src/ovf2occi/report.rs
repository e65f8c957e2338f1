//! The conversion report: every OVF element or attribute that no mapping row covers, with
//! its path and position, found by walking the document against the same rows the
//! conversion reads; plus notes on values that could not be carried over.

use serde::Serialize;
use tern_ovf::{Document, Element, Position};

use crate::{MappingTable, OvfSource};

/// What the conversion could not express in OCCI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Elements and attributes without a mapping row, in document order.
    pub unmapped: Vec<Unmapped>,
    /// Values a row could not carry over, and other remarks.
    pub notes: Vec<Note>,
}

/// An element or attribute without a mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmapped {
    /// Path from the Envelope, e.g. `Envelope/VirtualSystem/AnnotationSection` or
    /// `Envelope/DiskSection/Disk/@ovf:populatedSize`.
    pub path: String,
    /// 1-based line of the element's start tag.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A remark tied to a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// 1-based line (0 when not tied to the descriptor).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What happened.
    pub message: String,
}

impl Report {
    pub(crate) fn note(&mut self, at: Position, message: String) {
        self.notes.push(Note {
            line: at.line,
            column: at.column,
            message,
        });
    }
}

// Elements the conversion walks through: they become entities or hold mapped children.
const CONTAINERS: &[&str] = &[
    "Envelope",
    "References",
    "DiskSection",
    "NetworkSection",
    "VirtualSystemCollection",
    "VirtualSystem",
    "VirtualHardwareSection",
    "System",
    "ProductSection",
    "DeploymentOptionSection",
];

// Item children that identify or place the item rather than carry a value.
const ITEM_STRUCTURE: &[&str] = &[
    "ResourceType",
    "InstanceID",
    "Connection",
    "HostResource",
    "Parent",
    "AddressOnParent",
];

/// Appends to `report` everything in `doc` that no row of `table` covers.
pub(crate) fn unmapped(doc: &Document, table: &MappingTable, report: &mut Report) {
    let mut walker = Walker { doc, table, report };
    walker.element(doc.root(), &mut Vec::new());
}

struct Walker<'a> {
    doc: &'a Document,
    table: &'a MappingTable,
    report: &'a mut Report,
}

impl Walker<'_> {
    fn element(&mut self, e: &Element, path: &mut Vec<String>) {
        let local = e.name().local.clone();
        path.push(local.clone());
        if CONTAINERS.contains(&local.as_str()) {
            self.attributes(e, path);
            for child in e.elements() {
                self.element(child, path);
            }
        } else if matches!(local.as_str(), "Item" | "EthernetPortItem" | "StorageItem") {
            self.item(e, path);
        } else if local == "Property" {
            let key = attribute(e, "key").unwrap_or_default();
            if !self.property_mapped(&key) {
                self.report_element(e, path);
            }
        } else if local == "Disk"
            || local == "File"
            || local == "Network"
            || local == "Configuration"
        {
            self.attributes(e, path);
            for child in e.elements() {
                path.push(child.name().local.clone());
                if !self.path_mapped(path) {
                    self.report_element(child, path);
                }
                path.pop();
            }
        } else if !self.path_mapped(path) {
            self.report_element(e, path);
        }
        path.pop();
    }

    fn item(&mut self, e: &Element, path: &mut Vec<String>) {
        let resource_type = e
            .elements()
            .find(|c| c.name().local == "ResourceType")
            .and_then(|c| c.text().trim().parse::<u16>().ok());
        let rows: Vec<&OvfSource> = self
            .table
            .rows()
            .iter()
            .filter_map(|r| r.ovf.as_ref())
            .filter(|s| matches!(s, OvfSource::Rasd { resource_type: t, .. } if Some(*t) == resource_type))
            .collect();
        if rows.is_empty() {
            // A controller, drive or device OCCI has no resource for.
            self.report_element(e, path);
            return;
        }
        for child in e.elements() {
            let name = child.name().local.clone();
            let mapped = ITEM_STRUCTURE.contains(&name.as_str())
                || rows.iter().any(|s| match s {
                    OvfSource::Rasd { element, units, .. } => {
                        element.as_deref() == Some(name.as_str())
                            || units.as_deref() == Some(name.as_str())
                    }
                    _ => false,
                });
            if !mapped {
                path.push(name);
                self.report_element(child, path);
                path.pop();
            }
        }
    }

    fn attributes(&mut self, e: &Element, path: &[String]) {
        for a in e.attributes() {
            if a.is_namespace_declaration() {
                continue;
            }
            let name = &a.name;
            // xml:lang and the envelope's version mark the document, not a fact about it.
            if name.local == "lang" || (path.len() == 1 && name.local == "version") {
                continue;
            }
            // Rows name attributes with canonical prefixes: match by namespace, not prefix.
            let canonical = match name.namespace.as_deref() {
                Some(crate::cdmi::TERN_OVF_NAMESPACE) => "tern",
                _ => "ovf",
            };
            let mut with_attr = path.to_vec();
            with_attr.push(format!("@{canonical}:{}", name.local));
            if !self.path_mapped(&with_attr) {
                if let Some(last) = with_attr.last_mut() {
                    *last = format!("@{}", name.qualified());
                }
                let at = self.doc.element_position(e);
                self.report.unmapped.push(Unmapped {
                    path: with_attr.join("/"),
                    line: at.line,
                    column: at.column,
                });
            }
        }
    }

    fn path_mapped(&self, path: &[String]) -> bool {
        self.table
            .rows()
            .iter()
            .filter_map(|r| r.ovf.as_ref())
            .any(|source| match source {
                OvfSource::Element { path: p } => {
                    ends_with(path, p) || ends_with(path, &format!("{p}/@ovf:id"))
                }
                OvfSource::Disk {
                    attribute, units, ..
                } => {
                    let attrs = [Some(attribute.as_str()), units.as_deref()];
                    attrs
                        .iter()
                        .flatten()
                        .any(|a| ends_with(path, &format!("DiskSection/Disk/@{a}")))
                }
                _ => false,
            })
            || is_reference(path)
    }

    fn property_mapped(&self, key: &str) -> bool {
        self.table
            .rows()
            .iter()
            .filter_map(|r| r.ovf.as_ref())
            .any(|source| match source {
                OvfSource::Property { key: k } => {
                    key == k
                        || key
                            .strip_prefix(k.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                }
                _ => false,
            })
    }

    fn report_element(&mut self, e: &Element, path: &[String]) {
        let at = self.doc.element_position(e);
        self.report.unmapped.push(Unmapped {
            path: path.join("/"),
            line: at.line,
            column: at.column,
        });
    }
}

// Identifiers that tie entities together (File ids, Disk fileRefs) are consumed by the
// structure of the conversion.
fn is_reference(path: &[String]) -> bool {
    let tail: Vec<&str> = path.iter().rev().take(2).map(String::as_str).collect();
    matches!(
        tail.as_slice(),
        ["@ovf:id" | "@ovf:size", "File"] | ["@ovf:fileRef", "Disk"]
    )
}

fn ends_with(path: &[String], suffix: &str) -> bool {
    let parts: Vec<&str> = suffix.split('/').collect();
    path.len() >= parts.len()
        && path[path.len() - parts.len()..]
            .iter()
            .zip(&parts)
            .all(|(a, b)| a == b)
}

fn attribute(e: &Element, local: &str) -> Option<String> {
    e.attributes()
        .iter()
        .find(|a| a.name.local == local)
        .map(|a| a.value.clone())
}
