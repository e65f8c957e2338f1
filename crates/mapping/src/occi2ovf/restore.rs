//! `occi2ovf --original`: the provider kept the OVF. Start from that envelope, write back
//! what changed on the OCCI side where tern-ovf can edit it, and list what it cannot; an
//! unchanged collection gives back the original bytes.

use tern_model::{Collection, Resource, Value};
use tern_ovf::Document;
use tern_ovf::edit;

use crate::ovf2occi::{self, Options};
use crate::property::PropertyId;

/// Applies the differences between `collection` and what `original` converts to. Returns the
/// changes that were not written back.
pub fn restore(
    original: &mut Document,
    collection: &Collection,
    options: &Options,
) -> Result<Vec<String>, ovf2occi::BridgeError> {
    let baseline = ovf2occi::ovf_to_occi(original, options)?.collection;
    let mut not_written = Vec::new();
    for r in collection.resources() {
        let Some(before) = baseline.resource(&r.entity.id) else {
            not_written.push(format!(
                "{}: not in the original envelope (export without --original to include it)",
                r.entity.id
            ));
            continue;
        };
        let system = r
            .entity
            .attributes
            .get("tern.ovf.system")
            .and_then(Value::as_str)
            .map(str::to_owned);
        for (name, value) in r.entity.attributes.iter() {
            // Provenance (which file the entity came from) is not a fact of the envelope.
            if name == "tern.ovf.envelope" || before.entity.attributes.get(name) == Some(value) {
                continue;
            }
            let written = match (name, system.as_deref(), value) {
                ("occi.compute.cores", Some(s), Value::Number(n)) => n
                    .as_i64()
                    .and_then(|c| u64::try_from(c).ok())
                    .is_some_and(|c| edit::set_cpus(original, Some(s), c).is_ok()),
                ("occi.compute.memory", Some(s), Value::Number(n)) => {
                    tern_units::Ratio::parse_decimal(n.as_str())
                        .and_then(|gib| {
                            tern_units::AllocationUnit::GIBIBYTE
                                .convert_whole(gib, &tern_units::AllocationUnit::BYTE)
                                .ok()
                        })
                        .is_some_and(|bytes| edit::set_memory(original, Some(s), bytes).is_ok())
                }
                ("occi.compute.hostname", Some(_), Value::String(h)) => {
                    edit::set_property(original, "hostname", h).is_ok()
                }
                (name, Some(_), value) if PropertyId::from_attribute(name).is_some() => {
                    PropertyId::from_attribute(name).is_some_and(|id| {
                        edit::set_property(original, &id.qualified_key(), &value.to_plain_string())
                            .is_ok()
                    })
                }
                _ => false,
            };
            if !written {
                not_written.push(format!(
                    "{}: {name} changed to {value}: not written back",
                    r.entity.id
                ));
            }
        }
        for (name, _) in before.entity.attributes.iter() {
            if name != "tern.ovf.envelope" && r.entity.attributes.get(name).is_none() {
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
