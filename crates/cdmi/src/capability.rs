//! Capabilities: the full name lists of CDMI 1.1.1 (clause 12.1) and 2.0 as data
//! (`data/capabilities.json`), and the capabilities tree served under `/cdmi_capabilities/`.

use std::sync::OnceLock;

use serde_json::{Map, Value};
use tern_diag::Bounded;

use crate::object::{ObjectType, Range};
use crate::pointer::{Record, child};
use crate::representation::{CdmiObject, Children};
use crate::version::Version;

/// Where a capability name appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapabilityClass {
    /// System-wide, on `/cdmi_capabilities/` (Table 100).
    System,
    /// Storage-system metadata support (Table 101), on per-class objects.
    StorageSystemMetadata,
    /// Data-system metadata support (Table 102), on per-class objects.
    DataSystemMetadata,
    /// `/cdmi_capabilities/dataobject/` (Table 103).
    Dataobject,
    /// `/cdmi_capabilities/container/` (Table 104).
    Container,
    /// `/cdmi_capabilities/domain/` (Table 105).
    Domain,
    /// `/cdmi_capabilities/queue/` (Table 106).
    Queue,
}

/// The JSON type of a capability value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapabilityType {
    /// A JSON string: `"true"`, a number as a string, or a list as text.
    String,
    /// A JSON array of JSON strings.
    StringArray,
}

/// One row of `data/capabilities.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct CapabilityName {
    /// The name, e.g. `cdmi_export_occi_iscsi`.
    pub name: String,
    /// Where it appears.
    pub class: CapabilityClass,
    /// The JSON type of its value.
    #[serde(rename = "type")]
    pub value_type: CapabilityType,
    /// Versions defining it (`1.1.1`, `2.0`).
    pub versions: Vec<String>,
    /// For deprecated 1.0 names: the name that replaced it.
    #[serde(default)]
    pub deprecated: Option<String>,
    /// The extension defining it, if not the core specification.
    #[serde(default)]
    pub extension: Option<String>,
}

/// A capability value, typed: CDMI sends `"true"`, `"4096"` and lists as JSON strings (or
/// arrays); this is the typed view, [`CapabilityValue::to_json`] the wire form again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapabilityValue {
    /// `"true"` or `"false"`.
    Flag(bool),
    /// A decimal number in a string, e.g. `"4096"`.
    Number(u64),
    /// Any other string, e.g. `"SHA256"` or `"anonymous, basic"`.
    Text(String),
    /// An array of strings.
    List(Vec<String>),
}

impl CapabilityValue {
    /// Reads a wire value; `None` for JSON that is neither a string nor an array of strings.
    pub fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(match s.as_str() {
                "true" => Self::Flag(true),
                "false" => Self::Flag(false),
                // Only the canonical spelling is a number, so "007" keeps its zeros.
                _ => crate::object::parse_decimal(s)
                    .filter(|n| n.to_string() == *s)
                    .map_or_else(|| Self::Text(s.clone()), Self::Number),
            }),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Self::List),
            _ => None,
        }
    }

    /// The wire form.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Flag(b) => Value::String(b.to_string()),
            Self::Number(n) => Value::String(n.to_string()),
            Self::Text(t) => Value::String(t.clone()),
            Self::List(items) => items.iter().cloned().map(Value::String).collect(),
        }
    }
}

impl CapabilityNode {
    /// The typed value of a capability, if present and well-formed.
    pub fn get(&self, name: &str) -> Option<CapabilityValue> {
        self.capabilities
            .get(name)
            .and_then(CapabilityValue::from_json)
    }

    /// Sets a capability from its typed value.
    pub fn set(&mut self, name: &str, value: &CapabilityValue) {
        self.capabilities.insert(name.to_owned(), value.to_json());
    }
}

/// A capability object: its capabilities (name → value, wire order) and its children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapabilityNode {
    /// The capabilities, e.g. `{"cdmi_domains": "true"}`.
    pub capabilities: Map<String, Value>,
    /// Children by name (each ending in `/`), in order.
    pub children: Vec<(String, CapabilityNode)>,
}

/// The tree under `/cdmi_capabilities/`: the root (system-wide) with `domain/`, `container/`,
/// `dataobject/` and `queue/`, each possibly holding profiles (e.g. `container/gold/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityTree {
    /// The root capability object.
    pub root: CapabilityNode,
}

/// Every capability name known, all versions.
///
/// # Panics
/// Never at run time: the embedded data file is checked by the tests.
pub fn names() -> &'static [CapabilityName] {
    static NAMES: OnceLock<Vec<CapabilityName>> = OnceLock::new();
    NAMES.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            capabilities: Vec<CapabilityName>,
        }
        let file: File = serde_json::from_str(include_str!("../data/capabilities.json"))
            .expect("data/capabilities.json is valid (checked by tests)");
        file.capabilities
    })
}

/// The rows named `name` (a name may appear in several classes).
pub fn lookup(name: &str) -> impl Iterator<Item = &'static CapabilityName> {
    let name = name.to_owned();
    names().iter().filter(move |c| c.name == name)
}

impl CapabilityName {
    /// Whether `version` defines this name.
    pub fn in_version(&self, version: Version) -> bool {
        let wanted = match version {
            Version::V1_1_1 => "1.1.1",
            Version::V2_0 => "2.0",
        };
        self.versions.iter().any(|v| v == wanted)
    }
}

impl CapabilityTree {
    /// The standard shape with no capability set anywhere.
    pub fn new() -> Self {
        let children = ["domain/", "container/", "dataobject/", "queue/"]
            .into_iter()
            .map(|n| (n.to_owned(), CapabilityNode::default()))
            .collect();
        Self {
            root: CapabilityNode {
                capabilities: Map::new(),
                children,
            },
        }
    }

    /// The node at a path relative to `/cdmi_capabilities/` (`""` is the root,
    /// `container/gold/` a profile); a leading `/cdmi_capabilities/` is accepted.
    pub fn get(&self, path: &str) -> Option<&CapabilityNode> {
        let mut node = &self.root;
        for segment in segments(path) {
            node = &node
                .children
                .iter()
                .find(|(n, _)| n.trim_end_matches('/') == segment)?
                .1;
        }
        Some(node)
    }

    /// Mutable access to a node, creating missing children on the way.
    pub fn node_mut(&mut self, path: &str) -> &mut CapabilityNode {
        let mut node = &mut self.root;
        for segment in segments(path) {
            let found = node
                .children
                .iter()
                .position(|(n, _)| n.trim_end_matches('/') == segment);
            let index = if let Some(i) = found {
                i
            } else {
                node.children
                    .push((format!("{segment}/"), CapabilityNode::default()));
                node.children.len() - 1
            };
            node = &mut node.children[index].1;
        }
        node
    }

    /// Every node with its path relative to the root, depth first.
    pub fn walk(&self) -> Vec<(String, &CapabilityNode)> {
        let mut out = Vec::new();
        walk_into("", &self.root, &mut out);
        out
    }

    /// The class of names expected on the node at `path`.
    pub fn class_at(path: &str) -> CapabilityClass {
        match segments(path).next() {
            None => CapabilityClass::System,
            Some("domain") => CapabilityClass::Domain,
            Some("container") => CapabilityClass::Container,
            Some("queue") => CapabilityClass::Queue,
            Some(_) => CapabilityClass::Dataobject,
        }
    }

    /// The read response for the node at `path` (Table 109), or `None` when there is no such
    /// node. `object_id` names the ID of the capability object at a path; the root's parent is
    /// the root container `/`.
    pub fn read_response(
        &self,
        path: &str,
        object_id: impl Fn(&str) -> String,
    ) -> Option<CdmiObject> {
        let node = self.get(path)?;
        let relative = segments(path).collect::<Vec<_>>();
        let own = normalise(path);
        let (object_name, parent_uri, parent_path) = match relative.split_last() {
            None => ("cdmi_capabilities/".to_owned(), "/".to_owned(), None),
            Some((last, init)) => {
                let parent = init.iter().fold(String::new(), |acc, s| acc + s + "/");
                (
                    format!("{last}/"),
                    format!("/cdmi_capabilities/{parent}"),
                    Some(parent),
                )
            }
        };
        let children: Vec<String> = node.children.iter().map(|(n, _)| n.clone()).collect();
        Some(CdmiObject {
            object_type: Some(ObjectType::Capability),
            object_id: Some(object_id(&own)),
            object_name: Some(object_name),
            parent_uri: Some(parent_uri),
            parent_id: Some(object_id(parent_path.as_deref().unwrap_or("/"))),
            capabilities: Some(node.capabilities.clone()),
            children_range: Some(if children.is_empty() {
                Range::Empty
            } else {
                Range::Span {
                    first: 0,
                    last: children.len() as u64 - 1,
                }
            }),
            children: Some(Children::Names(children)),
            ..CdmiObject::default()
        })
    }

    /// Names set on a node of the wrong class (e.g. `cdmi_domains`, system-wide, on
    /// `container/`): (path, name) pairs. Metadata-support names are allowed on every class
    /// node; unknown and vendor names are not judged.
    pub fn misplaced(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (path, node) in self.walk() {
            let class = Self::class_at(&path);
            for name in node.capabilities.keys() {
                let rows: Vec<_> = lookup(name).collect();
                let fits = rows.is_empty()
                    || rows.iter().any(|r| {
                        r.class == class
                            || (class != CapabilityClass::System
                                && matches!(
                                    r.class,
                                    CapabilityClass::StorageSystemMetadata
                                        | CapabilityClass::DataSystemMetadata
                                ))
                    });
                if !fits {
                    out.push((path.clone(), name.clone()));
                }
            }
        }
        out
    }
}

// "" for the root, "container/gold/" for a profile.
fn normalise(path: &str) -> String {
    segments(path).fold(String::new(), |acc, s| acc + s + "/")
}

impl Default for CapabilityTree {
    fn default() -> Self {
        Self::new()
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.strip_prefix("/cdmi_capabilities").unwrap_or(path);
    path.split('/').filter(|s| !s.is_empty())
}

fn walk_into<'a>(
    path: &str,
    node: &'a CapabilityNode,
    out: &mut Vec<(String, &'a CapabilityNode)>,
) {
    out.push((path.to_owned(), node));
    for (name, child_node) in &node.children {
        walk_into(&format!("{path}{name}"), child_node, out);
    }
}

/// Checks a `capabilities` object: values must be strings or arrays of strings, names known
/// for `version` (unknown `cdmi_` names and deprecated ones are warnings; other names are
/// vendor extensions and pass).
pub(crate) fn check(
    map: &Map<String, Value>,
    pointer: &str,
    version: Version,
    findings: &mut Bounded,
) {
    for (name, value) in map {
        let at = child(pointer, name);
        let rows: Vec<_> = lookup(name).collect();
        let expected_array = rows
            .iter()
            .any(|r| r.value_type == CapabilityType::StringArray);
        match value {
            Value::String(_) => {}
            Value::Array(items) if items.iter().all(Value::is_string) => {
                if !rows.is_empty() && !expected_array {
                    findings.warning("CDMI-CAPABILITY-TYPE", &at, format!("capability {name:?} is a JSON string in the specification"));
                }
            }
            _ => findings.error(
                "CDMI-CAPABILITY-TYPE",
                &at,
                format!("capability {name:?} must be a JSON string (e.g. \"true\") or an array of strings"),
            ),
        }
        if !name.starts_with("cdmi_") {
            continue;
        }
        if rows.is_empty() {
            findings.warning(
                "CDMI-CAPABILITY-UNKNOWN",
                at,
                format!("{name:?} is not a capability of CDMI 1.1.1 or 2.0"),
            );
        } else if let Some(new) = rows.iter().find_map(|r| r.deprecated.as_deref()) {
            findings.warning(
                "CDMI-CAPABILITY-DEPRECATED",
                at,
                format!("{name:?} is the deprecated 1.0 name of {new:?}"),
            );
        } else if !rows.iter().any(|r| r.in_version(version)) {
            findings.warning(
                "CDMI-CAPABILITY-VERSION",
                at,
                format!("{name:?} is not defined by CDMI {version}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_keep_their_wire_form() {
        for wire in [
            serde_json::json!("true"),
            serde_json::json!("4096"),
            serde_json::json!("SHA256"),
            serde_json::json!("007"),
            serde_json::json!(["a", "b"]),
        ] {
            let typed = CapabilityValue::from_json(&wire).unwrap();
            assert_eq!(typed.to_json(), wire);
        }
        assert_eq!(
            CapabilityValue::from_json(&serde_json::json!("4096")),
            Some(CapabilityValue::Number(4096))
        );
        assert_eq!(CapabilityValue::from_json(&serde_json::json!(4096)), None);
        let mut node = CapabilityNode::default();
        node.set("cdmi_metadata_maxitems", &CapabilityValue::Number(1024));
        assert_eq!(node.capabilities["cdmi_metadata_maxitems"], "1024");
    }

    #[test]
    fn read_responses_and_misplaced_names() {
        let mut tree = CapabilityTree::new();
        tree.root
            .capabilities
            .insert("cdmi_domains".into(), "true".into());
        tree.node_mut("container/")
            .capabilities
            .insert("cdmi_list_children".into(), "true".into());
        tree.node_mut("container/")
            .capabilities
            .insert("cdmi_size".into(), "true".into());
        tree.node_mut("container/gold/")
            .capabilities
            .insert("cdmi_domains".into(), "true".into());
        let id = |p: &str| {
            crate::objectid::ObjectId::new(32473, p.as_bytes())
                .unwrap()
                .to_string()
        };
        let root = tree.read_response("", id).unwrap();
        assert_eq!(root.object_name.as_deref(), Some("cdmi_capabilities/"));
        assert_eq!(root.children_range, Some(Range::Span { first: 0, last: 3 }));
        let gold = tree
            .read_response("/cdmi_capabilities/container/gold/", id)
            .unwrap();
        assert_eq!(
            gold.parent_uri.as_deref(),
            Some("/cdmi_capabilities/container/")
        );
        assert_eq!(gold.children_range, Some(Range::Empty));
        // The rendered body is a valid capability read response.
        let parsed = crate::body::parse(
            &gold.to_json_string(),
            &crate::body::ParseOptions::default(),
        );
        assert!(parsed.is_valid(), "{:?}", parsed.findings);
        assert_eq!(
            tree.misplaced(),
            vec![("container/gold/".to_owned(), "cdmi_domains".to_owned())]
        );
    }

    #[test]
    fn tree_paths() {
        let mut tree = CapabilityTree::new();
        tree.root
            .capabilities
            .insert("cdmi_export_occi_iscsi".into(), "true".into());
        tree.node_mut("container/gold/")
            .capabilities
            .insert("cdmi_data_redundancy".into(), "3".into());
        assert!(tree.get("/cdmi_capabilities/container/gold/").is_some());
        assert!(tree.get("container/silver/").is_none());
        let paths: Vec<_> = tree.walk().into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths[0], "");
        assert!(paths.contains(&"container/gold/".to_owned()));
        assert_eq!(
            CapabilityTree::class_at("container/gold/"),
            CapabilityClass::Container
        );
    }
}
