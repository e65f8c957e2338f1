//! What an export may fill in that the collection does not state: nothing, unless the caller
//! says so (`occi2ovf --default KEY=VALUE`). Every fact an importer would want and the
//! collection lacks is either left out and reported, or taken from here and reported.

/// Values for facts the collection does not state, by key (see [`Defaults::KEYS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Defaults {
    /// Virtual CPUs of a compute without `occi.compute.cores` (`cpus`).
    pub cpus: Option<u64>,
    /// Memory in bytes of a compute without `occi.compute.memory` (`memory`).
    pub memory: Option<u128>,
    /// Capacity in bytes of a storage without `occi.storage.size` (`disk-size`).
    pub disk_size: Option<u128>,
    /// `ovf:format` of a storage without `tern.ovf.disk.format` (`disk-format`).
    pub disk_format: Option<String>,
    /// Controller of a storage link without `tern.ovf.controller`: a CIM controller name
    /// and optionally its ResourceSubType, e.g. `scsi lsilogic` (`controller`).
    pub controller: Option<String>,
    /// ResourceSubType of a network interface without `tern.ovf.nic.model` (`nic-model`).
    pub nic_model: Option<String>,
    /// `vssd:VirtualSystemType` of a compute without `tern.ovf.system_type`
    /// (`system-type`).
    pub system_type: Option<String>,
    /// CIM OS type (DSP1043 code) of a compute without an OS template (`os`).
    pub os: Option<u16>,
    /// `ovf:id` of the VirtualSystemCollection when the computes state no common
    /// `tern.ovf.collection` (`collection`).
    pub collection: Option<String>,
}

/// A `KEY=VALUE` that is not a default an export knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DefaultError {
    /// No such key.
    #[error("`{key}` is not a default occi2ovf knows (known: {})", Defaults::KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "))]
    UnknownKey {
        /// The key given.
        key: String,
    },
    /// The value does not fit the key.
    #[error("{key}={value}: {message}")]
    BadValue {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// What is wrong.
        message: String,
    },
}

impl Defaults {
    /// The keys, with what each fills in.
    pub const KEYS: &'static [(&'static str, &'static str)] = &[
        (
            "cpus",
            "virtual CPUs of a compute without occi.compute.cores (e.g. 1)",
        ),
        (
            "memory",
            "memory of a compute without occi.compute.memory (bytes, or 512MiB, 4GiB…)",
        ),
        (
            "disk-size",
            "capacity of a storage without occi.storage.size (bytes, or 10GiB…)",
        ),
        (
            "disk-format",
            "ovf:format URI of a storage without tern.ovf.disk.format",
        ),
        (
            "controller",
            "controller of a disk without tern.ovf.controller: ide, scsi, sata… and a subtype (scsi lsilogic)",
        ),
        (
            "nic-model",
            "ResourceSubType of a NIC without tern.ovf.nic.model (E1000, VmxNet3…)",
        ),
        (
            "system-type",
            "VirtualSystemType of a compute without tern.ovf.system_type (vmx-13…)",
        ),
        (
            "os",
            "CIM OS type code of a compute without an OS template (DSP1043, e.g. 101)",
        ),
        (
            "collection",
            "ovf:id of the VirtualSystemCollection of computes without a common tern.ovf.collection",
        ),
    ];

    /// Sets `key` from its text.
    ///
    /// ```
    /// use tern_mapping::occi2ovf::Defaults;
    /// let mut d = Defaults::default();
    /// d.set("cpus", "2").unwrap();
    /// d.set("memory", "4GiB").unwrap();
    /// assert_eq!((d.cpus, d.memory), (Some(2), Some(4 << 30)));
    /// assert!(d.set("colour", "blue").is_err());
    /// ```
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), DefaultError> {
        let bad = |message: String| DefaultError::BadValue {
            key: key.to_owned(),
            value: value.to_owned(),
            message,
        };
        let text = || -> Result<String, DefaultError> {
            let t = value.trim();
            if t.is_empty() {
                Err(bad("the value is empty".into()))
            } else {
                Ok(t.to_owned())
            }
        };
        let size = || -> Result<u128, DefaultError> {
            match tern_ovf::edit::parse_size(value) {
                Ok(0) => Err(bad("a size must be positive".into())),
                Ok(bytes) => Ok(bytes),
                Err(e) => Err(bad(e.to_string())),
            }
        };
        match key {
            "cpus" => match value.trim().parse::<u64>() {
                Ok(n) if n > 0 => self.cpus = Some(n),
                _ => return Err(bad("not a positive whole number".into())),
            },
            "memory" => self.memory = Some(size()?),
            "disk-size" => self.disk_size = Some(size()?),
            "disk-format" => self.disk_format = Some(text()?),
            "controller" => {
                let t = text()?;
                let kind = t.split(' ').next().unwrap_or_default();
                if super::hardware::controller_type(kind).is_none() {
                    return Err(bad(format!(
                        "`{kind}` is not a controller: ide, scsi, sata, fc, iscsi, infiniband or other"
                    )));
                }
                self.controller = Some(t);
            }
            "nic-model" => self.nic_model = Some(text()?),
            "system-type" => self.system_type = Some(text()?),
            "os" => match value.trim().parse::<u16>() {
                Ok(code) => self.os = Some(code),
                Err(_) => return Err(bad("not a CIM OS type code (0–65535)".into())),
            },
            "collection" => self.collection = Some(text()?),
            _ => {
                return Err(DefaultError::UnknownKey {
                    key: key.to_owned(),
                });
            }
        }
        Ok(())
    }
}
