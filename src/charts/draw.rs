//! Drawing primitives every chart kind draws with: lines, dots, bars,
//! axes, the source line and end labels, all in pixel coordinates laid out
//! by [`super::scale`] and [`super::labels`], on the SVG writer
//! ([`super::svg`]).

use plotters::coord::Shift;
use plotters::prelude::*;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::labels::{LabelWant, SourceLine, place_labels};
use super::scale::{Plot, Scale};
use super::style::{Anchor, Dash, PAPER, Theme, text_width};
use super::svg::{DashedPath, PointsText, SvgWriter, push_path_data};
use crate::text::{MONTHS, month_starts};

/// The area every chart draws on.
pub type Area<'a> = DrawingArea<SvgWriter<'a>, Shift>;

/// The axes of a chart by day of the year: the y scale from 0 to `top`
/// with its grid, the baseline, and months along the bottom. Returns the
/// y and x scales.
pub fn day_of_year_axes(
    area: &Area,
    theme: &Theme,
    plot: Plot,
    top: f64,
    tick_labels: &[(f64, String)],
) -> (Scale, Scale) {
    let ys = Scale::new(0.0, top.max(1.0), plot.bottom, plot.top);
    let xs = Scale::new(1.0, 366.0, plot.left, plot.right);
    y_grid(area, theme, plot, &ys, tick_labels);
    line(
        area,
        &[(plot.left, plot.bottom), (plot.right, plot.bottom)],
        theme.baseline,
        1,
    );
    month_axis(area, theme, plot, &xs);
    (ys, xs)
}

/// Starts a drawing: white background.
pub fn background(area: &Area, _theme: &Theme) {
    let _ = area.fill(&PAPER);
}

/// Draws text at a pixel position (vertical centre at `y`).
pub fn text(area: &Area, s: &str, (x, y): (i32, i32), style: &TextStyle) {
    let _ = area.draw(&Label {
        text: s,
        at: [(x, y)],
        style,
    });
}

/// plotters' `Text` element, borrowing its style rather than copying it:
/// a large site draws millions of labels.
struct Label<'a> {
    text: &'a str,
    at: [(i32, i32); 1],
    style: &'a TextStyle<'a>,
}

impl<'b> plotters::element::PointCollection<'b, (i32, i32)> for &'b Label<'_> {
    type Point = &'b (i32, i32);
    type IntoIter = &'b [(i32, i32)];

    fn point_iter(self) -> Self::IntoIter {
        &self.at
    }
}

impl<DB: DrawingBackend> plotters::element::Drawable<DB> for Label<'_> {
    fn draw<I: Iterator<Item = plotters_backend::BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), plotters_backend::DrawingErrorKind<DB::ErrorType>> {
        match points.next() {
            Some(at) => backend.draw_text(self.text, self.style, at),
            None => Ok(()),
        }
    }
}

/// Draws a polyline.
pub fn line(area: &Area, pts: &[(i32, i32)], color: RGBColor, width: u32) {
    // Most lines are one segment (grid lines, ticks): nothing to simplify.
    let pts = match pts {
        [a, b] if a != b => vec![*a, *b],
        _ => simplify(pts),
    };
    if pts.len() < 2 {
        return;
    }
    let _ = area.draw(&PathElement::new(pts, color.stroke_width(width)));
}

/// Lines' path data (see `svg::push_path_data`), written once by what they draw. A site's
/// cumulative charts draw the same year's line at the same scale again and
/// again: the scale depends only on the years shown and the drawing's
/// width, not on the brief, so a thousand charts may share a few dozen
/// lines. Mapping, simplifying and writing 365 points per line was a
/// fifth of a large site's build.
#[derive(Debug, Default)]
pub struct PolylineCache {
    lines: Mutex<BTreeMap<PolylineKey, Arc<str>>>,
}

/// A line's series, as its drawer names it, and the scales it is drawn at.
type PolylineKey = (u64, ScaleKey, ScaleKey);

/// A [`Scale`] exactly: two drawings map points alike when these are equal.
type ScaleKey = (u64, u64, i32, i32);

fn scale_key(s: &Scale) -> ScaleKey {
    (s.d0.to_bits(), s.d1.to_bits(), s.p0, s.p1)
}

impl PolylineCache {
    /// Lines kept at most: enough for every year at every scale of a large
    /// site, and a bound on memory whatever the charts ask for.
    const MAX_LINES: usize = 4096;

    /// The path data of the line of `series` (a number the caller keeps
    /// for the same data points, such as a year) mapped by `xs` and `ys`:
    /// kept from an earlier drawing, else `points` mapped, simplified as
    /// [`line`] does and written. Empty when fewer than two points remain.
    pub fn points_text(
        &self,
        series: u64,
        xs: &Scale,
        ys: &Scale,
        points: impl FnOnce() -> Vec<(i32, i32)>,
    ) -> Arc<str> {
        let key = (series, scale_key(xs), scale_key(ys));
        if let Some(text) = self.lock().get(&key) {
            return Arc::clone(text);
        }
        let pts = simplify(&points());
        let mut text = String::with_capacity(pts.len() * 8);
        if pts.len() >= 2 {
            push_path_data(&mut text, pts);
        }
        let text: Arc<str> = text.into();
        let mut lines = self.lock();
        if lines.len() < Self::MAX_LINES {
            lines.insert(key, Arc::clone(&text));
        }
        text
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<PolylineKey, Arc<str>>> {
        // A panic elsewhere cannot leave a half-written entry: entries are
        // inserted whole. Keep using the map.
        self.lines.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Draws a solid line from the path data that [`PolylineCache`] wrote;
/// the same element as [`line`] draws from the points.
pub fn line_text(area: &Area, points: &str, color: RGBColor, width: u32) {
    if points.is_empty() {
        return;
    }
    let _ = area.draw(&PointsText {
        points,
        style: color.stroke_width(width),
    });
}

/// The points of a polyline without those that change nothing drawn:
/// repeats of the previous pixel (daily data often maps many days to one)
/// and points on the straight run between their kept neighbours, such as
/// a cumulative line's flat days or a narrow chart's steps within one
/// pixel column. A point where the line turns back is kept. Fewer points
/// make the SVG smaller and quicker to write; the line looks the same.
fn simplify(pts: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
    for &p in pts {
        if out.last() == Some(&p) {
            continue;
        }
        if let [.., a, b] = out[..]
            && on_the_way(a, b, p)
        {
            out.pop();
        }
        out.push(p);
    }
    out
}

/// Whether `b` lies on the straight line from `a` to `c`, between them
/// (the three points distinct): then a–b–c draws the same as a–c.
fn on_the_way(a: (i32, i32), b: (i32, i32), c: (i32, i32)) -> bool {
    let (dx1, dy1) = (i64::from(b.0 - a.0), i64::from(b.1 - a.1));
    let (dx2, dy2) = (i64::from(c.0 - b.0), i64::from(c.1 - b.1));
    // Collinear, and the second step goes the same way as the first.
    dx1 * dy2 == dy1 * dx2 && dx1 * dx2 + dy1 * dy2 > 0
}

/// Draws a dashed line (one SVG path with `stroke-dasharray`).
pub fn dashed(area: &Area, pts: &[(i32, i32)], color: RGBColor, width: u32, dash: Dash) {
    let points = simplify(pts);
    if points.len() < 2 {
        return;
    }
    let style = color.stroke_width(width);
    let _ = area.draw(&DashedPath {
        points,
        style,
        dash,
    });
}

/// Draws a filled dot.
pub fn dot(area: &Area, (x, y): (i32, i32), r: i32, color: RGBColor) {
    let _ = area.draw(&Circle::new((x, y), r, color.filled()));
}

/// Draws a filled rectangle.
pub fn rect(area: &Area, (x0, y0): (i32, i32), (x1, y1): (i32, i32), color: RGBColor) {
    let _ = area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()));
}

/// Draws a filled polygon with opacity.
pub fn polygon(area: &Area, pts: &[(i32, i32)], color: RGBColor, opacity: f64) {
    if pts.len() < 3 {
        return;
    }
    let _ = area.draw(&Polygon::new(pts.to_vec(), color.mix(opacity).filled()));
}

/// Light horizontal gridlines with y tick labels at the left of the plot.
/// The lines come first and the labels after, so that the writer joins
/// the lines into one path.
pub fn y_grid(area: &Area, theme: &Theme, plot: Plot, ys: &Scale, ticks: &[(f64, String)]) {
    let shown: Vec<(i32, &str)> = ticks
        .iter()
        .map(|(v, label)| (ys.px(*v), label.as_str()))
        .filter(|&(y, _)| y >= plot.top - 1 && y <= plot.bottom + 1)
        .collect();
    for &(y, _) in &shown {
        line(area, &[(plot.left, y), (plot.right, y)], theme.grid, 1);
    }
    let font = theme.font(theme.tick_size, theme.muted_text, Anchor::End, false);
    for &(y, label) in &shown {
        text(area, label, (plot.left - 8, y), &font);
    }
}

/// X tick labels under the plot with short tick marks, at pixel positions:
/// the marks first, then the labels (as [`y_grid`]).
pub fn x_labels(area: &Area, theme: &Theme, plot: Plot, ticks: &[(i32, String)], marks: bool) {
    let y = plot.bottom + 6 + theme.tick_size as i32 / 2 + 2;
    if marks {
        for (x, _) in ticks {
            line(
                area,
                &[(*x, plot.bottom), (*x, plot.bottom + 5)],
                theme.baseline,
                1,
            );
        }
    }
    let font = theme.font(theme.tick_size, theme.muted_text, Anchor::Middle, false);
    for (x, label) in ticks {
        text(area, label, (*x, y), &font);
    }
}

/// Draws the source line(s) at the bottom left and returns the y of the
/// top of the block, so the plot can end above it.
pub fn source_block(area: &Area, theme: &Theme, source: &SourceLine) -> i32 {
    let px = theme.source_size;
    let lh = theme.line_height(px);
    let lines = source.lines(theme);
    let n = lines.len() as i32;
    let bottom = theme.height as i32 - 6;
    for (i, l) in lines.iter().enumerate() {
        let y = bottom - (n - 1 - i as i32) * lh - lh / 2;
        text(
            area,
            l,
            (8, y),
            &theme.font(px, theme.muted_text, Anchor::Start, false),
        );
    }
    bottom - n * lh
}

/// Draws the "No data" note in the middle of the plot.
pub fn no_data(area: &Area, theme: &Theme, plot: Plot) {
    line(
        area,
        &[(plot.left, plot.bottom), (plot.right, plot.bottom)],
        theme.grid,
        1,
    );
    text(
        area,
        "No data",
        ((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2),
        &theme.font(theme.note_size, theme.muted_text, Anchor::Middle, false),
    );
}

/// Renders a chart: calls `draw` on an 800 × 450 area, then finishes the SVG.
pub fn render(
    theme: &Theme,
    heading: (&str, &str, &str),
    desc: &str,
    draw: impl FnOnce(&Area),
) -> String {
    // Room for a typical chart, so that the writing seldom has to grow
    // (and copy) the buffer.
    let mut buf = String::with_capacity(16 * 1024);
    {
        let area = SvgWriter::new(&mut buf, theme, heading, desc).into_drawing_area();
        background(&area, theme);
        draw(&area);
        let _ = area.present();
    }
    buf
}

/// A label at the end of a line: drawn to the right of `(x, y)`.
#[derive(Debug, Clone, PartialEq)]
pub struct EndLabel {
    pub x: i32,
    pub y: i32,
    pub text: String,
    pub color: RGBColor,
    pub bold: bool,
}

/// Draws end labels to the right of their points, nudged apart vertically
/// so that none overlap, kept within `[plot.top, plot.bottom]`. Labels that
/// land inside the plot get a white backing so lines do not run through them.
pub fn end_labels(area: &Area, theme: &Theme, plot: Plot, labels: &[EndLabel]) {
    let px = theme.label_size;
    // Labels of lines ending at (or within a few pixels of) the right edge
    // line up in one column.
    let start = |l: &EndLabel| {
        if l.x >= plot.right - 8 {
            plot.right.max(l.x) + theme.label_gap
        } else {
            l.x + theme.label_gap
        }
    };
    // A label may have several lines (`\n`): all are kept apart as blocks
    // of the tallest label's height.
    let lines_of = |l: &EndLabel| l.text.lines().count().max(1) as i32;
    let n_lines = labels.iter().map(lines_of).max().unwrap_or(1);
    let label_w = |l: &EndLabel| l.text.lines().map(|t| text_width(t, px)).max().unwrap_or(0);
    let wants: Vec<LabelWant> = labels
        .iter()
        .map(|l| LabelWant {
            x0: start(l),
            x1: start(l) + label_w(l),
            y: l.y,
        })
        .collect();
    let lh = theme.line_height(px);
    let gap = lh * n_lines;
    let h = gap / 2;
    let ys = place_labels(&wants, gap, plot.top - lh / 2 + h, plot.bottom + lh / 2 - h);
    for (l, (w, y)) in labels.iter().zip(wants.iter().zip(ys)) {
        if w.x0 < plot.right {
            rect(area, (w.x0 - 2, y - h + 1), (w.x1 + 2, y + h - 1), PAPER);
        }
        if (y - l.y).abs() > 3 {
            // A short leader from the point to the moved label.
            line(area, &[(l.x + 1, l.y), (w.x0 - 2, y)], theme.grid, 1);
        }
        let n = lines_of(l);
        for (k, t) in l.text.lines().enumerate() {
            let ty = y - (n - 1) * lh / 2 + k as i32 * lh;
            text(
                area,
                t,
                (w.x0, ty),
                &theme.font(px, l.color, Anchor::Start, l.bold),
            );
        }
    }
}

/// X axis of day of year: tick marks at month starts, month names centred
/// in each month (a 365-day year); on a narrow plot only Jan, Apr, Jul, Oct.
pub fn month_axis(area: &Area, theme: &Theme, plot: Plot, xs: &Scale) {
    let starts = month_starts(2001);
    let mut labels: Vec<(i32, String)> = Vec::new();
    let show_every = if (plot.right - plot.left) < 12 * 34 {
        3
    } else {
        1
    };
    for (m, s) in starts.iter().enumerate() {
        let x = xs.px(*s as f64);
        line(
            area,
            &[(x, plot.bottom), (x, plot.bottom + 5)],
            theme.baseline,
            1,
        );
        let end = starts.get(m + 1).copied().unwrap_or(366);
        let mid = xs.px((*s as f64 + end as f64) / 2.0);
        if m % show_every == 0 {
            labels.push((mid, MONTHS[m].to_string()));
        }
    }
    let x = xs.px(366.0);
    line(
        area,
        &[(x, plot.bottom), (x, plot.bottom + 5)],
        theme.baseline,
        1,
    );
    x_labels(area, theme, plot, &labels, false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout_check::{check_text_layout, text_boxes};

    #[test]
    fn multi_line_end_labels_stay_apart() {
        let theme = Theme::narrow();
        let plot = Plot {
            left: 50,
            top: 20,
            right: 250,
            bottom: 300,
        };
        let label = |y: i32, t: &str| EndLabel {
            x: 250,
            y,
            text: t.to_string(),
            color: theme.text,
            bold: false,
        };
        let svg = render(&theme, ("t", "T", ""), "D", |a| {
            end_labels(
                a,
                &theme,
                plot,
                &[
                    label(100, "Arrivals\n40,000"),
                    label(104, "Planned\n2,607"),
                    label(20, "A\nB"),
                ],
            );
        });
        assert_eq!(text_boxes(&svg).len(), 6);
        assert_eq!(check_text_layout(&svg), Ok(()));
    }

    #[test]
    fn font_size_is_exact_in_svg() {
        let theme = Theme::default();
        let svg = render(&theme, ("t", "T", ""), "D", |a| {
            text(
                a,
                "x",
                (1, 1),
                &theme.font(13, theme.text, Anchor::Start, false),
            );
            text(
                a,
                "y",
                (1, 1),
                &theme.font(14, theme.text, Anchor::Start, false),
            );
        });
        assert!(svg.contains("font-size=\"13\""), "{svg}");
        assert!(svg.contains("font-size=\"14\""), "{svg}");
    }

    #[test]
    fn root_is_responsive_and_accessible() {
        let theme = Theme::default();
        let svg = render(&theme, ("My chart", "A <b> & c", "Sub"), "D", |_| {});
        // The wide drawing's heading lies above its chart, which the page
        // shows alone through its view.
        assert!(
            svg.starts_with(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 -59 800 509\" width=\"100%\""
            ),
            "{svg}"
        );
        assert!(svg.contains("<view id=\"chart\" viewBox=\"0 0 800 450\"/>"));
        assert!(svg.contains(">A &lt;b&gt; &amp; c</text>") && svg.contains(">Sub</text>"));
        let narrow = render(&Theme::narrow(), ("My chart", "A", "Sub"), "D", |_| {});
        assert!(narrow.contains("viewBox=\"0 0 360 420\"") && !narrow.contains("<view"));
        assert!(svg.contains("aria-labelledby=\"chart-my-chart-title chart-my-chart-desc\""));
        assert!(svg.contains("<title id=\"chart-my-chart-title\">A &lt;b&gt; &amp; c</title>"));
        assert!(!svg.lines().next().unwrap_or("").contains("width=\"800\""));
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn dashed_lines_are_one_element() {
        let theme = Theme::default();
        let svg = render(&theme, ("d", "T", ""), "D", |a| {
            dashed(
                a,
                &[(0, 0), (100, 0), (200, 50)],
                theme.accent,
                2,
                Dash::Long,
            );
            dashed(a, &[(0, 0), (100, 0)], theme.muted, 1, Dash::Short);
            // Dashed lines of one style stay apart: a pattern restarts.
            dashed(a, &[(0, 9), (100, 9)], theme.muted, 1, Dash::Short);
        });
        assert_eq!(svg.matches("<path").count(), 3);
        assert!(svg.contains(" d=\"M0,0h100l100,50\"/>"));
        assert!(svg.contains(" stroke-dasharray=\"6 4\""));
        assert!(!svg.contains("opacity="), "dashed lines are opaque");
        assert!(svg.contains("stroke-dasharray=\"3 3\""));
        assert!(!svg.contains("0.999"));
    }

    #[test]
    fn solid_lines_of_one_style_in_a_row_are_one_path() {
        let theme = Theme::default();
        let svg = render(&theme, ("g", "T", ""), "D", |a| {
            for y in [10, 20, 30] {
                line(a, &[(0, y), (50, y)], theme.grid, 1);
            }
            // Another style starts another path, and so does any other
            // element in between: the drawing order is kept.
            line(a, &[(0, 40), (50, 40)], theme.grid, 2);
            text(
                a,
                "x",
                (0, 0),
                &theme.font(12, theme.muted_text, Anchor::Start, false),
            );
            line(a, &[(0, 50), (50, 50)], theme.grid, 2);
            // Translucent lines stay apart: one path's overlaps blend once.
            for y in [60, 70] {
                let _ = a.draw(&PathElement::new(
                    vec![(0, y), (50, y)],
                    theme.grid.mix(0.5).stroke_width(1),
                ));
            }
        });
        let paths: Vec<&str> = svg.lines().filter(|l| l.starts_with("<path")).collect();
        assert_eq!(
            paths,
            [
                "<path fill=\"none\" stroke=\"#DDDDDD\" d=\"M0,10h50M0,20h50M0,30h50\"/>",
                "<path fill=\"none\" stroke=\"#DDDDDD\" stroke-width=\"2\" d=\"M0,40h50\"/>",
                "<path fill=\"none\" stroke=\"#DDDDDD\" stroke-width=\"2\" d=\"M0,50h50\"/>",
                "<path fill=\"none\" opacity=\"0.5\" stroke=\"#DDDDDD\" d=\"M0,60h50\"/>",
                "<path fill=\"none\" opacity=\"0.5\" stroke=\"#DDDDDD\" d=\"M0,70h50\"/>",
            ]
        );
        let text_at = svg.find("<text x=\"0\"").unwrap();
        assert!(svg.find("M0,40h50").unwrap() < text_at && text_at < svg.find("M0,50h50").unwrap());
        assert!(
            svg.trim_end().ends_with("</svg>"),
            "the last path is written before the end"
        );
    }

    #[test]
    fn straight_runs_are_simplified_and_turns_kept() {
        // A flat run, a rise in one pixel column, and a repeated pixel.
        let pts = [
            (0, 5),
            (1, 5),
            (2, 5),
            (2, 5),
            (3, 5),
            (3, 4),
            (3, 2),
            (5, 0),
        ];
        assert_eq!(simplify(&pts), vec![(0, 5), (3, 5), (3, 2), (5, 0)]);
        // Diagonal runs of any slope are one segment.
        assert_eq!(
            simplify(&[(0, 0), (2, 1), (4, 2), (6, 3)]),
            vec![(0, 0), (6, 3)]
        );
        // A spike that goes out and back along one line is kept whole.
        let spike = [(0, 0), (4, 0), (2, 0), (6, 0)];
        assert_eq!(simplify(&spike), spike.to_vec());
        let up_down = [(1, 0), (1, 3), (1, 1)];
        assert_eq!(simplify(&up_down), up_down.to_vec());
        // Endpoints stay; too few points are left alone.
        assert_eq!(simplify(&[(0, 0), (1, 1)]), vec![(0, 0), (1, 1)]);
        assert_eq!(simplify(&[(7, 7), (7, 7)]), vec![(7, 7)]);
        assert_eq!(simplify(&[]), Vec::<(i32, i32)>::new());
    }
}
