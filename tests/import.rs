//! `brief import home-office` on `.ods` releases built by the tests, laid
//! out as the Home Office publishes them (tables SB_01 and SB_02).

mod common;

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::time::Duration;

use common::{Day, Project, Route, Server, day_line, days_between, git};
use jiff::civil::{Date, date};
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

// ---------------------------------------------------------------------------
// Building releases

const MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// meta.xml, with a creation date when given.
fn meta_xml(created: Option<&str>) -> String {
    let created = created
        .map(|c| format!("<meta:creation-date>{c}</meta:creation-date>"))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.4"><office:meta><meta:generator>MicrosoftOffice/16.0 MicrosoftExcel/CalculationVersion-30131</meta:generator><dc:title></dc:title>{created}</office:meta></office:document-meta>"#
    )
}

fn date_cell(d: Date) -> String {
    format!(
        r#"<table:table-cell office:value-type="date" office:date-value="{d}T00:00:00"><text:p>{}</text:p></table:table-cell>"#,
        d.strftime("%d/%m/%Y")
    )
}

fn float_cell(n: u64) -> String {
    format!(
        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
    )
}

fn string_cell(s: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>"#
    )
}

fn row(cells: &[String]) -> String {
    format!("<table:table-row>{}</table:table-row>", cells.concat())
}

fn header(names: &[&str]) -> String {
    let cells: Vec<String> = names.iter().map(|n| string_cell(n)).collect();
    row(&cells)
}

/// One SB_01 row: date, people, boats, then `-` for uncontrolled landings.
fn daily_row(d: &Day) -> String {
    row(&[
        date_cell(d.date),
        float_cell(d.people),
        float_cell(d.boats),
        string_cell("-"),
    ])
}

/// SB_02 rows: one per week ending Sunday whose seven days are all in `days`,
/// with the sums of those days.
fn weekly_rows(days: &[Day]) -> Vec<String> {
    let mut rows = Vec::new();
    for (i, d) in days.iter().enumerate() {
        if d.date.weekday() != jiff::civil::Weekday::Sunday || i < 6 {
            continue;
        }
        let week = &days[i - 6..=i];
        let people = week.iter().map(|d| d.people).sum();
        let boats = week.iter().map(|d| d.boats).sum();
        rows.push(row(&[
            date_cell(d.date),
            float_cell(people),
            float_cell(boats),
            string_cell("-"),
            string_cell("-"),
            string_cell("-"),
        ]));
    }
    rows
}

/// The parts of a release, to be spoiled by the refusal tests.
struct Release {
    daily: Vec<String>,
    weekly: Vec<String>,
    sb01_name: &'static str,
    created: Option<&'static str>,
}

impl Release {
    /// A well-formed release of `days`, made on the morning of 21 August 2026.
    fn of(days: &[Day]) -> Release {
        Release {
            daily: days.iter().map(daily_row).collect(),
            weekly: weekly_rows(days),
            sb01_name: "SB_01",
            created: Some("2026-08-21T07:37:01Z"),
        }
    }

    fn content_xml(&self) -> String {
        let sb01 = header(&[
            "Date",
            "Migrants arrived",
            "Boats arrived",
            "Boats arrived - involved in uncontrolled landings",
            "Notes",
        ]);
        let sb02 = header(&[
            "Week ending",
            "Migrants arrived",
            "Boats arrived",
            "Boats arrived - involved in uncontrolled landings",
            "Migrants prevented",
            "Events prevented",
        ]);
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<office:document-content xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.4"><office:body><office:spreadsheet><table:table table:name="{}"><table:table-column table:number-columns-repeated="5"/>{sb01}{}</table:table><table:table table:name="SB_02"><table:table-column table:number-columns-repeated="6"/>{sb02}{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
            self.sb01_name,
            self.daily.concat(),
            self.weekly.concat(),
        )
    }

    fn ods(&self) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(MIMETYPE.as_bytes()).unwrap();
        zip.start_file("META-INF/manifest.xml", deflated).unwrap();
        zip.write_all(MANIFEST.as_bytes()).unwrap();
        zip.start_file("meta.xml", deflated).unwrap();
        zip.write_all(meta_xml(self.created).as_bytes()).unwrap();
        zip.start_file("content.xml", deflated).unwrap();
        zip.write_all(self.content_xml().as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }
}

/// The small series most tests import: 1 January (a Monday) to 31 March 2018.
fn small_days() -> Vec<Day> {
    days_between(date(2018, 1, 1), date(2018, 3, 31))
}

/// Writes `bytes` as `name` in the project folder and imports it.
fn import(p: &Project, name: &str, bytes: &[u8], extra: &[&str]) -> common::Output {
    p.write(name, bytes);
    let file = p.path(name);
    let mut args = vec!["import", "home-office", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    p.run(&args)
}

fn import_ok(p: &Project, release: &Release, extra: &[&str]) -> String {
    let out = import(p, "release.ods", &release.ods(), extra);
    assert_eq!(out.status, 0, "import failed:\n{}", out.stderr);
    out.stdout
}

/// The lines only in `old` and the lines only in `new`.
fn line_diff(old: &str, new: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let old: BTreeSet<String> = old.lines().map(String::from).collect();
    let new: BTreeSet<String> = new.lines().map(String::from).collect();
    (
        old.difference(&new).cloned().collect(),
        new.difference(&old).cloned().collect(),
    )
}

fn day_lines(days: &[Day]) -> Vec<String> {
    days.iter()
        .map(|d| day_line(d).trim_end().to_string())
        .collect()
}

/// The `- {date: …}` lines of a crossings file.
fn file_day_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("  - {date: "))
        .map(String::from)
        .collect()
}

// ---------------------------------------------------------------------------
// Importing

#[test]
fn import_writes_the_source_block_and_one_line_per_day() {
    let p = Project::bare();
    let days = small_days();
    let stdout = import_ok(&p, &Release::of(&days), &[]);
    assert!(stdout.contains("Imported 90 days"), "{stdout}");
    let text = p.read("data/crossings.yaml");
    for line in [
        "source:",
        "  publisher: \"Home Office\"",
        "  title: \"Migrants detected crossing the English Channel in small boats\"",
        "  licence: \"Open Government Licence v3.0\"",
        "  released: 2026-08-21",
        "days:",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in\n{text}"
        );
    }
    assert_eq!(file_day_lines(&text), day_lines(&days));
    assert!(text.ends_with(&day_line(days.last().unwrap())), "{text}");
}

#[test]
fn a_project_builds_after_importing_its_series() {
    let p = Project::new();
    p.brief(
        "so-far",
        &common::brief_text(
            "So far",
            "2023-03-20",
            "So far: {{ ytd.people | thousands }}.\n",
        ),
    );
    let before = p.read("data/crossings.yaml");
    import_ok(&p, &Release::of(&common::series()), &[]);
    let after = p.read("data/crossings.yaml");
    assert_eq!(file_day_lines(&after), file_day_lines(&before));
    p.build_ok(&[]);
    let f = p.figures();
    assert_eq!(f["source"]["released"], "2026-08-21");
    assert_eq!(f["as_of"], common::LAST.to_string());
}

#[test]
fn reimporting_the_same_release_leaves_the_file_byte_identical() {
    let p = Project::bare();
    let release = Release::of(&small_days());
    import_ok(&p, &release, &[]);
    let before = p.read_bytes("data/crossings.yaml");
    let stdout = import_ok(&p, &release, &[]);
    assert_eq!(p.read_bytes("data/crossings.yaml"), before);
    assert!(stdout.contains("nothing changed"), "{stdout}");
}

#[test]
fn a_release_with_seven_more_days_adds_exactly_seven_lines() {
    let p = Project::bare();
    import_ok(&p, &Release::of(&small_days()), &[]);
    let old = p.read("data/crossings.yaml");
    let longer = days_between(date(2018, 1, 1), date(2018, 4, 7));
    import_ok(&p, &Release::of(&longer), &[]);
    let new = p.read("data/crossings.yaml");
    let (removed, added) = line_diff(&old, &new);
    assert!(removed.is_empty(), "removed: {removed:?}");
    let want: BTreeSet<String> = day_lines(&longer[90..]).into_iter().collect();
    assert_eq!(want.len(), 7);
    assert_eq!(added, want);
    assert!(new.starts_with(&old), "the new days are appended");
}

#[test]
fn a_newer_release_date_changes_only_the_released_line_besides_new_days() {
    let p = Project::bare();
    import_ok(&p, &Release::of(&small_days()), &[]);
    let old = p.read("data/crossings.yaml");
    let longer = days_between(date(2018, 1, 1), date(2018, 4, 7));
    let mut release = Release::of(&longer);
    release.created = Some("2026-08-28T07:30:00Z");
    import_ok(&p, &release, &[]);
    let (removed, added) = line_diff(&old, &p.read("data/crossings.yaml"));
    assert_eq!(
        removed.into_iter().collect::<Vec<_>>(),
        ["  released: 2026-08-21"]
    );
    assert_eq!(added.len(), 8, "{added:?}");
    assert!(added.contains("  released: 2026-08-28"));
}

#[test]
fn a_revised_day_changes_exactly_one_line() {
    let p = Project::bare();
    let days = small_days();
    import_ok(&p, &Release::of(&days), &[]);
    let old = p.read("data/crossings.yaml");
    let mut revised = days.clone();
    let i = revised
        .iter()
        .position(|d| d.date == date(2018, 2, 10))
        .unwrap();
    revised[i].people += 3;
    import_ok(&p, &Release::of(&revised), &[]);
    let (removed, added) = line_diff(&old, &p.read("data/crossings.yaml"));
    assert_eq!(
        removed.into_iter().collect::<Vec<_>>(),
        day_lines(&days[i..=i])
    );
    assert_eq!(
        added.into_iter().collect::<Vec<_>>(),
        day_lines(&revised[i..=i])
    );
}

#[test]
fn release_date_option_overrides_the_files_date() {
    let p = Project::bare();
    import_ok(
        &p,
        &Release::of(&small_days()),
        &["--release-date", "2026-09-01"],
    );
    let text = p.read("data/crossings.yaml");
    assert!(text.contains("\n  released: 2026-09-01\n"), "{text}");
}

#[test]
fn a_release_without_a_creation_date_needs_the_release_date_option() {
    let p = Project::bare();
    let mut release = Release::of(&small_days());
    release.created = None;
    let out = import(&p, "release.ods", &release.ods(), &[]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stderr.contains("--release-date"), "{}", out.stderr);
    assert!(!p.path("data/crossings.yaml").exists());
    import_ok(&p, &release, &["--release-date", "2026-08-21"]);
    assert!(
        p.read("data/crossings.yaml")
            .contains("\n  released: 2026-08-21\n")
    );
}

// ---------------------------------------------------------------------------
// Refusals: exit 1, what was expected, data/crossings.yaml untouched

/// Imports `bytes` as `name` over an existing crossings file and asserts
/// that it is refused and the file is unchanged. Returns stderr.
fn refused(name: &str, bytes: &[u8]) -> String {
    let p = Project::bare();
    import_ok(&p, &Release::of(&small_days()), &[]);
    let before = p.snapshot("data");
    let out = import(&p, name, bytes, &[]);
    assert_eq!(
        out.status, 1,
        "expected exit 1\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(
        out.stderr.contains(name),
        "the file is named: {}",
        out.stderr
    );
    assert!(out.stderr.contains("expected"), "{}", out.stderr);
    assert!(
        p.snapshot("data") == before,
        "data/ changed after a refused import"
    );
    out.stderr
}

#[test]
fn a_text_file_named_ods_is_refused() {
    let err = refused("release.ods", b"Date,Migrants arrived\n01/01/2018,5\n");
    assert!(
        err.contains("this is a text file (a CSV, perhaps), not the .ods release"),
        "{err}"
    );
    assert!(err.contains("SB_01"), "{err}");
}

#[test]
fn a_zip_that_is_not_an_ods_is_refused() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("hello.txt", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let err = refused("release.ods", &bytes);
    assert!(
        err.contains("a zip archive that holds no spreadsheet"),
        "{err}"
    );
}

#[test]
fn an_ods_without_sb_01_is_refused() {
    let mut release = Release::of(&small_days());
    release.sb01_name = "Daily";
    let err = refused("release.ods", &release.ods());
    assert!(err.contains("no table SB_01"), "{err}");
    assert!(err.contains("Daily"), "the sheets found are listed: {err}");
}

#[test]
fn an_ods_whose_weekly_table_disagrees_with_the_days_is_refused() {
    let days = small_days();
    let mut release = Release::of(&days);
    let mut wrong = days.clone();
    wrong[20].people += 1; // inside the third full week
    release.weekly = weekly_rows(&wrong);
    let err = refused("release.ods", &release.ods());
    assert!(err.contains("SB_02"), "{err}");
    assert!(err.contains("2018-01-21"), "the week is named: {err}");
}

#[test]
fn a_date_cell_that_is_not_a_date_is_refused() {
    let days = small_days();
    let mut release = Release::of(&days);
    release.daily[10] = row(&[
        string_cell("TBC"),
        float_cell(days[10].people),
        float_cell(days[10].boats),
        string_cell("-"),
    ]);
    let err = refused("release.ods", &release.ods());
    assert!(err.contains("SB_01!A12"), "the cell is named: {err}");
    assert!(err.contains("not a date"), "{err}");
}

#[test]
fn a_dash_in_the_people_column_is_refused() {
    let days = small_days();
    let mut release = Release::of(&days);
    release.daily[5] = row(&[
        date_cell(days[5].date),
        string_cell("-"),
        float_cell(days[5].boats),
        string_cell("-"),
    ]);
    let err = refused("release.ods", &release.ods());
    assert!(err.contains("SB_01!B7"), "the cell is named: {err}");
    assert!(err.contains("whole number of people"), "{err}");
}

#[test]
fn dates_written_as_text_are_read_like_date_cells() {
    let days = small_days();
    let p = Project::bare();
    import_ok(&p, &Release::of(&days), &[]);
    let with_date_cells = p.read_bytes("data/crossings.yaml");
    let mut release = Release::of(&days);
    release.daily = days
        .iter()
        .map(|d| {
            row(&[
                string_cell(&d.date.strftime("%d/%m/%Y").to_string()),
                float_cell(d.people),
                float_cell(d.boats),
                string_cell("-"),
            ])
        })
        .collect();
    let q = Project::bare();
    import_ok(&q, &release, &[]);
    assert_eq!(q.read_bytes("data/crossings.yaml"), with_date_cells);
}

#[test]
fn a_gap_in_the_days_is_refused() {
    let mut release = Release::of(&small_days());
    release.daily.remove(30);
    let err = refused("release.ods", &release.ods());
    assert!(err.contains("2018-02-01 follows 2018-01-30"), "{err}");
}

/// A release whose 10 February 2018 has 3 boats and 2 people.
fn release_with_more_boats_than_people() -> Vec<u8> {
    let mut days = small_days();
    days[40].people = 2;
    days[40].boats = 3;
    Release::of(&days).ods()
}

#[test]
fn more_boats_than_people_in_a_release_is_refused_and_the_file_kept() {
    let p = Project::bare();
    import_ok(&p, &Release::of(&small_days()), &[]);
    let before = p.snapshot("data");
    let out = import(
        &p,
        "release.ods",
        &release_with_more_boats_than_people(),
        &[],
    );
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("3 boats but only 2 people"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("expected boats ≤ people"),
        "{}",
        out.stderr
    );
    assert!(p.snapshot("data") == before, "data/ changed");
}

#[test]
fn more_boats_than_people_in_a_release_is_reported_in_the_release() {
    let err = refused("release.ods", &release_with_more_boats_than_people());
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("data/crossings.yaml"), "{err}");
    assert!(err.contains("SB_01!C42"), "the cell is named: {err}");
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_old_file_or_the_new() {
    let p = Project::new();
    // Two releases of six years of days, the second a week longer.
    let first = days_between(date(2018, 1, 1), date(2023, 12, 24));
    let second = days_between(date(2018, 1, 1), date(2023, 12, 31));
    let (a, b) = (Release::of(&first).ods(), Release::of(&second).ods());
    p.write("a.ods", &a);
    p.write("b.ods", &b);
    let mut texts = Vec::new();
    for name in ["a.ods", "b.ods"] {
        let file = p.path(name);
        // Each goes back to the other's days on purpose.
        let out = p.run(&[
            "import",
            "home-office",
            file.to_str().unwrap(),
            "--allow-older",
        ]);
        assert_eq!(out.status, 0, "{}", out.stderr);
        texts.push(p.read("data/crossings.yaml"));
    }
    assert_ne!(texts[0], texts[1]);
    // Time one whole import, then kill imports at points spread over it.
    let started = std::time::Instant::now();
    let file_a = p.path("a.ods");
    assert_eq!(
        p.run(&[
            "import",
            "home-office",
            file_a.to_str().unwrap(),
            "--allow-older"
        ])
        .status,
        0
    );
    let full = started.elapsed().as_millis() as u64;
    let mut seen = [0, 0];
    for (round, delay) in (0..=10)
        .map(|i| full * i / 10)
        .chain([2 * full, 3 * full])
        .enumerate()
    {
        let target = if round % 2 == 0 { "b.ods" } else { "a.ods" };
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("--root")
            .arg(p.root())
            .args(["import", "home-office", "--allow-older"])
            .arg(p.path(target))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let now = p.read("data/crossings.yaml");
        let which = texts.iter().position(|t| *t == now);
        assert!(
            which.is_some(),
            "after a kill at {delay} ms the file is neither release"
        );
        seen[which.unwrap()] += 1;
        let leftovers: Vec<_> = std::fs::read_dir(p.path("data"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".yaml"))
            .collect();
        assert!(leftovers.len() <= 3, "no stray .yaml files appear in data/");
    }
    assert!(seen[0] > 0 && seen[1] > 0, "{seen:?}");
}

// ---------------------------------------------------------------------------
// --latest: the release found through a Content API served on 127.0.0.1

const API_PATH: &str = "/api/content/government/publications/migrants-detected-crossing-the-english-channel-in-small-boats";
const SERIES_PATH: &str = "/media/66c5/small-boats-time-series-to-17-august-2026.ods";

fn ok(body: impl Into<Vec<u8>>) -> Route {
    (200, body.into(), Duration::ZERO)
}

/// A server standing in for GOV.UK: the Content API's answer (shaped as
/// GOV.UK's, tests/fixtures) at API_PATH, naming files on this server, and
/// `release` as the publication's time series.
fn gov_uk(release: Vec<u8>) -> Server {
    let server = Server::start();
    let answer =
        include_str!("fixtures/govuk-content-api.json").replace("{{ASSETS}}", &server.url(""));
    server.route(API_PATH, ok(answer));
    server.route(SERIES_PATH, ok(release));
    server
}

fn latest(p: &Project, server: &Server, extra: &[&str]) -> common::Output {
    let api = server.url(API_PATH);
    let mut args = vec!["import", "home-office", "--latest", "--api-url", &api];
    args.extend_from_slice(extra);
    p.run(&args)
}

#[test]
fn the_latest_release_is_found_imported_and_then_up_to_date() {
    let p = Project::new();
    let server = gov_uk(Release::of(&small_days()).ods());
    // The fixture's own series is longer than the small release's.
    let out = latest(&p, &server, &["--allow-older"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("Found “Migrants detected crossing the English Channel in small boats – time series” (small-boats-time-series-to-17-august-2026.ods) on GOV.UK, published 2026-08-21T09:30:00.000+01:00: Data updated to 17 August 2026.\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Imported 90 days (2018-01-01 to 2018-03-31)"),
        "{}",
        out.stdout
    );
    // The same as importing the file by hand.
    let fetched = p.read_bytes("data/crossings.yaml");
    let by_hand = Project::new();
    import_ok(&by_hand, &Release::of(&small_days()), &["--allow-older"]);
    assert_eq!(fetched, by_hand.read_bytes("data/crossings.yaml"));
    // A second run finds the same release and changes nothing.
    let again = latest(&p, &server, &[]);
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert!(
        again
            .stdout
            .contains("already this release; nothing changed"),
        "{}",
        again.stdout
    );
    assert_eq!(p.read_bytes("data/crossings.yaml"), fetched);
}

#[test]
fn every_failure_to_fetch_says_why_and_leaves_the_data_as_it_was() {
    let release = Release::of(&small_days()).ods();
    let no_series = include_str!("fixtures/govuk-content-api.json")
        .replace("time series", "tables")
        .replace("{{ASSETS}}", "http://127.0.0.1:9");
    let too_big = vec![b'x'; 20 * 1024 * 1024 + 1];
    type Break = Box<dyn Fn(&Server)>;
    let cases: Vec<(&str, Break, &[&str], &str)> = vec![
        (
            "the API fails",
            Box::new(|s| s.route(API_PATH, (500, b"oops".to_vec(), Duration::ZERO))),
            &[],
            "the server answered 500",
        ),
        (
            "the API answers something else",
            Box::new(|s| s.route(API_PATH, ok(r#"{"details": {"body": "<p>hi</p>"}}"#))),
            &[],
            "is not a publication as expected",
        ),
        (
            "the API answers HTML",
            Box::new(|s| s.route(API_PATH, ok("<!doctype html><p>Page not found</p>"))),
            &[],
            "is not a publication as expected",
        ),
        (
            "no attachment is the time series",
            Box::new(move |s| s.route(API_PATH, ok(no_series.clone()))),
            &[],
            "no time-series spreadsheet among its attachments",
        ),
        (
            "the time series is gone",
            Box::new(|s| s.route(SERIES_PATH, (404, b"gone".to_vec(), Duration::ZERO))),
            &[],
            "the server answered 404",
        ),
        (
            "the attachment is not a release",
            Box::new(|s| s.route(SERIES_PATH, ok("Date,Migrants arrived\n01/01/2018,5\n"))),
            &[],
            "small-boats-time-series-to-17-august-2026.ods",
        ),
        (
            "the download is over the size limit",
            Box::new(move |s| s.route(SERIES_PATH, ok(too_big.clone()))),
            &[],
            "larger than 20971520 bytes",
        ),
        (
            "the API is too slow",
            Box::new(|s| {
                let answer = include_str!("fixtures/govuk-content-api.json");
                s.route(API_PATH, (200, answer.into(), Duration::from_secs(4)));
            }),
            &["--timeout", "1"],
            "it took too long",
        ),
    ];
    for (case, break_it, extra, expected) in cases {
        let p = Project::new();
        let before = p.read_bytes("data/crossings.yaml");
        let server = gov_uk(release.clone());
        break_it(&server);
        let out = latest(&p, &server, extra);
        assert_eq!(out.status, 1, "{case}: {}", out.stdout);
        assert!(out.stderr.contains(expected), "{case}: {}", out.stderr);
        assert!(
            out.stderr.contains("= "),
            "{case} gives no help: {}",
            out.stderr
        );
        assert_eq!(p.read_bytes("data/crossings.yaml"), before, "{case}");
    }
    // Nothing listening at all.
    let p = Project::new();
    let before = p.read_bytes("data/crossings.yaml");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let api = format!("http://127.0.0.1:{port}{API_PATH}");
    let out = p.run(&["import", "home-office", "--latest", "--api-url", &api]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .contains("could not download the publication's entry"),
        "{}",
        out.stderr
    );
    assert_eq!(p.read_bytes("data/crossings.yaml"), before);
}

#[test]
fn the_fetch_options_go_with_latest_only() {
    let p = Project::new();
    let out = import(
        &p,
        "release.ods",
        &Release::of(&small_days()).ods(),
        &["--api-url", "http://127.0.0.1:9/"],
    );
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .contains("--api-url and --timeout are for --latest"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------
// scripts/weekly-update, the scheduled workflow's script, run here against
// the local server (a dry run: it prints the pull request it would open)

/// A project in a git repository of its own, everything committed.
fn committed_project() -> Project {
    let p = Project::new();
    p.write(".gitignore", "output/\n");
    p.brief(
        "arrivals",
        &common::brief_text(
            "Arrivals",
            "2026-08-21",
            "So far: {{ ytd.people | thousands }}.\n",
        ),
    );
    git(p.root(), &["init", "--quiet", "--initial-branch", "main"]);
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "--quiet", "-m", "start"]);
    p
}

fn weekly_update(p: &Project, server: &Server) -> common::Output {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/weekly-update");
    let out = std::process::Command::new("bash")
        .arg(script)
        .current_dir(p.root())
        .env("BRIEF", env!("CARGO_BIN_EXE_brief"))
        .env("API_URL", server.url(API_PATH))
        .env("CHECKS", "true")
        .env("DRY_RUN", "1")
        .output()
        .unwrap();
    common::Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The fixture project's series and a week more: the next release.
fn next_release() -> Release {
    let mut days = common::series();
    let last = days[days.len() - 1].date;
    let week_on = last.checked_add(jiff::ToSpan::days(7)).unwrap();
    days.extend(days_between(last.tomorrow().unwrap(), week_on));
    Release::of(&days)
}

#[test]
fn the_weekly_update_proposes_a_new_release_and_leaves_an_old_one_alone() {
    let p = committed_project();
    let before = p.read_bytes("data/crossings.yaml");
    let server = gov_uk(next_release().ods());
    let out = weekly_update(&p, &server);
    assert_eq!(out.status, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("Would open a pull request from data/2026-08-21: Data: the Home Office release of 2026-08-21\n"),
        "{}",
        out.stdout
    );
    // The body is brief diff's report of the change.
    assert!(out.stdout.contains("Crossings:"), "{}", out.stdout);
    assert!(out.stdout.contains("arrivals"), "{}", out.stdout);
    // A dry run leaves the checkout as it was.
    assert_eq!(p.read_bytes("data/crossings.yaml"), before);

    // Once that release is imported and committed, the next run does nothing.
    import_ok(&p, &next_release(), &[]);
    git(p.root(), &["commit", "--quiet", "-am", "the release"]);
    let again = weekly_update(&p, &server);
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert!(
        again
            .stdout
            .contains("the latest release is already imported; nothing to do"),
        "{}",
        again.stdout
    );
    assert!(!again.stdout.contains("Would open"), "{}", again.stdout);
}

#[test]
fn an_older_release_or_one_that_drops_days_is_refused_unless_allowed() {
    let p = Project::bare();
    let longer = days_between(date(2018, 1, 1), date(2018, 4, 7));
    let mut newer = Release::of(&longer);
    newer.created = Some("2026-08-28T07:30:00Z");
    import_ok(&p, &newer, &[]);
    let before = p.read("data/crossings.yaml");
    // The release of a week before, with fewer days: going back in time.
    let out = import(&p, "old.ods", &Release::of(&small_days()).ods(), &[]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr.starts_with("error: data/crossings.yaml: this release, of 21 August 2026, is older than the one imported, of 28 August 2026"),
        "{}",
        out.stderr
    );
    // It says what it would take away: the week of days the older one
    // lacks.
    let dropped: u64 = longer[90..].iter().map(|d| d.people).sum();
    let would = format!(
        "; importing it would remove 7 days that data/crossings.yaml has (1 April 2018 to 7 April 2018, {} people)",
        common::thousands(dropped)
    );
    assert!(out.stderr.contains(&would), "{would}\n{}", out.stderr);
    assert!(out.stderr.contains("--allow-older"), "{}", out.stderr);
    assert_eq!(p.read("data/crossings.yaml"), before, "the file is kept");
    // A release of the same day that leaves days out says which.
    let mut shorter = Release::of(&small_days());
    shorter.created = Some("2026-08-28T07:30:00Z");
    let out = import(&p, "short.ods", &shorter.ods(), &[]);
    assert_ne!(out.status, 0);
    let people: u64 = longer[90..].iter().map(|d| d.people).sum();
    let want = format!(
        "this release would remove 7 days that data/crossings.yaml has (1 April 2018 to 7 April 2018, {} people)",
        common::thousands(people)
    );
    assert!(out.stderr.contains(&want), "{want}\n{}", out.stderr);
    assert_eq!(p.read("data/crossings.yaml"), before);
    // On purpose, it is imported.
    import_ok(&p, &Release::of(&small_days()), &["--allow-older"]);
    assert!(
        p.read("data/crossings.yaml")
            .contains("released: 2026-08-21")
    );
}
