//! Vertical bars, one per year, with the value printed above each bar.

use super::draw::{Area, line, no_data, rect, render, source_block, text, x_labels, y_grid};
use super::labels::SourceLine;
use super::scale::{Plot, Scale, count_ticks, nice_ticks, plot_rect};
use super::style::{Anchor, text_width};
use super::{Cells, ChartInput, Drawing, PolylineCache, Table, Theme};
use crate::text::{fmt_num, plain_num};

/// Input for annual bars: one bar per year.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualBars {
    /// File stem, e.g. `annual-arrivals`.
    pub name: String,
    /// The finding, stated as a title.
    pub title: String,
    /// Measure, units and as-of date.
    pub subtitle: String,
    /// Source line, drawn at the bottom of the SVG.
    pub source: SourceLine,
    /// What the bars measure, e.g. "People arrived"; the y-axis label.
    pub value_label: String,
    /// (year, value), drawn in year order.
    pub bars: Vec<(i16, f64)>,
    /// Decimals for values: 0 for counts, 1 for people per boat.
    pub decimals: u8,
}

/// The bars drawn, in year order, and the decimals of their values.
fn clean(input: &AnnualBars) -> (Vec<(i16, f64)>, u8) {
    let mut bars: Vec<(i16, f64)> = input
        .bars
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    bars.sort_by_key(|(y, _)| *y);
    (bars, input.decimals.min(3))
}

fn svg(
    input: &AnnualBars,
    theme: &Theme,
    bars: &[(i16, f64)],
    decimals: u8,
    description: &str,
) -> String {
    render(
        theme,
        (&input.name, &input.title, &input.subtitle),
        description,
        |area| draw(area, theme, input, bars, decimals),
    )
}

/// One bar per year, with the value printed above each bar.
impl ChartInput for AnnualBars {
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
        let (bars, decimals) = clean(self);
        let description = describe(&self.value_label, &bars, decimals);
        let svg = svg(self, theme, &bars, decimals, &description);
        Drawing { description, svg }
    }

    fn data(&self) -> (String, Table) {
        let (bars, decimals) = clean(self);
        let rows: Vec<Vec<String>> = bars
            .iter()
            .map(|(y, v)| vec![y.to_string(), plain_num(*v, decimals.max(1) + 1)])
            .collect();
        let header = if self.value_label.trim().is_empty() {
            "value".to_string()
        } else {
            self.value_label.clone()
        };
        let table = Table::new(&["year", &header], rows);
        let values = match decimals {
            0 => Cells::Count,
            d => Cells::Decimal(d),
        };
        let shown = table
            .clone()
            .showing(&[("Year", Cells::Year), (&header, values)]);
        (table.to_csv(), shown)
    }
}

fn draw(area: &Area, theme: &Theme, input: &AnnualBars, bars: &[(i16, f64)], decimals: u8) {
    source_block(area, theme, &input.source);
    let label_style = theme.font(theme.tick_size, theme.muted_text, Anchor::Start, false);
    if !input.value_label.is_empty() {
        text(area, &input.value_label, (8, 12), &label_style);
    }
    let top = theme.margin_top + 12;
    if bars.is_empty() {
        let mut plot = plot_rect(theme, &input.source, theme.margin_left, 24);
        plot.top = top;
        no_data(area, theme, plot);
        return;
    }
    let (plot, ys) = value_axis(area, theme, input, bars, decimals, top);
    let slots = Slots::new(plot, bars.len());
    draw_bars(area, theme, plot, &ys, &slots, bars);
    let labels: Vec<String> = bars.iter().map(|(_, v)| fmt_num(*v, decimals)).collect();
    let show = value_labels_shown(theme, plot, &slots, &labels, argmax(bars));
    let px = theme.label_size;
    let style = theme.font(px, theme.text, Anchor::Middle, false);
    for (i, (_, v)) in bars.iter().enumerate() {
        if !show[i] {
            continue;
        }
        let y = ys.px(*v);
        let ly = if *v >= 0.0 {
            y - 4 - px as i32 / 2
        } else {
            y + 4 + px as i32 / 2
        };
        text(area, &labels[i], (slots.centre(i), ly), &style);
    }
    year_labels(area, theme, plot, &slots, bars);
}

/// Where the bars stand: a slot each, side by side across the plot.
struct Slots {
    left: i32,
    /// The width of one slot.
    slot: f64,
}

impl Slots {
    fn new(plot: Plot, bars: usize) -> Slots {
        let width = plot.right - plot.left;
        Slots {
            left: plot.left,
            slot: width as f64 / bars as f64,
        }
    }

    /// The middle of bar `i`, in pixels.
    fn centre(&self, i: usize) -> i32 {
        self.left + (self.slot * (i as f64 + 0.5)).round() as i32
    }
}

/// Lays out the value axis from zero (or the lowest bar) to above the
/// highest bar and draws its grid: the plot and its vertical scale.
fn value_axis(
    area: &Area,
    theme: &Theme,
    input: &AnnualBars,
    bars: &[(i16, f64)],
    decimals: u8,
    top: i32,
) -> (Plot, Scale) {
    let lo = bars.iter().map(|b| b.1).fold(0.0, f64::min);
    let hi = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let room = hi + (hi - lo) * 0.08;
    let (ticks, tick_dec) = if decimals == 0 {
        (count_ticks(lo, room, theme.y_ticks), 0)
    } else {
        nice_ticks(lo, room, theme.y_ticks)
    };
    let (ticks, d1) = theme.axis_top(ticks, room);
    let d0 = ticks.first().copied().unwrap_or(0.0);
    let tick_labels: Vec<(f64, String)> =
        ticks.iter().map(|t| (*t, fmt_num(*t, tick_dec))).collect();
    let left = theme.y_label_room(&tick_labels);
    let mut plot = plot_rect(theme, &input.source, left, 24);
    plot.top = top;
    let ys = Scale::new(d0, d1, plot.bottom, plot.top);
    y_grid(area, theme, plot, &ys, &tick_labels);
    (plot, ys)
}

/// The bars, from zero up (or down), and the zero line.
fn draw_bars(
    area: &Area,
    theme: &Theme,
    plot: Plot,
    ys: &Scale,
    slots: &Slots,
    bars: &[(i16, f64)],
) {
    let bar_w = ((slots.slot * 0.68).round() as i32).clamp(1, 90);
    let zero = ys.px(0.0);
    for (i, (_, v)) in bars.iter().enumerate() {
        let x = slots.centre(i);
        let y = ys.px(*v);
        let (a, b) = if y <= zero { (y, zero) } else { (zero, y) };
        if b > a {
            rect(
                area,
                (x - bar_w / 2, a),
                (x - bar_w / 2 + bar_w, b),
                theme.bar,
            );
        }
    }
    line(
        area,
        &[(plot.left, zero), (plot.right, zero)],
        theme.baseline,
        1,
    );
}

/// Which value labels to print: every one when all fit, else the last,
/// the peak and the first, those of them that fit.
fn value_labels_shown(
    theme: &Theme,
    plot: Plot,
    slots: &Slots,
    labels: &[String],
    peak: usize,
) -> Vec<bool> {
    let px = theme.label_size;
    let n = labels.len();
    let centre = |i: usize| slots.centre(i);
    let all_fit = (0..n).all(|i| {
        let w = text_width(&labels[i], px);
        let x0 = centre(i) - w / 2;
        let next = (i + 1 < n).then(|| centre(i + 1) - text_width(&labels[i + 1], px) / 2);
        x0 >= plot.left && x0 + w <= theme.width as i32 - 4 && next.is_none_or(|n| x0 + w + 4 <= n)
    });
    let mut order: Vec<usize> = vec![n - 1, peak, 0];
    if all_fit {
        order.extend(0..n);
    }
    let mut kept: Vec<(i32, i32)> = Vec::new();
    let mut show = vec![false; n];
    for i in order {
        if show[i] {
            continue;
        }
        let w = text_width(&labels[i], px);
        let x0 = centre(i) - w / 2;
        let x1 = x0 + w;
        // Within the plot's left edge (clear of the y labels) and the
        // chart's right edge, and clear of the labels already kept.
        let inside = x0 >= plot.left && x1 <= theme.width as i32 - 4;
        if inside && kept.iter().all(|(a, b)| x1 + 4 <= *a || *b + 4 <= x0) {
            kept.push((x0, x1));
            show[i] = true;
        }
    }
    show
}

/// Year labels: in full when every one fits; on a narrow chart, else
/// shortened to ’25 when every one of those fits; else in full, thinned.
fn year_labels(area: &Area, theme: &Theme, plot: Plot, slots: &Slots, bars: &[(i16, f64)]) {
    let full = |y: i16| y.to_string();
    let short = |y: i16| {
        if (1000..10000).contains(&y) {
            format!("\u{2019}{:02}", y % 100)
        } else {
            y.to_string()
        }
    };
    let every_for = |f: &dyn Fn(i16) -> String| {
        let w = bars
            .iter()
            .map(|(y, _)| text_width(&f(*y), theme.tick_size))
            .max()
            .unwrap_or(0)
            + 8;
        ((w as f64 / slots.slot.max(1.0)).ceil() as usize).max(1)
    };
    let (every, name): (usize, &dyn Fn(i16) -> String) = if every_for(&full) == 1 {
        (1, &full)
    } else if theme.is_narrow() && every_for(&short) == 1 {
        (1, &short)
    } else {
        (every_for(&full), &full)
    };
    let last = bars.len() - 1;
    let xt: Vec<(i32, String)> = bars
        .iter()
        .enumerate()
        .filter(|(i, _)| (last - i).is_multiple_of(every))
        .map(|(i, (y, _))| (slots.centre(i), name(*y)))
        .collect();
    x_labels(area, theme, plot, &xt, false);
}

fn argmax(bars: &[(i16, f64)]) -> usize {
    let mut best = 0;
    for (i, (_, v)) in bars.iter().enumerate() {
        if *v > bars[best].1 {
            best = i;
        }
    }
    best
}

/// "People arrived: 299 in 2018, rising to a peak of 45,755 in 2022,
/// falling to 29,437 in 2023, and 41,472 in 2025."
fn describe(label: &str, bars: &[(i16, f64)], decimals: u8) -> String {
    let label = if label.trim().is_empty() {
        "Values"
    } else {
        label.trim()
    };
    let f = |i: usize| format!("{} in {}", fmt_num(bars[i].1, decimals), bars[i].0);
    let n = bars.len();
    if n == 0 {
        return format!("{label}: no data.");
    }
    if n == 1 {
        return format!("{label}: {}.", f(0));
    }
    let first_v = fmt_num(bars[0].1, decimals);
    if bars.iter().all(|b| fmt_num(b.1, decimals) == first_v) {
        return format!(
            "{label}: {first_v} in every year from {} to {}.",
            bars[0].0,
            bars[n - 1].0
        );
    }
    let last = n - 1;
    let peak = argmax(bars);
    let mut s = format!("{label}: {}", f(0));
    if peak == 0 {
        s.push_str(", the highest in the period");
    } else {
        s.push_str(&format!(", rising to a peak of {}", f(peak)));
    }
    // Lowest after the peak (first occurrence).
    let mut low: Option<usize> = None;
    for i in (peak + 1)..n {
        if low.is_none_or(|l| bars[i].1 < bars[l].1) {
            low = Some(i);
        }
    }
    if let Some(l) = low
        && bars[l].1 < bars[peak].1
    {
        if l == last {
            s.push_str(&format!(", and falling to {}", f(l)));
            s.push('.');
            return s;
        }
        s.push_str(&format!(", falling to {}", f(l)));
    }
    if last != peak && last != 0 {
        s.push_str(&format!(", and {}", f(last)));
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::check_text_layout;
    use crate::charts::{Chart, wide};

    fn fixture(bars: Vec<(i16, f64)>) -> AnnualBars {
        AnnualBars {
            name: "annual-arrivals".into(),
            title: "Arrivals in 2025 were the second highest on record".into(),
            subtitle: "People detected crossing in small boats, by year".into(),
            source: "Source: Home Office, Migrants detected crossing the English Channel in small boats, released 21 August 2026".into(),
            value_label: "People arrived".into(),
            bars,
            decimals: 0,
        }
    }

    fn real() -> AnnualBars {
        fixture(crate::charts::preview::ANNUAL.to_vec())
    }

    #[test]
    fn a_drawing_is_the_chart_without_its_data() {
        let input = fixture(vec![(2024, 36816.0), (2023, 29437.0), (2025, f64::NAN)]);
        for theme in [Theme::default(), Theme::narrow()] {
            let mut chart = Chart::of(&input, &theme);
            assert!(!chart.csv.is_empty() && !chart.table.is_empty());
            (chart.csv, chart.table) = (String::new(), Table::default());
            assert_eq!(
                Chart::drawing(&input, &theme, &PolylineCache::default()),
                chart
            );
        }
    }

    #[test]
    fn description_from_data() {
        let c = wide(&real());
        assert_eq!(
            c.description,
            "People arrived: 299 in 2018, rising to a peak of 45,755 in 2022, falling to 29,437 in 2023, and 41,472 in 2025."
        );
    }

    #[test]
    fn description_edge_cases() {
        assert_eq!(describe("X", &[], 0), "X: no data.");
        assert_eq!(describe("X", &[(2020, 5.0)], 0), "X: 5 in 2020.");
        assert_eq!(
            describe("X", &[(2020, 5.0), (2021, 5.0)], 0),
            "X: 5 in every year from 2020 to 2021."
        );
        assert_eq!(
            describe("X", &[(2020, 9.0), (2021, 5.0)], 0),
            "X: 9 in 2020, the highest in the period, and falling to 5 in 2021."
        );
        assert_eq!(
            describe("X", &[(2020, 1.0), (2021, 5.0)], 0),
            "X: 1 in 2020, rising to a peak of 5 in 2021."
        );
        assert_eq!(
            describe("People per boat", &[(2020, 13.24), (2021, 52.44)], 1),
            "People per boat: 13.2 in 2020, rising to a peak of 52.4 in 2021."
        );
    }

    #[test]
    fn csv_holds_plain_numbers() {
        let c = wide(&real());
        let lines: Vec<&str> = c.csv.lines().collect();
        assert_eq!(lines[0], "year,People arrived");
        assert_eq!(lines[1], "2018,299");
        assert_eq!(lines[5], "2022,45755");
        assert_eq!(lines.len(), 9);
    }

    #[test]
    fn svg_has_values_with_separators_and_is_deterministic() {
        let a = wide(&real());
        let b = wide(&real());
        assert_eq!(a.svg, b.svg);
        assert!(a.svg.contains(">45,755</text>"));
        assert!(a.svg.contains(">2025</text>"));
        assert!(a.svg.contains("viewBox=\"0 0 800 450\""));
        assert!(!a.svg.contains("No data"));
    }

    #[test]
    fn tiny_inputs_do_not_panic() {
        let c = wide(&fixture(vec![]));
        assert!(c.svg.contains("No data"));
        let c = wide(&fixture(vec![(2020, 0.0)]));
        assert!(c.svg.contains("2020"));
        let c = wide(&fixture(vec![(2020, 0.0), (2021, 0.0)]));
        assert!(c.description.contains("0 in every year"));
        assert!(!c.svg.contains(">0.2</text>"));
        assert_eq!(c.svg.matches(">1</text>").count(), 1);
        let c = wide(&fixture(vec![(2020, f64::NAN)]));
        assert!(c.svg.contains("No data"));
        let many: Vec<(i16, f64)> = (1990..2030).map(|y| (y, (y as f64) * 1000.0)).collect();
        let c = wide(&fixture(many));
        assert!(c.svg.contains("2029"));
    }

    fn snapshot_fixture() -> AnnualBars {
        fixture(vec![(2023, 100.0), (2024, 2500.0), (2025, 1200.0)])
    }

    #[test]
    fn snapshot() {
        let c = wide(&snapshot_fixture());
        insta::assert_snapshot!(c.svg);
    }

    #[test]
    fn snapshot_narrow() {
        let c = Chart::of(&snapshot_fixture(), &Theme::narrow());
        insta::assert_snapshot!(c.svg);
    }

    fn per_boat() -> AnnualBars {
        let mut f = fixture(vec![
            (2019, 11.0),
            (2020, 13.3),
            (2021, 27.5),
            (2022, 41.3),
            (2023, 49.0),
            (2024, 52.8),
            (2025, 61.2),
        ]);
        f.value_label = "People per boat".into();
        f.decimals = 1;
        f
    }

    #[test]
    fn texts_fit_and_do_not_overlap() {
        let mut nine = real();
        nine.bars.push((2026, 15897.0));
        let many: Vec<(i16, f64)> = (1990..2030).map(|y| (y, (y as f64) * 1000.0)).collect();
        for input in [
            snapshot_fixture(),
            real(),
            nine,
            per_boat(),
            fixture(many),
            fixture(vec![]),
        ] {
            for theme in [Theme::default(), Theme::narrow()] {
                let c = Chart::of(&input, &theme);
                if let Err(e) = check_text_layout(&c.svg) {
                    panic!("{} at {}: {e}", input.bars.len(), theme.width);
                }
            }
        }
    }

    #[test]
    fn narrow_is_a_separate_drawing() {
        let c = Chart::of(&real(), &Theme::narrow());
        assert_eq!(c.description, wide(&real()).description);
        assert_eq!(c.csv, wide(&real()).csv);
        assert!(c.svg.contains("viewBox=\"0 0 360 420\""));
        assert!(c.svg.contains("id=\"chart-annual-arrivals-narrow\""));
        assert!(c.svg.contains(">45,755</text>"));
    }
}
