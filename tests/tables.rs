//! Tables of an analyst's own: a CSV file in `data/` with its schema
//! reaches the briefs as `data.<name>` with typed values, and a bad table
//! stops the build at its file, line and column with `output/` untouched.

mod common;

use common::{Project, brief_text};

const SCHEMA: &str = "title: Monthly mean CO₂ at Mauna Loa
source:
  publisher: NOAA Global Monitoring Laboratory
  title: Monthly mean CO2 at Mauna Loa
  address: https://gml.noaa.gov/ccgg/trends/
  licence: Public domain (US Government work)
  released: 2020-06-05
columns:
  - name: date
    type: date
  - name: co2
    type: decimal
    unit: ppm
    label: CO₂ concentration
";

const CSV: &str = "date,co2\n2019-11-01,410.27\n2019-12-01,411.76\n2020-01-01,413.39\n";

fn project_with_table(csv: &str) -> Project {
    let p = Project::new();
    p.write("data/co2.schema.yaml", SCHEMA);
    p.write("data/co2.csv", csv);
    p.brief(
        "co2",
        &brief_text(
            "Carbon dioxide",
            "2023-03-20",
            "{{ data.co2.title }}: {{ data.co2.rows | length }} months, the first {{ data.co2.rows[0].date | uk_date }} at {{ data.co2.rows[0].co2 }} {{ data.co2.columns[1].unit }}; source {{ data.co2.source.publisher }}.\n",
        ),
    );
    p
}

#[test]
fn a_table_reaches_the_brief_typed() {
    let p = project_with_table(CSV);
    p.build_ok(&[]);
    let page = p.read("output/co2/index.html");
    assert!(
        page.contains("Monthly mean CO₂ at Mauna Loa: 3 months, the first 1 November 2019 at 410.27 ppm; source NOAA Global Monitoring Laboratory."),
        "{page}"
    );
}

#[test]
fn a_changed_cell_changes_the_page_on_the_next_build() {
    let p = project_with_table(CSV);
    p.build_ok(&[]);
    p.write("data/co2.csv", CSV.replace("410.27", "410.5"));
    p.build_ok(&[]);
    assert!(p.read("output/co2/index.html").contains("at 410.5 ppm"));
}

/// Builds `p`, which must fail, and gives its error output; `output/` must
/// be as the last good build left it.
fn build_fails(p: &Project) -> String {
    let before = p.snapshot("output");
    let out = p.run(&["build"]);
    assert_ne!(out.status, 0, "the build succeeded:\n{}", out.stdout);
    assert_eq!(p.snapshot("output"), before, "output/ was touched");
    out.stderr
}

#[test]
fn bad_tables_stop_the_build_at_their_line_and_column() {
    let p = project_with_table(CSV);
    p.build_ok(&[]);
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "a cell of the wrong type",
            "data/co2.csv",
            "date,co2\n2019-11-01,410.27\n2019-12-01,n/a\n",
            "data/co2.csv:3:12: column `co2`: found `n/a`",
        ),
        (
            "a missing column",
            "data/co2.csv",
            "date\n2019-11-01\n",
            "data/co2.csv:1:1: the header has no column `co2`",
        ),
        (
            "a repeated date",
            "data/co2.csv",
            "date,co2\n2019-11-01,410.27\n2019-11-01,411\n",
            "data/co2.csv:3:1: date 2019-11-01 is on line 2 already",
        ),
        (
            "a date that cannot be read",
            "data/co2.csv",
            "date,co2\n2019-11-31,410.27\n",
            "data/co2.csv:2:1: column `date`: found `2019-11-31`",
        ),
        (
            "an empty file",
            "data/co2.csv",
            "",
            "data/co2.csv: the file is empty",
        ),
        (
            "a schema with an unknown type",
            "data/co2.schema.yaml",
            &SCHEMA.replace("type: decimal", "type: float"),
            "data/co2.schema.yaml:12:11: unknown variant `float`, expected one of date, integer, decimal, text",
        ),
    ];
    for (what, file, text, want) in cases {
        p.write(file, text);
        let stderr = build_fails(&p);
        assert!(stderr.contains(want), "{what}: {stderr}");
        assert!(
            stderr.contains("= expected"),
            "{what} says what was expected: {stderr}"
        );
        assert!(!stderr.contains("calendar date as"), "{what}: {stderr}");
        p.write("data/co2.csv", CSV);
        p.write("data/co2.schema.yaml", SCHEMA);
    }
    // The line at fault is shown, with a caret under the cell.
    p.write(
        "data/co2.csv",
        "date,co2\n2019-11-01,410.27\n2019-12-01,n/a\n",
    );
    let stderr = build_fails(&p);
    assert!(
        stderr.contains("\n3 | 2019-12-01,n/a\n  |            ^\n"),
        "{stderr}"
    );
    p.write("data/co2.csv", CSV);
    // A schema whose data file is missing, and a table without a schema.
    std::fs::remove_file(p.path("data/co2.csv")).unwrap();
    let stderr = build_fails(&p);
    assert!(
        stderr.contains("data/co2.schema.yaml:1:1: there is no data/co2.csv for this schema"),
        "{stderr}"
    );
    p.write("data/co2.csv", CSV);
    p.write("data/extra.csv", "a\n1\n");
    let stderr = build_fails(&p);
    assert!(
        stderr.contains("data/extra.csv: this table has no schema"),
        "{stderr}"
    );
}

/// A monthly count series, 2019-01 to 2023-06, with counts from a fixed
/// rule, as CSV; and the rows as (year, month, count).
fn monthly_counts() -> (String, Vec<(i32, u32, i64)>) {
    let mut rows = Vec::new();
    for year in 2019..=2023 {
        let last_month = if year == 2023 { 6 } else { 12 };
        for month in 1..=last_month {
            let count = 100 + (year - 2019) as i64 * 37 + (month as i64 * 13) % 29;
            rows.push((year, month, count));
        }
    }
    let mut csv = String::from("month,people\n");
    for (y, m, c) in &rows {
        csv.push_str(&format!("{y}-{m:02}-01,{c}\n"));
    }
    (csv, rows)
}

/// A project with the monthly counts as `data.counts`: the project, the
/// CSV and its rows.
fn counts_project() -> (Project, String, Vec<(i32, u32, i64)>) {
    let (csv, rows) = monthly_counts();
    let p = Project::new();
    p.write("data/counts.schema.yaml", COUNTS_SCHEMA);
    p.write("data/counts.csv", &csv);
    (p, csv, rows)
}

const COUNTS_SCHEMA: &str = "source:
  publisher: A ministry
  title: People counted each month
  address: https://example.org/counts
  licence: Open Government Licence v3.0
  released: 2023-07-10
columns:
  - name: month
    type: date
  - name: people
    type: integer
    unit: people
";

/// `x` to one decimal, half away from zero, with thousands separators.
fn one_decimal(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    format!("{sign}{}.{}", common::thousands(tenths / 10), tenths % 10)
}

#[test]
fn derived_figures_match_an_independent_computation() {
    let (p, _, rows) = counts_project();
    p.brief(
        "counts",
        &brief_text(
            "Counts",
            "2023-07-10",
            concat!(
                "Mean 2021: {{ data.counts | filter_rows(column=\"month\", from=\"2021-01-01\", to=\"2021-12-31\") | mean(column=\"people\") | thousands(decimals=1) }}.\n\n",
                "{% set years = data.counts | by_period(date=\"month\", period=\"year\", value=\"people\", how=\"sum\") %}",
                "Total 2022: {{ years | filter_rows(column=\"year\", equals=2022) | sum(column=\"people\") | thousands }}; ",
                "change 2019 to 2022: {{ years | pct_change(column=\"people\", from=2019, to=2022) | pct }}.\n\n",
                "{% set r = data.counts | rank_at_point(date=\"month\", value=\"people\") %}",
                "By {{ r.through | uk_date }}: {{ r.value | thousands }}, {{ r.rank | rank_words }} of {{ r.years_compared }} years. ",
                "Latest: {{ data.counts | latest(column=\"people\", by=\"month\") }}; months: {{ data.counts | count }}; ",
                "share of 2022: {{ data.counts | filter_rows(column=\"month\", equals=\"2022-03-01\") | sum(column=\"people\") | share(of=years | filter_rows(column=\"year\", equals=2022) | sum(column=\"people\")) | pct }}.\n",
            ),
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/counts/index.html");
    // The same figures, computed here from the rows.
    let of = |year: i32| rows.iter().filter(move |r| r.0 == year).map(|r| r.2);
    let mean_2021 = of(2021).sum::<i64>() as f64 / 12.0;
    let total = |year| of(year).sum::<i64>();
    let change = 100.0 * (total(2022) - total(2019)) as f64 / total(2019) as f64;
    let to_june = |year: i32| {
        rows.iter()
            .filter(|r| r.0 == year && r.1 <= 6)
            .map(|r| r.2)
            .sum::<i64>()
    };
    let this_year = to_june(2023);
    let rank = 1 + (2019..2023).filter(|&y| to_june(y) > this_year).count();
    let march = rows.iter().find(|r| (r.0, r.1) == (2022, 3)).unwrap().2;
    let want = [
        format!("Mean 2021: {}.", one_decimal(mean_2021)),
        format!("Total 2022: {};", common::thousands(total(2022) as u64)),
        format!("change 2019 to 2022: {}%.", one_decimal(change)),
        format!(
            "By 1 June 2023: {}, the {} of 5 years.",
            common::thousands(this_year as u64),
            [
                "highest",
                "second-highest",
                "third-highest",
                "fourth-highest",
                "fifth-highest"
            ][rank - 1]
        ),
        format!(
            "Latest: {}; months: {};",
            rows.last().unwrap().2,
            rows.len()
        ),
        format!(
            "share of 2022: {}%.",
            one_decimal(100.0 * march as f64 / total(2022) as f64)
        ),
    ];
    for want in want {
        assert!(page.contains(&want), "{want:?} not in the page:\n{page}");
    }
}

#[test]
fn a_misspelt_argument_or_column_stops_the_build_at_the_brief_line() {
    let p = project_with_table(CSV);
    p.build_ok(&[]);
    for (call, want) in [
        (
            "mean(colum=\"co2\")",
            "filter `mean` has no argument `colum`; it takes column",
        ),
        (
            "mean(column=\"c02\")",
            "table `co2` has no column `c02`; its columns are date, co2",
        ),
        (
            "filter_rows(column=\"date\", from=\"2030-01-01\") | mean(column=\"co2\")",
            "has no rows to work on",
        ),
        (
            "filter_rows(column=\"date\", from=\"1 May 2019\")",
            "does not fit column `date`: expected a day of the calendar written YYYY-MM-DD",
        ),
    ] {
        p.brief(
            "co2",
            &brief_text(
                "Carbon dioxide",
                "2023-03-20",
                &format!("Intro.\n\n{{{{ data.co2 | {call} }}}}\n"),
            ),
        );
        let stderr = build_fails(&p);
        assert!(stderr.contains(want), "{call}: {stderr}");
        assert!(
            stderr.contains("briefs/co2.md:9:"),
            "{call}: the error is at the brief's line: {stderr}"
        );
        assert!(
            stderr.contains("= expected a table (data.<name>) and arguments naming its columns"),
            "{call}: {stderr}"
        );
    }
}

#[test]
fn a_bar_chart_of_a_grouped_table_draws_the_totals() {
    let (p, _, rows) = counts_project();
    p.brief(
        "counts",
        &brief_text(
            "Counts",
            "2023-07-10",
            "{% set years = data.counts | by_period(date=\"month\", period=\"year\", value=\"people\") %}{{ chart(name=\"bars\", data=years, x=\"year\", y=\"people\") }}\n",
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/counts/index.html");
    let charts = common::page_charts(&p.path("output"), &page);
    assert_eq!(charts.len(), 1);
    let chart = &charts[0];
    // The totals, computed here.
    let total = |year: i32| {
        rows.iter()
            .filter(|r| r.0 == year)
            .map(|r| r.2)
            .sum::<i64>()
    };
    let mut want_csv = String::from("year,People\n");
    for year in 2019..=2023 {
        want_csv.push_str(&format!("{year},{}\n", total(year)));
    }
    assert_eq!(
        common::csv_body(&p.read(&format!("output/{}", chart.csv))),
        want_csv
    );
    let peak = (2019..=2023).max_by_key(|&y| (total(y), -y)).unwrap();
    let title = format!(
        "People peaked at {} in {peak}",
        common::thousands(total(peak) as u64)
    );
    assert!(
        chart
            .figure
            .contains(&format!("<span class=\"chart-title\">{title}</span>")),
        "{}",
        chart.figure
    );
    assert!(
        chart
            .figure
            .contains("<span class=\"chart-subtitle\">People, by year, 2019–2023</span>"),
        "{}",
        chart.figure
    );
    // The description is the image's text and the drawings' own.
    assert!(
        chart.alt.starts_with(&format!(
            "People: {} in 2019",
            common::thousands(total(2019) as u64)
        )),
        "{}",
        chart.alt
    );
    assert!(chart.wide.contains(&chart.alt) && chart.narrow.contains(&chart.alt));
    // Every bar's value is printed on the wide drawing.
    for year in 2019..=2023 {
        assert!(
            chart.wide.contains(&format!(
                ">{}</text>",
                common::thousands(total(year) as u64)
            )),
            "{year}"
        );
    }
    // A chart of another column, or of text, says what it needs.
    for (call, want) in [
        (
            "chart(name=\"bars\", data=data.counts, x=\"month\", y=\"people\")",
            "column `month` must hold years (integer) or names (text), and it holds dates",
        ),
        (
            "chart(name=\"bars\", data=data.counts, x=\"year\")",
            "chart “bars” needs `y=\"…\"`",
        ),
        (
            "chart(name=\"bars\", data=years, x=\"year\", y=\"persons\")",
            "has no column `persons`",
        ),
        (
            "chart(name=\"bars\", data=\"counts\", x=\"year\", y=\"people\")",
            "argument “data” must be a table",
        ),
        (
            "chart(name=\"bars\", x=\"year\", y=\"people\")",
            "chart “bars” needs `data=`",
        ),
    ] {
        p.brief("counts", &brief_text("Counts", "2023-07-10", &format!("{{% set years = data.counts | by_period(date=\"month\", period=\"year\", value=\"people\") %}}{{{{ {call} }}}}\n")));
        let stderr = build_fails(&p);
        assert!(stderr.contains(want), "{call}: {stderr}");
    }
}

#[test]
fn a_line_chart_draws_a_column_over_its_dates() {
    let (p, _, rows) = counts_project();
    p.brief(
        "counts",
        &brief_text(
            "Counts",
            "2023-07-10",
            "{{ chart(name=\"line\", data=data.counts, x=\"month\", y=\"people\") }}\n",
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/counts/index.html");
    let charts = common::page_charts(&p.path("output"), &page);
    let chart = &charts[0];
    let (first, last) = (rows[0], rows[rows.len() - 1]);
    let verb = if last.2 > first.2 { "rose" } else { "fell" };
    let title = format!(
        "People {verb} from {} in 2019 to {} in 2023",
        first.2, last.2
    );
    assert!(
        chart
            .figure
            .contains(&format!("<span class=\"chart-title\">{title}</span>")),
        "{}",
        chart.figure
    );
    assert!(
        chart
            .figure
            .contains("<span class=\"chart-subtitle\">People, January 2019 to June 2023</span>"),
        "{}",
        chart.figure
    );
    assert!(
        chart.alt.starts_with(&format!(
            "People: {} in January 2019 and {} in June 2023",
            first.2, last.2
        )),
        "{}",
        chart.alt
    );
    let mut want_csv = String::from("month,People\n");
    for (y, m, c) in &rows {
        want_csv.push_str(&format!("{y}-{m:02}-01,{c}\n"));
    }
    assert_eq!(
        common::csv_body(&p.read(&format!("output/{}", chart.csv))),
        want_csv
    );
    assert!(
        chart.wide.contains(&format!(">{}</text>", last.2)),
        "the end label"
    );
    assert!(chart.wide_file.ends_with(".svg") && chart.narrow_file.ends_with("-narrow.svg"));
    // The page names the table's own source, not the crossings'.
    assert!(
        chart.figure.contains(
            "<span class=\"visually-hidden\"> Source: A ministry, People counted each month, released 10 July 2023</span>"
        ),
        "{}",
        chart.figure
    );
    assert!(!chart.figure.contains("Home Office"), "{}", chart.figure);
    p.brief(
        "counts",
        &brief_text(
            "Counts",
            "2023-07-10",
            "{{ chart(name=\"line\", data=data.counts, x=\"people\", y=\"people\") }}\n",
        ),
    );
    assert!(
        build_fails(&p).contains("column `people` must hold dates, and it holds whole numbers")
    );
}

#[test]
fn brief_diff_shows_a_changed_cell_as_the_figures_it_moves() {
    let body = "In 2022, {{ data.counts | filter_rows(column=\"month\", from=\"2022-01-01\", to=\"2022-12-31\") | sum(column=\"people\") | thousands }} people were counted.\n";
    let (with_crossings, csv, rows) = counts_project();
    with_crossings.brief("counts", &brief_text("Counts", "2023-07-10", body));
    // The same with the crossings and without.
    for p in [with_crossings, tables_only_project(body).0] {
        common::git(p.root(), &["init", "-q"]);
        common::git(p.root(), &["add", "."]);
        common::git(p.root(), &["commit", "-qm", "counts"]);
        let march = rows.iter().find(|r| (r.0, r.1) == (2022, 3)).unwrap().2;
        p.write(
            "data/counts.csv",
            csv.replace(
                &format!("2022-03-01,{march}\n"),
                &format!("2022-03-01,{}\n", march + 1000),
            ),
        );
        let out = p.run(&["diff"]);
        assert_eq!(out.status, 0, "{}", out.stderr);
        let total: i64 = rows.iter().filter(|r| r.0 == 2022).map(|r| r.2).sum();
        assert!(
            out.stdout.contains("data/counts.csv (1 row changed)"),
            "{}",
            out.stdout
        );
        let row = format!(
            "| {} | {} | +1,000 |",
            common::thousands(total as u64),
            common::thousands((total + 1000) as u64)
        );
        assert!(out.stdout.contains(&row), "{row}: {}", out.stdout);
    }
}

#[test]
fn every_derived_figure_is_recorded_with_its_expression_even_when_its_page_is_reused() {
    let (p, _, rows) = counts_project();
    let body = "{% set years = data.counts | by_period(date=\"month\", period=\"year\", value=\"people\") %}{{ years | filter_rows(column=\"year\", equals=2022) | sum(column=\"people\") }} and again {{ years | filter_rows(column=\"year\", equals=2022) | sum(column=\"people\") }}; {{ data.counts | latest(column=\"people\", by=\"month\") }}.\n";
    p.brief("counts", &brief_text("Counts", "2023-07-10", body));
    p.brief("other", &brief_text("Other", "2023-07-09", "No figures.\n"));
    p.build_ok(&[]);
    let derived: serde_json::Value = serde_json::from_str(&p.read("output/derived.json")).unwrap();
    let total: i64 = rows.iter().filter(|r| r.0 == 2022).map(|r| r.2).sum();
    let figures = derived["briefs"]["counts"].as_array().unwrap();
    assert_eq!(figures.len(), 2, "each expression once: {figures:?}");
    assert_eq!(
        figures[0]["expression"],
        "data.counts | by_period(date=\"month\", period=\"year\", value=\"people\", how=\"sum\") | filter_rows(column=\"year\", equals=2022) | sum(column=\"people\")"
    );
    assert_eq!(figures[0]["value"], total);
    assert_eq!(
        figures[1]["expression"],
        "data.counts | latest(column=\"people\", by=\"month\")"
    );
    assert_eq!(figures[1]["value"], rows.last().unwrap().2);
    assert!(derived["briefs"].get("other").is_none());
    // Another brief changes: this one's page is reused, and its figures stay.
    let clean = p.read("output/derived.json");
    p.brief(
        "other",
        &brief_text("Other", "2023-07-09", "Still no figures.\n"),
    );
    p.build_ok(&[]);
    assert_eq!(p.read("output/derived.json"), clean);
    let manifest: serde_json::Value =
        serde_json::from_str(&p.read("output/manifest.json")).unwrap();
    assert_eq!(
        manifest["briefs"]["counts"]["derived"],
        derived["briefs"]["counts"]
    );
    assert!(
        manifest["briefs"]["other"].get("derived").is_none(),
        "left out when empty"
    );
}

#[test]
fn a_yaml_list_of_records_with_a_schema_is_a_table_too() {
    let p = Project::new();
    p.write("data/co2.schema.yaml", SCHEMA);
    p.write(
        "data/co2.yaml",
        "- {date: 2019-11-01, co2: 410.27}\n- {date: 2019-12-01, co2: 411.76}\n",
    );
    p.brief(
        "co2",
        &brief_text(
            "Carbon dioxide",
            "2023-03-20",
            "Mean: {{ data.co2 | mean(column=\"co2\") | thousands(decimals=1) }}; {{ data.co2.rows | length }} months.\n",
        ),
    );
    p.build_ok(&[]);
    assert!(
        p.read("output/co2/index.html")
            .contains("Mean: 411.0; 2 months.")
    );
    p.write(
        "data/co2.yaml",
        "- {date: 2019-11-01, co2: 410.27}\n- {date: 2019-12-01}\n",
    );
    let stderr = build_fails(&p);
    assert!(
        stderr.contains("data/co2.yaml:2:3: this record has no `co2`"),
        "{stderr}"
    );
}

/// The issue's own case: a new table with its schema, and one brief that
/// quotes three figures derived from it and places a line chart and a bar
/// chart of it, every number checked against the rows here.
#[test]
fn one_brief_quotes_three_derived_figures_and_places_a_line_and_a_bar_chart() {
    let (p, _, rows) = counts_project();
    p.brief(
        "counts",
        &brief_text(
            "Counts",
            "2023-07-10",
            concat!(
                "{% set years = data.counts | by_period(date=\"month\", period=\"year\", value=\"people\") %}",
                "Most in a month: {{ data.counts | max(column=\"people\") | thousands }}. ",
                "In 2020: {{ years | filter_rows(column=\"year\", equals=2020) | sum(column=\"people\") | thousands }}. ",
                "Change 2020 to 2021: {{ years | change(column=\"people\", from=2020, to=2021) | thousands }}.\n\n",
                "{{ chart(name=\"line\", data=data.counts, x=\"month\", y=\"people\") }}\n\n",
                "{{ chart(name=\"bars\", data=years, x=\"year\", y=\"people\") }}\n",
            ),
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/counts/index.html");
    let total = |year: i32| {
        rows.iter()
            .filter(|r| r.0 == year)
            .map(|r| r.2)
            .sum::<i64>()
    };
    let most = rows.iter().map(|r| r.2).max().unwrap();
    for want in [
        format!("Most in a month: {}.", common::thousands(most as u64)),
        format!("In 2020: {}.", common::thousands(total(2020) as u64)),
        format!(
            "Change 2020 to 2021: {}.",
            common::thousands((total(2021) - total(2020)) as u64)
        ),
    ] {
        assert!(page.contains(&want), "{want:?}");
    }
    let charts = common::page_charts(&p.path("output"), &page);
    assert_eq!(charts.len(), 2);
    assert!(charts[0].name.starts_with("line-") && charts[1].name.starts_with("bars-"));
    let derived: serde_json::Value = serde_json::from_str(&p.read("output/derived.json")).unwrap();
    assert_eq!(derived["briefs"]["counts"].as_array().unwrap().len(), 3);
}

#[test]
fn a_cumulative_by_year_chart_adds_up_a_monthly_series_to_each_month_end() {
    let (p, csv, rows) = counts_project();
    p.brief(
        "counts",
        &brief_text(
            "Counts",
            "2023-07-10",
            "{{ chart(name=\"cumulative-by-year\", data=data.counts, x=\"month\", y=\"people\") }}\n",
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/counts/index.html");
    let chart = &common::page_charts(&p.path("output"), &page)[0];
    // Each year's total through June, computed here.
    let to_june = |year: i32| {
        rows.iter()
            .filter(|r| r.0 == year && r.1 <= 6)
            .map(|r| r.2)
            .sum::<i64>()
    };
    let this_year = to_june(2023);
    let last_year = to_june(2022);
    let above = (2019..2023).filter(|&y| to_june(y) > this_year).count();
    let want = format!(
        "By 30 June (day 181), the total of people in 2023 was {}, compared with {} by the same day in 2022.",
        common::thousands(this_year as u64),
        common::thousands(last_year as u64)
    );
    assert!(chart.alt.starts_with(&want), "{}\n{want}", chart.alt);
    assert!(
        chart.alt.contains(&format!(
            "That was the {} of 5 years at that point",
            [
                "highest",
                "second-highest",
                "third-highest",
                "fourth-highest",
                "fifth-highest"
            ][above]
        )),
        "{}",
        chart.alt
    );
    assert!(chart.figure.contains("<span class=\"chart-subtitle\">Cumulative people, by day of the year, to 30 June 2023</span>"), "{}", chart.figure);
    // The CSV has each month's running total, at the month's end.
    let data = p.read(&format!("output/{}", chart.csv));
    let data = common::csv_body(&data);
    assert!(
        data.starts_with("year,day_of_year,date,cumulative_people\n"),
        "{data}"
    );
    let first_two = rows[0].2 + rows[1].2;
    assert!(
        data.contains(&format!("2019,59,2019-02-28,{first_two}\n")),
        "{data}"
    );
    // Counts only.
    p.write(
        "data/counts.csv",
        csv.replacen(&format!(",{}\n", rows[0].2), ",-5\n", 1),
    );
    assert!(build_fails(&p).contains("adds up counts, and column `people` has -5 on 2019-01-01"));
}

#[test]
fn a_schema_can_live_in_site_yaml_instead() {
    let (csv, rows) = monthly_counts();
    let p = Project::new();
    let site = p.read("site.yaml");
    let indented: String = COUNTS_SCHEMA
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect();
    let with_tables = format!("{site}tables:\n  counts:\n{indented}");
    p.write("site.yaml", &with_tables);
    p.write("data/counts.csv", &csv);
    p.brief(
        "counts",
        &brief_text(
            "Counts",
            "2023-07-10",
            "{{ data.counts | count }} months.\n",
        ),
    );
    p.build_ok(&[]);
    assert!(
        p.read("output/counts/index.html")
            .contains(&format!("{} months.", rows.len()))
    );
    // Checked as a schema file is, at its line in site.yaml.
    let key_line = with_tables.lines().count() + 1;
    p.write("site.yaml", format!("{with_tables}    key: week\n"));
    let stderr = build_fails(&p);
    assert!(
        stderr.contains(&format!("site.yaml:{key_line}:5:")),
        "{stderr}"
    );
    assert!(
        stderr.contains("the key names `week`, which is not a column"),
        "{stderr}"
    );
    // One schema for each table.
    p.write("site.yaml", &with_tables);
    p.write("data/counts.schema.yaml", COUNTS_SCHEMA);
    let stderr = build_fails(&p);
    assert!(
        stderr.contains("data/counts.schema.yaml: site.yaml has a schema for `counts` too"),
        "{stderr}"
    );
}

/// A project of its own data alone: site.yaml, two small templates, the
/// monthly counts and a brief; no crossings, no pilot.
fn tables_only_project(body: &str) -> (Project, Vec<(i32, u32, i64)>) {
    let (csv, rows) = monthly_counts();
    let p = Project::bare();
    p.write(
        "site.yaml",
        "title: Counts\ndescription: Counts of people.\npublisher: A desk\nlanguage: en-GB\n",
    );
    p.write(
        "templates/index.html",
        "<!doctype html><title>{{ site.title }}</title><p>As of {{ as_of | uk_date }}.</p>{% for b in briefs %}<a href=\"{{ b.slug }}/index.html\">{{ b.title }}</a>{% endfor %}\n",
    );
    p.write(
        "templates/brief.html",
        "<!doctype html><title>{{ brief.title }}</title><p class=\"provenance\">{{ data.counts.source.publisher }}, as of {{ as_of | uk_date }}, data {{ provenance.data_hash_short }}</p>{{ body | safe }}\n",
    );
    p.write("data/counts.schema.yaml", COUNTS_SCHEMA);
    p.write("data/counts.csv", &csv);
    p.brief("counts", &brief_text("Counts", "2023-07-10", body));
    (p, rows)
}

#[test]
fn a_project_of_its_own_tables_builds_without_the_crossings() {
    let body = "{% set years = data.counts | by_period(date=\"month\", period=\"year\", value=\"people\", how=\"sum\") %}In 2022, {{ years | filter_rows(column=\"year\", equals=2022) | sum(column=\"people\") | thousands }} people; {{ data.counts.rows | length }} months.\n\n{{ chart(name=\"line\", data=data.counts, x=\"month\", y=\"people\") }}\n";
    let (p, rows) = tables_only_project(body);
    let out = p.build_ok(&[]);
    assert!(out.contains("as of 1 June 2023"), "{out}");
    let page = p.read("output/counts/index.html");
    let in_2022: i64 = rows.iter().filter(|r| r.0 == 2022).map(|r| r.2).sum();
    assert!(
        page.contains(&format!(
            "In 2022, {} people; {} months.",
            common::thousands(in_2022 as u64),
            rows.len()
        )),
        "{page}"
    );
    // The as-of date is the tables' last day.
    assert!(page.contains("A ministry, as of 1 June 2023"), "{page}");
    assert!(p.read("output/index.html").contains("As of 1 June 2023."));
    assert_eq!(common::page_charts(&p.path("output"), &page).len(), 1);
    // No model's figures and no corrections log: there are no crossings.
    assert!(!p.path("output/figures.json").exists());
    assert!(!p.path("output/corrections").exists());
    assert!(p.path("output/derived.json").exists());
    assert!(p.path("output/feed.xml").exists());
    // The build is the same bytes again.
    let first = p.snapshot("output");
    p.run(&["build", "--full"]);
    assert_eq!(p.snapshot("output"), first);
}

#[test]
fn a_build_as_of_a_past_day_sees_a_table_as_it_stood_then() {
    let body = "{{ data.counts.rows | length }} months, the last {{ data.counts | latest(column=\"people\", by=\"month\") }}.\n";
    let (p, rows) = tables_only_project(body);
    let out = p.build_ok(&["--as-of", "2022-12-31"]);
    assert!(out.contains("as of 31 December 2022"), "{out}");
    let page = p.read("output/counts/index.html");
    let seen: Vec<_> = rows.iter().filter(|r| r.0 <= 2022).collect();
    let last = seen.last().unwrap().2;
    assert!(
        page.contains(&format!("{} months, the last {last}.", seen.len())),
        "{page}"
    );
    assert!(page.contains("as of 31 December 2022"), "{page}");
    // A day outside the tables' dates is an error that names them.
    let out = p.run(&["build", "--as-of", "2024-01-01"]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr.contains(
            "--as-of 2024-01-01 is outside the data, which runs from 2019-01-01 to 2023-06-01"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the dates of the tables (counts)"),
        "{}",
        out.stderr
    );
}

#[test]
fn without_the_crossings_their_charts_and_the_pilot_are_errors_that_say_so() {
    let (p, _) = tables_only_project("{{ chart(name=\"cumulative\") }}\n");
    let err = build_fails(&p);
    assert!(
        err.contains(
            "chart “cumulative” draws the crossings, and this project has no data/crossings.yaml"
        ),
        "{err}"
    );
    assert!(err.contains("briefs/counts.md"), "{err}");
    p.brief("counts", &brief_text("Counts", "2023-07-10", "Fine.\n"));
    p.write("data/pilot.yaml", "x: 1\n");
    let err = build_fails(&p);
    assert!(
        err.starts_with(
            "error: data/pilot.yaml: the returns pilot is counted against the crossings"
        ),
        "{err}"
    );
    std::fs::remove_file(p.path("data/pilot.yaml")).unwrap();
    std::fs::remove_file(p.path("data/counts.csv")).unwrap();
    std::fs::remove_file(p.path("data/counts.schema.yaml")).unwrap();
    let err = build_fails(&p);
    assert!(err.contains("this project has no data"), "{err}");
}

const REGIONS_SCHEMA: &str = "title: People counted by region
source:
  publisher: A ministry
  title: People counted by region
  address: https://example.org/regions
  licence: Open Government Licence v3.0
  released: 2023-07-10
columns:
  - name: region
    type: text
    label: Region
  - name: people
    type: integer
    unit: people
    label: People counted
  - name: share
    type: decimal
    unit: '%'
key: region
";

#[test]
fn a_bar_chart_over_a_column_of_names_draws_a_bar_for_each_row_in_order() {
    let regions = [
        ("North East", 1200),
        ("London", 5120),
        ("Yorkshire and the Humber", 2210),
        ("South West", 1650),
    ];
    let mut csv = String::from("region,people,share\n");
    for (name, n) in regions {
        csv.push_str(&format!("{name},{n},{:.1}\n", n as f64 / 101.8));
    }
    let p = Project::new();
    p.write("data/regions.schema.yaml", REGIONS_SCHEMA);
    p.write("data/regions.csv", &csv);
    p.brief(
        "regions",
        &brief_text(
            "Regions",
            "2023-07-10",
            "{{ chart(name=\"bars\", data=data.regions, x=\"region\", y=\"people\") }}\n\n{{ chart(name=\"bars\", data=data.regions, x=\"region\", y=\"share\") }}\n",
        ),
    );
    p.build_ok(&[]);
    let page = p.read("output/regions/index.html");
    let charts = common::page_charts(&p.path("output"), &page);
    assert_eq!(charts.len(), 2);
    let chart = &charts[0];
    assert!(
        chart.figure.contains(
            "<span class=\"chart-title\">People counted was highest in London, at 5,120</span> <span class=\"chart-subtitle\">People counted, by region</span>"
        ),
        "{}",
        chart.figure
    );
    assert_eq!(
        chart.alt,
        "People counted: North East 1,200, London 5,120, Yorkshire and the Humber 2,210 and South West 1,650; the largest London."
    );
    let mut want = String::from("Region,People counted\n");
    for (name, n) in regions {
        want.push_str(&format!("{name},{n}\n"));
    }
    assert_eq!(
        common::csv_body(&p.read(&format!("output/{}", chart.csv))),
        want
    );
    for (name, _) in regions {
        assert!(chart.wide.contains(&format!(">{name}</text>")), "{name}");
    }
    // The other column is another chart, with its own files.
    let share = &charts[1];
    assert_ne!(share.wide_file, chart.wide_file);
    assert!(
        share.figure.contains("Share (%), by region"),
        "{}",
        share.figure
    );
    // More categories than a chart can show is an error that says what to do.
    let mut many = String::from("region,people,share\n");
    for i in 0..20 {
        many.push_str(&format!("Region {i},{i},1.0\n"));
    }
    p.write("data/regions.csv", &many);
    let err = build_fails(&p);
    assert!(
        err.contains(
            "chart “bars” draws at most 16 categories, and column `region` has 20 with values"
        ),
        "{err}"
    );
}

#[test]
fn a_new_brief_in_a_project_of_tables_starts_from_its_table_and_builds() {
    let (p, rows) = tables_only_project("Counts.\n");
    let out = p.run(&["new", "first-look"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let text = p.read("briefs/first-look.md");
    assert!(text.contains("{% set t = data.counts %}"), "{text}");
    assert!(text.contains("authors: [\"A desk\"]"), "{text}");
    p.build_ok(&["--drafts"]);
    let page = p.read("output/first-look/index.html");
    let last = rows[rows.len() - 1].2;
    assert!(
        page.contains(&format!(
            "By 1 June 2023, the latest row of “counts”, people stood at {last}."
        )),
        "{page}"
    );
    assert_eq!(common::page_charts(&p.path("output"), &page).len(), 1);
}

const POWER_SCHEMA: &str = "title: Net generation by source
source:
  publisher: An energy agency
  title: Net generation
  address: https://example.org/power
  licence: Open Government Licence v3.0
  released: 2018-01-01
columns:
  - name: year
    type: date
  - name: source
    type: text
  - name: net_generation
    type: integer
    label: Net generation
key: [year, source]
";

#[test]
fn a_chart_of_a_table_of_several_series_in_long_form_says_how_to_pick_one() {
    // A row per year and source, as many published tables are laid out;
    // the renewables' rows out of date order.
    let csv = "year,source,net_generation\n\
        2001-01-01,Fossil Fuels,35361\n2001-01-01,Renewables,30\n\
        2003-01-01,Fossil Fuels,36234\n2003-01-01,Renewables,1849\n\
        2002-01-01,Fossil Fuels,35991\n2002-01-01,Renewables,1963\n";
    let p = Project::new();
    p.write("data/power.schema.yaml", POWER_SCHEMA);
    p.write("data/power.csv", csv);
    let chart = |data: &str| {
        brief_text(
            "Power",
            "2023-07-10",
            &format!(
                "{{{{ chart(name=\"line\", data={data}, x=\"year\", y=\"net_generation\") }}}}\n"
            ),
        )
    };
    p.brief("power", &chart("data.power"));
    let err = build_fails(&p);
    assert!(
        err.contains("chart “line” draws one value for each date in column `year`, and 1 January 2001 is in 2 rows; pick one first, e.g. `data=… | filter_rows(column=\"source\", equals=\"Fossil Fuels\")`"),
        "{err}"
    );
    assert!(err.contains("briefs/power.md:"), "{err}");
    // So do bars over a column of names that repeats.
    p.brief(
        "power",
        &brief_text(
            "Power",
            "2023-07-10",
            "{{ chart(name=\"bars\", data=data.power, x=\"source\", y=\"net_generation\") }}\n",
        ),
    );
    let err = build_fails(&p);
    assert!(
        err.contains("chart “bars” draws one value for each name in column `source`, and “Fossil Fuels” is in 3 rows; group the rows first"),
        "{err}"
    );
    // A figure read from it has no one answer either: the latest value and
    // a change between two years are errors until one series is picked.
    for (expression, says) in [
        (
            "data.power | latest(column=\"net_generation\", by=\"year\")",
            "2 rows have year 2003-01-01, with different values: pick one first with filter_rows",
        ),
        (
            "data.power | change(column=\"net_generation\", from=\"2001-01-01\", to=\"2003-01-01\")",
            "2 rows have year 2003-01-01, with different values",
        ),
    ] {
        p.brief(
            "power",
            &brief_text("Power", "2023-07-10", &format!("{{{{ {expression} }}}}\n")),
        );
        let err = build_fails(&p);
        assert!(err.contains(says), "{expression}: {err}");
    }
    p.brief(
        "power",
        &brief_text(
            "Power",
            "2023-07-10",
            "{% set r = data.power | filter_rows(column=\"source\", equals=\"Renewables\") %}{{ r | latest(column=\"net_generation\", by=\"year\") }}; {{ r | change(column=\"net_generation\", from=\"2001-01-01\", to=\"2003-01-01\") }}; {{ data.power | latest(column=\"year\", by=\"year\") }}\n",
        ),
    );
    p.build_ok(&[]);
    assert!(
        p.read("output/power/index.html")
            .contains("1849; 1819; 2003-01-01")
    );
    // One series drawn: its line runs in date order, and its axis, for
    // counts, starts at zero rather than below it (the padding under 30
    // would reach below zero).
    p.brief(
        "power",
        &chart("data.power | filter_rows(column=\"source\", equals=\"Renewables\")"),
    );
    p.build_ok(&[]);
    let page = p.read("output/power/index.html");
    let charts = common::page_charts(&p.path("output"), &page);
    assert_eq!(charts.len(), 1);
    assert_eq!(
        common::csv_body(&p.read(&format!("output/{}", charts[0].csv))),
        "year,Net generation\n2001-01-01,30\n2002-01-01,1963\n2003-01-01,1849\n"
    );
    assert!(
        charts[0]
            .figure
            .contains("Net generation rose from 30 in 2001 to 1,849 in 2003"),
        "{}",
        charts[0].figure
    );
    // Yearly data dated 1 January is named by its years: in the subtitle,
    // the description and the data table.
    assert!(
        charts[0]
            .figure
            .contains("<span class=\"chart-subtitle\">Net generation, 2001 to 2003</span>"),
        "{}",
        charts[0].figure
    );
    assert!(
        charts[0].alt.starts_with(
            "Net generation: 30 in 2001 and 1,849 in 2003; the highest was 1,963 in 2002"
        ),
        "{}",
        charts[0].alt
    );
    assert!(
        charts[0].figure.contains("<th scope=\"row\">2002</th>"),
        "{}",
        charts[0].figure
    );
    for drawing in [&charts[0].wide, &charts[0].narrow] {
        assert!(
            !drawing.contains(">−") && !drawing.contains(">-"),
            "a tick below zero:\n{drawing}"
        );
    }
}

#[test]
fn a_new_brief_on_a_long_form_table_with_a_hyphenated_name_starts_from_one_series() {
    let (p, _) = tables_only_project("Counts.\n");
    std::fs::remove_file(p.path("data/counts.schema.yaml")).unwrap();
    std::fs::remove_file(p.path("data/counts.csv")).unwrap();
    std::fs::remove_file(p.path("briefs/counts.md")).unwrap();
    p.write(
        "templates/brief.html",
        "<!doctype html><title>{{ brief.title }}</title>{{ body | safe }}\n",
    );
    p.write("data/power-by-source.schema.yaml", POWER_SCHEMA);
    p.write(
        "data/power-by-source.csv",
        "year,source,net_generation\n2001-01-01,Fossil Fuels,35361\n2001-01-01,Renewables,30\n2002-01-01,Fossil Fuels,35991\n2002-01-01,Renewables,1963\n",
    );
    let out = p.run(&["new", "first-look"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let text = p.read("briefs/first-look.md");
    assert!(
        text.contains("{% set t = data[\"power-by-source\"] | filter_rows(column=\"source\", equals=\"Fossil Fuels\") %}"),
        "{text}"
    );
    p.build_ok(&["--drafts"]);
    let page = p.read("output/first-look/index.html");
    assert!(
        page.contains("By 1 January 2002, the latest row of “Net generation by source” for Fossil Fuels, net generation stood at 35,991."),
        "{page}"
    );
    assert_eq!(common::page_charts(&p.path("output"), &page).len(), 1);
}
