//! Plain-text rendering of an [`Info`] report.

use std::collections::HashSet;

use super::{ContentInfo, DeviceInfo, HardwareInfo, Info, RangeInfo};

// One line of the report: what it quotes from the descriptor (names, titles, products,
// labels, values) escaped for a terminal ([`tern_diag::quote::escape`]), so that a line
// break, ESC, a C1 control or a bidi override in a value neither starts a line nor drives
// the terminal. Every line goes through it.
macro_rules! out_line {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&tern_diag::quote::escape(&format!($($arg)*)));
        $out.push('\n');
    }};
}

pub(super) fn render(info: &Info) -> String {
    let mut out = String::new();
    out_line!(
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
        out_line!(out, "Quirks: {}", names.join(", "));
    }
    text_envelope_sections(info, &mut out);
    if let Some(content) = &info.content {
        text_content(content, 0, info.deployment_options.len(), &mut out);
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
        out_line!(out, "Files:");
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
            out_line!(
                out,
                "  {:<20} {}  {}",
                f.id.as_deref().unwrap_or("?"),
                f.href.as_deref().unwrap_or("?"),
                extra.join(", ")
            );
        }
    }
    if !info.disks.is_empty() {
        out_line!(out, "Disks:");
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
            out_line!(
                out,
                "  {:<20} {capacity}  file {}  format {}",
                d.id.as_deref().unwrap_or("?"),
                d.file_ref.as_deref().unwrap_or("(blank)"),
                d.format.as_deref().unwrap_or("?")
            );
        }
    }
    if !info.networks.is_empty() {
        out_line!(out, "Networks:");
        for n in &info.networks {
            out_line!(
                out,
                "  {:<20} {}",
                n.name.as_deref().unwrap_or("?"),
                n.description.as_deref().unwrap_or("")
            );
        }
    }
    if !info.deployment_options.is_empty() {
        out_line!(out, "Deployment options:");
        for o in &info.deployment_options {
            out_line!(
                out,
                "  {:<20} {}{}",
                o.id.as_deref().unwrap_or("?"),
                o.label.as_deref().unwrap_or(""),
                if o.default { " (default)" } else { "" }
            );
        }
    }
}

fn text_content(c: &ContentInfo, depth: usize, options: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    out_line!(
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
            out_line!(out, "{pad}  Product: {}", parts.join(" "));
        }
    }
    if let Some(os) = &c.os {
        let what = os
            .description
            .as_deref()
            .or(os.vmw_os_type.as_deref())
            .map(|d| format!(" {d}"))
            .unwrap_or_default();
        out_line!(out, "{pad}  OS: {}{what}", os.id.as_deref().unwrap_or("?"));
    }
    for hw in &c.hardware {
        text_hardware(hw, &pad, out);
        if hw.options.len() < options {
            out_line!(
                out,
                "{pad}    ... {} more deployment options not summarised (at most {} are)",
                options - hw.options.len(),
                hw.options.len()
            );
        }
    }
    if !c.properties.is_empty() {
        out_line!(out, "{pad}  Properties:");
        for p in &c.properties {
            out_line!(
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
        out_line!(out, "{pad}  EULA: present");
    }
    if !c.other_sections.is_empty() {
        out_line!(
            out,
            "{pad}  Other sections: {}",
            c.other_sections.join(", ")
        );
    }
    for m in &c.members {
        text_content(m, depth + 1, options, out);
    }
}

fn text_hardware(hw: &HardwareInfo, pad: &str, out: &mut String) {
    out_line!(
        out,
        "{pad}  Hardware{}: {}{}{}",
        if hw.virtual_system_types.is_empty() {
            String::new()
        } else {
            format!(" ({})", hw.virtual_system_types.join(" "))
        },
        summary(
            hw.cpus,
            hw.memory_bytes,
            hw.memory.as_deref(),
            &hw.disks,
            &hw.nics
        ),
        if hw.transport.is_empty() {
            String::new()
        } else {
            format!(", transport {}", hw.transport.join(" "))
        },
        hw.option
            .as_deref()
            .map(|o| format!(" (option {o})"))
            .unwrap_or_default()
    );
    for d in &hw.disks {
        out_line!(out, "{pad}    {}", device("disk", d));
    }
    for n in &hw.nics {
        out_line!(out, "{pad}    {}", device("nic ", n));
    }
    for r in &hw.ranges {
        out_line!(out, "{pad}    {}", range(r));
    }
    let width = hw.options.iter().map(|o| o.id.len()).max().unwrap_or(0);
    for o in &hw.options {
        out_line!(
            out,
            "{pad}    option {:<width$}  {}{}",
            o.id,
            summary(
                o.cpus,
                o.memory_bytes,
                o.memory.as_deref(),
                &o.disks,
                &o.nics
            ),
            if o.default { " (default)" } else { "" }
        );
        // Devices that only some options have (sets: a descriptor may list thousands).
        for (sign, kind, list, other) in [
            ("+", "disk", &o.disks, &hw.disks),
            ("+", "nic ", &o.nics, &hw.nics),
            ("-", "disk", &hw.disks, &o.disks),
            ("-", "nic ", &hw.nics, &o.nics),
        ] {
            let other: HashSet<&DeviceInfo> = other.iter().collect();
            for d in list.iter().filter(|d| !other.contains(d)) {
                out_line!(out, "{pad}      {sign} {}", device(kind, d));
            }
        }
        let default_ranges: HashSet<&RangeInfo> = hw.ranges.iter().collect();
        for r in o.ranges.iter().filter(|r| !default_ranges.contains(r)) {
            out_line!(out, "{pad}      {}", range(r));
        }
    }
}

fn summary(
    cpus: Option<u64>,
    memory_bytes: Option<u128>,
    memory: Option<&str>,
    disks: &[DeviceInfo],
    nics: &[DeviceInfo],
) -> String {
    let memory = memory_bytes
        .map(human_bytes)
        .or_else(|| memory.map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    format!(
        "{} CPU(s), {memory} memory, {} disk(s), {} NIC(s)",
        cpus.map_or_else(|| "?".to_string(), |n| n.to_string()),
        disks.len(),
        nics.len(),
    )
}

fn device(kind: &str, d: &DeviceInfo) -> String {
    format!(
        "{kind} {} -> {}",
        d.label.as_deref().unwrap_or("?"),
        d.target.as_deref().unwrap_or("?")
    )
}

fn range(r: &RangeInfo) -> String {
    let show = |raw: &Option<String>, bytes: Option<u128>, open: &str| {
        bytes
            .map(human_bytes)
            .or_else(|| raw.clone())
            .unwrap_or_else(|| open.to_owned())
    };
    let raw_units = r.min_bytes.is_none() && r.max_bytes.is_none();
    format!(
        "range {} {}: {} .. {}{}{}",
        r.label
            .as_deref()
            .or(r.instance_id.as_deref())
            .unwrap_or("?"),
        r.field,
        show(&r.min, r.min_bytes, "unbounded"),
        show(&r.max, r.max_bytes, "unbounded"),
        r.normal
            .as_ref()
            .map(|_| format!(", normal {}", show(&r.normal, r.normal_bytes, "?")))
            .unwrap_or_default(),
        match &r.units {
            Some(u) if raw_units => format!(" ({u})"),
            _ => String::new(),
        }
    )
}
