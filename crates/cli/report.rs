//! The one way findings leave the command line: text lines (with a source snippet when the
//! source is known) or the findings JSON of `schemas/findings.schema.json`. Repeated findings
//! are summarised here, in both forms: above a few findings of one rule in one input, the
//! first ones are shown and the last of them counts the rest (`--verbose` shows all).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write as _};

use serde_json::{Map, Value};
use tern_diag::{Finding, render};

use crate::app::{Format, GlobalArgs, Verbosity};
use crate::output;

/// The findings of one command run, with the sources they point into.
#[derive(Debug, Default)]
pub struct Findings {
    list: Vec<Finding>,
    // File name → text, for snippets under each finding of that file.
    sources: HashMap<String, String>,
}

impl From<Vec<Finding>> for Findings {
    fn from(list: Vec<Finding>) -> Self {
        Findings {
            list,
            sources: HashMap::new(),
        }
    }
}

impl Findings {
    /// Adds findings.
    pub(crate) fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        self.list.extend(findings);
    }

    /// Adds a finding whose position points into `source`.
    pub(crate) fn push_in(&mut self, finding: Finding, source: &str) {
        if let Some(file) = &finding.file {
            self.sources
                .entry(file.clone())
                .or_insert_with(|| source.to_owned());
        }
        self.list.push(finding);
    }

    /// No error-level finding.
    pub(crate) fn is_valid(&self) -> bool {
        !tern_diag::has_errors(&self.list)
    }

    /// The findings.
    pub(crate) fn list(&self) -> &[Finding] {
        &self.list
    }

    /// Text: one line per finding, then its snippet when the source is known; the findings
    /// of one rule in one input beyond the first few summarised unless `verbosity` is
    /// `--verbose`.
    pub(crate) fn to_text(&self, verbosity: Verbosity) -> String {
        let mut out = String::new();
        for (finding, more) in summarise(&self.list, verbosity) {
            let finding = with_more(finding, more);
            match finding.file.as_ref().and_then(|f| self.sources.get(f)) {
                Some(source) if finding.position.is_some() => {
                    out.push_str(&render::snippet(&finding, source));
                }
                _ => out.push_str(&render::lines(std::slice::from_ref(&finding))),
            }
        }
        out
    }

    /// The line form of the findings (no snippets), summarised as [`Findings::to_text`] does.
    fn to_lines(&self, verbosity: Verbosity) -> String {
        let shown: Vec<Finding> = summarise(&self.list, verbosity)
            .into_iter()
            .map(|(finding, more)| with_more(finding, more).into_owned())
            .collect();
        render::lines(&shown)
    }

    /// The report object: `valid` (of every finding), `findings`, then `extra`'s fields. The
    /// findings of one rule in one input beyond the first few are left out unless
    /// `verbosity` is `--verbose`; the last one shown says how many with `more`.
    pub(crate) fn to_json(&self, extra: Map<String, Value>, verbosity: Verbosity) -> Value {
        let mut object = Map::new();
        object.insert("valid".into(), Value::Bool(self.is_valid()));
        let findings = summarise(&self.list, verbosity)
            .into_iter()
            .map(|(finding, more)| {
                let mut value = serde_json::to_value(finding).unwrap_or(Value::Null);
                if more > 0
                    && let Value::Object(fields) = &mut value
                {
                    fields.insert("more".into(), Value::from(more));
                }
                value
            })
            .collect();
        object.insert("findings".into(), Value::Array(findings));
        object.extend(extra);
        Value::Object(object)
    }

    /// The report of a validating command, on stdout: the lines in text (plain lines, no
    /// snippets: validation output is meant for grep; notes left out under `--quiet`), the
    /// object in JSON (every finding, repeated ones summarised as in text).
    pub(crate) fn print(&self, global: &GlobalArgs, extra: Map<String, Value>) -> io::Result<()> {
        let verbosity = global.verbosity();
        match global.format {
            Format::Json => output::print_json(&self.to_json(extra, verbosity)),
            Format::Text | Format::Markdown => {
                output::print(&self.shown(verbosity).to_lines(verbosity))
            }
        }
    }

    /// The warnings and notes of a command that goes on (or succeeded), on stderr, in the
    /// `--format` shape; notes are left out of text under `--quiet`. Nothing when there are
    /// none.
    pub(crate) fn warn(&self, global: &GlobalArgs) {
        let shown = match global.format {
            Format::Json => self.shown(Verbosity::Verbose),
            Format::Text | Format::Markdown => self.shown(global.verbosity()),
        };
        if !shown.list.is_empty() {
            shown.emit(global.format, global.verbosity());
        }
    }

    /// The findings a reader at `verbosity` sees: notes only above `--quiet`.
    pub(crate) fn shown(&self, verbosity: Verbosity) -> Findings {
        let list = self
            .list
            .iter()
            .filter(|f| verbosity > Verbosity::Quiet || f.severity != tern_diag::Severity::Note)
            .cloned()
            .collect();
        Findings {
            list,
            sources: self.sources.clone(),
        }
    }

    /// Diagnostics of a command that failed, on stderr, in the `--format` shape (repeated
    /// findings summarised unless `--verbose`).
    pub(crate) fn eprint(&self, global: &GlobalArgs) {
        self.emit(global.format, global.verbosity());
    }

    // The findings on stderr.
    fn emit(&self, format: Format, verbosity: Verbosity) {
        let text = match format {
            Format::Json => {
                let mut text = serde_json::to_string_pretty(&self.to_json(Map::new(), verbosity))
                    .unwrap_or_default();
                text.push('\n');
                text
            }
            Format::Text | Format::Markdown => self.to_text(verbosity),
        };
        // Nothing sensible is left to do when stderr itself is gone.
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
}

/// How many findings of one rule in one input are shown when there are more than
/// [`SUMMARY_ABOVE`]; the rest are counted (`--verbose` shows them all).
pub(crate) const SHOWN_PER_RULE: usize = 3;

/// The most findings of one rule in one input shown without a summary.
pub(crate) const SUMMARY_ABOVE: usize = 5;

/// The findings shown at `verbosity`, in their order, each with how many findings of its
/// rule and input are left out after it: above [`SUMMARY_ABOVE`] findings of one rule in one
/// input, the first [`SHOWN_PER_RULE`] are shown and the last of them counts the rest. Under
/// `--verbose`, every finding. Linear in the findings.
fn summarise(list: &[Finding], verbosity: Verbosity) -> Vec<(&Finding, usize)> {
    if verbosity == Verbosity::Verbose {
        return list.iter().map(|f| (f, 0)).collect();
    }
    let key = |f: &Finding| (f.file.clone(), f.rule.clone());
    let mut totals: HashMap<_, usize> = HashMap::new();
    for finding in list {
        *totals.entry(key(finding)).or_default() += 1;
    }
    let mut seen: HashMap<_, usize> = HashMap::new();
    let mut out = Vec::new();
    for finding in list {
        let k = key(finding);
        let total = totals.get(&k).copied().unwrap_or_default();
        if total <= SUMMARY_ABOVE {
            out.push((finding, 0));
            continue;
        }
        let index = seen.entry(k).or_default();
        *index += 1;
        match (*index).cmp(&SHOWN_PER_RULE) {
            std::cmp::Ordering::Less => out.push((finding, 0)),
            std::cmp::Ordering::Equal => out.push((finding, total - SHOWN_PER_RULE)),
            std::cmp::Ordering::Greater => {}
        }
    }
    out
}

// The finding with, when others of its rule and input were left out, their count at the end
// of its message.
fn with_more(finding: &Finding, more: usize) -> Cow<'_, Finding> {
    if more == 0 {
        return Cow::Borrowed(finding);
    }
    let mut finding = finding.clone();
    finding.message = format!(
        "{} (and {more} more {}; --verbose shows all)",
        finding.message, finding.rule
    );
    Cow::Owned(finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tern_diag::Position;

    fn repeated(n: usize) -> Vec<Finding> {
        (1..=n)
            .map(|line| {
                Finding::warning("lenient.extra-location", "a second Location")
                    .at(Position::new(line, 1))
                    .in_file("big.txt")
            })
            .collect()
    }

    #[test]
    fn repeated_findings_are_summarised_per_rule_and_input() {
        let mut list = repeated(2630);
        list.insert(1, Finding::error("other", "once").in_file("big.txt"));
        list.push(Finding::warning("lenient.extra-location", "elsewhere").in_file("b.txt"));
        let shown = summarise(&list, Verbosity::Normal);
        let counts: Vec<usize> = shown.iter().map(|(_, more)| *more).collect();
        assert_eq!(counts, [0, 0, 0, 2627, 0]);
        assert_eq!(shown[1].0.rule, "other");
        assert_eq!(shown[3].0.position, Some(Position::new(3, 1)));
        assert_eq!(summarise(&list, Verbosity::Verbose).len(), list.len());
        let few = repeated(SUMMARY_ABOVE);
        assert_eq!(summarise(&few, Verbosity::Normal).len(), SUMMARY_ABOVE);
    }

    #[test]
    fn text_and_json_say_how_many_were_left_out() {
        let findings = Findings::from(repeated(2630));
        let text = findings.to_lines(Verbosity::Normal);
        assert_eq!(text.lines().count(), SHOWN_PER_RULE, "{text}");
        assert!(
            text.ends_with("big.txt:3:1: warning[lenient.extra-location]: a second Location (and 2627 more lenient.extra-location; --verbose shows all)\n"),
            "{text}"
        );
        let json = findings.to_json(Map::new(), Verbosity::Normal);
        let list = json["findings"].as_array().unwrap();
        assert_eq!(list.len(), SHOWN_PER_RULE);
        assert_eq!(list[2]["more"], 2627);
        assert_eq!(list[2]["message"], "a second Location");
        let all = findings.to_json(Map::new(), Verbosity::Verbose);
        assert_eq!(all["findings"].as_array().unwrap().len(), 2630);
    }
}
