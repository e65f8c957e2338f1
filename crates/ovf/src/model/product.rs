//! ProductSection (+ Category/Property), OperatingSystemSection, EulaSection, StartupSection
//! and InstallSection.

use serde::Serialize;
use tern_diag::Position;

use super::{Cx, Msg, attr_string, child_msg, msg};
use crate::names;
use crate::vocab;
use crate::xml::ReadElement;

/// A `ProductSection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductSection {
    /// `ovf:class` (property key namespace).
    pub class: Option<String>,
    /// `ovf:instance`.
    pub instance: Option<String>,
    /// Info.
    pub info: Option<Msg>,
    /// Product.
    pub product: Option<Msg>,
    /// Vendor.
    pub vendor: Option<Msg>,
    /// Version.
    pub version: Option<String>,
    /// FullVersion.
    pub full_version: Option<String>,
    /// ProductUrl.
    pub product_url: Option<String>,
    /// VendorUrl.
    pub vendor_url: Option<String>,
    /// AppUrl.
    pub app_url: Option<String>,
    /// Icon `ovf:fileRef`s.
    pub icons: Vec<String>,
    /// Categories and properties in document order (a Category heads the properties after it).
    pub entries: Vec<ProductEntry>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// One entry of the Category/Property sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "entry", rename_all = "kebab-case")]
pub enum ProductEntry {
    /// A Category heading.
    Category(Msg),
    /// A Property.
    Property(Property),
}

/// A `Property`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    /// `ovf:key`.
    pub key: Option<String>,
    /// `ovf:type`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// `ovf:qualifiers` (`MinLen(1) MaxLen(64)`, `ValueMap{...}`).
    pub qualifiers: Option<String>,
    /// `ovf:userConfigurable` (0.9: `ovf:configurableByUser`), default false.
    pub user_configurable: bool,
    /// `ovf:value` (0.9: `ovf:defaultValue`).
    pub value: Option<String>,
    /// `ovf:password="true"`.
    pub password: bool,
    /// Label.
    pub label: Option<Msg>,
    /// Description.
    pub description: Option<Msg>,
    /// Per-configuration `Value` elements.
    pub values: Vec<PropertyValue>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// A `Property/Value`: a default for some deployment options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyValue {
    /// `ovf:value`.
    pub value: Option<String>,
    /// `ovf:configuration`, split on whitespace.
    pub configuration: Vec<String>,
}

/// An `OperatingSystemSection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatingSystem {
    /// `ovf:id`: CIM_OperatingSystem.OSType.
    pub id: Option<String>,
    /// `ovf:version`.
    pub version: Option<String>,
    /// Description.
    pub description: Option<Msg>,
    /// `vmw:osType` (VMware guest id).
    pub vmw_os_type: Option<String>,
    /// `vbox:OSType` (VirtualBox guest id).
    pub vbox_os_type: Option<String>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// An `EulaSection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eula {
    /// License.
    pub license: Option<Msg>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// A `StartupSection/Item`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)] // The OVF attribute names in snake case.
pub struct StartupItem {
    pub id: Option<String>,
    pub order: Option<String>,
    pub start_delay: Option<String>,
    pub waiting_for_guest: Option<String>,
    pub stop_delay: Option<String>,
    pub start_action: Option<String>,
    pub stop_action: Option<String>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// An `InstallSection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Install {
    /// `ovf:initialBootStopDelay` in seconds.
    pub initial_boot_stop_delay: Option<String>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

impl ProductSection {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> ProductSection {
        let entries = e
            .elements()
            .filter(|c| vocab::is_ovf(*c))
            .filter_map(|c| match c.name().local.as_str() {
                "Category" => Some(ProductEntry::Category(msg(c))),
                "Property" => Some(ProductEntry::Property(Property::read(cx, c))),
                _ => None,
            })
            .collect();
        ProductSection {
            class: attr_string(e, "class"),
            instance: attr_string(e, "instance"),
            info: child_msg(e, "Info"),
            product: child_msg(e, "Product"),
            vendor: child_msg(e, "Vendor"),
            version: vocab::child_text(e, "Version"),
            full_version: vocab::child_text(e, "FullVersion"),
            product_url: vocab::child_text(e, "ProductUrl"),
            vendor_url: vocab::child_text(e, "VendorUrl"),
            app_url: vocab::child_text(e, "AppUrl"),
            icons: vocab::children(e, "Icon")
                .filter_map(|i| attr_string(i, "fileRef"))
                .collect(),
            entries,
            position: cx.pos(e),
        }
    }

    /// The properties, without the categories.
    pub fn properties(&self) -> impl Iterator<Item = &Property> {
        self.entries.iter().filter_map(|e| match e {
            ProductEntry::Property(p) => Some(p),
            ProductEntry::Category(_) => None,
        })
    }

    /// The full key of a property as seen by the guest: `class.key.instance` with the empty
    /// parts left out.
    pub fn qualified_key(&self, key: &str) -> String {
        let mut out = String::new();
        if let Some(class) = self.class.as_deref().filter(|c| !c.is_empty()) {
            out.push_str(class);
            out.push('.');
        }
        out.push_str(key);
        if let Some(instance) = self.instance.as_deref().filter(|i| !i.is_empty()) {
            out.push('.');
            out.push_str(instance);
        }
        out
    }
}

impl Property {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Property {
        let flag = |name| vocab::attr(e, name).and_then(vocab::boolean);
        Property {
            key: attr_string(e, "key"),
            ty: attr_string(e, "type"),
            qualifiers: attr_string(e, "qualifiers"),
            user_configurable: flag("userConfigurable")
                .or_else(|| flag("configurableByUser"))
                .unwrap_or(false),
            value: attr_string(e, "value").or_else(|| attr_string(e, "defaultValue")),
            password: flag("password").unwrap_or(false),
            label: child_msg(e, "Label"),
            description: child_msg(e, "Description"),
            values: vocab::children(e, "Value")
                .map(|v| PropertyValue {
                    value: attr_string(v, "value"),
                    configuration: vocab::attr(v, "configuration")
                        .map(|c| c.split_whitespace().map(str::to_string).collect())
                        .unwrap_or_default(),
                })
                .collect(),
            position: cx.pos(e),
        }
    }

    /// The default value for deployment option `config` (a matching `Value`, else `ovf:value`).
    pub fn value_for(&self, config: Option<&str>) -> Option<&str> {
        config
            .and_then(|c| {
                self.values
                    .iter()
                    .find(|v| v.configuration.iter().any(|x| x == c))
                    .and_then(|v| v.value.as_deref())
            })
            .or(self.value.as_deref())
    }
}

impl OperatingSystem {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> OperatingSystem {
        OperatingSystem {
            id: attr_string(e, "id"),
            version: attr_string(e, "version"),
            description: child_msg(e, "Description"),
            vmw_os_type: e.attribute(Some(names::VMW), "osType").map(str::to_string),
            vbox_os_type: e
                .elements()
                .find(|c| c.name().is(names::VBOX, "OSType"))
                .map(|c| c.text().trim().to_string()),
            position: cx.pos(e),
        }
    }
}

impl Eula {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Eula {
        Eula {
            license: child_msg(e, "License"),
            position: cx.pos(e),
        }
    }
}

impl StartupItem {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> StartupItem {
        let a = |name| attr_string(e, name);
        StartupItem {
            id: a("id"),
            order: a("order"),
            start_delay: a("startDelay"),
            waiting_for_guest: a("waitingForGuest"),
            stop_delay: a("stopDelay"),
            start_action: a("startAction"),
            stop_action: a("stopAction"),
            position: cx.pos(e),
        }
    }
}

impl Install {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> Install {
        Install {
            initial_boot_stop_delay: attr_string(e, "initialBootStopDelay"),
            position: cx.pos(e),
        }
    }
}
