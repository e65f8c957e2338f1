//! The plan preview: a target (any OCCI rendering, or an OVF descriptor converted the way an
//! import converts it) compared with the snapshot of what the page shows and planned by
//! tern-engine. Nothing is changed; applying stays `tern apply`.
//!
//! The answer carries tern-engine's diff and plan (the JSON of `tern diff`/`tern plan
//! --format json`), their text renderings, and an overlay for the drawing: the runtime
//! entities that are missing, updated or replaced (by location, the key the page draws them
//! under) and the new ones (`new:` + their location in the target), new links between the
//! graph keys of their ends.

use std::collections::HashSet;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::{Value as Json, json};
use tern_diag::Finding;
use tern_engine::{Change, Comparison, Limits, Mark, Strategy, plan, try_compare};
use tern_model::{Collection, Entity};
use tern_occi::Source;

use super::{Page, Viewed, error, json_response};
use crate::provider::Snapshot;

/// The name findings about the posted target carry.
const TARGET: &str = "target";

/// `POST /ui/api/plan`.
pub(crate) async fn answer(page: &Page, viewed: &Viewed, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, page.body_limit).await {
        Ok(b) => b,
        Err(e) if crate::http::over_limit(&e) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the target is larger than {} bytes", page.body_limit),
            );
        }
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the body was cut off: {e}"),
            );
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    let snapshot = match page.provider.snapshot(viewed.scope.clone()).await {
        Ok(s) => s,
        Err(reply) => {
            return error(
                StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                reply.body.trim_end(),
            );
        }
    };
    let deployment = viewed.deployment.clone();
    let note = viewed.note.clone();
    let work = tokio::task::spawn_blocking(move || {
        preview(
            &snapshot,
            bytes.to_vec(),
            &content_type,
            &format!("http://{host}"),
            deployment.as_deref(),
        )
        .map(|mut answer| {
            if let Json::Object(o) = &mut answer {
                o.insert("deployment".into(), json!(deployment));
                o.insert("note".into(), json!(note));
            }
            answer
        })
    })
    .await;
    match work {
        Ok(Ok(answer)) => json_response(StatusCode::OK, &answer),
        Ok(Err(rejected)) => json_response(
            rejected.status,
            &json!({ "error": rejected.message, "findings": rejected.findings }),
        ),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the preview failed: {e}"),
        ),
    }
}

/// Why a target is refused: a message and the findings with their positions and rule ids.
#[derive(Debug)]
pub(crate) struct Rejected {
    status: StatusCode,
    message: String,
    findings: Vec<Finding>,
}

impl Rejected {
    fn bad(message: &str, findings: Vec<Finding>) -> Rejected {
        Rejected {
            status: StatusCode::BAD_REQUEST,
            message: message.to_owned(),
            findings: findings.into_iter().map(named).collect(),
        }
    }
}

// A finding about the target names it (the OCCI reader names its source already).
fn named(f: Finding) -> Finding {
    if f.file.is_some() {
        f
    } else {
        f.in_file(TARGET)
    }
}

/// The preview of `target` against `snapshot`: diff, plan and overlay.
pub(crate) fn preview(
    snapshot: &Snapshot,
    target: Vec<u8>,
    content_type: &str,
    base: &str,
    deployment: Option<&str>,
) -> Result<Json, Rejected> {
    let decoded = tern_diag::decode_utf8(target)
        .map_err(|f| Rejected::bad("the target is not UTF-8 text", vec![*f]))?;
    let text = decoded.text;
    let mut warnings = decoded.notes;
    if text.trim().is_empty() {
        return Err(Rejected::bad(
            "the target is empty: paste or upload an OCCI rendering or an OVF descriptor",
            vec![Finding::error("ui.empty-target", "no target was given")],
        ));
    }
    let target = if is_ovf(content_type, &text) {
        from_ovf(snapshot, &text, base, deployment)?
    } else {
        from_occi(snapshot, &text, &mut warnings)?
    };
    let comparison = try_compare(
        &snapshot.collection,
        &target,
        &Strategy::Tern,
        &Limits::default(),
    )
    .map_err(|e| Rejected {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: e.to_string(),
        findings: Vec::new(),
    })?;
    let planned = plan(&comparison, &snapshot.catalogue);
    let overlay = overlay(&comparison, &planned);
    let to_json = |v: serde_json::Result<Json>| v.unwrap_or(Json::Null);
    Ok(json!({
        "version": snapshot.version,
        "diff": to_json(serde_json::to_value(comparison.diff())),
        "plan": to_json(serde_json::to_value(&planned)),
        "diffText": tern_engine::diff_text(&comparison),
        "planText": tern_engine::plan_text(&planned),
        "stages": stages(&planned),
        "overlay": overlay,
        "warnings": warnings.into_iter().map(named).collect::<Vec<_>>(),
    }))
}

// An OVF descriptor: declared as XML, or a text whose first character is `<`.
fn is_ovf(content_type: &str, text: &str) -> bool {
    content_type.contains("ovf")
        || content_type.contains("xml")
        || text.trim_start().starts_with('<')
}

// Validated and converted as `POST /` of the same descriptor would be.
fn from_ovf(
    snapshot: &Snapshot,
    text: &str,
    base: &str,
    deployment: Option<&str>,
) -> Result<Collection, Rejected> {
    let bytes = text.as_bytes();
    let report = tern_ovf::validate_bytes(bytes, &tern_ovf::ValidateOptions::default());
    if !report.is_valid() {
        let errors = report
            .findings
            .iter()
            .filter(|f| f.is_error())
            .cloned()
            .collect();
        return Err(Rejected::bad("the OVF descriptor is invalid", errors));
    }
    let doc = tern_ovf::Document::parse(bytes)
        .map_err(|e| Rejected::bad("the OVF descriptor is unreadable", vec![e.to_finding()]))?;
    crate::provider::imported_view(
        &doc,
        deployment,
        base,
        snapshot.occi_version,
        snapshot.cdmi_enterprise,
    )
    .map_err(|e| {
        let finding = crate::provider::conversion_finding(&e);
        Rejected::bad("the OVF descriptor does not convert to OCCI", vec![finding])
    })
}

// Any OCCI rendering of an entity collection, detected from the content.
fn from_occi(
    snapshot: &Snapshot,
    text: &str,
    warnings: &mut Vec<Finding>,
) -> Result<Collection, Rejected> {
    let source = Source::new(TARGET, text, None);
    match tern_occi::read_collection(&source, &snapshot.options, &snapshot.catalogue) {
        Ok(read) => {
            warnings.extend(read.warnings);
            Ok(read.value.collection)
        }
        Err(e) => Err(Rejected::bad(
            "the target is no OCCI entity collection (nor an OVF descriptor)",
            e.into_findings(),
        )),
    }
}

// What the drawing marks: every entity that is not paired unchanged.
fn overlay(comparison: &Comparison<'_>, planned: &tern_engine::Plan) -> Json {
    let replaced: HashSet<&str> = planned
        .operations()
        .filter(|op| op.reason.is_replace())
        .map(|op| op.location.as_str())
        .collect();
    // Each resource's graph key: a runtime resource's location; a target resource's runtime
    // partner's location, else `new:` + its own.
    let runtime_keys: Vec<String> = comparison
        .runtime
        .resources()
        .iter()
        .map(|r| r.entity.location_or_default())
        .collect();
    let mut target_keys: Vec<String> = comparison
        .target
        .resources()
        .iter()
        .map(|r| format!("new:{}", r.entity.location_or_default()))
        .collect();
    for m in &comparison.resources {
        if let Mark::Old { runtime, target }
        | Mark::Updated {
            runtime, target, ..
        } = m
            && let (Some(key), Some(slot)) =
                (runtime_keys.get(*runtime), target_keys.get_mut(*target))
        {
            slot.clone_from(key);
        }
    }
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for (resource, marks) in [(true, &comparison.resources), (false, &comparison.links)] {
        for m in marks {
            let (mark, entity, changes) = match m {
                Mark::Old { .. } => continue,
                Mark::Updated {
                    runtime, changes, ..
                } => {
                    let e = comparison.runtime_entity(resource, *runtime);
                    let mark = if replaced.contains(e.location_or_default().as_str()) {
                        "replaced"
                    } else {
                        "updated"
                    };
                    let changes: Vec<String> = changes.iter().map(Change::text).collect();
                    (mark, e, changes)
                }
                Mark::Missing { runtime } => (
                    "missing",
                    comparison.runtime_entity(resource, *runtime),
                    Vec::new(),
                ),
                Mark::New { target } => (
                    "new",
                    comparison.target_entity(resource, *target),
                    Vec::new(),
                ),
            };
            let key = if mark == "new" {
                format!("new:{}", entity.location_or_default())
            } else {
                entity.location_or_default()
            };
            let mut item = json!({
                "key": key,
                "mark": mark,
                "id": entity.id,
                "kind": entity.kind.to_string(),
                "title": entity.title,
                "attributes": attributes(entity),
                "changes": changes,
            });
            if resource {
                nodes.push(item);
                continue;
            }
            if let (Some((source, target)), Json::Object(o)) =
                (ends(comparison, m, &runtime_keys, &target_keys), &mut item)
            {
                o.insert("source".into(), Json::String(source));
                o.insert("target".into(), Json::String(target));
            }
            edges.push(item);
        }
    }
    json!({ "nodes": nodes, "edges": edges })
}

// A marked link's ends as graph keys: the runtime link's resources, or the new link's ends
// (their runtime partners when paired).
fn ends(
    comparison: &Comparison<'_>,
    mark: &Mark,
    runtime_keys: &[String],
    target_keys: &[String],
) -> Option<(String, String)> {
    let (link, keys) = match mark {
        Mark::New { target } => (comparison.target.links().get(*target)?, target_keys),
        Mark::Updated { runtime, .. } | Mark::Missing { runtime } => {
            (comparison.runtime.links().get(*runtime)?, runtime_keys)
        }
        Mark::Old { .. } => return None,
    };
    let end = |position: Option<usize>, location: &str| {
        position
            .and_then(|p| keys.get(p).cloned())
            .unwrap_or_else(|| location.to_owned())
    };
    Some((
        end(link.source, &link.link.source.location),
        end(link.target, &link.link.target.location),
    ))
}

// The staged plan as the page lists it: one line per call with its reason in words.
fn stages(planned: &tern_engine::Plan) -> Json {
    planned
        .stages
        .iter()
        .map(|stage| {
            stage
                .operations
                .iter()
                .map(|op| {
                    json!({
                        "op": op.op.name(),
                        "method": op.op.method(),
                        "location": op.location,
                        "action": op.action.as_ref().map(ToString::to_string),
                        "reason": op.reason.text(),
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn attributes(entity: &Entity) -> Json {
    let mut o = serde_json::Map::new();
    for (name, value) in entity.attributes.iter() {
        o.insert(name.to_owned(), Json::String(value.to_plain_string()));
    }
    Json::Object(o)
}
