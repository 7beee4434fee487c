//! Horizontal bars, one per category (a region, a sector, a route), in the
//! table's order: the category's name on the left, where a long name reads
//! whole, and its value at the bar's end, so that no axis is needed. The
//! largest bar is picked out in the accent colour.

use super::draw::{Area, line, no_data, rect, render, source_block, text};
use super::labels::SourceLine;
#[cfg(test)]
use super::scale::Plot;
use super::scale::{Scale, plot_rect};
use super::style::{Anchor, text_width};
use super::{Cells, ChartInput, Drawing, PolylineCache, Table, Theme};
use crate::text::{fmt_num, plain_num};

/// Input for bars over categories: one bar per category.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryBars {
    /// The drawings' name.
    pub name: String,
    /// The finding, stated as a title.
    pub title: String,
    /// Measure, units and what the categories are.
    pub subtitle: String,
    /// Source line, drawn at the bottom.
    pub source: SourceLine,
    /// What the categories are ("Region"): the first column's header.
    pub category_label: String,
    /// What the bars measure, with the unit ("People (thousands)").
    pub value_label: String,
    /// (category, value), drawn top to bottom in this order.
    pub bars: Vec<(String, f64)>,
    /// Decimals the values are printed with.
    pub decimals: u8,
}

/// The most bars a chart draws: beyond it, a bar is thinner than its label.
pub const MAX_CATEGORIES: usize = 16;

impl ChartInput for CategoryBars {
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
        let bars = clean(self);
        let description = describe(self, &bars);
        let svg = render(
            theme,
            (&self.name, &self.title, &self.subtitle),
            &description,
            |area| draw(area, theme, self, &bars),
        );
        Drawing { description, svg }
    }

    fn data(&self) -> (String, Table) {
        let bars = clean(self);
        let rows = bars
            .iter()
            .map(|(c, v)| vec![c.clone(), plain_num(*v, self.decimals.max(1) + 1)])
            .collect();
        let header = |s: &str, or: &str| {
            if s.trim().is_empty() {
                or.to_string()
            } else {
                s.to_string()
            }
        };
        let (name, value) = (
            header(&self.category_label, "category"),
            header(&self.value_label, "value"),
        );
        let table = Table::new(&[&name, &value], rows);
        let values = match self.decimals {
            0 => Cells::Count,
            d => Cells::Decimal(d),
        };
        let shown = table
            .clone()
            .showing(&[(&name, Cells::Text), (&value, values)]);
        (table.to_csv(), shown)
    }
}

/// The bars with a finite value, at most [`MAX_CATEGORIES`] of them.
fn clean(input: &CategoryBars) -> Vec<(String, f64)> {
    input
        .bars
        .iter()
        .filter(|(_, v)| v.is_finite())
        .take(MAX_CATEGORIES)
        .cloned()
        .collect()
}

/// The bar picked out: the largest, the first of equals.
fn largest(bars: &[(String, f64)]) -> Option<usize> {
    (0..bars.len()).reduce(|best, i| if bars[i].1 > bars[best].1 { i } else { best })
}

/// "People: North 1,200, South 950 and West 310; the largest North."
fn describe(input: &CategoryBars, bars: &[(String, f64)]) -> String {
    let label = if input.value_label.is_empty() {
        "Values"
    } else {
        &input.value_label
    };
    let Some(top) = largest(bars) else {
        return format!("{label}: no data.");
    };
    let parts: Vec<String> = bars
        .iter()
        .map(|(c, v)| format!("{c} {}", fmt_num(*v, input.decimals)))
        .collect();
    let listed = match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    };
    if bars.len() == 1 {
        format!("{label}: {listed}.")
    } else {
        format!("{label}: {listed}; the largest {}.", bars[top].0)
    }
}

fn draw(area: &Area, theme: &Theme, input: &CategoryBars, bars: &[(String, f64)]) {
    source_block(area, theme, &input.source);
    let muted = theme.font(theme.tick_size, theme.muted_text, Anchor::Start, false);
    if !input.value_label.is_empty() {
        text(area, &input.value_label, (8, 12), &muted);
    }
    let top = theme.margin_top + 12;
    let px = theme.label_size;
    let values: Vec<String> = bars
        .iter()
        .map(|(_, v)| fmt_num(*v, input.decimals))
        .collect();
    // The largest value is printed bold, a tenth wider.
    let value_room = values
        .iter()
        .map(|v| text_width(v, px) * 11 / 10)
        .max()
        .unwrap_or(0)
        + 8;
    let names = category_names(theme, bars);
    let name_room = names.iter().map(|n| text_width(n, px)).max().unwrap_or(0) + 12;
    let mut plot = plot_rect(theme, &input.source, 8 + name_room, value_room + 8);
    plot.top = top;
    // No axis along the bottom: every bar carries its value.
    plot.bottom += theme.x_axis_height - 8;
    if bars.is_empty() {
        no_data(area, theme, plot);
        return;
    }
    let lo = bars.iter().map(|b| b.1).fold(0.0, f64::min);
    let hi = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    // Room on the left of zero for negative values' labels.
    let neg_room = if lo < 0.0 { value_room } else { 0 };
    let xs = Scale::new(
        lo,
        if hi > lo { hi } else { lo + 1.0 },
        plot.left + neg_room,
        plot.right,
    );
    let row = f64::from(plot.bottom - plot.top) / bars.len() as f64;
    let thick = ((row * 0.62).round() as i32).clamp(2, 36);
    let strong = largest(bars);
    let name_style = theme.font(px, theme.text, Anchor::Start, false);
    let zero = xs.px(0.0);
    for (i, ((_, v), name)) in bars.iter().zip(&names).enumerate() {
        let centre = plot.top + (row * (i as f64 + 0.5)).round() as i32;
        text(area, name, (8, centre), &name_style);
        let end = xs.px(*v);
        let (a, b) = (zero.min(end), zero.max(end));
        let color = if Some(i) == strong {
            theme.accent
        } else {
            theme.muted
        };
        if b > a {
            rect(
                area,
                (a, centre - thick / 2),
                (b, centre - thick / 2 + thick),
                color,
            );
        }
        let (at, anchor) = if *v < 0.0 {
            (a - 4, Anchor::End)
        } else {
            (b + 4, Anchor::Start)
        };
        let style = theme.font(px, theme.text, anchor, Some(i) == strong);
        text(area, &values[i], (at, centre), &style);
    }
    line(
        area,
        &[(zero, plot.top), (zero, plot.bottom)],
        theme.baseline,
        1,
    );
}

/// Each category's name as drawn: whole when it fits in two fifths of the
/// chart's width, else cut short with an ellipsis (the description and the
/// table give it whole).
fn category_names(theme: &Theme, bars: &[(String, f64)]) -> Vec<String> {
    let room = theme.width as i32 * 2 / 5;
    bars.iter()
        .map(|(name, _)| {
            if text_width(name, theme.label_size) <= room {
                return name.clone();
            }
            let mut cut: String = name.clone();
            while !cut.is_empty() && text_width(&format!("{cut}…"), theme.label_size) > room {
                cut.pop();
            }
            format!("{}…", cut.trim_end())
        })
        .collect()
}

/// The plot a chart of `bars` would be drawn in, for tests.
#[cfg(test)]
fn plot_of(theme: &Theme, input: &CategoryBars) -> Plot {
    let names = category_names(theme, &input.bars);
    let name_room = names
        .iter()
        .map(|n| text_width(n, theme.label_size))
        .max()
        .unwrap_or(0)
        + 12;
    plot_rect(theme, &input.source, 8 + name_room, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::check_text_layout;

    fn fixture(bars: &[(&str, f64)]) -> CategoryBars {
        CategoryBars {
            name: "bars-regions".into(),
            title: "North had the most".into(),
            subtitle: "People, by region".into(),
            source: "Source: A ministry, People by region (released 10 July 2023)".into(),
            category_label: "Region".into(),
            value_label: "People".into(),
            bars: bars.iter().map(|(c, v)| (c.to_string(), *v)).collect(),
            decimals: 0,
        }
    }

    #[test]
    fn labels_fit_and_keep_apart_at_both_widths() {
        let many: Vec<(String, f64)> = (0..MAX_CATEGORIES + 4)
            .map(|i| (format!("Region number {i}"), (i * 137 % 1000) as f64 * 31.0))
            .collect();
        let many: Vec<(&str, f64)> = many.iter().map(|(c, v)| (c.as_str(), *v)).collect();
        for theme in [Theme::default(), Theme::narrow()] {
            for input in [
                fixture(&[("North", 1200.0), ("South", 950.0), ("West", 310.0)]),
                fixture(&[("Only one", 5.0)]),
                fixture(&many),
                fixture(&[
                    (
                        "A region with a very long name indeed, longer than any chart",
                        12_345.0,
                    ),
                    ("Short", 99.0),
                ]),
                fixture(&[("Gain", 120.0), ("Loss", -80.0), ("Flat", 0.0)]),
                fixture(&[]),
            ] {
                let d = input.draw(&theme, &PolylineCache::default());
                check_text_layout(&d.svg).unwrap_or_else(|e| {
                    panic!("{} bars, {} wide: {e}", input.bars.len(), theme.width)
                });
                let plot = plot_of(&theme, &input);
                assert!(plot.left < plot.right, "room for bars at {}", theme.width);
            }
        }
    }

    #[test]
    fn the_description_and_data_come_from_the_bars() {
        let input = fixture(&[("North", 1200.0), ("South", 950.0), ("West", 310.0)]);
        let d = input.draw(&Theme::default(), &PolylineCache::default());
        assert_eq!(
            d.description,
            "People: North 1,200, South 950 and West 310; the largest North."
        );
        for v in ["1,200", "950", "310", "North", "South", "West"] {
            assert!(d.svg.contains(&format!(">{v}</text>")), "{v}");
        }
        let (csv, table) = input.data();
        assert_eq!(csv, "Region,People\nNorth,1200\nSouth,950\nWest,310\n");
        assert_eq!(table.rows.len(), 3);
        let long = fixture(&[(
            "A region with a very long name indeed, longer than any chart",
            1.0,
        )]);
        let narrow = long.draw(&Theme::narrow(), &PolylineCache::default());
        assert!(narrow.svg.contains("…</text>"), "a long name is cut short");
        assert!(
            narrow.description.contains("longer than any chart"),
            "and whole here"
        );
    }

    #[test]
    fn negative_values_run_left_of_zero_with_their_labels() {
        let input = fixture(&[("Gain", 120.0), ("Loss", -80.0)]);
        let d = input.draw(&Theme::default(), &PolylineCache::default());
        assert!(
            d.svg.contains(">−80</text>") || d.svg.contains(">-80</text>"),
            "{}",
            d.svg
        );
        assert_eq!(
            d.description,
            "People: Gain 120 and Loss −80; the largest Gain."
        );
    }
}
