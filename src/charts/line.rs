//! Lines over time: one or more series of a table by date, the first
//! strong in the accent colour and the others muted, each labelled at its
//! end with its last value; years along the bottom (months for a short
//! span), the value axis fitted to the data rather than from zero, since a
//! line is read by its shape.

use jiff::civil::Date;

use super::draw::{
    Area, EndLabel, end_labels, line, no_data, render, source_block, text, x_labels, y_grid,
};
use super::labels::SourceLine;
use super::pilot::{day_number, month_labels};
use super::scale::{Plot, Scale, nice_ticks, plot_rect};
use super::style::{Anchor, text_width};
use super::{Cells, ChartInput, Drawing, PolylineCache, Table, Theme};
use crate::text::{fmt_num, long_date, plain_num};

/// Input for a line chart: named series of (date, value).
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    /// The drawings' name.
    pub name: String,
    /// The finding, stated as a title.
    pub title: String,
    /// Measure, units and period.
    pub subtitle: String,
    /// Source line, drawn at the bottom.
    pub source: SourceLine,
    /// What the values measure, with their unit: the axis label.
    pub value_label: String,
    /// What the dates are ("Month"): the first column's header.
    pub date_label: String,
    /// Each series' name and points, the first the one picked out.
    pub series: Vec<(String, Vec<(Date, f64)>)>,
    /// Decimals the values are printed with.
    pub decimals: u8,
}

impl ChartInput for Lines {
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
        let series = clean(self);
        let description = describe(self, &series);
        let svg = render(
            theme,
            (&self.name, &self.title, &self.subtitle),
            &description,
            |area| draw(area, theme, self, &series),
        );
        Drawing { description, svg }
    }

    fn data(&self) -> (String, Table) {
        let series = clean(self);
        let mut dates: Vec<Date> = series
            .iter()
            .flat_map(|(_, s)| s.iter().map(|p| p.0))
            .collect();
        dates.sort();
        dates.dedup();
        let date_label = if self.date_label.trim().is_empty() {
            "date"
        } else {
            &self.date_label
        };
        let header: Vec<&str> = std::iter::once(date_label)
            .chain(series.iter().map(|(n, _)| n.as_str()))
            .collect();
        // Every value with as many decimals as the most precise needs (up
        // to one more than the chart prints), so that a column lines up:
        // 368.00 beside 368.88, not 368.
        let most = self.decimals.max(1) + 1;
        let places = series
            .iter()
            .flat_map(|(_, s)| s.iter())
            .map(|p| {
                let text = plain_num(p.1, most);
                text.split_once('.').map_or(0, |(_, f)| f.len() as u8)
            })
            .max()
            .unwrap_or(0);
        let row = |d: &Date| -> Vec<String> {
            std::iter::once(d.to_string())
                .chain(series.iter().map(|(_, s)| {
                    s.iter()
                        .find(|p| p.0 == *d)
                        .map_or(String::new(), |p| format!("{:.*}", places as usize, p.1))
                }))
                .collect()
        };
        let csv = Table::new(&header, dates.iter().map(row).collect()).to_csv();
        // A page shows at most a row a year (each year's last date) when
        // the data has more than five dozen rows.
        let shown: Vec<Date> = if dates.len() > 60 {
            dates
                .iter()
                .enumerate()
                .filter(|(i, d)| dates.get(i + 1).is_none_or(|n| n.year() != d.year()))
                .map(|(_, d)| *d)
                .collect()
        } else {
            dates.clone()
        };
        let values = match places {
            0 => Cells::Count,
            p => Cells::Decimal(p),
        };
        let when = match Period::of(&dates) {
            Period::Year => Cells::YearStart,
            Period::Month => Cells::Month,
            Period::Day => Cells::Day,
        };
        let columns: Vec<(&str, Cells)> = std::iter::once((date_label, when))
            .chain(series.iter().map(|(n, _)| (n.as_str(), values)))
            .collect();
        let mut table = Table::new(&header, shown.iter().map(row).collect()).showing(&columns);
        if shown.len() < dates.len() {
            table.note = Some(format!(
                "The table shows each year’s last row, {} of the {} rows; the CSV has them all.",
                shown.len(),
                dates.len()
            ));
        }
        (csv, table)
    }
}

/// The series with their points in date order and only finite values.
fn clean(input: &Lines) -> Vec<(String, Vec<(Date, f64)>)> {
    input
        .series
        .iter()
        .map(|(name, points)| {
            let mut points: Vec<(Date, f64)> =
                points.iter().copied().filter(|p| p.1.is_finite()).collect();
            points.sort_by_key(|p| p.0);
            (name.clone(), points)
        })
        .collect()
}

/// "CO₂: 315.7 in March 1958 and 414.1 in May 2020; the highest was …".
fn describe(input: &Lines, series: &[(String, Vec<(Date, f64)>)]) -> String {
    let f = |v: f64| fmt_num(v, input.decimals);
    // Monthly and yearly data are named by their month or year.
    let dates: Vec<Date> = series
        .iter()
        .flat_map(|(_, s)| s.iter().map(|p| p.0))
        .collect();
    let period = Period::of(&dates);
    let at = |d: Date| match period {
        Period::Day => format!("on {}", long_date(d)),
        _ => format!("in {}", period.name(d)),
    };
    let mut parts = Vec::new();
    for (name, points) in series {
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            parts.push(format!("{name}: no data."));
            continue;
        };
        let max = points
            .iter()
            .copied()
            .fold(*first, |a, p| if p.1 > a.1 { p } else { a });
        let min = points
            .iter()
            .copied()
            .fold(*first, |a, p| if p.1 < a.1 { p } else { a });
        let mut s = format!(
            "{name}: {} {} and {} {}",
            f(first.1),
            at(first.0),
            f(last.1),
            at(last.0)
        );
        if points.len() > 2 {
            s.push_str(&format!(
                "; the highest was {} {}, the lowest {} {}",
                f(max.1),
                at(max.0),
                f(min.1),
                at(min.0)
            ));
        }
        s.push('.');
        parts.push(s);
    }
    parts.join(" ")
}

fn draw(area: &Area, theme: &Theme, input: &Lines, series: &[(String, Vec<(Date, f64)>)]) {
    source_block(area, theme, &input.source);
    let label_style = theme.font(theme.tick_size, theme.muted_text, Anchor::Start, false);
    if !input.value_label.is_empty() {
        text(area, &input.value_label, (8, 12), &label_style);
    }
    let top = theme.margin_top + 12;
    let points = || series.iter().flat_map(|(_, s)| s.iter());
    let (Some(first), Some(last)) = (points().map(|p| p.0).min(), points().map(|p| p.0).max())
    else {
        let mut plot = plot_rect(theme, &input.source, theme.margin_left, 24);
        plot.top = top;
        no_data(area, theme, plot);
        return;
    };
    let lo = points().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = points().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.05).max(hi.abs() * 0.01).max(1e-9);
    // Values that are never negative keep an axis that is never negative:
    // the padding below a small value does not reach under zero.
    let floor = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    let (ticks, tick_dec) = nice_ticks(floor, hi + pad, theme.y_ticks);
    let (d0, d1) = (
        ticks.first().copied().unwrap_or(lo),
        ticks.last().copied().unwrap_or(hi),
    );
    let tick_labels: Vec<(f64, String)> =
        ticks.iter().map(|t| (*t, fmt_num(*t, tick_dec))).collect();
    let left = theme.y_label_room(&tick_labels);
    let ends: Vec<(i32, String)> = series
        .iter()
        .map(|(name, s)| {
            (
                0,
                end_text(name, s.last().map_or(0.0, |p| p.1), input, theme),
            )
        })
        .collect();
    let right = ends
        .iter()
        .map(|(_, t)| {
            t.lines()
                .map(|l| text_width(l, theme.label_size) * 11 / 10)
                .max()
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
        + theme.label_gap
        + 8;
    let mut plot = plot_rect(theme, &input.source, left, right.max(24));
    plot.top = top;
    let (t0, t1) = (
        day_number(first) as f64,
        (day_number(last) as f64).max(day_number(first) as f64 + 1.0),
    );
    let xs = Scale::new(t0, t1, plot.left, plot.right);
    let ys = Scale::new(d0, d1, plot.bottom, plot.top);
    y_grid(area, theme, plot, &ys, &tick_labels);
    line(
        area,
        &[(plot.left, plot.bottom), (plot.right, plot.bottom)],
        theme.baseline,
        1,
    );
    if last.year() - first.year() >= 3 {
        year_labels(area, theme, plot, &xs, (first, last));
    } else {
        month_labels(area, theme, plot, &xs, (first, last));
    }
    let mut labels = Vec::new();
    // The one picked out first, wide, and the others on top of it, thin:
    // a smooth line over a jagged one stays visible.
    for (k, (name, s)) in series.iter().enumerate() {
        let pts: Vec<(i32, i32)> = s
            .iter()
            .map(|(d, v)| (xs.px(day_number(*d) as f64), ys.px(*v)))
            .collect();
        let strong = k == 0;
        let (color, width) = if strong {
            (theme.accent, theme.strong_width)
        } else if k == 1 {
            (theme.accent2, theme.muted_width)
        } else {
            (theme.muted, theme.muted_width)
        };
        line(area, &pts, color, width);
        if let (Some(end), Some(last)) = (pts.last(), s.last()) {
            labels.push(EndLabel {
                x: end.0 + 2,
                y: end.1,
                text: end_text(name, last.1, input, theme),
                color: if strong {
                    theme.accent
                } else if k == 1 {
                    theme.accent2
                } else {
                    theme.muted_text
                },
                bold: strong,
            });
        }
    }
    end_labels(area, theme, plot, &labels);
}

/// A series' end label: its last value, after its name when there are
/// several series ("CO₂ 414.1"); on a narrow chart on two lines.
fn end_text(name: &str, value: f64, input: &Lines, theme: &Theme) -> String {
    let v = fmt_num(value, input.decimals);
    if input.series.len() == 1 {
        v
    } else if theme.is_narrow() {
        format!("{}\n{v}", wrap_words(name, 12))
    } else {
        format!("{name} {v}")
    }
}

/// `name` on lines of at most `width` characters, broken between words
/// (a word longer than that has a line of its own).
fn wrap_words(name: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in name.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines.join("\n")
}

/// Years along the bottom: a tick each `step` years (1, 2, 5, 10, 20, 25
/// or 50), as few as keep the labels apart.
fn year_labels(area: &Area, theme: &Theme, plot: Plot, xs: &Scale, (first, last): (Date, Date)) {
    let label_w = text_width("2020", theme.tick_size) + 16;
    let years = f64::from(last.year() - first.year()).max(1.0);
    let px_per_year = f64::from(plot.right - plot.left) / years;
    let step = [1, 2, 5, 10, 20, 25, 50]
        .into_iter()
        .find(|s| px_per_year * f64::from(*s) >= f64::from(label_w))
        .unwrap_or(100);
    let mut ticks = Vec::new();
    let mut y = (first.year() / step + 1) * step;
    if Date::new(first.year(), 1, 1).ok() == Some(first) && first.year() % step == 0 {
        y = first.year();
    }
    while y <= last.year() {
        if let Ok(d) = Date::new(y, 1, 1) {
            ticks.push((xs.px(day_number(d) as f64), y.to_string()));
        }
        y += step;
    }
    x_labels(area, theme, plot, &ticks, true);
}

/// How often a series' dates fall: a series dated on the 1st of each month
/// (or of each January) is monthly (or yearly) data, and says so as
/// "March 1958" (or "2001") rather than as the 1st.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Every date a 1 January.
    Year,
    /// Every date the 1st of a month.
    Month,
    /// Any other dates.
    Day,
}

impl Period {
    /// The period of `dates`.
    pub fn of(dates: &[Date]) -> Period {
        if dates.iter().all(|d| d.day() == 1 && d.month() == 1) {
            Period::Year
        } else if dates.iter().all(|d| d.day() == 1) {
            Period::Month
        } else {
            Period::Day
        }
    }

    /// `d` as this period names it: `2001`, `March 1958`, `21 August 2026`.
    pub fn name(self, d: Date) -> String {
        match self {
            Period::Year => d.year().to_string(),
            Period::Month => d.strftime("%B %Y").to_string(),
            Period::Day => crate::text::long_date(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::check_text_layout;

    fn monthly(from: i16, to: i16, f: impl Fn(i16, i8) -> f64) -> Vec<(Date, f64)> {
        let mut out = Vec::new();
        for y in from..=to {
            for m in 1..=12 {
                out.push((Date::new(y, m, 1).unwrap(), f(y, m)));
            }
        }
        out
    }

    fn fixture() -> Lines {
        Lines {
            name: "line-co2".into(),
            title: "CO₂ rose".into(),
            subtitle: "ppm".into(),
            source: "Source: NOAA Global Monitoring Laboratory, Mauna Loa CO2 monthly mean (released 5 June 2020)".into(),
            value_label: "CO₂ concentration (ppm)".into(),
            date_label: "date".into(),
            series: vec![(
                "CO₂".into(),
                monthly(1958, 2019, |y, m| 315.0 + f64::from(y - 1958) * 1.6 + f64::from(m % 6)),
            )],
            decimals: 1,
        }
    }

    #[test]
    fn labels_fit_and_keep_apart_at_both_widths() {
        for theme in [Theme::default(), Theme::narrow()] {
            for input in [
                fixture(),
                {
                    let mut two = fixture();
                    two.series.push((
                        "Seasonally adjusted".into(),
                        monthly(1958, 2019, |y, _| 317.0 + f64::from(y - 1958) * 1.6),
                    ));
                    two
                },
                {
                    let mut short = fixture();
                    short.series[0].1.truncate(20);
                    short
                },
            ] {
                let d = input.draw(&theme, &PolylineCache::default());
                check_text_layout(&d.svg)
                    .unwrap_or_else(|e| panic!("{} wide {}: {e}", input.series.len(), theme.width));
            }
        }
    }

    #[test]
    fn dates_on_the_first_of_each_month_or_january_are_named_by_month_or_year() {
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        let years = [d(2001, 1, 1), d(2002, 1, 1)];
        let months = [d(2001, 1, 1), d(2001, 2, 1)];
        let days = [d(2001, 1, 1), d(2001, 1, 2)];
        assert_eq!(Period::of(&years), Period::Year);
        assert_eq!(Period::of(&months), Period::Month);
        assert_eq!(Period::of(&days), Period::Day);
        assert_eq!(Period::Year.name(d(2001, 1, 1)), "2001");
        assert_eq!(Period::Month.name(d(1958, 3, 1)), "March 1958");
        assert_eq!(Period::Day.name(d(2026, 8, 21)), "21 August 2026");
    }

    #[test]
    fn the_description_and_data_come_from_the_points() {
        let input = fixture();
        let d = input.draw(&Theme::default(), &PolylineCache::default());
        assert!(
            d.description
                == ("CO₂: 316.0 in January 1958 and 412.6 in December 2019; the highest was 417.6 in May 2019, the lowest 315.0 in June 1958."),
            "{}",
            d.description
        );
        let (csv, table) = input.data();
        assert!(
            csv.starts_with("date,CO₂\n1958-01-01,316.0\n1958-02-01,317.0\n"),
            "{}",
            &csv[..60]
        );
        assert_eq!(csv.lines().count(), 1 + 62 * 12);
        assert_eq!(table.rows.len(), 62, "a row a year on the page");
        assert_eq!(table.rows[0][0], "1958-12-01");
        assert!(d.svg.contains(">412.6</text>"), "the end label");
        assert!(d.svg.contains(">1960</text>") && d.svg.contains(">2010</text>"));
    }
}
