//! The modules of tern-engine depend on each other without cycles (the order is listed in
//! `DESIGN.md`): a shared type lives below every module that uses it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

// Module → the crate modules it names (`crate::name`), read from its source.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = tern_testkit::files(&src, &[".rs"], 10);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.file_stem()?.to_str().map(str::to_owned))
        .filter(|m| m != "lib")
        .collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let name = file.file_stem().unwrap().to_str().unwrap().to_owned();
        if name == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let mut uses = BTreeSet::new();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            // `crate::{a, b::C}` names several modules at once.
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group[..group.find('}').unwrap()]
                    .split(',')
                    .map(|p| p.trim().split("::").next().unwrap())
                    .collect(),
                None => vec![
                    rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap(),
                ],
            };
            for n in names {
                assert!(
                    modules.contains(n),
                    "{name}.rs names `crate::{n}`, which is not a module: go through the module \
                     that owns it, not a root re-export"
                );
                if n != name {
                    uses.insert(n.to_owned());
                }
            }
        }
        graph.insert(name, uses);
    }
    graph
}

#[test]
fn module_dependencies_form_a_dag() {
    let graph = dependencies();
    assert!(graph.len() >= 10, "{graph:?}");
    // Kahn: repeatedly take the modules whose dependencies are all taken.
    let mut order: Vec<String> = Vec::new();
    while order.len() < graph.len() {
        let ready: Vec<String> = graph
            .iter()
            .filter(|(m, deps)| !order.contains(m) && deps.iter().all(|d| order.contains(d)))
            .map(|(m, _)| m.clone())
            .collect();
        assert!(
            !ready.is_empty(),
            "module cycle among {:?}",
            graph
                .iter()
                .filter(|(m, _)| !order.contains(m))
                .collect::<BTreeMap<_, _>>()
        );
        order.extend(ready);
    }
}

#[test]
fn the_design_note_lists_every_module_after_its_dependencies() {
    let graph = dependencies();
    let design =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("DESIGN.md")).unwrap();
    let line = design
        .lines()
        .find(|l| l.starts_with("Module order:"))
        .expect("DESIGN.md has a `Module order:` line");
    let listed: Vec<&str> = line["Module order:".len()..]
        .split(',')
        .map(|m| m.trim().trim_matches(|c| c == '`' || c == '.'))
        .collect();
    let mut sorted: Vec<&str> = listed.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        graph.keys().map(String::as_str).collect::<Vec<_>>(),
        "DESIGN.md lists other modules than src/ holds"
    );
    for (m, deps) in &graph {
        let at = listed.iter().position(|l| l == m).unwrap();
        for d in deps {
            let dep_at = listed.iter().position(|l| l == d).unwrap();
            assert!(dep_at < at, "DESIGN.md lists {m} before {d}, which it uses");
        }
    }
}
