//! Status-code rules of the specification as data (`data/status-codes.json`): which HTTP
//! status answers which outcome, and which validation findings mean which status.

use std::sync::OnceLock;

/// One row: an outcome and its status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct StatusRule {
    /// Stable identifier, e.g. `request.exclusive-sources`.
    pub id: String,
    /// The HTTP status code.
    pub status: u16,
    /// When it applies.
    pub when: String,
    /// Clauses of CDMI 1.1.1 that say so.
    pub clause: String,
    /// Rule ids of the findings ([`tern_diag::Finding::rule`]) whose error leads here.
    #[serde(default)]
    pub findings: Vec<String>,
}

/// Every rule.
///
/// # Panics
/// Never at run time: the embedded data file is checked by the tests.
pub fn rules() -> &'static [StatusRule] {
    static RULES: OnceLock<Vec<StatusRule>> = OnceLock::new();
    RULES.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            rules: Vec<StatusRule>,
        }
        let file: File = serde_json::from_str(include_str!("../data/status-codes.json"))
            .expect("data/status-codes.json is valid (checked by tests)");
        file.rules
    })
}

/// The rule with this identifier.
pub fn rule(id: &str) -> Option<&'static StatusRule> {
    rules().iter().find(|r| r.id == id)
}

/// The status a server answers when a request body breaks the rule `finding_rule`
/// (e.g. `CDMI-EXCLUSIVE` → 400).
pub fn for_finding(finding_rule: &str) -> Option<&'static StatusRule> {
    rules()
        .iter()
        .find(|r| r.findings.iter().any(|f| f == finding_rule))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_reads_and_answers() {
        assert_eq!(rule("container.missing-slash").map(|r| r.status), Some(301));
        assert_eq!(for_finding("CDMI-EXCLUSIVE").map(|r| r.status), Some(400));
        assert_eq!(for_finding("CDMI-ID-CRC").map(|r| r.status), Some(400));
        let mut ids: Vec<_> = rules().iter().map(|r| &r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rules().len(), "identifiers are unique");
    }
}
