//! The mapping tables of tern: which OVF element, OCCI attribute and CDMI field carry the
//! same fact, how to convert between them exactly, which way each row holds, and what is
//! lost. The rows are data (`data/mappings.json`); the conversions read them.
//!
//! ```
//! use tern_mapping::{Direction, MappingTable};
//! let table = MappingTable::builtin();
//! let memory = table.row("compute.memory").unwrap();
//! assert_eq!(memory.occi.as_ref().unwrap().attribute.as_deref(), Some("occi.compute.memory"));
//! assert_eq!(memory.direction, Direction::Both);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cdmi;
mod deployment;
pub mod extensions;
mod ids;
pub mod occi2ovf;
pub mod os;
pub mod ovf2occi;
pub mod property;
mod render;
mod row;
mod value;

pub use deployment::{MAX_DEPLOYMENT_NAME, deployment_name};
pub use row::{CdmiField, Conversion, Direction, MappingRow, OcciField, OvfSource};

use serde::Deserialize;

/// The rows shipped with tern.
const BUILTIN: &str = include_str!("../data/mappings.json");

/// An ordered set of mapping rows.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingTable {
    rows: Vec<MappingRow>,
}

/// A mapping document that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MappingError {
    /// Not JSON, or not in the mapping-table format.
    #[error("mapping table, line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the reader said.
        message: String,
    },
    /// Two rows with one id.
    #[error("mapping row `{0}` is defined twice")]
    Duplicate(String),
    /// A row that names neither an OVF nor a CDMI counterpart and is not reported as lost.
    #[error(
        "mapping row `{0}` maps nothing: give `ovf` or `cdmi`, or direction `none` with a `loss`"
    )]
    Empty(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default, rename = "about")]
    _about: Option<String>,
    rows: Vec<MappingRow>,
}

impl MappingTable {
    /// The OVF ⇄ OCCI ⇄ CDMI rows shipped with tern (read once per process).
    #[allow(clippy::missing_panics_doc)] // the embedded table is checked by the tests
    pub fn builtin() -> &'static Self {
        static TABLE: std::sync::OnceLock<MappingTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            MappingTable::from_json(BUILTIN).expect("the built-in mapping table is valid")
        })
    }

    /// Reads a table in the format of `data/mappings.json`.
    pub fn from_json(text: &str) -> Result<Self, MappingError> {
        let doc: Document = serde_json::from_str(text).map_err(|e| MappingError::Syntax {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let mut seen = std::collections::HashSet::new();
        for row in &doc.rows {
            if !seen.insert(row.id.as_str()) {
                return Err(MappingError::Duplicate(row.id.clone()));
            }
            let maps_something = row.ovf.is_some() || row.cdmi.is_some();
            let reported = row.direction == Direction::None && row.loss.is_some();
            if !(maps_something || reported) {
                return Err(MappingError::Empty(row.id.clone()));
            }
        }
        Ok(MappingTable { rows: doc.rows })
    }

    /// All rows in table order.
    pub fn rows(&self) -> &[MappingRow] {
        &self.rows
    }

    /// A row by id.
    pub fn row(&self, id: &str) -> Option<&MappingRow> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// Rows whose OCCI side is `category` (entity rows and attribute rows).
    pub fn rows_for_category<'a>(
        &'a self,
        category: &'a tern_model::CategoryId,
    ) -> impl Iterator<Item = &'a MappingRow> {
        self.rows
            .iter()
            .filter(move |r| r.occi.as_ref().is_some_and(|o| &o.category == category))
    }

    /// The table as Markdown, as the README shows it.
    pub fn to_markdown(&self) -> String {
        render::markdown(self)
    }

    /// The table as JSON (the row format of `data/mappings.json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "rows": self.rows })
    }
}
