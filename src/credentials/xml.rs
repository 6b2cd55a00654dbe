//! A small, strict XML reader for the few fields the credential providers need from STS
//! responses. It builds a tree of elements and their text, rejects anything malformed
//! (unclosed or mismatched tags, a bad entity, text outside the root), skips the XML
//! declaration, comments and attributes, and knows the five predefined entities and
//! numeric character references. No DTDs, no CDATA: STS sends neither.

/// One element: its name (without namespace prefix), text and children.
/// The deepest nesting accepted.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child of that name.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The element at a path of child names.
    #[cfg(test)]
    pub(crate) fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }
}

fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').ok_or("an entity without ';'")? + i;
        let name = &rest[i + 1..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or("a bad character reference")?,
            n if n.starts_with('#') => n[1..]
                .parse::<u32>()
                .ok()
                .and_then(char::from_u32)
                .ok_or("a bad character reference")?,
            _ => return Err(format!("an unknown entity &{name};")),
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn local_name(tag: &str) -> &str {
    tag.rsplit(':').next().unwrap_or(tag)
}

/// Parses a document into its root element.
pub(crate) fn parse(doc: &str) -> Result<Element, String> {
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut rest = doc;
    loop {
        let next = rest.find('<');
        let text = &rest[..next.unwrap_or(rest.len())];
        match stack.last_mut() {
            Some(top) => top.text.push_str(&unescape(text)?),
            None if !text.trim().is_empty() => return Err("text outside the root element".into()),
            None => {}
        }
        let Some(start) = next else { break };
        rest = &rest[start..];
        if let Some(r) = rest.strip_prefix("<?") {
            let end = r.find("?>").ok_or("an unclosed declaration")?;
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("an unclosed comment")?;
            rest = &r[end + 3..];
        } else if rest.starts_with("<!") {
            return Err("DTDs and CDATA are not supported".into());
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("an unclosed end tag")?;
            let name = local_name(r[..end].trim());
            let el = stack.pop().ok_or("an end tag without a start tag")?;
            if el.name != name {
                return Err(format!("</{name}> closes <{}>", el.name));
            }
            match stack.last_mut() {
                Some(parent) => parent.children.push(el),
                None if root.is_none() => root = Some(el),
                None => return Err("more than one root element".into()),
            }
            rest = &r[end + 1..];
        } else {
            let r = &rest[1..];
            let end = r.find('>').ok_or("an unclosed start tag")?;
            let inner = &r[..end];
            let self_closing = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let name = local_name(inner.split_whitespace().next().ok_or("an empty tag")?);
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c)) {
                return Err(format!("a bad tag name {name:?}"));
            }
            if root.is_some() && stack.is_empty() {
                return Err("more than one root element".into());
            }
            let el = Element {
                name: name.to_owned(),
                ..Element::default()
            };
            if self_closing {
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            } else {
                // Real STS answers nest about 5 deep; a hostile one must not build a tree
                // whose drop recurses deeper than the stack.
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                }
                stack.push(el);
            }
            rest = &r[end + 1..];
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{}> is not closed", open.name));
    }
    root.ok_or_else(|| "no root element".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_sts_response() {
        let doc = r#"<?xml version="1.0"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIA&amp;X</AccessKeyId>
      <SecretAccessKey>s&#x2F;e&#47;c</SecretAccessKey>
      <SessionToken>tok&lt;&gt;&quot;&apos;</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser><Arn>arn</Arn><!-- c --><Empty/></AssumedRoleUser>
  </AssumeRoleResult>
</AssumeRoleResponse>"#;
        let root = parse(doc).unwrap();
        let c = root.path(&["AssumeRoleResult", "Credentials"]).unwrap();
        assert_eq!(c.child("AccessKeyId").unwrap().text, "ASIA&X");
        assert_eq!(c.child("SecretAccessKey").unwrap().text, "s/e/c");
        assert_eq!(c.child("SessionToken").unwrap().text, "tok<>\"'");
        assert!(root
            .path(&["AssumeRoleResult", "AssumedRoleUser", "Empty"])
            .is_some());
    }

    #[test]
    fn rejects_malformed_documents() {
        for doc in [
            "",
            "text",
            "<a>",
            "<a></b>",
            "</a>",
            "<a></a><b></b>",
            "<a>&bogus;</a>",
            "<a>&amp</a>",
            "<a><!DOCTYPE x></a>",
            "<a><![CDATA[x]]></a>",
            "<a",
            "<a><b></a></b>",
            "<>",
            "<a>&#xZZ;</a>",
            "x<a></a>",
        ] {
            assert!(parse(doc).is_err(), "{doc:?}");
        }
    }
}
