//! Topology comparison benchmark: n-tier topologies of 10 to 100 000 resources with seeded
//! random edits (scale out/in, resize, attach storage, stop, and every id renamed), per
//! strategy: time to compare and plan, accuracy of the resource pairing against the truth,
//! and plan length against the plan built from the truth.
//!
//! `cargo bench -p tern-engine --bench topology [-- MAX_SIZE] [STRATEGY…] [identical]`
//! prints a Markdown table.
//! The published strategies build a quadratic candidate graph; they are run only up to the
//! sizes where that stays practical (1000 resources for similarity/mixed).

#[path = "ntier.rs"]
mod ntier;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tern_engine::{Strategy, compare, compare_with_pairs, plan};
use tern_model::{Catalogue, OcciVersion};

use ntier::{Replicas, edit, generate};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let max: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let only: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| ["identity", "similarity", "mixed", "tern"].contains(a))
        .collect();
    // `identical`: VMs of a tier are symmetric replicas (no names); "pairs right" then
    // means little, the plan length is what counts.
    let replicas = if args.iter().any(|a| a == "identical") {
        Replicas::Identical
    } else {
        Replicas::Named
    };
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    println!(
        "| resources | edits | strategy | compare + plan | pairs right | pairs wrong | plan calls | truth plan calls |"
    );
    println!("|---:|---:|---|---:|---:|---:|---:|---:|");
    for &size in &[10usize, 100, 1_000, 10_000, 100_000] {
        if size > max {
            break;
        }
        let edits = (size / 20).max(2);
        let runtime = generate(size, replicas, 42);
        let (target, truth) = edit(&runtime, edits, true, 42);
        let pairs: Vec<(&str, &str)> = truth
            .iter()
            .map(|(t, r)| (r.as_str(), t.as_str()))
            .collect();
        let best = plan(&compare_with_pairs(&runtime, &target, &pairs), &catalogue).len();
        for name in ["identity", "similarity", "mixed", "tern"] {
            if (matches!(name, "similarity" | "mixed") && size > 1_000)
                || !(only.is_empty() || only.contains(&name))
            {
                continue;
            }
            let strategy = name.parse::<Strategy>().expect("known strategy");
            let start = Instant::now();
            let comparison = compare(&runtime, &target, &strategy);
            let p = plan(&comparison, &catalogue);
            let elapsed = start.elapsed();
            let (right, wrong) = accuracy(&comparison, &truth);
            println!(
                "| {} | {edits} | {name} | {} | {right}/{} | {wrong} | {} | {best} |",
                runtime.resources().len(),
                show(elapsed),
                truth.len(),
                p.len()
            );
        }
    }
}

fn accuracy(
    comparison: &tern_engine::Comparison<'_>,
    truth: &HashMap<String, String>,
) -> (usize, usize) {
    let mut right = 0;
    let mut wrong = 0;
    for p in &comparison.matching.resources {
        let r = &comparison.runtime.resource(p.runtime).entity.id;
        let t = &comparison.target.resource(p.target).entity.id;
        if truth.get(t) == Some(r) {
            right += 1;
        } else {
            wrong += 1;
        }
    }
    (right, wrong)
}

fn show(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}
