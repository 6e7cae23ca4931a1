//! Just enough XML for STS answers: the text of the first element with a given name.
//! STS answers are small and flat; names such as `AccessKeyId` occur once.

/// The decoded text of the first `<name>…</name>` (or `<name attr="…">…</name>`).
pub fn text(doc: &str, name: &str) -> Option<String> {
    let mut from = 0;
    loop {
        let open = from + doc[from..].find(&format!("<{name}"))?;
        let after = open + 1 + name.len();
        let rest = &doc[after..];
        // `<Name>` or `<Name attr…>`, not `<NameOther>`.
        match rest.chars().next()? {
            '>' => {
                let start = after + 1;
                let end = start + doc[start..].find(&format!("</{name}>"))?;
                return Some(decode(&doc[start..end]));
            }
            c if c.is_whitespace() => {
                let close = after + rest.find('>')?;
                if doc[..close].ends_with('/') {
                    return Some(String::new());
                }
                let start = close + 1;
                let end = start + doc[start..].find(&format!("</{name}>"))?;
                return Some(decode(&doc[start..end]));
            }
            '/' => return Some(String::new()),
            _ => from = after,
        }
    }
}

/// The five named entities and numeric references; CDATA sections unwrapped.
fn decode(s: &str) -> String {
    let s = s.trim();
    if let Some(inner) = s
        .strip_prefix("<![CDATA[")
        .and_then(|r| r.strip_suffix("]]>"))
    {
        return inner.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_elements() {
        let doc = "<A><AccessKeyIdX>no</AccessKeyIdX><AccessKeyId>AKID</AccessKeyId><B a=\"1\">x &amp; y &#65;&#x42;</B><C/></A>";
        assert_eq!(text(doc, "AccessKeyId").as_deref(), Some("AKID"));
        assert_eq!(text(doc, "B").as_deref(), Some("x & y AB"));
        assert_eq!(text(doc, "C").as_deref(), Some(""));
        assert_eq!(text(doc, "D"), None);
        assert_eq!(text("<A>unclosed", "A"), None);
        assert_eq!(text("<A><![CDATA[<x>]]></A>", "A").as_deref(), Some("<x>"));
        assert_eq!(text("<A>&bogus; &</A>", "A").as_deref(), Some("&bogus; &"));
    }
}
