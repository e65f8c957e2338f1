//! Renderings for people and tools: a Terraform-plan-like text summary of a comparison, and
//! the staged plan as text, Graphviz dot or Mermaid.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tern_model::Entity;

use crate::adaptation::forced_replacement;
use crate::attributes::{Change, infrastructure};
use crate::diff::{Comparison, Mark};
use crate::plan::{Body, Forced, Operation, OperationKind, Plan, Reason};

/// A short Terraform-plan-like summary of a comparison: one line per changed entity (`+`
/// new, `-` missing, `~` updated in place, `-/+` replaced, the change that forces it marked
/// as the OCCI Infrastructure 1.2 catalogue decides), then counts per kind (a replaced entity
/// counts as changed). Values from the topologies are escaped
/// ([`tern_diag::quote::escape`]): every entity and change stays on one line.
pub fn diff_text(comparison: &Comparison<'_>) -> String {
    let mut out = String::new();
    let mut counts: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for (resource, marks) in [(true, &comparison.resources), (false, &comparison.links)] {
        for m in marks {
            let (sign, entity, slot) = match m {
                Mark::Old { target, .. } => (' ', comparison.target_entity(resource, *target), 3),
                Mark::Updated { target, .. } => {
                    ('~', comparison.target_entity(resource, *target), 1)
                }
                Mark::New { target } => ('+', comparison.target_entity(resource, *target), 0),
                Mark::Missing { runtime } => {
                    ('-', comparison.runtime_entity(resource, *runtime), 2)
                }
            };
            counts.entry(entity.kind.term().to_owned()).or_default()[slot] += 1;
            if sign == ' ' {
                continue;
            }
            let forced = match m {
                Mark::Updated {
                    runtime, changes, ..
                } => forced_replacement(
                    comparison.runtime_entity(resource, *runtime),
                    changes,
                    infrastructure(),
                ),
                _ => None,
            };
            let sign = if forced.is_some() {
                "-/+".to_owned()
            } else {
                sign.to_string()
            };
            line(
                &mut out,
                &format!("{sign} {} {}", entity.kind.term(), name(entity)),
            );
            if let Mark::Updated {
                runtime, changes, ..
            } = m
            {
                let was = comparison.runtime_entity(resource, *runtime);
                if was.id != entity.id {
                    line(&mut out, &format!("    (runtime {})", was.id));
                }
                for c in changes {
                    let forcing = match (&forced, c) {
                        (Some(Forced::Immutable { changes }), _) => changes.contains(c),
                        (Some(Forced::State { attribute, .. }), Change::Attribute { name, .. }) => {
                            name == attribute
                        }
                        _ => false,
                    };
                    let note = if forcing { " (forces replacement)" } else { "" };
                    line(&mut out, &format!("    {}{note}", c.text()));
                }
            }
        }
    }
    let total = counts.values().fold([0; 4], |mut t, c| {
        (0..4).for_each(|i| t[i] += c[i]);
        t
    });
    let _ = writeln!(
        out,
        "{} to add, {} to change, {} to remove, {} unchanged.",
        total[0], total[1], total[2], total[3]
    );
    for (kind, c) in counts {
        line(
            &mut out,
            &format!("  {kind}: +{} ~{} -{} ={}", c[0], c[1], c[2], c[3]),
        );
    }
    out
}

/// The plan as text: stages with one line per call (values escaped as in [`diff_text`]),
/// then counts per operation.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        return "No changes. The runtime topology matches the target.\n".into();
    }
    let mut counts: BTreeMap<OperationKind, usize> = BTreeMap::new();
    for (i, stage) in plan.stages.iter().enumerate() {
        let _ = writeln!(
            out,
            "stage {} ({} in parallel)",
            i + 1,
            stage.operations.len()
        );
        for op in &stage.operations {
            *counts.entry(op.op).or_default() += 1;
            line(&mut out, &format!("  {}", operation_text(op)));
        }
    }
    let n = |k| counts.get(&k).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "Plan: {} to create, {} to update, {} actions, {} to delete.",
        n(OperationKind::Create),
        n(OperationKind::Update),
        n(OperationKind::Action),
        n(OperationKind::Delete)
    );
    out
}

/// The staged plan as a Graphviz digraph: a cluster per stage, edges between stages.
pub fn plan_dot(plan: &Plan) -> String {
    let mut out = String::from(
        "digraph plan {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    let mut last: Option<String> = None;
    for (i, stage) in plan.stages.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{i} {{\n    label=\"stage {}\";",
            i + 1
        );
        let _ = writeln!(out, "    s{i} [shape=point];");
        for (j, op) in stage.operations.iter().enumerate() {
            let _ = writeln!(
                out,
                "    s{i}o{j} [label=\"{}\"];",
                dot_escape(&operation_text(op))
            );
        }
        out.push_str("  }\n");
        for j in 0..stage.operations.len() {
            if let Some(prev) = &last {
                let _ = writeln!(out, "  {prev} -> s{i}o{j};");
            }
            let _ = writeln!(out, "  s{i}o{j} -> s{i};");
        }
        last = Some(format!("s{i}"));
    }
    out.push_str("}\n");
    out
}

/// The staged plan as a Mermaid flowchart.
pub fn plan_mermaid(plan: &Plan) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut last: Option<String> = None;
    for (i, stage) in plan.stages.iter().enumerate() {
        let _ = writeln!(out, "  subgraph stage{i} [\"stage {}\"]", i + 1);
        for (j, op) in stage.operations.iter().enumerate() {
            let _ = writeln!(
                out,
                "    s{i}o{j}[\"{}\"]",
                operation_text(op).replace('"', "#quot;")
            );
        }
        out.push_str("  end\n");
        if let Some(prev) = &last {
            let _ = writeln!(out, "  {prev} --> stage{i}");
        }
        last = Some(format!("stage{i}"));
    }
    out
}

// One call: its sign (`-/+` for the deletion that starts a replacement, the line that says
// what forced it), method, location, what it sends, and why when that is not plain.
fn operation_text(op: &Operation) -> String {
    let sign = match (op.op, op.reason.is_replace()) {
        (OperationKind::Delete, true) => "-/+",
        (OperationKind::Create, _) => "+",
        (OperationKind::Delete, false) => "-",
        (OperationKind::Update | OperationKind::Action, _) => "~",
    };
    let mut s = format!("{sign} {} {}", op.op.method(), op.location);
    if let Some(a) = &op.action {
        let _ = write!(s, "?action={}", a.term());
    }
    match &op.body {
        Some(Body::Resource(r)) => {
            let _ = write!(s, " ({} {})", r.entity.kind.term(), name(&r.entity));
        }
        Some(Body::Link(l)) => {
            let _ = write!(
                s,
                " ({} {} -> {})",
                l.entity.kind.term(),
                l.source.location,
                l.target.location
            );
        }
        Some(Body::Partial {
            attributes,
            title,
            mixins,
            ..
        }) => {
            let mut parts: Vec<String> = attributes
                .iter()
                .map(|(n, v)| format!("{n}={}", v.to_plain_string()))
                .collect();
            if let Some(t) = title {
                parts.push(format!("occi.core.title={t}"));
            }
            if mixins.is_some() {
                parts.push("mixins".into());
            }
            let _ = write!(s, " ({})", parts.join(", "));
        }
        None => {}
    }
    match (&op.reason, op.op) {
        (Reason::State { .. }, _) => {
            let _ = write!(s, " ({})", op.reason.text());
        }
        (Reason::Replace(_), OperationKind::Delete) => {
            let _ = write!(s, ": replace, {}", op.reason.text());
        }
        (Reason::Replace(_), _) => s.push_str(", replacing it"),
        _ => {}
    }
    s
}

// One line of a text rendering: what it quotes from the topologies (titles, ids,
// attribute values) escaped for a terminal, so that a line break or ESC inside a value
// neither starts a line nor drives the terminal.
fn line(out: &mut String, text: &str) {
    out.push_str(&tern_diag::quote::escape(text));
    out.push('\n');
}

fn name(e: &Entity) -> String {
    match &e.title {
        Some(t) => format!("{t} ({})", e.id),
        None => e.id.clone(),
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
