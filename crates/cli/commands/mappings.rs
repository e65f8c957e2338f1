//! `tern mappings`: the mapping table the conversions read, as text, Markdown or JSON.

use std::fmt::Write as _;

use tern_mapping::MappingTable;

use crate::app::{Format, GlobalArgs};
use crate::exit::{CliError, Outcome};
use crate::output;

/// Prints the built-in mapping table.
pub(crate) fn run(global: &GlobalArgs) -> Result<Outcome, CliError> {
    let table = MappingTable::builtin();
    match global.format {
        Format::Json => output::print_json(&table.to_json())?,
        Format::Markdown => output::print(&table.to_markdown())?,
        Format::Text => output::print(&text(&table))?,
    }
    Ok(Outcome::Ok)
}

// One block per row: compact enough for a terminal, complete enough to read alone.
fn text(table: &MappingTable) -> String {
    let mut out = String::new();
    for row in table.rows() {
        let _ = writeln!(out, "{}  [{}]", row.id, row.direction.arrow());
        if let Some(occi) = &row.occi {
            let what =
                occi.attribute
                    .as_deref()
                    .unwrap_or(if occi.mixin { "(mixin)" } else { "(kind)" });
            let _ = writeln!(out, "  occi  {} {what}", occi.category);
        }
        if let Some(ovf) = &row.ovf {
            let _ = writeln!(out, "  ovf   {}", ovf.describe());
        }
        if let Some(cdmi) = &row.cdmi {
            let _ = writeln!(
                out,
                "  cdmi  {} {}",
                cdmi.object,
                cdmi.field.as_deref().unwrap_or("")
            );
        }
        if let Some(loss) = &row.loss {
            let _ = writeln!(out, "  lost  {loss}");
        }
    }
    out
}
