//! The table as Markdown: the README's mapping section is generated from the same rows.

use std::fmt::Write as _;

use crate::MappingTable;

pub(crate) fn markdown(table: &MappingTable) -> String {
    let mut out =
        String::from("| row | OCCI | OVF | CDMI | conversion | direction | what is lost |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for row in table.rows() {
        let occi = row.occi.as_ref().map_or_else(String::new, |o| {
            let category = format!("`{}`", o.category.term());
            match &o.attribute {
                Some(a) => format!("{category} `{a}`"),
                None if o.mixin => format!("{category} mixin"),
                None => format!("{category} kind"),
            }
        });
        let ovf = row
            .ovf
            .as_ref()
            .map_or_else(|| "—".to_owned(), |o| format!("`{}`", o.describe()));
        let cdmi = row
            .cdmi
            .as_ref()
            .map_or_else(String::new, |c| match &c.field {
                Some(f) => format!("{} `{f}`", c.object),
                None => c.object.clone(),
            });
        let convert = serde_json::to_value(row.convert)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut direction = row.direction.arrow().to_owned();
        if let Some(versions) = &row.versions {
            let versions: Vec<&str> = versions.iter().map(|v| v.as_str()).collect();
            let _ = write!(direction, " (OCCI {})", versions.join(", "));
        }
        let loss = row.loss.as_deref().unwrap_or("").replace('|', "\\|");
        let _ = writeln!(
            out,
            "| {} | {occi} | {ovf} | {cdmi} | {convert} | {direction} | {loss} |",
            row.id
        );
    }
    out
}
