//! `occi2ovf --original`: the provider kept the OVF. Start from that envelope, write back
//! what changed on the OCCI side where tern-ovf can edit it, and list what it cannot; an
//! unchanged collection gives back the original bytes.
//!
//! "Changed" is judged against the envelope converted the way the collection was: with the
//! CDMI container its data objects share and the deployment option its resource template
//! names. Provenance attributes (marked so in tern's catalogue: which file the entity came
//! from) are no facts of the envelope and are never compared.

use tern_model::{Catalogue, Collection, Entity, Resource, Value};
use tern_ovf::{Document, Envelope, edit};

use super::gib_to_bytes;
use crate::extensions;
use crate::ovf2occi::{self, Options};
use crate::property::PropertyId;

/// Applies the differences between `collection` and what `original` converts to. Returns the
/// changes that were not written back. `options` are those of the conversion that made the
/// collection; a CDMI base or deployment option they leave unset is taken from the
/// collection when it shows one.
pub fn restore(
    original: &mut Document,
    collection: &Collection,
    options: &Options,
) -> Result<Vec<String>, ovf2occi::BridgeError> {
    let options = as_converted(original, collection, options);
    let conversion = ovf2occi::ovf_to_occi(original, &options)?;
    let (baseline, catalogue) = (conversion.collection, conversion.catalogue);
    let mut not_written = Vec::new();
    for r in collection.resources() {
        let Some(before) = baseline.resource(&r.entity.id) else {
            not_written.push(format!(
                "{}: not in the original envelope (export without --original to include it)",
                r.entity.id
            ));
            continue;
        };
        for (name, value) in r.entity.attributes.iter() {
            if provenance(&catalogue, &r.entity, name)
                || before.entity.attributes.get(name) == Some(value)
            {
                continue;
            }
            if !write_back(
                original,
                r,
                before,
                name,
                value,
                options.deployment_option.as_deref(),
            ) {
                not_written.push(format!(
                    "{}: {name} changed to {value}: not written back",
                    r.entity.id
                ));
            }
        }
        for (name, _) in before.entity.attributes.iter() {
            if !provenance(&catalogue, &before.entity, name)
                && r.entity.attributes.get(name).is_none()
            {
                not_written.push(format!("{}: {name} removed: not written back", r.entity.id));
            }
        }
        links_changed(before, r, &mut not_written);
    }
    for r in baseline.resources() {
        if collection.resource(&r.entity.id).is_none() {
            not_written.push(format!(
                "{}: removed on the OCCI side: still in the envelope",
                r.entity.id
            ));
        }
    }
    Ok(not_written)
}

// One changed attribute edited into the envelope; false when tern-ovf cannot.
fn write_back(
    original: &mut Document,
    r: &Resource,
    before: &Resource,
    name: &str,
    value: &Value,
    option: Option<&str>,
) -> bool {
    let own = |attribute: &str| {
        r.entity
            .attributes
            .get(attribute)
            .or_else(|| before.entity.attributes.get(attribute))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let bytes = |n: &tern_model::Number| gib_to_bytes(n.as_str()).ok();
    match (name, value) {
        ("occi.compute.cores", Value::Number(n)) => own("tern.ovf.system").is_some_and(|s| {
            n.as_i64()
                .and_then(|c| u64::try_from(c).ok())
                .is_some_and(|c| edit::set_cpus_for(original, Some(&s), option, c).is_ok())
        }),
        ("occi.compute.memory", Value::Number(n)) => own("tern.ovf.system").is_some_and(|s| {
            bytes(n).is_some_and(|b| edit::set_memory_for(original, Some(&s), option, b).is_ok())
        }),
        ("occi.storage.size", Value::Number(n)) => own("tern.ovf.disk.id").is_some_and(|d| {
            bytes(n).is_some_and(|b| edit::set_disk_capacity(original, &d, b).is_ok())
        }),
        ("occi.compute.hostname", Value::String(h)) => {
            own("tern.ovf.system").is_some() && edit::set_property(original, "hostname", h).is_ok()
        }
        // A ProductSection property (see crate::property), found by its qualified key.
        (name, value) => PropertyId::from_attribute(name).is_some_and(|id| {
            own("tern.ovf.system").is_some()
                && edit::set_property(original, &id.qualified_key(), &value.to_plain_string())
                    .is_ok()
        }),
    }
}

// True for an attribute the catalogue marks as provenance.
fn provenance(catalogue: &Catalogue, entity: &Entity, name: &str) -> bool {
    catalogue
        .attribute_def(entity, name)
        .is_some_and(|d| d.provenance)
}

// The options the collection was converted with, as far as it shows them.
fn as_converted(original: &Document, collection: &Collection, options: &Options) -> Options {
    let mut options = options.clone();
    if options.cdmi_base.is_none() {
        options.cdmi_base = cdmi_base(collection);
    }
    if options.deployment_option.is_none() {
        options.deployment_option = deployment_option(original, collection, &options);
    }
    options
}

// The container under which the storages' data objects sit: a `tern.cdmi.uri` that is the
// relative `tern.ovf.disk.file` under some base, the same for every such storage.
fn cdmi_base(collection: &Collection) -> Option<String> {
    let mut bases = collection.resources().iter().filter_map(|r| {
        let get = |name: &str| r.entity.attributes.get(name).and_then(Value::as_str);
        let (uri, file) = (get("tern.cdmi.uri")?, get("tern.ovf.disk.file")?);
        if crate::cdmi::is_remote(file) {
            return None;
        }
        let base = uri.strip_suffix(file.trim_start_matches("./"))?;
        (base.ends_with('/') && crate::cdmi::data_object_url(base, file) == uri)
            .then(|| base.to_owned())
    });
    let first = bases.next()?;
    bases.all(|b| b == first).then_some(first)
}

// The deployment option whose resource template the computes carry.
fn deployment_option(
    original: &Document,
    collection: &Collection,
    options: &Options,
) -> Option<String> {
    let used: Vec<&tern_model::CategoryId> = collection
        .resources()
        .iter()
        .flat_map(|r| &r.entity.mixins)
        .filter(|m| m.scheme() == extensions::RESOURCE_TEMPLATE_SCHEME)
        .collect();
    let mut scratch = extensions::catalogue(options.version);
    Envelope::read(original)
        .deployment_options
        .iter()
        .filter_map(|c| c.id.clone())
        .find(|config| {
            let template = extensions::resource_template(&mut scratch, config, None);
            used.contains(&&template)
        })
}

fn links_changed(before: &Resource, after: &Resource, out: &mut Vec<String>) {
    let ends = |r: &Resource| -> Vec<(String, String)> {
        r.links
            .iter()
            .map(|l| (l.entity.id.clone(), l.target.location.clone()))
            .collect()
    };
    if ends(before) != ends(after) {
        out.push(format!(
            "{}: links changed: not written back",
            after.entity.id
        ));
        return;
    }
    for (old, new) in before.links.iter().zip(&after.links) {
        if old.entity.attributes != new.entity.attributes || old.entity.mixins != new.entity.mixins
        {
            out.push(format!(
                "{}: attributes or mixins changed: not written back",
                new.entity.id
            ));
        }
    }
    if before.entity.mixins != after.entity.mixins {
        out.push(format!(
            "{}: mixins changed: not written back",
            after.entity.id
        ));
    }
}
