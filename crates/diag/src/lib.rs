//! tern's diagnostics, owned once for every codec and command.
//!
//! * [`Span`]: a byte range into an input; [`Position`]: a 1-based line and column (columns
//!   count characters); [`LineIndex`] turns offsets into positions, [`Lines`] holds one
//!   text's index, built when the first position is asked of it.
//! * [`Severity`] and [`Finding`]: one broken rule, with its stable rule id, its message and
//!   where it is. Findings serialize to the shape of `schemas/findings.schema.json`.
//! * [`render`]: the one text form, `FILE:LINE:COL: error[RULE-ID]: message`, optionally
//!   followed by the source line and a caret.
//! * [`quote`]: text of an input shown to a person, escaped for the terminal and capped.
//! * [`decode_utf8`]: the bytes of a UTF-8 text input (OCCI, CDMI) as text, a byte order
//!   mark accepted with a note, the first bad byte refused at its line and column.
//! * [`json`]: a JSON reader that keeps the byte offset of every value (its position on
//!   demand, through [`Lines`]) and the exact text of numbers, which `serde_json` drops; OCCI
//!   and CDMI read their bodies through it.
//!
//! ```
//! use tern_diag::{Finding, LineIndex, Severity};
//!
//! let text = "a\nbé c\n";
//! let index = LineIndex::new(text);
//! let at = index.position(text, 6); // the `c`: byte 6, character 4
//! let finding = Finding::error("DEMO-RULE", "no `c` here").at(at).in_file("demo.txt");
//! assert_eq!(finding.severity, Severity::Error);
//! assert_eq!(finding.to_string(), "demo.txt:2:4: error[DEMO-RULE]: no `c` here");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bounded;
mod finding;
pub mod json;
mod position;
pub mod quote;
pub mod render;
mod severity;
mod utf8;

pub use bounded::{Bounded, LIMIT_RULE};
pub use finding::{Finding, has_errors};
pub use position::{LineIndex, Lines, Position, Positions, Span, floor_char_boundary};
pub use severity::Severity;
pub use utf8::{BOM_RULE, Decoded, NOT_UTF8_RULE, decode_utf8};
