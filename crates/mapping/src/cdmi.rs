//! Where a disk's data lives in CDMI: the data object URL under a container, and the
//! object ID that names it in `occi.storagelink.deviceid` (GFD.224 §3.4.2).

use tern_cdmi::objectid::{DEFAULT_ENTERPRISE_NUMBER, ObjectId};

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
