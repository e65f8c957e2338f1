//! CDMI ⇄ OCCI mapping rows (`data/occi-mapping.json`) and the function that applies them.
//! The rows use the table format shared with the OVF and OCCI codecs; this module does not
//! depend on the shared model crate: it yields (category, attribute, value) triples that the
//! bridge turns into model attributes, and builds CDMI bodies from such triples.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::body::{CdmiObject, OneOrMany};
use crate::exports::{Exports, OcciExport};
use crate::metadata::Metadata;
use crate::object::{ObjectType, parse_decimal};

/// Which way a row converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Both ways.
    Both,
    /// Only from CDMI to OCCI.
    CdmiToOcci,
    /// Only from OCCI to CDMI.
    OcciToCdmi,
}

/// The OCCI side of a row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct OcciSide {
    /// Kind or mixin scheme#term.
    pub category: String,
    /// Attribute name.
    pub attribute: String,
}

/// The CDMI side of a row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct CdmiSide {
    /// Object type name (`dataobject`, `container`).
    pub object: String,
    /// Field path: a body field, `metadata.<item>`, `exports.<key>.<member>`, or `URI`
    /// (`parentURI` followed by `objectName`).
    pub field: String,
}

/// The named conversions of the shared row format that CDMI rows use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conversion {
    /// The value is copied (a trailing `/` of a container name is dropped towards OCCI).
    Identity,
    /// `cdmi_size` bytes (a decimal string) ⇄ `occi.storage.size` GiB, exact.
    BytesToGib,
    /// The object ID, upper-case Base16.
    CdmiObjectid,
    /// `parentURI` followed by `objectName` ⇄ one path.
    CdmiUri,
    /// CDMI `mimetype` ⇄ disk format token (`raw`, `qcow2`, `vmdk`, `vhd`, `iso`).
    DiskFormatMimetype,
}

/// One mapping row.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct MappingRow {
    /// Stable identifier, e.g. `storage.size`.
    pub id: String,
    /// The OCCI attribute.
    pub occi: OcciSide,
    /// The CDMI field.
    pub cdmi: CdmiSide,
    /// The OVF side (null in this crate's rows).
    pub ovf: Option<Value>,
    /// The conversion.
    pub convert: Conversion,
    /// Which way it applies.
    pub direction: Direction,
    /// What is lost, if anything.
    pub loss: Option<String>,
}

/// An OCCI attribute produced from a CDMI object.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OcciAttribute {
    /// The row that produced it.
    pub row: String,
    /// Kind or mixin scheme#term the attribute belongs to.
    pub category: String,
    /// Attribute name.
    pub name: String,
    /// Attribute value.
    pub value: Value,
}

/// Every row.
///
/// # Panics
/// Never at run time: the embedded data file is checked by the tests.
pub fn rows() -> &'static [MappingRow] {
    static ROWS: OnceLock<Vec<MappingRow>> = OnceLock::new();
    ROWS.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            rows: Vec<MappingRow>,
        }
        let file: File = serde_json::from_str(include_str!("../data/occi-mapping.json"))
            .expect("data/occi-mapping.json is valid (checked by tests)");
        file.rows
    })
}

/// Applies every CDMI→OCCI row for the object's type: the OCCI attributes that describe the
/// storage it backs. Fields the object lacks produce nothing.
pub fn cdmi_to_occi(object: &CdmiObject) -> Vec<OcciAttribute> {
    let Some(t) = object.object_type else {
        return Vec::new();
    };
    rows()
        .iter()
        .filter(|r| r.direction != Direction::OcciToCdmi && r.cdmi.object == t.name())
        .filter_map(|r| {
            let value = read_cdmi(object, &r.cdmi.field)?;
            let value = convert_to_occi(r.convert, value)?;
            Some(OcciAttribute {
                row: r.id.clone(),
                category: r.occi.category.clone(),
                name: r.occi.attribute.clone(),
                value,
            })
        })
        .collect()
}

/// Applies every OCCI→CDMI row for `object_type` to OCCI attributes `(name, value)`: the
/// fields of a CDMI create body (metadata, mimetype, exports...). Attributes no row names are
/// ignored.
pub fn occi_to_cdmi(object_type: ObjectType, attributes: &[(String, Value)]) -> CdmiObject {
    let mut object = CdmiObject::default();
    for row in rows()
        .iter()
        .filter(|r| r.direction != Direction::CdmiToOcci && r.cdmi.object == object_type.name())
    {
        for (_, value) in attributes.iter().filter(|(n, _)| *n == row.occi.attribute) {
            if let Some(v) = convert_to_cdmi(row.convert, value) {
                write_cdmi(&mut object, &row.cdmi.field, v);
            }
        }
    }
    object
}

/// Bytes to GiB as an exact decimal string (every `n / 2^30` has a finite decimal expansion).
pub fn bytes_to_gib_decimal(bytes: u64) -> String {
    let whole = bytes >> 30;
    let mut rest = u128::from(bytes & ((1 << 30) - 1));
    if rest == 0 {
        return whole.to_string();
    }
    let mut out = format!("{whole}.");
    while rest != 0 {
        rest *= 10;
        out.push(char::from(b'0' + (rest >> 30) as u8));
        rest &= (1 << 30) - 1;
    }
    out
}

/// GiB (as OCCI writes `occi.storage.size`) to bytes, rounding a fraction of a byte up.
pub fn gib_to_bytes(gib: f64) -> Option<u64> {
    if !gib.is_finite() || gib < 0.0 {
        return None;
    }
    let bytes = (gib * f64::from(1u32 << 30)).ceil();
    // Beyond 2^53 a float no longer holds whole bytes; refuse rather than guess.
    if bytes > 9_007_199_254_740_992.0 {
        return None;
    }
    // Non-negative and below 2^53, checked above.
    #[allow(clippy::cast_sign_loss)]
    let whole = bytes as u64;
    Some(whole)
}

const FORMATS: [(&str, &str); 5] = [
    ("application/octet-stream", "raw"),
    ("application/x-qemu-disk", "qcow2"),
    ("application/x-vmdk", "vmdk"),
    ("application/x-vhd", "vhd"),
    ("application/x-iso9660-image", "iso"),
];

/// The disk format token of a media type (`raw`, `qcow2`...); unknown types map to themselves.
pub fn mimetype_to_format(mimetype: &str) -> String {
    let essence = mimetype
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    FORMATS
        .iter()
        .find(|(m, _)| *m == essence)
        .map_or(essence, |(_, f)| (*f).to_owned())
}

/// The media type of a disk format token; unknown tokens map to themselves.
pub fn format_to_mimetype(format: &str) -> String {
    FORMATS
        .iter()
        .find(|(_, f)| f.eq_ignore_ascii_case(format))
        .map_or_else(|| format.to_owned(), |(m, _)| (*m).to_owned())
}

fn read_cdmi(object: &CdmiObject, field: &str) -> Option<Value> {
    if let Some(item) = field.strip_prefix("metadata.") {
        return object.metadata.as_ref()?.get(item).cloned();
    }
    if let Some(rest) = field.strip_prefix("exports.") {
        let (key, member) = rest.rsplit_once('.')?;
        return object.exports.as_ref()?.0.get(key)?.get(member).cloned();
    }
    Some(match field {
        "objectID" => object.object_id.clone()?.to_ascii_uppercase().into(),
        "objectName" => object
            .object_name
            .clone()?
            .trim_end_matches('/')
            .to_owned()
            .into(),
        "mimetype" => match object.mimetype.as_ref()? {
            OneOrMany::One(m) => m.clone().into(),
            OneOrMany::Many(_) => return None,
        },
        "completionStatus" => object.completion_status.as_ref()?.as_str().into(),
        "URI" => format!(
            "{}{}",
            object.parent_uri.as_deref()?,
            object.object_name.as_deref()?
        )
        .into(),
        _ => return None,
    })
}

fn write_cdmi(object: &mut CdmiObject, field: &str, value: Value) {
    if let Some(item) = field.strip_prefix("metadata.") {
        object
            .metadata
            .get_or_insert_with(Metadata::default)
            .insert(item, value);
        return;
    }
    if let Some(rest) = field.strip_prefix("exports.") {
        let Some((key, member)) = rest.rsplit_once('.') else {
            return;
        };
        let exports = object.exports.get_or_insert_with(Exports::default);
        let entry = exports.0.entry(key.to_owned()).or_insert_with(|| json!({}));
        if let Some(map) = entry.as_object_mut() {
            merge_member(map, member, value);
        }
        return;
    }
    let text = value.as_str().map(str::to_owned);
    match field {
        "objectID" => object.object_id = text,
        "objectName" => object.object_name = text,
        "mimetype" => object.mimetype = text.map(OneOrMany::One),
        "URI" => {
            if let Some(path) = text {
                let (parent, name) = split_path(&path);
                object.parent_uri = Some(parent.to_owned());
                object.object_name = Some(name.to_owned());
            }
        }
        _ => {}
    }
}

// Several storagelinks add their compute URIs to the same permissions array.
fn merge_member(map: &mut serde_json::Map<String, Value>, member: &str, value: Value) {
    if member != "permissions" {
        map.insert(member.to_owned(), value);
        return;
    }
    let mut export = OcciExport {
        protocol: String::new(),
        identifier: String::new(),
        permissions: match map.get(member) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        },
    };
    if let Some(uri) = value.as_str() {
        export.permit(uri);
    }
    map.insert(member.to_owned(), json!(export.permissions));
}

fn split_path(path: &str) -> (&str, &str) {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("/", path),
    }
}

fn convert_to_occi(convert: Conversion, value: Value) -> Option<Value> {
    match convert {
        Conversion::BytesToGib => {
            let bytes = parse_decimal(value.as_str()?)?;
            // Exact: bytes / 2^30 only shifts the exponent while bytes < 2^53 (8 PiB).
            let as_float =
                f64::from((bytes >> 32) as u32) * 4_294_967_296.0 + f64::from(bytes as u32);
            serde_json::Number::from_f64(as_float / f64::from(1u32 << 30)).map(Value::Number)
        }
        Conversion::DiskFormatMimetype => Some(mimetype_to_format(value.as_str()?).into()),
        Conversion::CdmiObjectid => Some(value.as_str()?.to_ascii_uppercase().into()),
        Conversion::Identity | Conversion::CdmiUri => Some(value),
    }
}

fn convert_to_cdmi(convert: Conversion, value: &Value) -> Option<Value> {
    match convert {
        Conversion::BytesToGib => {
            let gib = value.as_f64().or_else(|| value.as_str()?.parse().ok())?;
            Some(gib_to_bytes(gib)?.to_string().into())
        }
        Conversion::DiskFormatMimetype => Some(format_to_mimetype(value.as_str()?).into()),
        Conversion::CdmiObjectid => Some(value.as_str()?.to_ascii_uppercase().into()),
        Conversion::Identity | Conversion::CdmiUri => Some(value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_gib() {
        assert_eq!(bytes_to_gib_decimal(1 << 30), "1");
        assert_eq!(bytes_to_gib_decimal(3 << 29), "1.5");
        assert_eq!(bytes_to_gib_decimal(1), "0.000000000931322574615478515625");
        assert_eq!(gib_to_bytes(1.5), Some(3 << 29));
        assert_eq!(gib_to_bytes(-1.0), None);
        assert_eq!(mimetype_to_format("application/x-qemu-disk"), "qcow2");
        assert_eq!(format_to_mimetype("QCOW2"), "application/x-qemu-disk");
    }
}
