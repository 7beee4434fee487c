//! The year so far, and a band fanning out to the projected range at year end.

use super::draw::{
    Area, EndLabel, dashed, day_of_year_axes, dot, end_labels, line, no_data, polygon, rect,
    render, source_block, text,
};
use super::labels::{LabelWant, SourceLine, end_label_room, place_labels};
use super::scale::{Plot, Scale, count_ticks, plot_rect};
use super::style::{Anchor, Dash, PAPER, text_width};
use super::{Cells, ChartInput, Drawing, PolylineCache, Table, Theme};
use crate::text::{
    csv, date_of_day, day_of_year_text, fmt_count, fmt_num, is_leap, month_starts, plain_num,
};

/// Input for the projection chart: the year so far and its projected end.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionRange {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub source: SourceLine,
    pub year: i16,
    pub days_in_year: u16,
    /// Cumulative people by day of year, up to the as-of day.
    pub so_far: Vec<(u16, u64)>,
    pub low: f64,
    pub central: f64,
    pub high: f64,
    /// Earlier years' totals, drawn as light labelled reference lines.
    pub reference: Vec<(i16, u64)>,
}

/// A projected figure as the prose states it: the model has already rounded
/// it to a whole number, and a chart must not disagree with the brief
/// around it, so labels show the same digits.
pub fn round_projection(v: f64) -> f64 {
    v.round()
}

struct Clean {
    so_far: Vec<(u16, u64)>,
    /// (low, central, high), sorted, when all finite.
    range: Option<(f64, f64, f64)>,
    reference: Vec<(i16, u64)>,
    days: u16,
}

fn clean(input: &ProjectionRange) -> Clean {
    let days = input.days_in_year.clamp(1, 366);
    let mut so_far: Vec<(u16, u64)> = input
        .so_far
        .iter()
        .copied()
        .filter(|(d, _)| *d >= 1 && *d <= days)
        .collect();
    so_far.sort_by_key(|p| p.0);
    let range = if [input.low, input.central, input.high]
        .iter()
        .all(|v| v.is_finite() && *v >= 0.0)
    {
        let mut v = [input.low, input.central, input.high];
        v.sort_by(f64::total_cmp);
        Some((v[0], v[1], v[2]))
    } else {
        None
    };
    let mut reference = input.reference.clone();
    reference.sort_by_key(|r| std::cmp::Reverse(r.0));
    Clean {
        so_far,
        range,
        reference,
        days,
    }
}

/// The SVG of the cleaned data and its description.
fn svg(input: &ProjectionRange, theme: &Theme, c: &Clean, description: &str) -> String {
    render(
        theme,
        (&input.name, &input.title, &input.subtitle),
        description,
        |area| draw(area, theme, input, c),
    )
}

/// The year so far and the projected range of its end.
impl ChartInput for ProjectionRange {
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
        let c = clean(self);
        let description = describe(self.year, &c);
        let svg = svg(self, theme, &c, &description);
        Drawing { description, svg }
    }

    fn data(&self) -> (String, Table) {
        let c = clean(self);
        let y = self.year;
        let mut rows: Vec<Vec<String>> = c
            .so_far
            .iter()
            .map(|(d, v)| {
                vec![
                    "so_far".into(),
                    y.to_string(),
                    d.to_string(),
                    date_of_day(y as i32, *d).unwrap_or_default(),
                    v.to_string(),
                ]
            })
            .collect();
        if let Some((lo, mid, hi)) = c.range {
            for (name, v) in [("low", lo), ("central", mid), ("high", hi)] {
                rows.push(vec![
                    name.into(),
                    y.to_string(),
                    c.days.to_string(),
                    date_of_day(y as i32, c.days).unwrap_or_default(),
                    plain_num(v, 1),
                ]);
            }
        }
        for (ry, v) in &c.reference {
            let len = if is_leap(*ry as i32) { 366 } else { 365 };
            rows.push(vec![
                "total".into(),
                ry.to_string(),
                len.to_string(),
                date_of_day(*ry as i32, len).unwrap_or_default(),
                v.to_string(),
            ]);
        }
        // The page's table keeps the month ends of the year so far, its last
        // day, the projected range and the reference totals.
        let month_ends: Vec<u16> = month_starts(y as i32)[1..]
            .iter()
            .map(|s| s - 1)
            .chain(c.so_far.last().map(|p| p.0))
            .collect();
        let table_rows: Vec<Vec<String>> = rows
            .iter()
            .filter(|r| {
                r[0] != "so_far" || r[2].parse().is_ok_and(|d: u16| month_ends.contains(&d))
            })
            .map(|r| {
                // "so_far" reads "So far".
                let series = r[0].replace('_', " ");
                let mut chars = series.chars();
                let series = match chars.next() {
                    Some(c) => c.to_uppercase().chain(chars).collect(),
                    None => series,
                };
                vec![series, r[3].clone(), r[4].clone()]
            })
            .collect();
        let header = ["series", "year", "day_of_year", "date", "people"];
        (
            csv(&header, &rows),
            Table::new(&["series", "date", "people"], table_rows).showing(&[
                ("Series", Cells::Text),
                ("Date", Cells::Day),
                ("People", Cells::Count),
            ]),
        )
    }
}

/// End labels (text, value, bold) at one of three lengths: 0 says "High",
/// "Central" and "Low"; 1 drops "Central" (the bold middle one); 2 gives
/// the numbers only.
fn labels_for(range: Option<(f64, f64, f64)>, brevity: u8) -> Vec<(String, f64, bool)> {
    let Some((lo, mid, hi)) = range else {
        return Vec::new();
    };
    let n = |v: f64| fmt_num(round_projection(v), 0);
    let (h, c, l) = match brevity {
        0 => ("High ", "Central ", "Low "),
        1 => ("High ", "", "Low "),
        _ => ("", "", ""),
    };
    vec![
        (format!("{h}{}", n(hi)), hi, false),
        (format!("{c}{}", n(mid)), mid, true),
        (format!("{l}{}", n(lo)), lo, false),
    ]
}

fn draw(area: &Area, theme: &Theme, input: &ProjectionRange, c: &Clean) {
    source_block(area, theme, &input.source);
    let mut max = c.so_far.iter().map(|p| p.1 as f64).fold(0.0, f64::max);
    if let Some((_, _, hi)) = c.range {
        max = max.max(hi);
    }
    for (_, v) in &c.reference {
        max = max.max(*v as f64);
    }
    let ticks = count_ticks(0.0, max, theme.y_ticks);
    let (ticks, top) = theme.axis_top(ticks, max * 1.05);
    let tick_labels: Vec<(f64, String)> = ticks.iter().map(|t| (*t, fmt_num(*t, 0))).collect();
    let left = theme.y_label_room(&tick_labels);
    let (labels, right) = end_labels_that_fit(theme, c.range, left);
    let plot = plot_rect(theme, &input.source, left, right);
    let Some(&(last_day, last_v)) = c.so_far.last() else {
        no_data(area, theme, plot);
        return;
    };
    let (ys, xs) = day_of_year_axes(area, theme, plot, top, &tick_labels);
    reference_lines(area, theme, plot, &ys, &c.reference);
    let start = (xs.px(last_day as f64), ys.px(last_v as f64));
    let end_x = xs.px(c.days as f64);
    if let Some((lo, mid, hi)) = c.range {
        polygon(
            area,
            &[start, (end_x, ys.px(hi)), (end_x, ys.px(lo))],
            theme.accent,
            0.18,
        );
        dashed(
            area,
            &[start, (end_x, ys.px(mid))],
            theme.accent,
            2,
            Dash::Long,
        );
    }
    let pts: Vec<(i32, i32)> = c
        .so_far
        .iter()
        .map(|(d, v)| (xs.px(*d as f64), ys.px(*v as f64)))
        .collect();
    line(area, &pts, theme.accent, theme.strong_width);
    dot(area, start, 4, theme.accent);
    let so_far = format!(
        "{} by {}",
        fmt_count(last_v),
        short_day(input.year, last_day)
    );
    latest_label(area, theme, plot, start, &so_far);
    let ends: Vec<EndLabel> = labels
        .iter()
        .map(|(t, v, bold)| EndLabel {
            x: end_x,
            y: ys.px(*v),
            text: t.clone(),
            color: theme.accent,
            bold: *bold,
        })
        .collect();
    end_labels(area, theme, plot, &ends);
}

/// The longest end labels of the range that leave the plot at least 60%
/// of the width right of the y labels (on a phone, the words give way
/// first), and the right margin they need.
fn end_labels_that_fit(
    theme: &Theme,
    range: Option<(f64, f64, f64)>,
    left: i32,
) -> (Vec<(String, f64, bool)>, i32) {
    let room = |labels: &[(String, f64, bool)]| {
        let names: Vec<String> = labels.iter().map(|l| l.0.clone()).collect();
        end_label_room(theme, &names).max(24)
    };
    let span = theme.width as i32 - left;
    let labels = (0..=2)
        .map(|b| labels_for(range, b))
        .find(|l| (span - room(l)) * 10 >= span * 6)
        .unwrap_or_else(|| labels_for(range, 2));
    let right = room(&labels);
    (labels, right)
}

/// The reference years' totals: light dashed lines with labels at the
/// left, moved apart where they would touch.
fn reference_lines(area: &Area, theme: &Theme, plot: Plot, ys: &Scale, reference: &[(i16, u64)]) {
    let ref_px = theme.tick_size;
    let mut wants = Vec::new();
    for (ry, v) in reference {
        let y = ys.px(*v as f64);
        dashed(
            area,
            &[(plot.left, y), (plot.right, y)],
            theme.muted,
            1,
            Dash::Short,
        );
        let t = format!("{ry}: {}", fmt_count(*v));
        wants.push((
            t.clone(),
            LabelWant {
                x0: plot.left + 4,
                x1: plot.left + 4 + text_width(&t, ref_px),
                y: y - theme.line_height(ref_px) / 2 - 1,
            },
        ));
    }
    let placed = place_labels(
        &wants.iter().map(|w| w.1).collect::<Vec<_>>(),
        theme.line_height(ref_px),
        plot.top,
        plot.bottom,
    );
    let ref_style = theme.font(ref_px, theme.muted_text, Anchor::Start, false);
    for ((t, w), y) in wants.iter().zip(placed) {
        let h = theme.line_height(ref_px) / 2;
        rect(area, (w.x0 - 2, y - h + 1), (w.x1 + 2, y + h - 1), PAPER);
        text(area, t, (w.x0, y), &ref_style);
    }
}

/// The latest figure, above-left of the last point at `start`; where that
/// has no room (a narrow chart), below-right of it, under the band.
fn latest_label(area: &Area, theme: &Theme, plot: Plot, start: (i32, i32), so_far: &str) {
    let w = text_width(so_far, theme.label_size);
    // Bold text runs about a tenth wider than the estimate.
    let wb = w * 11 / 10;
    let h = theme.line_height(theme.label_size) / 2;
    let sx = start.0 - 8;
    let sy = (start.1 - 14).max(plot.top + 8);
    let (bx, by) = (start.0 + 8, (start.1 + 14).min(plot.bottom - h));
    if sx - w > plot.left {
        let style = theme.font(theme.label_size, theme.accent, Anchor::End, true);
        rect(area, (sx - w - 2, sy - h + 1), (sx + 2, sy + h - 1), PAPER);
        text(area, so_far, (sx, sy), &style);
    } else if bx + wb <= theme.width as i32 - 8 && by > start.1 {
        let style = theme.font(theme.label_size, theme.accent, Anchor::Start, true);
        rect(area, (bx - 2, by - h + 1), (bx + wb + 2, by + h - 1), PAPER);
        text(area, so_far, (bx, by), &style);
    }
}

/// "20 Aug".
fn short_day(year: i16, day: u16) -> String {
    let full = day_of_year_text(year as i32, day);
    match full.split_once(' ') {
        Some((d, m)) if !full.starts_with("day") => format!("{d} {}", &m[..m.len().min(3)]),
        _ => full,
    }
}

fn describe(year: i16, c: &Clean) -> String {
    let mut s = String::new();
    match c.range {
        Some((lo, mid, hi)) => s.push_str(&format!(
            "Projected total for {year}: between {} and {}, with a central estimate of {}",
            fmt_num(round_projection(lo), 0),
            fmt_num(round_projection(hi), 0),
            fmt_num(round_projection(mid), 0)
        )),
        None => s.push_str(&format!("No projection for {year}")),
    }
    match c.so_far.last() {
        Some(&(d, v)) => s.push_str(&format!(
            ", from {} people arrived by {} (day {d}).",
            fmt_count(v),
            day_of_year_text(year as i32, d)
        )),
        None => s.push_str("; no arrivals data so far."),
    }
    if !c.reference.is_empty() {
        let parts: Vec<String> = c
            .reference
            .iter()
            .map(|(y, v)| format!("{} in {y}", fmt_count(*v)))
            .collect();
        s.push_str(&format!(" Earlier totals: {}.", parts.join(", ")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::check_text_layout;
    use crate::charts::{Chart, wide};

    fn fixture() -> ProjectionRange {
        ProjectionRange {
            name: "projection".into(),
            title: "2026 is on course for 33,000 to 44,000".into(),
            subtitle: "Cumulative people arrived, and projected total".into(),
            source: "Source: Home Office".into(),
            year: 2026,
            days_in_year: 365,
            so_far: vec![(1, 10), (60, 1500), (120, 5000), (180, 10000), (232, 15897)],
            low: 33000.0,
            central: 38500.0,
            high: 44000.0,
            reference: vec![(2024, 36816), (2025, 41472)],
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
            "Projected total for 2026: between 33,000 and 44,000, with a central estimate of 38,500, from 15,897 people arrived by 20 August (day 232). Earlier totals: 41,472 in 2025, 36,816 in 2024."
        );
    }

    #[test]
    fn csv_holds_range_and_references() {
        let c = wide(&fixture());
        let lines: Vec<&str> = c.csv.lines().collect();
        assert_eq!(lines[0], "series,year,day_of_year,date,people");
        assert!(lines.contains(&"so_far,2026,232,2026-08-20,15897"));
        assert!(lines.contains(&"low,2026,365,2026-12-31,33000"));
        assert!(lines.contains(&"central,2026,365,2026-12-31,38500"));
        assert!(lines.contains(&"high,2026,365,2026-12-31,44000"));
        assert!(lines.contains(&"total,2024,366,2024-12-31,36816"));
    }

    #[test]
    fn svg_labels_and_determinism() {
        let a = wide(&fixture());
        assert_eq!(a.svg, wide(&fixture()).svg);
        for l in [
            "High 44,000",
            "Central 38,500",
            "Low 33,000",
            "2025: 41,472",
            "15,897 by 20 Aug",
        ] {
            assert!(a.svg.contains(&format!(">{l}</text>")), "{l}");
        }
    }

    #[test]
    fn rounding() {
        assert_eq!(round_projection(38_512.4), 38_512.0);
        assert_eq!(round_projection(30_334.0), 30_334.0);
        assert_eq!(round_projection(12.5), 13.0);
    }

    #[test]
    fn close_range_labels_are_nudged_apart() {
        let mut f = fixture();
        f.low = 38_400.0;
        f.high = 38_600.0;
        let svg = wide(&f).svg;
        let y = |l: &str| -> i32 {
            let end = svg.find(&format!(">{l}</text>")).unwrap_or(0);
            let start = svg[..end].rfind("<text").unwrap_or(0);
            svg[start..end]
                .split(" y=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
        };
        let (h, c, l) = (y("High 38,600"), y("Central 38,500"), y("Low 38,400"));
        assert!(c - h >= 16 && l - c >= 16, "{h} {c} {l}");
    }

    #[test]
    fn tiny_inputs_do_not_panic() {
        let mut f = fixture();
        f.so_far = vec![];
        assert!(wide(&f).svg.contains("No data"));
        f.so_far = vec![(1, 0)];
        f.low = f64::NAN;
        let c = wide(&f);
        assert!(c.description.starts_with("No projection for 2026"));
        f.days_in_year = 0;
        f.low = 0.0;
        f.central = 0.0;
        f.high = 0.0;
        f.reference = vec![];
        let _ = wide(&f);
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
        let mut wide_range = fixture();
        wide_range.low = 3_034.0;
        wide_range.high = 130_334.0;
        wide_range.reference = vec![(2022, 45755), (2023, 29437), (2024, 36816), (2025, 41472)];
        let mut close = fixture();
        close.low = 38_400.0;
        close.high = 38_600.0;
        let mut early = fixture();
        early.so_far = vec![(1, 10), (20, 900)];
        let mut empty = fixture();
        empty.so_far.clear();
        for input in [fixture(), wide_range, close, early, empty] {
            for theme in [Theme::default(), Theme::narrow()] {
                let c = Chart::of(&input, &theme);
                if let Err(e) = check_text_layout(&c.svg) {
                    panic!("{:?} at {}: {e}", input.so_far.last(), theme.width);
                }
            }
        }
        let n = Chart::of(&fixture(), &Theme::narrow()).svg;
        for l in ["High 44,000", "38,500", "Low 33,000", "15,897 by 20 Aug"] {
            assert!(n.contains(&format!(">{l}</text>")), "{l}");
        }
    }
}
