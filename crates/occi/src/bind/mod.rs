//! Layer (c): binding renderings to the shared model. The catalogue types values that the
//! text leaves untyped (integer vs float vs enum, list and hash carried as JSON strings) and
//! fills attribute types of known categories.

mod text_in;
mod text_out;

pub(crate) use text_in::from_text;
pub(crate) use text_out::{left_out, to_text};

use std::cell::LazyCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tern_model::{AttributeDef, AttributeType, Catalogue, CategoryId, Entity, Number, Value};

use tern_diag::{Finding, Position, Severity};

use crate::diagnostic::{Diagnostics, Rule};
use crate::json::{Json, JsonValue, Member, parse_json};
use crate::leniency::{Leniency, ParseOptions};
use crate::syntax::TextValue;

/// Where attribute names and category identifiers first appeared, so that findings of the
/// model validation can point into the source: anywhere in the document (category
/// definitions, action invocations), and within each entity (a collection names the same
/// attribute once per entity; a missing attribute points at the entity's rendering).
///
/// Each distinct name is stored once (interned, [`Names`]); an entity's scope maps the
/// interned numbers to positions, so the index costs one hash of each name met and no copy
/// of a name met before: linear in the input.
///
/// Positions are given as closures, called only for what is recorded (a name met for the
/// first time, an entity entered for the first time): the JSON reader keeps byte offsets and
/// turns them into lines and columns only here and in findings.
///
/// A reader that judges nothing records nothing ([`SourceIndex::none`]); one that only
/// places findings about the categories a document defines records those
/// ([`SourceIndex::categories`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceIndex {
    pub(crate) attributes: Names,
    pub(crate) categories: Names,
    entities: HashMap<EntityPath, EntityScope>,
    current: Option<EntityPath>,
    record: Record,
}

/// What a [`SourceIndex`] records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Record {
    /// Everything, for the model validation's findings.
    #[default]
    Everything,
    /// Where each category is first named in the document.
    Categories,
    /// Nothing.
    Nothing,
}

/// Names met in a document, each once, with where it first appeared.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    numbers: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    first: Vec<Position>,
}

/// Which entity of a document: the n-th resource (of a listing, or the document's only
/// one), the m-th link of the n-th resource, or the n-th link outside any resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EntityPath {
    Resource(usize),
    ResourceLink(usize, usize),
    Link(usize),
}

/// Where one entity's rendering starts, and its attributes and categories (by the numbers
/// [`Names`] gave them).
#[derive(Debug, Clone)]
struct EntityScope {
    start: Position,
    attributes: HashMap<u32, Position, BuildHasherDefault<NumberHasher>>,
    categories: HashMap<u32, Position, BuildHasherDefault<NumberHasher>>,
}

impl SourceIndex {
    /// An index that records nothing, for readers that place no finding of the model
    /// validation.
    pub(crate) fn none() -> Self {
        SourceIndex {
            record: Record::Nothing,
            ..SourceIndex::default()
        }
    }

    /// An index that records where each category is first named, and nothing else.
    pub(crate) fn categories() -> Self {
        SourceIndex {
            record: Record::Categories,
            ..SourceIndex::default()
        }
    }

    /// Whether [`SourceIndex::category`] records anything (callers may skip building ids).
    pub(crate) fn records_categories(&self) -> bool {
        self.record != Record::Nothing
    }

    pub(crate) fn attribute(&mut self, name: &str, position: impl FnOnce() -> Position) {
        if self.record != Record::Everything {
            return;
        }
        let position = LazyCell::new(position);
        let number = self.attributes.note(name, || *position);
        if let Some(scope) = self.scope_mut() {
            scope.attributes.entry(number).or_insert_with(|| *position);
        }
    }

    pub(crate) fn category(&mut self, id: &str, position: impl FnOnce() -> Position) {
        if self.record == Record::Nothing {
            return;
        }
        let position = LazyCell::new(position);
        let number = self.categories.note(id, || *position);
        if let Some(scope) = self.scope_mut() {
            scope.categories.entry(number).or_insert_with(|| *position);
        }
    }

    /// From here on, attributes and categories belong to the entity at `path`, whose
    /// rendering starts at `start`; returns the entity they belonged to before, for
    /// [`SourceIndex::leave`].
    pub(crate) fn enter(
        &mut self,
        path: EntityPath,
        start: impl FnOnce() -> Position,
    ) -> Option<EntityPath> {
        if self.record != Record::Everything {
            return None;
        }
        self.entities.entry(path).or_insert_with(|| EntityScope {
            start: start(),
            attributes: HashMap::default(),
            categories: HashMap::default(),
        });
        self.current.replace(path)
    }

    /// Back to the entity `enter` returned.
    pub(crate) fn leave(&mut self, previous: Option<EntityPath>) {
        self.current = previous;
    }

    /// Where attribute `name` of the entity at `path` is; where the entity starts when it
    /// has no such attribute (a missing one); anywhere in the document when the entity was
    /// not recorded.
    pub(crate) fn attribute_in(&self, path: EntityPath, name: &str) -> Option<Position> {
        let number = self.attributes.number(name);
        match self.entities.get(&path) {
            Some(scope) => Some(
                number
                    .and_then(|n| scope.attributes.get(&n).copied())
                    .unwrap_or(scope.start),
            ),
            None => self.attributes.get(name).copied(),
        }
    }

    /// Where category `id` is named by the entity at `path` (else where the entity starts).
    pub(crate) fn category_in(&self, path: EntityPath, id: &str) -> Option<Position> {
        let number = self.categories.number(id);
        match self.entities.get(&path) {
            Some(scope) => Some(
                number
                    .and_then(|n| scope.categories.get(&n).copied())
                    .unwrap_or(scope.start),
            ),
            None => self.categories.get(id).copied(),
        }
    }

    /// Where the rendering of the entity at `path` starts.
    pub(crate) fn entity_start(&self, path: EntityPath) -> Option<Position> {
        self.entities.get(&path).map(|scope| scope.start)
    }

    fn scope_mut(&mut self) -> Option<&mut EntityScope> {
        let path = self.current?;
        self.entities.get_mut(&path)
    }
}

impl Names {
    /// Where `name` first appeared in the document.
    pub(crate) fn get(&self, name: &str) -> Option<&Position> {
        self.first.get(usize::try_from(self.number(name)?).ok()?)
    }

    // The number of `name`, noting it (and where it first appeared) when it is new. Names
    // come from the input: they are hashed with a keyed hasher (foldhash, random seed).
    fn note(&mut self, name: &str, position: impl FnOnce() -> Position) -> u32 {
        if let Some(&number) = self.numbers.get(name) {
            return number;
        }
        let number = u32::try_from(self.first.len()).unwrap_or(u32::MAX);
        self.numbers.insert(name.into(), number);
        self.first.push(position());
        number
    }

    fn number(&self, name: &str) -> Option<u32> {
        self.numbers.get(name).copied()
    }
}

// Hashes the numbers `Names` hands out (small integers it chose, not input): a
// multiplication spreads them over the table.
#[derive(Debug, Clone, Copy, Default)]
struct NumberHasher(u64);

impl Hasher for NumberHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// GFD.221 gives every entity an id; one a rendering names only by its location (a text
/// Link's `self`, a resource's action links, a JSON `location` member) gets the location's
/// last path segment ([`Entity::id_from_location`]), with a note saying so. Writing it back,
/// the id implies the same location ([`Entity::implied_location`]).
pub(crate) fn derive_id(
    entity: &mut Entity,
    what: &str,
    position: Position,
    diags: &mut Diagnostics,
) {
    if !entity.id.is_empty() {
        return;
    }
    let Some(location) = &entity.location else {
        return;
    };
    if let Some(id) = Entity::id_from_location(location) {
        diags.push(Rule::DerivedId.note(
            position,
            format!("{what} without occi.core.id: its id `{id}` is the last segment of its location `{location}`"),
        ));
        entity.id = id.to_owned();
    }
}

/// Types a text value through the attribute's definition (its text moves into the value).
pub(crate) fn typed_value(
    value: TextValue,
    def: Option<&AttributeDef>,
    position: Position,
    options: &ParseOptions,
    diags: &mut Diagnostics,
) -> Option<Value> {
    Some(match value {
        TextValue::Bool(b) => Value::Boolean(b),
        TextValue::Number(n) => Value::Number(Number::parse(&n)?),
        TextValue::Token(t) => Value::String(t),
        TextValue::String(s) => match def.map(|d| &d.kind) {
            Some(AttributeType::Boolean) if s == "true" || s == "false" => {
                diags.lenient(
                    Leniency::QuotedBoolean,
                    options.allows(Leniency::QuotedBoolean),
                    position,
                    format!("boolean attribute given as the string \"{s}\"; booleans are unquoted"),
                );
                Value::Boolean(s == "true")
            }
            Some(AttributeType::List | AttributeType::Hash) => {
                let name = def.map_or("", |d| d.name.as_str());
                diags.lenient(Leniency::JsonInString, options.allows(Leniency::JsonInString), position, format!("list/hash attribute `{name}` carried as JSON in a quoted string (the text grammar has no list or hash)"));
                match parse_json(&s).ok().and_then(|j| json_to_value(&j)) {
                    Some(v @ (Value::List(_) | Value::Hash(_))) => v,
                    _ => {
                        diags.error(Rule::AttributeType, position, format!("`{name}` is a list/hash attribute but its value is not a JSON array or object"));
                        return None;
                    }
                }
            }
            None if options.allows(Leniency::JsonInString) && s.starts_with(['[', '{']) => {
                match parse_json(&s).ok().and_then(|j| json_to_value(&j)) {
                    Some(v @ (Value::List(_) | Value::Hash(_))) => {
                        diags.lenient(
                            Leniency::JsonInString,
                            true,
                            position,
                            "JSON array/object in a quoted string read as a list/hash",
                        );
                        v
                    }
                    _ => Value::String(s),
                }
            }
            _ => Value::String(s),
        },
    })
}

/// A model value in the text's lexical classes; lists and hashes become JSON in a quoted
/// string, with a warning (readers need leniency `json-in-string`).
pub(crate) fn text_value(name: &str, value: &Value, notes: &mut Vec<Finding>) -> TextValue {
    match value {
        Value::String(s) => TextValue::String(s.clone()),
        Value::Number(n) => TextValue::Number(n.as_str().to_owned()),
        Value::Boolean(b) => TextValue::Bool(*b),
        Value::List(_) | Value::Hash(_) => {
            notes.push(Rule::Lenient(Leniency::JsonInString).finding(Severity::Warning, format!("`{name}` is a list/hash: rendered as JSON in a quoted string, which readers accept only with leniency `json-in-string`")));
            TextValue::String(value_to_json(value).to_compact())
        }
    }
}

/// JSON to a model value; `null` has no OCCI counterpart.
pub(crate) fn json_to_value(json: &Json) -> Option<Value> {
    Some(match &json.value {
        JsonValue::Null => return None,
        JsonValue::Bool(b) => Value::Boolean(*b),
        JsonValue::Number(n) => Value::Number(Number::parse(n)?),
        JsonValue::String(s) => Value::String(s.clone()),
        JsonValue::Array(items) => {
            Value::List(items.iter().map(json_to_value).collect::<Option<_>>()?)
        }
        JsonValue::Object(members) => Value::Hash(
            members
                .iter()
                .map(|m| Some((m.name.clone(), json_to_value(&m.value)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// JSON to a model value, moving its strings; `null` has no OCCI counterpart.
pub(crate) fn json_into_value(json: Json) -> Option<Value> {
    Some(match json.value {
        JsonValue::Null => return None,
        JsonValue::Bool(b) => Value::Boolean(b),
        JsonValue::Number(n) => Value::Number(Number::parse(&n)?),
        JsonValue::String(s) => Value::String(s),
        JsonValue::Array(items) => Value::List(
            items
                .into_iter()
                .map(json_into_value)
                .collect::<Option<_>>()?,
        ),
        JsonValue::Object(members) => Value::Hash(
            members
                .into_iter()
                .map(|m| Some((m.name, json_into_value(m.value)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// A model value as JSON; numbers keep their text where JSON allows it (`+1` → `1`,
/// `.5` → `0.5`, `2.` → `2.0`).
pub(crate) fn value_to_json(value: &Value) -> Json {
    Json::new(match value {
        Value::String(s) => JsonValue::String(s.clone()),
        Value::Number(n) => JsonValue::Number(json_number(n.as_str())),
        Value::Boolean(b) => JsonValue::Bool(*b),
        Value::List(items) => JsonValue::Array(items.iter().map(value_to_json).collect()),
        Value::Hash(members) => JsonValue::Object(
            members
                .iter()
                .map(|(k, v)| Member {
                    name: k.clone(),
                    offset: 0,
                    value: value_to_json(v),
                })
                .collect(),
        ),
    })
}

fn json_number(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], &digits[i..]),
        None => (digits, ""),
    };
    let mut m = mantissa.to_owned();
    if m.starts_with('.') {
        m.insert(0, '0');
    }
    if m.ends_with('.') {
        m.push('0');
    }
    let int_end = m.find('.').unwrap_or(m.len());
    let int = m[..int_end].trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    format!("{sign}{int}{}{exponent}", &m[int_end..])
}

/// The definition of `name` for a category known to the catalogue, when its JSON type
/// matches `json_type` (the catalogue refines `number` to integer or float, `string` to enum).
pub(crate) fn refined_def(
    catalogue: &Catalogue,
    category: &CategoryId,
    name: &str,
    json_type: &str,
) -> Option<AttributeDef> {
    catalogue
        .declared_attribute(category, name)
        .filter(|d| d.json_type() == json_type)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_are_normalised_only_where_needed() {
        for (text, json) in [
            ("2.50", "2.50"),
            ("+1", "1"),
            (".5", "0.5"),
            ("2.", "2.0"),
            ("-1e9", "-1e9"),
            ("007", "7"),
            ("0", "0"),
        ] {
            assert_eq!(json_number(text), json, "{text}");
        }
    }
}
