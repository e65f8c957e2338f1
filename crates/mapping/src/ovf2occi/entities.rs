//! Building the OCCI resources and links: the structure (which entity comes from which OVF
//! element) is here; the values come from the mapping rows through `source` and `value`.

use tern_model::{Catalogue, CategoryId, Collection, Entity, Link, Resource, Value};
use tern_ovf::Envelope;
use tern_ovf::model::{Content, Item, ProductSection, VirtualSystem};

use super::products::{self, Consumed};
use super::source::{self, Properties, Raw, Scope};
use super::{BridgeError, Options, Report};
use crate::value::{self, Converted};
use crate::{Conversion as Convert, Direction, MappingRow, MappingTable, extensions, ids};

/// Everything the builders share.
pub(crate) struct Cx<'a> {
    pub(crate) doc: &'a tern_ovf::Document,
    pub(crate) envelope: &'a Envelope,
    pub(crate) options: &'a Options,
    pub(crate) config: Option<&'a str>,
    pub(crate) table: &'a MappingTable,
}

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

/// Adds networks, storage, then computes with their links, in document order.
pub(crate) fn build(
    cx: &Cx<'_>,
    catalogue: &mut Catalogue,
    out: &mut Collection,
    report: &mut Report,
) -> Result<(), BridgeError> {
    let all_products = all_product_sections(cx.envelope);
    let envelope_properties = Properties {
        overrides: &cx.options.properties,
        sections: all_products.iter().map(|(ps, _)| *ps).collect(),
        config: cx.config,
        unresolved: std::cell::RefCell::default(),
        last: std::cell::Cell::default(),
        consumed: std::cell::RefCell::default(),
    };
    let several_networks = cx.envelope.networks.len() > 1;
    for network in &cx.envelope.networks {
        let name = network.name.clone().unwrap_or_default();
        let mut resource = Resource::new(Entity::new("", kind("network")));
        let suffix = several_networks.then_some(name.as_str());
        apply_rows(
            cx,
            catalogue,
            &Scope::Network { network },
            &envelope_properties,
            suffix,
            &mut resource,
            report,
        )?;
        push(out, resource, report);
    }
    for disk in &cx.envelope.disks {
        let mut resource = Resource::new(Entity::new("", kind("storage")));
        apply_rows(
            cx,
            catalogue,
            &Scope::Disk { disk },
            &envelope_properties,
            None,
            &mut resource,
            report,
        )?;
        let disk_id = disk.disk_id.clone().unwrap_or_default();
        let e = &mut resource.entity;
        add_mixin(e, extensions::mixin("ovf#disk"));
        e.attributes.insert("tern.ovf.disk.id", disk_id.as_str());
        if let Some((uri, id)) = data_object(cx, disk) {
            add_mixin(e, extensions::mixin("cdmi#dataobject"));
            e.attributes.insert("tern.cdmi.uri", uri);
            e.attributes.insert("tern.cdmi.objectid", id);
        }
        let file = disk.file_ref.as_deref().and_then(|f| cx.envelope.file(f));
        if let Some(href) = file.and_then(|f| f.href.as_deref()) {
            e.attributes.insert("tern.ovf.disk.file", href);
        }
        push(out, resource, report);
    }
    if let Some(content) = &cx.envelope.content {
        let by_networks = envelope_properties.consumed.borrow();
        let lookups = Lookups {
            all_products: &all_products,
            by_networks: &by_networks,
        };
        systems(
            cx,
            catalogue,
            content,
            &mut Vec::new(),
            &lookups,
            out,
            report,
        )?;
    }
    Ok(())
}

/// What the systems look up besides their own sections.
struct Lookups<'l, 'a> {
    /// Every ProductSection with the ids of its enclosing collections.
    all_products: &'l [(&'a ProductSection, Vec<String>)],
    /// Properties the network rows carry.
    by_networks: &'l Consumed,
}

fn systems<'a>(
    cx: &Cx<'a>,
    catalogue: &mut Catalogue,
    content: &'a Content,
    path: &mut Vec<String>,
    lookups: &Lookups<'_, 'a>,
    out: &mut Collection,
    report: &mut Report,
) -> Result<(), BridgeError> {
    match content {
        Content::VirtualSystemCollection(c) => {
            path.push(c.id.clone().unwrap_or_default());
            for member in &c.members {
                systems(cx, catalogue, member, path, lookups, out, report)?;
            }
            path.pop();
        }
        Content::VirtualSystem(system) => {
            let resource = compute(cx, catalogue, system, path, lookups, report)?;
            push(out, resource, report);
        }
    }
    Ok(())
}

fn compute(
    cx: &Cx<'_>,
    catalogue: &mut Catalogue,
    system: &VirtualSystem,
    path: &[String],
    lookups: &Lookups<'_, '_>,
    report: &mut Report,
) -> Result<Resource, BridgeError> {
    // The Items the chosen deployment option uses, overrides combined (tern-ovf's resolver).
    let combined: Vec<Item> = system
        .sections
        .hardware
        .iter()
        .flat_map(|h| h.items_for(cx.config))
        .collect();
    let items: Vec<&Item> = combined.iter().collect();
    // The system's own product sections first, then those of its collections, innermost
    // first (with the id of the collection holding them).
    let mut in_scope: Vec<products::InScope<'_>> = system
        .sections
        .product
        .iter()
        .map(|ps| (None, ps))
        .collect();
    for depth in (0..path.len()).rev() {
        in_scope.extend(
            lookups
                .all_products
                .iter()
                .filter(|(_, p)| p.as_slice() == &path[..depth])
                .map(|(ps, _)| (Some(path[depth].as_str()), *ps)),
        );
    }
    let properties = Properties {
        overrides: &cx.options.properties,
        sections: in_scope.iter().map(|(_, ps)| *ps).collect(),
        config: cx.config,
        unresolved: std::cell::RefCell::default(),
        last: std::cell::Cell::default(),
        consumed: std::cell::RefCell::default(),
    };
    let mut resource = Resource::new(Entity::new("", kind("compute")));
    let scope = Scope::System {
        system,
        items: items.clone(),
    };
    apply_rows(
        cx,
        catalogue,
        &scope,
        &properties,
        None,
        &mut resource,
        report,
    )?;
    let system_id = system.id.clone().unwrap_or_default();
    let e = &mut resource.entity;
    add_mixin(e, extensions::mixin("ovf#system"));
    e.attributes.insert("tern.ovf.system", system_id.as_str());
    if !path.is_empty() {
        e.attributes.insert("tern.ovf.collection", path.join("/"));
    }
    if let Some(name) = &cx.options.envelope_name {
        e.attributes.insert("tern.ovf.envelope", name.as_str());
    }
    if let Some(os) = &system.sections.operating_system
        && let Some(id) = os.id.as_deref().and_then(|i| i.trim().parse::<u16>().ok())
    {
        let template = extensions::os_template(
            catalogue,
            id,
            os.description.as_ref().map(|d| d.text.as_str()),
        );
        resource.entity.mixins.push(template);
    }
    if let Some(config) = cx.config {
        let label = cx
            .envelope
            .deployment_options
            .iter()
            .find(|c| c.id.as_deref() == Some(config))
            .and_then(|c| c.label.as_ref().map(|l| l.text.clone()));
        resource.entity.mixins.push(extensions::resource_template(
            catalogue,
            config,
            label.as_deref(),
        ));
    }
    links(cx, catalogue, &items, &properties, &mut resource, report)?;
    let by_system = properties.consumed.borrow();
    products::apply(
        cx,
        catalogue,
        &system_id,
        &in_scope,
        &[lookups.by_networks, &by_system],
        &mut resource,
        report,
    );
    Ok(resource)
}

fn links(
    cx: &Cx<'_>,
    catalogue: &mut Catalogue,
    items: &[&Item],
    properties: &Properties<'_>,
    compute: &mut Resource,
    report: &mut Report,
) -> Result<(), BridgeError> {
    // Links name their ends by location, as the JSON rendering's example does: the
    // locations the mapping rows give (`/compute/<ovf:id>`), which are also where a reader
    // puts an entity whose rendering carries no location (`Entity::location_or_default`).
    let source = compute
        .entity
        .location
        .clone()
        .unwrap_or_else(|| compute.entity.id.clone());
    let nics = items.iter().filter(|i| i.is_nic()).count();
    for item in items.iter().copied() {
        let instance = item.instance_id().map(str::to_string).unwrap_or_default();
        if item.is_nic() {
            let network = item
                .connection()
                .next()
                .map(str::to_string)
                .unwrap_or_default();
            if !cx
                .envelope
                .networks
                .iter()
                .any(|n| n.name.as_deref() == Some(network.as_str()))
            {
                report.note(item.position, format!("NIC {instance} connects to `{network}`, which NetworkSection does not declare"));
            }
            let mut link = Link::new(
                Entity::new(
                    format!("{}/nic/{}", compute.entity.id, ids::encode(&instance)),
                    kind("networkinterface"),
                ),
                source.as_str(),
                ids::location("network", &network),
            );
            link.target.kind = Some(kind("network"));
            let suffix = (nics > 1).then_some(network.as_str());
            let mut holder = Resource::new(link.entity);
            apply_rows(
                cx,
                catalogue,
                &Scope::Item { item },
                properties,
                suffix,
                &mut holder,
                report,
            )?;
            link.entity = holder.entity;
            add_mixin(&mut link.entity, extensions::mixin("ovf#nic"));
            link.entity
                .attributes
                .insert("tern.ovf.instance", instance.as_str());
            compute.links.push(link);
        } else if let Some(disk) = item.disk_ref() {
            let mut link = Link::new(
                Entity::new(
                    format!("{}/disk/{}", compute.entity.id, ids::encode(&instance)),
                    kind("storagelink"),
                ),
                source.as_str(),
                ids::location("storage", disk),
            );
            link.target.kind = Some(kind("storage"));
            let e = &mut link.entity;
            let device = cx
                .envelope
                .disk(disk)
                .and_then(|d| data_object(cx, d))
                .map_or_else(|| disk.to_owned(), |(_, id)| id);
            e.attributes.insert("occi.storagelink.deviceid", device);
            add_mixin(e, extensions::mixin("ovf#disk_drive"));
            if let Some(controller) = item
                .parent()
                .and_then(|p| items.iter().find(|i| i.instance_id() == Some(p)))
            {
                e.attributes
                    .insert("tern.ovf.controller", controller_name(controller));
            }
            if let Some(slot) = &item.address_on_parent() {
                e.attributes
                    .insert("tern.ovf.address_on_parent", slot.trim());
            }
            e.attributes.insert("tern.ovf.instance", instance.as_str());
            compute.links.push(link);
        }
    }
    Ok(())
}

/// Where a disk's data lives in CDMI: its File href when that is already a URL, else the
/// href under `--cdmi-base`; with the File's `tern:objectID`, or one derived from the URL.
fn data_object(cx: &Cx<'_>, disk: &tern_ovf::model::Disk) -> Option<(String, String)> {
    let file_id = disk.file_ref.as_deref()?;
    let href = cx.envelope.file(file_id)?.href.as_deref()?;
    let uri = if crate::cdmi::is_remote(href) {
        href.to_owned()
    } else {
        crate::cdmi::data_object_url(cx.options.cdmi_base.as_deref()?, href)
    };
    let id = crate::cdmi::file_object_id(cx.doc, file_id)
        .unwrap_or_else(|| crate::cdmi::object_id(cx.options.cdmi_enterprise, &uri));
    Some((uri, id))
}

/// Applies every row of the entity's Kind (and of the Mixins that apply to it) whose OVF
/// source the scope has; a Mixin is attached when one of its rows gave a value.
fn apply_rows(
    cx: &Cx<'_>,
    catalogue: &Catalogue,
    scope: &Scope<'_>,
    properties: &Properties<'_>,
    suffix: Option<&str>,
    resource: &mut Resource,
    report: &mut Report,
) -> Result<(), BridgeError> {
    let entity_kind = resource.entity.kind.clone();
    for row in cx.table.rows().iter().filter(|r| holds(r, cx.options)) {
        let (Some(occi), Some(ovf)) = (&row.occi, &row.ovf) else {
            continue;
        };
        let Some(attribute) = &occi.attribute else {
            continue;
        };
        let applies = if occi.mixin {
            catalogue
                .mixin(&occi.category)
                .is_some_and(|m| m.applies.iter().any(|a| catalogue.is_a(&entity_kind, a)))
        } else {
            occi.category == entity_kind
        };
        if !applies || is_structural(row.convert) {
            continue;
        }
        properties.last.set(None);
        let raw = source::read(ovf, scope, properties, suffix);
        if raw.is_some() && matches!(ovf, crate::OvfSource::Property { .. }) {
            properties.consume(&row.id);
        }
        for (message, at) in properties.unresolved.borrow_mut().drain(..) {
            report.note(at, format!("{}: {message}", row.id));
        }
        let Some(raw) = raw else { continue };
        let def = definition(catalogue, &occi.category, attribute);
        match value::from_ovf(row.convert, &raw, def.as_ref(), entity_kind.term()) {
            Ok(Converted::Value(v)) => {
                set(&mut resource.entity, &mut resource.summary, attribute, v);
            }
            Ok(Converted::Nothing(why)) => report.note(raw.position, format!("{}: {why}", row.id)),
            Err(message) => return Err(bad(&raw, format!("{}: {message}", row.id))),
        }
        if occi.mixin {
            add_mixin(&mut resource.entity, occi.category.clone());
        }
    }
    if let Some(Value::String(id)) = resource.entity.attributes.remove("occi.core.id") {
        (resource.entity.id, resource.entity.location) = ids::from_row(&id);
    }
    Ok(())
}

fn holds(row: &MappingRow, options: &Options) -> bool {
    matches!(row.direction, Direction::Both | Direction::OvfToOcci)
        && row
            .versions
            .as_ref()
            .is_none_or(|v| v.contains(&options.version))
}

// Rows whose conversion builds structure (links, templates, CDMI objects) are applied by
// the builders above, not as attribute values.
fn is_structural(conversion: Convert) -> bool {
    matches!(
        conversion,
        Convert::NetworkReference
            | Convert::DiskReference
            | Convert::ControllerReference
            | Convert::CimOsTemplate
            | Convert::DeploymentOptionTemplate
            | Convert::CdmiUri
            | Convert::CdmiObjectid
            | Convert::CollectionPath
            | Convert::OvfProperty
    )
}

// The definition of `attribute` in `category` (a Kind with its parents, or a Mixin with
// what it depends on).
fn definition(
    catalogue: &Catalogue,
    category: &CategoryId,
    attribute: &str,
) -> Option<tern_model::AttributeDef> {
    let from_kinds = catalogue
        .ancestors(category)
        .into_iter()
        .flat_map(|k| &k.attributes);
    let from_mixins = catalogue
        .mixin_closure(category)
        .into_iter()
        .flat_map(|m| &m.attributes);
    from_kinds
        .chain(from_mixins)
        .find(|d| d.name == attribute)
        .cloned()
}

// occi.core.* attributes are fields of the model.
fn set(entity: &mut Entity, summary: &mut Option<String>, attribute: &str, value: Value) {
    match (attribute, value) {
        ("occi.core.title", Value::String(s)) => entity.title = Some(s),
        ("occi.core.summary", Value::String(s)) => *summary = Some(s),
        (name, v) => {
            entity.attributes.insert(name, v);
        }
    }
}

fn add_mixin(entity: &mut Entity, mixin: CategoryId) {
    if !entity.mixins.contains(&mixin) {
        entity.mixins.push(mixin);
    }
}

fn push(out: &mut Collection, resource: Resource, report: &mut Report) {
    let id = resource.entity.id.clone();
    if out.push_resource(resource).is_err() {
        report.note(
            tern_ovf::Position::default(),
            format!("two OVF elements give the OCCI id {id}; the second was dropped"),
        );
    }
}

fn bad(raw: &Raw, message: String) -> BridgeError {
    BridgeError::BadValue {
        line: raw.position.line,
        column: raw.position.column,
        message,
    }
}

fn kind(term: &str) -> CategoryId {
    CategoryId::new(INFRA, term)
}

// CIM ResourceType codes of controllers (DSP1041/CIM_ResourceAllocationSettingData).
fn controller_name(item: &Item) -> String {
    let name = match item.resource_type_code() {
        Some(5) => "ide",
        Some(6) => "scsi",
        Some(7) => "fc",
        Some(8) => "iscsi",
        Some(9) => "infiniband",
        Some(20) => "sata",
        _ => "other",
    };
    match item
        .resource_sub_type()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(sub) => format!("{name} {sub}"),
        None => name.to_owned(),
    }
}

/// Every ProductSection with the ids of its enclosing collections (outermost first).
fn all_product_sections(envelope: &Envelope) -> Vec<(&ProductSection, Vec<String>)> {
    fn walk<'a>(
        content: &'a Content,
        path: &mut Vec<String>,
        out: &mut Vec<(&'a ProductSection, Vec<String>)>,
    ) {
        match content {
            Content::VirtualSystem(v) => {
                // A system's own sections are searched first by `compute`; listed here for
                // envelope-wide lookups (network labels) with the system's id on the path.
                path.push(v.id.clone().unwrap_or_default());
                out.extend(v.sections.product.iter().map(|ps| (ps, path.clone())));
                path.pop();
            }
            Content::VirtualSystemCollection(c) => {
                out.extend(c.sections.product.iter().map(|ps| (ps, path.clone())));
                path.push(c.id.clone().unwrap_or_default());
                for m in &c.members {
                    walk(m, path, out);
                }
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    if let Some(content) = &envelope.content {
        walk(content, &mut Vec::new(), &mut out);
    }
    out
}
