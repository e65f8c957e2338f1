//! The hash maps and sets of names and values read from a document: foldhash under a
//! random seed (keyed, so crafted names do not collide, as DESIGN.md says of the other
//! readers), cheaper than SipHash on short names, and a new map costs no thread-local
//! lookup (std's `RandomState::new` reads one per map: a cost per element where a reader
//! makes a set per Item).

/// A hash map keyed with foldhash.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A hash set keyed with foldhash.
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
