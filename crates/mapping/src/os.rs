//! CIM operating-system types (DSP1043 `CIM_OperatingSystem.OSType`) as data: names for
//! templates and the CPU architecture the type states.

use serde::Deserialize;

const TYPES: &str = include_str!("../data/cim-os-types.json");

/// One CIM OS type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CimOsType {
    /// The ValueMap code written in `OperatingSystemSection/@ovf:id`.
    pub id: u16,
    /// The CIM name, e.g. `Ubuntu 64-Bit`.
    pub name: String,
    /// `x86` or `x64` where the type states it.
    #[serde(default)]
    pub architecture: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(rename = "about")]
    _about: String,
    types: Vec<CimOsType>,
}

/// Every known CIM OS type, in code order.
#[allow(clippy::missing_panics_doc)] // the embedded table is checked by the tests
pub fn cim_os_types() -> Vec<CimOsType> {
    let doc: Document = serde_json::from_str(TYPES).expect("the built-in CIM OS table is valid");
    doc.types
}

/// The CIM OS type with code `id`.
pub fn cim_os_type(id: u16) -> Option<CimOsType> {
    cim_os_types().into_iter().find(|t| t.id == id)
}
