//! What the fuzz target checks, on stable: random and mutated inputs never panic, and any
//! accepted input round-trips byte for byte through every layer.

use proptest::prelude::*;
use tern_ovf::info::Info;
use tern_ovf::{Document, Envelope, ValidateOptions, validate};

fn exercise(data: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(doc) = Document::parse(data) {
        prop_assert_eq!(doc.to_bytes(), data);
        let env = Envelope::read(&doc);
        let _ = Info::new(&env).to_text();
        let _ = validate(&doc, &ValidateOptions::default());
    }
    Ok(())
}

fn corpus() -> Vec<Vec<u8>> {
    crate::own_samples()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let markup = prop::sample::select(vec![
        b"<".to_vec(),
        b">".to_vec(),
        b"&".to_vec(),
        b"&amp;".to_vec(),
        b"&#0;".to_vec(),
        b"]]>".to_vec(),
        b"<!--".to_vec(),
        b"\"".to_vec(),
        b"xmlns:x='u'".to_vec(),
        b"<Item>".to_vec(),
        b"</Item>".to_vec(),
        b"ovf:required=\"false\"".to_vec(),
        b"\xff".to_vec(),
        "\u{e9}".as_bytes().to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), markup).prop_map(|(a, b)| Mutation::Insert(a, b)),
        (any::<usize>(), 0usize..256).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
    ]
}

fn apply(mut data: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = data.len().max(1);
    match m {
        Mutation::Delete(at, n) => {
            let at = at % len;
            let end = (at + n).min(data.len());
            data.drain(at.min(end)..end);
        }
        Mutation::Insert(at, bytes) => {
            let at = at % (data.len() + 1);
            data.splice(at..at, bytes.iter().copied());
        }
        Mutation::Duplicate(at, n) => {
            let at = at % len;
            let end = (at + n).min(data.len());
            let chunk = data[at.min(end)..end].to_vec();
            data.splice(end..end, chunk);
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&data)?;
    }

    #[test]
    fn mutated_samples_never_panic_and_round_trip(
        index in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let samples = corpus();
        let mut data = samples[index % samples.len()].clone();
        for m in &mutations {
            data = apply(data, m);
        }
        exercise(&data)?;
    }
}
