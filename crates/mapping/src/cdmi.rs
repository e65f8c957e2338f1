//! Where a disk's data lives in CDMI: the data object URL under a container, and the
//! object ID that names it in `occi.storagelink.deviceid` (GFD.224 §3.4.2).

use tern_cdmi::objectid::{DEFAULT_ENTERPRISE_NUMBER, ObjectId};

/// tern's namespace for what OVF has no attribute for (the CDMI object ID on a File).
pub const TERN_OVF_NAMESPACE: &str = "http://schemas.tern.dev/ovf/1";

/// The `tern:objectID` of the References/File with `ovf:id` = `file_id`, if any.
pub(crate) fn file_object_id(doc: &tern_ovf::Document, file_id: &str) -> Option<String> {
    let references = doc
        .root()
        .elements()
        .find(|e| e.name().local == "References")?;
    let file = references.elements().find(|f| {
        f.name().local == "File"
            && f.attributes()
                .iter()
                .any(|a| a.name().local == "id" && a.value() == file_id)
    })?;
    file.attribute(Some(TERN_OVF_NAMESPACE), "objectID")
        .map(str::to_owned)
}

/// True for hrefs that already name a remote object (a CDMI data link).
pub(crate) fn is_remote(href: &str) -> bool {
    href.starts_with("http://") || href.starts_with("https://")
}

/// The data object URL of `href` under the container `base`.
pub(crate) fn data_object_url(base: &str, href: &str) -> String {
    if href.contains("://") {
        return href.to_owned(); // already absolute: the disk lives elsewhere
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        href.trim_start_matches("./")
    )
}

/// A CDMI object ID for the data object at `url`. Until a CDMI server assigns the real one,
/// it is derived from the URL (FNV-1a, 64 bits) so that repeated conversions agree.
pub(crate) fn object_id(enterprise: u32, url: &str) -> String {
    let enterprise = if enterprise == 0 {
        DEFAULT_ENTERPRISE_NUMBER
    } else {
        enterprise
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in url.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    ObjectId::new(enterprise, &hash.to_be_bytes())
        .map_or_else(|_| String::new(), |id| id.to_string())
}
