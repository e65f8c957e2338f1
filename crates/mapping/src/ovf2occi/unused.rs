//! Hardware the chosen deployment option does not use: Items for other options, Items (and
//! children) a later Item with the same InstanceID gives again, and `ovf:bound` range
//! markers (OCCI has no ranges). tern-ovf's resolver decides; the report lists them so that
//! nothing is dropped silently.

use std::collections::HashMap;

use serde::Serialize;
use tern_ovf::Envelope;
use tern_ovf::Position;
use tern_ovf::model::{Resolved, UnusedReason};

/// An Item (or an Item's child) the conversion did not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnusedItem {
    /// Path from the Envelope, e.g. `Envelope/VirtualSystem/VirtualHardwareSection/Item[InstanceID=1]`
    /// or, for a child, `…/Item[InstanceID=2]/VirtualQuantity`.
    pub path: String,
    /// 1-based line of the Item's (or child's) start tag.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Why it was not used.
    pub reason: String,
}

/// What the walker of the report needs: reasons by the position of an Item's start tag,
/// and by Item position and child name.
#[derive(Debug, Default)]
pub(crate) struct NotUsed {
    pub(crate) items: HashMap<Position, String>,
    pub(crate) children: HashMap<(Position, String), String>,
}

impl NotUsed {
    /// Resolves every hardware section of every system for `config`.
    pub(crate) fn of(envelope: &Envelope, config: Option<&str>) -> NotUsed {
        let mut out = NotUsed::default();
        let (option, applies) = match config {
            Some(c) => (
                format!("deployment option `{c}`"),
                format!("does not apply to deployment option `{c}`"),
            ),
            None => (
                "the descriptor (no deployment option)".to_owned(),
                "names a deployment option and the descriptor declares none".to_owned(),
            ),
        };
        for system in envelope.virtual_systems() {
            for hw in &system.sections.hardware {
                out.add(&hw.resolve(config), &option, &applies);
            }
        }
        out
    }

    fn add(&mut self, resolved: &Resolved<'_>, option: &str, applies: &str) {
        for u in &resolved.unused {
            let reason = match u.reason {
                UnusedReason::Replaced { by } => format!(
                    "replaced for {option} by the Item at {}:{}",
                    by.line, by.column
                ),
                UnusedReason::RangeWithoutItem => {
                    "range marker without a normal Item of its InstanceID".to_owned()
                }
                _ => format!(
                    "ovf:configuration=\"{}\" {applies}",
                    u.item.configuration.join(" ")
                ),
            };
            self.items.insert(u.item.position, reason);
        }
        for r in &resolved.items {
            for s in &r.superseded {
                // A wholly replaced Item is listed once, as an Item.
                if self.items.contains_key(&s.item.position) {
                    continue;
                }
                self.children.insert(
                    (s.item.position, s.child.clone()),
                    format!(
                        "replaced for {option} by the Item at {}:{}",
                        s.by.position.line, s.by.position.column
                    ),
                );
            }
            for m in &r.markers {
                let bound = match m.bound {
                    Some(tern_ovf::model::Bound::Min) => "min",
                    _ => "max",
                };
                self.items.insert(
                    m.position,
                    format!("range marker (ovf:bound=\"{bound}\"): OCCI has no ranges"),
                );
            }
        }
    }
}
