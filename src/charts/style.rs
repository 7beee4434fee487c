//! The look every chart shares: sizes, colours, fonts, dash patterns, and
//! how wide a text is estimated to be.
//!
//! # Text measurement
//!
//! plotters is built here with `default-features = false` and no font
//! feature, so it uses its "naive" font module: it cannot read font files and
//! guesses a text box of `0.7 × (size / 1.24²)` per *byte*. The SVG backend
//! never measures anything itself either: it writes `<text>` elements with a
//! `text-anchor` and lets the browser lay the glyphs out, with the font size
//! written as `size / 1.24`.
//!
//! We therefore do **not** ask plotters to measure or lay out text (no
//! `ChartBuilder` label areas, no `estimate_text_size`). Every label is
//! positioned in pixel coordinates (see [`super::labels`]), using our own simple
//! estimate, [`text_width`]: **0.6 × font size per character** (counting
//! `char`s, not bytes). That is a little wider than the average glyph of
//! common sans-serif fonts (Helvetica/Arial digits are 0.556 em), so it errs
//! on the side of leaving room. It is used to reserve the right margin for
//! end labels, to keep labels apart and to wrap the source line.
//!
//! Font sizes are passed to plotters multiplied by 1.24 (see [`Theme::font`])
//! so that the SVG says exactly the pixel size we mean, e.g. `font-size="14"`.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Generic font stack: no font files are needed anywhere.
pub const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/// The page colour behind labels.
pub const PAPER: RGBColor = RGBColor(0xff, 0xff, 0xff);

/// Colours, font sizes and sizes shared by all charts.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// Width of the viewBox in pixels.
    pub width: u32,
    /// Height of the viewBox in pixels.
    pub height: u32,
    /// Accent for the highlighted series (dark blue, 8.9:1 on white).
    pub accent: RGBColor,
    /// Second accent, for a second highlighted series (dark orange, 4.9:1).
    pub accent2: RGBColor,
    /// Muted lines (grey, 4.5:1 on white).
    pub muted: RGBColor,
    /// Muted text (darker grey, 7:1 on white).
    pub muted_text: RGBColor,
    /// Main text colour.
    pub text: RGBColor,
    /// Light horizontal gridlines.
    pub grid: RGBColor,
    /// Baseline / zero line.
    pub baseline: RGBColor,
    /// Bars.
    pub bar: RGBColor,
    /// Tick labels and axis labels.
    pub tick_size: u32,
    /// End labels and value labels.
    pub label_size: u32,
    /// The source line.
    pub source_size: u32,
    /// The "No data" note.
    pub note_size: u32,
    /// Left margin (room for y tick labels).
    pub margin_left: i32,
    /// Margin above the plot.
    pub margin_top: i32,
    /// Margin between plot and the bottom of the x tick labels.
    pub x_axis_height: i32,
    /// Gap between a line's end and its label.
    pub label_gap: i32,
    /// Line width of a highlighted series.
    pub strong_width: u32,
    /// Line width of a muted series.
    pub muted_width: u32,
    /// About how many y ticks an axis should have.
    pub y_ticks: usize,
    /// Room between the plot and the widest y tick label, plus the gap to
    /// the left edge.
    pub y_label_pad: i32,
    /// Appended to the chart name for the SVG's ids, so that a wide and a
    /// narrow copy of one chart can share a page.
    pub id_suffix: &'static str,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            width: 800,
            height: 450,
            accent: RGBColor(0x1d, 0x4e, 0x89),
            accent2: RGBColor(0xb3, 0x54, 0x1e),
            muted: RGBColor(0x8a, 0x8a, 0x8a),
            muted_text: RGBColor(0x59, 0x59, 0x59),
            text: RGBColor(0x22, 0x22, 0x22),
            grid: RGBColor(0xdd, 0xdd, 0xdd),
            baseline: RGBColor(0x33, 0x33, 0x33),
            bar: RGBColor(0x1d, 0x4e, 0x89),
            tick_size: 14,
            label_size: 14,
            source_size: 13,
            note_size: 16,
            margin_left: 64,
            margin_top: 24,
            x_axis_height: 30,
            label_gap: 6,
            strong_width: 3,
            muted_width: 2,
            y_ticks: 5,
            y_label_pad: 22,
            id_suffix: "",
        }
    }
}

impl Theme {
    /// A theme for phones: a 360 px wide viewBox shown at about 1:1, so its
    /// font sizes are close to the sizes read on screen. Ids get `-narrow`.
    pub fn narrow() -> Self {
        Theme {
            width: 360,
            height: 420,
            tick_size: 13,
            label_size: 13,
            source_size: 12,
            note_size: 14,
            margin_left: 48,
            margin_top: 20,
            x_axis_height: 26,
            label_gap: 4,
            y_ticks: 4,
            y_label_pad: 14,
            id_suffix: "-narrow",
            ..Theme::default()
        }
    }

    /// Whether this theme is laid out for a narrow screen.
    pub fn is_narrow(&self) -> bool {
        self.width < 600
    }

    /// The top of a y axis whose `ticks` cover data up to `hi`: the last
    /// tick, except on a narrow chart where that tick would leave more than
    /// a tenth of the axis empty: there the axis ends at `hi` and the ticks
    /// above it are dropped, to give the data the height. Returns the ticks
    /// and the top.
    pub fn axis_top(&self, ticks: Vec<f64>, hi: f64) -> (Vec<f64>, f64) {
        let last = ticks.last().copied().unwrap_or(1.0);
        if self.is_narrow() && hi.is_finite() && hi > 0.0 && last > hi * 1.1 {
            let kept: Vec<f64> = ticks.iter().copied().filter(|t| *t <= hi).collect();
            if kept.len() >= 3 {
                return (kept, hi);
            }
        }
        (ticks, last)
    }

    /// Left edge of the plot for y tick labels as wide as the widest of
    /// `labels`.
    pub fn y_label_room(&self, labels: &[(f64, String)]) -> i32 {
        let texts: Vec<String> = labels.iter().map(|t| t.1.clone()).collect();
        (widest(&texts, self.tick_size) + self.y_label_pad).max(40)
    }
}

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Theme {
    /// A plotters text style that writes exactly `px` as the SVG font size.
    pub fn font(&self, px: u32, color: RGBColor, anchor: Anchor, bold: bool) -> TextStyle<'static> {
        let h = match anchor {
            Anchor::Start => HPos::Left,
            Anchor::Middle => HPos::Center,
            Anchor::End => HPos::Right,
        };
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        TextStyle {
            font: FontDesc::new(FontFamily::Name(FONT_FAMILY), plotters_size(px), style),
            color: color.to_backend_color(),
            pos: Pos::new(h, VPos::Center),
        }
    }

    /// Height of one line of text of `px` pixels, for keeping labels apart.
    pub fn line_height(&self, px: u32) -> i32 {
        (px as i32 * 5 + 3) / 4 // 1.25 × px, rounded
    }
}

/// The plotters font size whose SVG output (`size / 1.24`) is `px`; the
/// backend ([`super::svg::SvgWriter`]) divides it back.
fn plotters_size(px: u32) -> f64 {
    px as f64 * 1.24
}

/// Estimated width in pixels of `text` at `px`: 0.6 × px per character.
pub fn text_width(text: &str, px: u32) -> i32 {
    let n = text.chars().count() as i64;
    ((n * px as i64 * 6 + 9) / 10) as i32
}

/// Width of the widest of `labels` at `px`.
pub fn widest(labels: &[String], px: u32) -> i32 {
    labels.iter().map(|l| text_width(l, px)).max().unwrap_or(0)
}

/// Dash patterns for [`dashed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// 6 on, 4 off: projections and plans.
    Long,
    /// 3 on, 3 off: light references.
    Short,
}

impl Dash {
    /// The line's `stroke-dasharray`.
    pub fn pattern(self) -> &'static str {
        match self {
            Dash::Long => "6 4",
            Dash::Short => "3 3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::draw::render;

    #[test]
    fn narrow_theme_ids_and_size() {
        let theme = Theme::narrow();
        let svg = render(&theme, ("cumulative", "T", ""), "D", |_| {});
        assert!(svg.contains("viewBox=\"0 0 360 420\""));
        assert!(svg.contains("id=\"chart-cumulative-narrow\""));
        assert!(svg.contains("aria-labelledby=\"chart-cumulative-narrow-title"));
        assert!(theme.is_narrow() && !Theme::default().is_narrow());
    }

    #[test]
    fn text_width_estimate() {
        assert_eq!(text_width("2026", 14), 34);
        assert_eq!(text_width("", 14), 0);
    }
}
