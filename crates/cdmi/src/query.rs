//! CDMI query strings, both syntaxes, into one typed form:
//! 1.x `?objectName;metadata:cdmi_;value:0-99;children:0-4` (fields by `;`, parameters by `:`)
//! and 2.0 `?objectName&metadata=cdmi_&value=0-99&children=0-4` (by `&` and `=`).

use std::fmt::{self, Write as _};

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{all_consuming, map, map_res, opt};
use nom::multi::separated_list1;
use nom::sequence::{preceded, separated_pair};
use nom::{IResult, Parser};

/// Which syntax a query string was written in (and is rendered back in).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub enum QuerySyntax {
    /// CDMI 1.x: `;` between items, `:` before a parameter.
    #[default]
    #[serde(rename = "1.x")]
    V1,
    /// CDMI 2.0: `&` between items, `=` before a parameter.
    #[serde(rename = "2.0")]
    V2,
}

/// One item of a query string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "item", rename_all = "kebab-case")]
pub enum QueryItem {
    /// A field to return, e.g. `objectName`, `valuerange`, `parentURI`.
    Field {
        /// The field name.
        name: String,
    },
    /// `value:first-last`: bytes of the value, inclusive.
    ValueRange {
        /// First byte.
        first: u64,
        /// Last byte (inclusive).
        last: u64,
    },
    /// `children:first-last`: children by index, inclusive.
    ChildrenRange {
        /// First child.
        first: u64,
        /// Last child (inclusive).
        last: u64,
    },
    /// `values:n` (the first n queue values) or `values:first-last`.
    Values {
        /// First index (0 for the `values:n` form).
        first: u64,
        /// Count form `values:n` when `last` is `None`.
        count: Option<u64>,
        /// Last index of the range form.
        last: Option<u64>,
    },
    /// `metadata:prefix`: metadata items whose name starts with the prefix (reads), or the one
    /// item to add, replace or delete (updates).
    Metadata {
        /// The prefix or item name.
        prefix: String,
    },
    /// `exports:protocol=<p>,user=<u>,verbose="false"`.
    Exports {
        /// The `key=value` pairs, in order.
        params: Vec<(String, String)>,
    },
    /// Any other `name:parameter` (e.g. 2.0's extended child listing `children=[...]`), kept.
    Other {
        /// The name.
        name: String,
        /// The parameter, unescaped.
        param: String,
    },
}

/// A parsed query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Query {
    /// The syntax it was written in.
    pub syntax: QuerySyntax,
    /// Its items, in order.
    pub items: Vec<QueryItem>,
}

/// Why a query string cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("query string {text:?}: {reason} (at byte {offset})")]
pub struct QueryError {
    /// The text.
    pub text: String,
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub reason: String,
}

impl Query {
    /// Parses a query string, with or without the leading `?`; the syntax is told by the first
    /// separator (`;`/`:` for 1.x, `&`/`=` for 2.0). A dual-version server parses both.
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        let body = text.strip_prefix('?').unwrap_or(text);
        let base = text.len() - body.len();
        let syntax = match body.find([';', ':', '&', '=']).map(|i| body.as_bytes()[i]) {
            Some(b'&' | b'=') => QuerySyntax::V2,
            _ => QuerySyntax::V1,
        };
        let (sep, assign) = separators(syntax);
        let raw = match all_consuming(separated_list1(char(sep), raw_item(sep, assign))).parse(body)
        {
            Ok((_, raw)) => raw,
            Err(e) => {
                let rest = match &e {
                    nom::Err::Error(e) | nom::Err::Failure(e) => e.input,
                    nom::Err::Incomplete(_) => "",
                };
                let offset = base + body.len() - rest.len();
                return Err(QueryError {
                    text: text.to_owned(),
                    offset,
                    reason: "expected a field name".to_owned(),
                });
            }
        };
        let items = raw
            .into_iter()
            .map(|(name, param)| {
                let name = percent_decode(name).map_err(|r| QueryError {
                    text: text.to_owned(),
                    offset: base,
                    reason: r,
                })?;
                let param = param
                    .map(percent_decode)
                    .transpose()
                    .map_err(|r| QueryError {
                        text: text.to_owned(),
                        offset: base,
                        reason: r,
                    })?;
                Ok(QueryItem::from_parts(name, param))
            })
            .collect::<Result<_, QueryError>>()?;
        Ok(Self { syntax, items })
    }

    /// Renders in the given syntax (without the leading `?`).
    pub fn render(&self, syntax: QuerySyntax) -> String {
        let (sep, assign) = separators(syntax);
        let mut out = String::new();
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(sep);
            }
            let (name, param) = item.parts();
            // Every separator of either syntax is escaped in names: the syntax of a query is
            // told by the first separator character, so a name must contain none.
            out.push_str(&percent_encode(&name, &[';', ':', '&', '=']));
            if let Some(param) = param {
                out.push(assign);
                out.push_str(&percent_encode(&param, &[sep]));
            }
        }
        out
    }

    /// The metadata items named by `metadata:<name>` items (for an update, the only items
    /// that change, see [`crate::metadata::apply_update`]); `None` when there are none.
    pub fn metadata_names(&self) -> Option<Vec<String>> {
        let names: Vec<String> = self
            .items
            .iter()
            .filter_map(|i| match i {
                QueryItem::Metadata { prefix } => Some(prefix.clone()),
                _ => None,
            })
            .collect();
        (!names.is_empty()).then_some(names)
    }

    /// The fields a read returns: plain field names plus `value`, `children`, `metadata` for
    /// the ranged forms; `None` when the query selects nothing (all fields).
    pub fn selected_fields(&self) -> Option<Vec<String>> {
        let fields: Vec<String> = self
            .items
            .iter()
            .map(|item| match item {
                QueryItem::Field { name } | QueryItem::Other { name, .. } => name.clone(),
                QueryItem::ValueRange { .. } | QueryItem::Values { .. } => "value".to_owned(),
                QueryItem::ChildrenRange { .. } => "children".to_owned(),
                QueryItem::Metadata { .. } => "metadata".to_owned(),
                QueryItem::Exports { .. } => "exports".to_owned(),
            })
            .collect();
        (!fields.is_empty()).then_some(fields)
    }
}

impl fmt::Display for Query {
    /// The query in its original syntax, without the leading `?`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(self.syntax))
    }
}

impl QueryItem {
    fn from_parts(name: String, param: Option<String>) -> Self {
        let Some(param) = param else {
            return Self::Field { name };
        };
        let range = parse_range(&param);
        match (name.as_str(), range) {
            ("value", Some((first, last))) => Self::ValueRange { first, last },
            ("children", Some((first, last))) => Self::ChildrenRange { first, last },
            ("values", Some((first, last))) => Self::Values {
                first,
                count: None,
                last: Some(last),
            }
            .with_first(first),
            // A count too large for u64 falls through to `Other`, kept as text.
            ("values", None) if crate::object::parse_decimal(&param).is_some() => Self::Values {
                first: 0,
                count: crate::object::parse_decimal(&param),
                last: None,
            },
            ("metadata", _) => Self::Metadata { prefix: param },
            ("exports", _) => Self::Exports {
                params: param
                    .split(',')
                    .map(|kv| match kv.split_once('=') {
                        Some((k, v)) => (k.to_owned(), v.to_owned()),
                        None => (kv.to_owned(), String::new()),
                    })
                    .collect(),
            },
            _ => Self::Other { name, param },
        }
    }

    fn with_first(self, f: u64) -> Self {
        match self {
            Self::Values { count, last, .. } => Self::Values {
                first: f,
                count,
                last,
            },
            other => other,
        }
    }

    fn parts(&self) -> (String, Option<String>) {
        match self {
            Self::Field { name } => (name.clone(), None),
            Self::ValueRange { first, last } => ("value".into(), Some(format!("{first}-{last}"))),
            Self::ChildrenRange { first, last } => {
                ("children".into(), Some(format!("{first}-{last}")))
            }
            Self::Values { first, count, last } => (
                "values".into(),
                Some(match (count, last) {
                    (Some(n), _) => n.to_string(),
                    (None, Some(l)) => format!("{first}-{l}"),
                    (None, None) => first.to_string(),
                }),
            ),
            Self::Metadata { prefix } => ("metadata".into(), Some(prefix.clone())),
            Self::Exports { params } => (
                "exports".into(),
                Some(
                    params
                        .iter()
                        .map(|(k, v)| {
                            if v.is_empty() {
                                k.clone()
                            } else {
                                format!("{k}={v}")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                ),
            ),
            Self::Other { name, param } => (name.clone(), Some(param.clone())),
        }
    }
}

/// A human-readable listing of a query: one line per item, then both renderings.
pub fn describe(query: &Query) -> String {
    let mut out = format!(
        "syntax    {}\n",
        match query.syntax {
            QuerySyntax::V1 => "1.x (; and :)",
            QuerySyntax::V2 => "2.0 (& and =)",
        }
    );
    for item in &query.items {
        let line = match item {
            QueryItem::Field { name } => format!("field     {name}"),
            QueryItem::ValueRange { first, last } => {
                format!("value     bytes {first}-{last} (inclusive)")
            }
            QueryItem::ChildrenRange { first, last } => {
                format!("children  {first}-{last} (inclusive)")
            }
            QueryItem::Values {
                first,
                count: Some(n),
                ..
            } => format!("values    first {n} from {first}"),
            QueryItem::Values { first, last, .. } => {
                format!("values    {first}-{} (inclusive)", last.unwrap_or(*first))
            }
            QueryItem::Metadata { prefix } => format!("metadata  items starting with {prefix:?}"),
            QueryItem::Exports { params } => {
                let p: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("exports   {}", p.join(", "))
            }
            QueryItem::Other { name, param } => format!("other     {name} = {param:?}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    let _ = writeln!(out, "as 1.x    ?{}", query.render(QuerySyntax::V1));
    let _ = writeln!(out, "as 2.0    ?{}", query.render(QuerySyntax::V2));
    out
}

fn separators(syntax: QuerySyntax) -> (char, char) {
    match syntax {
        QuerySyntax::V1 => (';', ':'),
        QuerySyntax::V2 => ('&', '='),
    }
}

// name [assign param]; the parameter runs to the next item separator.
fn raw_item(sep: char, assign: char) -> impl Fn(&str) -> IResult<&str, (&str, Option<&str>)> {
    move |input| {
        (
            take_while1(move |c: char| c != sep && c != assign),
            opt(preceded(char(assign), take_till(move |c: char| c == sep))),
        )
            .parse(input)
    }
}

fn parse_range(text: &str) -> Option<(u64, u64)> {
    let number = || map_res(digit1::<&str, nom::error::Error<&str>>, str::parse::<u64>);
    let result = all_consuming(alt((
        separated_pair(number(), tag("-"), number()),
        map(number(), |n| (n, u64::MAX)),
    )))
    .parse(text);
    match result {
        Ok((_, (first, last))) if last != u64::MAX && first <= last => Some((first, last)),
        _ => None,
    }
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(hex) = hex else {
                return Err(format!("bad percent-escape at byte {i}"));
            };
            out.push(u8::from_str_radix(hex, 16).map_err(|e| e.to_string())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent-escapes do not decode to UTF-8".to_owned())
}

// Names escape every separator (see `render`); parameters only the item separator (a parameter may hold the
// assignment character, as in `exports=protocol=...`).
fn percent_encode(text: &str, forbidden: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let c = char::from(b);
        let safe = b.is_ascii_alphanumeric() || "-._~/!,[]=:\"*".contains(c);
        if safe && !forbidden.contains(&c) {
            out.push(c);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_syntaxes_give_one_form() {
        let v1 = Query::parse("?objectName;metadata:cdmi_;value:0-99;children:0-4").unwrap();
        let v2 = Query::parse("?objectName&metadata=cdmi_&value=0-99&children=0-4").unwrap();
        assert_eq!(v1.items, v2.items);
        assert_eq!(v1.syntax, QuerySyntax::V1);
        assert_eq!(v2.syntax, QuerySyntax::V2);
        assert_eq!(
            v1.to_string(),
            "objectName;metadata:cdmi_;value:0-99;children:0-4"
        );
        assert_eq!(
            v1.render(QuerySyntax::V2),
            "objectName&metadata=cdmi_&value=0-99&children=0-4"
        );
        assert_eq!(
            v1.items,
            vec![
                QueryItem::Field {
                    name: "objectName".into()
                },
                QueryItem::Metadata {
                    prefix: "cdmi_".into()
                },
                QueryItem::ValueRange { first: 0, last: 99 },
                QueryItem::ChildrenRange { first: 0, last: 4 },
            ]
        );
    }

    #[test]
    fn queue_values_exports_and_escapes() {
        let q = Query::parse("metadata:colour;metadata:shape").unwrap();
        assert_eq!(
            q.metadata_names(),
            Some(vec!["colour".to_owned(), "shape".to_owned()])
        );
        let q = Query::parse("mimetype;valuerange;values:2").unwrap();
        assert_eq!(
            q.items[2],
            QueryItem::Values {
                first: 0,
                count: Some(2),
                last: None
            }
        );
        let q = Query::parse("values:10-19").unwrap();
        assert_eq!(
            q.items[0],
            QueryItem::Values {
                first: 10,
                count: None,
                last: Some(19)
            }
        );
        assert_eq!(q.to_string(), "values:10-19");
        let q = Query::parse("exports:protocol=OCCI/iSCSI,verbose=\"false\"").unwrap();
        assert_eq!(
            q.items[0],
            QueryItem::Exports {
                params: vec![
                    ("protocol".into(), "OCCI/iSCSI".into()),
                    ("verbose".into(), "\"false\"".into())
                ]
            }
        );
        let q = Query::parse("objectName&metadata=%40user").unwrap();
        assert_eq!(
            q.items[1],
            QueryItem::Metadata {
                prefix: "@user".into()
            }
        );
        assert_eq!(q.to_string(), "objectName&metadata=%40user");
        assert!(Query::parse("?;;").is_err());
        // Found by the cdmi_query fuzz target: an escaped '=' in a name must stay escaped
        // in the 1.x rendering, or the rendering reads back as 2.0 syntax.
        let q = Query::parse("a%3db").unwrap();
        assert_eq!(q.items, vec![QueryItem::Field { name: "a=b".into() }]);
        assert_eq!(q.render(QuerySyntax::V1), "a%3Db");
        assert_eq!(
            Query::parse(&q.render(QuerySyntax::V1)).unwrap().items,
            q.items
        );
        assert!(Query::parse("metadata:%4").is_err());
    }
}
