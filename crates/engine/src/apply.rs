//! Executes a plan against an in-memory copy of the runtime topology: what a server would do
//! with the calls, used to check that plans reach their target.

use tern_model::{Catalogue, Collection, Entity, Link, Resource, Value};

use crate::plan::{Body, Operation, OperationKind, Plan};

/// Why a plan cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// No entity lives at the location an operation names.
    #[error("stage {stage}: no entity at `{location}`")]
    NotFound {
        /// 1-based stage number.
        stage: usize,
        /// The location.
        location: String,
    },
    /// A creation would overwrite an existing entity.
    #[error("stage {stage}: `{location}` already exists")]
    Exists {
        /// 1-based stage number.
        stage: usize,
        /// The location.
        location: String,
    },
    /// An action is not allowed in the entity's current state.
    #[error("stage {stage}: action `{action}` is not possible at `{location}` in state `{state}`")]
    Action {
        /// 1-based stage number.
        stage: usize,
        /// The location.
        location: String,
        /// The action.
        action: String,
        /// The current state.
        state: String,
    },
    /// An operation lacks the body it needs.
    #[error("stage {stage}: operation on `{location}` has no usable body")]
    Body {
        /// 1-based stage number.
        stage: usize,
        /// The location.
        location: String,
    },
}

/// Applies `plan` to a copy of `runtime`.
pub fn apply(
    runtime: &Collection,
    plan: &Plan,
    catalogue: &Catalogue,
) -> Result<Collection, ApplyError> {
    let mut resources: Vec<Resource> = runtime.resources().to_vec();
    let mut standalone: Vec<Link> = runtime.standalone_links().to_vec();
    for (i, stage) in plan.stages.iter().enumerate() {
        for op in &stage.operations {
            run(op, i + 1, &mut resources, &mut standalone, catalogue)?;
        }
    }
    let mut out = Collection::new();
    for r in resources {
        // Locations are unique by construction of the plan; a clash is a plan error.
        out.push_resource(r).map_err(|e| ApplyError::Exists {
            stage: plan.stages.len(),
            location: e.to_string(),
        })?;
    }
    for l in standalone {
        out.push_link(l);
    }
    Ok(out)
}

fn run(
    op: &Operation,
    stage: usize,
    resources: &mut Vec<Resource>,
    standalone: &mut Vec<Link>,
    catalogue: &Catalogue,
) -> Result<(), ApplyError> {
    let not_found = |location: &str| ApplyError::NotFound {
        stage,
        location: location.to_owned(),
    };
    let bad_body = || ApplyError::Body {
        stage,
        location: op.location.clone(),
    };
    let at = |rs: &[Resource]| {
        rs.iter()
            .position(|r| r.entity.location_or_default() == op.location)
    };
    match op.op {
        OperationKind::Delete => {
            if let Some(i) = at(resources) {
                resources.remove(i);
                return Ok(());
            }
            match find_link(resources, standalone, &op.location)
                .ok_or_else(|| not_found(&op.location))?
            {
                (Some(r), i) => {
                    resources[r].links.remove(i);
                }
                (None, i) => {
                    standalone.remove(i);
                }
            }
        }
        OperationKind::Create => match &op.body {
            Some(Body::Resource(r)) => {
                if at(resources).is_some() {
                    return Err(ApplyError::Exists {
                        stage,
                        location: op.location.clone(),
                    });
                }
                resources.push(r.clone());
            }
            Some(Body::Link(l)) => {
                let find = |loc: &str| {
                    resources
                        .iter()
                        .position(|r| r.entity.location_or_default() == loc)
                };
                let source =
                    find(&l.source.location).ok_or_else(|| not_found(&l.source.location))?;
                find(&l.target.location).ok_or_else(|| not_found(&l.target.location))?;
                resources[source].links.push(l.clone());
            }
            _ => return Err(bad_body()),
        },
        OperationKind::Update | OperationKind::Action => {
            let entity = if let Some(i) = at(resources) {
                &mut resources[i].entity
            } else {
                match find_link(resources, standalone, &op.location)
                    .ok_or_else(|| not_found(&op.location))?
                {
                    (Some(r), i) => &mut resources[r].links[i].entity,
                    (None, i) => &mut standalone[i].entity,
                }
            };
            if op.op == OperationKind::Update {
                update(entity, op.body.as_ref()).ok_or_else(bad_body)?;
            } else {
                act(entity, op, stage, catalogue)?;
            }
        }
    }
    Ok(())
}

fn update(entity: &mut Entity, body: Option<&Body>) -> Option<()> {
    let Some(Body::Partial {
        attributes,
        title,
        mixins,
        ..
    }) = body
    else {
        return None;
    };
    for (n, v) in attributes.iter() {
        entity.attributes.insert(n, v.clone());
    }
    if let Some(t) = title {
        entity.title = Some(t.clone());
    }
    if let Some(m) = mixins {
        entity.mixins.clone_from(m);
    }
    Some(())
}

fn act(
    entity: &mut Entity,
    op: &Operation,
    stage: usize,
    catalogue: &Catalogue,
) -> Result<(), ApplyError> {
    let machine = catalogue.state_machine(&entity.kind);
    let current = machine
        .and_then(|m| entity.attributes.get(&m.attribute))
        .map(Value::to_plain_string)
        .unwrap_or_default();
    let next = machine.and_then(|m| {
        m.transitions
            .iter()
            .find(|t| {
                !t.failure && t.from == current && t.action.is_some() && t.action == op.action
            })
            .map(|t| (m.attribute.clone(), t.to.clone()))
    });
    let Some((attribute, to)) = next else {
        return Err(ApplyError::Action {
            stage,
            location: op.location.clone(),
            action: op
                .action
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            state: current,
        });
    };
    entity.attributes.insert(attribute, to.as_str());
    Ok(())
}

fn find_link(
    resources: &[Resource],
    standalone: &[Link],
    location: &str,
) -> Option<(Option<usize>, usize)> {
    for (r, res) in resources.iter().enumerate() {
        if let Some(i) = res
            .links
            .iter()
            .position(|l| l.entity.location_or_default() == location)
        {
            return Some((Some(r), i));
        }
    }
    standalone
        .iter()
        .position(|l| l.entity.location_or_default() == location)
        .map(|i| (None, i))
}
