//! Reading CDMI JSON bodies: the text is read with offsets ([`tern_diag::json`]), every rule
//! of the body's object type and message is checked, and the body is typed as a
//! [`CdmiObject`]; each finding names its member by JSON pointer, line and column.

use serde_json::{Map, Value};
use tern_diag::json::{Duplicates, Json, JsonValue, Options};
use tern_diag::{Bounded, Finding, Lines, Position};

use crate::capability;
use crate::exports::{self, Exports};
use crate::metadata::{self, Metadata, json_kind};
use crate::object::{
    BodyKind, CompletionStatus, ObjectType, Range, TransferEncoding, parse_decimal,
};
use crate::objectid::ObjectId;
use crate::pointer::{Record, child, push_token};
use crate::rules;
use crate::version::Version;

// The typed body is the representation's; re-exported so that reading and the read form are
// found in one place.
pub use crate::representation::{CdmiObject, Children, OneOrMany};

/// How to read a body.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Which edition's rules apply.
    pub version: Version,
    /// The object type, when known from elsewhere (`Content-Type`); detected otherwise.
    pub object_type: Option<ObjectType>,
    /// The message kind, when known (method and status); detected otherwise.
    pub kind: Option<BodyKind>,
    /// Fields selected by a query string (`?value;mimetype`): only these are expected.
    pub selected_fields: Option<Vec<String>>,
}

/// The outcome of reading one body.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The body, unless the text is not a JSON object.
    pub object: Option<CdmiObject>,
    /// The object type used for the rules.
    pub object_type: Option<ObjectType>,
    /// The message kind used for the rules.
    pub kind: BodyKind,
    /// Every rule broken, located and in text order.
    pub findings: Vec<Finding>,
}

impl Parsed {
    /// True when no error was found.
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(Finding::is_error)
    }
}

/// The deepest nesting read: far beyond any CDMI body (metadata and serialized children nest a
/// few levels), and far below what would exhaust the stack.
pub const MAX_DEPTH: usize = 128;

/// Reads a body from JSON text, checking every rule; every finding carries the JSON pointer
/// of its member and the line and column of the member's name (of the element, in arrays).
pub fn parse(text: &str, options: &ParseOptions) -> Parsed {
    let read = tern_diag::json::parse_with(
        text,
        Options {
            max_depth: MAX_DEPTH,
            duplicates: Duplicates::Keep,
        },
    );
    let json = match read {
        Ok(json) => json,
        Err(e) => return not_json(&e.message, e.position, options),
    };
    // Offsets become lines and columns only for the findings, through one index of the text.
    let lines = Lines::new(text);
    // Bounded: a body of a million members can break a rule in each.
    let mut found = Bounded::new();
    if let Err((message, position)) = scan(&json, &lines, &mut String::new(), &mut found) {
        return not_json(&message, position, options);
    }
    let mut value = json.to_serde();
    let (mut object, object_type, kind) =
        check_value_with(&value, options, &mut found, Maps::Later);
    // The metadata, exports and capabilities move from the value into the object, instead of
    // being copied while the value is still there: a body of a million metadata items was
    // held three times at once (the tree, the value, the copy).
    if let (Some(o), Value::Object(map)) = (&mut object, &mut value) {
        o.take_maps(map);
    }
    drop(value);
    let mut findings = found.into_vec();
    // One locator for every finding: a finding per member of a large object (a million
    // metadata values of the wrong type) is located through an index, not a search each.
    let mut locator = json.locator();
    for finding in &mut findings {
        if finding.position.is_none() && finding.rule != tern_diag::LIMIT_RULE {
            let pointer = finding.pointer.as_deref().unwrap_or_default();
            finding.position = Some(lines.position(locator.locate(pointer)));
        }
    }
    // Text order; a stable sort keeps the order of findings about one member. The notes
    // counting findings left out come last.
    findings.sort_by_key(|f| (f.rule == tern_diag::LIMIT_RULE, f.position));
    Parsed {
        object,
        object_type,
        kind,
        findings,
    }
}

// The one finding of a text that is not JSON (or not JSON `serde_json` can hold).
fn not_json(message: &str, position: Position, options: &ParseOptions) -> Parsed {
    Parsed {
        object: None,
        object_type: options.object_type,
        kind: options.kind.unwrap_or(BodyKind::CreateRequest),
        findings: vec![
            Finding::error("CDMI-JSON", format!("not JSON: {message}"))
                .with_pointer("")
                .at(position),
        ],
    }
}

// Reports member names that appear twice in one object (at the repeat: JSON readers keep only
// one of them), and refuses numbers no JSON reader holds as a double (`1e400`): RFC 8259 §6
// lets implementations limit range, and CDMI readers do.
fn scan(
    json: &Json,
    lines: &Lines<'_>,
    pointer: &mut String,
    findings: &mut Bounded,
) -> Result<(), (String, Position)> {
    let len = pointer.len();
    match &json.value {
        JsonValue::Number(text) => {
            if !text.parse::<f64>().is_ok_and(f64::is_finite) {
                return Err((
                    format!("number {text} out of range of a double"),
                    json.position(lines),
                ));
            }
        }
        JsonValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                push_token(pointer, &i.to_string());
                scan(item, lines, pointer, findings)?;
                pointer.truncate(len);
            }
        }
        JsonValue::Object(members) => {
            let mut seen = std::collections::HashSet::new();
            for member in members {
                push_token(pointer, &member.name);
                if !seen.insert(member.name.as_str()) {
                    findings.push(
                        Finding::error(
                            "CDMI-JSON-DUPLICATE",
                            format!(
                                "member {:?} appears twice; JSON readers keep only one",
                                member.name
                            ),
                        )
                        .with_pointer(pointer.clone())
                        .at(member.position(lines)),
                    );
                }
                scan(&member.value, lines, pointer, findings)?;
                pointer.truncate(len);
            }
        }
        JsonValue::Null | JsonValue::Bool(_) | JsonValue::String(_) => {}
    }
    Ok(())
}

/// Reads a body already parsed as JSON (no positions in the findings).
pub fn check_value(
    value: &Value,
    options: &ParseOptions,
    findings: &mut Bounded,
) -> (Option<CdmiObject>, Option<ObjectType>, BodyKind) {
    check_value_with(value, options, findings, Maps::Copied)
}

// How `read_field` fills the object's JSON-object fields (metadata, exports, capabilities).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Maps {
    // Copied from the value.
    Copied,
    // Left empty, to be moved from the value by `CdmiObject::take_maps` (top level only).
    Later,
}

fn check_value_with(
    value: &Value,
    options: &ParseOptions,
    findings: &mut Bounded,
    maps: Maps,
) -> (Option<CdmiObject>, Option<ObjectType>, BodyKind) {
    let Value::Object(map) = value else {
        findings.error(
            "CDMI-JSON",
            "",
            format!("a CDMI body is a JSON object, not {}", json_kind(value)),
        );
        return (
            None,
            options.object_type,
            options.kind.unwrap_or(BodyKind::CreateRequest),
        );
    };
    let object_type = options.object_type.or_else(|| rules::detect_type(map));
    let kind = options
        .kind
        .unwrap_or_else(|| rules::detect_kind(map, object_type));
    let object = read_object(map, "", object_type, kind, options.version, findings, maps);
    rules::check(
        map,
        object_type,
        kind,
        options.version,
        options.selected_fields.as_deref(),
        findings,
    );
    (Some(object), object_type, kind)
}

// Reads the known fields into their types; a field of the wrong shape is reported and kept
// in `extra` so that nothing the client sent is lost.
pub(crate) fn read_object(
    map: &Map<String, Value>,
    pointer: &str,
    object_type: Option<ObjectType>,
    kind: BodyKind,
    version: Version,
    findings: &mut Bounded,
    maps: Maps,
) -> CdmiObject {
    let mut o = CdmiObject::default();
    for (key, value) in map {
        let at = child(pointer, key);
        let read = read_field(
            &mut o,
            key,
            value,
            &at,
            (object_type, kind, version),
            findings,
            maps,
        );
        if read.is_none() {
            o.extra.insert(key.clone(), value.clone());
        }
    }
    o
}

#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
fn read_field(
    o: &mut CdmiObject,
    key: &str,
    value: &Value,
    at: &str,
    (object_type, kind, version): (Option<ObjectType>, BodyKind, Version),
    findings: &mut Bounded,
    maps: Maps,
) -> Option<()> {
    let copy = |m: &Map<String, Value>| {
        if maps == Maps::Copied {
            m.clone()
        } else {
            Map::new()
        }
    };
    // A macro, not a closure: the closure would hold `findings` borrowed across the match.
    macro_rules! text {
        () => {
            string_field(key, value, at, findings)
        };
    }
    match key {
        "objectType" => match text!().map(|t| (ObjectType::from_media_type(&t), t)) {
            Some((Some(t), _)) => o.object_type = Some(t),
            Some((None, t)) => {
                findings.error(
                    "CDMI-OBJECT-TYPE",
                    at,
                    format!("objectType {t:?} is not a CDMI media type"),
                );
                return None;
            }
            None => return None,
        },
        "objectID" | "parentID" => {
            let t = text!()?;
            if let Err(e) = ObjectId::parse(&t) {
                findings.error(e.rule_id(), at, format!("{key} {t:?}: {e}"));
            }
            if key == "objectID" {
                o.object_id = Some(t);
            } else {
                o.parent_id = Some(t);
            }
        }
        "objectName" => o.object_name = text!(),
        "parentURI" => o.parent_uri = text!(),
        "domainURI" => o.domain_uri = text!(),
        "capabilitiesURI" => o.capabilities_uri = text!(),
        "completionStatus" => {
            let t = text!()?;
            match CompletionStatus::parse(&t) {
                Ok(c) => o.completion_status = Some(c),
                Err(e) => {
                    findings.error(
                        "CDMI-COMPLETION-STATUS",
                        at,
                        format!("completionStatus {e}"),
                    );
                    return None;
                }
            }
        }
        "percentComplete" => {
            let t = text!()?;
            let Some(p) = parse_decimal(&t).filter(|p| *p <= 100) else {
                findings.error(
                    "CDMI-PERCENT",
                    at,
                    format!("percentComplete {t:?} must be \"0\" to \"100\""),
                );
                return None;
            };
            o.percent_complete = Some(p as u8);
        }
        "mimetype" => match value {
            Value::Array(items) => match strings(items) {
                Some(list) => o.mimetype = Some(OneOrMany::Many(list)),
                None => {
                    return type_error(key, "a string or an array of strings", value, at, findings);
                }
            },
            _ => o.mimetype = Some(OneOrMany::One(text!()?)),
        },
        "metadata" => {
            let Value::Object(m) = value else {
                return type_error(key, "a JSON object", value, at, findings);
            };
            metadata::check(m, at, object_type, kind.is_request(), version, findings);
            o.metadata = Some(Metadata(copy(m)));
        }
        "exports" => {
            let Value::Object(m) = value else {
                return type_error(key, "a JSON object", value, at, findings);
            };
            exports::check(m, at, findings);
            o.exports = Some(Exports(copy(m)));
        }
        "capabilities" => {
            let Value::Object(m) = value else {
                return type_error(key, "a JSON object", value, at, findings);
            };
            capability::check(m, at, version, findings);
            o.capabilities = Some(copy(m));
        }
        "snapshots" => match value.as_array().and_then(|a| strings(a)) {
            Some(list) => o.snapshots = Some(list),
            None => return type_error(key, "an array of strings", value, at, findings),
        },
        "snapshot" => o.snapshot = text!(),
        "deserialize" => o.deserialize = text!(),
        "serialize" => o.serialize = text!(),
        "copy" => o.copy = text!(),
        "move" => o.move_from = text!(),
        "reference" => o.reference = text!(),
        "deserializevalue" => o.deserialize_value = text!(),
        "queueValues" => {
            let t = text!()?;
            o.queue_values = Some(range(&t, key, at, findings)?);
        }
        "valuetransferencoding" => {
            let one = |t: &str, findings: &mut Bounded| match TransferEncoding::parse(t) {
                Ok(TransferEncoding::Json) if version == Version::V1_1_1 => {
                    findings.error(
                        "CDMI-VALUE-ENCODING",
                        at,
                        "valuetransferencoding \"json\" is CDMI 2.0; 1.1.1 knows utf-8 and base64",
                    );
                    Some(TransferEncoding::Json)
                }
                Ok(e) => Some(e),
                Err(e) => {
                    findings.error(
                        "CDMI-VALUE-ENCODING",
                        at,
                        format!("valuetransferencoding {e}"),
                    );
                    None
                }
            };
            if let Value::Array(items) = value {
                let list: Option<Vec<_>> = strings(items).and_then(|l| {
                    l.iter()
                        .map(|t| one(t, findings))
                        .collect::<Option<Vec<_>>>()
                });
                o.value_transfer_encoding = Some(OneOrMany::Many(list?));
            } else {
                let t = text!()?;
                o.value_transfer_encoding = Some(OneOrMany::One(one(&t, findings)?));
            }
        }
        "valuerange" => {
            if let Value::Array(items) = value {
                let Some(list) = strings(items) else {
                    let expected = "a range string or an array of them";
                    return type_error(key, expected, value, at, findings);
                };
                let ranges: Option<Vec<_>> =
                    list.iter().map(|t| range(t, key, at, findings)).collect();
                o.value_range = Some(OneOrMany::Many(ranges?));
            } else {
                let t = text!()?;
                o.value_range = Some(OneOrMany::One(range(&t, key, at, findings)?));
            }
        }
        "value" => o.value = Some(value.clone()),
        "childrenrange" => {
            let t = text!()?;
            o.children_range = Some(range(&t, key, at, findings)?);
        }
        "children" => {
            let Value::Array(items) = value else {
                return type_error(key, "an array", value, at, findings);
            };
            if let Some(names) = strings(items) {
                o.children = Some(Children::Names(names));
            } else if items.iter().all(Value::is_object) {
                // The serialized form: every child a full object (15.3.2).
                let objects = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let m = item.as_object().expect("checked");
                        let at = child(at, &i.to_string());
                        let t = rules::detect_type(m);
                        let kind = BodyKind::ReadResponse;
                        rules::check_nested(m, &at, t, version, findings);
                        read_object(m, &at, t, kind, version, findings, Maps::Copied)
                    })
                    .collect();
                o.children = Some(Children::Objects(objects));
            } else if version == Version::V2_0
                && items.iter().all(|i| i.is_string() || i.is_array())
            {
                o.children = Some(Children::Extended(items.clone()));
            } else {
                let what = "an array of child names (or, in the serialized form, of child objects)";
                findings.error("CDMI-FIELD-TYPE", at, format!("children must be {what}"));
                return None;
            }
        }
        _ => return None,
    }
    Some(())
}

fn string_field(key: &str, value: &Value, at: &str, findings: &mut Bounded) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => {
            findings.error(
                "CDMI-STRING-NUMBER",
                at,
                format!("{key} must be a JSON string: CDMI sends numbers as strings (\"{n}\")"),
            );
            None
        }
        other => {
            findings.error(
                "CDMI-FIELD-TYPE",
                at,
                format!("{key} must be a JSON string, not {}", json_kind(other)),
            );
            None
        }
    }
}

fn type_error(
    key: &str,
    expected: &str,
    value: &Value,
    at: &str,
    findings: &mut Bounded,
) -> Option<()> {
    findings.error(
        "CDMI-FIELD-TYPE",
        at,
        format!("{key} must be {expected}, not {}", json_kind(value)),
    );
    None
}

fn strings(items: &[Value]) -> Option<Vec<String>> {
    items
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn range(text: &str, key: &str, at: &str, findings: &mut Bounded) -> Option<Range> {
    if let Ok(r) = Range::parse(text) {
        Some(r)
    } else {
        {
            if let Some(n) = parse_decimal(text) {
                // INDIGO writes "0" for a single child; read it as "0-0" and say so.
                findings.warning(
                    "CDMI-RANGE",
                    at,
                    format!("{key} {text:?} should be written \"{n}-{n}\""),
                );
                return Some(Range::Span { first: n, last: n });
            }
            findings.error(
                "CDMI-RANGE",
                at,
                format!("{key} {text:?} is not a range \"first-last\" (inclusive) or \"\""),
            );
            None
        }
    }
}
