//! Writes every chart with realistic data to `/tmp/charts/` for looking at:
//! `CHARTS_PREVIEW=1 cargo test preview -- --nocapture`. Does nothing
//! unless `CHARTS_PREVIEW` is set.

use super::*;

const SOURCE: &str = "Source: Home Office, Migrants detected crossing the English Channel in small boats, released 21 August 2026";

fn write(c: &Chart) {
    let dir = std::path::Path::new("/tmp/charts");
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(dir.join(format!("{}.svg", c.name)), &c.svg);
    let _ = std::fs::write(dir.join(format!("{}.csv", c.name)), &c.csv);
    println!("{}: {}", c.name, c.description);
}

pub(crate) const ANNUAL: [(i16, f64); 8] = [
    (2018, 299.0),
    (2019, 1843.0),
    (2020, 8462.0),
    (2021, 28526.0),
    (2022, 45755.0),
    (2023, 29437.0),
    (2024, 36816.0),
    (2025, 41472.0),
];

/// A smooth seasonal cumulative curve, scaled so that day `at` has `value`.
pub(crate) fn curve(year: i16, at: u16, value: f64, last_day: u16) -> YearLine {
    let density = |d: f64| {
        let x = (d - 250.0) / 365.0 * std::f64::consts::TAU;
        0.35 + (1.0 + x.cos()) / 2.0
    };
    let mut acc = 0.0;
    let mut cum = Vec::new();
    for d in 1..=366u16 {
        acc += density(d as f64);
        cum.push(acc);
    }
    let scale = value / cum[(at - 1) as usize];
    let points = (1..=last_day)
        .map(|d| (d, (cum[(d - 1) as usize] * scale).round() as u64))
        .collect();
    YearLine { year, points }
}

#[test]
fn preview() {
    if std::env::var_os("CHARTS_PREVIEW").is_none() {
        return;
    }
    write(&annual_bars(&AnnualBars {
        name: "annual-arrivals".into(),
        title: "Arrivals in 2025 were the second highest on record".into(),
        subtitle: "People detected crossing in small boats, by year".into(),
        source: SOURCE.into(),
        value_label: "People arrived".into(),
        bars: ANNUAL.to_vec(),
        decimals: 0,
    }));
    write(&annual_bars(&AnnualBars {
        name: "annual-per-boat".into(),
        title: "Boats are fuller".into(),
        subtitle: "People per boat".into(),
        source: SOURCE.into(),
        value_label: "People per boat".into(),
        bars: vec![
            (2019, 11.0),
            (2020, 13.3),
            (2021, 27.5),
            (2022, 41.3),
            (2023, 49.0),
            (2024, 52.8),
            (2025, 61.2),
        ],
        decimals: 1,
    }));
    let mut lines: Vec<YearLine> = ANNUAL
        .iter()
        .map(|(y, v)| {
            let days = if *y % 4 == 0 { 366 } else { 365 };
            curve(*y, days, *v, days)
        })
        .collect();
    lines.push(curve(2026, 232, 15897.0, 232));
    write(&cumulative(&Cumulative {
        name: "cumulative".into(),
        title: "2026 is behind 2025".into(),
        subtitle: "Cumulative people arrived by day of year".into(),
        source: SOURCE.into(),
        lines,
        highlight: 2026,
    }));
    write(&projection_range(&ProjectionRange {
        name: "projection".into(),
        title: "2026 is on course for 33,000 to 44,000 arrivals".into(),
        subtitle: "Cumulative people arrived, and projected total".into(),
        source: SOURCE.into(),
        year: 2026,
        days_in_year: 365,
        so_far: curve(2026, 232, 15897.0, 232).points,
        low: 33000.0,
        central: 38500.0,
        high: 44000.0,
        reference: vec![(2022, 45755), (2023, 29437), (2024, 36816), (2025, 41472)],
    }));
}
