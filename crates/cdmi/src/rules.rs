//! Which fields each message of each object type carries (1.1.1 Tables 21-109; 2.0 keeps the
//! names), the exclusive sources, the ordering rule, and the detection of type and message.

use serde_json::{Map, Value};
use tern_diag::Bounded;

use crate::object::{BodyKind, ObjectType, Range};
use crate::pointer::{Record, child};
use crate::version::Version;

/// Whether a field must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Shall be present.
    Mandatory,
    /// Present under conditions the body alone cannot tell (e.g. `objectName`).
    Conditional,
    /// May be present.
    Optional,
}

use Presence::{Conditional as C, Mandatory as M, Optional as O};

/// The exclusive create/update sources, in the order of Table 21.
pub const SOURCES: [&str; 7] = [
    "deserialize",
    "serialize",
    "copy",
    "move",
    "reference",
    "deserializevalue",
    "value",
];

const DATAOBJECT_CREATE: &[(&str, Presence)] = &[
    ("mimetype", O),
    ("metadata", O),
    ("domainURI", O),
    ("capabilitiesURI", O),
    ("deserialize", O),
    ("serialize", O),
    ("copy", O),
    ("move", O),
    ("reference", O),
    ("deserializevalue", O),
    ("valuetransferencoding", O),
    ("value", O),
];
const DATAOBJECT_CREATED: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", C),
    ("parentURI", C),
    ("parentID", C),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("completionStatus", M),
    ("percentComplete", O),
    ("mimetype", M),
    ("metadata", M),
];
const DATAOBJECT_READ: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", C),
    ("parentURI", C),
    ("parentID", C),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("completionStatus", M),
    ("percentComplete", O),
    ("mimetype", M),
    ("metadata", M),
    ("valuerange", M),
    ("valuetransferencoding", M),
    ("value", C),
];
const DATAOBJECT_UPDATE: &[(&str, Presence)] = &[
    ("mimetype", O),
    ("metadata", O),
    ("domainURI", O),
    ("capabilitiesURI", O),
    ("deserialize", O),
    ("copy", O),
    ("deserializevalue", O),
    ("valuetransferencoding", O),
    ("value", O),
];
const CONTAINER_CREATE: &[(&str, Presence)] = &[
    ("metadata", O),
    ("domainURI", O),
    ("capabilitiesURI", O),
    ("exports", O),
    ("deserialize", O),
    ("copy", O),
    ("move", O),
    ("reference", O),
    ("deserializevalue", O),
];
const CONTAINER_READ: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", C),
    ("parentURI", C),
    ("parentID", C),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("completionStatus", M),
    ("percentComplete", O),
    ("metadata", M),
    ("exports", O),
    ("snapshots", O),
    ("childrenrange", M),
    ("children", M),
];
const CONTAINER_CREATED: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", C),
    ("parentURI", C),
    ("parentID", C),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("completionStatus", M),
    ("percentComplete", O),
    ("metadata", M),
    ("exports", O),
    ("snapshots", O),
    ("childrenrange", O),
    ("children", O),
];
const CONTAINER_UPDATE: &[(&str, Presence)] = &[
    ("metadata", O),
    ("domainURI", O),
    ("capabilitiesURI", O),
    ("snapshot", O),
    ("deserialize", O),
    ("copy", O),
    ("deserializevalue", O),
    ("exports", O),
];
const DOMAIN_CREATE: &[(&str, Presence)] = &[
    ("metadata", O),
    ("deserialize", O),
    ("copy", O),
    ("move", O),
    ("deserializevalue", O),
];
const DOMAIN_READ: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", M),
    ("parentURI", M),
    ("parentID", M),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("metadata", M),
    ("childrenrange", M),
    ("children", M),
];
const DOMAIN_CREATED: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", M),
    ("parentURI", M),
    ("parentID", M),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("metadata", M),
    ("childrenrange", M),
    ("children", M),
];
const DOMAIN_UPDATE: &[(&str, Presence)] = &[
    ("metadata", O),
    ("deserialize", O),
    ("copy", O),
    ("deserializevalue", O),
];
const QUEUE_CREATE: &[(&str, Presence)] = &[
    ("metadata", O),
    ("domainURI", O),
    ("capabilitiesURI", O),
    ("deserialize", O),
    ("copy", O),
    ("move", O),
    ("reference", O),
    ("deserializevalue", O),
];
const QUEUE_CREATED: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", C),
    ("parentURI", C),
    ("parentID", C),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("completionStatus", M),
    ("percentComplete", O),
    ("metadata", M),
    ("queueValues", M),
];
const QUEUE_READ: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", C),
    ("parentURI", C),
    ("parentID", C),
    ("domainURI", M),
    ("capabilitiesURI", M),
    ("completionStatus", M),
    ("percentComplete", O),
    ("metadata", M),
    ("queueValues", M),
    ("mimetype", O),
    ("valuerange", O),
    ("valuetransferencoding", O),
    ("value", C),
];
const QUEUE_UPDATE: &[(&str, Presence)] = &[
    ("metadata", O),
    ("domainURI", O),
    ("capabilitiesURI", O),
    ("deserialize", O),
    ("copy", O),
    ("deserializevalue", O),
];
const QUEUE_ENQUEUE: &[(&str, Presence)] = &[
    ("mimetype", O),
    ("valuetransferencoding", O),
    ("value", O),
    ("copy", O),
    ("move", O),
];
const CAPABILITY_READ: &[(&str, Presence)] = &[
    ("objectType", M),
    ("objectID", M),
    ("objectName", M),
    ("parentURI", M),
    ("parentID", M),
    ("metadata", O),
    ("capabilities", M),
    ("childrenrange", M),
    ("children", M),
];

/// The fields of one message of one object type, with their presence; `None` when that
/// object type has no such message (capability objects are read-only).
pub fn fields(
    object_type: ObjectType,
    kind: BodyKind,
) -> Option<&'static [(&'static str, Presence)]> {
    use BodyKind::{CreateRequest, CreateResponse, Enqueue, ReadResponse, UpdateRequest};
    use ObjectType::{Capability, Container, DataObject, Domain, Queue};
    Some(match (object_type, kind) {
        (DataObject, CreateRequest) => DATAOBJECT_CREATE,
        (DataObject, CreateResponse) => DATAOBJECT_CREATED,
        (DataObject, ReadResponse) => DATAOBJECT_READ,
        (DataObject, UpdateRequest) => DATAOBJECT_UPDATE,
        (Container, CreateRequest) => CONTAINER_CREATE,
        (Container, CreateResponse) => CONTAINER_CREATED,
        (Container, ReadResponse) => CONTAINER_READ,
        (Container, UpdateRequest) => CONTAINER_UPDATE,
        (Domain, CreateRequest) => DOMAIN_CREATE,
        (Domain, CreateResponse) => DOMAIN_CREATED,
        (Domain, ReadResponse) => DOMAIN_READ,
        (Domain, UpdateRequest) => DOMAIN_UPDATE,
        (Queue, CreateRequest) => QUEUE_CREATE,
        (Queue, CreateResponse) => QUEUE_CREATED,
        (Queue, ReadResponse) => QUEUE_READ,
        (Queue, UpdateRequest) => QUEUE_UPDATE,
        (Queue | DataObject, Enqueue) => QUEUE_ENQUEUE,
        (Capability, ReadResponse | CreateResponse) => CAPABILITY_READ,
        _ => return None,
    })
}

/// The sources of which at most one may appear in a message (Tables 21, 30, 37, 46, 57, 66).
pub fn exclusive_sources(object_type: ObjectType, kind: BodyKind) -> &'static [&'static str] {
    use BodyKind::{CreateRequest, Enqueue, UpdateRequest};
    match (object_type, kind) {
        (ObjectType::DataObject, CreateRequest) => &SOURCES,
        (ObjectType::DataObject, UpdateRequest) => {
            &["deserialize", "copy", "deserializevalue", "value"]
        }
        (ObjectType::Container | ObjectType::Queue, CreateRequest) => &[
            "deserialize",
            "copy",
            "move",
            "reference",
            "deserializevalue",
        ],
        (ObjectType::Domain, CreateRequest) => &["deserialize", "copy", "move", "deserializevalue"],
        (_, UpdateRequest) => &["deserialize", "copy", "deserializevalue"],
        (_, Enqueue) => &["value", "copy", "move"],
        _ => &[],
    }
}

/// Guesses the object type of a body: `objectType` first, then telltale fields.
pub fn detect_type(map: &Map<String, Value>) -> Option<ObjectType> {
    if let Some(t) = map
        .get("objectType")
        .and_then(Value::as_str)
        .and_then(ObjectType::from_media_type)
    {
        return Some(t);
    }
    let has = |k: &str| map.contains_key(k);
    let domain_metadata = map
        .get("metadata")
        .and_then(Value::as_object)
        .is_some_and(|m| m.contains_key("cdmi_domain_enabled"));
    if has("capabilities") {
        Some(ObjectType::Capability)
    } else if has("queueValues") {
        Some(ObjectType::Queue)
    } else if domain_metadata {
        Some(ObjectType::Domain)
    } else if has("exports")
        || has("snapshot")
        || has("snapshots")
        || has("children")
        || has("childrenrange")
    {
        Some(ObjectType::Container)
    } else if has("value") || has("mimetype") || has("valuetransferencoding") || has("serialize") {
        Some(ObjectType::DataObject)
    } else {
        None
    }
}

/// Guesses the message kind: server fields mean a response (a read when content is present),
/// `snapshot` means an update, anything else a create request.
pub fn detect_kind(map: &Map<String, Value>, object_type: Option<ObjectType>) -> BodyKind {
    let has = |k: &str| map.contains_key(k);
    if has("objectID") || has("objectType") {
        let content = [
            "valuerange",
            "value",
            "children",
            "childrenrange",
            "queueValues",
            "capabilities",
        ];
        if object_type == Some(ObjectType::Capability) || content.iter().any(|k| has(k)) {
            BodyKind::ReadResponse
        } else {
            BodyKind::CreateResponse
        }
    } else if has("snapshot") {
        BodyKind::UpdateRequest
    } else {
        BodyKind::CreateRequest
    }
}

/// Checks the message-level rules: presence, exclusive sources, references, field order.
pub(crate) fn check(
    map: &Map<String, Value>,
    object_type: Option<ObjectType>,
    kind: BodyKind,
    version: Version,
    selected_fields: Option<&[String]>,
    findings: &mut Bounded,
) {
    let Some(t) = object_type else {
        findings.warning(
            "CDMI-OBJECT-TYPE",
            "",
            "cannot tell the object type (no objectType, no telltale field); only the rules common to all types were checked",
        );
        // The widest source set (data object create) and the reference rule hold for all.
        check_sources(map, ObjectType::DataObject, kind, findings);
        return;
    };
    let Some(table) = fields(t, kind) else {
        findings.error(
            "CDMI-MESSAGE",
            "",
            format!("{t} objects have no {} body", kind.name()),
        );
        return;
    };
    check_presence(map, t, kind, table, selected_fields, findings);
    check_sources(map, t, kind, findings);
    check_order(map, t, "", findings);
    check_consistency(map, t, kind, version, findings);
}

/// Rules for one serialized child (15.3.2): a full read representation.
pub(crate) fn check_nested(
    map: &Map<String, Value>,
    pointer: &str,
    t: Option<ObjectType>,
    version: Version,
    findings: &mut Bounded,
) {
    if let Some(t) = t {
        check_order(map, t, pointer, findings);
        let _ = version;
    }
}

fn check_presence(
    map: &Map<String, Value>,
    t: ObjectType,
    kind: BodyKind,
    table: &[(&str, Presence)],
    selected_fields: Option<&[String]>,
    findings: &mut Bounded,
) {
    let selected = |f: &str| selected_fields.is_none_or(|s| s.iter().any(|x| x == f));
    for (field, presence) in table {
        if *presence == M && !map.contains_key(*field) && selected(field) {
            findings.error(
                "CDMI-REQUIRED",
                "",
                format!("a {t} {} must have {field:?}", kind.name()),
            );
        }
    }
    let known = |k: &str| table.iter().any(|(f, _)| *f == k);
    for key in map.keys() {
        if known(key) {
            continue;
        }
        let at = child("", key);
        let hint = all_field_names().find(|f| f.eq_ignore_ascii_case(key.trim()) && *f != key);
        if let Some(hint) = hint {
            findings.warning(
                "CDMI-FIELD-UNKNOWN",
                at,
                format!("unknown field {key:?}; did you mean {hint:?}? (kept, not interpreted)"),
            );
        } else if all_field_names().any(|f| f == key) {
            let verb = if kind.is_request() {
                "is ignored in"
            } else {
                "is not part of"
            };
            findings.warning(
                "CDMI-FIELD-CONTEXT",
                at,
                format!("{key:?} {verb} a {t} {}", kind.name()),
            );
        } else if kind.is_request() {
            findings.warning(
                "CDMI-FIELD-UNKNOWN",
                at,
                format!("unknown field {key:?} is kept, not interpreted (8.1)"),
            );
        } else {
            findings.warning(
                "CDMI-FIELD-UNKNOWN",
                at,
                format!("unknown field {key:?} in a {t} {}", kind.name()),
            );
        }
    }
}

fn check_sources(map: &Map<String, Value>, t: ObjectType, kind: BodyKind, findings: &mut Bounded) {
    let exclusive = exclusive_sources(t, kind);
    let present: Vec<&str> = exclusive
        .iter()
        .copied()
        .filter(|s| map.contains_key(*s))
        .collect();
    if present.len() > 1 {
        let second = present[1];
        findings.error(
            "CDMI-EXCLUSIVE",
            child("", second),
            format!(
                "{} are mutually exclusive: give at most one (400 Bad Request)",
                quoted(&present)
            ),
        );
    }
    if map.contains_key("reference") && kind == BodyKind::CreateRequest {
        for key in map.keys().filter(|k| *k != "reference") {
            findings.error(
                "CDMI-REFERENCE",
                child("", key),
                format!("a reference is created from \"reference\" alone; {key:?} is not allowed with it (5.16)"),
            );
        }
    }
}

// 8.1.3, 9.1.3, 10.1.3, 11.1.3, 12.1.3: "valuerange and value" (data objects, queues) or
// "childrenrange and children" (containers, domains, capabilities) shall appear last and in
// that order. The spec's own read examples put valuetransferencoding between valuerange and
// value, so that one field is tolerated in the tail.
fn check_order(map: &Map<String, Value>, t: ObjectType, pointer: &str, findings: &mut Bounded) {
    let (range, content, allowed): (&str, &str, &[&str]) = if t.lists_children() {
        ("childrenrange", "children", &["childrenrange", "children"])
    } else {
        (
            "valuerange",
            "value",
            &["valuerange", "valuetransferencoding", "value"],
        )
    };
    let keys: Vec<&String> = map.keys().collect();
    let Some(tail_start) = keys.iter().position(|k| *k == range || *k == content) else {
        return;
    };
    if let Some(intruder) = keys[tail_start..]
        .iter()
        .find(|k| !allowed.contains(&k.as_str()))
    {
        findings.error(
            "CDMI-ORDER",
            child(pointer, intruder),
            format!(
                "{intruder:?} comes after {:?}; {range:?} and {content:?} must be the last fields",
                keys[tail_start]
            ),
        );
    }
    if let (Some(r), Some(c)) = (
        keys.iter().position(|k| *k == range),
        keys.iter().position(|k| *k == content),
    ) && r > c
    {
        findings.error(
            "CDMI-ORDER",
            child(pointer, range),
            format!("{range:?} must come before {content:?}"),
        );
    }
}

fn check_consistency(
    map: &Map<String, Value>,
    t: ObjectType,
    kind: BodyKind,
    version: Version,
    findings: &mut Bounded,
) {
    if let (Some(Value::String(r)), Some(Value::Array(children))) =
        (map.get("childrenrange"), map.get("children"))
        && let Ok(range) = Range::parse(r)
        && range.len() != children.len() as u64
    {
        findings.error(
            "CDMI-RANGE",
            "/childrenrange",
            format!(
                "childrenrange {r:?} covers {} children but {} are listed",
                range.len(),
                children.len()
            ),
        );
    }
    if let Some(Value::String(name)) = map.get("objectName")
        && t.lists_children()
        && !name.ends_with('/')
        && !name.is_empty()
    {
        findings.error(
            "CDMI-OBJECT-NAME",
            "/objectName",
            format!("the objectName of a {t} ends with '/': {name:?}"),
        );
    }
    if let Some(value) = map.get("value") {
        match (map.get("valuetransferencoding"), value) {
            (Some(Value::Array(encodings)), Value::Array(values)) => {
                for (i, (e, v)) in encodings.iter().zip(values).enumerate() {
                    check_value_encoding(
                        e.as_str(),
                        v,
                        &child("/value", &i.to_string()),
                        t,
                        version,
                        findings,
                    );
                }
            }
            (e, Value::Array(values)) if t == ObjectType::Queue || kind == BodyKind::Enqueue => {
                let e = e.and_then(Value::as_str);
                if e == Some("json") {
                    return;
                }
                for (i, v) in values.iter().enumerate() {
                    check_value_encoding(
                        e,
                        v,
                        &child("/value", &i.to_string()),
                        t,
                        version,
                        findings,
                    );
                }
            }
            (e, v) => {
                check_value_encoding(e.and_then(Value::as_str), v, "/value", t, version, findings);
            }
        }
    }
}

fn check_value_encoding(
    encoding: Option<&str>,
    value: &Value,
    at: &str,
    t: ObjectType,
    version: Version,
    findings: &mut Bounded,
) {
    let _ = t;
    match (encoding, value) {
        (Some("base64"), Value::String(s)) => {
            if let Some(problem) = base64_problem(s) {
                findings.error(
                    "CDMI-VALUE-BASE64",
                    at,
                    format!("value is not valid Base64 although valuetransferencoding is \"base64\" (400): {problem}"),
                );
            }
        }
        (Some("json"), _) | (_, Value::String(_)) => {}
        (_, other) if version == Version::V2_0 => findings.error(
            "CDMI-VALUE",
            at,
            format!(
                "a value that is {} needs valuetransferencoding \"json\"",
                crate::metadata::json_kind(other)
            ),
        ),
        (_, other) => findings.error(
            "CDMI-VALUE",
            at,
            format!(
                "value must be a JSON string in CDMI 1.1.1, not {}",
                crate::metadata::json_kind(other)
            ),
        ),
    }
}

// RFC 4648 clause 4 with padding, canonical only: `Zh==` spells the byte of `Zg==` with stray
// low bits, and a value must have one spelling. The words name the character concerned.
fn base64_problem(text: &str) -> Option<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    if !text.len().is_multiple_of(4) {
        return Some(format!(
            "Base64 length {} is not a multiple of 4",
            text.len()
        ));
    }
    let character = |offset: usize| {
        text.get(offset..)
            .and_then(|t| t.chars().next())
            .unwrap_or('?')
    };
    let problem = match STANDARD.decode(text).err()? {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!(
                "character {:?} at offset {offset} is not Base64",
                character(offset)
            )
        }
        base64::DecodeError::InvalidLastSymbol { offset, .. } => format!(
            "character {:?} at offset {offset} sets bits that encode nothing (not the canonical form)",
            character(offset)
        ),
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
            "padding `=` is misplaced or does not fit the length".to_owned()
        }
    };
    Some(problem)
}

fn all_field_names() -> impl Iterator<Item = &'static str> {
    [
        "objectType",
        "objectID",
        "objectName",
        "parentURI",
        "parentID",
        "domainURI",
        "capabilitiesURI",
        "completionStatus",
        "percentComplete",
        "mimetype",
        "metadata",
        "exports",
        "snapshots",
        "snapshot",
        "capabilities",
        "deserialize",
        "serialize",
        "copy",
        "move",
        "reference",
        "deserializevalue",
        "queueValues",
        "valuetransferencoding",
        "valuerange",
        "value",
        "childrenrange",
        "children",
    ]
    .into_iter()
}

fn quoted(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    q.join(", ")
}
