//! Escaping for the two markups the site is written in: HTML (pages, as
//! Tera escapes) and XML (the SVG drawings, where control characters are
//! not allowed at all). Their entities differ (`&#39;` and `&apos;`), and
//! both are kept exactly, for the same bytes as ever.

/// Escapes text for HTML, as templates do (see [`escape_html`]).
pub fn escape(text: &str) -> String {
    let mut buf = Vec::with_capacity(text.len());
    // Writing to a Vec cannot fail, and the escaper only emits UTF-8.
    let _ = escape_html(text, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// Writes `input` escaped for HTML: the same text as Tera's own escaper
/// (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`), but each run of text with
/// nothing to escape in one write rather than a write per byte. Templates
/// use it for every value they print (see `Engine::new`).
pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// Appends `text` escaped as [`escape`] does; most text has nothing to
/// escape and is copied as it stands.
pub fn push_escaped(out: &mut String, text: &str) {
    if text.contains(['<', '>', '&', '"', '\'']) {
        out.push_str(&escape(text));
    } else {
        out.push_str(text);
    }
}

/// Appends `s` escaped for XML content and attributes; control characters,
/// which XML does not allow, become spaces.
pub fn push_xml_escaped(out: &mut String, s: &str) {
    // Most labels need no escaping: copied whole.
    if !s.bytes().any(|b| {
        matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'') || (b < 0x20 && b != b'\n' && b != b'\t')
    }) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}
