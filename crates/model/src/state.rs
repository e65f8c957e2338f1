//! Lifecycles of infrastructure entities (the state diagrams of GFD.224), kept as data so
//! that "which action takes state X to state Y" is a lookup.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use crate::CategoryId;

/// The states of one Kind's instances and the transitions between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateMachine {
    /// The attribute holding the state, e.g. `occi.compute.state`.
    pub attribute: String,
    /// The state of a freshly created instance.
    pub initial: String,
    /// Every edge of the diagram, failure edges included.
    pub transitions: Vec<Transition>,
}

/// One edge of a state diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// Source state.
    pub from: String,
    /// The action that triggers it; `None` for provider-driven changes (link activation,
    /// the end of a 1.1 storage backup).
    pub action: Option<CategoryId>,
    /// Target state.
    pub to: String,
    /// True for the edges drawn for a failing action (to `error`); never planned.
    pub failure: bool,
}

impl StateMachine {
    /// Every state mentioned, initial first, in order of appearance.
    pub fn states(&self) -> Vec<&str> {
        let mut states = vec![self.initial.as_str()];
        for t in &self.transitions {
            for s in [t.from.as_str(), t.to.as_str()] {
                if !states.contains(&s) {
                    states.push(s);
                }
            }
        }
        states
    }

    /// The successful transition going directly from `from` to `to`, if any.
    pub fn transition(&self, from: &str, to: &str) -> Option<&Transition> {
        self.transitions
            .iter()
            .find(|t| !t.failure && t.from == from && t.to == to)
    }

    /// The action that takes `from` directly to `to`.
    ///
    /// ```
    /// use tern_model::{Catalogue, CategoryId, OcciVersion};
    /// let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    /// let compute: CategoryId = "http://schemas.ogf.org/occi/infrastructure#compute".parse().unwrap();
    /// let machine = catalogue.state_machine(&compute).unwrap();
    /// assert_eq!(machine.action_for("inactive", "active").unwrap().term(), "start");
    /// ```
    pub fn action_for(&self, from: &str, to: &str) -> Option<&CategoryId> {
        self.transition(from, to)?.action.as_ref()
    }

    /// The shortest sequence of successful transitions from `from` to `to` (empty when
    /// they are equal), or `None` when `to` cannot be reached.
    pub fn path(&self, from: &str, to: &str) -> Option<Vec<&Transition>> {
        let mut came_from: HashMap<&str, &Transition> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(state) = queue.pop_front() {
            if state == to {
                let mut path = Vec::new();
                let mut at = to;
                while at != from {
                    let edge = came_from[at];
                    path.push(edge);
                    at = edge.from.as_str();
                }
                path.reverse();
                return Some(path);
            }
            for edge in self
                .transitions
                .iter()
                .filter(|t| !t.failure && t.from == state)
            {
                let next = edge.to.as_str();
                if next != from && !came_from.contains_key(next) {
                    came_from.insert(next, edge);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}
