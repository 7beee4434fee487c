//! Links a page may not carry: no URL taken from any input (data, front
//! matter, a brief, a template) may run script or smuggle content, so a
//! `javascript:`, `vbscript:` or `data:` address is refused wherever it
//! would become a link. Browsers ignore case, leading spaces, and tabs and
//! newlines inside the scheme, and decode character references in
//! attributes, so the check does the same before it compares.

/// The schemes refused in any link.
const REFUSED_SCHEMES: [&str; 3] = ["javascript:", "vbscript:", "data:"];

/// The attributes whose value a browser follows or loads as a URL.
const URL_ATTRIBUTES: [&str; 17] = [
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "cite",
    "background",
    "data",
    "manifest",
    "ping",
    "longdesc",
    "usemap",
    "codebase",
    "icon",
    "lowsrc",
];

/// Whether `url` (as a browser reads it, character references already
/// decoded) has a refused scheme.
pub fn is_refused_url(url: &str) -> bool {
    // Browsers drop leading spaces and control characters, and tabs and
    // newlines anywhere, before they read the scheme.
    let mut scheme = String::new();
    for c in url.chars() {
        if c.is_ascii_control() || (scheme.is_empty() && c == ' ') {
            continue;
        }
        scheme.push(c.to_ascii_lowercase());
        if c == ':' || scheme.len() > 16 {
            break;
        }
    }
    REFUSED_SCHEMES.iter().any(|s| scheme == *s)
}

/// The first URL attribute in the HTML `html` whose value has a refused
/// scheme, with its byte offset; `None` when there is none. Comments are
/// skipped; a value's character references are decoded as a browser would.
pub fn first_refused_attribute(html: &str) -> Option<(usize, String)> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(open) = html[i..].find('<').map(|o| i + o) {
        if html[open..].starts_with("<!--") {
            i = html[open..]
                .find("-->")
                .map_or(html.len(), |e| open + e + 3);
            continue;
        }
        i = open + 1;
        // The tag's name, then its attributes up to `>`.
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b">/".contains(&bytes[i]) {
            i += 1;
        }
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i])
            {
                i += 1;
            }
            let name = &html[name_start..i];
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] != b'=' {
                continue;
            }
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (value_start, value_end) = match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = html[i + 1..]
                        .find(q as char)
                        .map_or(html.len(), |e| i + 1 + e);
                    (i + 1, end)
                }
                _ => {
                    let end = html[i..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(html.len(), |e| i + e);
                    (i, end)
                }
            };
            i = (value_end + 1).min(html.len());
            let is_url = URL_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name));
            // CSS and a refresh carry addresses inside their values.
            let inner = name.eq_ignore_ascii_case("style") || name.eq_ignore_ascii_case("content");
            if is_url || inner {
                let value = decode_references(&html[value_start..value_end]);
                let refused = if name.eq_ignore_ascii_case("srcset") {
                    value.split(',').find(|u| is_refused_url(u)).map(str::trim)
                } else if inner {
                    inner_urls(&value).find(|u| is_refused_url(u))
                } else {
                    is_refused_url(&value).then_some(value.as_str())
                };
                if let Some(url) = refused {
                    return Some((value_start, url.to_string()));
                }
            }
        }
    }
    None
}

/// The addresses inside a `style` (`url(…)`) or a `content` value (a
/// refresh's `url=…`), quotes and spaces taken off.
fn inner_urls(value: &str) -> impl Iterator<Item = &str> {
    let lower = value.to_ascii_lowercase();
    let mut starts = Vec::new();
    for marker in ["url(", "url="] {
        starts.extend(lower.match_indices(marker).map(|(i, _)| i + marker.len()));
    }
    starts.into_iter().map(move |start| {
        value[start..]
            .trim_start_matches([' ', '\t', '\n', '"', '\''])
            .split([')', '"', '\'', ';'])
            .next()
            .unwrap_or("")
    })
}

/// `text` with its character references decoded: every numeric one, and
/// the named ones that can spell a scheme (`&colon;`, `&Tab;`,
/// `&NewLine;`) or are common (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&apos;`). Others are left as they are: none of them is a letter, colon
/// or space a scheme could be spelled with.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = match name {
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name.strip_prefix('#').map(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32).unwrap_or('\u{fffd}')
            }),
        };
        match decoded {
            Some(c) if !name.is_empty() => {
                out.push(c);
                // The `;` is optional for a browser.
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            _ => {
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
    fn refused_schemes_are_found_however_they_are_written() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "  javascript:alert(1)",
            "java\tscript:alert(1)",
            "\u{1}vbscript:msgbox",
            "data:text/html,<script>",
            "DATA:image/svg+xml,",
        ] {
            assert!(is_refused_url(url), "{url:?}");
        }
        for url in [
            "https://example.org/javascript:",
            "./javascript-notes/",
            "#data:",
            "mailto:desk@example.org",
            "../charts/a.svg",
            "",
        ] {
            assert!(!is_refused_url(url), "{url:?}");
        }
    }

    #[test]
    fn attributes_are_read_as_a_browser_reads_them() {
        for html in [
            r#"<a href="javascript:alert(1)">x</a>"#,
            r#"<a class=x HREF='javascript:alert(1)'>x</a>"#,
            r#"<a href=javascript:alert(1)>x</a>"#,
            r#"<a href="jav&#x61;script&colon;alert(1)">x</a>"#,
            r#"<a href="jav&Tab;ascript:alert(1)">x</a>"#,
            r#"<img src = "&#106;avascript:alert(1)">"#,
            r#"<img srcset="a.png 1x, data:image/png;base64,AA 2x">"#,
            r#"<svg><a xlink:href="data:text/html,x"></a></svg>"#,
            r#"<form action="vbscript:x"></form>"#,
            r#"<p style="background: url( 'javascript:x' )">"#,
            r#"<div style="background-image:URL(data:image/png;base64,AA)">"#,
            r#"<meta http-equiv="refresh" content="0; url=javascript:x">"#,
        ] {
            assert!(first_refused_attribute(html).is_some(), "{html}");
        }
        for html in [
            r#"<a href="https://example.org/">javascript:alert(1)</a>"#,
            r#"<img alt="data: the table below" src="../charts/a.svg">"#,
            r#"<!-- <a href="javascript:x"> -->"#,
            r#"<p title="x > y">data:</p>"#,
            r#"<p style="background: url(../a.png)">"#,
            r#"<meta name="description" content="data: javascript: and more">"#,
            "<p>a &amp; b</p>",
            "",
        ] {
            assert_eq!(first_refused_attribute(html), None, "{html}");
        }
        let (at, url) = first_refused_attribute(r#"<p><a href="data:x">"#).unwrap();
        assert_eq!((at, url.as_str()), (12, "data:x"));
    }
}
