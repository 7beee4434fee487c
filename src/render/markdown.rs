//! Markdown to HTML: CommonMark with tables, footnotes, smart punctuation and
//! an `id` on every heading so sections can be linked.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// A link that Markdown would have made to a refused address (see
/// [`super::urls`]): a Markdown link or image, or an attribute of raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedLink {
    /// The address, as a browser would read it.
    pub url: String,
    /// The byte offset in the Markdown of the link or HTML that has it.
    pub offset: usize,
}

/// Renders a brief's body (already through Tera) to HTML.
///
/// Heading ids come from the heading text (`## What the pilot returns` →
/// `what-the-pilot-returns`), made unique within the page by a `-2`, `-3`…
/// suffix; an explicit `{#id}` is kept. A NUL becomes U+FFFD, as CommonMark
/// says. A link or raw HTML to a `javascript:`, `vbscript:` or `data:`
/// address is refused.
pub fn to_html(markdown: &str) -> Result<String, RefusedLink> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    if events.iter().any(|e| refused_link(e).is_some()) {
        // Read again, with offsets, only to say where.
        for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
            if let Some(url) = refused_link(&event) {
                return Err(RefusedLink {
                    url,
                    offset: range.start,
                });
            }
        }
    }
    let events = with_scrolling_tables(with_heading_ids(events));
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    // pulldown-cmark passes a NUL through; the (shorter) input tells
    // whether there is one.
    if markdown.contains('\0') {
        out = out.replace('\0', "\u{fffd}");
    }
    Ok(out)
}

/// The refused address a Markdown event would link to, if any.
fn refused_link(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            super::urls::is_refused_url(dest_url).then(|| dest_url.to_string())
        }
        Event::Html(html) | Event::InlineHtml(html) => {
            super::urls::first_refused_attribute(html).map(|(_, url)| url)
        }
        _ => None,
    }
}

/// Wraps each table in a region that scrolls sideways on a narrow screen
/// (rather than widening the page); it takes focus so that keyboard users
/// can scroll it too. Each region is named after the heading it sits under
/// ("Table: The returns pilot"), kept unique within the page, so that a
/// screen reader's list of landmarks tells the tables apart.
fn with_scrolling_tables(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut labels = BTreeSet::new();
    let mut heading: Option<String> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(heading_text(&events[i + 1..])),
            Event::Start(Tag::Table(_)) => {
                let base = match &heading {
                    Some(text) if !text.trim().is_empty() => format!("Table: {}", text.trim()),
                    _ => "Table".to_string(),
                };
                let mut label = base.clone();
                let mut n = 2;
                while !labels.insert(label.clone()) {
                    label = format!("{base} ({n})");
                    n += 1;
                }
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
                    crate::text::escape(&label)
                ))));
            }
            _ => {}
        }
        out.push(event.clone());
        if let Event::End(TagEnd::Table) = event {
            out.push(Event::Html(CowStr::from("</div>\n")));
        }
    }
    out
}

/// Gives each heading without an id one made from its text.
fn with_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used = BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id, .. }) = &events[i] {
            let explicit = id.as_ref().map(|s| s.to_string());
            let text = heading_text(&events[i + 1..]);
            let base = explicit.unwrap_or_else(|| {
                let s = slug::slugify(&text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            });
            let mut unique = base.clone();
            let mut n = 2;
            while !used.insert(unique.clone()) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique));
            }
        }
        i += 1;
    }
    events
}

/// The plain text of a heading, up to its end.
fn heading_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_ids_from_their_text() {
        let html = to_html("## The pilot\n\ntext\n\n## The pilot\n\n### Data {#data}\n").unwrap();
        assert!(
            html.contains(r#"<h2 id="the-pilot">The pilot</h2>"#),
            "{html}"
        );
        assert!(html.contains(r#"<h2 id="the-pilot-2">"#), "{html}");
        assert!(html.contains(r#"<h3 id="data">"#), "{html}");
    }

    #[test]
    fn tables_footnotes_and_smart_quotes() {
        let html =
            to_html("| a | b |\n|---|--:|\n| 1 | 2 |\n\nSaid \"so\"[^1].\n\n[^1]: A note.\n")
                .unwrap();
        assert!(html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table\">\n<table>"), "{html}");
        assert!(html.contains("</table>\n</div>"), "{html}");
        assert!(html.contains("“so”"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn table_regions_are_named_after_their_heading_and_unique() {
        let table = "| a | b |\n|---|---|\n| 1 | 2 |\n\n";
        let html = to_html(&format!(
            "## Returns & costs\n\n{table}{table}## Next\n\n{table}"
        ))
        .unwrap();
        assert!(
            html.contains("aria-label=\"Table: Returns &amp; costs\">"),
            "{html}"
        );
        assert!(
            html.contains("aria-label=\"Table: Returns &amp; costs (2)\">"),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Table: Next\">"), "{html}");
    }

    #[test]
    fn links_to_script_or_data_are_refused_and_nul_is_replaced() {
        for (markdown, url) in [
            ("See [x](javascript:alert(1)).\n", "javascript:alert(1)"),
            (
                "![x](data:image/png;base64,AA)\n",
                "data:image/png;base64,AA",
            ),
            ("[x]\n\n[x]: VBScript:msgbox\n", "VBScript:msgbox"),
            (
                "Text <a href=\"java&#x09;script:x\">y</a>.\n",
                "java\tscript:x",
            ),
            ("<div>\n<img src=\"data:x\">\n</div>\n", "data:x"),
        ] {
            let err = to_html(markdown).unwrap_err();
            assert_eq!(err.url, url, "{markdown}");
        }
        let err = to_html("First.\n\nSecond [x](javascript:y).\n").unwrap_err();
        assert_eq!(err.offset, "First.\n\nSecond ".len());
        assert!(to_html("[ok](https://example.org/?q=javascript:x)\n").is_ok());
        // Text that merely mentions a scheme is text.
        assert!(to_html("The data: javascript:alert(1)\n").is_ok());
        let html = to_html("a\0b\n").unwrap();
        assert_eq!(html, "<p>a\u{fffd}b</p>\n");
    }
}
