//! Dialect-tolerant name matching: any OVF envelope namespace (or none, for oVirt's
//! unqualified children), `xsi:type` sections, `InstanceId` casing, `.xsd` namespaces.

use crate::names;
use crate::node::Element;

/// True when `e` is an element of the OVF vocabulary: in any OVF envelope namespace, or
/// unqualified (oVirt writes `References`, `Section`, `Item` without a namespace).
pub(crate) fn is_ovf(e: &Element) -> bool {
    e.name()
        .namespace
        .as_deref()
        .is_none_or(names::is_ovf_namespace)
}

/// True when `e` is the OVF element `local`.
pub(crate) fn is(e: &Element, local: &str) -> bool {
    e.name().local == local && is_ovf(e)
}

/// The OVF attribute `local`: in any OVF namespace, else unqualified.
pub(crate) fn attr<'a>(e: &'a Element, local: &str) -> Option<&'a str> {
    let attrs = e.attributes();
    attrs
        .iter()
        .find(|a| {
            a.name.local == local
                && a.name
                    .namespace
                    .as_deref()
                    .is_some_and(names::is_ovf_namespace)
        })
        .or_else(|| {
            attrs
                .iter()
                .find(|a| a.name.local == local && a.name.namespace.is_none())
        })
        .map(|a| a.value.as_str())
}

/// The first OVF child element named `local`.
pub(crate) fn child<'a>(e: &'a Element, local: &str) -> Option<&'a Element> {
    e.elements().find(|c| is(c, local))
}

/// All OVF child elements named `local`.
pub(crate) fn children<'a>(e: &'a Element, local: &'a str) -> impl Iterator<Item = &'a Element> {
    e.elements().filter(move |c| is(c, local))
}

/// Trimmed text of the OVF child `local`.
pub(crate) fn child_text(e: &Element, local: &str) -> Option<String> {
    child(e, local).map(|c| c.text_ref().trim().to_string())
}

/// The section kind of `e`: its local name (`DiskSection`), or for 0.9-style
/// `<Section xsi:type="ovf:DiskSection_Type">` the type name without `_Type`.
/// Elements outside the OVF vocabulary have a kind only if their name ends in `Section`.
pub(crate) fn section_kind(e: &Element) -> Option<String> {
    let local = e.name().local.as_str();
    if (local == "Section" || local == "Content") && is_ovf(e) {
        let ty = e.attribute(Some(names::XSI), "type")?;
        let ty = ty.rsplit(':').next().unwrap_or(ty);
        return Some(ty.strip_suffix("_Type").unwrap_or(ty).to_string());
    }
    local.ends_with("Section").then(|| local.to_string())
}

/// The content kind of `e`: `VirtualSystem` or `VirtualSystemCollection`.
pub(crate) fn content_kind(e: &Element) -> Option<&'static str> {
    if !is_ovf(e) {
        return None;
    }
    let kind = match e.name().local.as_str() {
        "Content" => section_kind(e)?,
        other => other.to_string(),
    };
    match kind.as_str() {
        "VirtualSystem" => Some("VirtualSystem"),
        "VirtualSystemCollection" => Some("VirtualSystemCollection"),
        _ => None,
    }
}

/// True when `ns` is a namespace whose elements describe a resource item field.
pub(crate) fn is_item_field(e: &Element) -> bool {
    e.name()
        .namespace
        .as_deref()
        .is_some_and(|n| names::is_item_namespace(n) || n == names::VSSD)
}

/// The text of the RASD/EPASD/SASD/VSSD child `local` of an item (or System); `InstanceID`
/// also matches the 0.9 casing `InstanceId`.
pub(crate) fn field(item: &Element, local: &str) -> Option<String> {
    item.elements()
        .find(|c| is_item_field(c) && field_name_matches(&c.name().local, local))
        .map(|c| c.text_ref().trim().to_string())
}

/// All values of a repeatable item field (`Connection`, `HostResource`).
pub(crate) fn fields(item: &Element, local: &str) -> Vec<String> {
    item.elements()
        .filter(|c| is_item_field(c) && c.name().local == local)
        .map(|c| c.text_ref().trim().to_string())
        .collect()
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
pub(crate) fn required(e: &Element) -> bool {
    attr(e, "required").and_then(boolean).unwrap_or(true)
}
