//! Plain-text rendering of an [`Info`] report.

use std::fmt::Write as _;

use super::{ContentInfo, HardwareInfo, Info};

pub(super) fn render(info: &Info) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Dialect: {}{}{}",
        info.dialect_label,
        info.version
            .as_deref()
            .map(|v| format!(" (ovf:version {v})"))
            .unwrap_or_default(),
        info.namespace
            .as_deref()
            .map(|n| format!(" [{n}]"))
            .unwrap_or_default()
    );
    if !info.quirks.is_empty() {
        let names: Vec<String> = info.quirks.iter().map(quirk_name).collect();
        let _ = writeln!(out, "Quirks: {}", names.join(", "));
    }
    text_envelope_sections(info, &mut out);
    if let Some(content) = &info.content {
        text_content(content, 0, &mut out);
    }
    out
}

/// Formats a byte count in the largest binary unit that keeps two decimals honest
/// (`4 GiB`, `1.75 GiB`, `512 MiB`, `374784 B`).
pub fn human_bytes(bytes: u128) -> String {
    const UNITS: [(&str, u32); 4] = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)];
    for (name, shift) in UNITS {
        let unit = 1u128 << shift;
        if bytes >= unit {
            let whole = bytes / unit;
            let hundredths = (bytes % unit) * 100 / unit;
            return if hundredths == 0 && bytes.is_multiple_of(unit) {
                format!("{whole} {name}")
            } else {
                format!("{whole}.{hundredths:02} {name}")
            };
        }
    }
    format!("{bytes} B")
}

fn quirk_name(q: &crate::Quirk) -> String {
    serde_json::to_value(q)
        .ok()
        .and_then(|v| match v {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Object(m) => m
                .into_iter()
                .next()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))),
            _ => None,
        })
        .unwrap_or_default()
}

fn text_envelope_sections(info: &Info, out: &mut String) {
    if !info.files.is_empty() {
        let _ = writeln!(out, "Files:");
        for f in &info.files {
            let mut extra = Vec::new();
            if let Some(size) = f.size {
                extra.push(human_bytes(u128::from(size)));
            }
            if let Some(c) = f.compression.as_deref().filter(|c| *c != "identity") {
                extra.push(format!("{c}-compressed"));
            }
            if f.chunks.len() > 1 {
                extra.push(format!("{} chunks", f.chunks.len()));
            }
            let _ = writeln!(
                out,
                "  {:<20} {}  {}",
                f.id.as_deref().unwrap_or("?"),
                f.href.as_deref().unwrap_or("?"),
                extra.join(", ")
            );
        }
    }
    if !info.disks.is_empty() {
        let _ = writeln!(out, "Disks:");
        for d in &info.disks {
            let capacity = d.capacity_bytes.map_or_else(
                || {
                    format!(
                        "{} {}",
                        d.capacity.as_deref().unwrap_or("?"),
                        d.capacity_allocation_units.as_deref().unwrap_or("byte")
                    )
                },
                human_bytes,
            );
            let _ = writeln!(
                out,
                "  {:<20} {capacity}  file {}  format {}",
                d.id.as_deref().unwrap_or("?"),
                d.file_ref.as_deref().unwrap_or("(blank)"),
                d.format.as_deref().unwrap_or("?")
            );
        }
    }
    if !info.networks.is_empty() {
        let _ = writeln!(out, "Networks:");
        for n in &info.networks {
            let _ = writeln!(
                out,
                "  {:<20} {}",
                n.name.as_deref().unwrap_or("?"),
                n.description.as_deref().unwrap_or("")
            );
        }
    }
    if !info.deployment_options.is_empty() {
        let _ = writeln!(out, "Deployment options:");
        for o in &info.deployment_options {
            let _ = writeln!(
                out,
                "  {:<20} {}{}",
                o.id.as_deref().unwrap_or("?"),
                o.label.as_deref().unwrap_or(""),
                if o.default { " (default)" } else { "" }
            );
        }
    }
}

fn text_content(c: &ContentInfo, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}{} {}{}",
        c.kind,
        c.id.as_deref().unwrap_or("?"),
        c.name
            .as_deref()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default()
    );
    for p in &c.products {
        if p.product.is_some() || p.version.is_some() {
            let by = p.vendor.as_deref().map(|v| format!("by {v}"));
            let parts: Vec<&str> = [p.product.as_deref(), p.version.as_deref(), by.as_deref()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect();
            let _ = writeln!(out, "{pad}  Product: {}", parts.join(" "));
        }
    }
    if let Some(os) = &c.os {
        let what = os
            .description
            .as_deref()
            .or(os.vmw_os_type.as_deref())
            .map(|d| format!(" {d}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{pad}  OS: {}{what}", os.id.as_deref().unwrap_or("?"));
    }
    for hw in &c.hardware {
        text_hardware(hw, &pad, out);
    }
    if !c.properties.is_empty() {
        let _ = writeln!(out, "{pad}  Properties:");
        for p in &c.properties {
            let _ = writeln!(
                out,
                "{pad}    {} = {:?} ({}{})",
                p.qualified_key.as_deref().unwrap_or("?"),
                p.value
                    .as_deref()
                    .unwrap_or(if p.password { "****" } else { "" }),
                p.ty.as_deref().unwrap_or("?"),
                if p.user_configurable {
                    ", configurable"
                } else {
                    ""
                }
            );
        }
    }
    if c.eula {
        let _ = writeln!(out, "{pad}  EULA: present");
    }
    if !c.other_sections.is_empty() {
        let _ = writeln!(
            out,
            "{pad}  Other sections: {}",
            c.other_sections.join(", ")
        );
    }
    for m in &c.members {
        text_content(m, depth + 1, out);
    }
}

fn text_hardware(hw: &HardwareInfo, pad: &str, out: &mut String) {
    let memory = hw
        .memory_bytes
        .map(human_bytes)
        .or_else(|| hw.memory.clone())
        .unwrap_or_else(|| "?".into());
    let _ = writeln!(
        out,
        "{pad}  Hardware{}: {} CPU(s), {memory} memory, {} disk(s), {} NIC(s){}",
        if hw.virtual_system_types.is_empty() {
            String::new()
        } else {
            format!(" ({})", hw.virtual_system_types.join(" "))
        },
        hw.cpus.map_or_else(|| "?".to_string(), |n| n.to_string()),
        hw.disks.len(),
        hw.nics.len(),
        if hw.transport.is_empty() {
            String::new()
        } else {
            format!(", transport {}", hw.transport.join(" "))
        }
    );
    for d in &hw.disks {
        let _ = writeln!(
            out,
            "{pad}    disk {} -> {}",
            d.label.as_deref().unwrap_or("?"),
            d.target.as_deref().unwrap_or("?")
        );
    }
    for n in &hw.nics {
        let _ = writeln!(
            out,
            "{pad}    nic  {} -> {}",
            n.label.as_deref().unwrap_or("?"),
            n.target.as_deref().unwrap_or("?")
        );
    }
}
