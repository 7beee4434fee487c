//! Cumulative arrivals by day of year, one line per year, one year highlighted.

use std::borrow::Cow;
use std::sync::Arc;

use super::draw::{
    Area, EndLabel, day_of_year_axes, dot, end_labels, line_text, no_data, render, source_block,
};
use super::labels::{SourceLine, end_label_room};
use super::scale::{count_ticks, plot_rect};
use super::{Cells, ChartInput, Drawing, PolylineCache, Table, Theme};
use crate::text::{
    YearDates, day_of_year_text, fmt_count, fmt_num, is_leap, month_starts, push_uint,
};

/// One year's cumulative line: (day of year, 1-based; cumulative people),
/// in day order, every day within the year. Copies share the points: a
/// site's charts draw the same years' lines again and again.
#[derive(Debug, Clone, PartialEq)]
pub struct YearLine {
    pub year: i16,
    points: Arc<[(u16, u64)]>,
    /// The largest total, which sets a chart's axis.
    max: u64,
}

impl YearLine {
    /// The line of `year` through `points`, put in day order, without the
    /// days outside 1..=366.
    pub fn new(year: i16, mut points: Vec<(u16, u64)>) -> YearLine {
        points.retain(|(d, _)| (1..=366).contains(d));
        if !points.is_sorted_by_key(|p| p.0) {
            points.sort_by_key(|p| p.0);
        }
        YearLine {
            year,
            max: points.iter().map(|p| p.1).max().unwrap_or(0),
            points: points.into(),
        }
    }

    /// The points, in day order.
    pub fn points(&self) -> &[(u16, u64)] {
        &self.points
    }
}

/// Input for a cumulative chart: a line per year, one highlighted.
#[derive(Debug, Clone, PartialEq)]
pub struct Cumulative {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub source: SourceLine,
    pub lines: Vec<YearLine>,
    /// The year drawn strong in the accent colour.
    pub highlight: i16,
    /// What the lines add up.
    pub measure: Measure,
}

/// What a cumulative chart's lines add up, as its description and CSV
/// name it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Measure {
    /// People arrived: the crossings.
    #[default]
    Arrivals,
    /// A table's column of counts, by its label (`People counted`) and its
    /// name (`people`).
    Column { label: String, name: String },
}

impl Measure {
    /// The CSV's header row.
    fn header(&self) -> String {
        match self {
            Measure::Arrivals => DATA_HEADER.to_string(),
            Measure::Column { name, .. } => format!("year,day_of_year,date,cumulative_{name}\n"),
        }
    }

    /// "Cumulative people arrived", "Cumulative people counted".
    fn summary(&self) -> String {
        match self {
            Measure::Arrivals => "Cumulative people arrived".into(),
            Measure::Column { label, .. } => format!("Cumulative {}", lower_first(label)),
        }
    }

    /// "15,897 people had arrived in 2026", "the total of people counted in
    /// 2026 was 15,897".
    fn so_far(&self, value: &str, year: i16) -> String {
        match self {
            Measure::Arrivals => format!("{value} people had arrived in {year}"),
            Measure::Column { label, .. } => {
                format!("the total of {} in {year} was {value}", lower_first(label))
            }
        }
    }
}

/// `text` with its first letter in lower case, unless it is an acronym
/// ("CO₂" stays).
pub(super) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(chars)
            .collect(),
        _ => text.to_string(),
    }
}

/// Cumulative lines by day of year, one year highlighted. The lines drawn
/// at each scale are kept in `kept`: a site's charts draw the same years'
/// lines again and again.
impl ChartInput for Cumulative {
    fn name(&self) -> &str {
        &self.name
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn source(&self) -> &SourceLine {
        &self.source
    }

    fn draw(&self, theme: &Theme, kept: &PolylineCache) -> Drawing {
        let lines = clean(&self.lines);
        let description = describe(&lines, self.highlight, &self.measure);
        let svg = svg(self, theme, &lines, &description, kept);
        Drawing { description, svg }
    }

    fn data(&self) -> (String, Table) {
        let lines = clean(&self.lines);
        (data_csv(&lines, &self.measure), quarter_table(&lines))
    }
}

/// [`ChartInput::data`] of `input` with its CSV made of `rows`: each
/// year's rows as [`push_data_rows`] writes them, for the years drawn, in
/// order (a site's charts share years, so it keeps each year's rows once).
pub fn data_of_rows(input: &Cumulative, rows: &[&str]) -> (String, Table) {
    let mut csv =
        String::with_capacity(DATA_HEADER.len() + rows.iter().map(|r| r.len()).sum::<usize>());
    csv.push_str(DATA_HEADER);
    rows.iter().for_each(|r| csv.push_str(r));
    (csv, quarter_table(&clean(&input.lines)))
}

/// The SVG of `lines`, already cleaned, and their description.
fn svg(
    input: &Cumulative,
    theme: &Theme,
    lines: &[YearLine],
    description: &str,
    cache: &PolylineCache,
) -> String {
    render(
        theme,
        (&input.name, &input.title, &input.subtitle),
        description,
        |area| draw(area, theme, input, lines, cache),
    )
}

/// The header row of the data's CSV.
pub const DATA_HEADER: &str = "year,day_of_year,date,cumulative_people\n";

/// The data drawn, a row per day: year, day of year, date and total so
/// far. Written straight into one string, as [`csv`] would write it: a
/// large site writes millions of these rows.
fn data_csv(lines: &[YearLine], measure: &Measure) -> String {
    let rows: usize = lines.iter().map(|l| l.points().len()).sum();
    // A row such as "2026,232,2026-08-20,15897\n" is 26 bytes.
    let mut out = String::with_capacity(64 + rows * 32);
    out.push_str(&measure.header());
    for l in lines {
        push_data_rows(&mut out, l);
    }
    out
}

/// Appends the data's CSV rows of one year's line (cleaned: days in order,
/// within the year).
pub fn push_data_rows(out: &mut String, line: &YearLine) {
    // Whole numbers never need quoting in a CSV cell.
    let year = line.year.to_string();
    let dates = YearDates::new(i32::from(line.year));
    for &(day, total) in line.points() {
        out.push_str(&year);
        out.push(',');
        push_uint(out, u64::from(day));
        out.push(',');
        dates.push_cell(out, day);
        out.push(',');
        push_uint(out, total);
        out.push('\n');
    }
}

/// The page's table: each year's total by the end of each quarter, and its
/// latest total (a year under way has blanks for quarters to come).
fn quarter_table(lines: &[YearLine]) -> Table {
    let header = [
        "year",
        "by 31 March",
        "by 30 June",
        "by 30 September",
        "by 31 December",
        "latest",
    ];
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let starts = month_starts(l.year as i32);
            let quarter_end = |next_month: usize| match starts.get(next_month) {
                Some(&s) => s - 1,
                None => {
                    if is_leap(l.year as i32) {
                        366
                    } else {
                        365
                    }
                }
            };
            let mut row = vec![l.year.to_string()];
            for next in [3, 6, 9, 12] {
                // The total on the quarter's last day, or on the last
                // day before it that has a point (a monthly series has
                // one a month).
                let value = value_on(l, quarter_end(next));
                row.push(value.map_or(String::new(), |v| v.to_string()));
            }
            row.push(l.points().last().map_or(String::new(), |p| p.1.to_string()));
            row
        })
        .collect();
    Table::new(&header, rows).showing(&[
        ("Year", Cells::Year),
        ("By 31 March", Cells::Count),
        ("By 30 June", Cells::Count),
        ("By 30 September", Cells::Count),
        ("By 31 December", Cells::Count),
        ("Latest", Cells::Count),
    ])
}

/// Sorted by year, empty lines dropped (a line's points are in order
/// already). Lines that are so already (as `ChartSet` makes them) are
/// borrowed, not copied.
fn clean(lines: &[YearLine]) -> Cow<'_, [YearLine]> {
    let in_order = lines.windows(2).all(|w| w[0].year <= w[1].year)
        && lines.iter().all(|l| !l.points.is_empty());
    if in_order {
        return Cow::Borrowed(lines);
    }
    let mut out: Vec<YearLine> = lines
        .iter()
        .filter(|l| !l.points.is_empty())
        .cloned()
        .collect();
    out.sort_by_key(|l| l.year);
    Cow::Owned(out)
}

/// Value of a cumulative line on `day`: its last point on or before that day.
/// The line's total on `day`; `None` when the line stops before it (a year
/// still under way is not compared at a day it has not reached).
fn value_on(line: &YearLine, day: u16) -> Option<u64> {
    let points = line.points();
    if points.last().is_none_or(|(last, _)| *last < day) {
        return None;
    }
    // The points are in day order (see `YearLine::new`).
    let after = points.partition_point(|(d, _)| *d <= day);
    after.checked_sub(1).map(|i| points[i].1)
}

fn draw(area: &Area, theme: &Theme, input: &Cumulative, lines: &[YearLine], cache: &PolylineCache) {
    source_block(area, theme, &input.source);
    let max = lines.iter().map(|l| l.max).max().unwrap_or(0);
    let names: Vec<String> = lines.iter().map(|l| l.year.to_string()).collect();
    let ticks = count_ticks(0.0, max as f64, theme.y_ticks);
    let (ticks, top) = theme.axis_top(ticks, max as f64 * 1.05);
    let tick_labels: Vec<(f64, String)> = ticks.iter().map(|t| (*t, fmt_num(*t, 0))).collect();
    let left = theme.y_label_room(&tick_labels);
    let right = end_label_room(theme, &names).max(24);
    let plot = plot_rect(theme, &input.source, left, right);
    if lines.is_empty() {
        no_data(area, theme, plot);
        return;
    }
    let (ys, xs) = day_of_year_axes(area, theme, plot, top, &tick_labels);

    // Muted lines first, the highlight on top.
    let mut order: Vec<&YearLine> = lines.iter().filter(|l| l.year != input.highlight).collect();
    order.extend(lines.iter().filter(|l| l.year == input.highlight));
    let mut labels = Vec::new();
    for l in order {
        let strong = l.year == input.highlight;
        let (color, width) = if strong {
            (theme.accent, theme.strong_width)
        } else {
            (theme.muted, theme.muted_width)
        };
        let Some(&(last_day, last_total)) = l.points().last() else {
            continue;
        };
        // A year's line is the same whatever the brief; the lines are the
        // year's own (see `ChartInput::draw`), so the year names them.
        let points = cache.points_text(l.year as u64, &xs, &ys, || {
            l.points()
                .iter()
                .map(|(d, v)| (xs.px(*d as f64), ys.px(*v as f64)))
                .collect()
        });
        line_text(area, &points, color, width);
        let end = (xs.px(last_day as f64), ys.px(last_total as f64));
        if strong || l.points().len() == 1 {
            dot(area, end, if strong { 4 } else { 3 }, color);
        }
        labels.push(EndLabel {
            x: end.0 + 2,
            y: end.1,
            text: l.year.to_string(),
            color: if strong {
                theme.accent
            } else {
                theme.muted_text
            },
            bold: strong,
        });
    }
    end_labels(area, theme, plot, &labels);
}

fn describe(lines: &[YearLine], highlight: i16, measure: &Measure) -> String {
    if lines.is_empty() {
        return "No data.".to_string();
    }
    let Some(h) = lines.iter().find(|l| l.year == highlight) else {
        let last: Vec<(i16, u64)> = lines
            .iter()
            .filter_map(|l| l.points().last().map(|p| (l.year, p.1)))
            .collect();
        let hi = last.iter().max_by_key(|p| (p.1, -p.0)).copied();
        let lo = last.iter().min_by_key(|p| (p.1, p.0)).copied();
        return match (hi, lo) {
            (Some(hi), Some(lo)) if last.len() > 1 => format!(
                "{} by day of year, {} to {}. The highest latest total was {} in {} and the lowest {} in {}.",
                measure.summary(),
                lines[0].year,
                lines[lines.len() - 1].year,
                fmt_count(hi.1),
                hi.0,
                fmt_count(lo.1),
                lo.0
            ),
            (Some(hi), _) => format!(
                "{} by day of year in {}: {} by the latest day.",
                measure.summary(),
                hi.0,
                fmt_count(hi.1)
            ),
            _ => "No data.".to_string(),
        };
    };
    let Some(&(day, value)) = h.points().last() else {
        return "No data.".to_string();
    };
    let when = day_of_year_text(h.year as i32, day);
    let mut s = format!(
        "By {when} (day {day}), {}",
        measure.so_far(&fmt_count(value), h.year)
    );
    let others: Vec<(i16, u64)> = lines
        .iter()
        .filter(|l| l.year != h.year)
        .filter_map(|l| value_on(l, day).map(|v| (l.year, v)))
        .collect();
    if let Some(prev) = others.iter().find(|o| o.0 == h.year - 1) {
        s.push_str(&format!(
            ", compared with {} by the same day in {}",
            fmt_count(prev.1),
            prev.0
        ));
    }
    s.push('.');
    if !others.is_empty() {
        let above = others.iter().filter(|o| o.1 > value).count();
        let n = others.len() + 1;
        let hi = others.iter().max_by_key(|p| (p.1, -p.0)).copied();
        let lo = others.iter().min_by_key(|p| (p.1, p.0)).copied();
        s.push_str(&format!(
            " That was {} of {n} years at that point",
            crate::words::rank_phrase(above as i64 + 1, "highest")
        ));
        if let (Some(hi), Some(lo)) = (hi, lo) {
            if hi.1 > value {
                s.push_str(&format!(
                    "; the highest was {} in {}",
                    fmt_count(hi.1),
                    hi.0
                ));
            }
            if lo.1 < value {
                s.push_str(&format!("; the lowest was {} in {}", fmt_count(lo.1), lo.0));
            }
        }
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::check_text_layout;
    use crate::charts::{Chart, wide};

    fn line(year: i16, total: u64, days: u16) -> YearLine {
        // A smooth S-ish curve reaching `total` at the end of the year.
        let points = (1..=days)
            .step_by(7)
            .chain(std::iter::once(days))
            .map(|d| {
                let t = d as f64 / 365.0;
                (d, (total as f64 * t * t * (3.0 - 2.0 * t)).round() as u64)
            })
            .collect();
        YearLine::new(year, points)
    }

    fn fixture() -> Cumulative {
        Cumulative {
            name: "cumulative".into(),
            title: "2026 is behind 2025".into(),
            subtitle: "Cumulative people arrived by day of year".into(),
            source: "Source: Home Office".into(),
            lines: vec![
                YearLine::new(2024, vec![(1, 10), (100, 5000), (200, 15000), (366, 36816)]),
                YearLine::new(2025, vec![(1, 20), (100, 6000), (200, 18000), (365, 41472)]),
                YearLine::new(2026, vec![(1, 5), (100, 4000), (232, 15897)]),
            ],
            highlight: 2026,
            measure: Default::default(),
        }
    }

    #[test]
    fn a_chart_from_kept_rows_is_the_chart() {
        let input = fixture();
        let rows: Vec<String> = clean(&input.lines)
            .iter()
            .map(|line| {
                let mut rows = String::new();
                push_data_rows(&mut rows, line);
                rows
            })
            .collect();
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        assert_eq!(data_of_rows(&input, &rows), input.data());
    }

    #[test]
    fn a_lines_total_on_a_day_is_its_last_point_by_then() {
        let line = YearLine::new(2024, vec![(1, 10), (5, 50), (5, 55), (9, 90)]);
        let scanned = |day: u16| {
            if line.points().last().is_none_or(|(last, _)| *last < day) {
                return None;
            }
            line.points()
                .iter()
                .take_while(|(d, _)| *d <= day)
                .last()
                .map(|p| p.1)
        };
        for day in 0..=12 {
            assert_eq!(value_on(&line, day), scanned(day), "day {day}");
        }
        assert_eq!(value_on(&line, 5), Some(55));
        assert_eq!(value_on(&line, 0), None);
        assert_eq!(value_on(&line, 10), None);
        assert_eq!(value_on(&YearLine::new(2024, vec![]), 1), None);
    }

    #[test]
    fn a_drawing_is_the_chart_without_its_data() {
        for theme in [Theme::default(), Theme::narrow()] {
            let mut chart = Chart::of(&fixture(), &theme);
            assert!(!chart.csv.is_empty() && !chart.table.is_empty());
            (chart.csv, chart.table) = (String::new(), Table::default());
            let drawing = Chart::drawing(&fixture(), &theme, &PolylineCache::default());
            assert_eq!(drawing, chart);
        }
    }

    #[test]
    fn lines_kept_from_other_charts_draw_the_same() {
        let all = fixture();
        // Other years shown move the axis; the same years keep the scale.
        let mut recent = fixture();
        recent.lines.remove(1);
        recent.title = "Without the highest year".into();
        let mut highlighted = fixture();
        highlighted.highlight = 2024;
        let cache = PolylineCache::default();
        for theme in [Theme::default(), Theme::narrow()] {
            for input in [&all, &recent, &highlighted, &all] {
                let fresh = Chart::drawing(input, &theme, &PolylineCache::default());
                assert_eq!(Chart::drawing(input, &theme, &cache), fresh);
            }
        }
        assert_ne!(
            Chart::drawing(&all, &Theme::default(), &cache).svg,
            Chart::drawing(&recent, &Theme::default(), &cache).svg
        );
    }

    #[test]
    fn description_from_data() {
        let c = wide(&fixture());
        assert_eq!(
            c.description,
            "By 20 August (day 232), 15,897 people had arrived in 2026, compared with 18,000 by the same day in 2025. That was the second-highest of 3 years at that point; the highest was 18,000 in 2025; the lowest was 15,000 in 2024."
        );
    }

    #[test]
    fn csv_is_long_format() {
        let c = wide(&fixture());
        let lines: Vec<&str> = c.csv.lines().collect();
        assert_eq!(lines[0], "year,day_of_year,date,cumulative_people");
        assert_eq!(lines[1], "2024,1,2024-01-01,10");
        assert!(lines.contains(&"2026,232,2026-08-20,15897"));
        assert_eq!(lines.len(), 1 + 4 + 4 + 3);
    }

    #[test]
    fn svg_labels_and_determinism() {
        let a = wide(&fixture());
        assert_eq!(a.svg, wide(&fixture()).svg);
        assert!(a.svg.contains(">2026</text>"));
        assert!(a.svg.contains(">Jan</text>") && a.svg.contains(">Dec</text>"));
        assert!(a.svg.contains(">40,000</text>"));
        assert!(a.svg.contains("#1D4E89"));
    }

    #[test]
    fn close_end_labels_are_nudged_apart() {
        let mut f = fixture();
        f.lines = vec![
            line(2018, 299, 365),
            line(2019, 400, 365),
            line(2020, 45_000, 365),
        ];
        let c = wide(&f);
        let ys: Vec<i32> = ["2018", "2019"].iter().map(|y| text_y(&c.svg, y)).collect();
        assert!((ys[0] - ys[1]).abs() >= 16, "{ys:?}");
    }

    fn text_y(svg: &str, label: &str) -> i32 {
        let needle = format!(">{label}</text>");
        let end = svg.find(&needle).unwrap_or(0);
        let start = svg[..end].rfind("<text").unwrap_or(0);
        let tag = &svg[start..end];
        let y = tag.split(" y=\"").nth(1).unwrap_or("0\"");
        y.split('"').next().unwrap_or("0").parse().unwrap_or(0)
    }

    #[test]
    fn tiny_inputs_do_not_panic() {
        let mut f = fixture();
        f.lines = vec![];
        let c = wide(&f);
        assert!(c.svg.contains("No data"));
        assert_eq!(c.description, "No data.");
        f.lines = vec![YearLine::new(2026, vec![(5, 0)])];
        let c = wide(&f);
        assert!(c.svg.contains("2026"));
        f.lines = vec![YearLine::new(2026, vec![(0, 10), (400, 10)])];
        assert!(wide(&f).svg.contains("No data"));
        f.lines = vec![line(2020, 0, 365), line(2021, 0, 365)];
        f.highlight = 1999;
        let c = wide(&f);
        assert!(c.description.contains("2020 to 2021"));
        // All zeros: whole-number ticks, none repeated.
        assert_eq!(c.svg.matches(">0</text>").count(), 1);
        assert_eq!(c.svg.matches(">1</text>").count(), 1);
    }

    #[test]
    fn clean_lines_are_borrowed_and_others_put_in_order() {
        let lines = fixture().lines;
        assert!(matches!(clean(&lines), Cow::Borrowed(_)));
        let messy = vec![
            YearLine::new(2026, vec![(100, 4000), (1, 5), (0, 1), (367, 9)]),
            YearLine::new(2025, vec![(400, 1)]),
            YearLine::new(2024, vec![(1, 10)]),
        ];
        let cleaned = clean(&messy);
        assert!(matches!(cleaned, Cow::Owned(_)));
        assert_eq!(
            cleaned.as_ref(),
            &[
                YearLine::new(2024, vec![(1, 10)]),
                YearLine::new(2026, vec![(1, 5), (100, 4000)]),
            ]
        );
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
        let mut crowded = fixture();
        crowded.lines = (2018..=2025)
            .map(|y| line(y, 300 + 6000 * (y as u64 - 2018), 365))
            .chain(std::iter::once(line(2026, 16_000, 232)))
            .collect();
        let mut empty = fixture();
        empty.lines.clear();
        for input in [fixture(), crowded, empty] {
            for theme in [Theme::default(), Theme::narrow()] {
                let c = Chart::of(&input, &theme);
                if let Err(e) = check_text_layout(&c.svg) {
                    panic!("{} lines at {}: {e}", input.lines.len(), theme.width);
                }
            }
        }
        let n = Chart::of(&fixture(), &Theme::narrow()).svg;
        assert!(n.contains("id=\"chart-cumulative-narrow\""));
        for m in ["Jan", "Apr", "Jul", "Oct"] {
            assert!(n.contains(&format!(">{m}</text>")), "{m}");
        }
        assert!(!n.contains(">Feb</text>"));
    }

    #[test]
    fn the_page_table_gives_quarter_ends_and_the_latest_total() {
        // 2024 (leap) with a point every day: day n has n people so far.
        let lines = vec![
            YearLine::new(2024, (1..=366).map(|d| (d, u64::from(d))).collect()),
            YearLine::new(2026, (1..=232).map(|d| (d, 2 * u64::from(d))).collect()),
        ];
        let table = quarter_table(&lines).to_csv();
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(
            rows[0],
            "year,by 31 March,by 30 June,by 30 September,by 31 December,latest"
        );
        // 31 March 2024 is day 91, 30 June day 182, 30 September day 274.
        assert_eq!(rows[1], "2024,91,182,274,366,366");
        // 2026 reaches 30 June (day 181) but not 30 September.
        assert_eq!(rows[2], "2026,180,362,,,464");
        assert_eq!(rows.len(), 3);
    }
}
