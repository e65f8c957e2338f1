//! Request paths: percent-decoded segment by segment, and refused when a segment could leave
//! its container (`..`, `.`), hides a separator (`%2F`, `%5C`) or holds NUL or `?`.

/// A checked path: decoded segments, and whether it ends in `/` (a container).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CdmiPath {
    pub(crate) segments: Vec<String>,
    pub(crate) container: bool,
}

impl CdmiPath {
    /// Decodes and checks a raw request path (`/a/b%20c/`).
    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        let Some(rest) = raw.strip_prefix('/') else {
            return Err(format!("the path {raw:?} does not start with /"));
        };
        let container = rest.is_empty() || rest.ends_with('/');
        let trimmed = rest.strip_suffix('/').unwrap_or(rest);
        let mut segments = Vec::new();
        if !trimmed.is_empty() {
            for raw_segment in trimmed.split('/') {
                segments.push(segment(raw_segment)?);
            }
        }
        Ok(CdmiPath {
            segments,
            container,
        })
    }

    /// The key the object is stored under: `/a/b` or `/a/b/`; the root container is `/`.
    pub(crate) fn key(&self) -> String {
        let mut key = String::from("/");
        key.push_str(&self.segments.join("/"));
        if self.container && !self.segments.is_empty() {
            key.push('/');
        }
        key
    }

    /// The parent container's key (`None` for the root).
    pub(crate) fn parent_key(&self) -> Option<String> {
        let (_, init) = self.segments.split_last()?;
        let mut key = String::from("/");
        for s in init {
            key.push_str(s);
            key.push('/');
        }
        Some(key)
    }

    /// The last segment, with `/` for a container (`objectName`).
    pub(crate) fn name(&self) -> Option<String> {
        let last = self.segments.last()?;
        Some(if self.container {
            format!("{last}/")
        } else {
            last.clone()
        })
    }

    /// The same path as a container (`/c` → `/c/`).
    pub(crate) fn as_container(&self) -> CdmiPath {
        CdmiPath {
            segments: self.segments.clone(),
            container: true,
        }
    }
}

// One segment, percent-decoded and checked.
fn segment(raw: &str) -> Result<String, String> {
    let refuse = |why: &str| Err(format!("the path segment {raw:?} is refused: {why}"));
    if raw.is_empty() {
        return refuse("empty segment (`//`)");
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(b) = hex else {
                return refuse("bad percent escape");
            };
            if b == b'/' || b == b'\\' {
                return refuse("an encoded slash");
            }
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let Ok(text) = String::from_utf8(out) else {
        return refuse("not UTF-8");
    };
    if text.contains('\0') {
        return refuse("NUL");
    }
    if text.contains('?') {
        return refuse("`?` in a name (CDMI 5.13.6)");
    }
    if text == ".." || text == "." {
        return refuse("path traversal");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_refuses() {
        let p = CdmiPath::parse("/a/b%20c/").unwrap();
        assert_eq!(p.segments, ["a", "b c"]);
        assert!(p.container);
        assert_eq!(p.key(), "/a/b c/");
        assert_eq!(p.parent_key().as_deref(), Some("/a/"));
        assert_eq!(CdmiPath::parse("/").unwrap().key(), "/");
        for bad in [
            "/a/../b",
            "/a/%2e%2e/b",
            "/a%2Fb",
            "/a%00",
            "/a%5cb",
            "/a//b",
            "/%zz",
        ] {
            assert!(CdmiPath::parse(bad).is_err(), "{bad}");
        }
    }
}
