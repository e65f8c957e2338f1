//! What an OVF Property declares besides its value, kept in the attribute definition so
//! that `occi2ovf` can write the Property back: the definition's type, range, default,
//! mutability and description say it in OCCI terms, and its `pattern` (a JSON Schema in the
//! JSON rendering) says it in JSON Schema terms plus an `ovf` member with the declaration
//! as written.

use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use tern_model::{AttributeDef, AttributeType, Multiplicity};

use super::cim::{self, CimType};

/// A Property as the descriptor declares it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Declaration {
    /// `ovf:key`.
    pub(crate) key: String,
    /// `ovf:type` as written.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub(crate) ty: Option<String>,
    /// `ovf:qualifiers` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) qualifiers: Option<String>,
    /// `ovf:userConfigurable`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) user_configurable: bool,
    /// `ovf:password`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) password: bool,
    /// `ovf:value` as written (absent when the attribute is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) value: Option<String>,
    /// The `Value` elements: per-configuration values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) values: Vec<ConfiguredValue>,
    /// Which `Value` gave the OCCI attribute its value (absent: `ovf:value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) current: Option<usize>,
    /// The value a mapping row read, when following `${key}` references changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resolved: Option<String>,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) label: Option<String>,
    /// Label `ovf:msgid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) label_msgid: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    /// Description `ovf:msgid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) description_msgid: Option<String>,
    /// The Category heading the property is under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) category: Option<String>,
    /// The Category's `ovf:msgid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) category_msgid: Option<String>,
    /// The mapping row whose OCCI attribute holds the value (then this attribute has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mapped: Option<String>,
}

/// A `Property/Value`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ConfiguredValue {
    /// `ovf:value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) value: Option<String>,
    /// `ovf:configuration` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) configuration: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(b: &bool) -> bool {
    !b
}

impl Declaration {
    /// The value the chosen configuration reads in the descriptor: the `Value` that gave
    /// it, else `ovf:value`.
    pub(crate) fn source_value(&self) -> Option<&str> {
        match self.current {
            Some(i) => self.values.get(i).and_then(|v| v.value.as_deref()),
            None => self.value.as_deref(),
        }
    }

    /// The attribute definition of `name`: `typed` says whether the values are of the
    /// property's type (else they are kept as strings).
    pub(crate) fn definition(&self, name: &str, typed: bool) -> AttributeDef {
        let ty = CimType::of(self.ty.as_deref());
        let (kind, range) = if typed {
            ty.occi()
        } else {
            (AttributeType::String, None)
        };
        let mut def = AttributeDef::new(name, kind);
        def.range = range;
        def.multiplicity = Multiplicity::Optional;
        // The row's attribute holds a mapped value: this one documents the declaration.
        def.mutable = self.user_configurable && self.mapped.is_none();
        def.description.clone_from(&self.description);
        def.default = self.value.as_deref().and_then(|v| {
            if typed {
                ty.value(v).ok()
            } else {
                Some(tern_model::Value::String(v.to_owned()))
            }
        });
        let mut schema = if typed {
            cim::schema(ty, self.qualifiers.as_deref())
        } else {
            let mut s = serde_json::Map::new();
            s.insert("type".into(), json!("string"));
            s
        };
        if let Some(label) = &self.label {
            schema.insert("title".into(), json!(label));
        }
        if self.password || self.ty.as_deref() == Some("password") {
            // Secrets: JSON Schema's `writeOnly` and OpenAPI's `format: password` tell
            // renderers and forms not to show the value.
            schema.insert("writeOnly".into(), json!(true));
            schema.insert("format".into(), json!("password"));
        }
        schema.insert(
            "ovf".into(),
            serde_json::to_value(self).unwrap_or(Json::Null),
        );
        def.pattern = Some(Json::Object(schema).to_string());
        def
    }

    /// The declaration a definition carries, if it is one of tern's property definitions.
    pub(crate) fn of(def: &AttributeDef) -> Option<Declaration> {
        let schema: Json = serde_json::from_str(def.pattern.as_deref()?).ok()?;
        serde_json::from_value(schema.get("ovf")?.clone()).ok()
    }
}
