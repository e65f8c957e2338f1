//! Dialect-tolerant name matching: any OVF envelope namespace (or none, for oVirt's
//! unqualified children), `xsi:type` sections, `InstanceId` casing, `.xsd` namespaces.
//! Generic over [`ReadElement`]: every tree is read by the same rules.

use crate::names;
use crate::node::{Name, NamespaceClass};
use crate::xml::ReadElement;

/// True when `e` is an element of the OVF vocabulary: in any OVF envelope namespace, or
/// unqualified (oVirt writes `References`, `Section`, `Item` without a namespace).
pub(crate) fn is_ovf<'a>(e: impl ReadElement<'a>) -> bool {
    is_ovf_name(e.name())
}

fn is_ovf_name(name: &Name) -> bool {
    name.is_ovf_or_unqualified()
}

/// True when `e` is the OVF element `local`.
pub(crate) fn is<'a>(e: impl ReadElement<'a>, local: &str) -> bool {
    let name = e.name();
    name.local == local && is_ovf_name(name)
}

/// The OVF attribute `local`: in any OVF namespace, else unqualified.
pub(crate) fn attr<'a>(e: impl ReadElement<'a>, local: &str) -> Option<&'a str> {
    let mut unqualified = None;
    for (name, value) in e.attributes() {
        if name.local != local {
            continue;
        }
        match name.class() {
            NamespaceClass::Ovf => return Some(value),
            NamespaceClass::Unqualified if unqualified.is_none() => unqualified = Some(value),
            _ => {}
        }
    }
    unqualified
}

/// The first OVF child element named `local`.
pub(crate) fn child<'a, E: ReadElement<'a>>(e: E, local: &str) -> Option<E> {
    e.elements().find(|c| is(*c, local))
}

/// All OVF child elements named `local`.
pub(crate) fn children<'a, E: ReadElement<'a>>(
    e: E,
    local: &'a str,
) -> impl Iterator<Item = E> + 'a {
    e.elements().filter(move |c| is(*c, local))
}

/// Trimmed text of the OVF child `local`.
pub(crate) fn child_text<'a>(e: impl ReadElement<'a>, local: &str) -> Option<String> {
    child(e, local).map(|c| c.text().trim().to_string())
}

/// The section kind of `e`: its local name (`DiskSection`), or for 0.9-style
/// `<Section xsi:type="ovf:DiskSection_Type">` the type name without `_Type`.
/// Elements outside the OVF vocabulary have a kind only if their name ends in `Section`.
pub(crate) fn section_kind<'a>(e: impl ReadElement<'a>) -> Option<&'a str> {
    let local = e.name().local.as_str();
    if (local == "Section" || local == "Content") && is_ovf(e) {
        let ty = e.attribute(Some(names::XSI), "type")?;
        let ty = ty.rsplit(':').next().unwrap_or(ty);
        return Some(ty.strip_suffix("_Type").unwrap_or(ty));
    }
    local.ends_with("Section").then_some(local)
}

/// The content kind of `e`: `VirtualSystem` or `VirtualSystemCollection`.
pub(crate) fn content_kind<'a>(e: impl ReadElement<'a>) -> Option<&'static str> {
    if !is_ovf(e) {
        return None;
    }
    let kind = match e.name().local.as_str() {
        "Content" => section_kind(e)?,
        other => other,
    };
    match kind {
        "VirtualSystem" => Some("VirtualSystem"),
        "VirtualSystemCollection" => Some("VirtualSystemCollection"),
        _ => None,
    }
}

/// True when `e` is an element describing a resource item field (RASD, EPASD, SASD, VSSD).
pub(crate) fn is_item_field<'a>(e: impl ReadElement<'a>) -> bool {
    is_field_name(e.name())
}

pub(crate) fn is_field_name(name: &Name) -> bool {
    name.is_field()
}

/// The text of the RASD/EPASD/SASD/VSSD child `local` of an item (or System); `InstanceID`
/// also matches the 0.9 casing `InstanceId`.
pub(crate) fn field<'a>(item: impl ReadElement<'a>, local: &str) -> Option<String> {
    item.elements()
        .find(|c| is_item_field(*c) && field_name_matches(&c.name().local, local))
        .map(|c| c.text().trim().to_string())
}

fn field_name_matches(actual: &str, wanted: &str) -> bool {
    actual == wanted || (wanted == "InstanceID" && actual == "InstanceId")
}

/// Parses an `xs:boolean` (`true`, `false`, `1`, `0`); oVirt writes `True`/`False`.
pub(crate) fn boolean(value: &str) -> Option<bool> {
    match value.trim() {
        "true" | "1" | "True" | "TRUE" => Some(true),
        "false" | "0" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// The `ovf:required` flag of `e` (default true).
pub(crate) fn required<'a>(e: impl ReadElement<'a>) -> bool {
    attr(e, "required").and_then(boolean).unwrap_or(true)
}
