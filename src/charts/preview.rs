//! Draws every chart, wide and narrow, with realistic data and checks that
//! its texts fit and keep apart. With `CHARTS_PREVIEW` set, also writes them
//! to `/tmp/charts/` for looking at (`NAME.svg`, `NAME-narrow.svg`):
//! `CHARTS_PREVIEW=1 cargo test preview -- --nocapture`.

use super::*;

const SOURCE: &str = "Source: Home Office, Migrants detected crossing the English Channel in small boats, released 21 August 2026";

/// Writes the wide chart as `NAME.svg` (and its CSV) and the narrow one as
/// `NAME-narrow.svg`.
fn write(draw: impl Fn(&Theme) -> Chart) {
    let c = draw(&Theme::default());
    let narrow = draw(&Theme::narrow());
    for (svg, at) in [(&c.svg, "wide"), (&narrow.svg, "narrow")] {
        if let Err(e) = super::layout_check::check_text_layout(svg) {
            panic!("{} ({at}): {e}", c.name);
        }
    }
    if std::env::var_os("CHARTS_PREVIEW").is_none() {
        return;
    }
    let dir = std::path::Path::new("/tmp/charts");
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(dir.join(format!("{}.svg", c.name)), &c.svg);
    let _ = std::fs::write(dir.join(format!("{}.csv", c.name)), &c.csv);
    let _ = std::fs::write(dir.join(format!("{}-narrow.svg", c.name)), &narrow.svg);
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
    YearLine::new(year, points)
}

// Long on purpose: one realistic input per chart kind, written out in
// full so that each reads as the chart it draws.
#[test]
fn preview() {
    write(|t| {
        Chart::of(
            &AnnualBars {
                name: "annual-arrivals".into(),
                title: "Arrivals in 2025 were the second highest on record".into(),
                subtitle: "People detected crossing in small boats, by year".into(),
                source: SOURCE.into(),
                value_label: "People arrived".into(),
                bars: ANNUAL.to_vec(),
                decimals: 0,
            },
            t,
        )
    });
    write(|t| {
        Chart::of(
            &AnnualBars {
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
            },
            t,
        )
    });
    let mut lines: Vec<YearLine> = ANNUAL
        .iter()
        .map(|(y, v)| {
            let days = if *y % 4 == 0 { 366 } else { 365 };
            curve(*y, days, *v, days)
        })
        .collect();
    lines.push(curve(2026, 232, 15897.0, 232));
    write(|t| {
        Chart::of(
            &Cumulative {
                name: "cumulative".into(),
                title: "2026 is behind 2025".into(),
                subtitle: "Cumulative people arrived by day of year".into(),
                source: SOURCE.into(),
                lines: lines.clone(),
                highlight: 2026,
                measure: Default::default(),
            },
            t,
        )
    });
    write(|t| {
        Chart::of(
            &ProjectionRange {
                name: "projection".into(),
                title: "2026 is on course for 33,000 to 44,000 arrivals".into(),
                subtitle: "Cumulative people arrived, and projected total".into(),
                source: SOURCE.into(),
                year: 2026,
                days_in_year: 365,
                so_far: curve(2026, 232, 15897.0, 232).points().to_vec(),
                low: 33000.0,
                central: 38500.0,
                high: 44000.0,
                reference: vec![(2022, 45755), (2023, 29437), (2024, 36816), (2025, 41472)],
            },
            t,
        )
    });
    let start = jiff::civil::date(2025, 8, 6);
    let days: Vec<jiff::civil::Date> = (0..365)
        .filter_map(|k| start.checked_add(jiff::Span::new().days(k)).ok())
        .collect();
    let arrivals_curve = curve(2025, 365, 40000.0, 366);
    let d = jiff::civil::date;
    write(|t| {
        Chart::of(
            &PilotReturns {
                name: "pilot".into(),
                title: "Returns under the pilot are far behind plan".into(),
                subtitle: format!("Cumulative people since the pilot began; {PILOT_SCALE_NOTE}"),
                source: SOURCE.into(),
                arrivals: days
                    .iter()
                    .enumerate()
                    .map(|(i, day)| {
                        // Shift the seasonal curve so it starts in August.
                        let a = arrivals_curve.points()[(i + 217) % 365].1 as i64
                            - arrivals_curve.points()[217].1 as i64;
                        let a = if a < 0 { a + 40000 } else { a };
                        (*day, a.max(0) as u64)
                    })
                    .collect(),
                planned: days
                    .iter()
                    .enumerate()
                    .map(|(i, day)| (*day, 50.0 / 7.0 * (i as f64 + 1.0)))
                    .collect(),
                reported: vec![
                    (d(2025, 10, 9), 26),
                    (d(2025, 10, 30), 42),
                    (d(2025, 11, 13), 75),
                    (d(2025, 11, 27), 94),
                    (d(2025, 12, 4), 113),
                    (d(2025, 12, 16), 193),
                    (d(2026, 1, 27), 281),
                    (d(2026, 6, 10), 900),
                ],
            },
            t,
        )
    });
    // Errors shrinking through the year, with a different start per year.
    let starts = [
        (2019, 180.0),
        (2020, -45.0),
        (2021, -20.0),
        (2022, -28.0),
        (2023, 35.0),
        (2024, -12.0),
        (2025, 9.0),
    ];
    let mut rows = Vec::new();
    for (y, e0) in starts {
        for m in 1..=11u8 {
            let left = (12 - m) as f64 / 11.0;
            let wobble = ((y as f64 * 7.0 + m as f64 * 1.3).sin()) * 3.0 * left;
            rows.push((
                y as i16,
                m,
                ((e0 * left * left + wobble) * 10.0).round() / 10.0,
            ));
        }
    }
    write(|t| {
        Chart::of(
            &Cumulative {
                name: "empty".into(),
                title: "Nothing yet".into(),
                subtitle: String::new(),
                source: SOURCE.into(),
                lines: vec![],
                highlight: 2026,
                measure: Default::default(),
            },
            t,
        )
    });
    write(|t| {
        Chart::of(
            &BacktestErrors {
                name: "backtest".into(),
                title: "Projections made from June on were within 10% of the outturn".into(),
                subtitle: "Error of the projected year total, % of the outturn".into(),
                source: SOURCE.into(),
                rows: rows.clone(),
            },
            t,
        )
    });
}
