//! Incremental builds reuse the pages whose inputs did not change, and give
//! the same bytes as a clean build in every case.

mod common;

use common::{Project, brief_text, crossings_yaml, days_between, snapshot};
use jiff::civil::date;

const BODY: &str = "So far {{ ytd.people | thousands }}.\n\n{{ chart(name=\"cumulative\", from=2021, title=\"For BRIEF\") }}\n";

fn project() -> Project {
    let p = Project::new();
    for i in 0..6 {
        let body = BODY.replace("BRIEF", &format!("brief {i}"));
        p.brief(
            &format!("brief-{i}"),
            &brief_text(&format!("Brief {i}"), "2023-03-20", &body),
        );
    }
    p
}

/// Builds incrementally into output/, cleanly into clean/, and checks both
/// give the same files; returns the incremental build's stdout.
fn build_and_compare(p: &Project) -> String {
    let stdout = p.build_ok(&[]);
    p.build_ok(&["--full", "-o", "clean"]);
    assert_eq!(
        snapshot(&p.path("output")),
        snapshot(&p.path("clean")),
        "incremental and clean builds differ after: {stdout}"
    );
    std::fs::remove_dir_all(p.path("clean")).unwrap();
    stdout
}

#[test]
fn nothing_changed_renders_nothing() {
    let p = project();
    p.build_ok(&[]);
    let before = p.snapshot("output");
    let stdout = p.build_ok(&[]);
    assert!(
        stdout.contains("is up to date: no input changed"),
        "{stdout}"
    );
    assert_eq!(p.snapshot("output"), before);
}

#[test]
fn one_changed_brief_is_rendered_again_and_the_others_reused() {
    let p = project();
    p.build_ok(&[]);
    p.brief(
        "brief-3",
        &brief_text(
            "Brief 3, revised",
            "2023-03-21",
            "Revised: {{ ytd.boats }}.\n",
        ),
    );
    let stdout = build_and_compare(&p);
    assert!(stdout.contains("(1 rendered, 5 unchanged)"), "{stdout}");
    // The index lists the new title; the revised brief's chart is gone.
    assert!(p.read("output/index.html").contains("Brief 3, revised"));
}

#[test]
fn a_data_change_renders_every_brief_that_uses_the_data() {
    let p = project();
    p.build_ok(&[]);
    let days = days_between(date(2019, 1, 1), date(2023, 3, 24));
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&days, date(2023, 3, 30)),
    );
    let stdout = build_and_compare(&p);
    assert!(
        stdout.starts_with("Built 6 briefs and 6 charts"),
        "{stdout}"
    );
}

#[test]
fn a_template_change_renders_every_brief() {
    let p = project();
    p.build_ok(&[]);
    let template = p.read("templates/brief.html").replace(
        "<article class=\"brief\">",
        "<article class=\"brief changed\">",
    );
    p.write("templates/brief.html", template);
    let stdout = build_and_compare(&p);
    assert!(!stdout.contains("unchanged"), "{stdout}");
    assert!(
        p.read("output/brief-0/index.html")
            .contains("brief changed")
    );
}

#[test]
fn added_and_removed_briefs_and_lost_files_are_handled() {
    let p = project();
    p.build_ok(&[]);
    std::fs::remove_file(p.path("briefs/brief-5.md")).unwrap();
    p.brief(
        "brief-new",
        &brief_text("New", "2023-03-22", "New {{ ytd.people }}.\n"),
    );
    let stdout = build_and_compare(&p);
    assert!(stdout.contains("(1 rendered, 5 unchanged)"), "{stdout}");
    assert!(!p.path("output/brief-5").exists());
    // A file lost from output/ makes the next build rebuild, not skip.
    std::fs::remove_file(p.path("output/brief-1/index.html")).unwrap();
    let stdout = build_and_compare(&p);
    assert!(!stdout.contains("up to date"), "{stdout}");
    assert!(p.path("output/brief-1/index.html").exists());
}

#[test]
fn other_options_are_a_new_build() {
    let p = project();
    p.build_ok(&[]);
    let stdout = p.build_ok(&["--as-of", "2023-03-01"]);
    assert!(
        !stdout.contains("unchanged") && !stdout.contains("up to date"),
        "{stdout}"
    );
    p.build_ok(&["--full", "--as-of", "2023-03-01", "-o", "clean"]);
    assert_eq!(snapshot(&p.path("output")), snapshot(&p.path("clean")));
}

#[test]
fn a_brief_binary_newer_than_the_site_renders_every_page_again() {
    let p = project();
    p.build_ok(&[]);
    // As if the site were built before this binary (one installed since):
    // its folder is older than the executable.
    let folder = std::fs::File::open(p.path("output")).unwrap();
    folder
        .set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400))
        .unwrap();
    drop(folder);
    let stdout = build_and_compare(&p);
    assert!(!stdout.contains("up to date"), "{stdout}");
    assert!(!stdout.contains("unchanged"), "nothing is reused: {stdout}");
    // Built by this binary now, the next build reuses everything again.
    let stdout = p.build_ok(&[]);
    assert!(
        stdout.contains("is up to date: no input changed"),
        "{stdout}"
    );
}
