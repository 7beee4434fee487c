//! `brief check` on a fixture project: up to date after a build; a byte
//! changed in the data or in a brief, a stray file and a deleted file are
//! each named; the site is checked with the options it was built with; and
//! a check never writes.

mod common;

use std::collections::BTreeMap;

use common::{Output, Project, brief_text, snapshot};

/// A brief that quotes the year to date and places a chart.
const BODY: &str = "Arrivals so far this year: {{ ytd.people | thousands }}.

{{ chart(name=\"cumulative\") }}
";

/// A project with two briefs (one a draft), built into `output/`.
fn built_project(args: &[&str]) -> Project {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    p.brief(
        "older",
        &brief_text("Older", "2023-01-15", "An older brief.\n"),
    );
    p.brief(
        "unfinished",
        "---\ntitle: Unfinished\nsummary: Not yet.\ndate: 2023-03-25\nauthors: [Test Desk]\ndraft: true\n---\nA draft.\n",
    );
    p.build_ok(args);
    p
}

/// Runs `brief check` and asserts that it wrote nothing anywhere in the
/// project (output/ and its siblings byte-identical before and after).
fn check(p: &Project, args: &[&str]) -> Output {
    let before = snapshot(p.root());
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = p.run(&all);
    let after = snapshot(p.root());
    assert_same_files(&before, &after);
    out
}

fn assert_same_files(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "brief check added or removed a file"
    );
    for (path, bytes) in before {
        assert!(bytes == &after[path], "brief check changed {path}");
    }
}

/// Asserts a clean check.
fn assert_up_to_date(out: &Output) {
    assert_eq!(
        out.status, 0,
        "expected a clean check; stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(
        out.stdout.starts_with("output/ is up to date: ")
            && out.stdout.contains(" files match their sources (as of "),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

/// Asserts a failed check and returns its report.
fn assert_not_clean(out: &Output) -> &str {
    assert_eq!(
        out.status, 1,
        "expected exit 1; stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(
        out.stderr.contains("does not match its sources"),
        "{}",
        out.stderr
    );
    &out.stdout
}

/// The report lines under `heading`, up to the next line that is not indented.
fn section<'a>(report: &'a str, heading: &str) -> Vec<&'a str> {
    let mut lines = report.lines().skip_while(|l| !l.starts_with(heading));
    assert!(lines.next().is_some(), "no {heading:?} in:\n{report}");
    lines
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect()
}

/// The files the report lists as `kind` (stale, missing, extra).
fn listed<'a>(report: &'a str, kind: &str) -> Vec<&'a str> {
    section(report, "output/ does not match its sources")
        .into_iter()
        .filter_map(|l| l.strip_prefix(kind))
        .map(str::trim)
        .collect()
}

#[test]
fn a_fresh_build_is_up_to_date() {
    let p = built_project(&[]);
    let out = check(&p, &[]);
    assert_up_to_date(&out);
    let files = p.snapshot("output").len();
    assert!(
        out.stdout.contains(&format!(
            "{files} files match their sources (as of 31 March 2023)."
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn without_an_output_folder_check_fails_and_says_so() {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert!(report.contains("output/ does not exist"), "{report}");
}

#[test]
fn a_byte_changed_in_the_data_names_the_file_and_the_stale_pages() {
    let p = built_project(&[]);
    let data = p.read("data/crossings.yaml");
    let line = data
        .lines()
        .find(|l| l.contains("date: 2023-03-30,"))
        .unwrap()
        .to_string();
    // One digit of the day's count: 1xx people → 2xx people.
    let edited = line.replacen("people: 1", "people: 2", 1);
    assert_ne!(line, edited, "{line}");
    assert_eq!(line.len(), edited.len());
    p.write("data/crossings.yaml", data.replace(&line, &edited));

    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    let stale = listed(report, "stale");
    for file in [
        "figures.json",
        "so-far/index.html",
        "older/index.html",
        "manifest.json",
    ] {
        assert!(stale.contains(&file), "{file} not stale in:\n{report}");
    }
    assert!(listed(report, "missing").is_empty(), "{report}");
    assert!(listed(report, "extra").is_empty(), "{report}");
    assert_eq!(
        section(report, "Inputs changed since output/ was built:"),
        ["changed  data/crossings.yaml"],
        "{report}"
    );
}

#[test]
fn a_byte_changed_in_a_brief_names_the_brief() {
    let p = built_project(&[]);
    let text = p.read("briefs/older.md");
    p.brief("older", &text.replace("An older brief.", "An older brieF."));

    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    let stale = listed(report, "stale");
    assert!(stale.contains(&"older/index.html"), "{report}");
    assert!(stale.contains(&"manifest.json"), "{report}");
    assert!(!stale.contains(&"so-far/index.html"), "{report}");
    assert!(!stale.contains(&"figures.json"), "{report}");
    assert_eq!(
        section(report, "Inputs changed since output/ was built:"),
        ["changed  briefs/older.md"],
        "{report}"
    );
}

#[test]
fn a_new_and_a_removed_brief_are_named_as_added_and_removed_inputs() {
    let p = built_project(&[]);
    std::fs::remove_file(p.path("briefs/older.md")).unwrap();
    p.brief("newer", &brief_text("Newer", "2023-03-28", "Newer.\n"));

    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert_eq!(listed(report, "missing"), ["newer/index.html"], "{report}");
    assert_eq!(listed(report, "extra"), ["older/index.html"], "{report}");
    assert_eq!(
        section(report, "Inputs changed since output/ was built:"),
        ["added    briefs/newer.md", "removed  briefs/older.md"],
        "{report}"
    );
}

#[test]
fn a_stray_file_in_the_output_is_extra() {
    let p = built_project(&[]);
    p.write("output/old-brief/index.html", "<p>gone</p>");
    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert_eq!(
        listed(report, "extra"),
        ["old-brief/index.html"],
        "{report}"
    );
    assert!(listed(report, "stale").is_empty(), "{report}");
    assert!(listed(report, "missing").is_empty(), "{report}");
    assert!(
        report.contains("No input has changed since output/ was built"),
        "{report}"
    );
}

#[test]
fn a_deleted_output_file_is_missing() {
    let p = built_project(&[]);
    std::fs::remove_file(p.path("output/figures.json")).unwrap();
    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert_eq!(listed(report, "missing"), ["figures.json"], "{report}");
    assert!(listed(report, "stale").is_empty(), "{report}");
}

#[test]
fn a_file_edited_by_hand_is_stale() {
    let p = built_project(&[]);
    let mut page = p.read_bytes("output/so-far/index.html");
    let last = page.len() - 2;
    page[last] ^= 1;
    p.write("output/so-far/index.html", page);
    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert_eq!(listed(report, "stale"), ["so-far/index.html"], "{report}");
}

#[test]
fn without_a_manifest_the_changed_inputs_are_unknown() {
    let p = built_project(&[]);
    std::fs::remove_file(p.path("output/manifest.json")).unwrap();
    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert_eq!(listed(report, "missing"), ["manifest.json"], "{report}");
    assert!(report.contains("is not known"), "{report}");
}

#[test]
fn an_unreadable_manifest_is_stale_and_the_check_goes_on() {
    let p = built_project(&[]);
    p.write("output/manifest.json", "{ not json");
    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert_eq!(listed(report, "stale"), ["manifest.json"], "{report}");
}

#[test]
fn the_manifest_records_the_build_options() {
    let p = built_project(&["--as-of", "2023-01-31", "--drafts"]);
    let manifest: serde_json::Value =
        serde_json::from_str(&p.read("output/manifest.json")).unwrap();
    assert_eq!(
        manifest["build"],
        serde_json::json!({"as_of": "2023-01-31", "drafts": true, "base_url": null})
    );
    let p = built_project(&[]);
    let manifest: serde_json::Value =
        serde_json::from_str(&p.read("output/manifest.json")).unwrap();
    assert_eq!(
        manifest["build"],
        serde_json::json!({"as_of": null, "drafts": false, "base_url": null})
    );
}

#[test]
fn a_site_built_as_of_a_day_checks_clean_with_plain_check() {
    let p = built_project(&["--as-of", "2023-01-31"]);
    let out = check(&p, &[]);
    assert_up_to_date(&out);
    assert!(
        out.stdout.contains("(as of 31 January 2023)"),
        "{}",
        out.stdout
    );

    // Another day on the command line wins over the manifest.
    let out = check(&p, &["--as-of", "2023-02-28"]);
    let report = assert_not_clean(&out);
    assert!(
        listed(report, "stale").contains(&"figures.json"),
        "{report}"
    );
    assert!(
        report.contains("was built with `brief build --as-of 2023-01-31`"),
        "{report}"
    );
    assert!(
        report.contains("`brief build --as-of 2023-02-28`"),
        "{report}"
    );
}

#[test]
fn a_site_built_with_drafts_checks_clean_with_plain_check() {
    let p = built_project(&["--drafts"]);
    assert!(p.path("output/unfinished/index.html").exists());
    let out = check(&p, &[]);
    assert_up_to_date(&out);
    assert!(out.stdout.contains(", with drafts)"), "{}", out.stdout);
}

#[test]
fn a_site_built_as_of_the_default_goes_stale_when_new_days_arrive() {
    let p = built_project(&[]);
    let data = p.read("data/crossings.yaml");
    p.write(
        "data/crossings.yaml",
        format!("{data}  - {{date: 2023-04-01, people: 50, boats: 1}}\n"),
    );
    let out = check(&p, &[]);
    let report = assert_not_clean(&out);
    assert!(
        report.starts_with("output/ does not match its sources (checked as of 1 April 2023):"),
        "{report}"
    );
    assert!(
        listed(report, "stale").contains(&"figures.json"),
        "{report}"
    );
}

#[test]
fn an_output_folder_elsewhere_is_checked_with_o() {
    let p = built_project(&["-o", "public"]);
    let out = check(&p, &["-o", "public"]);
    assert_eq!(out.status, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with("public/ is up to date"),
        "{}",
        out.stdout
    );
}
