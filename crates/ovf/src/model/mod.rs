//! Typed, read-only views of what OVF defines, extracted from a [`Document`]. Values keep
//! their original spelling (units, capacities, format URIs); positions point at the source.

mod content;
mod deployment;
mod envelope_sections;
mod external;
mod fields;
mod local_file;

pub use external::MAX_BUNDLE;
mod hardware;
mod product;

use serde::Serialize;
use tern_diag::Position;

pub use content::{Content, SectionRef, Sections, VirtualSystem, VirtualSystemCollection};
pub use deployment::{
    Combined, MAX_RESOLVED_OPTIONS, Resolved, ResolvedItem, Superseded, UnknownConfiguration,
    Unused, UnusedReason, resolve_items,
};
pub use envelope_sections::{
    Capacity, Compression, Configuration, Disk, DiskFormat, FileRef, MAX_CHUNK_NAMES, Network,
    Strings, classify_format,
};
pub use fields::ItemField;
pub use hardware::{Bound, Item, ItemKind, VirtualHardware, Vssd};
pub use local_file::{check_href, package_file};
pub use product::{
    Eula, Install, OperatingSystem, ProductEntry, ProductSection, Property, PropertyValue,
    StartupItem,
};

use crate::dialect::DialectInfo;
use crate::document::Document;
use crate::vocab;
use crate::xml::{ReadElement, Source};

/// A localisable message: text plus the optional `ovf:msgid` that Strings bundles translate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    /// The default text as written.
    pub text: String,
    /// The message id, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msgid: Option<String>,
}

/// The typed view of a whole descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope {
    /// Version, dialect and quirks.
    pub dialect: DialectInfo,
    /// `xml:lang` of the Envelope (the language of the default texts).
    pub lang: Option<String>,
    /// References/File, in document order.
    pub files: Vec<FileRef>,
    /// Whether a References element exists at all.
    pub has_references: bool,
    /// DiskSection/Disk, in document order.
    pub disks: Vec<Disk>,
    /// NetworkSection/Network.
    pub networks: Vec<Network>,
    /// DeploymentOptionSection/Configuration.
    pub deployment_options: Vec<Configuration>,
    /// The single top-level VirtualSystem or VirtualSystemCollection.
    pub content: Option<Content>,
    /// Strings bundles (inline or external).
    pub strings: Vec<Strings>,
    /// Envelope-level sections not modelled above.
    pub other_sections: Vec<SectionRef>,
}

impl Envelope {
    /// Extracts the typed view. Never fails: what is missing or malformed is left empty or
    /// kept raw for the validator to report.
    pub fn read(doc: &Document) -> Envelope {
        Envelope::read_from(doc.root(), doc)
    }

    /// [`Envelope::read`] over the compact read-only [`crate::Tree`]: the same view, at a
    /// fraction of the `Document`'s memory (for callers that only read).
    pub fn read_tree(tree: &crate::Tree) -> Envelope {
        Envelope::read_from(tree.root(), tree)
    }

    /// [`Envelope::read`] over any tree: `root` is its root element, `source` says where
    /// its elements are.
    pub(crate) fn read_from<'a, E: ReadElement<'a>>(root: E, source: &dyn Source<E>) -> Envelope {
        let dialect = DialectInfo::detect_from(root, source);
        let cx = Cx::new(source);
        let mut env = Envelope {
            dialect,
            lang: root
                .attribute(Some(crate::names::XML), "lang")
                .map(str::to_string),
            files: Vec::new(),
            has_references: false,
            disks: Vec::new(),
            networks: Vec::new(),
            deployment_options: Vec::new(),
            content: None,
            strings: Vec::new(),
            other_sections: Vec::new(),
        };
        for child in root.elements() {
            if vocab::is(child, "References") {
                env.has_references = true;
                env.files.extend(FileRef::read_all(&cx, child));
                continue;
            }
            if vocab::is(child, "Strings") {
                env.strings.push(Strings::read(&cx, child));
                continue;
            }
            if let Some(kind) = vocab::content_kind(child) {
                if env.content.is_none() {
                    env.content = Some(Content::read(&cx, child, kind));
                }
                continue;
            }
            match vocab::section_kind(child) {
                Some("DiskSection") if vocab::is_ovf(child) => env
                    .disks
                    .extend(vocab::children(child, "Disk").map(|d| Disk::read(&cx, d))),
                Some("NetworkSection") if vocab::is_ovf(child) => env
                    .networks
                    .extend(vocab::children(child, "Network").map(|n| Network::read(&cx, n))),
                Some("DeploymentOptionSection") if vocab::is_ovf(child) => {
                    env.deployment_options.extend(
                        vocab::children(child, "Configuration")
                            .map(|c| Configuration::read(&cx, c)),
                    );
                }
                _ => env.other_sections.push(SectionRef::read(&cx, child)),
            }
        }
        env
    }

    /// The text of `msg` in `lang` (from an inline Strings bundle), falling back to the
    /// default text. External bundles (`ovf:fileRef`) are not loaded here.
    pub fn localize<'a>(&'a self, msg: &'a Msg, lang: &str) -> &'a str {
        let Some(id) = msg.msgid.as_deref() else {
            return &msg.text;
        };
        let lang_matches = |bundle: &str| {
            bundle.eq_ignore_ascii_case(lang)
                || bundle
                    .split('-')
                    .next()
                    .is_some_and(|b| b.eq_ignore_ascii_case(lang.split('-').next().unwrap_or("")))
        };
        // An exact tag wins over a bundle for the same primary language.
        let exact = self.strings.iter().filter(|s| {
            s.lang
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(lang))
        });
        let loose = self
            .strings
            .iter()
            .filter(|s| s.lang.as_deref().is_some_and(lang_matches));
        exact
            .chain(loose)
            .find_map(|s| {
                s.messages
                    .iter()
                    .find(|(k, _)| k == id)
                    .map(|(_, v)| v.as_str())
            })
            .unwrap_or(&msg.text)
    }

    /// Every virtual system, depth first, with the ids of its enclosing collections.
    pub fn virtual_systems(&self) -> Vec<&VirtualSystem> {
        let mut out = Vec::new();
        if let Some(content) = &self.content {
            content.collect_systems(&mut out);
        }
        out
    }

    /// The default value of the property `key` (plain or `class.key.instance`), searched in
    /// every ProductSection of the descriptor.
    pub fn property_default(&self, key: &str) -> Option<String> {
        let mut sections: Vec<&ProductSection> = Vec::new();
        if let Some(content) = &self.content {
            content.collect_products(&mut sections);
        }
        sections.iter().find_map(|ps| {
            ps.properties()
                .find(|p| {
                    p.key
                        .as_deref()
                        .is_some_and(|k| k == key || ps.qualified_key(k) == key)
                })
                .map(|p| p.value.clone().unwrap_or_default())
        })
    }

    /// The id of the default deployment option (`ovf:default="true"`, else the first one).
    pub fn default_configuration(&self) -> Option<&str> {
        self.deployment_options
            .iter()
            .find(|c| c.default)
            .or(self.deployment_options.first())
            .and_then(|c| c.id.as_deref())
    }

    /// The ids of the declared deployment options, in document order.
    pub fn configuration_ids(&self) -> Vec<&str> {
        self.deployment_options
            .iter()
            .filter_map(|c| c.id.as_deref())
            .collect()
    }

    /// The deployment option to use: `requested` when the DeploymentOptionSection declares
    /// it, the default when nothing is requested (`None` when the descriptor declares no
    /// options). An undeclared name is an error that lists the declared ones.
    pub fn choose_configuration<'a>(
        &'a self,
        requested: Option<&str>,
    ) -> Result<Option<&'a str>, UnknownConfiguration> {
        let known = self.configuration_ids();
        match requested {
            None => Ok(self.default_configuration()),
            Some(name) => known
                .iter()
                .copied()
                .find(|k| *k == name)
                .map(Some)
                .ok_or_else(|| UnknownConfiguration {
                    name: name.to_owned(),
                    known: known.iter().map(|k| (*k).to_owned()).collect(),
                }),
        }
    }

    /// The File with `ovf:id` `id`.
    pub fn file(&self, id: &str) -> Option<&FileRef> {
        self.files.iter().find(|f| f.id.as_deref() == Some(id))
    }

    /// The Disk with `ovf:diskId` `id`.
    pub fn disk(&self, id: &str) -> Option<&Disk> {
        self.disks.iter().find(|d| d.disk_id.as_deref() == Some(id))
    }
}

/// The Files of the Envelope's References, without reading anything else.
pub(crate) fn references(doc: &Document) -> Vec<FileRef> {
    let cx = Cx::new(doc);
    doc.root()
        .elements()
        .filter(|e| vocab::is(*e, "References"))
        .flat_map(|r| FileRef::read_all(&cx, r).collect::<Vec<_>>())
        .collect()
}

/// Shared state of one extraction over a tree whose elements are `E`.
pub(crate) struct Cx<'c, E> {
    source: &'c dyn Source<E>,
}

impl<'c, E> Cx<'c, E> {
    pub(crate) fn new(source: &'c dyn Source<E>) -> Self {
        Cx { source }
    }

    pub(crate) fn pos(&self, e: E) -> Position {
        self.source.position(e)
    }
}

pub(crate) fn msg<'a>(e: impl ReadElement<'a>) -> Msg {
    Msg {
        text: e.text().trim().to_string(),
        msgid: vocab::attr(e, "msgid").map(str::to_string),
    }
}

pub(crate) fn child_msg<'a>(e: impl ReadElement<'a>, local: &str) -> Option<Msg> {
    vocab::child(e, local).map(msg)
}

pub(crate) fn attr_string<'a>(e: impl ReadElement<'a>, local: &str) -> Option<String> {
    vocab::attr(e, local).map(str::to_string)
}
