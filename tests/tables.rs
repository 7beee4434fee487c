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
