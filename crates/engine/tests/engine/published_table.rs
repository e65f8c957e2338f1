//! The data-driven table: every strategy × every ordered pair of A–E × {ids kept, ids
//! changed} × {titled, untitled}, against the expected correctness per cell.
//!
//! Expected values for identity, similarity and mixed with titles are Table 2 as
//! reconstructed in the reference notes (§4.2) from the authors' code; tern must get every
//! cell right.

use tern_engine::{Strategy, Topology, match_topologies};

use crate::support::{TOPOLOGIES, judge, topology, variant};

// Rows: runtime A–E; columns: target A–E. `1` = the matching is exactly the truth.
const COMPLEX: [&str; 5] = ["11010", "11010", "00000", "11010", "00101"];
const MIXED_IDS_CHANGED: [&str; 5] = ["11110", "11110", "11111", "11110", "11111"];
// Correct pairs per cell for Complex (from the same table: "correct / present").
const COMPLEX_CORRECT: [[usize; 5]; 5] = [
    [3, 3, 1, 3, 1],
    [3, 4, 1, 4, 1],
    [2, 3, 3, 3, 1],
    [3, 4, 1, 5, 2],
    [1, 1, 5, 2, 6],
];
const MIXED_CORRECT: [[usize; 5]; 5] = [
    [3, 3, 3, 3, 1],
    [3, 4, 4, 4, 3],
    [3, 4, 5, 4, 5],
    [3, 4, 4, 5, 4],
    [3, 4, 5, 5, 6],
];

fn run(
    strategy: &Strategy,
    runtime: &str,
    target: &str,
    ids_changed: bool,
    titled: bool,
) -> crate::support::Verdict {
    let rt = variant(&topology(runtime), false, titled);
    let tg = variant(&topology(target), ids_changed, titled);
    let (r, t) = (Topology::new(&rt), Topology::new(&tg));
    let m = match_topologies(&r, &t, strategy);
    let pairs: Vec<(String, String)> = m
        .resources
        .iter()
        .map(|p| {
            (
                r.resource(p.runtime).entity.id.clone(),
                t.resource(p.target).entity.id.clone(),
            )
        })
        .collect();
    judge(&rt, &tg, &pairs)
}

fn letters() -> impl Iterator<Item = (usize, &'static str)> {
    TOPOLOGIES.iter().map(|(l, _)| *l).enumerate()
}

fn table(strategy: &Strategy, ids_changed: bool, titled: bool) -> Vec<String> {
    letters()
        .map(|(_, r)| {
            letters()
                .map(|(_, t)| {
                    if run(strategy, r, t, ids_changed, titled).ok() {
                        '1'
                    } else {
                        '0'
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn similarity_flooding_alone_reproduces_the_published_table() {
    let strategy = "similarity".parse::<Strategy>().unwrap();
    for ids_changed in [false, true] {
        for titled in [true, false] {
            // Flooding never reads ids or titles: every variant gives the same table.
            assert_eq!(
                table(&strategy, ids_changed, titled),
                COMPLEX,
                "ids changed {ids_changed}, titled {titled}"
            );
        }
    }
    for (i, r) in letters() {
        for (j, t) in letters() {
            let v = run(&strategy, r, t, true, true);
            assert_eq!(v.correct, COMPLEX_CORRECT[i][j], "{r}→{t}: {v:?}");
        }
    }
}

#[test]
fn mixed_reproduces_the_published_table_with_every_id_changed() {
    let strategy = "mixed".parse::<Strategy>().unwrap();
    assert_eq!(table(&strategy, true, true), MIXED_IDS_CHANGED);
    for (i, r) in letters() {
        for (j, t) in letters() {
            let v = run(&strategy, r, t, true, true);
            assert_eq!(v.correct, MIXED_CORRECT[i][j], "{r}→{t}: {v:?}");
        }
    }
}

#[test]
fn mixed_and_identity_get_everything_right_when_ids_are_kept() {
    for name in ["mixed", "identity"] {
        let strategy = name.parse::<Strategy>().unwrap();
        for titled in [true, false] {
            assert_eq!(
                table(&strategy, false, titled),
                ["11111"; 5],
                "{name}, titled {titled}"
            );
        }
    }
}

#[test]
fn identity_matches_nothing_when_every_id_changed() {
    let strategy = Strategy::Identity;
    for (_, r) in letters() {
        for (_, t) in letters() {
            let v = run(&strategy, r, t, true, true);
            assert_eq!((v.correct, v.wrong), (0, 0), "{r}→{t}");
        }
    }
}

#[test]
fn tern_gets_every_cell_right() {
    for ids_changed in [false, true] {
        for titled in [true, false] {
            assert_eq!(
                table(&Strategy::Tern, ids_changed, titled),
                ["11111"; 5],
                "ids changed {ids_changed}, titled {titled}"
            );
        }
    }
}

#[test]
fn mixed_untitled_with_every_id_changed() {
    // Not published; derived from the rules in the notes and locked here. Without titles the
    // attribute filter cannot tell nw0 from nw1 (equal attribute counts), and the authors'
    // "later candidate wins on equal counts" picks the lower-valued nw1 in every D→* and
    // E→* cell.
    let strategy = "mixed".parse::<Strategy>().unwrap();
    assert_eq!(
        table(&strategy, true, false),
        ["11110", "11110", "11111", "00000", "00000"]
    );
}

// Every target id replaced except the one of `keep` (a resource's original id).
fn run_keeping(runtime: &str, target: &str, keep: &str) -> bool {
    let rt = topology(runtime);
    let mut tg = variant(&topology(target), true, true);
    let mut kept = tern_model::Collection::new();
    for r in tg.resources() {
        let mut r = r.clone();
        if r.entity.id == format!("t-{keep}") {
            keep.clone_into(&mut r.entity.id);
        }
        for l in &mut r.links {
            for end in [&mut l.source.location, &mut l.target.location] {
                *end = end.replace(&format!("t-{keep}"), keep);
            }
        }
        kept.push_resource(r).unwrap();
    }
    tg = kept;
    let (r, t) = (Topology::new(&rt), Topology::new(&tg));
    let m = match_topologies(&r, &t, &"mixed".parse::<Strategy>().unwrap());
    let pairs: Vec<(String, String)> = m
        .resources
        .iter()
        .map(|p| {
            (
                r.resource(p.runtime).entity.id.clone(),
                t.resource(p.target).entity.id.clone(),
            )
        })
        .collect();
    judge(&rt, &tg, &pairs).ok()
}

#[test]
fn mixed_needs_one_pinned_vm_as_published() {
    // Notes §4.2: with vm0 keeping its id all 25 cells are right; with only vm1 keeping
    // its id only A→E fails (A has no vm1).
    let vm0 = "3208c9c6-5f14-4a5e-806e-b6859e77f73b";
    let vm1 = "20b452b2-6c6a-4c6a-be99-a03d492f70ca";
    for (_, r) in letters() {
        for (_, t) in letters() {
            assert!(run_keeping(r, t, vm0), "vm0 kept: {r}→{t}");
            assert_eq!(
                run_keeping(r, t, vm1),
                !(r == "A" && t == "E"),
                "vm1 kept: {r}→{t}"
            );
        }
    }
}
