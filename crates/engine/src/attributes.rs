//! Attribute comparison between a runtime entity and a target entity: the count of equal
//! attributes (the published attribute filter) and the changes that adapting one into the
//! other needs.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::sync::OnceLock;

use tern_model::{Catalogue, Entity, OcciVersion, Value};

/// A difference between a runtime entity and its target counterpart.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// An attribute whose target value differs from (or is absent at) runtime.
    Attribute {
        /// Attribute name (`occi.core.title` for the title).
        name: String,
        /// Runtime value, when present.
        old: Option<Value>,
        /// Target value.
        new: Value,
    },
    /// The mixin sets differ.
    Mixins {
        /// Runtime mixins.
        old: Vec<String>,
        /// Target mixins.
        new: Vec<String>,
    },
}

/// Number of attributes (`occi.core.id` and `occi.core.title` included) with the same name
/// and value on both sides: the `vertexFit` of Erbel et al.
pub(crate) fn equal_count(a: &Entity, b: &Entity) -> usize {
    let mut n = usize::from(a.id == b.id);
    if a.title.is_some() && a.title == b.title {
        n += 1;
    }
    n + a
        .attributes
        .iter()
        .filter(|(name, value)| b.attributes.get(name) == Some(value))
        .count()
}

/// Similarity in `[0, 1]`: equal attributes (title included, id excluded) over the union of
/// attribute names.
pub(crate) fn similarity(a: &Entity, b: &Entity) -> f64 {
    let mut equal = 0usize;
    let mut union = 0usize;
    if a.title.is_some() || b.title.is_some() {
        union += 1;
        equal += usize::from(a.title == b.title);
    }
    for (name, value) in a.attributes.iter() {
        union += 1;
        equal += usize::from(b.attributes.get(name) == Some(value));
    }
    union += b
        .attributes
        .iter()
        .filter(|(name, _)| a.attributes.get(name).is_none())
        .count();
    if a.mixins.len() + b.mixins.len() > 0 {
        union += 1;
        equal += usize::from(same_mixins(a, b));
    }
    if union == 0 {
        1.0
    } else {
        equal as f64 / union as f64
    }
}

/// True when both entities have the same mixin set (as many, each of `a` in `b`): linear,
/// through a hash set when the lists are long.
pub(crate) fn same_mixins(a: &Entity, b: &Entity) -> bool {
    if a.mixins.len() != b.mixins.len() {
        return false;
    }
    if a.mixins.len() <= 8 {
        return a.mixins.iter().all(|m| b.mixins.contains(m));
    }
    let theirs: std::collections::HashSet<&tern_model::CategoryId> = b.mixins.iter().collect();
    a.mixins.iter().all(|m| theirs.contains(m))
}

/// What must change for `runtime` to look like `target`, from the target's view: attributes
/// the target sets with another value (or that runtime lacks), the title when the target has
/// one, and the mixin set. Attributes only the runtime has (provider-filled ones such as a
/// MAC address) are not changes. Identity and link ends never count.
pub(crate) fn changes(runtime: &Entity, target: &Entity) -> Vec<Change> {
    let mut out = Vec::new();
    if let Some(title) = &target.title
        && runtime.title.as_ref() != Some(title)
    {
        out.push(Change::Attribute {
            name: "occi.core.title".into(),
            old: runtime.title.clone().map(Value::String),
            new: Value::String(title.clone()),
        });
    }
    for (name, value) in target.attributes.iter() {
        if matches!(
            name,
            "occi.core.id" | "occi.core.source" | "occi.core.target"
        ) {
            continue;
        }
        let old = runtime.attributes.get(name);
        if old != Some(value) {
            out.push(Change::Attribute {
                name: name.to_owned(),
                old: old.cloned(),
                new: value.clone(),
            });
        }
    }
    if !same_mixins(runtime, target) {
        out.push(Change::Mixins {
            old: runtime.mixins.iter().map(ToString::to_string).collect(),
            new: target.mixins.iter().map(ToString::to_string).collect(),
        });
    }
    out
}

impl Change {
    /// The change for people: `name: old -> new` (`(unset)` for an absent old value),
    /// `mixins: [old] -> [new]`.
    pub fn text(&self) -> String {
        match self {
            Change::Attribute { name, old, new } => format!(
                "{name}: {} -> {}",
                old.as_ref()
                    .map_or_else(|| "(unset)".to_owned(), Value::to_plain_string),
                new.to_plain_string()
            ),
            Change::Mixins { old, new } => {
                format!("mixins: [{}] -> [{}]", old.join(", "), new.join(", "))
            }
        }
    }
}

/// Changes serialised as a map from attribute name (`mixins` for the mixin set) to
/// `[old, new]`, as the diff report and the plan's reasons write them.
pub(crate) struct ChangesJson<'c>(pub(crate) &'c [Change]);

impl Serialize for ChangesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for c in self.0 {
            match c {
                Change::Attribute { name, old, new } => map.serialize_entry(name, &(old, new))?,
                Change::Mixins { old, new } => map.serialize_entry("mixins", &(old, new))?,
            }
        }
        map.end()
    }
}

/// The catalogue the engine judges mutability and state machines by where the caller gives
/// none (the `tern` strategy's costs, the diff text): OCCI Infrastructure 1.2, built once.
pub(crate) fn infrastructure() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::infrastructure(OcciVersion::V1_2))
}
