//! Namespace URIs of OVF and its companions. Elements are matched by URI, never by prefix.

/// VMware's pre-standard "OVF 0.9" envelope namespace.
pub const OVF_09: &str = "http://www.vmware.com/schema/ovf/1/envelope";
/// DMTF OVF 1.x envelope namespace.
pub const OVF_1: &str = "http://schemas.dmtf.org/ovf/envelope/1";
/// The oVirt/virt-v2v spelling of the 1.x namespace (trailing slash).
pub const OVF_1_OVIRT: &str = "http://schemas.dmtf.org/ovf/envelope/1/";
/// DMTF OVF 2.x envelope namespace.
pub const OVF_2: &str = "http://schemas.dmtf.org/ovf/envelope/2";
/// OVF environment (DSP8027) namespace.
pub const OVF_ENV: &str = "http://schemas.dmtf.org/ovf/environment/1";
/// CIM ResourceAllocationSettingData.
pub const RASD: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
/// CIM VirtualSystemSettingData.
pub const VSSD: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData";
/// CIM EthernetPortAllocationSettingData (OVF 2.x).
pub const EPASD: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData";
/// CIM StorageAllocationSettingData (OVF 2.x).
pub const SASD: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData";
/// VirtualBox's spelling of [`EPASD`] (with a `.xsd` suffix).
pub const EPASD_VBOX: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData.xsd";
/// VirtualBox's spelling of [`SASD`] (with a `.xsd` suffix).
pub const SASD_VBOX: &str =
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData.xsd";
/// CIM common types.
pub const CIM: &str = "http://schemas.dmtf.org/wbem/wscim/1/common";
/// XML Schema instance (`xsi:type`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The `xml:` prefix namespace (`xml:lang`).
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
/// VMware extensions (`vmw:Config`, `vmw:osType`...).
pub const VMW: &str = "http://www.vmware.com/schema/ovf";
/// VirtualBox extensions (`vbox:Machine`).
pub const VBOX: &str = "http://www.virtualbox.org/ovf/machine";

/// Vendor namespaces whose elements are known extensions: their content is not checked and
/// they are accepted without `ovf:required="false"`.
pub const KNOWN_VENDOR_NAMESPACES: &[&str] = &[
    VMW,
    VBOX,
    "http://schemas.citrix.com/ovf/envelope/1",
    "http://www.ovirt.org/ovf",
    "http://www.vmware.com/vcloud/v1",
    "http://www.vmware.com/vcloud/v1.5",
    "http://www.vmware.com/vcloud",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ProcessorAllocationSettingData",
];

/// True for any spelling of the OVF envelope namespace (0.9, 1.x, oVirt 1.x, 2.x).
pub fn is_ovf_namespace(uri: &str) -> bool {
    matches!(uri, OVF_09 | OVF_1 | OVF_1_OVIRT | OVF_2)
}

/// True for the RASD-like item namespaces (RASD, EPASD, SASD, with or without `.xsd`).
pub fn is_item_namespace(uri: &str) -> bool {
    matches!(uri, RASD | EPASD | SASD | EPASD_VBOX | SASD_VBOX)
}
