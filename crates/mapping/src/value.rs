//! Exact value conversions named by the mapping rows (`convert`): units through
//! tern-units' integer arithmetic, identifiers, derived values.

use tern_model::{AttributeDef, AttributeType, Number, Value};
use tern_units::{AllocationUnit, Ratio};

use crate::Conversion;
pub(crate) use crate::ovf2occi::Raw;

/// What a conversion yields for one OVF value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Converted {
    /// The OCCI value.
    Value(Value),
    /// No OCCI value, and why (reported, not an error).
    Nothing(String),
}

/// Converts an OVF value into the OCCI value of an attribute of a `kind_term` entity.
pub(crate) fn from_ovf(
    conversion: Conversion,
    raw: &Raw,
    def: Option<&AttributeDef>,
    kind_term: &str,
) -> Result<Converted, String> {
    let text = raw.text.trim();
    Ok(Converted::Value(match conversion {
        Conversion::Identity | Conversion::DiskFormatMimetype => typed(text, def)?,
        Conversion::Urn => Value::String(format!("urn:ovf:{kind_term}:{text}")),
        Conversion::AddressAllocation => Value::from("static"),
        Conversion::BytesToGib => quantity(text, raw.units.as_deref(), &AllocationUnit::GIBIBYTE)?,
        Conversion::HertzToGhz => quantity(text, raw.units.as_deref(), &AllocationUnit::GIGAHERTZ)?,
        Conversion::CimOsArchitecture => {
            let Ok(code) = text.parse::<u16>() else {
                return Ok(Converted::Nothing(format!(
                    "`{text}` is not a CIM OS type code"
                )));
            };
            match crate::os::cim_os_type(code) {
                Some(t) => match &t.architecture {
                    Some(arch) => Value::String(arch.clone()),
                    None => {
                        return Ok(Converted::Nothing(format!(
                            "CIM OS type {code} ({}) states no architecture",
                            t.name
                        )));
                    }
                },
                None => {
                    return Ok(Converted::Nothing(format!(
                        "CIM OS type {code} is not in the DSP1043 table"
                    )));
                }
            }
        }
        other => {
            return Err(format!(
                "conversion {other:?} does not produce an attribute value"
            ));
        }
    }))
}

// A text typed by the attribute's definition (strings when the attribute is tern's own).
fn typed(text: &str, def: Option<&AttributeDef>) -> Result<Value, String> {
    match def.map(|d| &d.kind) {
        Some(AttributeType::Integer) => match Number::parse(text) {
            Some(n) if n.as_i64().is_some() => Ok(Value::Number(n)),
            _ => Err(format!("`{text}` is not an integer")),
        },
        Some(AttributeType::Float) => Number::parse(text)
            .map(Value::Number)
            .ok_or_else(|| format!("`{text}` is not a number")),
        Some(AttributeType::Boolean) => match text {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(format!("`{text}` is not a boolean")),
        },
        _ => Ok(Value::String(text.to_owned())),
    }
}

// A whole quantity in DSP0004 units, as an exact decimal in `target` units.
fn quantity(text: &str, units: Option<&str>, target: &AllocationUnit) -> Result<Value, String> {
    let q: u64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole quantity"))?;
    let units = units.ok_or("no units given")?;
    let unit = AllocationUnit::parse(units).map_err(|e| e.to_string())?;
    let exact = unit
        .convert(Ratio::from(q), target)
        .map_err(|e| e.to_string())?;
    let decimal = exact
        .to_decimal()
        .ok_or_else(|| format!("{q} {units} has no finite decimal in {target}"))?;
    Number::parse(&decimal)
        .map(Value::Number)
        .ok_or_else(|| format!("`{decimal}` is not a number"))
}
