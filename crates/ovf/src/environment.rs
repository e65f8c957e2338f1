//! The OVF environment document (DSP8027 `ovf-env.xml`): what a guest reads at first boot,
//! built from ProductSection properties, their defaults and the values given at deployment.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{Content, Envelope, ProductSection, Property};

/// Why an environment could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvironmentError {
    /// The deployment option is not declared (the error lists the declared ones).
    #[error(transparent)]
    UnknownDeploymentOption(#[from] crate::model::UnknownConfiguration),
    /// The descriptor has no VirtualSystem with that id.
    #[error("no VirtualSystem or VirtualSystemCollection with id \"{0}\"")]
    NoEntity(String),
    /// A value was given for a key no ProductSection declares.
    #[error("no Property with key \"{0}\"")]
    UnknownProperty(String),
    /// A value does not fit the property's type.
    #[error("value \"{value}\" is not a valid {ty} for property \"{key}\"")]
    BadValue {
        /// Property key.
        key: String,
        /// Declared type.
        ty: String,
        /// The value.
        value: String,
    },
}

/// Builds `ovf-env.xml` for the entity `id` (default: the top-level Content). `values` maps
/// property keys (plain `key` or `class.key.instance`) to values; other properties get their
/// default for `configuration`. Properties of enclosing collections are included, and each
/// member of a collection appears as an `Entity` with its own properties.
pub fn environment(
    env: &Envelope,
    id: Option<&str>,
    configuration: Option<&str>,
    values: &BTreeMap<String, String>,
) -> Result<String, EnvironmentError> {
    let root = env
        .content
        .as_ref()
        .ok_or_else(|| EnvironmentError::NoEntity(id.unwrap_or("").to_string()))?;
    let mut chain = Vec::new();
    let target = match id {
        None => {
            chain.push(root);
            root
        }
        Some(id) => {
            find(root, id, &mut chain).ok_or_else(|| EnvironmentError::NoEntity(id.to_string()))?
        }
    };
    check_values(root, values)?;
    let config = env.choose_configuration(configuration)?;

    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\" xmlns:oe=\"http://schemas.dmtf.org/ovf/environment/1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" oe:id=\"{}\">",
        escape(target.id().unwrap_or(""))
    );
    out.push_str("  <PlatformSection>\n    <Kind>tern</Kind>\n");
    let _ = writeln!(out, "    <Version>{}</Version>", env!("CARGO_PKG_VERSION"));
    if let Some(lang) = &env.lang {
        let _ = writeln!(out, "    <Locale>{}</Locale>", escape(lang));
    }
    out.push_str("  </PlatformSection>\n");
    // The target sees its own properties and those of every enclosing collection.
    let mut visible: Vec<&ProductSection> = Vec::new();
    for c in &chain {
        visible.extend(c.sections().product.iter());
    }
    property_section(&mut out, "  ", &visible, config, values);
    if let Content::VirtualSystemCollection(c) = target {
        for member in &c.members {
            let _ = writeln!(
                out,
                "  <Entity oe:id=\"{}\">",
                escape(member.id().unwrap_or(""))
            );
            let own: Vec<&ProductSection> = member.sections().product.iter().collect();
            property_section(&mut out, "    ", &own, config, values);
            out.push_str("  </Entity>\n");
        }
    }
    out.push_str("</Environment>\n");
    Ok(out)
}

fn find<'a>(c: &'a Content, id: &str, chain: &mut Vec<&'a Content>) -> Option<&'a Content> {
    chain.push(c);
    if c.id() == Some(id) {
        return Some(c);
    }
    if let Content::VirtualSystemCollection(vsc) = c {
        for m in &vsc.members {
            if let Some(found) = find(m, id, chain) {
                return Some(found);
            }
        }
    }
    chain.pop();
    None
}

fn all_properties<'a>(c: &'a Content, out: &mut Vec<(&'a ProductSection, &'a Property)>) {
    for ps in &c.sections().product {
        out.extend(ps.properties().map(|p| (ps, p)));
    }
    if let Content::VirtualSystemCollection(vsc) = c {
        for m in &vsc.members {
            all_properties(m, out);
        }
    }
}

fn check_values(root: &Content, values: &BTreeMap<String, String>) -> Result<(), EnvironmentError> {
    let mut props = Vec::new();
    all_properties(root, &mut props);
    for (key, value) in values {
        let matching: Vec<&Property> = props
            .iter()
            .filter(|(ps, p)| {
                p.key
                    .as_deref()
                    .is_some_and(|k| k == key || ps.qualified_key(k) == *key)
            })
            .map(|(_, p)| *p)
            .collect();
        if matching.is_empty() {
            return Err(EnvironmentError::UnknownProperty(key.clone()));
        }
        for p in matching {
            let ty = p.ty.as_deref().unwrap_or("string");
            if !value_fits(ty, value) {
                return Err(EnvironmentError::BadValue {
                    key: key.clone(),
                    ty: ty.to_string(),
                    value: value.clone(),
                });
            }
        }
    }
    Ok(())
}

fn property_section(
    out: &mut String,
    indent: &str,
    sections: &[&ProductSection],
    config: Option<&str>,
    values: &BTreeMap<String, String>,
) {
    let mut entries = Vec::new();
    for ps in sections {
        for p in ps.properties() {
            let Some(key) = p.key.as_deref() else {
                continue;
            };
            let qualified = ps.qualified_key(key);
            let value = values
                .get(&qualified)
                .or_else(|| values.get(key))
                .map(String::as_str)
                .or_else(|| p.value_for(config))
                .unwrap_or("");
            entries.push((qualified, value.to_string()));
        }
    }
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}<PropertySection>");
    for (key, value) in entries {
        let _ = writeln!(
            out,
            "{indent}  <Property oe:key=\"{}\" oe:value=\"{}\"/>",
            escape(&key),
            escape(&value)
        );
    }
    let _ = writeln!(out, "{indent}</PropertySection>");
}

/// True when `value` is a valid literal of the OVF property type `ty`.
pub(crate) fn value_fits(ty: &str, value: &str) -> bool {
    match ty {
        "boolean" => matches!(value, "true" | "false" | "1" | "0" | "True" | "False"),
        "uint8" => value.parse::<u8>().is_ok(),
        "uint16" => value.parse::<u16>().is_ok(),
        "uint32" => value.parse::<u32>().is_ok(),
        "uint64" => value.parse::<u64>().is_ok(),
        "sint8" => value.parse::<i8>().is_ok(),
        "sint16" => value.parse::<i16>().is_ok(),
        "sint32" => value.parse::<i32>().is_ok(),
        "sint64" => value.parse::<i64>().is_ok(),
        "real32" | "real64" => value.parse::<f64>().is_ok(),
        _ => true,
    }
}

// Attribute escaping is also safe in content (tern-ovf's one escaper).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    crate::escape::attribute(value, &mut out);
    out
}
