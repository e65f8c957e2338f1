//! A validator for the subset of JSON Schema (draft-04) that the OCCI JSON schema uses:
//! `type` (one or a list), `required`, `properties`, `additionalProperties` (boolean or
//! schema), `items`, `enum`, local `$ref` (`#/definitions/…`), `anyOf`, `oneOf`,
//! `minProperties`, and `patternProperties` with the pattern `.+` only. A schema using any
//! other keyword is refused when loaded, so nothing is silently not checked.

use std::sync::OnceLock;

use super::{Json, JsonValue, Member, parse_json};

/// The schema tern validates its JSON output with (`schemas/occi-1.2.schema.json`), written
/// from the schema appendix of the OCCI JSON rendering.
pub const OCCI_SCHEMA: &str = include_str!("../../../../schemas/occi-1.2.schema.json");

/// A loaded schema.
#[derive(Debug, Clone)]
pub struct Schema {
    root: Json,
}

/// A schema that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// Not JSON.
    #[error("schema is not JSON: {0}")]
    Json(String),
    /// A keyword outside the supported subset.
    #[error("schema keyword `{keyword}` at {pointer} is not supported by this validator")]
    Unsupported {
        /// The keyword.
        keyword: String,
        /// Where in the schema.
        pointer: String,
    },
    /// A `$ref` that does not resolve.
    #[error("`$ref` {0} does not resolve")]
    BadRef(String),
}

/// One way an instance breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the instance.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// The byte where the offending value starts in the instance text (when it was parsed;
    /// [`Json::position`] and [`tern_diag::Lines`] turn it into a line and column).
    pub offset: usize,
}

const ANNOTATIONS: [&str; 6] = [
    "id",
    "$schema",
    "title",
    "description",
    "definitions",
    "default",
];
const KEYWORDS: [&str; 11] = [
    "type",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "enum",
    "$ref",
    "anyOf",
    "oneOf",
    "minProperties",
    "patternProperties",
];

impl Schema {
    /// Loads a schema, checking that every keyword is supported and every `$ref` resolves.
    pub fn parse(text: &str) -> Result<Schema, SchemaError> {
        let root = parse_json(text).map_err(|d| SchemaError::Json(d.to_string()))?;
        let schema = Schema { root };
        schema.check(&schema.root, "#")?;
        if let Some(defs) = schema.root.get("definitions").and_then(Json::members) {
            for Member {
                name, value: def, ..
            } in defs
            {
                schema.check(def, &format!("#/definitions/{name}"))?;
            }
        }
        Ok(schema)
    }

    /// The embedded OCCI 1.2 schema.
    #[allow(clippy::missing_panics_doc)] // the embedded schema is checked by the crate's tests
    pub fn occi() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA
            .get_or_init(|| Schema::parse(OCCI_SCHEMA).expect("the embedded OCCI schema is valid"))
    }

    /// Validates `instance` against `definitions/<definition>`, or the root when `None`.
    pub fn validate(&self, definition: Option<&str>, instance: &Json) -> Vec<Violation> {
        let mut out = Vec::new();
        let schema = match definition {
            Some(name) => self.root.get("definitions").and_then(|d| d.get(name)),
            None => Some(&self.root),
        };
        match schema {
            Some(schema) => self.check_value(schema, instance, "", &mut out),
            None => out.push(Violation {
                pointer: String::new(),
                message: format!(
                    "the schema has no definition `{name}`",
                    name = definition.unwrap_or("")
                ),
                offset: instance.offset,
            }),
        }
        out
    }

    /// The names of the schema's definitions.
    pub fn definitions(&self) -> Vec<&str> {
        self.root
            .get("definitions")
            .and_then(Json::members)
            .map(|m| m.iter().map(|m| m.name.as_str()).collect())
            .unwrap_or_default()
    }

    fn check(&self, schema: &Json, pointer: &str) -> Result<(), SchemaError> {
        let Some(members) = schema.members() else {
            return if matches!(schema.value, JsonValue::Bool(_)) {
                Ok(())
            } else {
                Err(SchemaError::Unsupported {
                    keyword: schema.type_name().into(),
                    pointer: pointer.into(),
                })
            };
        };
        for Member {
            name: keyword,
            value,
            ..
        } in members
        {
            let here = format!("{pointer}/{keyword}");
            match keyword.as_str() {
                k if ANNOTATIONS.contains(&k) => {}
                "$ref" => {
                    let target = value.as_str().unwrap_or("");
                    self.resolve(target)
                        .ok_or_else(|| SchemaError::BadRef(target.to_owned()))?;
                }
                "properties" => {
                    for Member {
                        name, value: sub, ..
                    } in value.members().unwrap_or(&[])
                    {
                        self.check(sub, &format!("{here}/{name}"))?;
                    }
                }
                "patternProperties" => {
                    for Member {
                        name: pattern,
                        value: sub,
                        ..
                    } in value.members().unwrap_or(&[])
                    {
                        if pattern != ".+" {
                            return Err(SchemaError::Unsupported {
                                keyword: format!("patternProperties `{pattern}`"),
                                pointer: here,
                            });
                        }
                        self.check(sub, &format!("{here}/{pattern}"))?;
                    }
                }
                "additionalProperties" | "items" => self.check(value, &here)?,
                "anyOf" | "oneOf" => {
                    if let JsonValue::Array(items) = &value.value {
                        for (i, sub) in items.iter().enumerate() {
                            self.check(sub, &format!("{here}/{i}"))?;
                        }
                    }
                }
                k if KEYWORDS.contains(&k) => {}
                other => {
                    return Err(SchemaError::Unsupported {
                        keyword: other.to_owned(),
                        pointer: here,
                    });
                }
            }
        }
        Ok(())
    }

    fn resolve(&self, reference: &str) -> Option<&Json> {
        let name = reference.strip_prefix("#/definitions/")?;
        self.root.get("definitions")?.get(name)
    }

    fn is_valid(&self, schema: &Json, instance: &Json) -> bool {
        let mut out = Vec::new();
        self.check_value(schema, instance, "", &mut out);
        out.is_empty()
    }

    // One arm per keyword of the subset, so the supported subset reads in one place.
    #[allow(clippy::too_many_lines)]
    fn check_value(&self, schema: &Json, instance: &Json, pointer: &str, out: &mut Vec<Violation>) {
        let mut fail = |message: String| {
            out.push(Violation {
                pointer: pointer.to_owned(),
                message,
                offset: instance.offset,
            });
        };
        if let JsonValue::Bool(false) = schema.value {
            fail("no value is allowed here".into());
            return;
        }
        let Some(members) = schema.members() else {
            return;
        };
        for Member {
            name: keyword,
            value,
            ..
        } in members
        {
            match keyword.as_str() {
                "$ref" => {
                    if let Some(target) = value.as_str().and_then(|r| self.resolve(r)) {
                        self.check_value(target, instance, pointer, out);
                    }
                }
                "type" => {
                    let names: Vec<&str> = match &value.value {
                        JsonValue::String(s) => vec![s.as_str()],
                        JsonValue::Array(items) => items.iter().filter_map(Json::as_str).collect(),
                        _ => Vec::new(),
                    };
                    if !names.iter().any(|t| type_matches(t, instance)) {
                        out.push(Violation {
                            pointer: pointer.to_owned(),
                            message: format!(
                                "expected {}, found {}",
                                names.join(" or "),
                                instance.type_name()
                            ),
                            offset: instance.offset,
                        });
                        return; // further keywords would only repeat the mismatch
                    }
                }
                "enum" => {
                    if let JsonValue::Array(allowed) = &value.value
                        && !allowed
                            .iter()
                            .any(|a| a.to_compact() == instance.to_compact())
                    {
                        out.push(Violation {
                            pointer: pointer.to_owned(),
                            message: format!(
                                "{} is not one of the allowed values",
                                instance.to_compact()
                            ),
                            offset: instance.offset,
                        });
                    }
                }
                "anyOf" | "oneOf" => {
                    let JsonValue::Array(branches) = &value.value else {
                        continue;
                    };
                    let matching = branches
                        .iter()
                        .filter(|b| self.is_valid(b, instance))
                        .count();
                    if matching == 0 {
                        out.push(Violation {
                            pointer: pointer.to_owned(),
                            message: format!("matches none of the {keyword} alternatives"),
                            offset: instance.offset,
                        });
                    } else if keyword == "oneOf" && matching > 1 {
                        out.push(Violation {
                            pointer: pointer.to_owned(),
                            message: format!(
                                "matches {matching} of the oneOf alternatives, not exactly one"
                            ),
                            offset: instance.offset,
                        });
                    }
                }
                "items" => {
                    if let JsonValue::Array(items) = &instance.value {
                        for (i, item) in items.iter().enumerate() {
                            self.check_value(value, item, &format!("{pointer}/{i}"), out);
                        }
                    }
                }
                "required" => {
                    if let (JsonValue::Array(names), Some(_)) = (&value.value, instance.members()) {
                        for name in names.iter().filter_map(Json::as_str) {
                            if instance.get(name).is_none() {
                                out.push(Violation {
                                    pointer: pointer.to_owned(),
                                    message: format!("required member `{name}` is missing"),
                                    offset: instance.offset,
                                });
                            }
                        }
                    }
                }
                "minProperties" => {
                    if let (JsonValue::Number(n), Some(m)) = (&value.value, instance.members())
                        && n.parse::<usize>().is_ok_and(|min| m.len() < min)
                    {
                        out.push(Violation {
                            pointer: pointer.to_owned(),
                            message: format!("fewer than {n} members"),
                            offset: instance.offset,
                        });
                    }
                }
                "additionalProperties" => {
                    self.check_additional(schema, value, instance, pointer, out);
                }
                "properties" => {
                    for Member {
                        name, value: sub, ..
                    } in value.members().unwrap_or(&[])
                    {
                        if let Some(member) = instance.get(name) {
                            self.check_value(
                                sub,
                                member,
                                &format!("{pointer}/{}", escape_pointer(name)),
                                out,
                            );
                        }
                    }
                }
                "patternProperties" => {
                    if let (Some(sub), Some(m)) = (value.get(".+"), instance.members()) {
                        for Member {
                            name,
                            value: member,
                            ..
                        } in m.iter().filter(|m| !m.name.is_empty())
                        {
                            self.check_value(
                                sub,
                                member,
                                &format!("{pointer}/{}", escape_pointer(name)),
                                out,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn check_additional(
        &self,
        schema: &Json,
        additional: &Json,
        instance: &Json,
        pointer: &str,
        out: &mut Vec<Violation>,
    ) {
        let Some(members) = instance.members() else {
            return;
        };
        let declared = schema.get("properties");
        let patterned = schema
            .get("patternProperties")
            .and_then(|p| p.get(".+"))
            .is_some();
        for Member {
            name,
            value: member,
            ..
        } in members
        {
            if declared.and_then(|d| d.get(name)).is_some() || (patterned && !name.is_empty()) {
                continue;
            }
            let here = format!("{pointer}/{}", escape_pointer(name));
            match additional.value {
                JsonValue::Bool(false) => out.push(Violation {
                    pointer: here,
                    message: format!("member `{name}` is not allowed"),
                    offset: member.offset,
                }),
                JsonValue::Bool(true) => {}
                _ => self.check_value(additional, member, &here, out),
            }
        }
    }
}

fn type_matches(name: &str, instance: &Json) -> bool {
    match (name, &instance.value) {
        ("integer", JsonValue::Number(n)) => !n.contains(['.', 'e', 'E']),
        (name, _) => name == instance.type_name(),
    }
}

fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(text: &str) -> Schema {
        Schema::parse(text).unwrap()
    }

    fn errors(s: &Schema, def: Option<&str>, instance: &str) -> Vec<String> {
        s.validate(def, &parse_json(instance).unwrap())
            .into_iter()
            .map(|v| format!("{}: {}", v.pointer, v.message))
            .collect()
    }

    #[test]
    fn keywords_of_the_subset() {
        let s = schema(
            r##"{"definitions": {
                "thing": {"type": "object", "required": ["a"], "additionalProperties": false,
                  "properties": {"a": {"type": "string"}, "n": {"type": ["number", "boolean"]},
                                 "list": {"type": "array", "items": {"$ref": "#/definitions/colour"}},
                                 "map": {"type": "object", "additionalProperties": {"type": "integer"}}}},
                "colour": {"enum": ["red", "green"]},
                "either": {"anyOf": [{"type": "string"}, {"type": "number"}]},
                "one": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
                "named": {"type": "object", "minProperties": 1, "additionalProperties": false, "patternProperties": {".+": {"type": "string"}}}
            }}"##,
        );
        assert!(
            errors(
                &s,
                Some("thing"),
                r#"{"a": "x", "n": true, "list": ["red"], "map": {"k": 3}}"#
            )
            .is_empty()
        );
        assert_eq!(
            errors(&s, Some("thing"), r#"{"n": "x"}"#),
            [
                ": required member `a` is missing",
                "/n: expected number or boolean, found string"
            ]
        );
        assert_eq!(
            errors(&s, Some("thing"), r#"{"a": "x", "b": 1}"#),
            ["/b: member `b` is not allowed"]
        );
        assert_eq!(
            errors(&s, Some("thing"), r#"{"a": "x", "list": ["blue"]}"#),
            ["/list/0: \"blue\" is not one of the allowed values"]
        );
        assert_eq!(
            errors(&s, Some("thing"), r#"{"a": "x", "map": {"k": 3.5}}"#),
            ["/map/k: expected integer, found number"]
        );
        assert!(errors(&s, Some("either"), "2").is_empty());
        assert_eq!(
            errors(&s, Some("either"), "true"),
            [": matches none of the anyOf alternatives"]
        );
        assert!(errors(&s, Some("one"), "2.5").is_empty());
        assert_eq!(
            errors(&s, Some("one"), "2"),
            [": matches 2 of the oneOf alternatives, not exactly one"]
        );
        assert_eq!(errors(&s, Some("named"), "{}"), [": fewer than 1 members"]);
        assert_eq!(
            errors(&s, Some("named"), r#"{"x": 1}"#),
            ["/x: expected string, found number"]
        );
        assert_eq!(
            errors(&s, Some("nope"), "1"),
            [": the schema has no definition `nope`"]
        );
    }

    #[test]
    fn unsupported_keywords_and_bad_refs_are_refused() {
        assert!(matches!(
            Schema::parse(r#"{"maxLength": 3}"#),
            Err(SchemaError::Unsupported { .. })
        ));
        assert!(matches!(
            Schema::parse(r#"{"patternProperties": {"^a": {}}}"#),
            Err(SchemaError::Unsupported { .. })
        ));
        assert!(matches!(
            Schema::parse(r##"{"$ref": "#definitions/x"}"##),
            Err(SchemaError::BadRef(_))
        ));
    }

    #[test]
    fn embedded_schema_loads_and_has_the_specific_definitions() {
        let defs = Schema::occi().definitions();
        for name in [
            "resource",
            "link",
            "action_invocation",
            "kind",
            "mixin",
            "action",
            "model",
            "resource_collection",
        ] {
            assert!(defs.contains(&name), "{name}");
        }
    }
}
