//! Returns under the pilot against arrivals since it began, on a
//! logarithmic scale so that hundreds and tens of thousands both show.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::draw::{
    Area, EndLabel, dashed, dot, end_labels, line, no_data, render, source_block, x_labels, y_grid,
};
use super::labels::SourceLine;
use super::scale::{Plot, Scale, plot_rect};
use super::style::{Dash, text_width};
use super::{Cells, ChartInput, Drawing, PolylineCache, Table, Theme};
use crate::text::{MONTHS, csv, days_from_civil, fmt_num, long_date, plain_num};

/// How the pilot chart shows its y axis; the caller's subtitle should say so.
pub const PILOT_SCALE_NOTE: &str = "Logarithmic scale";

/// Input for the pilot chart: arrivals, planned and reported returns.
#[derive(Debug, Clone, PartialEq)]
pub struct PilotReturns {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub source: SourceLine,
    /// Cumulative people arrived since the pilot began, one per day.
    pub arrivals: Vec<(Date, u64)>,
    /// Cumulative planned returns, one per day.
    pub planned: Vec<(Date, f64)>,
    /// Reported cumulative returns, a few points.
    pub reported: Vec<(Date, u64)>,
}

pub(super) fn day_number(d: Date) -> i64 {
    days_from_civil(d.year() as i32, d.month() as u32, d.day() as u32)
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A series sorted by date, non-finite values dropped.
fn sorted(points: impl Iterator<Item = (Date, f64)>) -> Vec<(Date, f64)> {
    let mut v: Vec<(Date, f64)> = points.filter(|p| p.1.is_finite()).collect();
    v.sort_by_key(|p| p.0);
    v
}

/// Value of a cumulative series on `date`: its last point on or before it.
fn value_on(series: &[(Date, f64)], date: Date) -> Option<f64> {
    series
        .iter()
        .take_while(|p| p.0 <= date)
        .last()
        .map(|p| p.1)
}

struct Series {
    arrivals: Vec<(Date, f64)>,
    planned: Vec<(Date, f64)>,
    reported: Vec<(Date, f64)>,
}

fn clean(input: &PilotReturns) -> Series {
    Series {
        arrivals: sorted(input.arrivals.iter().map(|(d, v)| (*d, *v as f64))),
        planned: sorted(input.planned.iter().copied()),
        reported: sorted(input.reported.iter().map(|(d, v)| (*d, *v as f64))),
    }
}

/// The SVG of the cleaned data and its description.
fn svg(input: &PilotReturns, theme: &Theme, s: &Series, description: &str) -> String {
    render(
        theme,
        (&input.name, &input.title, &input.subtitle),
        description,
        |area| draw(area, theme, input, s),
    )
}

/// Arrivals, planned returns and reported returns since the pilot began.
impl ChartInput for PilotReturns {
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
        let s = clean(self);
        let description = describe(&s);
        let svg = svg(self, theme, &s, &description);
        Drawing { description, svg }
    }

    fn data(&self) -> (String, Table) {
        let s = clean(self);
        // Wide CSV by date: blanks where a series has no value that day.
        let mut by_date: BTreeMap<Date, [String; 3]> = BTreeMap::new();
        for (k, series) in [&s.arrivals, &s.planned, &s.reported].iter().enumerate() {
            for (d, v) in series.iter() {
                by_date.entry(*d).or_default()[k] = plain_num(*v, 2);
            }
        }
        let rows: Vec<Vec<String>> = by_date
            .into_iter()
            .map(|(d, [a, p, r])| vec![iso(d), a, p, r])
            .collect();
        // The page's table: month ends, report dates and the last day.
        let last = rows.last().map(|r| r[0].clone());
        let table_rows: Vec<Vec<String>> = rows
            .iter()
            .filter(|r| {
                let next_day_is_first = r[0]
                    .parse::<Date>()
                    .ok()
                    .and_then(|d| d.tomorrow().ok())
                    .is_some_and(|d| d.day() == 1);
                next_day_is_first || !r[3].is_empty() || Some(&r[0]) == last.as_ref()
            })
            .map(|r| {
                let mut r = r.clone();
                // Planned returns are whole people in the table.
                if let Ok(p) = r[2].parse::<f64>() {
                    r[2] = format!("{}", p.round());
                }
                r
            })
            .collect();
        let header = ["date", "arrivals", "planned_returns", "reported_returns"];
        let shown = Table::new(&header, table_rows).showing(&[
            ("Date", Cells::Day),
            ("Arrivals", Cells::Count),
            ("Planned returns", Cells::Count),
            ("Reported returns", Cells::Count),
        ]);
        (csv(&header, &rows), shown)
    }
}

/// Month ticks between two day numbers: (day number, "Sep 2025", or
/// "Sep ’25" when `short`), every `step` months so that labels do not
/// touch.
fn month_ticks(first: Date, last: Date, step: i32, short: bool) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (first.year() as i32, first.month() as i32);
    if first.day() != 1 {
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    let end = day_number(last);
    let mut k = 0;
    while out.len() < 400 {
        let dn = days_from_civil(y, m as u32, 1);
        if dn > end {
            break;
        }
        if k % step == 0 {
            let year = if short {
                format!("\u{2019}{:02}", y.rem_euclid(100))
            } else {
                y.to_string()
            };
            out.push((dn, format!("{} {year}", MONTHS[(m - 1) as usize])));
        }
        k += 1;
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    out
}

fn draw(area: &Area, theme: &Theme, input: &PilotReturns, s: &Series) {
    source_block(area, theme, &input.source);
    let all = || {
        s.arrivals
            .iter()
            .chain(s.planned.iter())
            .chain(s.reported.iter())
    };
    let positive: Vec<f64> = all().map(|p| p.1).filter(|v| *v >= 1.0).collect();
    let first = all().map(|p| p.0).min();
    let last = all().map(|p| p.0).max();
    let short = theme.is_narrow();
    let (Some(first), Some(last)) = (first, last) else {
        let plot = plot_rect(theme, &input.source, theme.margin_left, 24);
        no_data(area, theme, plot);
        return;
    };
    if positive.is_empty() {
        let plot = plot_rect(theme, &input.source, theme.margin_left, 24);
        no_data(area, theme, plot);
        return;
    }
    let (lo_exp, hi_exp, tick_labels) = log_ticks(&positive);
    let left = theme.y_label_room(&tick_labels);
    let d0 = day_number(first) as f64;
    let d1 = (day_number(last) as f64).max(d0 + 1.0);
    let plot = plot_with_end_room(theme, input, left, (d0, d1), &end_texts(s, short));
    let ys = Scale::new(lo_exp as f64, hi_exp as f64, plot.bottom, plot.top);
    let xs = Scale::new(d0, d1, plot.left, plot.right);
    y_grid(area, theme, plot, &ys, &tick_labels);
    line(
        area,
        &[(plot.left, plot.bottom), (plot.right, plot.bottom)],
        theme.baseline,
        1,
    );
    month_labels(area, theme, plot, &xs, (first, last));
    draw_series(area, theme, plot, (&xs, &ys), s);
}

/// The logarithmic axis over `positive` values: its lowest and highest
/// powers of ten, and its ticks (with 2 and 5 between when few) as
/// (position on the axis, label).
fn log_ticks(positive: &[f64]) -> (i32, i32, Vec<(f64, String)>) {
    let min = positive.iter().copied().fold(f64::INFINITY, f64::min);
    let max = positive.iter().copied().fold(0.0, f64::max);
    let lo_exp = min.log10().floor().max(0.0) as i32;
    let hi_exp = (max.log10().ceil() as i32).max(lo_exp + 1);
    let mut ticks: Vec<f64> = Vec::new();
    for e in lo_exp..=hi_exp {
        let base = 10f64.powi(e);
        ticks.push(base);
        if hi_exp - lo_exp <= 2 && e < hi_exp {
            ticks.push(base * 2.0);
            ticks.push(base * 5.0);
        }
    }
    let tick_labels = ticks.iter().map(|t| (t.log10(), fmt_num(*t, 0))).collect();
    (lo_exp, hi_exp, tick_labels)
}

/// The plot, with a right margin that has room for every end label,
/// including those of series that end before the last date (solved in a
/// few passes, as the margin moves the labels).
fn plot_with_end_room(
    theme: &Theme,
    input: &PilotReturns,
    left: i32,
    (d0, d1): (f64, f64),
    labels: &[(Date, String)],
) -> Plot {
    let mut right = 24;
    let mut plot = plot_rect(theme, &input.source, left, right);
    for _ in 0..3 {
        let xs = Scale::new(d0, d1, plot.left, plot.right);
        let need = labels
            .iter()
            .map(|(end, t)| {
                xs.px(day_number(*end) as f64)
                    + theme.label_gap
                    + t.lines()
                        .map(|l| text_width(l, theme.label_size) * 11 / 10)
                        .max()
                        .unwrap_or(0)
                    - (theme.width as i32 - 8)
            })
            .max()
            .unwrap_or(0);
        if need <= 0 {
            break;
        }
        right += need;
        plot = plot_rect(theme, &input.source, left, right);
    }
    plot
}

/// Month ticks from `first` to `last`, thinned so labels keep apart.
pub(super) fn month_labels(
    area: &Area,
    theme: &Theme,
    plot: Plot,
    xs: &Scale,
    (first, last): (Date, Date),
) {
    let short = theme.is_narrow();
    let sample = if short { "Sep \u{2019}25" } else { "Sep 2025" };
    let label_w = text_width(sample, theme.tick_size) + if short { 12 } else { 16 };
    let (d0, d1) = (day_number(first) as f64, day_number(last) as f64);
    let px_per_month = (plot.right - plot.left) as f64 * 30.4 / (d1.max(d0 + 1.0) - d0);
    let step = [1, 2, 3, 4, 6, 12]
        .into_iter()
        .find(|s| px_per_month * *s as f64 >= label_w as f64)
        .unwrap_or(12);
    let xt: Vec<(i32, String)> = month_ticks(first, last, step, short)
        .into_iter()
        .map(|(dn, l)| (xs.px(dn as f64), l))
        .collect();
    x_labels(area, theme, plot, &xt, true);
}

/// The three series (arrivals muted, planned returns dashed, reported
/// returns strong with a dot at each report) and their end labels.
fn draw_series(area: &Area, theme: &Theme, plot: Plot, (xs, ys): (&Scale, &Scale), s: &Series) {
    let to_px = |series: &[(Date, f64)]| -> Vec<(i32, i32)> {
        series
            .iter()
            .filter(|p| p.1 >= 1.0)
            .map(|(d, v)| (xs.px(day_number(*d) as f64), ys.px(v.log10())))
            .collect()
    };
    let arrivals = to_px(&s.arrivals);
    let planned = to_px(&s.planned);
    let reported = to_px(&s.reported);
    line(area, &arrivals, theme.muted_text, theme.muted_width);
    dashed(area, &planned, theme.accent2, 2, Dash::Long);
    if planned.len() == 1 {
        dot(area, planned[0], 3, theme.accent2);
    }
    line(area, &reported, theme.accent, theme.strong_width);
    for p in &reported {
        dot(area, *p, 4, theme.accent);
    }
    if arrivals.len() == 1 {
        dot(area, arrivals[0], 3, theme.muted_text);
    }
    let mut ends = Vec::new();
    for (k, pts, series, color, bold) in [
        (0, &arrivals, &s.arrivals, theme.muted_text, false),
        (1, &planned, &s.planned, theme.accent2, false),
        (2, &reported, &s.reported, theme.accent, true),
    ] {
        if let (Some(end), Some(last)) = (pts.last(), series.last()) {
            let t = end_text(SERIES[k], last.1, theme.is_narrow());
            ends.push(EndLabel {
                x: end.0 + if bold { 3 } else { 1 },
                y: end.1,
                text: t,
                color,
                bold,
            });
        }
    }
    end_labels(area, theme, plot, &ends);
}

/// The series' names: (in full, short for a narrow chart).
const SERIES: [(&str, &str); 3] = [
    ("Arrivals", "Arrivals"),
    ("Planned returns", "Planned"),
    ("Reported returns", "Reported"),
];

/// "Planned returns 1,936"; when `short`, on two lines: "Planned\n1,936".
fn end_text((name, short_name): (&str, &str), v: f64, short: bool) -> String {
    if short {
        format!("{short_name}\n{}", fmt_num(v, 0))
    } else {
        format!("{name} {}", fmt_num(v, 0))
    }
}

/// The end label of each non-empty series, with the date it ends.
fn end_texts(s: &Series, short: bool) -> Vec<(Date, String)> {
    [&s.arrivals, &s.planned, &s.reported]
        .iter()
        .zip(SERIES)
        .filter_map(|(series, n)| series.last().map(|(d, v)| (*d, end_text(n, *v, short))))
        .collect()
}

fn describe(s: &Series) -> String {
    let first = s
        .arrivals
        .iter()
        .chain(s.planned.iter())
        .chain(s.reported.iter())
        .map(|p| p.0)
        .min();
    let Some(first) = first else {
        return "No data.".to_string();
    };
    let mut out = format!("Since the pilot began on {}", long_date(first));
    match s.reported.last() {
        Some(&(d, r)) => {
            out.push_str(&format!(
                ": by {}, {} returns had been reported",
                long_date(d),
                fmt_num(r, 0)
            ));
            let mut against = Vec::new();
            if let Some(p) = value_on(&s.planned, d) {
                against.push(format!("{} planned", fmt_num(p, 0)));
            }
            if let Some(a) = value_on(&s.arrivals, d) {
                against.push(format!("{} people arrived", fmt_num(a, 0)));
            }
            if !against.is_empty() {
                out.push_str(&format!(", against {}", against.join(" and ")));
            }
            out.push('.');
        }
        None => out.push_str(": no returns reported yet."),
    }
    let mut latest = Vec::new();
    if let Some(&(d, a)) = s.arrivals.last() {
        latest.push(format!(
            "{} people had arrived by {}",
            fmt_num(a, 0),
            long_date(d)
        ));
    }
    if let Some(&(d, p)) = s.planned.last() {
        latest.push(format!(
            "{} returns were planned by {}",
            fmt_num(p, 0),
            long_date(d)
        ));
    }
    if !latest.is_empty() {
        out.push_str(&format!(" In all, {}.", latest.join(", and ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::check_text_layout;
    use crate::charts::{Chart, wide};
    use jiff::civil::date;

    fn fixture() -> PilotReturns {
        let start = date(2025, 8, 6);
        let days: Vec<Date> = (0..10)
            .filter_map(|k| start.checked_add(jiff::Span::new().days(k * 30)).ok())
            .collect();
        PilotReturns {
            name: "pilot".into(),
            title: "Returns are far behind plan".into(),
            subtitle: format!("Cumulative people since the pilot began; {PILOT_SCALE_NOTE}"),
            source: "Source: Home Office".into(),
            arrivals: days
                .iter()
                .enumerate()
                .map(|(i, d)| (*d, 1000 + 3500 * i as u64))
                .collect(),
            planned: days
                .iter()
                .enumerate()
                .map(|(i, d)| (*d, 50.0 / 7.0 * (1.0 + 30.0 * i as f64)))
                .collect(),
            reported: vec![
                (date(2025, 10, 9), 26),
                (date(2025, 12, 16), 193),
                (date(2026, 1, 27), 281),
            ],
        }
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
            "Since the pilot began on 6 August 2025: by 27 January 2026, 281 returns had been reported, against 1,079 planned and 18,500 people arrived. In all, 32,500 people had arrived by 3 May 2026, and 1,936 returns were planned by 3 May 2026."
        );
    }

    #[test]
    fn csv_is_wide_by_date() {
        let c = wide(&fixture());
        let lines: Vec<&str> = c.csv.lines().collect();
        assert_eq!(lines[0], "date,arrivals,planned_returns,reported_returns");
        assert_eq!(lines[1], "2025-08-06,1000,7.14,");
        assert!(lines.contains(&"2025-10-09,,,26"));
        assert!(lines.contains(&"2026-01-27,,,281"));
    }

    #[test]
    fn svg_log_ticks_month_labels_and_determinism() {
        let a = wide(&fixture());
        assert_eq!(a.svg, wide(&fixture()).svg);
        for l in [
            "10",
            "100",
            "1,000",
            "10,000",
            "100,000",
            "Reported returns 281",
        ] {
            assert!(a.svg.contains(&format!(">{l}</text>")), "{l}");
        }
        assert!(a.svg.contains(" 2025</text>"));
        assert_eq!(PILOT_SCALE_NOTE, "Logarithmic scale");
    }

    #[test]
    fn tiny_inputs_do_not_panic() {
        let mut f = fixture();
        f.arrivals.clear();
        f.planned.clear();
        f.reported.clear();
        let c = wide(&f);
        assert!(c.svg.contains("No data"));
        assert_eq!(c.description, "No data.");
        f.arrivals = vec![(date(2025, 8, 6), 0)];
        assert!(wide(&f).svg.contains("No data"));
        f.arrivals = vec![(date(2025, 8, 6), 5)];
        f.planned = vec![(date(2025, 8, 6), f64::NAN)];
        let c = wide(&f);
        assert!(c.description.contains("no returns reported yet"));
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
        let mut long = fixture();
        let start = date(2025, 8, 6);
        long.arrivals = (0..700)
            .filter_map(|k| start.checked_add(jiff::Span::new().days(k)).ok())
            .map(|d| (d, 1000 + 60 * d.day_of_year() as u64))
            .collect();
        let mut no_reports = fixture();
        no_reports.reported.clear();
        let mut empty = fixture();
        empty.arrivals.clear();
        empty.planned.clear();
        empty.reported.clear();
        for input in [fixture(), long, no_reports, empty] {
            for theme in [Theme::default(), Theme::narrow()] {
                let c = Chart::of(&input, &theme);
                if let Err(e) = check_text_layout(&c.svg) {
                    panic!("{} arrivals at {}: {e}", input.arrivals.len(), theme.width);
                }
            }
        }
        let n = Chart::of(&fixture(), &Theme::narrow()).svg;
        for l in ["Reported", "281", "Planned", "Arrivals"] {
            assert!(n.contains(&format!(">{l}</text>")), "{l}");
        }
        assert!(n.contains(" \u{2019}25</text>"));
    }

    #[test]
    fn the_page_table_keeps_month_ends_report_days_and_the_last_day() {
        let start = date(2025, 8, 6);
        let days: Vec<Date> = (0..120)
            .filter_map(|k| start.checked_add(jiff::Span::new().days(k)).ok())
            .collect();
        let mut input = fixture();
        input.arrivals = days
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, 100 * i as u64))
            .collect();
        input.planned = days
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, 50.0 / 7.0 * (i + 1) as f64))
            .collect();
        input.reported = vec![(date(2025, 10, 9), 26)];
        let chart = wide(&input);
        let dates: Vec<&str> = chart.table.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            dates,
            [
                "2025-08-31",
                "2025-09-30",
                "2025-10-09",
                "2025-10-31",
                "2025-11-30",
                "2025-12-03"
            ]
        );
        assert!(
            chart.table.to_csv().contains("2025-10-09,6400,464,26"),
            "{}",
            chart.table.to_csv()
        );
        assert!(chart.csv.lines().count() > 100);
    }
}
