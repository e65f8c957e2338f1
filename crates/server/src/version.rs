//! Versions of what the server stores, as HTTP entity tags, and the preconditions that
//! compare them (RFC 9110 §13): `If-Match` (strong comparison) and `If-None-Match`.
//!
//! A version is a digest of the stored state a client can observe: equal states have equal
//! tags, so the tag is the same on every instance without a counter to keep in step, and any
//! change a write commits changes it. The comparison runs inside the write's transaction,
//! on the row the transaction read (and, on PostgreSQL, locked): a compare-and-set, so two
//! instances never both win a race on one version.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// The strong entity tag of a state given as parts (`"` + 32 hex digits + `"`).
pub(crate) fn tag(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update((p.len() as u64).to_be_bytes());
        hasher.update(p.as_bytes());
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(34);
    out.push('"');
    for b in &digest[..16] {
        let _ = write!(out, "{b:02x}");
    }
    out.push('"');
    out
}

/// Whether an `If-Match` header holds for the current tag (`None`: nothing there): `*`
/// matches any current state, a list matches when one of its strong tags is the current
/// one; weak tags (`W/"…"`) never match (strong comparison).
pub(crate) fn if_match_holds(header: &str, current: Option<&str>) -> bool {
    let Some(current) = current else {
        return false;
    };
    tags(header).any(|t| t == "*" || t == current)
}

/// Whether an `If-None-Match` header holds for the current tag: `*` holds when nothing is
/// there, a list when none of its tags (weak comparison) is the current one.
pub(crate) fn if_none_match_holds(header: &str, current: Option<&str>) -> bool {
    let Some(current) = current else {
        return true;
    };
    !tags(header).any(|t| t == "*" || t.trim_start_matches("W/") == current)
}

// The entity tags of a header value (a `*` or a comma-separated list).
fn tags(header: &str) -> impl Iterator<Item = &str> {
    header
        .split(',')
        .map(str::trim)
        .filter(|t| *t == "*" || t.ends_with('"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stable_and_tell_states_apart() {
        assert_eq!(tag(&["a", "b"]), tag(&["a", "b"]));
        assert_ne!(tag(&["ab", ""]), tag(&["a", "b"]));
        assert_eq!(tag(&["x"]).len(), 34);
    }

    #[test]
    fn if_match_compares_strongly() {
        let t = tag(&["x"]);
        assert!(if_match_holds(&t, Some(&t)));
        assert!(if_match_holds(&format!("\"other\", {t}"), Some(&t)));
        assert!(if_match_holds("*", Some(&t)));
        assert!(!if_match_holds("*", None));
        assert!(!if_match_holds(&t, None));
        assert!(!if_match_holds(&format!("W/{t}"), Some(&t)));
        assert!(!if_match_holds("\"stale\"", Some(&t)));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let t = tag(&["x"]);
        assert!(if_none_match_holds("*", None));
        assert!(!if_none_match_holds("*", Some(&t)));
        assert!(!if_none_match_holds(&format!("W/{t}"), Some(&t)));
        assert!(if_none_match_holds("\"stale\"", Some(&t)));
    }
}
