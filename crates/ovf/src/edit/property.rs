//! ProductSection properties: setting the default of a declared one, declaring a new one.

use super::tree::{self, Path};
use super::{EditError, element_at};
use crate::document::Document;
use crate::names;
use crate::node::{Element, Node};
use crate::vocab;

/// The property types DSP0243 defines (Table 6: CIM intrinsic types without qualifiers).
pub const PROPERTY_TYPES: &[&str] = &[
    "string", "boolean", "uint8", "sint8", "uint16", "sint16", "uint32", "sint32", "uint64",
    "sint64", "real32", "real64",
];

/// A Property to declare with [`add_property`].
///
/// ```
/// use tern_ovf::edit::NewProperty;
/// let mut p = NewProperty::new("dns.server", "string");
/// p.value = Some("10.0.0.53".into());
/// p.label = Some("DNS server".into());
/// p.user_configurable = true;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NewProperty {
    /// `ovf:key`.
    pub key: String,
    /// `ovf:type`, one of [`PROPERTY_TYPES`].
    pub ty: String,
    /// `ovf:value` (0.9: `ovf:defaultValue`), checked against the type; `None` writes none.
    pub value: Option<String>,
    /// The `Label` child.
    pub label: Option<String>,
    /// The `Description` child.
    pub description: Option<String>,
    /// `ovf:userConfigurable="true"` (0.9: `ovf:configurableByUser`).
    pub user_configurable: bool,
    /// `ovf:password="true"`.
    pub password: bool,
}

impl NewProperty {
    /// A property `key` of type `ty` with no value, label or description.
    pub fn new(key: impl Into<String>, ty: impl Into<String>) -> Self {
        NewProperty {
            key: key.into(),
            ty: ty.into(),
            ..NewProperty::default()
        }
    }
}

/// Sets the default value (`ovf:value`) of the property `key` (plain or `class.key.instance`)
/// in every ProductSection that declares it, checking the value against the property type.
/// A key no section declares is [`EditError::NoProperty`], which lists the declared ones.
pub fn set_property(doc: &mut Document, key: &str, value: &str) -> Result<(), EditError> {
    let declared = declared_properties(doc.root());
    let matches: Vec<&Declared> = declared
        .iter()
        .filter(|d| d.key == key || d.qualified == key)
        .collect();
    if matches.is_empty() {
        return Err(EditError::NoProperty {
            key: key.to_string(),
            known: declared.iter().map(|d| d.qualified.clone()).collect(),
        });
    }
    for d in &matches {
        if let Some(ty) = &d.ty {
            check_value(key, ty, value)?;
        }
    }
    let legacy = is_legacy(doc);
    let name = tree::ovf_attr_name(doc, "value");
    for d in matches {
        let p = tree::at_mut(doc, &d.path);
        // 0.9 files spell the default `ovf:defaultValue`.
        let keeps_legacy = vocab::attr(&*p, "defaultValue").is_some()
            || (legacy && vocab::attr(&*p, "value").is_none());
        let attr_name = if keeps_legacy {
            name.with_local("defaultValue")
        } else {
            name.clone()
        };
        p.set_attribute(attr_name, value);
    }
    Ok(())
}

/// Declares a property in the first ProductSection of the VirtualSystem or
/// VirtualSystemCollection `system` (by `ovf:id`; `None`: the first VirtualSystem), after its
/// last Category or Property. A system without a ProductSection gets one, after its last
/// section (the schema's place: Info, Name, sections, then members).
///
/// ```
/// use tern_ovf::{Document, edit};
/// let xml = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/ovf/minimal.ovf")).unwrap();
/// let mut doc = Document::parse(&xml).unwrap();
/// let mut p = edit::NewProperty::new("ntp", "string");
/// p.value = Some("pool.ntp.org".into());
/// edit::add_property(&mut doc, None, &p).unwrap();
/// let out = String::from_utf8(doc.to_bytes()).unwrap();
/// assert!(out.contains(r#"<Property ovf:key="ntp" ovf:type="string" ovf:value="pool.ntp.org"/>"#));
/// ```
pub fn add_property(
    doc: &mut Document,
    system: Option<&str>,
    property: &NewProperty,
) -> Result<(), EditError> {
    let key = property.key.as_str();
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return Err(EditError::BadKey(key.to_string()));
    }
    if !PROPERTY_TYPES.contains(&property.ty.as_str()) {
        return Err(EditError::BadType(property.ty.clone()));
    }
    if let Some(value) = &property.value
        && !crate::environment::value_fits(&property.ty, value)
    {
        return Err(EditError::BadNewValue {
            key: key.to_string(),
            ty: property.ty.clone(),
            value: value.clone(),
        });
    }
    let content = content_path(doc, system)?;
    let section = match product_section(element_at(doc, &content)) {
        Some(i) => {
            let mut p = content.clone();
            p.push(i);
            p
        }
        None => add_product_section(doc, &content),
    };
    if declared_properties(element_at(doc, &section))
        .iter()
        .any(|d| d.key == key && d.path.len() == 1)
    {
        return Err(EditError::DuplicateProperty(key.to_string()));
    }
    let element = property_element(doc, &section, property);
    let (at, indent) = {
        let s = element_at(doc, &section);
        let last_entry = s
            .children()
            .iter()
            .rposition(|c| {
                c.as_element()
                    .is_some_and(|e| vocab::is(e, "Property") || vocab::is(e, "Category"))
            })
            .or_else(|| s.children().iter().rposition(|c| c.as_element().is_some()));
        (
            last_entry.map_or(s.children().len(), |i| i + 1),
            tree::indent_of_children(s, "    "),
        )
    };
    tree::insert_element(tree::at_mut(doc, &section), at, element, &indent);
    Ok(())
}

// ---------------------------------------------------------------------------------------

/// A declared Property: where it is, its key (plain and qualified) and type.
struct Declared {
    path: Path,
    key: String,
    qualified: String,
    ty: Option<String>,
}

/// Every Property under `root` (paths relative to it), in document order.
fn declared_properties(root: &Element) -> Vec<Declared> {
    let sections = tree::find(root, &|e| {
        vocab::section_kind(e) == Some("ProductSection") && vocab::is_ovf(e)
    });
    let mut out = Vec::new();
    for (path, ps) in sections {
        let class = vocab::attr(ps, "class").unwrap_or("");
        let instance = vocab::attr(ps, "instance").unwrap_or("");
        for (i, child) in ps.children().iter().enumerate() {
            let Node::Element(p) = child else { continue };
            if !vocab::is(&**p, "Property") {
                continue;
            }
            let Some(k) = vocab::attr(&**p, "key") else {
                continue;
            };
            let qualified = [class, k, instance]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(".");
            let mut full = path.clone();
            full.push(i);
            out.push(Declared {
                path: full,
                key: k.to_string(),
                qualified,
                ty: vocab::attr(&**p, "type").map(str::to_string),
            });
        }
    }
    out
}

fn check_value(key: &str, ty: &str, value: &str) -> Result<(), EditError> {
    if crate::environment::value_fits(ty, value) {
        Ok(())
    } else {
        Err(EditError::BadValue {
            key: key.to_string(),
            ty: ty.to_string(),
            value: value.to_string(),
        })
    }
}

/// True for VMware's pre-standard 0.9 vocabulary (`ovf:defaultValue`,
/// `ovf:configurableByUser`, `<Section xsi:type=…>`).
fn is_legacy(doc: &Document) -> bool {
    doc.root().name().namespace.as_deref() == Some(names::OVF_09)
}

/// The VirtualSystem or VirtualSystemCollection with `ovf:id` `id`, else the first
/// VirtualSystem.
fn content_path(doc: &Document, id: Option<&str>) -> Result<Path, EditError> {
    let contents = tree::find(doc.root(), &|e| vocab::content_kind(e).is_some());
    let found = match id {
        Some(id) => contents
            .into_iter()
            .find(|(_, e)| vocab::attr(*e, "id") == Some(id)),
        None => contents
            .into_iter()
            .find(|(_, e)| vocab::content_kind(*e) == Some("VirtualSystem")),
    };
    found
        .map(|(p, _)| p)
        .ok_or_else(|| EditError::NoSystem(id.unwrap_or("(none in the descriptor)").to_string()))
}

/// The index of the first ProductSection among `content`'s children.
fn product_section(content: &Element) -> Option<usize> {
    content.children().iter().position(|c| {
        c.as_element()
            .is_some_and(|e| vocab::is_ovf(e) && vocab::section_kind(e) == Some("ProductSection"))
    })
}

/// Adds an empty ProductSection (with its Info) after the last section of `content`,
/// spelled like its sibling sections (`<Section xsi:type="ovf:ProductSection_Type">` in a
/// 0.9 file); returns its path.
fn add_product_section(doc: &mut Document, content: &[usize]) -> Path {
    let (section, at, indent) = {
        let c = element_at(doc, content);
        let children = c.children();
        let is_section =
            |e: &Element| vocab::section_kind(e).is_some() && vocab::content_kind(e).is_none();
        let sibling = c.elements().find(|e| is_section(e) && vocab::is_ovf(*e));
        let info = vocab::child(c, "Info").map(|i| i.name().clone());
        let template = info.unwrap_or_else(|| c.name().clone());
        let renamed = |local: &str| template.with_local(local);
        let mut section = match sibling {
            Some(s) if s.name().local == "Section" => {
                let xsi = s
                    .attributes()
                    .iter()
                    .find(|a| a.name().is(names::XSI, "type"))
                    .map(|a| (a.name().clone(), a.value().to_string()));
                let mut e = Element::new(s.name().clone());
                if let Some((name, value)) = xsi {
                    let prefix = value.split_once(':').map_or("", |(p, _)| p);
                    let ty = if prefix.is_empty() {
                        "ProductSection_Type".to_string()
                    } else {
                        format!("{prefix}:ProductSection_Type")
                    };
                    e.set_attribute(name, ty);
                }
                e
            }
            _ => Element::new(renamed("ProductSection")),
        };
        let indent = tree::indent_of_children(c, "  ");
        let mut info = Element::new(renamed("Info"));
        info.set_text("Information about the installed software");
        tree::insert_element(&mut section, 0, info, &format!("{indent}  "));
        let at = children
            .iter()
            .rposition(|n| n.as_element().is_some_and(is_section))
            .or_else(|| {
                children.iter().rposition(|n| {
                    n.as_element()
                        .is_some_and(|e| vocab::is(e, "Name") || vocab::is(e, "Info"))
                })
            })
            .map_or(children.len(), |i| i + 1);
        (section, at, indent)
    };
    let parent = tree::at_mut(doc, content);
    tree::insert_element(parent, at, section, &indent);
    // The section went at `at`, or at `at + 1` behind its indentation.
    let index = (at..parent.children().len())
        .find(|&i| matches!(parent.children()[i], Node::Element(_)))
        .unwrap_or(at);
    let mut path = content.to_vec();
    path.push(index);
    path
}

/// The `<Property>` element for `property` in `section`, named like its siblings.
fn property_element(doc: &Document, section: &[usize], property: &NewProperty) -> Element {
    let s = element_at(doc, section);
    let template = s
        .elements()
        .find(|e| vocab::is(*e, "Property") || vocab::is(*e, "Info"))
        .map_or_else(|| s.name().clone(), |e| e.name().clone());
    let named = |local: &str| template.with_local(local);
    let legacy = is_legacy(doc);
    let attr = |local: &str| tree::ovf_attr_name(doc, local);
    let mut e = Element::new(named("Property"));
    e.set_attribute(attr("key"), property.key.clone());
    e.set_attribute(attr("type"), property.ty.clone());
    if property.user_configurable {
        let local = if legacy {
            "configurableByUser"
        } else {
            "userConfigurable"
        };
        e.set_attribute(attr(local), "true");
    }
    if let Some(value) = &property.value {
        let local = if legacy { "defaultValue" } else { "value" };
        e.set_attribute(attr(local), value.clone());
    }
    if property.password {
        e.set_attribute(attr("password"), "true");
    }
    let indent = format!("{}  ", tree::indent_of_children(s, "    "));
    for (local, text) in [
        ("Label", &property.label),
        ("Description", &property.description),
    ] {
        if let Some(text) = text {
            let mut child = Element::new(named(local));
            child.set_text(text.clone());
            // After the last child element, before the closing indentation.
            let at = e
                .children()
                .iter()
                .rposition(|c| c.as_element().is_some())
                .map_or(0, |i| i + 1);
            tree::insert_element(&mut e, at, child, &indent);
        }
    }
    e
}
