//! The bad-input corpus: each case spoils the fixture project one way, runs
//! the real binary, and asserts that it fails cleanly:
//!
//! - exit code 1 (2 for a malformed argument: clap's usage error);
//! - no panic;
//! - stderr starts with `error: <file>:<line>` (the exact location, as far
//!   as the input has one) and contains the expected words;
//! - it says what was expected (a `= …` help line or "expected");
//! - every message's whole wording matches `snapshots/corpus__messages.snap`
//!   (reviewed with `cargo insta review` when a message changes);
//! - nothing in the project changed: `output/` (built before the case),
//!   `data/`, `briefs/` and every other file are byte-identical.
//!
//! Inputs that could exhaust time or memory (alias bombs, deep nesting, a
//! file over the size limit, a zip bomb, a repeated-cell bomb) run under a
//! 1 GiB address space limit and must fail within a second; runaway
//! templates must stop within five seconds and 200 MB of resident memory
//! (its high-water mark, read from /proc while the run lasts).
//!
//! Run one case with `CORPUS=<name> cargo test --test corpus`; print every
//! case's message with `CORPUS_SHOW=1`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Write};
use std::path::Path;
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::{Project, brief_text, copy_dir, line_of, snapshot};

/// The fixture brief: front matter on lines 1–6, the body from line 7.
const BRIEF: &str = "fixture";
const BODY: &str =
    "So far {{ ytd.people | thousands }} people.\n\n{{ chart(name=\"cumulative\") }}\n";

/// Where a case's input came from, for the `.ods` cases.
fn corpus_file(name: &str) -> Vec<u8> {
    fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(name),
    )
    .unwrap()
}

/// The repository's `templates/brief.html`, to find its lines.
fn brief_template() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/brief.html")).unwrap()
}

/// One bad input.
struct Case {
    /// A short name, unique.
    name: &'static str,
    /// The command, after `--root <project>`; run in the project folder.
    args: &'static [&'static str],
    /// Spoils the project.
    mutate: fn(&Project),
    /// What stderr starts with after `error: `: `file:line` (or `file`),
    /// followed by `:`.
    at: String,
    /// Words the message must contain.
    says: &'static str,
    /// The exit code (1, or 2 for a usage error).
    status: i32,
    /// Run under a memory limit and a one-second deadline.
    bounded: bool,
    /// A runaway render: it must stop within five seconds and 200 MB.
    runaway: bool,
}

fn case(
    name: &'static str,
    args: &'static [&'static str],
    mutate: fn(&Project),
    at: impl Into<String>,
    says: &'static str,
) -> Case {
    Case {
        name,
        args,
        mutate,
        at: at.into(),
        says,
        status: 1,
        bounded: false,
        runaway: false,
    }
}

impl Case {
    fn bounded(mut self) -> Case {
        self.bounded = true;
        self
    }
    fn runaway(mut self) -> Case {
        self.bounded = true;
        self.runaway = true;
        self
    }
    fn usage(mut self) -> Case {
        self.status = 2;
        self
    }
}

const BUILD: &[&str] = &["build"];
const IMPORT: &[&str] = &["import", "home-office", "release.ods"];

// ---------------------------------------------------------------------------
// Mutations

/// Replaces the first `from` in `file` with `to`; `from` must be there.
fn edit(p: &Project, file: &str, from: &str, to: &str) {
    let text = p.read(file);
    assert!(text.contains(from), "{file} has no {from:?}");
    p.write(file, text.replacen(from, to, 1));
}

/// Rewrites the crossings line of `date` with `f`.
fn edit_day(p: &Project, date: &str, f: impl Fn(&str) -> String) {
    let text = p.read("data/crossings.yaml");
    let needle = format!("{{date: {date},");
    let out: String = text
        .split_inclusive('\n')
        .map(|l| {
            if l.contains(&needle) {
                f(l)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_ne!(out, text, "no line for {date}");
    p.write("data/crossings.yaml", out);
}

/// Sets `field: <number>` on the crossings line of `date` to `value`.
fn set_count(p: &Project, date: &str, field: &str, value: &str) {
    edit_day(p, date, |line| {
        let start = line.find(&format!("{field}: ")).unwrap() + field.len() + 2;
        let end = start + line[start..].find([',', '}']).unwrap();
        format!("{}{value}{}", &line[..start], &line[end..])
    });
}

/// Replaces the fixture brief's body.
fn body(p: &Project, body: &str) {
    p.brief(BRIEF, &brief_text("Fixture", "2023-03-20", body));
}

/// A table's schema (`data/t.schema.yaml`): a month and a count.
const TABLE_SCHEMA: &str = "source:\n  publisher: A ministry\n  title: People counted each month\n  address: https://example.org/counts\n  licence: Open Government Licence v3.0\n  released: 2023-07-10\ncolumns:\n  - name: month\n    type: date\n  - name: people\n    type: integer\n";

/// Writes table `t`: its schema, and `csv` as its data.
fn table(p: &Project, csv: &str) {
    p.write("data/t.schema.yaml", TABLE_SCHEMA);
    p.write("data/t.csv", csv);
}

/// A good table `t`, and the fixture brief's body `body`.
fn table_brief(p: &Project, body_text: &str) {
    table(p, "month,people\n2023-01-01,10\n2023-02-01,12\n");
    body(p, body_text);
}

/// Writes `bytes` as `release.ods` in the project folder.
fn release(p: &Project, bytes: &[u8]) {
    p.write("release.ods", bytes);
}

/// A folder outside the project with one file, for the symbolic links.
fn outside() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("secret.md"),
            brief_text("Secret", "2023-03-01", "Not ours.\n"),
        )
        .unwrap();
        fs::write(dir.path().join("pilot.yaml"), common::PILOT_YAML).unwrap();
        dir
    })
    .path()
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A zip laid out as an Excel workbook.
fn xlsx() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for name in [
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<?xml version=\"1.0\"?><x/>").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A zip that is not a spreadsheet.
fn plain_zip() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("hello.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    zip.finish().unwrap().into_inner()
}

/// The crossings file with `n` days from 1 January 1900 (no source check
/// reaches them: the parser's budget stops first).
fn many_days(n: usize) -> String {
    let mut text = common::crossings_yaml(&[], common::RELEASED);
    let mut d = jiff::civil::date(1900, 1, 1);
    for _ in 0..n {
        text.push_str(&format!("  - {{date: {d}, people: 1, boats: 1}}\n"));
        d = d.tomorrow().unwrap();
    }
    text
}

/// A billion laughs: ten aliases of ten aliases, twelve deep.
fn alias_bomb() -> String {
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..13 {
        let p = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![p; 10].join(", ")));
    }
    bomb
}

// ---------------------------------------------------------------------------
// The corpus

/// Crossings lines: the header takes lines 1–8, 2019-01-DD is line 8 + DD.
const C: &str = "data/crossings.yaml";
/// Pilot lines: 5 starts, 6 ends, 7 share, 9–10 schedule, 12–13 reports,
/// 15–17 scenarios.
const P: &str = "data/pilot.yaml";
const B: &str = "briefs/fixture.md";

#[rustfmt::skip]
fn corpus() -> Vec<Case> {
    let t = brief_template();
    let content_line = line_of(&t, "{% block content %}");
    vec![
        // YAML syntax
        case("crossings-tab-indentation", BUILD, |p| edit(p, C, "\n  released:", "\n\treleased:"), format!("{C}:7"), "tab"),
        case("crossings-unclosed-brace", BUILD, |p| edit_day(p, "2019-01-03", |l| l.replace('}', "")), format!("{C}:13"), "only valid inside a block"),
        case("crossings-unclosed-quote", BUILD, |p| edit(p, C, "v3.0\"", "v3.0"), format!("{C}:6"), "quote"),
        case("pilot-bad-indentation", BUILD, |p| edit(p, P, "\nends: ~", "\n   ends: ~"), format!("{P}:5"), "date"),
        case("site-bad-indentation", BUILD, |p| edit(p, "site.yaml", "\ndescription:", "\n description:"), "site.yaml:2", "mapping"),
        case("front-matter-unclosed-bracket", BUILD, |p| edit(p, &format!("briefs/{BRIEF}.md"), "[Test Desk]", "[Test Desk"), format!("{B}:5"), "unclosed bracket"),
        // YAML 1.1 surprises
        case("count-yes", BUILD, |p| set_count(p, "2019-01-03", "people", "yes"), format!("{C}:11"), "yes"),
        case("count-no-capitals", BUILD, |p| set_count(p, "2019-01-03", "boats", "NO"), format!("{C}:11"), "NO"),
        case("count-leading-zeros", BUILD, |p| set_count(p, "2019-01-03", "people", "007"), format!("{C}:11"), "007"),
        case("count-octal-looking", BUILD, |p| set_count(p, "2019-01-03", "people", "010"), format!("{C}:11"), "010"),
        case("count-float", BUILD, |p| set_count(p, "2019-01-03", "people", "12.5"), format!("{C}:11"), "12.5"),
        case("pilot-returned-fraction", BUILD, |p| edit(p, P, "returned: 100,", "returned: 100.5,"), format!("{P}:12"), "100.5"),
        case("front-matter-draft-yes", BUILD, |p| edit(p, B, "authors: [Test Desk]\n", "authors: [Test Desk]\ndraft: yes\n"), format!("{B}:6"), "yes"),
        case("site-reference-years-no", BUILD, |p| edit(p, "site.yaml", "reference_years: 3", "reference_years: no"), "site.yaml:5", "no"),
        case("count-underscores", BUILD, |p| set_count(p, "2019-01-03", "people", "1_000"), format!("{C}:11"), "1_000"),
        case("count-quoted", BUILD, |p| set_count(p, "2019-01-03", "people", "\"250\""), format!("{C}:11"), "in quotes"),
        case("count-thousands-comma", BUILD, |p| set_count(p, "2019-01-03", "people", "1,000"), format!("{C}:11"), "1,000"),
        case("pilot-returned-underscores", BUILD, |p| edit(p, P, "returned: 100,", "returned: 1_00,"), format!("{P}:12"), "1_00"),
        case("pilot-duplicate-key", BUILD, |p| edit(p, P, "name: Test returns pilot\n", "name: Test returns pilot\nname: Again\n"), format!("{P}:3"), "twice"),
        case("data-two-documents", BUILD, |p| p.write("data/notes.yaml", "a: 1\n---\nb: 2\n"), "data/notes.yaml:2", "more than one YAML document"),
        case("front-matter-missing-title-before-tags", BUILD, |p| { edit(p, B, "title: Fixture\n", ""); edit(p, B, "authors: [Test Desk]\n", "authors: [Test Desk]\ntags: [a, b]\n"); }, format!("{B}:2"), "missing field `title`"),
        case("front-matter-date-with-time", BUILD, |p| edit(p, B, "date: 2023-03-20", "date: 2023-03-20T10:00:00"), format!("{B}:4:7"), "a date with a time"),
        case("pilot-date-with-zone", BUILD, |p| edit(p, P, "starts: 2022-06-01", "starts: 2022-06-01T00:00:00Z"), format!("{P}:5:9"), "a date with a time"),
        case("crossings-day-with-time", BUILD, |p| edit(p, C, "{date: 2019-01-03,", "{date: 2019-01-03 12:00,"), format!("{C}:11:12"), "a date with a time"),
        // Unknown and missing fields
        case("crossings-unknown-day-field", BUILD, |p| edit_day(p, "2019-01-03", |l| l.replace('}', ", deaths: 0}")), format!("{C}:11"), "deaths"),
        case("crossings-missing-boats", BUILD, |p| edit_day(p, "2019-01-03", |l| l.replace(", boats: 1", "")), format!("{C}:11"), "boats"),
        case("crossings-unknown-top-field", BUILD, |p| edit(p, C, "source:\n", "notes: hand-edited\nsource:\n"), format!("{C}:2"), "notes"),
        case("crossings-missing-source", BUILD, |p| { let t = p.read(C); let from = t.find("source:").unwrap(); let to = t.find("days:").unwrap(); p.write(C, format!("{}{}", &t[..from], &t[to..])); }, format!("{C}:2"), "missing field `source`"),
        case("pilot-unknown-field", BUILD, |p| edit(p, P, "name: Test returns pilot\n", "name: Test returns pilot\ncolour: red\n"), format!("{P}:3"), "colour"),
        case("pilot-missing-starts", BUILD, |p| edit(p, P, "starts: 2022-06-01\n", ""), format!("{P}:2"), "missing field `starts`"),
        case("site-unknown-field", BUILD, |p| edit(p, "site.yaml", "language: en-GB\n", "language: en-GB\ntheme: dark\n"), "site.yaml:5", "theme"),
        case("site-missing-title", BUILD, |p| edit(p, "site.yaml", "title: Test briefs\n", ""), "site.yaml:1", "missing field `title`"),
        case("front-matter-unknown-field", BUILD, |p| edit(p, B, "authors: [Test Desk]\n", "authors: [Test Desk]\nauthor: Someone\n"), format!("{B}:6"), "author"),
        case("front-matter-missing-summary", BUILD, |p| edit(p, B, "summary: Summary of Fixture.\n", ""), format!("{B}:2"), "missing field `summary`"),
        // The series
        case("crossings-duplicate-day", BUILD, |p| edit(p, C, "{date: 2019-01-04,", "{date: 2019-01-03,"), format!("{C}:12"), "appears twice"),
        case("crossings-missing-day", BUILD, |p| edit_day(p, "2019-01-03", |_| String::new()), format!("{C}:11"), "2019-01-03 is missing"),
        case("crossings-days-swapped", BUILD, |p| { edit(p, C, "{date: 2019-01-03,", "{date: 2019-01-0X,"); edit(p, C, "{date: 2019-01-04,", "{date: 2019-01-03,"); edit(p, C, "{date: 2019-01-0X,", "{date: 2019-01-04,"); }, format!("{C}:11"), "date order"),
        case("crossings-negative-count", BUILD, |p| set_count(p, "2019-01-03", "people", "-5"), format!("{C}:11"), "-5"),
        case("crossings-overflowing-count", BUILD, |p| set_count(p, "2019-01-03", "people", "99999999999999999999999"), format!("{C}:11"), "too large for a count"),
        case("crossings-absurd-count", BUILD, |p| { set_count(p, "2019-01-03", "people", "18446744073709551615"); set_count(p, "2019-01-04", "people", "18446744073709551615"); }, format!("{C}:11"), "18446744073709551615"),
        case("crossings-boats-greater-than-people", BUILD, |p| { set_count(p, "2019-01-03", "people", "2"); set_count(p, "2019-01-03", "boats", "3"); }, format!("{C}:11"), "3 boats but only 2 people"),
        case("crossings-30-february", BUILD, |p| edit(p, C, "{date: 2019-02-28,", "{date: 2019-02-30,"), format!("{C}:67"), "2019-02-30"),
        case("crossings-month-13", BUILD, |p| edit(p, C, "{date: 2019-01-03,", "{date: 2019-13-03,"), format!("{C}:11"), "2019-13-03"),
        case("crossings-no-days", BUILD, |p| p.write(C, common::crossings_yaml(&[], common::RELEASED).replace("days:\n", "days: []\n")), C, "empty"),
        // The source block against its own days
        case("crossings-released-year-zero", BUILD, |p| edit(p, C, "released: 2023-04-06", "released: 0000-01-01"), format!("{C}:7:13"), "days run to 2023-03-31"),
        case("crossings-released-before-last-day", BUILD, |p| edit(p, C, "released: 2023-04-06", "released: 2023-03-01"), format!("{C}:7:13"), "cannot hold days after it was published"),
        case("crossings-address-javascript", BUILD, |p| edit(p, C, "\"https://www.gov.uk/", "\"javascript:alert(1)//"), format!("{C}:5:12"), "not a web address"),
        case("crossings-address-data", BUILD, |p| edit(p, C, "\"https://www.gov.uk/", "\" data:text/html,"), format!("{C}:5:12"), "not a web address"),
        // Links that would run script
        case("brief-javascript-link", BUILD, |p| body(p, "Text.\n\nSee [this](javascript:alert(document.cookie)).\n"), format!("{B}:9:5"), "javascript:alert(document.cookie)"),
        case("brief-raw-html-vbscript", BUILD, |p| body(p, "Text.\n\n<p><a href='VBScript:msgbox(1)'>x</a></p>\n"), format!("{B}:9"), "VBScript:msgbox(1)"),
        case("brief-raw-html-style-url", BUILD, |p| body(p, "Text.\n\n<div style=\"background:url(&#106;avascript:x)\">y</div>\n"), format!("{B}:9"), "javascript:x"),
        case("brief-data-image", BUILD, |p| body(p, "Text.\n\n![x](data:image/svg+xml;base64,PHN2Zz4=)\n"), format!("{B}:9"), "data:image"),
        case("brief-link-from-data", BUILD, |p| { p.write("data/links.yaml", "home: \"javascript:alert(1)\"\n"); body(p, "See [home]({{ data.links.home }}).\n"); }, B, "after its template ran"),
        case("template-link-from-data", BUILD, |p| { p.write("data/links.yaml", "home: \" javascript:alert(1)\"\n"); edit(p, "templates/brief.html", "{% block content %}", "{% block content %}<a href=\"{{ data.links.home }}\">home</a>"); }, "templates/brief.html", "would link to"),
        // Settings the model cannot use
        case("site-reference-years-zero", BUILD, |p| edit(p, "site.yaml", "reference_years: 3", "reference_years: 0"), "site.yaml:5:18", "reference_years is 0"),
        case("pilot-returns-decrease", BUILD, |p| edit(p, P, "returned: 800,", "returned: 90,"), format!("{P}:13"), "fewer than the 100"),
        case("pilot-admitted-decrease", BUILD, |p| { edit(p, P, "returned: 100,", "returned: 100, admitted: 600,"); }, format!("{P}:13"), "500 admitted, fewer than the 600"),
        // --as-of
        case("as-of-after-the-series", &["build", "--as-of", "2024-01-01"], |_| {}, C, "outside the data"),
        case("as-of-before-the-series", &["build", "--as-of", "2018-12-31"], |_| {}, C, "outside the data"),
        case("as-of-malformed", &["build", "--as-of", "2023-02-30"], |_| {}, "invalid value '2023-02-30' for '--as-of <YYYY-MM-DD>'", "is not a calendar day").usage(),
        // The pilot
        case("pilot-schedule-out-of-order", BUILD, |p| edit(p, P, "from: 2022-10-01", "from: 2022-05-01"), format!("{P}:10"), "schedule step"),
        case("pilot-schedule-before-start", BUILD, |p| edit(p, P, "from: 2022-06-01", "from: 2018-06-01"), format!("{P}:9"), "before"),
        case("pilot-reports-out-of-order", BUILD, |p| edit(p, P, "date: 2023-01-10", "date: 2022-08-01"), format!("{P}:13"), "does not come after"),
        case("pilot-report-after-the-series", BUILD, |p| edit(p, P, "date: 2023-01-10", "date: 2023-06-01"), format!("{P}:13"), "outside"),
        case("pilot-report-before-start", BUILD, |p| edit(p, P, "date: 2022-08-15", "date: 2022-05-01"), format!("{P}:12"), "outside"),
        case("pilot-starts-before-the-series", BUILD, |p| edit(p, P, "starts: 2022-06-01", "starts: 2018-06-01"), format!("{P}:5"), "outside the crossings data"),
        case("pilot-ends-before-start", BUILD, |p| edit(p, P, "ends: ~", "ends: 2022-01-01"), format!("{P}:6"), "before it starts"),
        case("pilot-signed-after-start", BUILD, |p| edit(p, P, "signed: 2022-05-25", "signed: 2022-07-01"), format!("{P}:4"), "signed"),
        case("pilot-share-above-one", BUILD, |p| edit(p, P, "eligible_share: 1.0", "eligible_share: 1.5"), format!("{P}:7"), "eligible_share"),
        case("pilot-negative-rate", BUILD, |p| edit(p, P, "per_week: 250", "per_week: -250"), format!("{P}:16"), "-250"),
        // Front matter
        case("front-matter-missing", BUILD, |p| p.brief(BRIEF, "# Fixture\n\nNo front matter.\n"), format!("{B}:1"), "no front matter"),
        case("front-matter-unclosed", BUILD, |p| p.brief(BRIEF, "---\ntitle: Fixture\nsummary: S.\n"), format!("{B}:1"), "never closed"),
        case("front-matter-wrong-type", BUILD, |p| edit(p, B, "date: 2023-03-20", "date: soon"), format!("{B}:4"), "soon"),
        case("front-matter-30-february", BUILD, |p| edit(p, B, "date: 2023-03-20", "date: 2023-02-30"), format!("{B}:4"), "2023-02-30"),
        case("front-matter-authors-not-a-list", BUILD, |p| edit(p, B, "authors: [Test Desk]", "authors: Test Desk"), format!("{B}:5"), "authors"),
        case("front-matter-empty-title", BUILD, |p| edit(p, B, "title: Fixture", "title: \"\""), format!("{B}:2"), "title"),
        // Templates
        case("brief-tera-syntax", BUILD, |p| body(p, "So far {{ ytd.people | }}.\n"), format!("{B}:7"), "syntax"),
        case("brief-undefined-variable", BUILD, |p| body(p, "So far {{ no_such_figure }}.\n"), format!("{B}:7"), "no_such_figure"),
        // A misspelt name or option is an error, never a silent else branch.
        case("brief-condition-misspelt-field", BUILD, |p| body(p, "{% if ytd.rnak == 1 %}A record.{% else %}Not a record.{% endif %}\n"), format!("{B}:7:7"), "`ytd` has no field `rnak`"),
        case("brief-condition-misspelt-optional-figure", BUILD, |p| body(p, "{% if projection.centrl %}About {{ projection.central }}.{% endif %}\n"), format!("{B}:7:7"), "`projection` has no field `centrl`"),
        case("brief-condition-misspelt-name", BUILD, |p| body(p, "{% if projetcion %}A projection.{% endif %}\n"), format!("{B}:7:7"), "`projetcion` is not a name"),
        case("brief-filter-input-misspelt-field", BUILD, |p| body(p, "About {{ projection.centrl | about }}.\n"), format!("{B}:7:10"), "`projection` has no field `centrl`"),
        case("brief-thousands-misspelt-option", BUILD, |p| body(p, "So far {{ ytd.people | thousands(decimal=1) }}.\n"), format!("{B}:7"), "filter `thousands` has no argument `decimal`"),
        case("brief-uk-date-misspelt-option", BUILD, |p| body(p, "By {{ as_of | uk_date(shrot=true) }}.\n"), format!("{B}:7"), "filter `uk_date` has no argument `shrot`"),
        case("brief-pct-misspelt-option", BUILD, |p| body(p, "Share {{ 8.81 | pct(places=0) }}.\n"), format!("{B}:7"), "filter `pct` has no argument `places`"),
        case("brief-unknown-filter", BUILD, |p| body(p, "So far {{ ytd.people | frobnicate }}.\n"), format!("{B}:7"), "frobnicate"),
        case("brief-unknown-chart", BUILD, |p| body(p, "Chart:\n\n{{ chart(name=\"nonsense\") }}\n"), format!("{B}:9"), "nonsense"),
        case("brief-unknown-chart-option", BUILD, |p| body(p, "Chart:\n\n{{ chart(name=\"cumulative\", colour=\"red\") }}\n"), format!("{B}:9"), "colour"),
        case("brief-chart-option-wrong-type", BUILD, |p| body(p, "Chart:\n\n{{ chart(name=\"cumulative\", years=\"2020\") }}\n"), format!("{B}:9"), "years"),
        case("template-syntax-error", BUILD, |p| edit(p, "templates/brief.html", "{% block content %}", "{% block content %}{% if %}"), format!("templates/brief.html:{content_line}"), "syntax"),
        case("template-undefined-variable", BUILD, |p| edit(p, "templates/brief.html", "{% block content %}", "{% block content %}{{ no_such_thing.x }}"), format!("templates/brief.html:{content_line}"), "no_such_thing"),
        case("template-circular-include", BUILD, |p| { p.write("templates/loop-a.html", "A\n{% include \"loop-b.html\" %}\n"); p.write("templates/loop-b.html", "B {% include 'loop-a.html' %}\n"); }, "templates/loop-a.html:2:1", "loop-a.html includes loop-b.html includes loop-a.html"),
        case("brief-recursive-component", BUILD, |p| body(p, "Text.\n\n{% component rec(n) %}{{ n }}{{ <rec n={n + 1} /> }}{% endcomponent rec %}\n\nCalled: {{ <rec n={1} /> }}\n"), format!("{B}:9:1"), "component “rec” calls itself"),
        case("brief-rank-words-zero", BUILD, |p| body(p, "Text.\n\nIt is {{ 0 | rank_words }}.\n"), format!("{B}:9"), "rank_words"),
        case("brief-ordinal-negative", BUILD, |p| body(p, "Text.\n\nIt is {{ -1 | ordinal }}.\n"), format!("{B}:9"), "ordinal"),
        case("brief-in-words-fraction", BUILD, |p| body(p, "Text.\n\nIt is {{ 2.5 | in_words }}.\n"), format!("{B}:9"), "in_words"),
        case("brief-rank-words-fraction", BUILD, |p| body(p, "Text.\n\nIt is {{ 1.5 | rank_words }}.\n"), format!("{B}:9"), "rank_words"),
        case("brief-unclosed-for", BUILD, |p| body(p, "Text.\n\n{% for r in data.pilot.reports %}\n{{ r.date }}\n"), format!("{B}:9"), "for"),
        case("template-unclosed-for", BUILD, |p| edit(p, "templates/brief.html", "{% block content %}", "{% block content %}\n{% for tag in brief.tags %}{{ tag }}"), format!("templates/brief.html:{}:1", line_of(&brief_template(), "{% block content %}") + 1), "this {% for %} is never closed"),
        case("brief-unclosed-if-in-for", BUILD, |p| body(p, "Text.\n\n{% for r in data.pilot.reports %}\n{% if r.admitted %}{{ r.admitted }}\n{% endfor %}\n"), format!("{B}:10:1"), "this {% if %} is never closed"),
        case("brief-filter-wrong-type", BUILD, |p| body(p, "Text.\n\nIt is {{ \"many\" | thousands }}.\n"), format!("{B}:9"), "thousands"),
        case("template-missing", BUILD, |p| fs::remove_file(p.path("templates/brief.html")).unwrap(), "templates/brief.html", "missing"),
        case("template-parent-missing", BUILD, |p| fs::remove_file(p.path("templates/base.html")).unwrap(), "templates/brief.html", "base.html"),
        // Encodings and empty files
        case("brief-not-utf8", BUILD, |p| p.brief_bytes(BRIEF, &[brief_text("Fixture", "2023-03-20", "First.\n").as_bytes(), b"Caf\xe9.\n"].concat()), format!("{B}:8:4"), "UTF-8"),
        case("crossings-not-utf8", BUILD, |p| { let mut b = p.read_bytes(C); let i = b.windows(10).position(|w| w == b"2019-01-03").unwrap(); b[i + 4] = 0xff; p.write(C, b); }, format!("{C}:11:16"), "UTF-8"),
        case("template-not-utf8", BUILD, |p| { let mut b = b"\xfe".to_vec(); b.extend(p.read_bytes("templates/index.html")); p.write("templates/index.html", b); }, "templates/index.html:1:1", "UTF-8"),
        case("site-not-utf8", BUILD, |p| p.write("site.yaml", b"title: Caf\xe9\n"), "site.yaml:1:11", "UTF-8"),
        case("crossings-empty", BUILD, |p| p.write(C, ""), C, "empty"),
        case("pilot-empty", BUILD, |p| p.write(P, "\n\n"), P, "empty"),
        case("site-empty", BUILD, |p| p.write("site.yaml", ""), "site.yaml", "empty"),
        case("brief-empty", BUILD, |p| p.brief(BRIEF, ""), format!("{B}:1"), "no front matter"),
        // Size, budgets, bombs
        case("crossings-too-large", BUILD, |p| p.write(C, "#".repeat(16 * 1024 * 1024 + 1)), C, "bytes").bounded(),
        case("crossings-over-the-node-budget", BUILD, |p| p.write(C, many_days(40_000)), format!("{C}:35721"), "over the loader's limits"),
        case("data-alias-bomb", BUILD, |p| p.write("data/bomb.yaml", alias_bomb()), "data/bomb.yaml", "alias").bounded(),
        case("pilot-alias-bomb", BUILD, |p| p.write(P, format!("{}{}", common::PILOT_YAML, alias_bomb().replace("a0:", "x0:"))), format!("{P}:18"), "x0").bounded(),
        case("data-deep-nesting", BUILD, |p| p.write("data/deep.yaml", "[".repeat(10_000) + &"]".repeat(10_000)), "data/deep.yaml:1", "nesting").bounded(),
        case("data-deep-block-nesting", BUILD, |p| p.write("data/deep.yaml", (0..100).map(|i| format!("{}a:\n", "  ".repeat(i))).collect::<String>()), "data/deep.yaml:33", "nesting").bounded(),
        case("pilot-deep-nesting", BUILD, |p| p.write(P, "[".repeat(10_000) + &"]".repeat(10_000)), format!("{P}:1"), "nesting").bounded(),
        case("front-matter-deep-nesting", BUILD, |p| p.brief(BRIEF, &format!("---\ntitle: {}\n---\nBody.\n", "{a: ".repeat(10_000))), format!("{B}:2"), "expected").bounded(),
        // Names and links that would reach outside the project
        case("brief-name-with-space", BUILD, |p| p.write("briefs/Bad Name.md", brief_text("Bad", "2023-03-01", "Body.\n")), "briefs/Bad Name.md", "not a usable page name"),
        case("brief-name-dots", BUILD, |p| p.write("briefs/..md", brief_text("Dots", "2023-03-01", "Body.\n")), "briefs/..md", "not a usable page name"),
        case("new-brief-escaping", &["new", "../escape"], |_| {}, "briefs/../escape.md", "not a usable brief name"),
        case("new-brief-with-md", &["new", "../x.md"], |_| {}, "briefs/../x.md", "not a usable brief name"),
        case("new-brief-existing-as-file-name", &["new", "fixture.md"], |_| {}, B, "already exists"),
        case("new-brief-in-a-folder", &["new", "drafts/x"], |_| {}, "briefs/drafts/x.md", "not a usable brief name"),
        case("root-missing", &["--root", "no-such-folder", "build"], |_| {}, "no-such-folder", "does not exist"),
        case("new-brief-existing", &["new", "fixture"], |_| {}, B, "already exists"),
        case("new-brief-outside-a-project", &["new", "notes"], |p| fs::remove_file(p.path("site.yaml")).unwrap(), "site.yaml", "no site.yaml here"),
        case("symlink-brief-outside", BUILD, |p| symlink(&outside().join("secret.md"), &p.path("briefs/secret.md")), "briefs/secret.md", "symbolic link"),
        case("symlink-data-file-outside", BUILD, |p| { fs::remove_file(p.path(P)).unwrap(); symlink(&outside().join("pilot.yaml"), &p.path(P)); }, P, "symbolic link"),
        case("symlink-data-folder-outside", BUILD, |p| { let c = p.read_bytes(C); fs::remove_dir_all(p.path("data")).unwrap(); let d = outside().join(format!("data-{}", std::process::id())); fs::create_dir_all(&d).unwrap(); fs::write(d.join("crossings.yaml"), c).unwrap(); symlink(&d, &p.path("data")); }, "data", "symbolic link"),
        // Runaway templates: stopped by the render's budget, at the loop
        case("brief-nested-range-loops", BUILD, |p| body(p, "Text.\n\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n"), format!("{B}:9:33"), "stay within its budget").runaway(),
        case("brief-loop-writing-in-a-loop", BUILD, |p| body(p, &format!("Text.\n\n{{% for i in range(end=100000) %}}\n{{% for j in range(end=100000) %}}{}{{% endfor %}}{{% endfor %}}\n", "Many words, many times. ".repeat(40))), format!("{B}:9:1"), "over 8 MiB").runaway(),
        case("brief-string-doubling", BUILD, |p| body(p, "{% set_global s = \"x\" %}\n{% for i in range(end=100) %}{% set_global s = s ~ s %}{% endfor %}\n"), format!("{B}:8:1"), "32 MiB of memory").runaway(),
        case("brief-loop-over-data", BUILD, |p| { p.write("data/many.yaml", format!("rows: [{}]\n", vec!["1"; 5000].join(", "))); body(p, "{% for a in data.many.rows %}{% for b in data.many.rows %}{% for c in data.many.rows %}{% endfor %}{% endfor %}{% endfor %}\n"); }, format!("{B}:7:59"), "stay within its budget").runaway(),
        case("template-nested-loops", BUILD, |p| edit(p, "templates/index.html", "{% block content %}", "{% block content %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}"), format!("templates/index.html:{}", line_of(&fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/index.html")).unwrap(), "{% block content %}")), "stay within its budget").runaway(),
        // Output folders that are not the site's: refused, nothing deleted
        case("output-is-data", &["build", "-o", "data"], |_| {}, "data", "is the project's data/ folder"),
        case("output-is-briefs", &["build", "-o", "briefs"], |_| {}, "briefs", "is the project's briefs/ folder"),
        case("output-inside-templates", &["build", "-o", "templates/site"], |_| {}, "templates/site", "inside the project's templates/ folder"),
        case("output-is-the-project", &["build", "-o", "."], |_| {}, ".", "is the project folder"),
        case("output-holds-the-project", &["build", "-o", ".."], |_| {}, "..", "a folder that holds the project"),
        case("output-is-git", &["build", "-o", ".git"], |p| p.write(".git/HEAD", "ref: refs/heads/main\n"), ".git", "the project's .git/ folder"),
        case("output-through-missing-parent", &["build", "-o", "missing/../data"], |_| {}, "missing/../data", "can resolve"),
        case("output-is-a-file", BUILD, |p| { fs::remove_dir_all(p.path("output")).unwrap(); p.write("output", "not a folder"); }, "output", "is a file, not a folder"),
        case("output-holds-other-files", &["build", "-o", "notes"], |p| p.write("notes/todo.txt", "mine"), "notes", "did not build"),
        case("output-has-a-foreign-manifest", &["build", "-o", "notes"], |p| { p.write("notes/manifest.json", "{\"name\": \"another tool\"}"); p.write("notes/page.html", "mine"); }, "notes", "did not build"),
        case("output-is-a-link", &["build", "-o", "site"], |p| symlink(&p.path("output"), &p.path("site")), "site", "symbolic link"),
        // Releases
        case("ods-not-a-release", IMPORT, |p| release(p, &corpus_file("no-sb01.ods")), "release.ods", "no table SB_01"),
        case("ods-plain-zip", IMPORT, |p| release(p, &plain_zip()), "release.ods", "a zip archive that holds no spreadsheet"),
        case("ods-truncated", IMPORT, |p| { let b = corpus_file("release.ods"); release(p, &b[..b.len() / 2]); }, "release.ods", "damaged or cut short"),
        case("ods-text-file", IMPORT, |p| release(p, b"Date,Migrants arrived\n01/01/2018,5\n"), "release.ods", "a text file (a CSV, perhaps)"),
        case("ods-empty-file", IMPORT, |p| release(p, b""), "release.ods", "an empty file"),
        case("ods-release-date-before-its-days", &["import", "home-office", "release.ods", "--release-date", "2018-01-20"], |p| release(p, &corpus_file("release.ods")), "release.ods", "before the release's last day"),
        case("ods-excel-workbook", IMPORT, |p| release(p, &xlsx()), "release.ods", "Excel workbook"),
        case("ods-web-page", IMPORT, |p| release(p, b"<!DOCTYPE html>\n<html><head><title>Migrants detected crossing</title></head><body>Download</body></html>\n"), "release.ods", "web page"),
        case("diff-bad-value-in-new", &["diff", "old.json", "new.json"], |p| { let f = p.read("output/figures.json"); p.write("old.json", &f); let v: serde_json::Value = serde_json::from_str(&f).unwrap(); let mut v = v; v["ytd"]["people"] = serde_json::json!("lots"); p.write("new.json", serde_json::to_string_pretty(&v).unwrap()); }, "new.json", "ytd.people"),
        case("ods-missing-file", IMPORT, |_| {}, "release.ods", "could not read"),
        case("ods-zip-bomb", IMPORT, |p| release(p, &corpus_file("zip-bomb.ods")), "release.ods", "content.xml").bounded(),
        case("ods-repeat-bomb", IMPORT, |p| release(p, &corpus_file("repeat-bomb.ods")), "release.ods", "96000000 cells").bounded(),
        // Tables of one's own
        case("table-bad-cell", BUILD, |p| table(p, "month,people\n2023-01-01,10\n2023-02-01,twelve\n"), "data/t.csv:3:12", "found `twelve`"),
        case("table-missing-column", BUILD, |p| table(p, "month\n2023-01-01\n"), "data/t.csv:1:1", "no column `people`"),
        case("table-unknown-column", BUILD, |p| table(p, "month,people,note\n2023-01-01,10,x\n"), "data/t.csv:1:14", "`note` is not in the schema"),
        case("table-repeated-month", BUILD, |p| table(p, "month,people\n2023-01-01,10\n2023-01-01,12\n"), "data/t.csv:3:1", "is on line 2 already"),
        case("table-unreadable-date", BUILD, |p| table(p, "month,people\n2023-02-30,10\n"), "data/t.csv:2:1", "found `2023-02-30`"),
        case("table-empty-file", BUILD, |p| table(p, ""), "data/t.csv", "the file is empty"),
        case("table-schema-without-data", BUILD, |p| p.write("data/t.schema.yaml", TABLE_SCHEMA), "data/t.schema.yaml:1:1", "there is no data/t.csv"),
        case("table-schema-publisher-left-empty", BUILD, |p| { table(p, "month,people\n2023-01-01,10\n"); p.write("data/t.schema.yaml", TABLE_SCHEMA.replace("publisher: A ministry", "publisher:   # who publishes the data")); }, "data/t.schema.yaml:2:12", "found nothing after the colon, where text belongs"),
        case("table-without-schema", BUILD, |p| p.write("data/t.csv", "month,people\n2023-01-01,10\n"), "data/t.csv", "this table has no schema"),
        case("table-schema-unknown-type", BUILD, |p| { table(p, "month,people\n2023-01-01,10\n"); edit(p, "data/t.schema.yaml", "type: integer", "type: count"); }, "data/t.schema.yaml:11:11", "unknown variant `count`"),
        case("table-filter-misspelt-argument", BUILD, |p| table_brief(p, "{{ data.t | sum(colum=\"people\") }}\n"), format!("{B}:7"), "has no argument `colum`"),
        case("table-filter-unknown-column", BUILD, |p| table_brief(p, "{{ data.t | mean(column=\"persons\") }}\n"), format!("{B}:7"), "no column `persons`"),
        case("table-chart-over-a-count", BUILD, |p| table_brief(p, "{{ chart(name=\"line\", data=data.t, x=\"people\", y=\"people\") }}\n"), format!("{B}:7"), "must hold dates"),
    ]
}

// ---------------------------------------------------------------------------
// Running

/// The output/ of the fixture, built once.
fn built_output() -> &'static Path {
    static FIXTURE: OnceLock<Project> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let p = fixture();
            p.build_ok(&[]);
            p
        })
        .root()
}

/// The fixture project: the common one plus one brief with a chart.
fn fixture() -> Project {
    let p = Project::new();
    p.brief(BRIEF, &brief_text("Fixture", "2023-03-20", BODY));
    p
}

/// Runs `brief --root <root> args` in `root`; a bounded run gets 1 GiB of
/// address space.
fn run(root: &Path, args: &[&str], bounded: bool) -> (common::Output, Run) {
    let bin = env!("CARGO_BIN_EXE_brief");
    let mut cmd = if bounded {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    // A case may give its own --root (relative to the project folder).
    if args.first() != Some(&"--root") {
        cmd.arg("--root").arg(root);
    }
    cmd.args(args).current_dir(root);
    let started = Instant::now();
    let mut child = cmd
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read the pipes on their own threads, so a long message cannot block
    // the child, while this one watches its memory.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let read_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let read_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        // The high-water mark of its resident memory, while it runs.
        if let Ok(text) = fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    (
        common::Output {
            status: status.code().unwrap_or(-1),
            stdout: read_out.join().unwrap(),
            stderr: read_err.join().unwrap(),
        },
        Run { took, peak_kb },
    )
}

/// How long a run took and its peak resident memory (0 where /proc does
/// not say).
struct Run {
    took: Duration,
    peak_kb: u64,
}

/// Every file of the project (links followed), and the names of its folders.
fn state(root: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    (snapshot(root), names)
}

/// Runs one case; returns its message (stderr, the project's folder
/// written `<project>`), or what went wrong.
fn check(case: &Case) -> Result<String, String> {
    let p = fixture();
    copy_dir(&built_output().join("output"), &p.path("output"));
    (case.mutate)(&p);
    let before = state(p.root());
    let (out, Run { took, peak_kb }) = run(p.root(), case.args, case.bounded);
    if std::env::var_os("CORPUS_SHOW").is_some() {
        eprintln!(
            "--- {} ({} ms)\n{}",
            case.name,
            took.as_millis(),
            out.stderr
        );
    }
    let err = &out.stderr;
    let mut problems = Vec::new();
    if out.status != case.status {
        problems.push(format!(
            "exit code {} (expected {})",
            out.status, case.status
        ));
    }
    if err.contains("panicked") {
        problems.push("it panicked".into());
    }
    let prefix = format!("error: {}:", case.at);
    if !err.starts_with(&prefix) {
        problems.push(format!("stderr does not start with {prefix:?}"));
    }
    if !err.contains(case.says) {
        problems.push(format!("stderr does not say {:?}", case.says));
    }
    if !err.contains("\n  = ") && !err.contains("expected") {
        problems.push("stderr does not say what was expected".into());
    }
    if case.runaway {
        if took > Duration::from_secs(5) {
            problems.push(format!("took {} ms", took.as_millis()));
        }
        if peak_kb > 200 * 1000 {
            problems.push(format!("took {peak_kb} kB of memory"));
        }
    } else if case.bounded && took > Duration::from_secs(1) {
        problems.push(format!("took {} ms", took.as_millis()));
    }
    if state(p.root()) != before {
        problems.push("the project changed (output/, data/ or another file)".into());
    }
    if problems.is_empty() {
        let root = p.root().display().to_string();
        Ok(err.replace(&root, "<project>"))
    } else {
        Err(format!(
            "{}: {}\nstdout:\n{}stderr:\n{}",
            case.name,
            problems.join("; "),
            out.stdout,
            err
        ))
    }
}

#[test]
fn the_corpus_has_enough_distinct_cases() {
    let cases = corpus();
    assert!(cases.len() >= 45, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");
}

#[test]
fn every_bad_input_fails_cleanly_where_it_is() {
    let only = std::env::var("CORPUS").ok();
    let cases: Vec<Case> = corpus()
        .into_iter()
        .filter(|c| only.as_deref().is_none_or(|o| c.name == o))
        .collect();
    assert!(!cases.is_empty(), "no case named {only:?}");
    built_output();
    let next = Mutex::new(0usize);
    let failures = Mutex::new(Vec::new());
    let messages = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some(case) = cases.get(i) else { break };
                    match check(case) {
                        Ok(message) => {
                            messages.lock().unwrap().insert(case.name, message);
                        }
                        Err(e) => failures.lock().unwrap().push(e),
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    // Every message's wording, reviewed as a whole: a change to any of
    // them shows in the snapshot's diff.
    if only.is_none() {
        let all: String = messages
            .into_inner()
            .unwrap()
            .into_iter()
            .map(|(name, message)| format!("--- {name}\n{message}\n"))
            .collect();
        insta::assert_snapshot!("messages", all);
    }
}
