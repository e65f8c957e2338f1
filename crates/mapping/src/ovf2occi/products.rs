//! ProductSection properties as attributes of tern mixins (see [`crate::property`]): one
//! mixin per section in a VirtualSystem's scope (its own sections, then those of its
//! enclosing collections), applied by the mapping row whose key pattern is `*`.

use std::collections::HashSet;

use tern_model::{AttributeDef, Catalogue, CategoryId, Mixin, Resource};
use tern_ovf::model::{Msg, ProductEntry, ProductSection, Property};

use super::entities::Cx;
use super::report::Report;
use crate::property::declaration::{ConfiguredValue, Declaration};
use crate::property::{PRODUCT_SCHEME, PropertyId, cim::CimType, name};
use crate::{Conversion, Direction, MappingRow};

/// A section in scope: the `ovf:id` of the collection holding it (`None`: the system's own).
pub(crate) type InScope<'a> = (Option<&'a str>, &'a ProductSection);

/// Properties a mapping row read, and the row.
pub(crate) type Consumed = Vec<(*const Property, String)>;

/// Adds to `resource` one mixin per section in `scope` that has properties, with an
/// attribute per property whose value no other row carries.
pub(crate) fn apply(
    cx: &Cx<'_>,
    catalogue: &mut Catalogue,
    system_id: &str,
    scope: &[InScope<'_>],
    consumed: &[&Consumed],
    resource: &mut Resource,
    report: &mut Report,
) {
    let Some(row) = cx.table.rows().iter().find(|r| carries_properties(r, cx)) else {
        return;
    };
    let Some(parent) = row.occi.as_ref().map(|o| o.category.clone()) else {
        return;
    };
    let mut carrier = Carrier {
        cx,
        row,
        scope,
        consumed,
        seen: HashSet::new(),
    };
    for (n, &(collection, section)) in scope.iter().enumerate() {
        if section.properties().next().is_none() {
            continue;
        }
        let definitions = carrier.section(collection, section, resource, report);
        let term = format!("vs.{}.{}", name::component(system_id), n + 1);
        let id = CategoryId::new(PRODUCT_SCHEME, term.as_str());
        let mixin = Mixin {
            id: id.clone(),
            title: Some(
                section
                    .info
                    .as_ref()
                    .map_or_else(|| "ProductSection".to_owned(), |i| i.text.clone()),
            ),
            depends: vec![parent.clone()],
            applies: vec![CategoryId::new(
                "http://schemas.ogf.org/occi/infrastructure#",
                "compute",
            )],
            attributes: definitions,
            actions: Vec::new(),
            location: Some(format!("/mixins/ovf/product/{term}/")),
        };
        if catalogue.mixin(&id).is_none() && catalogue.add_mixin(mixin).is_err() {
            report.note(
                section.position,
                format!("{}: mixin {id} cannot be added to the catalogue", row.id),
            );
            continue;
        }
        if !resource.entity.mixins.contains(&id) {
            resource.entity.mixins.push(id);
        }
    }
}

/// What carrying the properties of one system needs.
struct Carrier<'c, 'a> {
    cx: &'c Cx<'a>,
    row: &'c MappingRow,
    scope: &'c [InScope<'a>],
    consumed: &'c [&'c Consumed],
    /// Attribute names given so far.
    seen: HashSet<String>,
}

impl Carrier<'_, '_> {
    // The definitions of a section's properties, in order; values on `resource`.
    fn section(
        &mut self,
        collection: Option<&str>,
        section: &ProductSection,
        resource: &mut Resource,
        report: &mut Report,
    ) -> Vec<AttributeDef> {
        let mut definitions = Vec::new();
        let mut category: Option<&Msg> = None;
        let mut headed = true;
        for entry in &section.entries {
            match entry {
                ProductEntry::Category(c) => {
                    if !headed {
                        self.empty_category(section, category, report);
                    }
                    category = Some(c);
                    headed = false;
                }
                ProductEntry::Property(p) => {
                    headed = true;
                    let Some(key) = p.key.clone() else {
                        let message =
                            format!("{}: a Property without ovf:key is not carried", self.row.id);
                        report.note(p.position, message);
                        continue;
                    };
                    let id = PropertyId {
                        collection: collection.map(str::to_owned),
                        class: section.class.clone().unwrap_or_default(),
                        instance: section.instance.clone().unwrap_or_default(),
                        key,
                    };
                    if !self.seen.insert(id.attribute()) {
                        let message = format!(
                            "{}: property `{}` is declared twice in one section: the first is carried",
                            self.row.id, id.key
                        );
                        report.note(p.position, message);
                        continue;
                    }
                    definitions.push(self.property(&id, section, p, category, resource, report));
                }
            }
        }
        if !headed {
            self.empty_category(section, category, report);
        }
        definitions
    }

    // One property: its definition, and its value unless a row carries it.
    fn property(
        &self,
        id: &PropertyId,
        section: &ProductSection,
        p: &Property,
        category: Option<&Msg>,
        resource: &mut Resource,
        report: &mut Report,
    ) -> AttributeDef {
        let attribute = id.attribute();
        let mut declaration = declaration(p, &id.key, category, self.cx.config);
        declaration.mapped = self
            .consumed
            .iter()
            .flat_map(|c| c.iter())
            .find(|(q, _)| std::ptr::eq(*q, p))
            .map(|(_, row)| row.clone());
        let current = if declaration.mapped.is_some() {
            let resolved = resolve(self.scope, self.cx.config, declaration.source_value());
            if resolved.as_deref() != declaration.source_value() {
                declaration.resolved = resolved;
            }
            None
        } else {
            override_of(self.cx, section, &id.key)
                .or_else(|| declaration.source_value().map(str::to_owned))
        };
        let ty = CimType::of(p.ty.as_deref());
        // `ovf:value=""` (the schema's default) on a number or boolean is no value yet; the
        // declaration keeps it for the way back.
        let current = current.filter(|text| ty == CimType::String || !text.is_empty());
        let value = current.as_deref().map(|text| ty.value(text));
        match (value, current) {
            (Some(Ok(v)), _) => {
                resource.entity.attributes.insert(attribute.as_str(), v);
                declaration.definition(&attribute, true)
            }
            (Some(Err(why)), Some(text)) => {
                let ty = p.ty.as_deref().unwrap_or("no type");
                let message = format!(
                    "{}: property `{}` ({ty}): {why}; carried as a string",
                    self.row.id, id.key
                );
                report.note(p.position, message);
                resource.entity.attributes.insert(attribute.as_str(), text);
                declaration.definition(&attribute, false)
            }
            _ => declaration.definition(&attribute, true),
        }
    }

    fn empty_category(
        &self,
        section: &ProductSection,
        category: Option<&Msg>,
        report: &mut Report,
    ) {
        let text = category.map_or("", |c| c.text.as_str());
        let message = format!(
            "{}: Category `{text}` heads no property: not carried",
            self.row.id
        );
        report.note(section.position, message);
    }
}

/// The row that carries every property: key pattern `*`, conversion `ovf-property`.
fn carries_properties(row: &MappingRow, cx: &Cx<'_>) -> bool {
    row.convert == Conversion::OvfProperty
        && matches!(row.direction, Direction::Both | Direction::OvfToOcci)
        && row
            .versions
            .as_ref()
            .is_none_or(|v| v.contains(&cx.options.version))
}

// The declaration as written; `current` is the `Value` the configuration reads, as
// `Property::value_for` chooses it.
fn declaration(
    p: &Property,
    key: &str,
    category: Option<&Msg>,
    config: Option<&str>,
) -> Declaration {
    let current = config.and_then(|c| {
        let i = p
            .values
            .iter()
            .position(|v| v.configuration.iter().any(|x| x == c))?;
        p.values[i].value.is_some().then_some(i)
    });
    Declaration {
        key: key.to_owned(),
        ty: p.ty.clone(),
        qualifiers: p.qualifiers.clone(),
        user_configurable: p.user_configurable,
        password: p.password,
        value: p.value.clone(),
        values: p
            .values
            .iter()
            .map(|v| ConfiguredValue {
                value: v.value.clone(),
                configuration: (!v.configuration.is_empty()).then(|| v.configuration.join(" ")),
            })
            .collect(),
        current,
        resolved: None,
        label: p.label.as_ref().map(|m| m.text.clone()),
        label_msgid: p.label.as_ref().and_then(|m| m.msgid.clone()),
        description: p.description.as_ref().map(|m| m.text.clone()),
        description_msgid: p.description.as_ref().and_then(|m| m.msgid.clone()),
        category: category.map(|m| m.text.clone()),
        category_msgid: category.and_then(|m| m.msgid.clone()),
        mapped: None,
    }
}

// A value given on the command line for the key (plain or `class.key.instance`).
fn override_of(cx: &Cx<'_>, section: &ProductSection, key: &str) -> Option<String> {
    let qualified = section.qualified_key(key);
    cx.options
        .properties
        .iter()
        .find(|(k, _)| k == key || *k == qualified)
        .map(|(_, v)| v.clone())
}

// `value` with `${key}` references followed through the sections in scope (OVF 1.1 §9.5),
// as the descriptor alone says it (no command-line values).
fn resolve(scope: &[InScope<'_>], config: Option<&str>, value: Option<&str>) -> Option<String> {
    let mut value = value?.to_owned();
    for _ in 0..8 {
        let Some(key) = value
            .trim()
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
        else {
            break;
        };
        let next = scope.iter().find_map(|(_, ps)| {
            ps.properties()
                .find(|p| {
                    p.key
                        .as_deref()
                        .is_some_and(|k| k == key || ps.qualified_key(k) == key)
                })
                .and_then(|p| p.value_for(config))
        })?;
        value = next.to_owned();
    }
    Some(value)
}
