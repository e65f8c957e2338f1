//! VirtualSystem and (nested) VirtualSystemCollection with the sections they hold.

use serde::Serialize;
use tern_diag::Position;

use super::{
    Cx, Eula, Install, Item, Msg, OperatingSystem, ProductSection, StartupItem, VirtualHardware,
    attr_string, child_msg,
};
use crate::vocab;
use crate::xml::ReadElement;

/// The Content of an Envelope or a collection member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum Content {
    /// A single virtual machine.
    VirtualSystem(VirtualSystem),
    /// A collection of systems and collections (a vApp).
    VirtualSystemCollection(VirtualSystemCollection),
}

/// The sections that a VirtualSystem or VirtualSystemCollection may hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sections {
    /// ProductSections in document order.
    pub product: Vec<ProductSection>,
    /// OperatingSystemSection.
    pub operating_system: Option<OperatingSystem>,
    /// VirtualHardwareSections (several are allowed, told apart by id/type).
    pub hardware: Vec<VirtualHardware>,
    /// EulaSections.
    pub eula: Vec<Eula>,
    /// AnnotationSection/Annotation.
    pub annotation: Option<Msg>,
    /// StartupSection items.
    pub startup: Vec<StartupItem>,
    /// InstallSection.
    pub install: Option<Install>,
    /// ResourceAllocationSection items.
    pub resource_allocation: Vec<Item>,
    /// Sections not modelled above (vendor, 2.x placement, unknown).
    pub other: Vec<SectionRef>,
}

/// A section kept only by name (vendor extensions, unknown sections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRef {
    /// The section kind or element name (`vmw:BootOrderSection` is `BootOrderSection`).
    pub name: String,
    /// The namespace URI.
    pub namespace: Option<String>,
    /// `ovf:required` (default true).
    pub required: bool,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// A `VirtualSystem`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VirtualSystem {
    /// `ovf:id`.
    pub id: Option<String>,
    /// Info.
    pub info: Option<Msg>,
    /// Name.
    pub name: Option<Msg>,
    /// Its sections.
    pub sections: Sections,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

/// A `VirtualSystemCollection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VirtualSystemCollection {
    /// `ovf:id`.
    pub id: Option<String>,
    /// Info.
    pub info: Option<Msg>,
    /// Name.
    pub name: Option<Msg>,
    /// Its sections.
    pub sections: Sections,
    /// Members, in document order.
    pub members: Vec<Content>,
    /// Start tag position.
    #[serde(skip)]
    pub position: Position,
}

impl Content {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E, kind: &str) -> Content {
        let id = attr_string(e, "id");
        let info = child_msg(e, "Info");
        let name = child_msg(e, "Name");
        let position = cx.pos(e);
        let sections = Sections::read(cx, e);
        if kind == "VirtualSystem" {
            Content::VirtualSystem(VirtualSystem {
                id,
                info,
                name,
                sections,
                position,
            })
        } else {
            let members = e
                .elements()
                .filter_map(|c| vocab::content_kind(c).map(|k| Content::read(cx, c, k)))
                .collect();
            Content::VirtualSystemCollection(VirtualSystemCollection {
                id,
                info,
                name,
                sections,
                members,
                position,
            })
        }
    }

    /// `ovf:id`.
    pub fn id(&self) -> Option<&str> {
        match self {
            Content::VirtualSystem(v) => v.id.as_deref(),
            Content::VirtualSystemCollection(c) => c.id.as_deref(),
        }
    }

    /// The sections of this content.
    pub fn sections(&self) -> &Sections {
        match self {
            Content::VirtualSystem(v) => &v.sections,
            Content::VirtualSystemCollection(c) => &c.sections,
        }
    }

    pub(crate) fn collect_products<'a>(&'a self, out: &mut Vec<&'a ProductSection>) {
        out.extend(self.sections().product.iter());
        if let Content::VirtualSystemCollection(c) = self {
            for m in &c.members {
                m.collect_products(out);
            }
        }
    }

    pub(crate) fn collect_systems<'a>(&'a self, out: &mut Vec<&'a VirtualSystem>) {
        match self {
            Content::VirtualSystem(v) => out.push(v),
            Content::VirtualSystemCollection(c) => {
                for m in &c.members {
                    m.collect_systems(out);
                }
            }
        }
    }
}

impl Sections {
    fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, content: E) -> Sections {
        let mut s = Sections::default();
        for child in content.elements() {
            if vocab::content_kind(child).is_some()
                || vocab::is(child, "Info")
                || vocab::is(child, "Name")
            {
                continue;
            }
            let Some(kind) = vocab::section_kind(child) else {
                continue;
            };
            let ovf = vocab::is_ovf(child);
            match kind {
                "ProductSection" if ovf => s.product.push(ProductSection::read(cx, child)),
                "OperatingSystemSection" if ovf => {
                    s.operating_system = Some(OperatingSystem::read(cx, child));
                }
                "VirtualHardwareSection" if ovf => {
                    s.hardware.push(VirtualHardware::read(cx, child));
                }
                "EulaSection" if ovf => s.eula.push(Eula::read(cx, child)),
                "AnnotationSection" if ovf => s.annotation = child_msg(child, "Annotation"),
                "StartupSection" if ovf => s
                    .startup
                    .extend(vocab::children(child, "Item").map(|i| StartupItem::read(cx, i))),
                "InstallSection" if ovf => s.install = Some(Install::read(cx, child)),
                "ResourceAllocationSection" if ovf => s
                    .resource_allocation
                    .extend(child.elements().filter_map(|i| Item::read(cx, i))),
                _ => s.other.push(SectionRef::read(cx, child)),
            }
        }
        s
    }
}

impl SectionRef {
    pub(crate) fn read<'a, E: ReadElement<'a>>(cx: &Cx<'_, E>, e: E) -> SectionRef {
        SectionRef {
            name: vocab::section_kind(e)
                .unwrap_or(&e.name().local)
                .to_string(),
            namespace: e.name().namespace.as_deref().map(str::to_string),
            required: vocab::required(e),
            position: cx.pos(e),
        }
    }
}
