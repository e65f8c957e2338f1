//! Which OVF a document is written in: the version, the exporter dialect and the quirks seen.

use serde::Serialize;

use crate::document::Document;
use crate::names;
use crate::node::{NameParts, NamespaceClass};
use crate::xml::{ReadElement, Source};

/// The dialect of a descriptor, from the Envelope namespace and the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Dialect {
    /// VMware's pre-standard OVF 0.9 (`http://www.vmware.com/schema/ovf/1/envelope`).
    Vmware09,
    /// DMTF OVF 1.x (`http://schemas.dmtf.org/ovf/envelope/1`).
    Dmtf1,
    /// DMTF OVF 2.x (`http://schemas.dmtf.org/ovf/envelope/2`).
    Dmtf2,
    /// VirtualBox "OVF 1.0" (its `ovf-1.0` export format, also Vagrant's `box.ovf`):
    /// envelope/1 with VirtualBox's vocabulary (`vbox:Machine`, `vbox:OSType`,
    /// `vbox:uuid`) or its hardware family `virtualbox-2.2`. Judged as DMTF 1.x.
    Virtualbox1,
    /// VirtualBox "OVF 2.0": envelope/2 with EPASD/SASD namespaces ending in `.xsd`.
    Virtualbox2,
    /// oVirt / virt-v2v: `.../envelope/1/` (trailing slash), `ovf:version="0.9"`.
    Ovirt,
    /// The root is not an OVF Envelope.
    Unknown,
}

/// A deviation from the plain dialect that a reader tolerates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Quirk {
    /// Sections written `<Section xsi:type="ovf:DiskSection_Type">` (0.9 style).
    XsiTypeSections,
    /// `InstanceId` instead of `InstanceID` (0.9 casing).
    InstanceIdCasing,
    /// OVF elements without a namespace (oVirt).
    UnqualifiedElements,
    /// EPASD/SASD namespaces with the VirtualBox `.xsd` suffix.
    XsdSuffixedNamespaces,
    /// OVF 2.x elements inside a 1.x envelope.
    Ovf2ElementsInOvf1,
    /// The XML declaration names an encoding other than the one the bytes are in (XenCenter
    /// declares `utf-16` over UTF-8 bytes).
    EncodingDeclaration(String),
}

/// Dialect, version and quirks of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DialectInfo {
    /// The dialect.
    pub dialect: Dialect,
    /// The Envelope namespace URI.
    pub namespace: Option<String>,
    /// The `ovf:version` attribute of the Envelope, if any.
    pub version: Option<String>,
    /// Tolerated deviations, in the order first seen.
    pub quirks: Vec<Quirk>,
}

impl Dialect {
    /// True for pre-standard dialects judged by their own (looser) rules.
    pub fn is_legacy(self) -> bool {
        matches!(self, Dialect::Vmware09 | Dialect::Ovirt)
    }

    /// A short human name.
    pub fn label(self) -> &'static str {
        match self {
            Dialect::Vmware09 => "VMware OVF 0.9",
            Dialect::Dmtf1 => "DMTF OVF 1.x",
            Dialect::Dmtf2 => "DMTF OVF 2.x",
            Dialect::Virtualbox1 => "VirtualBox OVF 1.0",
            Dialect::Virtualbox2 => "VirtualBox OVF 2.0",
            Dialect::Ovirt => "oVirt OVF",
            Dialect::Unknown => "not OVF",
        }
    }
}

impl DialectInfo {
    /// Detects the dialect of `doc`.
    pub fn detect(doc: &Document) -> DialectInfo {
        DialectInfo::detect_from(doc.root(), doc)
    }

    /// [`DialectInfo::detect`] over any tree.
    pub(crate) fn detect_from<'a, E: ReadElement<'a>>(
        root: E,
        source: &dyn Source<E>,
    ) -> DialectInfo {
        let namespace = root.name().namespace.as_deref().map(str::to_string);
        let version = root
            .attributes()
            .find(|(name, _)| name.local == "version" && name.class() == NamespaceClass::Ovf)
            .map(|(_, value)| value.to_string());
        let mut quirks = Vec::new();
        if let Some(encoding) = source.declaration().and_then(declared_encoding) {
            let lower = encoding.to_ascii_lowercase();
            let bytes = source.encoding();
            let agrees = if bytes.is_utf16() {
                matches!(lower.as_str(), "utf-16" | "utf16")
                    || lower == bytes.name().to_ascii_lowercase()
            } else {
                matches!(lower.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii")
            };
            if !agrees {
                quirks.push(Quirk::EncodingDeclaration(encoding));
            }
        }
        let is_envelope =
            root.name().local == "Envelope" && root.name().class() == NamespaceClass::Ovf;
        let mut dialect = if is_envelope {
            match namespace.as_deref() {
                Some(names::OVF_09) => Dialect::Vmware09,
                Some(names::OVF_1_OVIRT) => Dialect::Ovirt,
                Some(names::OVF_2) => Dialect::Dmtf2,
                _ => Dialect::Dmtf1,
            }
        } else {
            Dialect::Unknown
        };
        let mut virtualbox = false;
        if dialect != Dialect::Unknown {
            let scan = Scan {
                envelope_ns: namespace.as_deref().unwrap_or(""),
                vbox_names: source.may_use(names::VBOX),
            };
            source.walk(root, &mut |element| {
                scan.element(element, &mut quirks, &mut virtualbox)
            });
        }
        if dialect == Dialect::Dmtf2 && quirks.contains(&Quirk::XsdSuffixedNamespaces) {
            dialect = Dialect::Virtualbox2;
        }
        if dialect == Dialect::Dmtf1 && virtualbox {
            dialect = Dialect::Virtualbox1;
        }
        DialectInfo {
            dialect,
            namespace,
            version,
            quirks,
        }
    }
}

/// The encoding a declaration's content names.
fn declared_encoding(decl: &str) -> Option<String> {
    let rest = &decl[decl.find("encoding")? + "encoding".len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[quote.len_utf8()..];
    Some(body[..body.find(quote)?].to_string())
}

/// A name in a vendor namespace: its element's content says nothing of the dialect.
pub(crate) const VENDOR: u8 = 1;
/// A name that may show a quirk or VirtualBox's hand: its element is looked at closely.
pub(crate) const TELLING: u8 = 2;

/// What a name may tell of the dialect, found once when the name is made (a walk over
/// every element then passes most of them by after one comparison).
pub(crate) fn name_facts(parts: &NameParts, class: NamespaceClass) -> u8 {
    let ns = parts.namespace.as_deref();
    let local = parts.local.as_str();
    // One case for each check of `Scan::element`.
    let telling = matches!(local, "Section" | "Content")
        || match class {
            NamespaceClass::Unqualified => true,
            NamespaceClass::Item => matches!(ns, Some(names::EPASD_VBOX | names::SASD_VBOX)),
            NamespaceClass::Ovf => ns == Some(names::OVF_2),
            NamespaceClass::Rasd => local == "InstanceId",
            NamespaceClass::Vssd => matches!(local, "InstanceId" | "VirtualSystemType"),
            NamespaceClass::Other => ns == Some(names::VBOX),
        };
    let vendor = class == NamespaceClass::Other
        && ns.is_some_and(|n| names::KNOWN_VENDOR_NAMESPACES.contains(&n));
    (u8::from(vendor) * VENDOR) | (u8::from(telling) * TELLING)
}

/// What the walk for quirks knows of the whole document.
struct Scan<'s> {
    /// The envelope's namespace.
    envelope_ns: &'s str,
    /// Whether a name of the document may be in VirtualBox's namespace (else only the
    /// hardware family can tell VirtualBox wrote it, and no attribute list is searched).
    vbox_names: bool,
}

impl Scan<'_> {
    /// Records the quirks `element` shows, and in `virtualbox` whether VirtualBox wrote it
    /// (an element or attribute in its namespace, or the hardware family `virtualbox-*`);
    /// `false` when what lies under it says nothing of the dialect.
    fn element<'a>(
        &self,
        element: impl ReadElement<'a>,
        quirks: &mut Vec<Quirk>,
        virtualbox: &mut bool,
    ) -> bool {
        // Most elements tell nothing: their children are looked at, nothing else (unless
        // the document uses VirtualBox's namespace, whose attributes may be on any element).
        let facts = element.name().dialect_facts();
        if facts == 0 && (!self.vbox_names || *virtualbox) {
            return true;
        }
        let mut add = |q: Quirk| {
            if !quirks.contains(&q) {
                quirks.push(q);
            }
        };
        // The namespace's class, found when the name was read, spares comparing URIs as
        // strings on every element and attribute.
        let class = element.name().class();
        let ns = element.name().namespace.as_deref();
        match class {
            NamespaceClass::Unqualified => add(Quirk::UnqualifiedElements),
            NamespaceClass::Item if matches!(ns, Some(names::EPASD_VBOX | names::SASD_VBOX)) => {
                add(Quirk::XsdSuffixedNamespaces);
            }
            NamespaceClass::Ovf if ns == Some(names::OVF_2) && self.envelope_ns != names::OVF_2 => {
                add(Quirk::Ovf2ElementsInOvf1);
            }
            _ => {}
        }
        let local = element.name().local.as_str();
        if !*virtualbox {
            let vbox = |class: NamespaceClass, ns: Option<&str>| {
                class == NamespaceClass::Other && ns == Some(names::VBOX)
            };
            *virtualbox = (self.vbox_names
                && (vbox(class, ns)
                    || element
                        .attributes()
                        .any(|(name, _)| vbox(name.class(), name.namespace.as_deref()))))
                || (local == "VirtualSystemType"
                    && class == NamespaceClass::Vssd
                    && element.text().trim().starts_with("virtualbox-"));
        }
        if local == "InstanceId" && matches!(class, NamespaceClass::Rasd | NamespaceClass::Vssd) {
            add(Quirk::InstanceIdCasing);
        }
        if (local == "Section" || local == "Content")
            && element.attribute(Some(names::XSI), "type").is_some()
        {
            add(Quirk::XsiTypeSections);
        }
        // Vendor sections carry their own vocabulary (vbox:Machine is full of unqualified
        // VirtualBox elements); only OVF-family content says something about the dialect.
        facts & VENDOR == 0
    }
}
