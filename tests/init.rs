//! `brief init`: a project of one's own table, from a CSV to a built brief.

mod common;

use common::Project;

/// A table of several series in long form, as many publishers lay it out.
const POWER_CSV: &str = "year,source,net_generation,share\n\
    2001-01-01,Fossil Fuels,35361,96.0\n2001-01-01,Renewables,1437,\n\
    2002-01-01,Fossil Fuels,35991,94.8\n2002-01-01,Renewables,1963,5.2\n";

/// The source lines a new schema leaves to fill, filled.
fn fill_source(p: &Project, name: &str) {
    let path = format!("data/{name}.schema.yaml");
    let mut text = p.read(&path);
    for (field, value) in [
        ("publisher", "An energy agency"),
        ("title", "Net generation by source"),
        ("address", "https://example.org/power"),
        ("licence", "Open Government Licence v3.0"),
        ("released", "2003-02-01"),
    ] {
        let start = text.find(&format!("  {field}: ")).unwrap();
        let end = start + text[start..].find('\n').unwrap();
        text.replace_range(start..end, &format!("  {field}: {value}"));
    }
    p.write(&path, text);
}

#[test]
fn a_csv_becomes_a_project_that_builds_once_its_source_is_said() {
    // The project's folder holds the download already; init adds to it.
    let p = Project::bare();
    p.write("downloads/Power by Source.csv", POWER_CSV);
    let dir = p.root().to_path_buf();
    let out = p.run(&[
        "init",
        "--table",
        p.path("downloads/Power by Source.csv").to_str().unwrap(),
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("data/power-by-source.schema.yaml, say where the data comes from"),
        "{}",
        out.stdout
    );
    let project = |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap();
    assert_eq!(
        project("data/power-by-source.csv"),
        POWER_CSV,
        "the table is copied as it is"
    );
    let schema = project("data/power-by-source.schema.yaml");
    for line in [
        "title: Power by source\n",
        "  - name: year\n    type: date\n",
        "  - name: source\n    type: text\n",
        "  - name: net_generation\n    type: integer\n",
        "  - name: share\n    type: decimal\n    optional: true",
        "key: [year, source]\n",
    ] {
        assert!(schema.contains(line), "{line:?} in\n{schema}");
    }
    assert!(project("site.yaml").contains("\npublisher: "));
    assert_eq!(
        project("templates/assets/style.css"),
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/assets/style.css")
        )
        .unwrap()
    );
    // Until its source is said, the build stops at the first line to fill.
    let out = common::run(&dir, &["build"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.starts_with(
            "error: data/power-by-source.schema.yaml:7:12: found nothing after the colon"
        ),
        "{}",
        out.stderr
    );
    assert!(!dir.join("output").exists());
    // Said, it builds; a new brief starts from one series of the table,
    // and its page names the table's source.
    fill_source(&p, "power-by-source");
    p.build_ok(&[]);
    let out = p.run(&["new", "first-look"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    p.build_ok(&["--drafts"]);
    let page = p.read("output/first-look/index.html");
    assert!(
        page.contains("for Fossil Fuels, net generation stood at 35,991."),
        "{page}"
    );
    assert!(
        page.contains("Data: <a href=\"https://example.org/power\">An energy agency, Net generation by source</a>, released 1 February 2003 (Open Government Licence v3.0)"),
        "{page}"
    );
    assert!(
        page.contains("4 rows of year, source, net_generation and share, from “<a href=\"https://example.org/power\">Net generation by source</a>” by An energy agency, released 1 February 2003 (Open Government Licence v3.0)."),
        "{page}"
    );
    assert_eq!(common::page_charts(&p.path("output"), &page).len(), 1);
    let index = p.read("output/index.html");
    assert!(
        index.contains(
            "“<a href=\"https://example.org/power\">Net generation by source</a>” by An energy agency, released 1 February 2003 (Open Government Licence v3.0)"
        ),
        "{index}"
    );
    // A brief's provenance and method name the tables it reads: one that
    // reads none names none.
    p.brief(
        "note",
        "---\ntitle: A note\nsummary: Words alone.\ndate: 2003-02-02\nauthors: [A desk]\n---\nNo figures here.\n",
    );
    p.build_ok(&[]);
    let note = p.read("output/note/index.html");
    assert!(!note.contains("Data: "), "{note}");
    assert!(
        note.contains("This brief reads no table in <code>data/</code>"),
        "{note}"
    );
}

#[test]
fn init_changes_nothing_of_a_project_or_when_a_table_cannot_be_read() {
    // A folder that holds a project already.
    let p = Project::new();
    let before = p.snapshot("");
    let out = p.run(&["init"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .contains("site.yaml: this folder already has a project's files"),
        "{}",
        out.stderr
    );
    assert_eq!(p.snapshot(""), before);
    // A table whose rows do not match its header: nothing is written.
    let p = Project::bare();
    p.write("ragged.csv", "a,b\n1,2\n3\n");
    let dir = p.path("new");
    let out = common::run(
        p.root(),
        &[
            "init",
            dir.to_str().unwrap(),
            "--table",
            p.path("ragged.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("ragged.csv:3"), "{}", out.stderr);
    assert!(
        out.stderr.contains("the CSV cannot be read"),
        "{}",
        out.stderr
    );
    assert!(!dir.exists(), "nothing is written");
    // A file that is not a CSV.
    p.write("table.xlsx", "PK");
    let out = common::run(
        p.root(),
        &[
            "init",
            dir.to_str().unwrap(),
            "--table",
            p.path("table.xlsx").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("this is not a .csv file"),
        "{}",
        out.stderr
    );
    assert!(!dir.exists());
}

#[test]
fn a_table_by_year_without_dates_starts_a_brief_with_bars_by_year() {
    let p = Project::bare();
    p.write(
        "regions.csv",
        "year,region,people\n2020,North,10\n2020,South,12\n2021,North,14\n2021,South,9\n",
    );
    let out = p.run(&["init", "--table", p.path("regions.csv").to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let schema = p.read("data/regions.schema.yaml");
    assert!(schema.contains("key: [year, region]\n"), "{schema}");
    assert!(
        !schema.contains("# label: Year"),
        "a year column needs no unit or label:\n{schema}"
    );
    fill_source(&p, "regions");
    let out = p.run(&["new", "first-look"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    p.build_ok(&["--drafts"]);
    let page = p.read("output/first-look/index.html");
    assert!(
        page.contains("In 2021, the latest year of “Regions” for North, people was 14."),
        "{page}"
    );
    let charts = common::page_charts(&p.path("output"), &page);
    assert_eq!(charts.len(), 1);
    assert!(
        charts[0].figure.contains("People peaked at 14 in 2021"),
        "{}",
        charts[0].figure
    );
}

#[test]
fn a_table_with_neither_dates_nor_years_starts_a_brief_that_builds() {
    let p = Project::bare();
    p.write("by-region.csv", "region,people\nNorth,10\nSouth,12\n");
    let out = p.run(&["init", "--table", p.path("by-region.csv").to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    fill_source(&p, "by-region");
    let out = p.run(&["new", "first-look"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        p.read("briefs/first-look.md")
            .contains("{% set t = data[\"by-region\"] %}")
    );
    p.build_ok(&["--drafts"]);
    let page = p.read("output/first-look/index.html");
    assert!(page.contains("The table “By region” has 2 rows."), "{page}");
}
