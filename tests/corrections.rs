//! Revisions where readers look: a project whose `data/crossings.yaml` has a
//! history of three releases in git, the later two revising earlier days,
//! gets a corrections log page, feed entries for each correction, and an
//! "Updates" note on each brief whose figures or charts the newest release
//! moved; outside git, the log has the current release alone.

mod common;

use common::*;
use jiff::civil::{Date, date};

/// A day a release revises: the day, people added, boats added.
type Revision = (Date, u64, u64);

/// The three releases: their last day, release date, and the days each
/// revises from the one before.
const RELEASES: [(Date, Date, &[Revision]); 3] = [
    (date(2023, 3, 17), date(2023, 3, 23), &[]),
    (
        date(2023, 3, 24),
        date(2023, 3, 30),
        &[(date(2023, 3, 10), 5, 0), (date(2023, 3, 12), 0, 1)],
    ),
    (LAST, RELEASED, &[(date(2023, 3, 20), 7, 0)]),
];

/// The days of release `n` (0-based): the synthetic series to its last
/// day, with every revision up to it applied.
fn release_days(n: usize) -> Vec<Day> {
    let mut days = days_between(FIRST, RELEASES[n].0);
    for (_, _, revisions) in &RELEASES[..=n] {
        for (date, people, boats) in *revisions {
            let day = days.iter_mut().find(|d| d.date == *date).unwrap();
            day.people += people;
            day.boats += boats;
        }
    }
    days
}

/// The fixture project, with a brief that quotes this year's total, one
/// that quotes only the date, one that charts complete years only and one
/// that charts this year.
fn project() -> Project {
    let p = Project::new();
    p.brief(
        "so-far",
        &brief_text(
            "So far",
            "2023-03-01",
            "{{ ytd.people | thousands }} people so far this year.\n",
        ),
    );
    p.brief(
        "dated",
        &brief_text(
            "Dated",
            "2023-02-01",
            "Figures as of {{ as_of | uk_date }}.\n",
        ),
    );
    p.brief(
        "complete-years",
        &brief_text(
            "Complete years",
            "2023-01-15",
            "{{ chart(name=\"annual-arrivals\", from=2019, to=2022) }}\n",
        ),
    );
    p.brief(
        "this-year",
        &brief_text(
            "This year",
            "2023-01-10",
            "{{ chart(name=\"cumulative\", years=[2022, 2023], highlight=2023) }}\n",
        ),
    );
    p
}

/// The fixture project with the three releases committed in turn.
fn project_with_history() -> Project {
    let p = project();
    git(p.root(), &["init", "-q"]);
    for (n, (_, released, _)) in RELEASES.iter().enumerate() {
        p.write(
            "data/crossings.yaml",
            crossings_yaml(&release_days(n), *released),
        );
        git(p.root(), &["add", "."]);
        git(
            p.root(),
            &["commit", "-qm", &format!("Data: release of {released}")],
        );
    }
    p
}

/// The text of the Updates note on `page`, if it has one.
fn updates_note(page: &str) -> Option<&str> {
    let start = page.find("<p class=\"updates\">")?;
    let end = start + page[start..].find("</p>")?;
    Some(&page[start..end])
}

#[test]
fn the_newest_release_s_revisions_are_noted_on_the_briefs_they_moved() {
    let p = project_with_history();
    p.build_ok(&[]);
    let so_far = p.read("output/so-far/index.html");
    let note = updates_note(&so_far).expect("an Updates note on the brief quoting this year");
    assert!(
        note.contains(
            "the release of 6 April 2023 revised the counts for one earlier day (20 March 2023)"
        ),
        "{note}"
    );
    assert!(
        note.contains("Revised here: the figures so far this year."),
        "{note}"
    );
    assert!(
        note.contains("href=\"../corrections/index.html#release-2023-04-06\""),
        "{note}"
    );
    // The note comes right under the provenance line.
    let provenance = so_far.find("<p class=\"provenance\">").unwrap();
    assert!(provenance < so_far.find("<p class=\"updates\">").unwrap());
    // A chart of this year moved; one of complete years and a date did not.
    let this_year = p.read("output/this-year/index.html");
    let note = updates_note(&this_year).expect("an Updates note on the chart of this year");
    assert!(note.contains("Revised here: the charts."), "{note}");
    for slug in ["dated", "complete-years"] {
        let page = p.read(&format!("output/{slug}/index.html"));
        assert_eq!(updates_note(&page), None, "{slug}");
    }
    // The figures quoted are the revised ones.
    let revised: u64 = release_days(2)
        .iter()
        .filter(|d| d.date.year() == 2023)
        .map(|d| d.people)
        .sum();
    assert!(so_far.contains(&format!("{} people so far", thousands(revised))));
}

#[test]
fn the_corrections_log_lists_every_release_with_the_days_it_revised() {
    let p = project_with_history();
    p.build_ok(&[]);
    let page = p.read("output/corrections/index.html");
    let sections: Vec<usize> = [
        "release-2023-04-06",
        "release-2023-03-30",
        "release-2023-03-23",
    ]
    .iter()
    .map(|id| {
        page.find(&format!("<section class=\"release\" id=\"{id}\""))
            .unwrap_or_else(|| panic!("no section {id}"))
    })
    .collect();
    assert!(sections.windows(2).all(|w| w[0] < w[1]), "newest first");
    let (newest, middle, oldest) = (
        &page[sections[0]..sections[1]],
        &page[sections[1]..sections[2]],
        &page[sections[2]..],
    );
    // Each revised day with its counts before and after.
    let before = release_days(1);
    let on = |days: &[Day], d: Date| *days.iter().find(|x| x.date == d).unwrap();
    let march_20 = on(&before, date(2023, 3, 20));
    assert!(newest.contains(&format!(
        "<th scope=\"row\">20 March 2023</th><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        thousands(march_20.people),
        thousands(march_20.people + 7)
    )));
    assert!(newest.contains("It revised one earlier day, a net change of +7 people."));
    assert!(newest.contains("with 7 new days"), "{newest}");
    let march_12 = on(&release_days(0), date(2023, 3, 12));
    assert!(middle.contains(&format!(
        "<th scope=\"row\">12 March 2023</th><td class=\"num\">{p}</td><td class=\"num\">{p}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        march_12.boats,
        march_12.boats + 1,
        p = thousands(march_12.people),
    )));
    assert!(middle.contains("10 March 2023"));
    assert!(oldest.contains("the first release in the site’s history"));
    assert!(!oldest.contains("<table"));
    // Every page links to the log.
    assert!(
        p.read("output/index.html")
            .contains("href=\"corrections/index.html\"")
    );
}

#[test]
fn a_release_that_only_revises_says_it_added_no_days() {
    let p = project_with_history();
    let mut days = release_days(2);
    days.iter_mut()
        .find(|d| d.date == date(2023, 3, 21))
        .unwrap()
        .people += 3;
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&days, date(2023, 4, 13)),
    );
    git(p.root(), &["commit", "-qam", "Data: release of 2023-04-13"]);
    p.build_ok(&[]);
    let page = p.read("output/corrections/index.html");
    let start = page
        .find("<section class=\"release\" id=\"release-2023-04-13\"")
        .expect("a section for the new release");
    let section = &page[start..start + page[start..].find("</section>").unwrap()];
    assert!(
        section
            .contains("with no new days. It revised one earlier day, a net change of +3 people."),
        "{section}"
    );
}

#[test]
fn the_feed_carries_each_correction_and_the_sitemap_the_log() {
    let p = project_with_history();
    p.build_ok(&[]);
    let feed = p.read("output/feed.xml");
    let ids: Vec<&str> = feed
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<id>"))
        .collect();
    let corrections: Vec<&&str> = ids
        .iter()
        .filter(|id| id.contains(":corrections/"))
        .collect();
    assert_eq!(corrections.len(), 2, "{ids:?}");
    assert!(corrections[0].contains("corrections/release-2023-04-06"));
    assert!(corrections[1].contains("corrections/release-2023-03-30"));
    assert!(
        feed.contains(
            "<title>Corrections: the release of 6 April 2023 revised 1 earlier day</title>"
        )
    );
    assert!(feed.contains("href=\"corrections/#release-2023-03-30\""));
    assert!(feed.contains("<updated>2023-04-06T00:00:00Z</updated>"));
    assert!(feed.contains("20 March 2023: people "));
    // The newest entry comes first: the correction of 6 April 2023.
    assert!(ids[1].contains("corrections/release-2023-04-06"), "{ids:?}");
    let sitemap = p.read("output/sitemap.xml");
    assert!(sitemap.contains("<loc>corrections/</loc><lastmod>2023-04-06</lastmod>"));
}

#[test]
fn a_build_as_of_an_earlier_day_tells_the_history_as_it_stood_then() {
    let p = project_with_history();
    p.build_ok(&["--as-of", "2023-03-24"]);
    let page = p.read("output/corrections/index.html");
    assert!(!page.contains("release-2023-04-06"));
    assert!(page.contains("id=\"release-2023-03-30\""));
    let note = p.read("output/so-far/index.html");
    let note = updates_note(&note).expect("the release of 30 March 2023 is the newest then");
    assert!(
        note.contains("revised the counts for two earlier days (10 March 2023 to 12 March 2023)"),
        "{note}"
    );
}

#[test]
fn outside_git_the_log_has_the_current_release_alone_and_no_note() {
    let p = project();
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&release_days(2), RELEASED),
    );
    p.build_ok(&[]);
    let page = p.read("output/corrections/index.html");
    assert_eq!(page.matches("<section class=\"release\"").count(), 1);
    assert!(page.contains("id=\"release-2023-04-06\""));
    assert!(page.contains("the first release in the site’s history"));
    assert_eq!(updates_note(&p.read("output/so-far/index.html")), None);
    assert!(!p.read("output/feed.xml").contains(":corrections/"));
}

#[test]
fn an_import_not_yet_committed_is_the_newest_release_of_the_log() {
    let p = project();
    git(p.root(), &["init", "-q"]);
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&release_days(1), RELEASES[1].1),
    );
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "-qm", "base"]);
    p.write(
        "data/crossings.yaml",
        crossings_yaml(&release_days(2), RELEASED),
    );
    p.build_ok(&[]);
    let page = p.read("output/corrections/index.html");
    assert_eq!(page.matches("<section class=\"release\"").count(), 2);
    assert!(updates_note(&p.read("output/so-far/index.html")).is_some());
    // Rebuilt over itself, the site is the same bytes as a clean build.
    let first = p.snapshot("output");
    p.build_ok(&[]);
    assert_eq!(p.snapshot("output"), first);
}

#[test]
fn periods_the_quarterly_statistics_have_not_covered_are_marked_provisional() {
    // Released 6 April 2023: the quarter before began on 1 January 2023.
    let p = project();
    p.build_ok(&[]);
    let page = p.read("output/this-year/index.html");
    assert!(page.contains("<th scope=\"row\">2023 [p]</th>"), "{page}");
    assert!(page.contains("<th scope=\"row\">2022</th>"));
    assert!(page.contains(
        "<p class=\"table-note\">[p] Provisional: figures for days from 1 January 2023 on are not yet final and can still be revised.</p>"
    ));
    assert!(page.contains("days from 1 January 2023 on, counting a quarter as final"));
    // A table of complete years alone has nothing provisional to mark.
    let page = p.read("output/complete-years/index.html");
    assert!(!page.contains(" [p]</"));
    assert!(!page.contains("table-note"));
}
