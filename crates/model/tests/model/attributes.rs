//! Attribute storage: document order, replacement in place, and lookups that stay cheap on
//! entities with very many attributes.

use tern_model::{Attributes, Value};

#[test]
fn order_is_kept_and_replacement_keeps_the_position() {
    let mut a = Attributes::new();
    assert_eq!(a.insert("b", 1i64), None);
    assert_eq!(a.insert("a", 2i64), None);
    assert_eq!(a.insert("c", 3i64), None);
    assert_eq!(a.insert("a", "two"), Some(Value::from(2i64)));
    let names: Vec<&str> = a.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["b", "a", "c"]);
    assert_eq!(a.get("a"), Some(&Value::from("two")));
    assert_eq!(a.remove("b"), Some(Value::from(1i64)));
    assert_eq!(a.remove("b"), None);
    let names: Vec<&str> = a.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["a", "c"], "removal keeps the order of the others");
    assert_eq!(a.len(), 2);
}

#[test]
fn equality_follows_document_order() {
    let ab: Attributes = [("a", 1i64), ("b", 2i64)].into_iter().collect();
    let ba: Attributes = [("b", 2i64), ("a", 1i64)].into_iter().collect();
    assert_ne!(
        ab, ba,
        "two renderings in another order are different documents"
    );
    assert_eq!(ab, [("a", 1i64), ("b", 2i64)].into_iter().collect());
}

/// 200 000 attributes on one entity: with a list searched linearly, inserting them is
/// 2·10¹⁰ name comparisons (minutes even in release); with the index it is linear.
#[test]
fn two_hundred_thousand_attributes_insert_and_look_up_linearly() {
    const N: i64 = 200_000;
    let mut a = Attributes::new();
    for i in 0..N {
        assert_eq!(a.insert(format!("x.attr{i}"), i), None);
    }
    for i in (0..N).step_by(7) {
        assert_eq!(a.get(&format!("x.attr{i}")), Some(&Value::from(i)));
    }
    // Replacing every value keeps the order and the count.
    for i in 0..N {
        assert!(a.insert(format!("x.attr{i}"), "v").is_some());
    }
    assert_eq!(a.len(), 200_000);
    assert_eq!(a.iter().nth(199_999).map(|(n, _)| n), Some("x.attr199999"));
    let collected: Attributes = a.iter().map(|(n, v)| (n, v.clone())).collect();
    assert_eq!(collected, a);
}
