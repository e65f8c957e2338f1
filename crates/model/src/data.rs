//! Reading catalogues written as data (the format of `data/occi-catalogue.json`): kinds,
//! mixins and actions whose items and attribute rows carry the OCCI versions they hold in.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::{
    Action, AttributeDef, AttributeType, Catalogue, CatalogueError, CategoryId, Format, Kind,
    Mixin, Multiplicity, OcciVersion, StateMachine, Transition, Value,
};

/// The OCCI Core and Infrastructure catalogue shipped with tern.
pub(crate) const BUILTIN: &str = include_str!("../data/occi-catalogue.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default, rename = "about")]
    _about: Option<String>,
    #[serde(default)]
    kinds: Vec<KindRow>,
    #[serde(default)]
    mixins: Vec<MixinRow>,
    #[serde(default)]
    actions: Vec<ActionRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindRow {
    id: CategoryId,
    title: Option<String>,
    parent: Option<CategoryId>,
    #[serde(default)]
    attributes: Vec<AttributeRow>,
    #[serde(default)]
    actions: Vec<CategoryId>,
    location: Option<String>,
    states: Option<StatesRow>,
    versions: Option<Vec<OcciVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MixinRow {
    id: CategoryId,
    title: Option<String>,
    #[serde(default)]
    depends: Vec<CategoryId>,
    #[serde(default)]
    applies: Vec<CategoryId>,
    #[serde(default)]
    attributes: Vec<AttributeRow>,
    #[serde(default)]
    actions: Vec<CategoryId>,
    location: Option<String>,
    versions: Option<Vec<OcciVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRow {
    id: CategoryId,
    title: Option<String>,
    #[serde(default)]
    attributes: Vec<AttributeRow>,
    versions: Option<Vec<OcciVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributeRow {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    values: Option<Vec<String>>,
    format: Option<Format>,
    range: Option<(i64, i64)>,
    unit: Option<String>,
    multiplicity: Multiplicity,
    mutable: bool,
    #[serde(default)]
    provider_assigned: bool,
    #[serde(default)]
    provenance: bool,
    default: Option<serde_json::Value>,
    pattern: Option<String>,
    description: Option<String>,
    versions: Option<Vec<OcciVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatesRow {
    attribute: String,
    initial: String,
    transitions: Vec<TransitionRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransitionRow {
    from: String,
    action: Option<String>,
    to: String,
    #[serde(default)]
    failure: bool,
    versions: Option<Vec<OcciVersion>>,
}

/// Parses a catalogue document and keeps what holds in `version` (everything when `None`).
pub(crate) fn load(text: &str, version: Option<OcciVersion>) -> Result<Catalogue, CatalogueError> {
    let mut catalogue = Catalogue::empty(version);
    load_into(&mut catalogue, text)?;
    Ok(catalogue)
}

/// Adds a catalogue document's categories to `catalogue`, keeping what holds in its version;
/// the new categories may refer to those already there.
pub(crate) fn load_into(catalogue: &mut Catalogue, text: &str) -> Result<(), CatalogueError> {
    let version = catalogue.version();
    let doc: Document = serde_json::from_str(text).map_err(|e| CatalogueError::Syntax {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let holds = |versions: &Option<Vec<OcciVersion>>| match (versions, version) {
        (Some(vs), Some(v)) => vs.contains(&v),
        _ => true,
    };
    for row in doc.actions.iter().filter(|r| holds(&r.versions)) {
        catalogue.add_action(Action {
            id: row.id.clone(),
            title: row.title.clone(),
            attributes: attributes(&row.id, &row.attributes, &holds)?,
        })?;
    }
    let known_actions: HashSet<&CategoryId> = doc.actions.iter().map(|a| &a.id).collect();
    load_kinds(&doc, &known_actions, &holds, catalogue)?;
    load_mixins(&doc, &known_actions, &holds, catalogue)?;
    Ok(())
}

// Kinds may be listed before their parents: each is added after its parent.
fn load_kinds(
    doc: &Document,
    known_actions: &HashSet<&CategoryId>,
    holds: &dyn Fn(&Option<Vec<OcciVersion>>) -> bool,
    catalogue: &mut Catalogue,
) -> Result<(), CatalogueError> {
    let rows: Vec<&KindRow> = doc.kinds.iter().filter(|r| holds(&r.versions)).collect();
    let blocked = in_dependency_order(
        &rows,
        |row| &row.id,
        |row| row.parent.as_slice(),
        |catalogue, id| catalogue.kind(id).is_some(),
        catalogue,
        |catalogue, row| {
            let actions = actions_in(&row.id, &row.actions, known_actions, catalogue)?;
            let states = row
                .states
                .as_ref()
                .map(|s| state_machine(&row.id, s, &actions, holds))
                .transpose()?;
            catalogue.add_kind(Kind {
                id: row.id.clone(),
                title: row.title.clone(),
                parent: row.parent.clone(),
                attributes: attributes(&row.id, &row.attributes, holds)?,
                actions,
                location: row.location.clone(),
                states,
            })
        },
    )?;
    match blocked {
        Some(row) => Err(CatalogueError::UnknownReference {
            from: row.id.clone(),
            role: "parent",
            to: row.parent.clone().unwrap_or_else(|| row.id.clone()),
        }),
        None => Ok(()),
    }
}

// Mixins may depend on mixins listed later: each is added after what it depends on.
fn load_mixins(
    doc: &Document,
    known_actions: &HashSet<&CategoryId>,
    holds: &dyn Fn(&Option<Vec<OcciVersion>>) -> bool,
    catalogue: &mut Catalogue,
) -> Result<(), CatalogueError> {
    let rows: Vec<&MixinRow> = doc.mixins.iter().filter(|r| holds(&r.versions)).collect();
    let blocked = in_dependency_order(
        &rows,
        |row| &row.id,
        |row| &row.depends,
        |catalogue, id| catalogue.mixin(id).is_some(),
        catalogue,
        |catalogue, row| {
            let actions = actions_in(&row.id, &row.actions, known_actions, catalogue)?;
            catalogue.add_mixin(Mixin {
                id: row.id.clone(),
                title: row.title.clone(),
                depends: row.depends.clone(),
                applies: row.applies.clone(),
                attributes: attributes(&row.id, &row.attributes, holds)?,
                actions,
                location: row.location.clone(),
            })
        },
    )?;
    match blocked {
        Some(row) => {
            let missing = row.depends.iter().find(|d| catalogue.mixin(d).is_none());
            Err(CatalogueError::UnknownReference {
                from: row.id.clone(),
                role: "depends",
                to: missing.cloned().unwrap_or_else(|| row.id.clone()),
            })
        }
        None => Ok(()),
    }
}

/// Adds `rows` so that each comes after the rows it refers to (a depth-first walk, linear in
/// rows and references), in document order otherwise; returns the first row, in document
/// order, that cannot be added because a reference is neither in the catalogue nor among
/// the rows, or is part of a cycle.
fn in_dependency_order<'r, R>(
    rows: &[&'r R],
    id: impl Fn(&R) -> &CategoryId,
    refs: impl Fn(&R) -> &[CategoryId],
    present: impl Fn(&Catalogue, &CategoryId) -> bool,
    catalogue: &mut Catalogue,
    mut add: impl FnMut(&mut Catalogue, &R) -> Result<(), CatalogueError>,
) -> Result<Option<&'r R>, CatalogueError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Waiting,
        Visiting,
        Added,
        Blocked,
    }
    let mut first_row: HashMap<&CategoryId, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        first_row.entry(id(row)).or_insert(i);
    }
    let mut mark = vec![Mark::Waiting; rows.len()];
    for start in 0..rows.len() {
        if mark[start] != Mark::Waiting {
            continue;
        }
        mark[start] = Mark::Visiting;
        // (row, how many of its references were followed)
        let mut stack = vec![(start, 0usize)];
        while let Some((i, next)) = stack.last_mut() {
            let (i, row) = (*i, rows[*i]);
            if let Some(reference) = refs(row).get(*next) {
                *next += 1;
                if !present(catalogue, reference)
                    && let Some(&j) = first_row.get(reference)
                    && mark[j] == Mark::Waiting
                {
                    mark[j] = Mark::Visiting;
                    stack.push((j, 0));
                }
                continue;
            }
            stack.pop();
            if refs(row).iter().all(|r| present(catalogue, r)) {
                add(catalogue, row)?;
                mark[i] = Mark::Added;
            } else {
                mark[i] = Mark::Blocked;
            }
        }
    }
    Ok(mark
        .iter()
        .position(|m| *m == Mark::Blocked)
        .map(|i| rows[i]))
}

// References to an action of the other version are dropped; unknown ones are refused.
fn actions_in(
    owner: &CategoryId,
    ids: &[CategoryId],
    known: &HashSet<&CategoryId>,
    catalogue: &Catalogue,
) -> Result<Vec<CategoryId>, CatalogueError> {
    let mut kept = Vec::new();
    for id in ids {
        if catalogue.action(id).is_some() {
            kept.push(id.clone());
        } else if !known.contains(id) {
            return Err(CatalogueError::UnknownReference {
                from: owner.clone(),
                role: "action",
                to: id.clone(),
            });
        }
    }
    Ok(kept)
}

fn attributes(
    owner: &CategoryId,
    rows: &[AttributeRow],
    holds: &dyn Fn(&Option<Vec<OcciVersion>>) -> bool,
) -> Result<Vec<AttributeDef>, CatalogueError> {
    let mut defs: Vec<AttributeDef> = Vec::new();
    let mut names: HashSet<&str> = HashSet::new();
    for row in rows.iter().filter(|r| holds(&r.versions)) {
        let bad = |message: String| CatalogueError::BadAttribute {
            category: owner.clone(),
            attribute: row.name.clone(),
            message,
        };
        if !names.insert(&row.name) {
            return Err(bad("declared twice for the same version".into()));
        }
        let kind = match (row.kind.as_str(), &row.values) {
            ("enum", Some(values)) if !values.is_empty() => AttributeType::Enum(values.clone()),
            ("enum", _) => return Err(bad("an enum needs a non-empty `values` list".into())),
            (_, Some(_)) => return Err(bad("`values` is only allowed on enums".into())),
            ("string", None) => AttributeType::String,
            ("integer", None) => AttributeType::Integer,
            ("float", None) => AttributeType::Float,
            ("boolean", None) => AttributeType::Boolean,
            ("list", None) => AttributeType::List,
            ("hash", None) => AttributeType::Hash,
            (other, None) => return Err(bad(format!("unknown type `{other}`"))),
        };
        let default = match &row.default {
            Some(json) => Some(
                Value::from_json(json).ok_or_else(|| bad("`default` may not be null".into()))?,
            ),
            None => None,
        };
        let def = AttributeDef {
            name: row.name.clone(),
            kind,
            format: row.format,
            range: row.range,
            unit: row.unit.clone(),
            multiplicity: row.multiplicity,
            mutable: row.mutable,
            provider_assigned: row.provider_assigned,
            provenance: row.provenance,
            default,
            pattern: row.pattern.clone(),
            description: row.description.clone(),
        };
        if let Some(value) = &def.default {
            def.check(value)
                .map_err(|p| bad(format!("default {value}: {p}")))?;
        }
        defs.push(def);
    }
    Ok(defs)
}

fn state_machine(
    owner: &CategoryId,
    row: &StatesRow,
    actions: &[CategoryId],
    holds: &dyn Fn(&Option<Vec<OcciVersion>>) -> bool,
) -> Result<StateMachine, CatalogueError> {
    let mut transitions = Vec::new();
    for t in row.transitions.iter().filter(|t| holds(&t.versions)) {
        let action = match &t.action {
            None => None,
            Some(term) => Some(
                actions
                    .iter()
                    .find(|a| a.term() == term)
                    .cloned()
                    .ok_or_else(|| CatalogueError::UnknownReference {
                        from: owner.clone(),
                        role: "transition action",
                        to: CategoryId::new(owner.scheme(), term.clone()),
                    })?,
            ),
        };
        transitions.push(Transition {
            from: t.from.clone(),
            action,
            to: t.to.clone(),
            failure: t.failure,
        });
    }
    Ok(StateMachine {
        attribute: row.attribute.clone(),
        initial: row.initial.clone(),
        transitions,
    })
}
