//! Disk formats a migration converts between, as OVF, qemu-img and file names spell them.

use serde::{Deserialize, Serialize};

/// A disk image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiskFormat {
    /// VMware's VMDK (written stream-optimized, the format OVF packages use).
    Vmdk,
    /// QEMU's copy-on-write format, version 2.
    Qcow2,
    /// The bytes of the disk, nothing else.
    Raw,
}

impl DiskFormat {
    /// Every format, in the order `--disk-format` lists them.
    pub const ALL: [DiskFormat; 3] = [DiskFormat::Vmdk, DiskFormat::Qcow2, DiskFormat::Raw];

    /// The name qemu-img (and `--disk-format`) uses.
    pub fn name(self) -> &'static str {
        match self {
            DiskFormat::Vmdk => "vmdk",
            DiskFormat::Qcow2 => "qcow2",
            DiskFormat::Raw => "raw",
        }
    }

    /// The `ovf:format` URI of a Disk in this format. OVF (DSP0243) names none; these are
    /// the ones packaging tools write (VMware's for VMDK, the QCOW specification's page for
    /// QCOW2; raw images have no customary URI, tern writes the qemu-img name's page).
    pub fn ovf_uri(self) -> &'static str {
        match self {
            DiskFormat::Vmdk => {
                "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"
            }
            DiskFormat::Qcow2 => "http://www.gnome.org/~markmc/qcow-image-format.html",
            DiskFormat::Raw => "https://www.qemu.org/docs/master/system/images.html#raw",
        }
    }

    /// The format an `ovf:format` URI names, when tern knows it.
    pub fn from_ovf_uri(uri: &str) -> Option<DiskFormat> {
        let lower = uri.to_ascii_lowercase();
        if lower.contains("vmdk") {
            Some(DiskFormat::Vmdk)
        } else if lower.contains("qcow") {
            Some(DiskFormat::Qcow2)
        } else if lower.ends_with("#raw") || lower.contains("/raw") {
            Some(DiskFormat::Raw)
        } else {
            None
        }
    }

    /// The format a file name's extension names, when tern knows it.
    pub fn from_file_name(name: &str) -> Option<DiskFormat> {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "vmdk" => Some(DiskFormat::Vmdk),
            "qcow2" | "qcow" => Some(DiskFormat::Qcow2),
            "raw" | "img" => Some(DiskFormat::Raw),
            _ => None,
        }
    }

    /// `name` with its extension replaced by this format's (added when it has none).
    pub fn rename(self, name: &str) -> String {
        let stem = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && !ext.contains('/') => stem,
            _ => name,
        };
        format!("{stem}.{}", self.name())
    }
}

impl std::fmt::Display for DiskFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for DiskFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DiskFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is no disk format (vmdk, qcow2 or raw)"))
    }
}

#[cfg(test)]
mod tests {
    use super::DiskFormat;

    #[test]
    fn formats_are_read_from_ovf_uris_and_file_names() {
        for f in DiskFormat::ALL {
            assert_eq!(DiskFormat::from_ovf_uri(f.ovf_uri()), Some(f));
            assert_eq!(DiskFormat::from_file_name(&f.rename("disk")), Some(f));
            assert_eq!(f.name().parse::<DiskFormat>(), Ok(f));
        }
        assert_eq!(DiskFormat::from_ovf_uri("urn:unknown"), None);
        assert_eq!(
            DiskFormat::Qcow2.rename("hadoop-system.vmdk"),
            "hadoop-system.qcow2"
        );
        assert_eq!(DiskFormat::Raw.rename("disk"), "disk.raw");
        assert!("vhd".parse::<DiskFormat>().is_err());
    }
}
