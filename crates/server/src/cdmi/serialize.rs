//! `serialize` and `deserialize` (clause 15), in bounded memory both ways.
//!
//! Serialize: `PUT obj {"serialize": URI}` stores the canonical JSON form (15.3.2) of a data
//! object or a container tree as `obj`'s value: each object's full read representation,
//! containers with `children` as an array of complete child objects, `children` and `value`
//! last; the JSON is generated as the blob is written, values Base64-encoded chunk by chunk
//! (UTF-8 values that fit a CDMI body are written as text, escaped).
//!
//! Deserialize: `PUT dest {"deserialize": URI}` (or `"deserializevalue"`, the serialized form
//! in Base64) recreates the tree at `dest` with its metadata and, where no object here has
//! them, its object IDs (15.3). The serialized blob is read twice: a scan keeps everything
//! but the values (their byte spans instead); each value is then streamed from its span
//! through a JSON-unescape and Base64 decoder into its own blob.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_util::stream::StreamExt;
use serde_json::{Map, Value};
use tern_cdmi::body::CdmiObject;
use tern_store::{BlobStore, ByteStream, CdmiRecord};

use super::scan::{SPAN, scan};
use super::transcode::{Decode, Encode, Unescape, transform};

use super::copy::{apply_plan, source_path};
use super::ops::{CONTAINER, represent, store_failed};
use super::plan::{Content, Planned, blob_key};
use super::{Cdmi, CdmiPath, Stored, error};

/// `{"serialize": URI}`: a new data object at `path` whose value is the source's serialized
/// form.
pub(super) async fn serialize(
    cdmi: &Cdmi,
    path: &CdmiPath,
    source: &str,
    object: &CdmiObject,
    existed: bool,
) -> Result<Response, Response> {
    if path.container {
        return Err(error(
            400,
            "CDMI-SERIALIZE",
            "a serialization is a data object: its URI does not end with /",
        ));
    }
    let from = source_path(cdmi, source).await?;
    let rows = tree_rows(cdmi, from.key()).await?;
    let Some(root) = rows.first() else {
        return Err(error(
            404,
            "CDMI-NOT-FOUND",
            format!("no object at {}", from.key()),
        ));
    };
    let parent_id = match &root.parent {
        Some(p) => {
            let p = p.clone();
            tern_store::read(cdmi.store.as_ref(), move |tx| tx.cdmi_get(&p))
                .await
                .map_err(|e| store_failed(&e))?
                .map(|r| r.object_id)
        }
        None => None,
    };
    let root_stored = Stored::from_json(&root.body);
    let plan = vec![Planned {
        suffix: String::new(),
        container: false,
        object_id: None,
        mimetype: Some(root.object_type.clone()),
        encoding: Some("utf-8".into()),
        metadata: root_stored.metadata,
        exports: None,
        content: Content::Stream(writer(
            Arc::clone(&cdmi.blobs),
            pieces(&rows, parent_id.as_deref(), cdmi.inline_limit),
        )),
    }];
    apply_plan(cdmi, path, plan, object, existed).await
}

/// `{"deserialize": URI}` or `{"deserializevalue": Base64}`: the serialized tree recreated
/// at `path`.
pub(super) async fn deserialize(
    cdmi: &Cdmi,
    path: &CdmiPath,
    object: &CdmiObject,
    existed: bool,
) -> Result<Response, Response> {
    // The serialized form is read from a blob: the source's, or one written from the inline
    // value (deleted after).
    let (key, size, temporary) = if let Some(source) = &object.deserialize {
        let from = source_path(cdmi, source).await?;
        let rows = tree_rows(cdmi, from.key()).await?;
        let stored = rows
            .first()
            .filter(|r| r.object_type != CONTAINER)
            .map(|r| Stored::from_json(&r.body))
            .ok_or_else(|| {
                error(
                    404,
                    "CDMI-NOT-FOUND",
                    format!("no data object at {}", from.key()),
                )
            })?;
        if stored.is_sparse() {
            return Err(error(
                400,
                "CDMI-DESERIALIZE",
                format!("{} holds no serialized object", from.key()),
            ));
        }
        match &stored.blob {
            Some(blob) => (blob.clone(), stored.size, false),
            // Written in pieces: read through a blob of its own (deleted after).
            None => {
                let value = super::read::value_stream(cdmi, &stored, 0..stored.size).await?;
                let (key, size, _) =
                    super::plan::store_value(cdmi, value, false, None, false).await?;
                (key, size, true)
            }
        }
    } else {
        let text = object.deserialize_value.as_deref().unwrap_or_default();
        let bytes = STANDARD.decode(text.trim()).map_err(|e| {
            error(
                400,
                "CDMI-BASE64",
                format!("deserializevalue: not Base64: {e}"),
            )
        })?;
        let key = blob_key(cdmi)?;
        let size = bytes.len() as u64;
        let stream = futures_util::stream::iter([Ok(Bytes::from(bytes))]).boxed();
        cdmi.blobs
            .put(&key, stream, cdmi.object_limit)
            .await
            .map_err(|e| super::ops::blob_failed(&e))?;
        (key, size, true)
    };
    let outcome = deserialize_blob(cdmi, path, &key, size, object, existed).await;
    if temporary {
        cdmi.delete_blobs(vec![key]).await;
    }
    outcome
}

async fn deserialize_blob(
    cdmi: &Cdmi,
    path: &CdmiPath,
    key: &str,
    size: u64,
    object: &CdmiObject,
    existed: bool,
) -> Result<Response, Response> {
    let stream = cdmi
        .blobs
        .get(key, Some(0..size))
        .await
        .map_err(|e| super::ops::blob_failed(&e))?;
    let skeleton = scan(stream, cdmi.inline_limit).await?;
    let plan = plan_of(&skeleton, key)?;
    apply_plan(cdmi, path, plan, object, existed).await
}

/// The value of a JSON string inside a serialized blob (`span`: the bytes between its
/// quotes), unescaped and, when `base64`, decoded, as it streams.
pub(super) async fn decoded(
    cdmi: &Cdmi,
    key: &str,
    span: Range<u64>,
    base64: bool,
) -> Result<ByteStream, Response> {
    let raw = if span.is_empty() {
        futures_util::stream::empty().boxed()
    } else {
        cdmi.blobs
            .get(key, Some(span))
            .await
            .map_err(|e| super::ops::blob_failed(&e))?
    };
    let text = transform(raw, Unescape::default(), Unescape::step, Unescape::finish);
    Ok(if base64 {
        transform(text, Decode::default(), Decode::step, Decode::finish)
    } else {
        text
    })
}

// The rows of the tree at `key`, depth first, parents before children.
async fn tree_rows(cdmi: &Cdmi, key: String) -> Result<Vec<CdmiRecord>, Response> {
    tern_store::read(cdmi.store.as_ref(), move |tx| {
        let mut out = Vec::new();
        let Some(root) = tx.cdmi_get(&key)? else {
            return Ok(out);
        };
        let mut pending = vec![root];
        while let Some(row) = pending.pop() {
            if row.object_type == CONTAINER {
                let mut children = tx.cdmi_children(&row.path, 0, u64::MAX >> 1)?;
                children.reverse();
                pending.extend(children);
            }
            out.push(row);
        }
        Ok(out)
    })
    .await
    .map_err(|e| store_failed(&e))
}

// A piece of the serialized form: JSON text, or a value streamed from its blob.
enum Piece {
    Text(String),
    // A data object's value (its extents: blobs or zeros): Base64, or when `utf8`
    // an escaped JSON string (read whole: it fits a CDMI body).
    Value {
        pieces: Vec<super::extents::Extent>,
        size: u64,
        utf8: bool,
    },
}

// The serialized form of `rows` (depth first, parents first) as pieces.
fn pieces(rows: &[CdmiRecord], root_parent_id: Option<&str>, inline: u64) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    // The containers open around the current row: their paths.
    let mut open: Vec<String> = Vec::new();
    let ids: std::collections::HashMap<&str, &str> = rows
        .iter()
        .map(|r| (r.path.as_str(), r.object_id.as_str()))
        .collect();
    for (i, row) in rows.iter().enumerate() {
        while let Some(top) = open.last() {
            if row.parent.as_deref() == Some(top.as_str()) {
                break;
            }
            text.push_str("]}");
            open.pop();
        }
        let first_child = i > 0 && rows[i - 1].path == *row.parent.as_deref().unwrap_or_default();
        if i > 0 && !first_child {
            text.push(',');
        }
        let stored = Stored::from_json(&row.body);
        let parent_id = if i == 0 {
            root_parent_id.map(str::to_owned)
        } else {
            row.parent
                .as_deref()
                .and_then(|p| ids.get(p))
                .map(|s| (*s).to_owned())
        };
        let parent = parent_id.map(|id| CdmiRecord {
            object_id: id,
            path: String::new(),
            parent: None,
            object_type: CONTAINER.into(),
            body: String::new(),
        });
        let mut object = represent(row, parent.as_ref(), &stored);
        let container = row.object_type == CONTAINER;
        if !container {
            object.mimetype = stored.mimetype.clone().map(tern_cdmi::body::OneOrMany::One);
        }
        let Value::Object(fields) = object.to_json() else {
            continue;
        };
        open_fields(&mut text, &fields);
        if container {
            let count = rows
                .iter()
                .filter(|r| r.parent.as_deref() == Some(row.path.as_str()))
                .count();
            let range = if count == 0 {
                String::new()
            } else {
                format!("0-{}", count - 1)
            };
            let _ = write!(text, "\"childrenrange\":\"{range}\",\"children\":[");
            open.push(row.path.clone());
            continue;
        }
        let size = stored.size;
        let range = if size == 0 {
            String::new()
        } else {
            format!("0-{}", size - 1)
        };
        let _ = write!(text, "\"valuerange\":\"{range}\",");
        // UTF-8 text that fits a CDMI body stays text; anything else goes as Base64.
        let utf8 = stored.encoding.as_deref() == Some("utf-8") && size <= inline;
        let (encoding, quote) = if utf8 {
            ("utf-8", "")
        } else {
            ("base64", "\"")
        };
        let _ = write!(
            text,
            "\"valuetransferencoding\":\"{encoding}\",\"value\":{quote}"
        );
        out.push(Piece::Text(std::mem::take(&mut text)));
        out.push(Piece::Value {
            pieces: stored.pieces(),
            size,
            utf8,
        });
        text.push_str(quote);
        text.push('}');
    }
    for _ in open {
        text.push_str("]}");
    }
    out.push(Piece::Text(text));
    out
}

// `{"a":1,"b":2` followed by `,` (the object left open for the fields written after).
fn open_fields(text: &mut String, fields: &Map<String, Value>) {
    let mut fields = fields.clone();
    for late in [
        "valuerange",
        "valuetransferencoding",
        "value",
        "childrenrange",
        "children",
    ] {
        fields.shift_remove(late);
    }
    let json = serde_json::to_string(&Value::Object(fields)).unwrap_or_else(|_| "{}".into());
    text.push_str(json.strip_suffix('}').unwrap_or("{"));
    if json.len() > 2 {
        text.push(',');
    }
}

// The pieces as one byte stream, values read from their blobs as it goes.
fn writer(blobs: Arc<dyn BlobStore>, pieces: Vec<Piece>) -> ByteStream {
    futures_util::stream::iter(pieces)
        .then(move |piece| {
            let blobs = Arc::clone(&blobs);
            async move {
                match piece {
                    Piece::Text(t) => futures_util::stream::iter([Ok(Bytes::from(t))]).boxed(),
                    Piece::Value { pieces, size, utf8 } => {
                        let raw = match super::extents::open(&blobs, &pieces, 0..size).await {
                            Ok(s) => s,
                            Err(e) => futures_util::stream::iter([Err(e)]).boxed(),
                        };
                        if utf8 {
                            escaped_text(raw)
                        } else {
                            transform(raw, Encode::default(), Encode::step, Encode::finish)
                        }
                    }
                }
            }
        })
        .flatten()
        .boxed()
}

// A small UTF-8 value as a JSON string (read whole: it fits a CDMI body).
fn escaped_text(raw: ByteStream) -> ByteStream {
    futures_util::stream::once(async move {
        let mut bytes = Vec::new();
        let mut raw = raw;
        while let Some(chunk) = raw.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        let text = String::from_utf8_lossy(&bytes);
        Ok(Bytes::from(
            serde_json::to_string(&text).unwrap_or_else(|_| "\"\"".into()),
        ))
    })
    .boxed()
}

// The plan of a scanned serialized tree; values are spans of the blob `key`.
fn plan_of(skeleton: &Value, key: &str) -> Result<Vec<Planned>, Response> {
    let mut out = Vec::new();
    let mut pending = vec![(skeleton, String::new())];
    while let Some((node, suffix)) = pending.pop() {
        let Value::Object(fields) = node else {
            return Err(malformed("an object of the tree is not a JSON object"));
        };
        let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
        let container = match text("objectType").as_deref() {
            Some("application/cdmi-container") => true,
            Some("application/cdmi-object") => false,
            other => {
                return Err(malformed(&format!(
                    "objectType {other:?}: containers and data objects are deserialized here"
                )));
            }
        };
        let metadata = fields
            .get("metadata")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let content = if container {
            let children = fields
                .get("children")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for child in children.iter().rev() {
                let name = child
                    .get("objectName")
                    .and_then(Value::as_str)
                    .ok_or_else(|| malformed("a child has no objectName"))?;
                let checked = CdmiPath::parse(&format!("/{name}"))
                    .ok()
                    .filter(|p| p.segments.len() == 1)
                    .ok_or_else(|| malformed(&format!("the child name {name:?} is refused")))?;
                pending.push((
                    child,
                    format!("{suffix}{}", checked.name().unwrap_or_default()),
                ));
            }
            Content::Empty
        } else {
            match fields.get("value") {
                None | Some(Value::Null) => Content::Empty,
                Some(span) => {
                    let pair = span
                        .get(SPAN)
                        .and_then(Value::as_array)
                        .and_then(|a| Some((a.first()?.as_u64()?, a.get(1)?.as_u64()?)))
                        .ok_or_else(|| malformed("a value is not a JSON string"))?;
                    Content::Serialized {
                        key: key.to_owned(),
                        span: pair.0..pair.1,
                        base64: text("valuetransferencoding").as_deref() == Some("base64"),
                    }
                }
            }
        };
        out.push(Planned {
            suffix,
            container,
            object_id: text("objectID"),
            mimetype: text("mimetype"),
            encoding: if container {
                None
            } else {
                Some(text("valuetransferencoding").unwrap_or_else(|| "utf-8".into()))
            },
            metadata,
            exports: None,
            content,
        });
    }
    Ok(out)
}

fn malformed(message: &str) -> Response {
    error(400, "CDMI-DESERIALIZE", message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn skeleton(text: &'static [u8]) -> Value {
        let stream = futures_util::stream::iter([Ok(Bytes::from_static(text))]).boxed();
        let scanned = scan(stream, 1 << 20).await;
        assert!(scanned.is_ok(), "the scan failed");
        scanned.unwrap_or_default()
    }

    #[tokio::test]
    async fn a_scanned_tree_plans_parents_first() {
        let text = br#"{"objectType":"application/cdmi-container","children":[{"objectType":"application/cdmi-object","objectName":"a","valuetransferencoding":"base64","value":"aGk="},{"objectType":"application/cdmi-container","objectName":"s/","children":[]}]}"#;
        let plan = plan_of(&skeleton(text).await, "k").unwrap();
        let suffixes: Vec<_> = plan.iter().map(|p| p.suffix.as_str()).collect();
        assert_eq!(suffixes, ["", "a", "s/"]);
        assert!(matches!(
            plan[1].content,
            Content::Serialized { base64: true, .. }
        ));
        let bad = br#"{"objectType":"application/cdmi-container","children":[{"objectType":"application/cdmi-object","objectName":".."}]}"#;
        assert!(plan_of(&skeleton(bad).await, "k").is_err());
    }
}
