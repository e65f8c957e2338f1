//! Ids and locations of the entities made from OVF (rows `compute.id`, `network.id`,
//! `storage.id`): the id `urn:ovf:<kind>:<name>`, the location `/<kind>/<name>`, where the
//! name is the OVF id percent-encoded (RFC 3986: everything but the unreserved characters),
//! so both are URIs even for `VM Network`, and the location is where
//! `Entity::location_or_default` puts the id when a rendering carries no location.

use std::fmt::Write as _;

/// The id of the `kind` entity made from the OVF id `ovf_id`.
pub(crate) fn urn(kind: &str, ovf_id: &str) -> String {
    format!("urn:ovf:{kind}:{}", encode(ovf_id))
}

/// The location of the `kind` entity made from the OVF id `ovf_id`.
pub(crate) fn location(kind: &str, ovf_id: &str) -> String {
    format!("/{kind}/{}", encode(ovf_id))
}

/// A row's `urn:ovf:<kind>:<ovf id>` (the OVF id verbatim) as an id and its location.
pub(crate) fn from_row(id: &str) -> (String, Option<String>) {
    match id
        .strip_prefix("urn:ovf:")
        .and_then(|rest| rest.split_once(':'))
    {
        Some((kind, ovf_id)) => (urn(kind, ovf_id), Some(location(kind, ovf_id))),
        None => (id.to_owned(), None),
    }
}

/// The OVF id in a `urn:ovf:<kind>:<name>` id.
pub(crate) fn ovf_id(id: &str) -> Option<String> {
    let (_, name) = id.strip_prefix("urn:ovf:")?.split_once(':')?;
    Some(decode(name))
}

/// `s` with every byte outside the unreserved set written `%XX`.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The inverse of [`encode`]; a `%` not followed by two hex digits stays as it is, and so
/// do escapes that do not decode to UTF-8.
pub(crate) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_uri_safe_and_come_back() {
        for name in [
            "vm",
            "VM Network",
            "a:b/c%d",
            "réseau",
            "hadoop-slave_1.2~x",
            "",
        ] {
            let id = urn("network", name);
            assert!(
                id["urn:ovf:network:".len()..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
                "{id}"
            );
            assert_eq!(ovf_id(&id).as_deref(), Some(name));
            assert_eq!(from_row(&format!("urn:ovf:network:{name}")).0, id);
        }
        assert_eq!(location("network", "VM Network"), "/network/VM%20Network");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
    }
}
