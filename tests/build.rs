//! `brief build` on a fixture project: the files it writes, the figures it
//! computes (checked against an independent computation from MODEL.md), the
//! as-of date, drafts, errors that leave the old site alone, and determinism.

mod common;

use std::collections::BTreeMap;

use common::{Day, LAST, PILOT_STARTS, PILOT_YAML, Project, brief_text, line_of, page_charts};
use jiff::civil::{Date, date};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Fixture briefs

/// A brief that quotes the year to date, places a chart, and guards its
/// pilot figures, as a real brief would.
const MAIN_BODY: &str = "Arrivals so far this year: {{ ytd.people | thousands }}.

{{ chart(name=\"cumulative\") }}

{% if pilot.started %}Arrivals since the pilot began: {{ pilot.arrivals | thousands }}.{% else %}The pilot has not started yet.{% endif %}
";

/// A project with three published briefs of different dates.
fn project_with_briefs() -> Project {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", MAIN_BODY));
    p.brief(
        "older",
        &brief_text("Older", "2023-01-15", "An older brief.\n"),
    );
    p.brief(
        "oldest",
        &brief_text("Oldest", "2022-11-30", "The oldest brief.\n"),
    );
    p
}

// ---------------------------------------------------------------------------
// The independent computation (MODEL.md §1, §2, §4), written out plainly.

/// Sum of people and boats over [from, to], both inclusive.
fn sum(days: &[Day], from: Date, to: Date) -> (u64, u64) {
    days.iter()
        .filter(|d| d.date >= from && d.date <= to)
        .fold((0, 0), |(p, b), d| (p + d.people, b + d.boats))
}

/// The same month and day as `d` in `year`; 29 February → 28 February in a
/// non-leap year.
fn same_point(d: Date, year: i16) -> Date {
    if d.month() == 2 && d.day() == 29 && !date(year, 1, 1).in_leap_year() {
        date(year, 2, 28)
    } else {
        date(year, d.month(), d.day())
    }
}

struct Expected {
    annual: Vec<(i16, u64, u64)>,
    ytd_people: u64,
    ytd_boats: u64,
    same_point: BTreeMap<i16, u64>,
    rank: u64,
    /// (central, low, high)
    projection: Option<(u64, u64, u64)>,
    pilot: Option<PilotExpected>,
}

struct PilotExpected {
    window_end: Date,
    days: i64,
    arrivals: u64,
    planned_returns: u64,
    /// (date, planned(t)) for each report on or before the as-of date.
    reported_planned: Vec<(Date, u64)>,
    /// Returns for each scenario, in file order.
    scenario_returns: Vec<u64>,
}

/// The fixture pilot's schedule: (from, per_week).
const SCHEDULE: [(Date, f64); 2] = [(date(2022, 6, 1), 50.0), (date(2022, 10, 1), 120.0)];
/// The fixture pilot's reports.
const REPORTS: [Date; 2] = [date(2022, 8, 15), date(2023, 1, 10)];
/// The fixture pilot's scenarios (per week).
const SCENARIOS: [f64; 3] = [50.0, 250.0, 100000.0];

/// Days from `a` to `b` inclusive (0 if b < a).
fn days_inclusive(a: Date, b: Date) -> i64 {
    if b < a {
        0
    } else {
        (b - a).get_days() as i64 + 1
    }
}

/// planned(t): Σ per_week × (days of the step in [starts, t]) / 7.
fn planned(t: Date) -> f64 {
    let mut total = 0.0;
    for (i, &(from, per_week)) in SCHEDULE.iter().enumerate() {
        let step_end = match SCHEDULE.get(i + 1) {
            Some(&(next, _)) => next.yesterday().unwrap(),
            None => date(9999, 12, 31),
        };
        let start = from.max(PILOT_STARTS);
        let end = step_end.min(t);
        total += per_week * days_inclusive(start, end) as f64 / 7.0;
    }
    total
}

fn expected(days: &[Day], as_of: Date) -> Expected {
    let seen: Vec<Day> = days.iter().copied().filter(|d| d.date <= as_of).collect();
    let first = seen.first().unwrap().date;
    let in_seen = |d: Date| d >= first && d <= as_of;
    let y = as_of.year();

    // Complete years: 1 January and 31 December both seen.
    let complete: Vec<i16> = (first.year()..=y)
        .filter(|&r| in_seen(date(r, 1, 1)) && in_seen(date(r, 12, 31)))
        .collect();
    let annual = complete
        .iter()
        .map(|&r| {
            let (p, b) = sum(&seen, date(r, 1, 1), date(r, 12, 31));
            (r, p, b)
        })
        .collect();

    let (ytd_people, ytd_boats) = sum(&seen, date(y, 1, 1), as_of);
    let mut same = BTreeMap::new();
    for r in first.year()..y {
        same.insert(r, sum(&seen, date(r, 1, 1), same_point(as_of, r)).0);
    }
    let rank = 1 + same.values().filter(|&&v| v > ytd_people).count() as u64;

    // §2: the 3 most recent complete years before Y.
    let before: Vec<i16> = complete.iter().copied().filter(|&r| r < y).collect();
    let reference: Vec<i16> = before.iter().rev().take(3).rev().copied().collect();
    let mut shares = Vec::new();
    for r in reference {
        let total = sum(&seen, date(r, 1, 1), date(r, 12, 31)).0;
        let point = same[&r];
        if total > 0 && point > 0 {
            shares.push(point as f64 / total as f64);
        }
    }
    let projection = if shares.is_empty() {
        None
    } else {
        let ytd = ytd_people as f64;
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        let implied: Vec<f64> = shares.iter().map(|s| ytd / s).collect();
        let low = implied.iter().copied().fold(f64::INFINITY, f64::min);
        let high = implied.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some((
            (ytd / mean).round() as u64,
            low.round() as u64,
            high.round() as u64,
        ))
    };

    // §4: the pilot (no end date in the fixture).
    let pilot = (as_of >= PILOT_STARTS).then(|| {
        let window_end = as_of;
        let n = days_inclusive(PILOT_STARTS, window_end);
        let weeks = n as f64 / 7.0;
        let arrivals = sum(&seen, PILOT_STARTS, window_end).0;
        PilotExpected {
            window_end,
            days: n,
            arrivals,
            planned_returns: planned(window_end).round() as u64,
            reported_planned: REPORTS
                .iter()
                .filter(|&&t| t <= as_of)
                .map(|&t| (t, planned(t).round() as u64))
                .collect(),
            scenario_returns: SCENARIOS
                .iter()
                .map(|&c| (c * weeks).min(1.0 * arrivals as f64).round() as u64)
                .collect(),
        }
    });

    Expected {
        annual,
        ytd_people,
        ytd_boats,
        same_point: same,
        rank,
        projection,
        pilot,
    }
}

/// Checks `output/figures.json` against the independent computation.
fn check_figures(f: &Value, as_of: Date) {
    let e = expected(&common::series(), as_of);
    assert_eq!(f["as_of"], as_of.to_string());

    let annual: Vec<(i16, u64, u64)> = f["annual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["year"].as_i64().unwrap() as i16,
                a["people"].as_u64().unwrap(),
                a["boats"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(annual, e.annual, "annual totals");

    let ytd = &f["ytd"];
    assert_eq!(ytd["year"], as_of.year());
    assert_eq!(ytd["people"], e.ytd_people, "ytd.people");
    assert_eq!(ytd["boats"], e.ytd_boats, "ytd.boats");
    let same: BTreeMap<i16, u64> = ytd["same_point"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.parse().unwrap(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(same, e.same_point, "ytd.same_point");
    assert_eq!(ytd["rank"], e.rank, "ytd.rank");

    match e.projection {
        Some((central, low, high)) => {
            let p = &f["projection"];
            assert_eq!(p["central"], central, "projection.central");
            assert_eq!(p["low"], low, "projection.low");
            assert_eq!(p["high"], high, "projection.high");
        }
        None => assert!(f["projection"].is_null(), "{}", f["projection"]),
    }

    let pilot = &f["pilot"];
    match e.pilot {
        Some(pe) => {
            assert_eq!(pilot["started"], true);
            assert_eq!(pilot["window_end"], pe.window_end.to_string());
            assert_eq!(pilot["days"], pe.days);
            assert_eq!(pilot["arrivals"], pe.arrivals, "pilot.arrivals");
            assert_eq!(
                pilot["planned_returns"], pe.planned_returns,
                "pilot.planned_returns"
            );
            let reported: Vec<(Date, u64)> = pilot["reported"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["date"].as_str().unwrap().parse().unwrap(),
                        r["planned"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(reported, pe.reported_planned, "pilot.reported planned");
            let scenarios: Vec<u64> = pilot["scenarios"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["returns"].as_u64().unwrap())
                .collect();
            assert_eq!(scenarios, pe.scenario_returns, "pilot scenario returns");
        }
        None => {
            assert_eq!(pilot["started"], false);
            for key in ["arrivals", "planned_returns", "days", "window_end"] {
                assert!(pilot[key].is_null(), "pilot.{key} = {}", pilot[key]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The site

#[test]
fn build_writes_index_brief_pages_charts_figures_and_assets() {
    let p = project_with_briefs();
    let stdout = p.build_ok(&[]);
    assert!(stdout.contains("Built 3 briefs"), "{stdout}");
    let files = p.snapshot("output");
    for name in [
        "index.html",
        "so-far/index.html",
        "older/index.html",
        "oldest/index.html",
        "figures.json",
        "assets/style.css",
    ] {
        assert!(
            files.contains_key(name),
            "missing {name}: {:?}",
            files.keys()
        );
    }
    let style = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/assets/style.css"),
    )
    .unwrap();
    assert_eq!(
        files["assets/style.css"], style,
        "the stylesheet is copied as is"
    );
    // Only the data and drawings of the charts a brief placed are written,
    // once for each chart of the same data (and highlight, for drawings).
    let written: Vec<&String> = files.keys().filter(|k| k.starts_with("charts/")).collect();
    let placed: Vec<String> = ["so-far", "older", "oldest"]
        .iter()
        .flat_map(|slug| {
            page_charts(
                &p.path("output"),
                &p.read(&format!("output/{slug}/index.html")),
            )
        })
        .flat_map(|c| [c.csv, c.wide_file, c.narrow_file, c.drawing])
        .collect();
    assert!(!placed.is_empty(), "a brief places a chart");
    for path in &written {
        assert!(
            path.ends_with(".csv") || path.ends_with(".svg"),
            "{path} is neither data nor drawing"
        );
        assert!(
            placed.contains(path),
            "{path} is written but no chart links it"
        );
    }
    for path in &placed {
        assert!(files.contains_key(path), "{path} is linked but not written");
    }
}

#[test]
fn index_lists_briefs_newest_first() {
    let p = project_with_briefs();
    p.build_ok(&[]);
    let index = p.read("output/index.html");
    let at = |slug: &str| {
        index
            .find(&format!("href=\"{slug}/index.html\""))
            .unwrap_or_else(|| panic!("{slug} is not listed:\n{index}"))
    };
    assert!(at("so-far") < at("older"), "{index}");
    assert!(at("older") < at("oldest"), "{index}");
}

#[test]
fn brief_page_shows_rendered_numbers_and_a_chart() {
    let p = project_with_briefs();
    p.build_ok(&[]);
    let page = p.read("output/so-far/index.html");
    let e = expected(&common::series(), LAST);
    assert!(e.ytd_people >= 1000, "the fixture should need a separator");
    let want = format!(
        "Arrivals so far this year: {}.",
        common::thousands(e.ytd_people)
    );
    assert!(page.contains(&want), "{want:?} not in the page");
    let pilot = e.pilot.unwrap();
    let want = format!(
        "Arrivals since the pilot began: {}.",
        common::thousands(pilot.arrivals)
    );
    assert!(page.contains(&want), "{want:?} not in the page");
    // Each chart drawn in the page, wide and narrow for phones, with its
    // data file written.
    let charts = page_charts(&p.path("output"), &page);
    assert!(!charts.is_empty(), "no chart");
    for chart in &charts {
        assert!(
            chart.wide.contains("viewBox=\"0 0 800 450\""),
            "{}",
            chart.name
        );
        assert!(
            chart.narrow.contains("viewBox=\"0 0 360 420\""),
            "{}",
            chart.name
        );
        assert!(
            p.path(&format!("output/{}", chart.csv)).is_file(),
            "{} was not written",
            chart.csv
        );
    }
    assert!(!page.contains("{{"), "an expression was left unrendered");
}

#[test]
fn figures_json_matches_an_independent_computation() {
    let p = project_with_briefs();
    p.build_ok(&[]);
    let f = p.figures();
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    for key in [
        "as_of",
        "source",
        "annual",
        "ytd",
        "projection",
        "backtest",
        "pilot",
    ] {
        assert!(keys.contains(&key), "figures.json has no {key}: {keys:?}");
    }
    assert_eq!(f["source"]["released"], common::RELEASED.to_string());
    assert_eq!(f["projection"]["k"], 3);
    check_figures(&f, LAST);
}

// ---------------------------------------------------------------------------
// --as-of

#[test]
fn as_of_inside_the_series_changes_as_of_and_ytd() {
    let p = project_with_briefs();
    p.build_ok(&[]);
    let at_last = p.figures();
    p.build_ok(&["--as-of", "2022-08-20"]);
    let f = p.figures();
    assert_ne!(f["ytd"], at_last["ytd"]);
    check_figures(&f, date(2022, 8, 20));
    let page = p.read("output/so-far/index.html");
    let e = expected(&common::series(), date(2022, 8, 20));
    let want = format!(
        "Arrivals so far this year: {}.",
        common::thousands(e.ytd_people)
    );
    assert!(page.contains(&want), "{want:?} not in the page");
}

#[test]
fn as_of_on_29_february_compares_with_28_february_in_other_years() {
    let p = project_with_briefs();
    p.build_ok(&["--as-of", "2020-02-29"]);
    let f = p.figures();
    check_figures(&f, date(2020, 2, 29));
    // 2019 counted to 28 February; 2020 to the 29th.
    let to_28 = common::series()
        .iter()
        .filter(|d| d.date >= date(2019, 1, 1) && d.date <= date(2019, 2, 28))
        .map(|d| d.people)
        .sum::<u64>();
    assert_eq!(f["ytd"]["same_point"]["2019"], to_28);

    // A year later, 28 February 2021 compares with 28 February 2020, not 29.
    p.build_ok(&["--as-of", "2021-02-28"]);
    check_figures(&p.figures(), date(2021, 2, 28));
}

#[test]
fn as_of_before_the_pilot_starts_gives_null_pilot_figures() {
    let p = project_with_briefs();
    p.build_ok(&["--as-of", "2022-03-15"]);
    let f = p.figures();
    check_figures(&f, date(2022, 3, 15));
    assert_eq!(f["pilot"]["started"], false);
    assert!(f["pilot"]["arrivals"].is_null());
    assert!(f["pilot"]["planned_returns"].is_null());
    let page = p.read("output/so-far/index.html");
    assert!(page.contains("The pilot has not started yet."));
}

/// Builds once, snapshots output/, runs `args`, and asserts exit 1 with
/// output/ unchanged. Returns the failed run.
fn fails_and_keeps_output(p: &Project, args: &[&str], breaking: impl FnOnce(&Project)) -> String {
    p.build_ok(&[]);
    let before = p.snapshot("output");
    assert!(!before.is_empty());
    breaking(p);
    let out = p.run(args);
    assert_eq!(
        out.status, 1,
        "expected exit 1\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    let after = p.snapshot("output");
    assert!(after == before, "output/ changed after a failed build");
    // No staging folder is left beside output/.
    let leftovers: Vec<_> = std::fs::read_dir(p.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    out.stderr
}

#[test]
fn as_of_after_the_series_fails_and_keeps_output() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build", "--as-of", "2023-04-01"], |_| {});
    assert!(err.contains("--as-of"), "{err}");
    assert!(
        err.contains("2023-03-31"),
        "the message gives the series' end: {err}"
    );
}

#[test]
fn as_of_before_the_series_fails_and_keeps_output() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build", "--as-of", "2018-12-31"], |_| {});
    assert!(err.contains("--as-of"), "{err}");
}

#[test]
fn as_of_that_is_not_a_date_is_a_usage_error() {
    let p = project_with_briefs();
    let out = p.run(&["build", "--as-of", "2023-02-30"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
}

// ---------------------------------------------------------------------------
// Drafts

#[test]
fn a_draft_is_left_out_unless_drafts_are_asked_for() {
    let p = project_with_briefs();
    let mut draft = brief_text("Work in progress", "2023-03-30", "Not yet.\n");
    draft = draft.replace(
        "authors: [Test Desk]\n",
        "authors: [Test Desk]\ndraft: true\n",
    );
    p.brief("work-in-progress", &draft);

    p.build_ok(&[]);
    assert!(!p.path("output/work-in-progress").exists());
    assert!(!p.read("output/index.html").contains("work-in-progress"));

    p.build_ok(&["--drafts"]);
    assert!(p.path("output/work-in-progress/index.html").is_file());
    let index = p.read("output/index.html");
    assert!(index.contains("href=\"work-in-progress/index.html\""));
    // The draft is the newest, so it comes first.
    assert!(
        index.find("work-in-progress/").unwrap() < index.find("so-far/").unwrap(),
        "{index}"
    );
}

// ---------------------------------------------------------------------------
// Errors: exit 1, file and line named, output/ left as it was

const BAD_BODY_LINE: usize = 9;

/// A brief whose ninth file line (third body line) is `line`.
fn brief_with_line_9(line: &str) -> String {
    let text = brief_text("Bad", "2023-03-01", &format!("First.\n\n{line}\n\nLast.\n"));
    assert_eq!(line_of(&text, line), BAD_BODY_LINE);
    text
}

#[test]
fn an_undefined_variable_in_a_brief_is_reported_at_its_file_line() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        p.brief(
            "bad",
            &brief_with_line_9("Here is {{ no_such_figure.value }}."),
        );
    });
    assert!(
        err.starts_with(&format!("error: briefs/bad.md:{BAD_BODY_LINE}:")),
        "{err}"
    );
    assert!(err.contains("no_such_figure"), "{err}");
}

#[test]
fn a_tera_syntax_error_in_a_brief_is_reported_at_its_file_line() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        p.brief("bad", &brief_with_line_9("Broken {{ ytd.people | }} here."));
    });
    assert!(
        err.starts_with(&format!("error: briefs/bad.md:{BAD_BODY_LINE}:")),
        "{err}"
    );
}

#[test]
fn an_unknown_chart_name_is_reported_at_its_file_line() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        p.brief(
            "bad",
            &brief_with_line_9("{{ chart(name=\"no-such-chart\") }}"),
        );
    });
    assert!(
        err.starts_with(&format!("error: briefs/bad.md:{BAD_BODY_LINE}:")),
        "{err}"
    );
    assert!(err.contains("no-such-chart"), "{err}");
    assert!(
        err.contains("cumulative"),
        "the message lists the charts: {err}"
    );
}

#[test]
fn a_brief_without_front_matter_is_reported_at_line_1() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        p.brief("bad", "# Just a heading\n\nNo front matter.\n");
    });
    assert!(err.starts_with("error: briefs/bad.md:1:"), "{err}");
    assert!(err.contains("front matter"), "{err}");
}

#[test]
fn a_wrong_type_in_front_matter_is_reported_at_its_line() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        let text = brief_text("Bad", "soon", "Body.\n");
        assert_eq!(line_of(&text, "date: soon"), 4);
        p.brief("bad", &text);
    });
    assert!(err.starts_with("error: briefs/bad.md:4:"), "{err}");
}

/// Replaces the one line of data/crossings.yaml for `day`, returning the
/// 1-based line number it had.
fn edit_day(p: &Project, day: &str, replacement: Option<&str>) -> usize {
    let text = p.read("data/crossings.yaml");
    let needle = format!("{{date: {day},");
    let line = line_of(&text, &needle);
    let mut lines: Vec<&str> = text.lines().collect();
    match replacement {
        Some(r) => lines[line - 1] = r,
        None => {
            lines.remove(line - 1);
        }
    }
    p.write("data/crossings.yaml", lines.join("\n") + "\n");
    line
}

#[test]
fn a_missing_day_in_the_crossings_is_reported_at_the_next_day() {
    let p = project_with_briefs();
    let mut line = 0;
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        // The line of 2021-06-15 is removed; 2021-06-16 moves up into it.
        line = edit_day(p, "2021-06-15", None);
    });
    assert!(
        err.starts_with(&format!("error: data/crossings.yaml:{line}:")),
        "{err}"
    );
    assert!(err.contains("2021-06-15"), "{err}");
}

#[test]
fn more_boats_than_people_is_reported_at_its_line() {
    let p = project_with_briefs();
    let mut line = 0;
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        line = edit_day(
            p,
            "2022-07-07",
            Some("  - {date: 2022-07-07, people: 3, boats: 4}"),
        );
    });
    assert!(
        err.starts_with(&format!("error: data/crossings.yaml:{line}:")),
        "{err}"
    );
    assert!(err.contains("boats"), "{err}");
}

#[test]
fn a_negative_count_is_reported_at_its_line() {
    let p = project_with_briefs();
    let mut line = 0;
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        line = edit_day(
            p,
            "2020-03-03",
            Some("  - {date: 2020-03-03, people: -5, boats: 0}"),
        );
    });
    assert!(
        err.starts_with(&format!("error: data/crossings.yaml:{line}:")),
        "{err}"
    );
}

#[test]
fn a_pilot_report_out_of_order_is_reported_at_its_line() {
    let p = project_with_briefs();
    let bad = PILOT_YAML.replace("date: 2023-01-10", "date: 2022-07-01");
    let line = line_of(&bad, "date: 2022-07-01");
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        p.write("data/pilot.yaml", &bad);
    });
    assert!(
        err.starts_with(&format!("error: data/pilot.yaml:{line}:")),
        "{err}"
    );
    assert!(err.contains("report"), "{err}");
}

#[test]
fn a_missing_brief_template_is_named() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        std::fs::remove_file(p.path("templates/brief.html")).unwrap();
    });
    assert!(err.starts_with("error: templates/brief.html"), "{err}");
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn non_utf8_bytes_in_a_brief_are_reported_at_their_line() {
    let p = project_with_briefs();
    let err = fails_and_keeps_output(&p, &["build"], |p| {
        let mut bytes = brief_text("Bad", "2023-03-01", "First.\n").into_bytes();
        bytes.extend_from_slice(b"Caf\xe9 au lait.\n");
        p.brief_bytes("bad", &bytes);
    });
    // Six lines of front matter, "First.", then the bad line.
    assert!(err.starts_with("error: briefs/bad.md:8:4"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
}

// ---------------------------------------------------------------------------
// Determinism

#[test]
fn two_builds_of_the_same_project_are_byte_identical() {
    let p = project_with_briefs();
    p.build_ok(&["-o", "out-a"]);
    p.build_ok(&["-o", "out-b"]);
    let a = p.snapshot("out-a");
    let b = p.snapshot("out-b");
    assert!(!a.is_empty());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "different file lists"
    );
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between two builds");
    }
    assert!(!p.path("output").exists(), "-o should replace output/");
}

#[test]
fn a_build_without_pilot_data_still_succeeds() {
    let p = project_with_briefs();
    std::fs::remove_file(p.path("data/pilot.yaml")).unwrap();
    p.brief(
        "so-far",
        &brief_text(
            "So far",
            "2023-03-20",
            "So far: {{ ytd.people | thousands }}.\n",
        ),
    );
    p.build_ok(&[]);
    let f = p.figures();
    assert!(f["pilot"].is_null(), "{}", f["pilot"]);
}

// ---------------------------------------------------------------------------
// Backtest (MODEL.md §3) and a missing projection

/// The last day of each month from January to November of `year`.
fn month_ends(year: i16) -> Vec<Date> {
    (2..=12)
        .map(|m| date(year, m, 1).yesterday().unwrap())
        .collect()
}

#[test]
fn backtest_rows_match_an_independent_computation() {
    let p = project_with_briefs();
    p.build_ok(&[]);
    let f = p.figures();
    let days = common::series();
    // Complete years up to 31 March 2023: 2019–2022; only 2022 has three before it.
    let rows = f["backtest"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 11, "{}", f["backtest"]);
    let total = |r: i16| sum(&days, date(r, 1, 1), date(r, 12, 31)).0;
    let actual = total(2022);
    for (row, m) in rows.iter().zip(month_ends(2022)) {
        assert_eq!(row["year"], 2022);
        assert_eq!(row["as_of"], m.to_string());
        let ytd = sum(&days, date(2022, 1, 1), m).0 as f64;
        let shares: Vec<f64> = [2019, 2020, 2021]
            .iter()
            .map(|&r| sum(&days, date(r, 1, 1), same_point(m, r)).0 as f64 / total(r) as f64)
            .collect();
        let mean = shares.iter().sum::<f64>() / 3.0;
        let implied: Vec<f64> = shares.iter().map(|s| ytd / s).collect();
        let low = implied.iter().copied().fold(f64::INFINITY, f64::min);
        let high = implied.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let central = ytd / mean;
        assert_eq!(row["central"], (central).round() as u64, "central at {m}");
        assert_eq!(row["low"], low.round() as u64, "low at {m}");
        assert_eq!(row["high"], high.round() as u64, "high at {m}");
        assert_eq!(row["actual"], actual);
        assert_eq!(
            row["covered"],
            low <= actual as f64 && actual as f64 <= high,
            "covered at {m}"
        );
        let error_pct = 100.0 * (central - actual as f64) / actual as f64;
        let got = row["error_pct"].as_f64().unwrap();
        assert!(
            (got - error_pct).abs() <= 0.051,
            "error_pct at {m}: {got} vs {error_pct}"
        );
        let day_of_year = m.day_of_year() as f64;
        let straight = ytd * 365.0 / day_of_year;
        assert_eq!(
            row["straight_line"],
            straight.round() as u64,
            "straight line at {m}"
        );
    }
}

#[test]
fn using_a_missing_projection_fails_and_says_why() {
    let p = project_with_briefs();
    // As of mid-2019 there is no complete year before 2019: no projection.
    p.brief(
        "projected",
        &brief_text(
            "Projected",
            "2019-06-30",
            "Text.\n\nProjected total: {{ projection.central | thousands }}.\n",
        ),
    );
    let out = p.run(&["build", "--as-of", "2019-06-30"]);
    common::assert_error_at(&out, "briefs/projected.md", 9);
    let lower = out.stderr.to_lowercase();
    assert!(
        lower.contains("no projection") || lower.contains("complete year"),
        "the message should say why there is no projection:\n{}",
        out.stderr
    );
}

#[test]
fn text_from_data_and_front_matter_is_escaped_in_pages() {
    let p = Project::new();
    p.write(
        "data/notes.yaml",
        "quote: \"<script>alert('data')</script> & \\\"more\\\"\"\n",
    );
    p.brief(
        "escaped",
        "---\ntitle: \"<img src=x onerror=alert(1)> title\"\nsummary: \"<b>bold</b> summary\"\ndate: 2023-03-20\nauthors: [\"<i>Desk</i>\"]\n---\nSaid: {{ data.notes.quote }}\n",
    );
    p.build_ok(&[]);
    let page = p.read("output/escaped/index.html");
    let index = p.read("output/index.html");
    for html in [&page, &index] {
        assert!(!html.contains("<img src=x"), "front matter not escaped");
        assert!(!html.contains("<b>bold</b>"), "summary not escaped");
        assert!(!html.contains("<i>Desk</i>"), "authors not escaped");
    }
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt; title"));
    assert!(!page.contains("<script>alert"), "data not escaped");
    assert!(page.contains("&lt;script&gt;alert("), "{page}");
}

#[test]
fn using_pilot_figures_before_the_pilot_fails_and_says_why() {
    let p = Project::new();
    p.brief(
        "pilot",
        &brief_text(
            "Pilot",
            "2022-05-01",
            "Text.\n\nReturned: {{ pilot.arrivals | thousands }}.\n",
        ),
    );
    let out = p.run(&["build", "--as-of", "2022-05-01"]);
    common::assert_error_at(&out, "briefs/pilot.md", 9);
    assert!(out.stderr.contains("had not started"), "{}", out.stderr);
    assert!(
        out.stderr.contains("{% if pilot.started %}"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_same_chart_with_other_options_is_another_file() {
    let p = Project::new();
    p.brief(
        "charts",
        &brief_text(
            "Charts",
            "2023-03-20",
            "{{ chart(name=\"cumulative\") }}\n\n{{ chart(name=\"cumulative\", years=[2021, 2022, 2023], highlight=2022, title=\"Twenty-two\") }}\n\n{{ chart(name=\"cumulative\") }}\n",
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/charts/index.html");
    let charts = page_charts(&p.path("output"), &page);
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!((names[0], names[2]), ("cumulative", "cumulative"));
    let other = &charts[1];
    assert!(other.name.starts_with("cumulative-"), "{}", other.name);
    // The brief's own title is the figure's caption; the drawing, shared by
    // every chart of its data and highlight, states the finding.
    assert!(
        other
            .figure
            .contains("<span class=\"chart-title\">Twenty-two</span>")
    );
    assert!(other.wide.contains(">2022 is "), "{}", other.wide);
    assert!(!other.wide.contains("Twenty-two"));
    assert!(
        !other.wide.contains(">2019<") && !other.wide.contains(">\n2019\n<"),
        "2019 left out"
    );
    assert_eq!(other.csv, "charts/cumulative-2021-2023.csv");
    let csv = p.read(&format!("output/{}", other.csv));
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| !l.starts_with("2019") && !l.starts_with("2020")),
        "{csv}"
    );
    // The chart of every year has a data file of its own.
    assert_ne!(charts[0].csv, other.csv);
    let files = p.snapshot("output/charts");
    let data: Vec<&String> = files.keys().filter(|k| k.ends_with(".csv")).collect();
    assert_eq!(data.len(), 2, "{data:?}");
    let page = p.read("output/charts/index.html");
    assert!(page.contains("<span class=\"chart-title\">Twenty-two</span>"));
}

#[test]
fn an_unknown_chart_option_is_reported_at_its_file_line() {
    let p = Project::new();
    p.build_ok(&[]);
    let before = p.snapshot("output");
    p.brief(
        "bad",
        &brief_text(
            "Bad",
            "2023-03-20",
            "Text.\n\n{{ chart(name=\"projection\", years=[2022]) }}\n",
        ),
    );
    let out = p.run(&["build"]);
    common::assert_error_at(&out, "briefs/bad.md", 9);
    assert!(
        out.stderr.contains("takes no option “years”"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("its options are: title"),
        "{}",
        out.stderr
    );
    assert_eq!(p.snapshot("output"), before);
    p.brief(
        "bad",
        &brief_text(
            "Bad",
            "2023-03-20",
            "{{ chart(name=\"cumulative\", colour=\"red\") }}\n",
        ),
    );
    let out = p.run(&["build"]);
    common::assert_error_at(&out, "briefs/bad.md", 7);
    assert!(
        out.stderr.contains("no argument “colour”"),
        "{}",
        out.stderr
    );
    p.brief(
        "bad",
        &brief_text(
            "Bad",
            "2023-03-20",
            "{{ chart(name=\"cumulative\", years=[1999]) }}\n",
        ),
    );
    let out = p.run(&["build"]);
    assert!(
        out.stderr.contains("has no data for 1999"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_base_url_makes_the_feed_sitemap_and_canonical_links_absolute() {
    let p = project_with_briefs();
    p.build_ok(&["--base-url", "https://example.org/briefs"]);
    let page = p.read("output/so-far/index.html");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://example.org/briefs/so-far/\">"));
    assert!(
        page.contains("<meta property=\"og:url\" content=\"https://example.org/briefs/so-far/\">")
    );
    assert!(page.contains("<meta property=\"og:title\" content=\"So far\">"));
    let feed = p.read("output/feed.xml");
    assert!(feed.contains("href=\"https://example.org/briefs/so-far/\""));
    assert!(
        feed.contains(&format!(
            "<updated>{}T00:00:00Z</updated>",
            common::RELEASED
        )),
        "the release the briefs' figures come from, after their dates"
    );
    let sitemap = p.read("output/sitemap.xml");
    assert!(
        sitemap
            .contains("<loc>https://example.org/briefs/oldest/</loc><lastmod>2022-11-30</lastmod>")
    );
    // Without one, links stay relative and the ids stay the same.
    p.build_ok(&[]);
    let relative = p.read("output/feed.xml");
    assert!(relative.contains("href=\"so-far/\""));
    let ids = |f: &str| {
        f.lines()
            .filter(|l| l.contains("<id>"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&feed), ids(&relative));
    assert!(
        p.read("output/so-far/index.html")
            .contains("<link rel=\"canonical\" href=\"./\">")
    );
    let out = p.run(&["build", "--base-url", "example.org"]);
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("is not a base URL"), "{}", out.stderr);
}

#[test]
fn text_from_briefs_is_escaped_in_the_feed_sitemap_and_charts() {
    let p = Project::new();
    p.brief(
        "escaped",
        "---\ntitle: \"<script>alert('t')</script> & more\"\nsummary: \"</summary><x>\"\ndate: 2023-03-20\nauthors: [\"A <b>desk</b>\"]\n---\n{{ chart(name=\"cumulative\", title=\"<script>alert('c')</script> \\\"q\\\"\") }}\n",
    );
    p.build_ok(&[]);
    let feed = p.read("output/feed.xml");
    assert!(!feed.contains("<script>") && !feed.contains("<x>") && !feed.contains("<b>"));
    assert!(feed.contains("&lt;script&gt;alert("), "{feed}");
    roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
    roxmltree::Document::parse(&p.read("output/sitemap.xml")).expect("the sitemap is XML");
    let page = p.read("output/escaped/index.html");
    let charts = page_charts(&p.path("output"), &page);
    let chart = charts.first().expect("the titled chart");
    for svg in [&chart.wide, &chart.narrow] {
        assert!(!svg.contains("<script>"), "{}", chart.name);
        roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    }
    assert!(
        !page.contains("<script>alert"),
        "the page escapes the chart title"
    );
}

#[test]
fn a_site_of_many_template_batches_renders_every_brief_once() {
    // Briefs are rendered in batches, each with its own template engine,
    // on several threads; 600 briefs span many batches, and two briefs far
    // apart place one chart, which is drawn and written once.
    let p = Project::new();
    for i in 0..600 {
        let chart = if i == 100 || i == 550 {
            "\n\n{{ chart(name=\"annual-arrivals\", title=\"Shared\") }}\n"
        } else {
            ""
        };
        p.brief(
            &format!("b{i:03}"),
            &brief_text(
                &format!("Brief {i}"),
                "2023-03-20",
                &format!("Brief {i}: {{{{ ytd.people }}}} so far.{chart}"),
            ),
        );
    }
    let stdout = p.build_ok(&[]);
    assert!(
        stdout.starts_with("Built 600 briefs and 1 chart "),
        "{stdout}"
    );
    let e = expected(&common::series(), LAST);
    for i in [0, 255, 256, 511, 512, 599] {
        let page = p.read(&format!("output/b{i:03}/index.html"));
        let want = format!("Brief {i}: {} so far.", e.ytd_people);
        assert!(page.contains(&want), "b{i:03} lacks {want:?}");
    }
    for i in [100, 550] {
        let page = p.read(&format!("output/b{i:03}/index.html"));
        assert_eq!(
            page_charts(&p.path("output"), &page).len(),
            1,
            "b{i:03} has no chart"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&p.read("output/manifest.json")).unwrap();
    assert_eq!(manifest["briefs"].as_object().unwrap().len(), 600);
    let charts = p.snapshot("output/charts");
    assert_eq!(
        charts.len(),
        3,
        "one chart's data and its two drawings: {charts:?}"
    );
}

#[test]
fn of_several_bad_briefs_the_first_in_order_is_reported_every_time() {
    // Briefs in many batches on several threads: two fail, far apart; the
    // one reported is the first in the site's order (newest first, then by
    // name), whichever thread reaches its brief first.
    let p = Project::new();
    for i in 0..200 {
        let body = if i == 20 || i == 180 {
            "Broken: {{ no_such_figure.people }}."
        } else {
            "Fine: {{ ytd.people }}."
        };
        p.brief(
            &format!("b{i:03}"),
            &brief_text(&format!("Brief {i}"), "2023-03-20", body),
        );
    }
    for _ in 0..3 {
        let out = p.run(&["build"]);
        assert_ne!(out.status, 0);
        assert!(out.stderr.contains("briefs/b020.md"), "{}", out.stderr);
        assert!(!out.stderr.contains("b180"), "{}", out.stderr);
    }
}

#[test]
fn values_from_data_and_front_matter_are_text_not_markup() {
    // A data file's value with Markdown and HTML in it, printed in a body,
    // a title and a tag: the page shows the characters, and makes no link.
    let p = Project::new();
    let hostile = "[x](javascript:alert(document.cookie)) *bold* <b>tag</b> # head";
    p.write(
        "data/notes.yaml",
        format!("remark: {}\n", serde_json::to_string(hostile).unwrap()),
    );
    p.write(
        "data/pilot.yaml",
        PILOT_YAML.replace(
            "source: \"Report one\"",
            "source: \"[x](javascript:alert(document.cookie))\"",
        ),
    );
    p.brief(
        "values",
        &brief_text(
            "Values [y](javascript:alert(2))",
            "2023-03-20",
            "Note: {{ data.notes.remark }}.\n\n{% for r in data.pilot.reports %}- {{ r.source }}\n{% endfor %}\nNul: a\u{0}b.\n",
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/values/index.html");
    assert!(
        page.contains(
            "Note: [x](javascript:alert(document.cookie)) *bold* &lt;b&gt;tag&lt;/b&gt; # head."
        ),
        "{page}"
    );
    assert!(
        page.contains("<li>[x](javascript:alert(document.cookie))</li>"),
        "{page}"
    );
    assert!(page.contains("Nul: a\u{fffd}b."), "{page}");
    assert!(!page.contains("href=\"javascript"), "{page}");
}

#[test]
fn a_link_to_script_is_refused_at_the_line_that_writes_it() {
    let p = Project::new();
    p.write("data/links.yaml", "bad: \"javascript:alert(1)\"\n");
    for (body, line) in [
        ("Fine.\n\nSee [this](JavaScript:alert(1)).\n", Some(9)),
        (
            "Fine.\n\n<a href=\"java&#x09;script:x\">this</a>\n",
            Some(9),
        ),
        (
            "Fine.\n\n![chart](data:image/svg+xml;base64,AAAA)\n",
            Some(9),
        ),
        // The address is a value: the line after Tera is named instead.
        ("Fine.\n\n[this]({{ data.links.bad }})\n", None),
    ] {
        p.brief("linked", &brief_text("Linked", "2023-03-20", body));
        let out = p.run(&["build"]);
        assert_eq!(out.status, 1, "{body}: {}", out.stderr);
        let at = match line {
            Some(line) => format!("error: briefs/linked.md:{line}:"),
            None => "error: briefs/linked.md: ".to_string(),
        };
        assert!(out.stderr.starts_with(&at), "{body}: {}", out.stderr);
        assert!(out.stderr.contains("are refused"), "{}", out.stderr);
        assert!(!p.path("output").exists());
    }
}

#[test]
fn guards_of_null_figures_and_names_a_brief_sets_still_build() {
    let p = Project::new();
    p.brief(
        "guards",
        &brief_text(
            "Guards",
            "2023-03-20",
            "{% if projection %}About {{ projection.central | about }}.{% endif %}\n\
{% if projection.central is defined %}Defined.{% endif %}\n\
{% if pilot is none %}No pilot.{% else %}A pilot.{% endif %}\n\
{% if nothing_here is undefined %}Undefined is fine.{% endif %}\n\
{% set y = ytd %}{{ y.people | thousands }} {% for a in annual %}{{ a.year }} {% endfor %}\n",
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/guards/index.html");
    assert!(page.contains("Undefined is fine."), "{page}");
    assert!(page.contains("A pilot."), "{page}");
}

#[test]
fn a_title_and_summary_of_expressions_follow_the_figures() {
    let p = Project::new();
    p.brief(
        "headline",
        "---\ntitle: '{% if ytd.rank == 1 %}A record {{ ytd.year }}{% else %}Not a record: {{ ytd.rank | rank_words }}{% endif %}'\nsummary: 'So far {{ ytd.people | thousands }} people.'\ndate: 2023-03-20\nauthors: [Test Desk]\n---\nBody.\n",
    );
    p.build_ok(&[]);
    let f = p.figures();
    let rank = f["ytd"]["rank"].as_u64().unwrap();
    let title = if rank == 1 {
        format!("A record {}", f["ytd"]["year"])
    } else {
        format!(
            "Not a record: {}",
            brief::words::rank_phrase(rank as i64, "highest")
        )
    };
    let page = p.read("output/headline/index.html");
    assert!(page.contains(&format!("<h1>{title}</h1>")), "{page}");
    let summary = format!(
        "So far {} people.",
        common::thousands(f["ytd"]["people"].as_u64().unwrap())
    );
    assert!(page.contains(&summary), "{page}");
    assert!(p.read("output/index.html").contains(&title));
    assert!(p.read("output/feed.xml").contains(&title));
    // A misspelt name in the title is an error at its line.
    p.brief(
        "headline",
        "---\ntitle: '{% if ytd.rnak == 1 %}A record{% else %}Not{% endif %}'\nsummary: S.\ndate: 2023-03-20\nauthors: [Test Desk]\n---\nBody.\n",
    );
    let out = p.run(&["build"]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr
            .starts_with("error: briefs/headline.md:2:15: `ytd` has no field `rnak`"),
        "{}",
        out.stderr
    );
    // So is one that comes out empty.
    p.brief(
        "headline",
        "---\ntitle: '{% if ytd.rank == 0 %}Never{% endif %}'\nsummary: S.\ndate: 2023-03-20\nauthors: [Test Desk]\n---\nBody.\n",
    );
    let out = p.run(&["build"]);
    assert!(
        out.stderr
            .contains("briefs/headline.md:2:1: the title comes out empty with these figures"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_brief_whose_figures_come_from_a_later_release_says_so_in_byline_feed_and_sitemap() {
    let p = Project::new();
    let released = common::RELEASED.to_string();
    p.brief(
        "live",
        &brief_text(
            "Live",
            "2020-01-01",
            "So far {{ ytd.people | thousands }}.\n",
        ),
    );
    p.brief(
        "charted",
        &brief_text(
            "Charted",
            "2020-01-02",
            "{{ chart(name=\"annual-arrivals\") }}\n",
        ),
    );
    p.brief(
        "still",
        &brief_text("Still", "2020-01-03", "No figures here.\n"),
    );
    p.build_ok(&[]);
    let day = |d: &str| {
        let date: jiff::civil::Date = d.parse().unwrap();
        brief::text::long_date(date)
    };
    for slug in ["live", "charted"] {
        let page = p.read(&format!("output/{slug}/index.html"));
        assert!(
            page.contains(&format!(
                " · figures updated <time datetime=\"{released}\">{}</time>",
                day(&released)
            )),
            "{slug}: {page}"
        );
    }
    let still = p.read("output/still/index.html");
    assert!(!still.contains("figures updated"), "{still}");
    let feed = p.read("output/feed.xml");
    let entry = |slug: &str| {
        let at = feed.find(&format!(":{slug}</id>")).unwrap();
        feed[at..feed[at..].find("</entry>").unwrap() + at].to_string()
    };
    assert!(entry("live").contains(&format!("<updated>{released}T00:00:00Z</updated>")));
    assert!(entry("live").contains("<published>2020-01-01T00:00:00Z</published>"));
    assert!(entry("still").contains("<updated>2020-01-03T00:00:00Z</updated>"));
    let sitemap = p.read("output/sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>live/</loc><lastmod>{released}</lastmod>")),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<loc>still/</loc><lastmod>2020-01-03</lastmod>"),
        "{sitemap}"
    );
}
