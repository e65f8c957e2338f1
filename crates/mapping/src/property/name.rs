//! Attribute names for ProductSection properties: which section (the VirtualSystem's own or
//! an enclosing VirtualSystemCollection's, its `ovf:class` and `ovf:instance`) and which key,
//! spelled as an OCCI 1.2 attribute name and read back exactly.
//!
//! ```text
//! tern.ovf.property.<key>                                  the system's section, no class or instance
//! tern.ovf.product.<class>.<instance>.<key>                the system's section with a class or instance
//! tern.ovf.vsc.<collection>.property.<key>                 an enclosing collection's section
//! tern.ovf.vsc.<collection>.product.<class>.<instance>.<key>
//! ```
//!
//! The key comes last and keeps its dots (`tern.ovf.property.network.address`); collection,
//! class and instance are one component each, `-` when empty. Characters an attribute name
//! cannot hold (and, inside a component, the dot and a leading `-`) are written `_xx`, the
//! lower-case hex of each UTF-8 byte; `_` stands for itself unless two lower-case hex digits
//! follow it, where it is written `_5f`. Only the canonical spelling is read back, so every
//! name has one meaning and every property one name.

use std::fmt::Write as _;

/// Which property of which ProductSection an attribute carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PropertyId {
    /// The `ovf:id` of the enclosing VirtualSystemCollection holding the section; `None`
    /// for the VirtualSystem's own sections.
    pub collection: Option<String>,
    /// The section's `ovf:class` (empty when absent).
    pub class: String,
    /// The section's `ovf:instance` (empty when absent).
    pub instance: String,
    /// The property's `ovf:key`.
    pub key: String,
}

const PREFIX: &str = "tern.ovf.";

impl PropertyId {
    /// The OCCI attribute carrying the property.
    ///
    /// ```
    /// use tern_mapping::property::PropertyId;
    /// let id = PropertyId {
    ///     collection: None,
    ///     class: "com.cisco.csr1000v".into(),
    ///     instance: "1".into(),
    ///     key: "login-password".into(),
    /// };
    /// assert_eq!(id.attribute(), "tern.ovf.product.com_2ecisco_2ecsr1000v.1.login-password");
    /// assert_eq!(PropertyId::from_attribute(&id.attribute()), Some(id));
    /// ```
    pub fn attribute(&self) -> String {
        let mut out = String::from(PREFIX);
        if let Some(collection) = &self.collection {
            out.push_str("vsc.");
            out.push_str(&component(collection));
            out.push('.');
        }
        if self.class.is_empty() && self.instance.is_empty() {
            out.push_str("property.");
        } else {
            let _ = write!(
                out,
                "product.{}.{}.",
                component(&self.class),
                component(&self.instance)
            );
        }
        out.push_str(&escape(&self.key, false));
        out
    }

    /// The property an attribute name carries; `None` for any other name (and for a name
    /// that is not in the canonical spelling).
    pub fn from_attribute(name: &str) -> Option<PropertyId> {
        let mut rest = name.strip_prefix(PREFIX)?;
        let mut collection = None;
        if let Some(after) = rest.strip_prefix("vsc.") {
            let (c, after) = after.split_once('.')?;
            collection = Some(uncomponent(c)?);
            rest = after;
        }
        let (class, instance, key) = if let Some(key) = rest.strip_prefix("property.") {
            (String::new(), String::new(), key)
        } else {
            let after = rest.strip_prefix("product.")?;
            let (class, after) = after.split_once('.')?;
            let (instance, key) = after.split_once('.')?;
            let (class, instance) = (uncomponent(class)?, uncomponent(instance)?);
            if class.is_empty() && instance.is_empty() {
                return None; // that section is spelled `property.`
            }
            (class, instance, key)
        };
        let id = PropertyId {
            collection,
            class,
            instance,
            key: unescape(key)?,
        };
        (id.attribute() == name).then_some(id)
    }

    /// The key as the guest sees it in the OVF environment: `class.key.instance` without
    /// the empty parts.
    pub fn qualified_key(&self) -> String {
        [
            self.class.as_str(),
            self.key.as_str(),
            self.instance.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(".")
    }
}

/// A collection id, class or instance as one name component.
pub(crate) fn component(text: &str) -> String {
    if text.is_empty() {
        "-".to_owned()
    } else {
        escape(text, true)
    }
}

fn uncomponent(text: &str) -> Option<String> {
    if text == "-" {
        Some(String::new())
    } else {
        unescape(text)
    }
}

// Characters kept as they are; inside a component the dot is escaped too, and so is a
// leading `-` (a lone `-` is the empty component).
fn escape(text: &str, in_component: bool) -> String {
    // Built from the end: whether `_` needs escaping depends on what follows it.
    let mut reversed: Vec<char> = Vec::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate().rev() {
        let plain = c.is_ascii_alphanumeric()
            || (c == '-' && !(in_component && i == 0))
            || (c == '.' && !in_component);
        if plain {
            reversed.push(c);
        } else if c == '_' && !hex_follows(&reversed) {
            reversed.push('_');
        } else {
            let mut bytes = [0u8; 4];
            for b in c.encode_utf8(&mut bytes).bytes().rev() {
                let hex = format!("_{b:02x}");
                reversed.extend(hex.chars().rev());
            }
        }
    }
    reversed.iter().rev().collect()
}

// True when the text already written after this point starts with two lower-case hex digits.
fn hex_follows(reversed: &[char]) -> bool {
    let n = reversed.len();
    n >= 2 && is_hex(reversed[n - 1]) && is_hex(reversed[n - 2])
}

fn is_hex(c: char) -> bool {
    c.is_ascii_digit() || ('a'..='f').contains(&c)
}

fn unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |j: usize| bytes.get(j).copied().map(char::from).filter(|&c| is_hex(c));
        if b == b'_'
            && let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2))
        {
            let value = u8::from_str_radix(&format!("{h}{l}"), 16).ok()?;
            out.push(value);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(collection: Option<&str>, class: &str, instance: &str, key: &str) -> PropertyId {
        PropertyId {
            collection: collection.map(str::to_owned),
            class: class.into(),
            instance: instance.into(),
            key: key.into(),
        }
    }

    #[test]
    fn common_keys_read_as_they_are() {
        for (id, name) in [
            (id(None, "", "", "hostname"), "tern.ovf.property.hostname"),
            (
                id(None, "", "", "network.address"),
                "tern.ovf.property.network.address",
            ),
            (id(None, "", "", "MGMT_KEY"), "tern.ovf.property.MGMT_KEY"),
            (
                id(None, "", "", "vCloud_ip_0"),
                "tern.ovf.property.vCloud_ip_0",
            ),
            (
                id(None, "vami", "WebServer", "ip0"),
                "tern.ovf.product.vami.WebServer.ip0",
            ),
            (
                id(None, "org.apache.hadoop", "", "hostname"),
                "tern.ovf.product.org_2eapache_2ehadoop.-.hostname",
            ),
            (
                id(Some("hadoop"), "", "", "cluster.name"),
                "tern.ovf.vsc.hadoop.property.cluster.name",
            ),
            (
                id(Some("vApp"), "", "x", "a b"),
                "tern.ovf.vsc.vApp.product.-.x.a_20b",
            ),
            // `_` before two hex digits, a leading `-` in a component, non-ASCII.
            (id(None, "", "", "ip_0a"), "tern.ovf.property.ip_5f0a"),
            (id(None, "-", "", "k"), "tern.ovf.product._2d.-.k"),
            (id(None, "", "", "café"), "tern.ovf.property.caf_c3_a9"),
        ] {
            assert_eq!(id.attribute(), name);
            assert_eq!(PropertyId::from_attribute(name), Some(id));
        }
    }

    #[test]
    fn other_and_non_canonical_names_are_not_properties() {
        for name in [
            "tern.ovf.system",
            "occi.compute.hostname",
            "tern.ovf.property_x",
            "tern.ovf.product.-.-.k",
            "tern.ovf.property.a_2eb",
            "tern.ovf.product.a.b",
            "tern.ovf.property._ff",
        ] {
            assert_eq!(PropertyId::from_attribute(name), None, "{name}");
        }
    }
}
