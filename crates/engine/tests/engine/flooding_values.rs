//! Similarity Flooding values: against the independent oracle
//! (`tests/oracle/sf_oracle.py`, output committed as `tests/oracle/sf_vectors.json`) to
//! 1e-9, and against the reference values of the notes (ICDE'02 Fig. 3 per policy and
//! formula; the OCCI values of Erbel et al.'s variant with their iteration counts).

use std::collections::HashMap;

use serde_json::Value as Json;
use tern_engine::flooding::{
    Coefficients, Flooding, FloodingConfig, Formula, LabelledGraph, Normalisation, Pcg,
    Termination, flood,
};

struct Case {
    name: String,
    g1: (LabelledGraph, Vec<String>),
    g2: (LabelledGraph, Vec<String>),
    config: FloodingConfig,
    iterations: usize,
    values: HashMap<String, f64>,
}

fn graph(
    j: &Json,
    classes: &mut HashMap<String, u32>,
    labels: &mut HashMap<String, u32>,
) -> (LabelledGraph, Vec<String>) {
    let intern = |map: &mut HashMap<String, u32>, s: &str| {
        let n = map.len() as u32;
        *map.entry(s.to_owned()).or_insert(n)
    };
    let nodes = j["nodes"].as_array().unwrap();
    let names: Vec<String> = nodes
        .iter()
        .map(|n| n[0].as_str().unwrap().to_owned())
        .collect();
    let cls = nodes
        .iter()
        .map(|n| intern(classes, n[1].as_str().unwrap()))
        .collect();
    let mut g = LabelledGraph::new(cls);
    for e in j["edges"].as_array().unwrap() {
        let pos = |s: &Json| names.iter().position(|n| n == s.as_str().unwrap()).unwrap();
        g.add_edge(
            pos(&e[0]),
            intern(labels, e[1].as_str().unwrap()),
            pos(&e[2]),
        );
    }
    (g, names)
}

fn config(j: &Json) -> FloodingConfig {
    let coefficients = match j["coefficients"].as_str().unwrap() {
        "erbel" => Coefficients::ErbelProduct,
        "product" => Coefficients::InverseProduct,
        _ => Coefficients::InverseAverage,
    };
    let formula = match j["formula"].as_str().unwrap() {
        "basic" => Formula::Basic,
        "A" => Formula::A,
        "B" => Formula::B,
        _ => Formula::C,
    };
    let normalisation = if j["normalisation"] == "global" {
        Normalisation::Global
    } else {
        Normalisation::PerClass
    };
    let t = &j["termination"];
    let termination = if t["rule"] == "no_decrease" {
        Termination::NoDecrease {
            epsilon: t["epsilon"].as_f64().unwrap(),
        }
    } else {
        Termination::Residual {
            epsilon: t["epsilon"].as_f64().unwrap(),
            min_iterations: t["min_iterations"].as_u64().unwrap() as usize,
        }
    };
    FloodingConfig {
        coefficients,
        formula,
        normalisation,
        termination,
        max_iterations: j["max_iterations"].as_u64().unwrap() as usize,
    }
}

fn cases() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/sf_vectors.json");
    let doc: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut classes = HashMap::new();
            let mut labels = HashMap::new();
            Case {
                name: c["name"].as_str().unwrap().to_owned(),
                g1: graph(&c["graph1"], &mut classes, &mut labels),
                g2: graph(&c["graph2"], &mut classes, &mut labels),
                config: config(&c["config"]),
                iterations: c["iterations"].as_u64().unwrap() as usize,
                values: c["values"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_f64().unwrap()))
                    .collect(),
            }
        })
        .collect()
}

fn run(case: &Case) -> (Flooding, HashMap<String, f64>) {
    let pcg = Pcg::build(&case.g1.0, &case.g2.0);
    let result = flood(&case.g1.0, &case.g2.0, &pcg, &case.config);
    let named = result
        .pairs
        .iter()
        .zip(&result.values)
        .map(|(&(a, b), &v)| (format!("{},{}", case.g1.1[a], case.g2.1[b]), v))
        .collect();
    (result, named)
}

#[test]
fn values_agree_with_the_independent_oracle() {
    let cases = cases();
    assert!(cases.len() > 50);
    for case in &cases {
        let (result, named) = run(case);
        assert_eq!(
            named.len(),
            case.values.len(),
            "{} {:?}: pair count",
            case.name,
            case.config
        );
        for (pair, expected) in &case.values {
            let got = named[pair];
            assert!(
                (got - expected).abs() <= 1e-9,
                "{} {:?}: {pair} = {got}, oracle {expected}",
                case.name,
                case.config
            );
        }
        // The one-sided 1e-22 stop of Erbel et al. reacts to the last bits of rounding (it
        // stops at the first step where no value moves down by even one ulp), and the oracle
        // sums in another order: a few steps of difference are expected there (D→E: 420 vs
        // 423). Their exact counts are checked against the authors' own in the next test,
        // where we sum in their order.
        let slack = if matches!(case.config.termination, Termination::NoDecrease { .. }) {
            5
        } else {
            0
        };
        assert!(
            result.iterations.abs_diff(case.iterations) <= slack,
            "{} {:?}: {} iterations, oracle {}",
            case.name,
            case.config,
            result.iterations,
            case.iterations
        );
    }
}

fn erbel_case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name && c.config.coefficients == Coefficients::ErbelProduct)
        .unwrap()
}

#[test]
fn erbel_variant_reproduces_the_occi_reference_values() {
    // Notes §4.3: pairs (runtime, target), values and iteration counts of the authors' code.
    type Expected<'a> = (&'a str, usize, &'a [(&'a str, f64)]);
    let expected: [Expected<'_>; 3] = [
        (
            "occi-A-B",
            41,
            &[
                ("vm0,vm0", 1.0),
                ("stor0,stor0", 1.0),
                ("vm0,vm1", 0.333_333_333_333),
                ("nw0,nw0", 1.0),
            ],
        ),
        (
            "occi-B-C",
            48,
            &[
                ("vm1,vm1", 0.2),
                ("nw0,nw0", 1.0),
                ("vm1,vm0", 0.2),
                ("vm0,vm1", 1.0),
                ("stor0,stor1", 1.0),
                ("vm0,vm0", 1.0),
                ("stor0,stor0", 1.0),
            ],
        ),
        (
            "occi-E-E",
            276,
            &[
                ("vm1,vm1", 1.0),
                ("nw0,nw0", 1.0),
                ("nw0,nw1", 0.5),
                ("vm1,vm0", 0.5),
                ("nw1,nw0", 0.5),
                ("nw1,nw1", 0.25),
                ("stor1,stor1", 1.0),
                ("stor1,stor0", 0.5),
                ("vm0,vm1", 0.5),
                ("stor0,stor1", 0.5),
                ("vm0,vm0", 0.25),
                ("stor0,stor0", 0.25),
            ],
        ),
    ];
    for (name, iterations, values) in expected {
        let case = erbel_case(name);
        let (result, named) = run(&case);
        assert_eq!(result.iterations, iterations, "{name}: iterations");
        assert_eq!(named.len(), values.len(), "{name}: vertices");
        for (pair, v) in values {
            assert!(
                (named[*pair] - v).abs() < 1e-9,
                "{name}: {pair} = {}, expected {v}",
                named[*pair]
            );
        }
    }
}

#[test]
fn icde_figure_3_values_per_policy_and_formula() {
    // Notes §2.3 (6 decimals): (a,b), (a2,b1), (a1,b2), (a1,b1), (a1,b), (a2,b2).
    let table: [(Coefficients, Formula, [f64; 6]); 8] = [
        (
            Coefficients::InverseProduct,
            Formula::Basic,
            [1.0, 0.923880, 0.707107, 0.382683, 0.000415, 0.000415],
        ),
        (
            Coefficients::InverseProduct,
            Formula::A,
            [1.0, 0.903267, 0.760507, 0.599382, 0.665510, 0.665510],
        ),
        (
            Coefficients::InverseProduct,
            Formula::B,
            [1.0, 0.821643, 0.580129, 0.318452, 0.467266, 0.467266],
        ),
        (
            Coefficients::InverseProduct,
            Formula::C,
            [1.0, 0.848815, 0.660582, 0.463761, 0.603785, 0.603785],
        ),
        (
            Coefficients::InverseAverage,
            Formula::Basic,
            [1.0, 0.942809, 0.666667, 0.471405, 0.000298, 0.000298],
        ),
        (
            Coefficients::InverseAverage,
            Formula::A,
            [1.0, 0.936085, 0.749938, 0.645595, 0.632259, 0.632259],
        ),
        (
            Coefficients::InverseAverage,
            Formula::B,
            [1.0, 0.883580, 0.572692, 0.405401, 0.436884, 0.436884],
        ),
        (
            Coefficients::InverseAverage,
            Formula::C,
            [1.0, 0.900786, 0.655135, 0.526978, 0.583498, 0.583498],
        ),
    ];
    let pairs = ["a,b", "a2,b1", "a1,b2", "a1,b1", "a1,b", "a2,b2"];
    let mut case = erbel_case("icde-fig3");
    for (coefficients, formula, values) in table {
        case.config = FloodingConfig {
            coefficients,
            formula,
            normalisation: Normalisation::Global,
            termination: Termination::Residual {
                epsilon: 1e-4,
                min_iterations: 0,
            },
            max_iterations: 100,
        };
        let (_, named) = run(&case);
        for (pair, v) in pairs.iter().zip(values) {
            assert!(
                (named[*pair] - v).abs() < 5e-7,
                "{coefficients:?}/{formula:?}: {pair} = {}, expected {v}",
                named[*pair]
            );
        }
    }
    // Erbel's variant on the same graphs: 28 steps.
    let case = erbel_case("icde-fig3");
    let (result, named) = run(&case);
    assert_eq!(result.iterations, 28);
    let expected = [
        ("a,b", 1.0),
        ("a2,b1", 1.0),
        ("a1,b", 0.75),
        ("a2,b2", 0.75),
        ("a1,b1", 0.5),
        ("a1,b2", 0.5),
    ];
    for (pair, v) in expected {
        assert!((named[pair] - v).abs() < 1e-9, "{pair}");
    }
}

/// Building the PCG with the identity pins applied as it goes gives exactly the graph that
/// building it whole and then pinning gives (same pairs and edges, same order), so the
/// mixed strategy's results stay those of the authors' code while its memory follows what
/// is kept.
#[test]
fn building_pinned_is_building_then_pinning() {
    use tern_engine::flooding::{LabelledGraph, Pcg};
    let mut seed = 7u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize % n
    };
    for _ in 0..200 {
        let graph = |next: &mut dyn FnMut(usize) -> usize| {
            let n = 2 + next(8);
            let mut g = LabelledGraph::new((0..n).map(|_| next(2) as u32).collect());
            for _ in 0..next(12) {
                g.add_edge(next(n), next(3) as u32, next(n));
            }
            g
        };
        let (g1, g2) = (graph(&mut next), graph(&mut next));
        let mut pins = Vec::new();
        for a in 0..g1.len() {
            let b = next(g2.len() + 3);
            if b < g2.len() && !pins.iter().any(|&(_, y)| y == b) {
                pins.push((a, b));
            }
        }
        let mut whole = Pcg::build(&g1, &g2);
        whole.pin(&pins);
        let pinned = Pcg::build_pinned(&g1, &g2, &pins);
        assert_eq!(whole.pairs(), pinned.pairs());
        assert_eq!(whole.edges(), pinned.edges());
    }
}
