//! The serialized form (1.1.1 clause 15.3.2): an object's full read representation, containers
//! with `children` as an array of complete child objects, recursively. `children` comes last,
//! so a writer can stream a large tree child by child and a reader can start before the end.

use std::io::{self, Write};

use serde_json::Value;

use crate::representation::{CdmiObject, Children};

/// A container with its children attached as complete objects (the form `serialize` stores).
pub fn with_children(container: &CdmiObject, children: Vec<CdmiObject>) -> CdmiObject {
    let mut out = container.clone();
    out.children_range = None;
    out.children = Some(Children::Objects(children));
    out
}

/// Writes `parent` (whose own `children` are ignored) followed by `children` one at a time,
/// never holding the whole tree: compact JSON, `children` last.
pub fn write_streaming<W: Write>(
    out: &mut W,
    parent: &CdmiObject,
    children: impl IntoIterator<Item = CdmiObject>,
) -> io::Result<()> {
    let mut head = parent.clone();
    head.children = None;
    let Value::Object(fields) = head.to_json() else {
        unreachable!("to_json returns an object")
    };
    out.write_all(b"{")?;
    for (key, value) in &fields {
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, value)?;
        out.write_all(b",")?;
    }
    out.write_all(b"\"children\":[")?;
    for (i, child) in children.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &child.to_json())?;
    }
    out.write_all(b"]}")
}

/// Every object of a serialized tree, depth first, the root first.
pub fn walk(root: &CdmiObject) -> Vec<&CdmiObject> {
    let mut out = vec![root];
    if let Some(Children::Objects(children)) = &root.children {
        for child in children {
            out.extend(walk(child));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{self, ParseOptions};
    use crate::object::ObjectType;

    #[test]
    fn streamed_tree_reads_back_as_the_built_one() {
        let leaf = CdmiObject {
            object_type: Some(ObjectType::DataObject),
            object_id: Some("00007ED90010D891022876A8DE0BC0FD".into()),
            object_name: Some("a.txt".into()),
            value: Some("hello".into()),
            ..CdmiObject::default()
        };
        let root = CdmiObject {
            object_type: Some(ObjectType::Container),
            object_id: Some("00007ED900104E1D14771DC67C27BF8B".into()),
            object_name: Some("c/".into()),
            ..CdmiObject::default()
        };
        let tree = with_children(&root, vec![leaf.clone()]);
        let mut streamed = Vec::new();
        write_streaming(&mut streamed, &root, vec![leaf]).unwrap();
        let text = String::from_utf8(streamed).unwrap();
        let back = body::parse(&text, &ParseOptions::default()).object.unwrap();
        assert_eq!(back, tree);
        assert_eq!(walk(&back).len(), 2);
    }
}
