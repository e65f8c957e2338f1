//! A CDMI object's JSON representation, typed: one form for every object type and message.
//! Numbers that CDMI sends as strings (`"percentComplete": "50"`) are typed here and strings
//! again on the wire; unknown fields are kept, in order, untouched. Reading and checking a
//! body is [`crate::body`]'s.

use serde_json::{Map, Value};

use crate::exports::Exports;
use crate::metadata::Metadata;
use crate::object::{CompletionStatus, ObjectType, Range, TransferEncoding};
use crate::objectid::{ObjectId, ObjectIdError};
use crate::rules::SOURCES;

/// One value or, in queue bodies, an array of them (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// An array (queue read responses and enqueues).
    Many(Vec<T>),
}

/// `children`: names in listings, full objects in the serialized form (15.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Children {
    /// Child names; containers end in `/`, references in `?`.
    Names(Vec<String>),
    /// Complete child objects (serialized containers).
    Objects(Vec<CdmiObject>),
    /// CDMI 2.0 extended child listing (`?children=!` / `?children=[fields]`): nested arrays
    /// of names or field values, kept as sent.
    Extended(Vec<Value>),
}

/// A CDMI body of any type and message kind. Absent fields are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdmiObject {
    /// `objectType`.
    pub object_type: Option<ObjectType>,
    /// `objectID`, as sent (see [`CdmiObject::object_id`] for the checked form).
    pub object_id: Option<String>,
    /// `objectName` (containers end in `/`).
    pub object_name: Option<String>,
    /// `parentURI`.
    pub parent_uri: Option<String>,
    /// `parentID`, as sent.
    pub parent_id: Option<String>,
    /// `domainURI`.
    pub domain_uri: Option<String>,
    /// `capabilitiesURI`.
    pub capabilities_uri: Option<String>,
    /// `completionStatus`.
    pub completion_status: Option<CompletionStatus>,
    /// `percentComplete` (a string on the wire).
    pub percent_complete: Option<u8>,
    /// `mimetype` (an array in queue reads and enqueues).
    pub mimetype: Option<OneOrMany<String>>,
    /// `metadata`.
    pub metadata: Option<Metadata>,
    /// `exports` (containers).
    pub exports: Option<Exports>,
    /// `snapshots` (container reads): snapshot names.
    pub snapshots: Option<Vec<String>>,
    /// `snapshot` (container update): name of the snapshot to take.
    pub snapshot: Option<String>,
    /// `capabilities` (capability objects).
    pub capabilities: Option<Map<String, Value>>,
    /// `deserialize`: URI of a serialized object to recreate.
    pub deserialize: Option<String>,
    /// `serialize`: URI of an object to serialize into this one.
    pub serialize: Option<String>,
    /// `copy`: URI to copy from.
    pub copy: Option<String>,
    /// `move`: URI to move from.
    pub move_from: Option<String>,
    /// `reference`: URI this object refers to.
    pub reference: Option<String>,
    /// `deserializevalue`: a serialized object, inline (Base64).
    pub deserialize_value: Option<String>,
    /// `queueValues` (queue reads).
    pub queue_values: Option<Range>,
    /// Fields this crate does not interpret, in wire order.
    pub extra: Map<String, Value>,
    /// `valuetransferencoding`.
    pub value_transfer_encoding: Option<OneOrMany<TransferEncoding>>,
    /// `valuerange`.
    pub value_range: Option<OneOrMany<Range>>,
    /// `value`, as sent: a string, an array (queues) or, with 2.0's `json` encoding, any JSON.
    pub value: Option<Value>,
    /// `childrenrange`.
    pub children_range: Option<Range>,
    /// `children`.
    pub children: Option<Children>,
}

impl CdmiObject {
    /// Moves `metadata`, `exports` and `capabilities` out of the body's top-level `map` into
    /// the fields the reading left empty for them (`body::parse` reads without copying them).
    pub(crate) fn take_maps(&mut self, map: &mut Map<String, Value>) {
        let mut take = |key: &str| match map.remove(key) {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        if let Some(Metadata(m)) = &mut self.metadata {
            *m = take("metadata");
        }
        if let Some(Exports(m)) = &mut self.exports {
            *m = take("exports");
        }
        if let Some(m) = &mut self.capabilities {
            *m = take("capabilities");
        }
    }

    /// The object ID, checked against clause 5.11.
    pub fn object_id(&self) -> Option<Result<ObjectId, ObjectIdError>> {
        self.object_id.as_deref().map(ObjectId::parse)
    }

    /// The parent's object ID, checked.
    pub fn parent_id(&self) -> Option<Result<ObjectId, ObjectIdError>> {
        self.parent_id.as_deref().map(ObjectId::parse)
    }

    /// The exclusive sources present, in Table 21 order (more than one is an error).
    pub fn sources(&self) -> Vec<&'static str> {
        let present = [
            self.deserialize.is_some(),
            self.serialize.is_some(),
            self.copy.is_some(),
            self.move_from.is_some(),
            self.reference.is_some(),
            self.deserialize_value.is_some(),
            self.value.is_some(),
        ];
        SOURCES
            .iter()
            .zip(present)
            .filter(|(_, p)| *p)
            .map(|(s, _)| *s)
            .collect()
    }

    /// The wire form, fields in the canonical order: identity, state, content, unknown fields,
    /// then `valuerange`/`valuetransferencoding`/`value` or `childrenrange`/`children` last.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_owned(), v);
            }
        };
        let s = |v: &Option<String>| v.clone().map(Value::String);
        put(
            "objectType",
            self.object_type.map(|t| t.media_type().into()),
        );
        put("objectID", s(&self.object_id));
        put("objectName", s(&self.object_name));
        put("parentURI", s(&self.parent_uri));
        put("parentID", s(&self.parent_id));
        put("domainURI", s(&self.domain_uri));
        put("capabilitiesURI", s(&self.capabilities_uri));
        put(
            "completionStatus",
            self.completion_status.as_ref().map(|c| c.as_str().into()),
        );
        put(
            "percentComplete",
            self.percent_complete.map(|p| p.to_string().into()),
        );
        put(
            "mimetype",
            self.mimetype
                .as_ref()
                .map(|m| one_or_many(m, |s| s.clone().into())),
        );
        put(
            "metadata",
            self.metadata.as_ref().map(|md| Value::Object(md.0.clone())),
        );
        put(
            "exports",
            self.exports.as_ref().map(|e| Value::Object(e.0.clone())),
        );
        put(
            "snapshots",
            self.snapshots
                .as_ref()
                .map(|s| s.iter().cloned().map(Value::String).collect()),
        );
        put("snapshot", s(&self.snapshot));
        put("capabilities", self.capabilities.clone().map(Value::Object));
        put("deserialize", s(&self.deserialize));
        put("serialize", s(&self.serialize));
        put("copy", s(&self.copy));
        put("move", s(&self.move_from));
        put("reference", s(&self.reference));
        put("deserializevalue", s(&self.deserialize_value));
        put(
            "queueValues",
            self.queue_values.map(|r| r.to_string().into()),
        );
        for (k, v) in &self.extra {
            put(k, Some(v.clone()));
        }
        put(
            "valuerange",
            self.value_range
                .as_ref()
                .map(|r| one_or_many(r, |r| r.to_string().into())),
        );
        put(
            "valuetransferencoding",
            self.value_transfer_encoding
                .as_ref()
                .map(|e| one_or_many(e, |e| e.as_str().into())),
        );
        put("value", self.value.clone());
        put(
            "childrenrange",
            self.children_range.map(|r| r.to_string().into()),
        );
        put(
            "children",
            self.children.as_ref().map(|c| match c {
                Children::Names(names) => names.iter().cloned().map(Value::String).collect(),
                Children::Objects(objects) => objects.iter().map(CdmiObject::to_json).collect(),
                Children::Extended(items) => Value::Array(items.clone()),
            }),
        );
        Value::Object(m)
    }

    /// The wire form as pretty JSON text.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(&self.to_json()).unwrap_or_default()
    }
}

fn one_or_many<T>(v: &OneOrMany<T>, f: impl Fn(&T) -> Value) -> Value {
    match v {
        OneOrMany::One(x) => f(x),
        OneOrMany::Many(xs) => xs.iter().map(f).collect(),
    }
}
