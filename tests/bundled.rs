//! The repository's own project: the bundled briefs build, and say what the
//! data says, at the dates the issue names.

mod common;

use std::path::Path;
use std::process::Command;

/// Builds the bundled project into `out` (as of `as_of`); a site built is
/// checked for live links and NULs.
fn build_bundled(as_of: Option<&str>, out: &Path) -> (bool, String, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_brief"));
    cmd.args(["--root", root, "build", "-o"]).arg(out);
    if let Some(d) = as_of {
        cmd.args(["--as-of", d]);
    }
    let o = cmd.output().expect("run brief");
    if o.status.success() {
        common::assert_no_live_links(out);
    }
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).expect("read output file")
}

/// The text of the first paragraph of a brief's body, tags removed.
/// The title a figure's caption gives its chart, unescaped.
fn chart_title(figure: &str) -> String {
    let start = "<span class=\"chart-title\">";
    let at = figure.find(start).expect("a chart title") + start.len();
    let title = &figure[at..];
    title[..title.find("</span>").expect("its end")]
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

fn opening(page: &str) -> String {
    let body = &page[page.find("<div class=\"brief-body\">").expect("body")..];
    let start = body.find("<p>").expect("a paragraph") + 3;
    let end = start + body[start..].find("</p>").expect("paragraph end");
    let mut text = String::new();
    let mut in_tag = false;
    for c in body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// People from 1 January to `to` (inclusive) in the bundled data, read
/// straight from the YAML lines.
fn people_between(from: &str, to: &str) -> u64 {
    let text = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/crossings.yaml"));
    text.lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("- {date: ")?;
            let (date, rest) = l.split_once(", people: ")?;
            let (people, _) = rest.split_once(',')?;
            (from <= date && date <= to).then(|| people.parse::<u64>().ok())?
        })
        .sum()
}

#[test]
fn as_of_9_july_2025_the_first_brief_opens_with_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let (ok, stdout, stderr) = build_bundled(Some("2025-07-09"), &out);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("as of 9 July 2025"), "{stdout}");
    let page = read(out.join("record-crossings/index.html"));
    let first = opening(&page);
    assert!(
        first.starts_with("By 9 July 2025, some 21,000 people had crossed the Channel"),
        "{first}"
    );
    assert!(
        first.contains("a record for that point in the year"),
        "{first}"
    );
    // The rounded figure and the rank come from the data, not fixed text.
    let ytd = people_between("2025-01-01", "2025-07-09");
    assert_eq!((ytd + 500) / 1000, 21, "ytd {ytd}");
    let figures: serde_json::Value = serde_json::from_str(&read(out.join("figures.json"))).unwrap();
    assert_eq!(figures["ytd"]["people"], ytd);
    assert_eq!(figures["ytd"]["rank"], 1);
}

#[test]
fn the_day_before_the_pilot_the_brief_says_it_had_not_started() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let (ok, _, stderr) = build_bundled(Some("2025-08-05"), &out);
    assert!(ok, "{stderr}");
    let figures: serde_json::Value = serde_json::from_str(&read(out.join("figures.json"))).unwrap();
    assert_eq!(figures["pilot"]["started"], false);
    for key in [
        "arrivals",
        "planned_returns",
        "planned_share_pct",
        "reported",
        "scenarios",
    ] {
        assert!(figures["pilot"][key].is_null(), "{key} should be null");
    }
    let page = read(out.join("record-crossings/index.html"));
    assert!(page.contains("had not started by 5 August 2025"));
    assert!(!page.contains("id=\"figure-pilot-returns\""));
    assert!(!out.join("charts/pilot-returns.csv").exists());
}

#[test]
fn on_29_february_2024_earlier_years_stop_at_28_february() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let (ok, _, stderr) = build_bundled(Some("2024-02-29"), &out);
    assert!(ok, "{stderr}");
    let figures: serde_json::Value = serde_json::from_str(&read(out.join("figures.json"))).unwrap();
    assert_eq!(figures["as_of"], "2024-02-29");
    assert_eq!(
        figures["ytd"]["people"],
        people_between("2024-01-01", "2024-02-29")
    );
    assert_eq!(
        figures["ytd"]["same_point"]["2023"],
        people_between("2023-01-01", "2023-02-28")
    );
    assert_eq!(
        figures["ytd"]["same_point"]["2020"],
        people_between("2020-01-01", "2020-02-29")
    );
}

#[test]
fn the_bundled_site_has_three_briefs_newest_first_with_their_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let (ok, stdout, stderr) = build_bundled(None, &out);
    assert!(ok, "{stderr}");
    assert!(
        stdout.starts_with("Built 3 briefs and 8 charts as of 20 August 2026"),
        "{stdout}"
    );
    let index = read(out.join("index.html"));
    let order: Vec<usize> = [
        "record-crossings/index.html",
        "how-many-will-cross/index.html",
        "arrivals-since-2018/index.html",
    ]
    .iter()
    .map(|href| {
        index
            .find(href)
            .unwrap_or_else(|| panic!("{href} not listed"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newest first: {order:?}"
    );
    for chart in [
        "annual-arrivals",
        "annual-boats",
        "people-per-boat",
        "cumulative",
        "projection",
        "backtest",
        "pilot-returns",
    ] {
        let placed: Vec<common::PageChart> = [
            "record-crossings",
            "how-many-will-cross",
            "arrivals-since-2018",
        ]
        .iter()
        .flat_map(|page| common::page_charts(&out, &read(out.join(format!("{page}/index.html")))))
        .filter(|c| c.name == chart)
        .collect();
        assert!(!placed.is_empty(), "{chart} is placed");
        assert!(placed[0].wide.contains("role=\"img\""), "{chart}");
        assert!(out.join(&placed[0].csv).is_file(), "{chart}");
    }
    // Every page links relatively, so the site works from any sub-path.
    for page in ["index.html", "record-crossings/index.html"] {
        let html = read(out.join(page));
        assert!(
            !html.contains("href=\"/"),
            "{page} has a root-relative link"
        );
        assert!(
            !html.contains(env!("CARGO_MANIFEST_DIR")),
            "{page} names a local path"
        );
    }
}

#[test]
fn an_as_of_outside_the_series_is_refused_and_names_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let (ok, _, stderr) = build_bundled(Some("2030-01-01"), &out);
    assert!(!ok);
    assert!(
        stderr.contains("--as-of 2030-01-01 is outside the data"),
        "{stderr}"
    );
    assert!(stderr.contains("2018-01-01 to 2026-08-20"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn every_chart_is_well_formed_accessible_svg_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let (ok, _, stderr) = build_bundled(None, &out);
    assert!(ok, "{stderr}");
    let mut seen = std::collections::BTreeSet::new();
    let mut drawings_linked = std::collections::BTreeSet::new();
    for page in [
        "record-crossings",
        "how-many-will-cross",
        "arrivals-since-2018",
    ] {
        let html = read(out.join(format!("{page}/index.html")));
        for chart in common::page_charts(&out, &html) {
            seen.insert(chart.name.clone());
            let drawings = [
                ("wide", chart.wide.as_str(), &chart.wide_file),
                ("narrow", chart.narrow.as_str(), &chart.narrow_file),
            ];
            for (which, svg, file) in drawings {
                let what = format!("{page}: {} ({which}, {file})", chart.name);
                let doc = roxmltree::Document::parse(svg)
                    .unwrap_or_else(|e| panic!("{what} is not well-formed XML: {e}"));
                let root = doc.root_element();
                assert_eq!(root.tag_name().name(), "svg");
                assert_eq!(root.attribute("role"), Some("img"), "{what}");
                let child = |name: &str| {
                    root.children()
                        .find(|n| n.tag_name().name() == name)
                        .and_then(|n| n.text())
                        .unwrap_or_default()
                        .to_string()
                };
                // The bundled briefs title no chart of their own, so the
                // drawing's title is the figure's.
                assert_eq!(child("title"), chart_title(&chart.figure), "{what}");
                assert_eq!(
                    child("desc"),
                    chart.alt,
                    "{what}: the description is the image's text"
                );
            }
            // The "chart (SVG)" link saves the wide drawing.
            assert_eq!(chart.drawing, chart.wide_file, "{page}: {}", chart.name);
            assert!(
                out.join(&chart.csv).is_file(),
                "{page}: {} has no CSV",
                chart.name
            );
            drawings_linked.insert(chart.wide_file.clone());
            drawings_linked.insert(chart.narrow_file.clone());
        }
    }
    assert_eq!(seen.len(), 8, "8 charts: {seen:?}");
    // A drawing is a file once however many charts link it: the charts
    // directory holds each data file and each drawing file linked, nothing
    // else.
    let files: std::collections::BTreeSet<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| format!("charts/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    let svgs: std::collections::BTreeSet<String> = files
        .iter()
        .filter(|f| f.ends_with(".svg"))
        .cloned()
        .collect();
    assert_eq!(svgs, drawings_linked);
    assert!(
        files
            .iter()
            .all(|f| f.ends_with(".svg") || f.ends_with(".csv")),
        "{files:?}"
    );
    assert_eq!(
        svgs.len(),
        16,
        "two cumulative charts of other years, so eight drawings, each wide and narrow: {svgs:?}"
    );
    // The description, the CSV and the table are written from the same data.
    let page = read(out.join("arrivals-since-2018/index.html"));
    let charts = common::page_charts(&out, &page);
    let annual = charts
        .iter()
        .find(|c| c.name == "annual-arrivals")
        .expect("the annual chart");
    let people_2022 = people_between("2022-01-01", "2022-12-31");
    assert_eq!(people_2022, 45_755);
    assert!(
        annual.wide.contains("45,755 in 2022") && annual.narrow.contains("45,755 in 2022"),
        "the description names the peak"
    );
    let csv = read(out.join(&annual.csv));
    assert!(csv.lines().any(|l| l == "2022,45755"), "{csv}");
    assert!(
        annual
            .figure
            .contains("<th scope=\"row\">2022</th><td class=\"num\">45,755</td>")
    );
}
