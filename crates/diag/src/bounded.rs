//! Findings of one input, kept within a bound: a hostile input can break one rule once per
//! line or member (ten million times in 20 MB), and every finding kept costs a few hundred
//! bytes, which made memory, and a server's refusal, hundreds of times the input. At most
//! [`Bounded::PER_RULE`] findings of one rule are kept; the others are counted, and one note
//! per such rule says how many ([`LIMIT_RULE`]). The findings kept are the first ones, so
//! what a reader shows (the first few of a rule and a count) does not change below the bound.
//!
//! ```
//! use tern_diag::{Bounded, Finding};
//!
//! let mut found = Bounded::new();
//! for line in 1..=5000 {
//!     found.push(Finding::error("text.field-syntax", format!("line {line} is no field")));
//! }
//! let kept = found.into_vec();
//! assert_eq!(kept.len(), Bounded::PER_RULE + 1);
//! assert_eq!(kept.last().map(|f| f.rule.as_ref()), Some(tern_diag::LIMIT_RULE));
//! assert!(kept.last().unwrap().message.starts_with("4000 more text.field-syntax findings"));
//! ```

use std::collections::HashMap;

use crate::{Finding, Severity};

/// The rule of the note that counts the findings of a rule left out.
pub const LIMIT_RULE: &str = "limits.findings";

/// Findings collected with at most [`Bounded::PER_RULE`] kept per rule (see the module).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounded {
    items: Vec<Finding>,
    /// Findings seen per rule, kept or not.
    seen: HashMap<String, usize>,
}

impl Bounded {
    /// The most findings of one rule kept for one input.
    pub const PER_RULE: usize = 1000;

    /// No findings yet.
    pub fn new() -> Self {
        Bounded::default()
    }

    /// Adds `finding` when fewer than [`Bounded::PER_RULE`] of its rule are kept; counts it
    /// either way.
    pub fn push(&mut self, finding: Finding) {
        if self.admit(&finding.rule) {
            self.items.push(finding);
        }
    }

    // Counts a finding of `rule`; true when it is to be kept. Notes about the limit are
    // always kept (there is one per rule and collection).
    fn admit(&mut self, rule: &str) -> bool {
        if rule == LIMIT_RULE {
            return true;
        }
        let seen = match self.seen.get_mut(rule) {
            Some(seen) => seen,
            None => self.seen.entry(rule.to_owned()).or_default(),
        };
        *seen += 1;
        *seen <= Self::PER_RULE
    }

    /// The findings kept so far, in the order pushed (without the notes about the limit).
    pub fn items(&self) -> &[Finding] {
        &self.items
    }

    /// True when no finding was pushed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The findings kept, in the order pushed, then one note per rule with findings left
    /// out (rules in alphabetical order).
    pub fn into_vec(mut self) -> Vec<Finding> {
        let mut over: Vec<(&String, usize)> = self
            .seen
            .iter()
            .filter(|(_, seen)| **seen > Self::PER_RULE)
            .map(|(rule, seen)| (rule, *seen - Self::PER_RULE))
            .collect();
        over.sort();
        for (rule, left) in over {
            self.items.push(Finding::new(
                Severity::Note,
                LIMIT_RULE,
                format!(
                    "{left} more {rule} findings were counted and not kept (one input keeps the first {} of a rule)",
                    Self::PER_RULE
                ),
            ));
        }
        self.items
    }
}

impl Extend<Finding> for Bounded {
    fn extend<I: IntoIterator<Item = Finding>>(&mut self, findings: I) {
        for finding in findings {
            self.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Below the bound nothing changes; above it, the first findings of the rule stay in
    /// their order, other rules are untouched, and the note counts exactly the rest.
    #[test]
    fn the_first_findings_of_a_rule_are_kept_and_the_rest_counted() {
        let mut found = Bounded::new();
        for i in 0..Bounded::PER_RULE + 7 {
            found.push(Finding::error("a", format!("{i}")));
            if i % 100 == 0 {
                found.push(Finding::warning("b", format!("{i}")));
            }
        }
        let kept = found.into_vec();
        let a: Vec<&str> = kept
            .iter()
            .filter(|f| f.rule == "a")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(a.len(), Bounded::PER_RULE);
        assert_eq!((a[0], a[999]), ("0", "999"));
        assert_eq!(kept.iter().filter(|f| f.rule == "b").count(), 11);
        let note = kept.last().unwrap();
        assert_eq!(
            (note.severity, note.rule.as_ref()),
            (Severity::Note, LIMIT_RULE)
        );
        assert!(note.message.starts_with("7 more a findings"), "{note}");
        let mut small = Bounded::new();
        small.extend((0..3).map(|i| Finding::error("a", format!("{i}"))));
        assert_eq!(small.into_vec().len(), 3);
    }
}
