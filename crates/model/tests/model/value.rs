//! Values keep their lexical form; numbers parse as JSON and the text renderings write them.

use proptest::prelude::*;
use tern_model::{Number, Value};

#[test]
fn lexical_forms_survive() {
    for text in ["0", "2", "2.50", "-1", "1e9", "1.0E-3", ".5", "2."] {
        assert_eq!(Number::parse(text).unwrap().as_str(), text);
    }
    for bad in ["", ".", "-", "1e", "0x10", "1,5", " 1", "NaN", "inf"] {
        assert!(Number::parse(bad).is_none(), "{bad:?} is not a number");
    }
}

#[test]
fn json_round_trip_keeps_structure() {
    let json: serde_json::Value =
        serde_json::from_str(r#"{"b":[1,2.5,true,"x"],"a":{"z":null,"y":"v"}}"#).unwrap();
    let value = Value::from_json(&json).unwrap();
    // null has no OCCI value and is dropped; member order is kept.
    assert_eq!(
        value.to_json().to_string(),
        r#"{"b":[1,2.5,true,"x"],"a":{"y":"v"}}"#
    );
}

proptest! {
    #[test]
    fn integers_round_trip(n in any::<i64>()) {
        let number = Number::parse(&n.to_string()).unwrap();
        prop_assert_eq!(number.as_i64(), Some(n));
        prop_assert!(number.is_integer());
    }

    #[test]
    fn decimals_keep_their_text(int in 0u32..100_000, frac in "[0-9]{1,6}") {
        let text = format!("{int}.{frac}");
        let number = Number::parse(&text).unwrap();
        prop_assert_eq!(number.as_str(), text.as_str());
        prop_assert_eq!(number.as_i64(), None);
        let expected: f64 = text.parse().unwrap();
        prop_assert!((number.as_f64() - expected).abs() < f64::EPSILON * expected.max(1.0));
    }
}
