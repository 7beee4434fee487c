//! How wrong past projections were, by the month they were made in.

use super::draw::{
    Area, EndLabel, dashed, dot, end_labels, line, no_data, render, source_block, x_labels, y_grid,
};
use super::labels::{SourceLine, end_label_room};
use super::scale::{Scale, nice_ticks, plot_rect};
use super::style::{Dash, text_width};
use super::{Cells, ChartInput, Drawing, PolylineCache, Table, Theme};
use crate::text::{MONTH_NAMES, MONTHS, fmt_num, plain_num};
use plotters::style::RGBColor;

/// Input for the backtest chart: how far off past projections were.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestErrors {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub source: SourceLine,
    /// (year, month the projection was made 1..=11, error in per cent).
    /// A positive error is an over-estimate.
    pub rows: Vec<(i16, u8, f64)>,
}

/// Years in order, each with its (month, error) points in month order.
fn by_year(rows: &[(i16, u8, f64)]) -> Vec<(i16, Vec<(u8, f64)>)> {
    let mut rows: Vec<(i16, u8, f64)> = rows
        .iter()
        .copied()
        .filter(|(_, m, e)| (1..=12).contains(m) && e.is_finite())
        .collect();
    rows.sort_by_key(|r| (r.0, r.1));
    let mut out: Vec<(i16, Vec<(u8, f64)>)> = Vec::new();
    for (y, m, e) in rows {
        match out.last_mut() {
            Some((ly, pts)) if *ly == y => pts.push((m, e)),
            _ => out.push((y, vec![(m, e)])),
        }
    }
    out
}

/// "+12.5%", "−3.0%", "0%".
fn pct(v: f64, decimals: u8) -> String {
    let s = fmt_num(v, decimals);
    if v > 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}%")
    } else {
        format!("{s}%")
    }
}

/// One muted line per year of projection errors, with a zero line.
impl ChartInput for BacktestErrors {
    fn name(&self) -> &str {
        &self.name
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn source(&self) -> &SourceLine {
        &self.source
    }

    fn draw(&self, theme: &Theme, _: &PolylineCache) -> Drawing {
        let years = by_year(&self.rows);
        let description = describe(&years);
        let svg = svg(self, theme, &years, &description);
        Drawing { description, svg }
    }

    fn data(&self) -> (String, Table) {
        let rows: Vec<Vec<String>> = by_year(&self.rows)
            .iter()
            .flat_map(|(y, pts)| {
                pts.iter()
                    .map(move |(m, e)| vec![y.to_string(), m.to_string(), plain_num(*e, 2)])
            })
            .collect();
        let table = Table::new(&["year", "month", "error_pct"], rows);
        let shown = table.clone().showing(&[
            ("Year", Cells::Year),
            ("Projected at the end of", Cells::MonthNumber),
            ("Off by (%)", Cells::Decimal(1)),
        ]);
        (table.to_csv(), shown)
    }
}

fn svg(
    input: &BacktestErrors,
    theme: &Theme,
    years: &[(i16, Vec<(u8, f64)>)],
    description: &str,
) -> String {
    render(
        theme,
        (&input.name, &input.title, &input.subtitle),
        description,
        |area| draw(area, theme, input, years),
    )
}

fn draw(area: &Area, theme: &Theme, input: &BacktestErrors, years: &[(i16, Vec<(u8, f64)>)]) {
    source_block(area, theme, &input.source);
    let values = || years.iter().flat_map(|(_, p)| p.iter().map(|q| q.1));
    let lo = values().fold(0.0, f64::min);
    let hi = values().fold(0.0, f64::max);
    let (ticks, dec) = nice_ticks(lo, hi, theme.y_ticks + 1);
    let tick_labels: Vec<(f64, String)> = ticks.iter().map(|t| (*t, pct(*t, dec))).collect();
    let names: Vec<String> = years.iter().map(|(y, _)| y.to_string()).collect();
    let left = theme.y_label_room(&tick_labels);
    let right = end_label_room(theme, &names).max(24);
    let plot = plot_rect(theme, &input.source, left, right);
    if years.is_empty() {
        no_data(area, theme, plot);
        return;
    }
    let last_month = years
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.0))
        .max()
        .unwrap_or(11)
        .max(11);
    let ys = Scale::new(
        ticks.first().copied().unwrap_or(-1.0),
        ticks.last().copied().unwrap_or(1.0),
        plot.bottom,
        plot.top,
    );
    let xs = Scale::new(0.6, last_month as f64 + 0.4, plot.left, plot.right);
    y_grid(area, theme, plot, &ys, &tick_labels);
    let zero = ys.px(0.0);
    line(
        area,
        &[(plot.left, zero), (plot.right, zero)],
        theme.text,
        2,
    );

    // Every month when the names fit, else Jan, Apr, Jul, Oct.
    let month_px = xs.px(2.0) - xs.px(1.0);
    let every = if month_px >= text_width("May", theme.tick_size) + 8 {
        1
    } else {
        3
    };
    let xt: Vec<(i32, String)> = (1..=last_month)
        .filter(|m| (m - 1) % every == 0)
        .map(|m| (xs.px(m as f64), MONTHS[(m - 1) as usize].to_string()))
        .collect();
    x_labels(area, theme, plot, &xt, false);

    let mut ends = Vec::new();
    for (k, (y, pts)) in years.iter().enumerate() {
        let px: Vec<(i32, i32)> = pts
            .iter()
            .map(|(m, e)| (xs.px(*m as f64), ys.px(*e)))
            .collect();
        // Each year its own colour and stroke, its label in its colour: the
        // years are told apart by hue, by dash in greyscale, and by name.
        let (color, dash) = year_style(theme, k);
        match dash {
            Some(dash) => dashed(area, &px, color, theme.muted_width, dash),
            None => line(area, &px, color, theme.muted_width),
        }
        for p in &px {
            dot(area, *p, 3, color);
        }
        if let Some(end) = px.last() {
            ends.push(EndLabel {
                x: end.0 + 3,
                y: end.1,
                text: y.to_string(),
                color,
                bold: false,
            });
        }
    }
    end_labels(area, theme, plot, &ends);
}

/// The colour and dash of the `k`th year's line: five hues dark enough to
/// read as text on white (blue, orange, green, purple, grey), then again
/// with the other dashes, so that no two of fifteen years look alike.
fn year_style(theme: &Theme, k: usize) -> (RGBColor, Option<Dash>) {
    let hues = [
        theme.accent,
        theme.accent2,
        RGBColor(0x1b, 0x72, 0x4a),
        RGBColor(0x6f, 0x3d, 0x8f),
        theme.muted_text,
    ];
    let dashes = [None, Some(Dash::Long), Some(Dash::Short)];
    (
        hues[k % hues.len()],
        // A year five on from another shares its hue, never its stroke.
        dashes[(k + 2 * (k / hues.len())) % dashes.len()],
    )
}

fn describe(years: &[(i16, Vec<(u8, f64)>)]) -> String {
    let all: Vec<(i16, u8, f64)> = years
        .iter()
        .flat_map(|(y, p)| p.iter().map(move |(m, e)| (*y, *m, *e)))
        .collect();
    if all.is_empty() {
        return "No data.".to_string();
    }
    let when = |(y, m, _): (i16, u8, f64)| {
        let name = MONTH_NAMES[(m.clamp(1, 12) - 1) as usize];
        format!("the {y} projection made in {name}")
    };
    let mut parts = Vec::new();
    // Largest first; ties go to the earliest.
    let over =
        all.iter()
            .copied()
            .filter(|r| r.2 > 0.0)
            .fold(None::<(i16, u8, f64)>, |b, r| match b {
                Some(b) if b.2 >= r.2 => Some(b),
                _ => Some(r),
            });
    let under = all
        .iter()
        .copied()
        .filter(|r| r.2 < 0.0)
        .fold(None::<(i16, u8, f64)>, |b, r| match b {
            Some(b) if b.2 <= r.2 => Some(b),
            _ => Some(r),
        });
    match over {
        Some(r) => parts.push(format!(
            "The largest over-estimate was {}, by {}",
            pct(r.2, 1),
            when(r)
        )),
        None => parts.push("No projection was an over-estimate".to_string()),
    }
    match under {
        Some(r) => parts.push(format!(
            "the largest under-estimate was {}, by {}",
            pct(r.2, 1),
            when(r)
        )),
        None => parts.push("none was an under-estimate".to_string()),
    }
    let first = years.first().map(|y| y.0).unwrap_or(0);
    let last = years.last().map(|y| y.0).unwrap_or(0);
    let span = if first == last {
        format!("{first}")
    } else {
        format!("{first} to {last}")
    };
    format!(
        "Projection errors by month of projection, {span}. {}.",
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::check_text_layout;
    use crate::charts::{Chart, wide};

    fn fixture() -> BacktestErrors {
        BacktestErrors {
            name: "backtest".into(),
            title: "Projections made after June were within 10%".into(),
            subtitle: "Error of the projected year total, % of the outturn".into(),
            source: "Source: Home Office; brief calculations".into(),
            rows: vec![
                (2023, 1, 25.0),
                (2023, 6, 8.5),
                (2023, 11, 0.4),
                (2024, 1, -30.2),
                (2024, 6, -6.0),
                (2024, 11, -1.0),
                (2025, 1, 12.0),
                (2025, 6, 2.0),
                (2025, 11, 0.0),
            ],
        }
    }

    #[test]
    fn each_year_has_its_own_colour_and_stroke_and_its_label_its_colour() {
        let mut input = fixture();
        for y in 2019..2023 {
            input.rows.push((y, 1, 10.0));
            input.rows.push((y, 6, 5.0));
        }
        let svg = input.draw(&Theme::default(), &PolylineCache::default()).svg;
        let styles: std::collections::BTreeSet<String> = (0..15)
            .map(|k| format!("{:?}", year_style(&Theme::default(), k)))
            .collect();
        assert_eq!(styles.len(), 15, "fifteen years, fifteen looks");
        let hues: std::collections::BTreeSet<String> = (0..5)
            .map(|k| {
                let RGBColor(r, g, b) = year_style(&Theme::default(), k).0;
                format!("#{r:02X}{g:02X}{b:02X}")
            })
            .collect();
        assert_eq!(hues.len(), 5);
        for hue in &hues {
            assert!(
                svg.to_uppercase().contains(hue.as_str()),
                "{hue} in the drawing"
            );
        }
        assert!(svg.contains("stroke-dasharray"), "some years dashed");
    }

    #[test]
    fn a_drawing_is_the_chart_without_its_data() {
        for theme in [Theme::default(), Theme::narrow()] {
            let mut chart = Chart::of(&fixture(), &theme);
            assert!(!chart.csv.is_empty() && !chart.table.is_empty());
            (chart.csv, chart.table) = (String::new(), Table::default());
            assert_eq!(
                Chart::drawing(&fixture(), &theme, &PolylineCache::default()),
                chart
            );
        }
    }

    #[test]
    fn description_from_data() {
        assert_eq!(
            wide(&fixture()).description,
            "Projection errors by month of projection, 2023 to 2025. The largest over-estimate was +25.0%, by the 2023 projection made in January; the largest under-estimate was \u{2212}30.2%, by the 2024 projection made in January."
        );
    }

    #[test]
    fn csv_plain_numbers() {
        let c = wide(&fixture());
        let lines: Vec<&str> = c.csv.lines().collect();
        assert_eq!(lines[0], "year,month,error_pct");
        assert_eq!(lines[1], "2023,1,25");
        assert!(lines.contains(&"2024,1,-30.2"));
        assert_eq!(lines.len(), 10);
    }

    #[test]
    fn svg_ticks_and_labels() {
        let a = wide(&fixture());
        assert_eq!(a.svg, wide(&fixture()).svg);
        for l in [
            "0%",
            "+20%",
            "\u{2212}20%",
            "Jan",
            "Nov",
            "2023",
            "2024",
            "2025",
        ] {
            assert!(a.svg.contains(&format!(">{l}</text>")), "{l}");
        }
        assert!(!a.svg.contains("Dec"));
    }

    #[test]
    fn percent_format() {
        assert_eq!(pct(0.0, 0), "0%");
        assert_eq!(pct(10.0, 0), "+10%");
        assert_eq!(pct(-2.5, 1), "\u{2212}2.5%");
        assert_eq!(pct(0.01, 0), "0%");
    }

    #[test]
    fn tiny_inputs_do_not_panic() {
        let mut f = fixture();
        f.rows = vec![];
        let c = wide(&f);
        assert!(c.svg.contains("No data"));
        assert_eq!(c.description, "No data.");
        f.rows = vec![(2025, 3, 0.0)];
        let c = wide(&f);
        assert!(c.description.contains("No projection was an over-estimate"));
        f.rows = vec![(2025, 0, 1.0), (2025, 13, f64::NAN)];
        assert!(wide(&f).svg.contains("No data"));
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(wide(&fixture()).svg);
    }

    #[test]
    fn snapshot_narrow() {
        insta::assert_snapshot!(Chart::of(&fixture(), &Theme::narrow()).svg);
    }

    #[test]
    fn texts_fit_and_do_not_overlap() {
        // Seven years, all ending near zero, as in the real brief.
        let mut crowded = fixture();
        crowded.rows = (2019..=2025)
            .flat_map(|y| {
                (1..=11u8).map(move |m| {
                    let e0 = [180.0, -45.0, -20.0, -28.0, 35.0, -12.0, 9.0][(y - 2019) as usize];
                    let left = (12 - m) as f64 / 11.0;
                    (y, m, e0 * left * left)
                })
            })
            .collect();
        let mut empty = fixture();
        empty.rows.clear();
        for input in [fixture(), crowded, empty] {
            for theme in [Theme::default(), Theme::narrow()] {
                let c = Chart::of(&input, &theme);
                if let Err(e) = check_text_layout(&c.svg) {
                    panic!("{} rows at {}: {e}", input.rows.len(), theme.width);
                }
            }
        }
        let n = Chart::of(&fixture(), &Theme::narrow()).svg;
        for m in ["Jan", "Apr", "Jul", "Oct", "2023", "2025"] {
            assert!(n.contains(&format!(">{m}</text>")), "{m}");
        }
        assert!(!n.contains(">Feb</text>"));
    }
}
