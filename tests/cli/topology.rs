//! `tern diff` and `tern plan`: outputs on the A–E samples, formats, exit codes.

use crate::{stderr, stdout, tern, violations};

const A: &str = "samples/topologies/a-db-server.json";
const C: &str = "samples/topologies/c-web-server-storage.json";
const E: &str = "samples/topologies/e-web-server-network-storage.json";
/// C with web server vm1 resized and stopped, and vm0's interface renamed.
const CHANGED: &str = "samples/topologies/c-changed.json";

#[test]
fn plan_text_from_c_to_a_deletes_the_web_server() {
    let out = tern(&["plan", C, A]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn diff_text_from_a_to_e() {
    let out = tern(&["diff", A, E]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn plan_json_has_the_documented_shape() {
    let out = tern(&["plan", "--format", "json", A, E]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let stages = plan["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    for op in stages
        .iter()
        .flat_map(|s| s["operations"].as_array().unwrap())
    {
        assert_eq!(op["op"], "create");
        assert_eq!(op["method"], "PUT");
        assert!(op["location"].as_str().unwrap().starts_with('/'));
        assert!(op["entity"]["kind"].is_string());
    }
}

#[test]
fn diff_json_lists_matches_and_marks() {
    let out = tern(&["diff", "--format", "json", "--strategy", "identity", C, A]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let diff: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    // A's 3 resources and 2 links are paired; C's vm1, stor1 and their 2 links are missing.
    assert_eq!(diff["matches"].as_array().unwrap().len(), 5);
    assert_eq!(diff["old"].as_array().unwrap().len(), 5);
    assert_eq!(diff["missing"].as_array().unwrap().len(), 4);
    assert!(diff["new"].as_array().unwrap().is_empty());
    assert!(diff["updated"].as_array().unwrap().is_empty());
}

#[test]
fn plan_draws_dot_and_mermaid() {
    let dot = tern(&["plan", "--graph", "dot", C, A]);
    assert!(
        stdout(&dot).starts_with("digraph plan {"),
        "{}",
        stdout(&dot)
    );
    let mermaid = tern(&["plan", "--graph", "mermaid", C, A]);
    assert!(
        stdout(&mermaid).starts_with("flowchart LR"),
        "{}",
        stdout(&mermaid)
    );
    assert!(stdout(&mermaid).contains("stage0 --> stage1"));
}

#[test]
fn unparsable_input_exits_1_with_a_located_finding() {
    let out = tern(&["plan", A, "samples/topologies/invalid/trailing-comma.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with("samples/topologies/invalid/trailing-comma.json:3:"),
        "{err}"
    );
    assert!(err.contains(": error[json.syntax]: "), "{err}");
}

#[test]
fn a_missing_file_exits_2() {
    let out = tern(&["diff", A, "samples/topologies/no-such-file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("samples/topologies/no-such-file.json"),
        "the error names the missing file: {err}"
    );
}

#[test]
fn json_outputs_follow_the_schemas() {
    let mut e_changed = std::fs::read_to_string(E).unwrap();
    // A resize and a stop give the plan updates and actions too.
    e_changed = e_changed.replacen(
        "\"occi.compute.memory\": 4096",
        "\"occi.compute.memory\": 8192",
        1,
    );
    e_changed = e_changed.replacen(
        "\"occi.compute.state\": \"active\"",
        "\"occi.compute.state\": \"inactive\"",
        1,
    );
    let dir = std::env::temp_dir().join(format!("tern-topology-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("e-changed.json");
    std::fs::write(&target, e_changed).unwrap();
    let target = target.to_str().unwrap();
    for (args, schema) in [
        (
            vec!["plan", "--format", "json", C, target],
            "schemas/plan.schema.json",
        ),
        (
            vec!["diff", "--format", "json", C, target],
            "schemas/diff.schema.json",
        ),
        (
            vec!["diff", "--format", "json", "--strategy", "mixed", A, target],
            "schemas/diff.schema.json",
        ),
    ] {
        let out = tern(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("\"update") || text.contains("\"updated\""),
            "{text}"
        );
        assert_eq!(violations(schema, &text), Vec::<String>::new(), "{args:?}");
    }
    let plan = stdout(&tern(&["plan", "--format", "json", C, target]));
    assert!(plan.contains("\"op\": \"action\""), "{plan}");
    // The validator is not vacuous: a wrong op name is reported.
    assert!(
        !violations(
            "schemas/plan.schema.json",
            &plan.replace("\"op\": \"action\"", "\"op\": \"act\"")
        )
        .is_empty()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_ovf2occi_export_is_a_topology() {
    // The export carries its mixins next to the resources; diff and plan take it as it is.
    let dir = std::env::temp_dir().join(format!("tern-topology-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (before, after) = (dir.join("before.json"), dir.join("after.json"));
    let out = crate::tern(&[
        "ovf2occi",
        "samples/ovf/hadoop-cluster.ovf",
        "-o",
        before.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&before)
        .unwrap()
        .replace("\"occi.compute.cores\": 4", "\"occi.compute.cores\": 8");
    std::fs::write(&after, text).unwrap();
    let plan = crate::tern(&["plan", before.to_str().unwrap(), after.to_str().unwrap()]);
    assert!(plan.status.success(), "{}", crate::stderr(&plan));
    assert!(
        crate::stdout(&plan).contains("Plan: 0 to create, 1 to update, 0 actions, 0 to delete."),
        "{}",
        crate::stdout(&plan)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_strategy_of_the_engine_is_offered_with_its_summary() {
    let help = stdout(&tern(&["plan", "--help"]));
    for s in tern_engine::Strategy::ALL {
        assert!(
            help.contains(&format!("- {}:", s.name())) && help.contains(s.summary()),
            "{help}"
        );
        let out = tern(&["diff", "--strategy", s.name(), C, A]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", s, stderr(&out));
    }
    assert!(help.contains("[default: tern]"), "{help}");
}

#[test]
fn an_unknown_strategy_is_a_usage_error_listing_the_strategies() {
    let out = tern(&["plan", "--strategy", "flooding", A, C]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("invalid value 'flooding' for '--strategy <STRATEGY>'"),
        "{err}"
    );
    assert!(
        err.contains("[possible values: identity, similarity, mixed, tern]"),
        "{err}"
    );
}

#[test]
fn exact_sizes_stay_exact_in_json_plans() {
    // 512 MiB + 1 KiB in GiB is a dyadic rational with 20 fractional digits: a plan that
    // passed it through a double would print 1.5000009536743164.
    let exact = "1.50000095367431640625";
    let runtime = std::fs::read_to_string(A).unwrap();
    let (key, _) = runtime
        .split_once("\"occi.compute.memory\": ")
        .expect("the sample has a memory");
    let value_end = runtime[key.len()..].find([',', '\n', '}']).unwrap() + key.len();
    let target = format!(
        "{}\"occi.compute.memory\": {exact}{}",
        key,
        &runtime[value_end..]
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("target.json");
    std::fs::write(&path, target).unwrap();
    let out = tern(&["plan", "--format", "json", A, path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(exact), "{}", stdout(&out));
    let out = tern(&["diff", "--format", "json", A, path.to_str().unwrap()]);
    assert!(stdout(&out).contains(exact), "{}", stdout(&out));
}

/// The README's diff/plan example is the commands' real output: an in-place update, an
/// action and a replace (`-/+`, with the attribute that forced it).
#[test]
fn the_readme_plan_and_diff_example_is_true() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut checked = 0;
    for command in ["plan", "diff"] {
        let prompt = format!("$ tern {command} {C} {CHANGED}\n");
        let at = readme.find(&prompt).expect("the README shows the command") + prompt.len();
        let mut shown = String::new();
        for line in readme[at..]
            .lines()
            .take_while(|l| !l.starts_with("$ ") && !l.starts_with("```"))
        {
            shown.push_str(line);
            shown.push('\n');
        }
        let out = tern(&[command, C, CHANGED]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            shown,
            stdout(&out),
            "README's `tern {command}` example is stale"
        );
        checked += 1;
    }
    assert_eq!(checked, 2);
    let plan = stdout(&tern(&["plan", C, CHANGED]));
    let replace: Vec<&str> = plan.lines().filter(|l| l.contains("-/+")).collect();
    assert_eq!(replace.len(), 1, "{plan}");
    assert!(replace[0].contains("occi.networkinterface.interface: eth0 -> eth1"));
    assert!(plan.ends_with("Plan: 1 to create, 1 to update, 1 actions, 1 to delete.\n"));
}

#[test]
fn every_json_plan_operation_says_why() {
    let out = tern(&["plan", "--format", "json", C, CHANGED]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        violations("schemas/plan.schema.json", &text),
        Vec::<String>::new()
    );
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reasons: Vec<&serde_json::Value> = plan["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["operations"].as_array().unwrap())
        .map(|o| &o["reason"])
        .collect();
    let immutable = serde_json::json!({"cause": "replace", "forced_by": "immutable",
        "attributes": {"occi.networkinterface.interface": ["eth0", "eth1"]}});
    assert_eq!(
        reasons,
        vec![
            &immutable,
            &serde_json::json!({"cause": "update",
                "attributes": {"occi.compute.memory": [4096, 8192]}}),
            &serde_json::json!({"cause": "state", "attribute": "occi.compute.state",
                "from": "active", "to": "inactive", "step": 1, "steps": 1}),
            &immutable,
        ]
    );
    // The schema holds reasons to their shape: a replace without what forced it fails.
    assert!(
        !violations(
            "schemas/plan.schema.json",
            &text.replace("\"forced_by\": \"immutable\",", "")
        )
        .is_empty()
    );
}

/// The published flooding strategies are quadratic: above their documented bound
/// (`FLOODING_MAX_PAIRS`, 250 000 resource pairs) both refuse with a usage error (exit 2)
/// that points to `tern`, before building anything; `tern` plans the same input.
#[test]
fn similarity_and_mixed_refuse_above_their_bound() {
    let scratch = crate::Scratch::new("flooding-bound");
    let resources: Vec<String> = (0..501)
        .map(|i| {
            format!(
                r#"{{"kind": "http://schemas.ogf.org/occi/infrastructure#compute", "id": "vm-{i}"}}"#
            )
        })
        .collect();
    let text = format!("{{\"resources\": [{}]}}\n", resources.join(",\n"));
    std::fs::write(scratch.join("big.json"), text).unwrap();
    let big = scratch.path("big.json");
    for strategy in ["similarity", "mixed"] {
        let out = tern(&["plan", "--strategy", strategy, &big, &big]);
        assert_eq!(out.status.code(), Some(2), "{strategy}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("the {strategy} strategy"))
                && err.contains("limited to 250000 resource pairs")
                && err.contains("501 × 501 = 251001")
                && err.contains("`tern`"),
            "{err}"
        );
    }
    let out = tern(&["plan", &big, &big]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "No changes. The runtime topology matches the target.\n"
    );
}
