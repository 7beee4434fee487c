//! `brief diff`: a week's release in a git repository of our own making, and
//! two figures.json files.

mod common;

use common::{Project, brief_text, crossings_yaml, days_between, git};
use jiff::civil::date;

const BODY: &str = "By {{ as_of | uk_date }}, {{ ytd.people | thousands }} people had arrived in {{ ytd.boats | thousands }} boats.\n\n| Year | People by then |\n|---|---:|\n{% for y, p in ytd.same_point %}| {{ y }} | {{ p | thousands }} |\n{% endfor %}\n";

/// A project committed with data to 24 March 2023, then given a week more
/// (to 31 March) with 20 March revised, in the working tree.
fn week_of_changes() -> (Project, u64, u64) {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    p.brief(
        "static",
        &brief_text("Static", "2023-01-01", "No figures here.\n"),
    );
    let mut days = days_between(date(2019, 1, 1), date(2023, 3, 24));
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&days, date(2023, 3, 30)),
    );
    git(p.root(), &["init", "-q"]);
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "-qm", "week 12"]);
    let revised = days
        .iter()
        .position(|d| d.date == date(2023, 3, 20))
        .unwrap();
    let before = days[revised].people;
    days[revised].people += 11;
    days.extend(days_between(date(2023, 3, 25), date(2023, 3, 31)));
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&days, date(2023, 4, 6)),
    );
    (p, before, before + 11)
}

#[test]
fn the_weeks_data_change_comes_first_in_a_sentence() {
    let (p, before, after) = week_of_changes();
    let out = p.run(&["diff"]);
    assert!(out.status == 0, "{}", out.stderr);
    let text = &out.stdout;
    assert!(
        text.contains("7 days added (25 March 2023 to 31 March 2023"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "1 day revised (20 March 2023: people {before} → {after}; net +11 people)"
        )),
        "{text}"
    );
    assert!(
        text.contains("the release of 30 March 2023 → 6 April 2023"),
        "{text}"
    );
    // And every revised day in a table, with its counts before and after.
    assert!(
        text.contains(&format!(
            "| Day revised | People | Boats |\n|---|---:|---:|\n| 20 March 2023 | {} → {} |",
            common::thousands(before),
            common::thousands(after)
        )),
        "{text}"
    );
}

#[test]
fn each_briefs_changed_figures_read_as_in_the_brief() {
    let (p, _, _) = week_of_changes();
    // What the briefs say before and after, computed from the two builds.
    git(p.root(), &["stash", "-q"]);
    p.build_ok(&[]);
    let old = p.figures();
    git(p.root(), &["stash", "pop", "-q"]);
    p.build_ok(&[]);
    let new = p.figures();
    let out = p.run(&["diff", "--base", "HEAD"]);
    assert!(out.status == 0, "{}", out.stderr);
    let thousands = |v: &serde_json::Value| common::thousands(v.as_u64().unwrap());
    let (a, b) = (
        thousands(&old["ytd"]["people"]),
        thousands(&new["ytd"]["people"]),
    );
    assert_ne!(a, b);
    let delta = new["ytd"]["people"].as_u64().unwrap() - old["ytd"]["people"].as_u64().unwrap();
    let row = format!("| {a} | {b} | +{} |", thousands(&serde_json::json!(delta)));
    assert!(out.stdout.contains(&row), "missing {row}:\n{}", out.stdout);
    assert!(
        out.stdout.contains("| 24 March 2023, | 31 March 2023, |"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("### So far (`briefs/so-far.md`)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("**Unchanged:**\n\n- Static (`briefs/static.md`)"),
        "{}",
        out.stdout
    );
}

#[test]
fn json_for_tools() {
    let (p, _, _) = week_of_changes();
    let out = p.run(&["diff", "--format", "json"]);
    assert!(out.status == 0, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["data"]["days_added"].as_array().unwrap().len(), 7);
    assert_eq!(report["data"]["days_revised"][0]["date"], "2023-03-20");
    let briefs = report["briefs"].as_array().unwrap();
    let so_far = briefs.iter().find(|b| b["slug"] == "so-far").unwrap();
    assert_eq!(so_far["status"], "changed");
    assert!(!so_far["changes"].as_array().unwrap().is_empty());
    let fixed = briefs.iter().find(|b| b["slug"] == "static").unwrap();
    assert_eq!(fixed["status"], "unchanged");
}

#[test]
fn no_change_says_so_and_succeeds() {
    let (p, _, _) = week_of_changes();
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "-qm", "week 13"]);
    let out = p.run(&["diff"]);
    assert!(out.status == 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("The daily series is unchanged"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("No figure in any brief changed"),
        "{}",
        out.stdout
    );
}

#[test]
fn two_figures_files_are_compared_through_the_briefs() {
    let (p, _, _) = week_of_changes();
    p.build_ok(&["--as-of", "2023-03-24", "-o", "old"]);
    p.build_ok(&["-o", "new"]);
    let (old, new) = (p.path("old/figures.json"), p.path("new/figures.json"));
    let out = p.run(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert!(out.status == 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("The figures move from 24 March 2023 to 31 March 2023, 7 days later"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("### So far"), "{}", out.stdout);
    let site = p.path("site.yaml");
    let bad = p.run(&["diff", old.to_str().unwrap(), site.to_str().unwrap()]);
    assert_eq!(bad.status, 1);
    assert!(
        bad.stderr
            .contains("site.yaml:1:2: this is not JSON (expected ident)"),
        "{}",
        bad.stderr
    );
}

#[test]
fn an_unknown_revision_is_named() {
    let (p, _, _) = week_of_changes();
    let out = p.run(&["diff", "--base", "no-such-branch"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .contains("there is no git revision “no-such-branch”"),
        "{}",
        out.stderr
    );
}

/// The brief whose words turn on the year's rank.
const RANK: &str = "{{ ytd.people | thousands }} people so far.\n\n{% if ytd.rank == 1 %}\nThat is a record for that point in the year.\n{% elif ytd.rank == 2 %}\nThat is the second-highest total for that point in the year.\n{% else %}\nThat is below the two highest years.\n{% endif %}\n";

#[test]
fn a_sentence_the_new_figures_switch_comes_first_with_its_file_and_line() {
    // 2023 far ahead of every year at its point, then revised down to
    // between the two highest other years.
    let p = Project::new();
    p.brief("rank", &brief_text("Rank", "2023-03-20", RANK));
    let mut days = days_between(date(2019, 1, 1), date(2023, 3, 24));
    let this_year: Vec<usize> = (0..days.len())
        .filter(|&i| days[i].date >= date(2023, 1, 1))
        .collect();
    for &i in &this_year {
        days[i].people = 5_000;
    }
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&days, date(2023, 3, 30)),
    );
    p.build_ok(&[]);
    let figures = p.figures();
    assert_eq!(figures["ytd"]["rank"], 1, "{:#}", figures["ytd"]);
    let mut others: Vec<u64> = figures["ytd"]["same_point"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(y, _)| y.as_str() != "2023")
        .map(|(_, v)| v.as_u64().unwrap())
        .collect();
    others.sort_unstable();
    let (second, first) = (others[others.len() - 2], others[others.len() - 1]);
    git(p.root(), &["init", "-q"]);
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "-qm", "base"]);
    // Between the two: second place.
    let per_day = (second + first) / 2 / this_year.len() as u64;
    for &i in &this_year {
        days[i].people = per_day;
    }
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&days, date(2023, 3, 30)),
    );

    let out = p.run(&["diff", "--base", "HEAD"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let report = out.stdout;
    let flipped = "- `briefs/rank.md:9` — *That is a record for that point in the year.* → *That is the second-highest total for that point in the year.* (`ytd.rank == 1` / `ytd.rank == 2`, reading ytd.rank)";
    assert!(report.contains(flipped), "{report}");
    // First in the report: before the data change and the figures.
    let at = report.find(flipped).unwrap();
    assert!(at < report.find("**Data.**").unwrap(), "{report}");

    // Each build records the arm its figures took, and what they read.
    let branches_built = |p: &Project| {
        // Into a folder git does not track, which a stash leaves alone.
        p.build_ok(&["--full", "-o", "built"]);
        let manifest: serde_json::Value =
            serde_json::from_str(&p.read("built/manifest.json")).unwrap();
        manifest["briefs"]["rank"]["branches"].clone()
    };
    let choice = |arm: u64| {
        serde_json::json!([{
            "line": 9,
            "conditions": ["ytd.rank == 1", "ytd.rank == 2"],
            "arm": arm,
            "figures": ["ytd.rank"],
        }])
    };
    assert_eq!(branches_built(&p), choice(1));
    git(p.root(), &["stash", "-q"]);
    assert_eq!(branches_built(&p), choice(0));
    git(p.root(), &["stash", "pop", "-q"]);

    let json = p.run(&["diff", "--base", "HEAD", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let brief = value["briefs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["slug"] == "rank")
        .unwrap();
    assert_eq!(brief["flipped"][0]["line"], 9);
    assert_eq!(brief["flipped"][0]["figures"][0], "ytd.rank");
    assert_eq!(
        brief["flipped"][0]["after"],
        "That is the second-highest total for that point in the year."
    );
}

#[test]
fn the_index_a_chart_s_words_and_a_title_are_compared_too() {
    let (p, _, _) = week_of_changes();
    // A brief whose title follows the figures and which places a chart,
    // committed with the old data.
    git(p.root(), &["stash", "-q"]);
    p.write(
        "briefs/headline.md",
        "---\ntitle: 'Crossings in {{ ytd.days }} days'\nsummary: S.\ndate: 2023-03-21\nauthors: [Test Desk]\n---\n{{ chart(name=\"cumulative\", from=2022) }}\n",
    );
    git(p.root(), &["add", "briefs/headline.md"]);
    git(p.root(), &["commit", "-qm", "headline"]);
    p.build_ok(&[]);
    let old = p.figures();
    let old_index = p.read("output/index.html");
    git(p.root(), &["stash", "pop", "-q"]);
    p.build_ok(&[]);
    let new = p.figures();
    let out = p.run(&["diff"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let text = &out.stdout;
    // The index's key figure: arrivals so far this year.
    let (a, b) = (
        old["ytd"]["people"].as_u64().unwrap(),
        new["ytd"]["people"].as_u64().unwrap(),
    );
    assert!(old_index.contains(&common::thousands(a)));
    assert!(
        text.contains("### The index page (`templates/index.html`)"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "| {} | {} |",
            common::thousands(a),
            common::thousands(b)
        )),
        "{text}"
    );
    // The title, worked out from the figures, changed with them.
    let (d0, d1) = (
        old["ytd"]["days"].as_u64().unwrap(),
        new["ytd"]["days"].as_u64().unwrap(),
    );
    assert_ne!(d0, d1);
    assert!(
        text.contains(&format!(
            "### Crossings in {d1} days (`briefs/headline.md`)\n\nIts title was “Crossings in {d0} days”."
        )),
        "{text}"
    );
    // The chart's description (its alternative text) reads differently:
    // this year's total in it moved.
    let section = &text[text.find("(`briefs/headline.md`)").unwrap()..];
    let section = &section[..section.find("\n### ").unwrap_or(section.len())];
    assert!(section.contains("figures read differently"), "{section}");
    assert!(
        section.contains(&format!("{} people had arrived", common::thousands(b))),
        "{section}"
    );
}
