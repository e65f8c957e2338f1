//! OVF → OCCI: one compute per VirtualSystem, a network per NetworkSection network, a
//! storage per Disk, links from the hardware items, template mixins; values through the
//! mapping rows, and a report of everything that found no row.

mod entities;
mod products;
mod report;
mod source;
mod unused;

use tern_model::{Catalogue, Collection, OcciVersion, ValidationErrors};
use tern_ovf::{Document, Envelope};

pub use report::{Report, Unmapped};
pub(crate) use source::Raw;
pub use unused::UnusedItem;

use crate::MappingTable;

/// What the conversion needs besides the descriptor.
#[derive(Debug, Clone)]
pub struct Options {
    /// The OCCI version to produce (1.1 keeps `speed`, 1.2 has `share`, `ssh_key`…).
    pub version: OcciVersion,
    /// Base URL of a CDMI container: each disk's data becomes a data object under it.
    pub cdmi_base: Option<String>,
    /// The deployment option to convert (default: the descriptor's default).
    pub deployment_option: Option<String>,
    /// Property values overriding the descriptor's defaults.
    pub properties: Vec<(String, String)>,
    /// Name of the original descriptor, recorded so `occi2ovf --original` can restore it.
    pub envelope_name: Option<String>,
    /// CDMI enterprise number for the object IDs of the disks' data objects.
    pub cdmi_enterprise: u32,
}

/// The result: the OCCI entities, the categories they use, and what was not mapped.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// Resources (owning their links) in document order: networks, storage, computes.
    pub collection: Collection,
    /// OCCI Infrastructure plus tern's mixins and the templates made from the descriptor.
    pub catalogue: Catalogue,
    /// OVF elements and attributes without a mapping, and notes.
    pub report: Report,
}

/// Why a descriptor cannot be converted.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BridgeError {
    /// The Envelope holds no VirtualSystem or VirtualSystemCollection.
    #[error("the envelope has no VirtualSystem or VirtualSystemCollection to convert")]
    NoContent,
    /// `--deployment-option` names no Configuration of the DeploymentOptionSection.
    #[error("deployment option `{name}` is not declared ({})", if known.is_empty() { "the descriptor declares none".to_owned() } else { format!("known: {}", known.join(", ")) })]
    UnknownDeploymentOption {
        /// The requested option.
        name: String,
        /// The declared ones.
        known: Vec<String>,
    },
    /// A value that the mapping cannot convert, at a position of the descriptor.
    #[error("{line}:{column}: {message}")]
    BadValue {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The produced entities fail the catalogue (a bug in the rows or the converter).
    #[error("the converted entities are not valid OCCI:\n{0}")]
    Invalid(ValidationErrors),
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: OcciVersion::V1_2,
            cdmi_base: None,
            deployment_option: None,
            properties: Vec::new(),
            envelope_name: None,
            cdmi_enterprise: 0,
        }
    }
}

/// Converts a parsed OVF descriptor into OCCI entities.
///
/// ```
/// use tern_mapping::ovf2occi::{ovf_to_occi, Options};
/// let xml = br#"<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
///     xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
///     xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
///   <References/>
///   <VirtualSystem ovf:id="vm"><Info>a VM</Info>
///     <VirtualHardwareSection><Info>hw</Info>
///       <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>
///         <rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
///     </VirtualHardwareSection>
///   </VirtualSystem>
/// </Envelope>"#;
/// let doc = tern_ovf::Document::parse(xml).unwrap();
/// let conversion = ovf_to_occi(&doc, &Options::default()).unwrap();
/// let vm = &conversion.collection.resources()[0];
/// assert_eq!(vm.entity.attributes.get("occi.compute.cores").unwrap().to_string(), "2");
/// ```
pub fn ovf_to_occi(doc: &Document, options: &Options) -> Result<Conversion, BridgeError> {
    let envelope = Envelope::read(doc);
    if envelope.content.is_none() {
        return Err(BridgeError::NoContent);
    }
    let config = choose_configuration(&envelope, options)?;
    let table = MappingTable::builtin();
    let mut catalogue = crate::extensions::catalogue(options.version);
    let cx = entities::Cx {
        doc,
        envelope: &envelope,
        options,
        config: config.as_deref(),
        table,
    };
    let mut collection = Collection::new();
    let mut report = Report::default();
    entities::build(&cx, &mut catalogue, &mut collection, &mut report)?;
    check(&catalogue, &collection, &mut report)?;
    let not_used = unused::NotUsed::of(&envelope, config.as_deref());
    report::unmapped(doc, table, &not_used, &mut report);
    Ok(Conversion {
        collection,
        catalogue,
        report,
    })
}

// Every entity must be valid OCCI. An attribute GFD.224 requires but OVF leaves to the
// importer (a NIC's MAC, when Address is absent) is reported, not invented; anything else
// is a defect of the rows or the converter.
fn check(
    catalogue: &Catalogue,
    collection: &Collection,
    report: &mut Report,
) -> Result<(), BridgeError> {
    let mut fatal = Vec::new();
    for resource in collection.resources() {
        let Err(errors) =
            catalogue.validate_resource(resource, tern_model::ValidationMode::Request)
        else {
            continue;
        };
        for error in errors.0 {
            if matches!(error, tern_model::ValidationError::MissingRequired { .. }) {
                report.note(
                    tern_ovf::Position::default(),
                    format!("{error}: the OVF leaves it to the provider"),
                );
            } else {
                fatal.push(error);
            }
        }
    }
    if fatal.is_empty() {
        Ok(())
    } else {
        Err(BridgeError::Invalid(ValidationErrors(fatal)))
    }
}

fn choose_configuration(
    envelope: &Envelope,
    options: &Options,
) -> Result<Option<String>, BridgeError> {
    envelope
        .choose_configuration(options.deployment_option.as_deref())
        .map(|c| c.map(str::to_owned))
        .map_err(|e| BridgeError::UnknownDeploymentOption {
            name: e.name,
            known: e.known,
        })
}
