//! The example project, `examples/co2/`: a project of its own table (the
//! Scripps CO2 Program's monthly CO₂ at Mauna Loa, as vega-datasets ships it) with no
//! crossings data. It builds, twice to the same bytes, and the numbers its
//! brief prints are the ones computed here from the CSV.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/co2")
}

/// The CSV's rows: (year, month, CO₂, adjusted CO₂).
fn rows() -> Vec<(i32, u32, f64, f64)> {
    let text = std::fs::read_to_string(example().join("data/co2.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let (year, month) = (
                cells[0][..4].parse().unwrap(),
                cells[0][5..7].parse().unwrap(),
            );
            (
                year,
                month,
                cells[1].parse().unwrap(),
                cells[2].parse().unwrap(),
            )
        })
        .collect()
}

/// `x` to `places` decimals, half away from zero, as the brief prints it.
fn fixed(x: f64, places: i32) -> String {
    let scale = 10f64.powi(places);
    format!("{:.*}", places as usize, (x * scale).round() / scale)
}

/// Builds the example into a folder of its own (the project is left as it
/// is) and gives the folder and the brief's page as text.
fn built() -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let run = common::run(
        &example(),
        &["build", "--full", "--output", out.path().to_str().unwrap()],
    );
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("as of 1 April 2020"),
        "the as-of date is the table's last: {}",
        run.stdout
    );
    let page = std::fs::read_to_string(out.path().join("mauna-loa-co2/index.html")).unwrap();
    (out, page)
}

/// The page's text: tags dropped, entities of the brief's text read back.
fn text_of(page: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&").replace("&#x27;", "'")
}

#[test]
fn the_example_builds_and_its_numbers_are_the_csvs() {
    let rows = rows();
    assert_eq!(rows.len(), 741, "the file vega-datasets 3.2.1 ships");
    let (out, page) = built();
    let text = text_of(&page);
    // The annual means of the years with twelve months.
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for (year, _, co2, _) in &rows {
        by_year.entry(*year).or_default().push(*co2);
    }
    let mean = |y: i32| by_year[&y].iter().sum::<f64>() / by_year[&y].len() as f64;
    let complete: Vec<i32> = by_year
        .iter()
        .filter(|(_, v)| v.len() == 12)
        .map(|(y, _)| *y)
        .collect();
    let (first, last) = (complete[0], complete[complete.len() - 1]);
    assert_eq!((first, last), (1959, 2019));
    let last_row = rows[rows.len() - 1];
    let wanted = [
        format!(
            "In April 2020, the last month in this record, the air at the Mauna Loa Observatory in Hawaii held {} parts per million",
            fixed(last_row.2, 1)
        ),
        format!("the level was {} ppm", fixed(last_row.3, 1)),
        format!(
            "The first complete year of the record, {first}, averaged {} ppm; the last, {last}, averaged {} ppm. That is {} ppm more, a rise of {}% in {} years.",
            fixed(mean(first), 1),
            fixed(mean(last), 1),
            fixed(mean(last) - mean(first), 1),
            fixed(100.0 * (mean(last) - mean(first)) / mean(first), 1),
            last - first
        ),
        format!(
            "over the {} years with all twelve monthly values",
            complete.len()
        ),
        format!(
            "carbon dioxide rose by {} ppm a year on average; between 2009 and 2019, by {} ppm a year",
            fixed((mean(1969) - mean(1959)) / 10.0, 2),
            fixed((mean(2019) - mean(2009)) / 10.0, 2)
        ),
    ];
    for want in &wanted {
        assert!(text.contains(want.as_str()), "{want}\nnot in\n{text}");
    }
    // Each year's rise from 1966, the first whose year before is complete
    // after the gap in 1964.
    let rises: Vec<(i32, f64)> = (1966..=last).map(|y| (y, mean(y) - mean(y - 1))).collect();
    let fastest = rises
        .iter()
        .copied()
        .fold(rises[0], |a, r| if r.1 > a.1 { r } else { a });
    let slowest = rises
        .iter()
        .copied()
        .fold(rises[0], |a, r| if r.1 < a.1 { r } else { a });
    let sentence = format!(
        "by {} ppm at the least, in {}, and by {} ppm at the most, in {}.",
        fixed(slowest.1, 2),
        slowest.0,
        fixed(fastest.1, 2),
        fastest.0
    );
    assert!(text.contains(&sentence), "{sentence}\nnot in\n{text}");
    // Two charts, each with both drawings and its CSV; the bars' CSV is
    // the rises.
    let charts = common::page_charts(out.path(), &page);
    assert_eq!(charts.len(), 2);
    let bars_csv = std::fs::read_to_string(out.path().join(&charts[1].csv)).unwrap();
    let lines: Vec<&str> = common::csv_body(&bars_csv).lines().collect();
    assert_eq!(lines.len(), 1 + rises.len());
    assert_eq!(lines[0], "year,Change in CO₂ (ppm)");
    for (line, (year, rise)) in lines[1..].iter().zip(&rises) {
        let (y, v) = line.split_once(',').unwrap();
        assert_eq!(y, year.to_string());
        // The CSV gives a decimal column's values to two places.
        let shown = fixed(*rise, 2);
        assert_eq!(
            v,
            shown.trim_end_matches('0').trim_end_matches('.'),
            "{line}"
        );
    }
    // No crossings, so no model's figures and no corrections log; the
    // figures the brief derived are listed with their expressions.
    assert!(!out.path().join("figures.json").exists());
    assert!(!out.path().join("corrections").exists());
    let derived = std::fs::read_to_string(out.path().join("derived.json")).unwrap();
    assert!(derived.contains("\"mauna-loa-co2\""), "{derived}");
    assert!(
        derived.contains("differences(column=\\\"CO2\\\")"),
        "{derived}"
    );
    // The Home Office is nowhere: every source line is the table's.
    for (path, bytes) in common::snapshot(out.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Home Office"), "{path}");
    }
    assert!(page.contains("Source: Scripps CO2 Program"));
}

#[test]
fn the_example_builds_to_the_same_bytes_twice() {
    let (first, _) = built();
    let (second, _) = built();
    assert_eq!(
        common::snapshot(first.path()),
        common::snapshot(second.path())
    );
}
