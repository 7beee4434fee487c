//! The site's feeds for machines: an Atom feed of the briefs and a sitemap.
//! Dates come from the briefs, never from the clock; ids are stable across
//! hosts (tag URIs), and addresses are absolute only when a base URL is set.

use jiff::civil::Date;

use crate::text::escape;

/// A brief as the feed and sitemap list it.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    /// What names the entry for good, under the site's tag URI: a brief's
    /// slug (`record-crossings`), a correction's `corrections/release-…`.
    pub id: String,
    /// The page's address relative to the site root (`record-crossings/`).
    pub path: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// The brief's own date.
    pub date: Date,
    /// When what a reader reads last changed: the brief's date, or the
    /// release its figures were worked out from, when that is later.
    pub updated: Date,
    /// Authors.
    pub authors: Vec<String>,
}

/// `tag:` URIs need a name and a date: the publisher's name as a slug, and
/// the first day of the data, which no later release or brief changes, so
/// an entry's id stays the same for as long as its slug does.
fn tag_authority(publisher: &str, since: Date) -> String {
    format!("{},{since}", slug::slugify(publisher))
}

/// An absolute address under `base_url` (which ends in `/`), or the path
/// relative to the site root when there is none.
pub fn address(base_url: Option<&str>, path: &str) -> String {
    match (base_url, path) {
        (Some(base), _) => format!("{base}{path}"),
        (None, "") => "./".to_string(),
        (None, _) => path.to_string(),
    }
}

/// The Atom feed of `entries` (newest first).
pub fn atom(
    title: &str,
    description: &str,
    publisher: &str,
    since: Date,
    base_url: Option<&str>,
    entries: &[FeedEntry],
) -> String {
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(since);
    let authority = tag_authority(publisher, since);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>tag:{authority}:briefs</id>\n"));
    out.push_str(&format!("  <title>{}</title>\n", escape(title)));
    out.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(description)));
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(publisher)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&address(base_url, ""))
    ));
    if let Some(base) = base_url {
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape(&format!("{base}feed.xml"))
        ));
    }
    out.push_str("  <generator>brief</generator>\n");
    for e in entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>tag:{authority}:{}</id>\n", escape(&e.id)));
        out.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
        out.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", e.updated));
        out.push_str(&format!(
            "    <published>{}T00:00:00Z</published>\n",
            e.date
        ));
        for a in &e.authors {
            out.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                escape(a)
            ));
        }
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&address(base_url, &e.path))
        ));
        out.push_str(&format!("    <summary>{}</summary>\n", escape(&e.summary)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The sitemap: the index and every brief, with the brief's date.
pub fn sitemap(base_url: Option<&str>, entries: &[FeedEntry]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let newest = entries.iter().map(|e| e.updated).max();
    out.push_str(&format!(
        "  <url><loc>{}</loc>{}</url>\n",
        escape(&address(base_url, "")),
        newest.map_or(String::new(), |d| format!("<lastmod>{d}</lastmod>"))
    ));
    for e in entries {
        out.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(&address(base_url, &e.path)),
            e.updated
        ));
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<FeedEntry> {
        vec![
            FeedEntry {
                id: "newer".into(),
                path: "newer/".into(),
                title: "Newer <b>&</b>".into(),
                summary: "S \"quoted\"".into(),
                date: Date::new(2026, 8, 21).unwrap(),
                updated: Date::new(2026, 8, 28).unwrap(),
                authors: vec!["Desk".into()],
            },
            FeedEntry {
                id: "older".into(),
                path: "older/".into(),
                title: "Older".into(),
                summary: "S".into(),
                date: Date::new(2025, 1, 2).unwrap(),
                updated: Date::new(2025, 1, 2).unwrap(),
                authors: vec![],
            },
        ]
    }

    #[test]
    fn the_feed_has_stable_ids_dates_from_the_briefs_and_escapes_text() {
        let since = Date::new(2018, 1, 1).unwrap();
        let feed = atom("T", "D", "Migration Data Desk", since, None, &entries());
        assert!(feed.contains("<id>tag:migration-data-desk,2018-01-01:briefs</id>"));
        assert!(feed.contains("<id>tag:migration-data-desk,2018-01-01:newer</id>"));
        // Updated when its figures were, published on its own date.
        assert!(feed.contains("<updated>2026-08-28T00:00:00Z</updated>\n    <published>2026-08-21T00:00:00Z</published>"));
        assert!(feed.contains("Newer &lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(feed.contains("href=\"newer/\""));
        let hosted = atom(
            "T",
            "D",
            "Desk",
            since,
            Some("https://example.org/briefs/"),
            &entries(),
        );
        assert!(hosted.contains("href=\"https://example.org/briefs/newer/\""));
        assert!(hosted.contains("rel=\"self\""));
        // The ids do not depend on where the site is hosted.
        assert!(hosted.contains("<id>tag:desk,2018-01-01:newer</id>"));
        // Nor on which briefs exist.
        let one = atom("T", "D", "Desk", since, None, &entries()[1..]);
        assert!(one.contains("<id>tag:desk,2018-01-01:older</id>"));
    }

    #[test]
    fn the_sitemap_is_absolute_with_a_base_url() {
        let map = sitemap(Some("https://example.org/briefs/"), &entries());
        assert!(
            map.contains("<loc>https://example.org/briefs/</loc><lastmod>2026-08-28</lastmod>")
        );
        assert!(
            map.contains(
                "<loc>https://example.org/briefs/older/</loc><lastmod>2025-01-02</lastmod>"
            )
        );
        let relative = sitemap(None, &entries());
        assert!(relative.contains("<loc>newer/</loc>"));
    }
}
