//! The conversion report: every OVF element or attribute that no mapping row covers, with
//! its path and position, found by walking the document against the same rows the
//! conversion reads; plus notes on values that could not be carried over.

use serde::Serialize;
use tern_ovf::{Document, Element, Position};

use super::unused::{NotUsed, UnusedItem};
use crate::{MappingTable, OvfSource};

/// What the conversion could not express in OCCI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Elements and attributes without a mapping row, in document order.
    pub unmapped: Vec<Unmapped>,
    /// Hardware Items and Item children the chosen deployment option does not use.
    pub unused: Vec<UnusedItem>,
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

/// Appends to `report` everything in `doc` that no row of `table` covers, and the Items
/// (or children) of `not_used` instead of their unmapped parts.
pub(crate) fn unmapped(
    doc: &Document,
    table: &MappingTable,
    not_used: &NotUsed,
    report: &mut Report,
) {
    let coverage = Coverage::of(table);
    let mut walker = Walker {
        doc,
        coverage: &coverage,
        not_used,
        report,
    };
    walker.element(doc.root(), &mut Vec::new());
}

/// What the rows cover, split into path suffixes once per conversion.
struct Coverage<'t> {
    paths: Vec<Vec<String>>,
    property_keys: Vec<&'t str>,
    rasd: Vec<(u16, Option<&'t str>, Option<&'t str>)>,
}

impl<'t> Coverage<'t> {
    fn of(table: &'t MappingTable) -> Self {
        let mut coverage = Coverage {
            paths: Vec::new(),
            property_keys: Vec::new(),
            rasd: Vec::new(),
        };
        let split = |p: &str| p.split('/').map(str::to_owned).collect::<Vec<_>>();
        for source in table.rows().iter().filter_map(|r| r.ovf.as_ref()) {
            match source {
                OvfSource::Element { path } => {
                    coverage.paths.push(split(path));
                    coverage.paths.push(split(&format!("{path}/@ovf:id")));
                }
                OvfSource::Disk {
                    attribute, units, ..
                } => {
                    for a in [Some(attribute.as_str()), units.as_deref()]
                        .into_iter()
                        .flatten()
                    {
                        coverage
                            .paths
                            .push(split(&format!("DiskSection/Disk/@{a}")));
                    }
                }
                OvfSource::Property { key } => {
                    coverage.property_keys.push(key);
                    if key == "*" {
                        // Every property travels with its section's class, instance, Info
                        // (the mixin's title) and Category headings.
                        for p in ["@ovf:class", "@ovf:instance", "Info", "Category"] {
                            coverage.paths.push(split(&format!("ProductSection/{p}")));
                        }
                    }
                }
                OvfSource::Rasd {
                    resource_type,
                    element,
                    units,
                    ..
                } => coverage
                    .rasd
                    .push((*resource_type, element.as_deref(), units.as_deref())),
            }
        }
        // Identifiers that tie entities together are consumed by the conversion's structure.
        for p in ["File/@ovf:id", "File/@ovf:size", "Disk/@ovf:fileRef"] {
            coverage.paths.push(split(p));
        }
        coverage
    }
}

struct Walker<'a> {
    doc: &'a Document,
    coverage: &'a Coverage<'a>,
    not_used: &'a NotUsed,
    report: &'a mut Report,
}

impl Walker<'_> {
    fn element(&mut self, e: &Element, path: &mut Vec<String>) {
        let local = e.name().local.to_string();
        path.push(local.clone());
        let without_properties =
            local == "ProductSection" && !e.elements().any(|c| c.name().local == "Property");
        if without_properties {
            // Nothing of a section without properties travels.
            self.report_element(e, path);
        } else if CONTAINERS.contains(&local.as_str()) {
            self.attributes(e, path);
            for child in e.elements() {
                self.element(child, path);
            }
        } else if matches!(local.as_str(), "Item" | "EthernetPortItem" | "StorageItem") {
            self.item(e, path);
        } else if local == "Property" {
            let key = attribute(e, "key").unwrap_or_default();
            // Name the property: the path alone does not tell them apart.
            if let Some(last) = path.last_mut() {
                *last = format!("Property[@ovf:key={key}]");
            }
            if self.property_mapped(&key) {
                self.property_extras(e, path);
            } else {
                self.report_element(e, path);
            }
        } else if local == "Disk"
            || local == "File"
            || local == "Network"
            || local == "Configuration"
        {
            self.attributes(e, path);
            for child in e.elements() {
                path.push(child.name().local.to_string());
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
        let at = self.doc.element_position(e);
        if let Some(reason) = self.not_used.items.get(&at) {
            let id = item_id(e);
            self.report.unused.push(UnusedItem {
                path: format!("{}[InstanceID={id}]", path.join("/")),
                line: at.line,
                column: at.column,
                reason: reason.clone(),
            });
            return;
        }
        let resource_type = e
            .elements()
            .find(|c| c.name().local == "ResourceType")
            .and_then(|c| c.text().trim().parse::<u16>().ok());
        let rows: Vec<(Option<&str>, Option<&str>)> = self
            .coverage
            .rasd
            .iter()
            .filter(|(t, _, _)| Some(*t) == resource_type)
            .map(|&(_, element, units)| (element, units))
            .collect();
        if rows.is_empty() {
            // A controller, drive or device OCCI has no resource for.
            self.report_element(e, path);
            return;
        }
        for child in e.elements() {
            let name = child.name().local.as_str();
            let key = (at, name.replace("InstanceId", "InstanceID"));
            if let Some(reason) = self.not_used.children.get(&key) {
                let child_at = self.doc.element_position(child);
                self.report.unused.push(UnusedItem {
                    path: format!("{}[InstanceID={}]/{name}", path.join("/"), item_id(e)),
                    line: child_at.line,
                    column: child_at.column,
                    reason: reason.clone(),
                });
                continue;
            }
            let mapped = ITEM_STRUCTURE.contains(&name)
                || rows
                    .iter()
                    .any(|&(element, units)| element == Some(name) || units == Some(name));
            if !mapped {
                path.push(name.to_owned());
                self.report_element(child, path);
                path.pop();
            }
        }
    }

    // What a carried Property holds beyond its declaration (vendor attributes such as
    // `vmw:qualifiers`, unknown children).
    fn property_extras(&mut self, e: &Element, path: &mut Vec<String>) {
        const DECLARED: &[&str] = &[
            "key",
            "type",
            "qualifiers",
            "userConfigurable",
            "configurableByUser",
            "value",
            "defaultValue",
            "password",
        ];
        for a in e.attributes() {
            let name = a.name();
            let ovf = name
                .namespace
                .as_deref()
                .is_none_or(tern_ovf::names::is_ovf_namespace);
            if a.is_namespace_declaration() || (ovf && DECLARED.contains(&name.local.as_str())) {
                continue;
            }
            let at = self.doc.element_position(e);
            self.report.unmapped.push(Unmapped {
                path: format!("{}/@{}", path.join("/"), name.qualified()),
                line: at.line,
                column: at.column,
            });
        }
        for child in e.elements() {
            let local = child.name().local.to_string();
            if !matches!(local.as_str(), "Label" | "Description" | "Value") {
                path.push(local);
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
            let name = a.name();
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
        self.coverage
            .paths
            .iter()
            .any(|suffix| path.ends_with(suffix))
    }

    fn property_mapped(&self, key: &str) -> bool {
        self.coverage.property_keys.iter().any(|k| {
            *k == "*"
                || key == *k
                || key
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('.'))
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

fn item_id(e: &Element) -> String {
    e.elements()
        .find(|c| matches!(c.name().local.as_str(), "InstanceID" | "InstanceId"))
        .map(|c| c.text().trim().to_owned())
        .unwrap_or_default()
}

fn attribute(e: &Element, local: &str) -> Option<String> {
    e.attributes()
        .iter()
        .find(|a| a.name().local == local)
        .map(|a| a.value().to_owned())
}
