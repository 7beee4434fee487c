//! Shared look and drawing helpers for every chart kind.
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
//! positioned by this module in pixel coordinates, using our own simple
//! estimate, [`text_width`]: **0.6 × font size per character** (counting
//! `char`s, not bytes). That is a little wider than the average glyph of
//! common sans-serif fonts (Helvetica/Arial digits are 0.556 em), so it errs
//! on the side of leaving room. It is used to reserve the right margin for
//! end labels, to keep labels apart and to wrap the source line.
//!
//! Font sizes are passed to plotters multiplied by 1.24 (see [`Theme::font`])
//! so that the SVG says exactly the pixel size we mean, e.g. `font-size="14"`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::svg::{PointsText, SvgWriter, push_points};

/// The area every chart draws on.
pub type Area<'a> = DrawingArea<SvgWriter<'a>, Shift>;

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

/// Maps data values to pixels along one axis (linear).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub p0: i32,
    pub p1: i32,
}

impl Scale {
    pub fn new(d0: f64, d1: f64, p0: i32, p1: i32) -> Self {
        Scale { d0, d1, p0, p1 }
    }

    /// Pixel position of `v`, rounded to an integer; safe for a zero span.
    pub fn px(&self, v: f64) -> i32 {
        let span = self.d1 - self.d0;
        if !span.is_finite() || span == 0.0 || !v.is_finite() {
            return self.p0;
        }
        let t = (v - self.d0) / span;
        let p = self.p0 as f64 + t * (self.p1 - self.p0) as f64;
        round_to_pixel(p.clamp(-100_000.0, 100_000.0))
    }
}

/// `p.round() as i32` for `|p| ≤ 100,000`, halves away from zero. On
/// baseline x86-64 `f64::round` is a library call, and a large site maps
/// millions of points; truncating through an integer is exact here (the
/// remainder `p - whole` of a float and its whole part is exact).
fn round_to_pixel(p: f64) -> i32 {
    let whole = p as i32;
    let rest = p - f64::from(whole);
    if rest >= 0.5 {
        whole + 1
    } else if rest <= -0.5 {
        whole - 1
    } else {
        whole
    }
}

/// Ticks for a linear axis: "nice" steps of 1, 2, 2.5 or 5 × 10ⁿ covering
/// `[lo, hi]`, at most about `target + 2` of them. Returns the ticks and the
/// number of decimals needed to print them.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, u8) {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !lo.is_finite() || !hi.is_finite() {
        return (vec![0.0, 1.0], 0);
    }
    if hi - lo < 1e-9 {
        if lo == 0.0 {
            hi = 1.0;
        } else {
            let pad = lo.abs() * 0.1;
            lo -= pad;
            hi += pad;
        }
    }
    let target = target.max(2) as f64;
    let raw = (hi - lo) / target;
    let mag = 10f64.powf(raw.log10().floor());
    let mut step = mag * 10.0;
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= raw {
            step = m * mag;
            break;
        }
    }
    let start = (lo / step).floor();
    let end = (hi / step).ceil();
    let mut ticks = Vec::new();
    let mut i = start;
    while i <= end + 1e-9 && ticks.len() < 50 {
        let v = i * step;
        // Clean up floating noise such as 0.30000000000000004.
        let v = (v / step).round() * step;
        ticks.push(if v == 0.0 { 0.0 } else { v });
        i += 1.0;
    }
    let decimals = if step >= 1.0 {
        0
    } else {
        let mut d = 0u8;
        let mut s = step;
        while (s - s.round()).abs() > 1e-9 && d < 6 {
            s *= 10.0;
            d += 1;
        }
        d
    };
    (ticks, decimals)
}

/// Like [`nice_ticks`], for whole counts: the step is never below 1, so no
/// tick is a fraction and no two labels repeat.
pub fn count_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (ticks, decimals) = nice_ticks(lo, hi, target);
    if decimals == 0 {
        return ticks;
    }
    let lo = if lo.is_finite() { lo.floor() } else { 0.0 };
    let hi = if hi.is_finite() { hi.ceil() } else { 1.0 };
    let hi = hi.max(lo + 1.0);
    let mut out = Vec::new();
    let mut v = lo;
    while v <= hi && out.len() < 12 {
        out.push(v);
        v += 1.0;
    }
    out
}

/// Formats a number with thousands separators and a fixed number of
/// decimals, e.g. `45,755` or `12.5`. Uses a true minus sign for negatives
/// when `minus_sign` is set (for display), a hyphen otherwise.
pub fn fmt_num(v: f64, decimals: u8) -> String {
    fmt_num_sign(v, decimals, "\u{2212}")
}

fn fmt_num_sign(v: f64, decimals: u8, minus: &str) -> String {
    if !v.is_finite() {
        return String::from("n/a");
    }
    let decimals = decimals.min(6) as usize;
    // Whole numbers (most labels: counts, ticks) without float formatting;
    // below 2^53 every whole f64 is exact as a u64.
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        let mut out = String::with_capacity(24);
        if v < 0.0 {
            out.push_str(minus);
        }
        push_grouped(&mut out, v.abs() as u64);
        if decimals > 0 {
            out.push('.');
            out.extend(std::iter::repeat_n('0', decimals));
        }
        return out;
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    let digits: Vec<char> = int.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    let is_zero = s.chars().all(|c| c == '0' || c == '.');
    let mut out = String::new();
    if v < 0.0 && !is_zero {
        out.push_str(minus);
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// Appends `n` with a comma between each group of three digits.
fn push_grouped(out: &mut String, n: u64) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n);
    let first = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    out.push_str(&digits[..first]);
    let mut rest = &digits[first..];
    while !rest.is_empty() {
        out.push(',');
        out.push_str(&rest[..3]);
        rest = &rest[3..];
    }
}

/// Formats an integer count with thousands separators.
pub fn fmt_count(v: u64) -> String {
    fmt_num(v as f64, 0)
}

/// A plain number for CSV: no separators, at most `max_decimals`, trailing
/// zeros dropped, hyphen-minus.
pub fn plain_num(v: f64, max_decimals: u8) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{:.*}", max_decimals.min(9) as usize, v);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { String::from("0") } else { s }
}

/// Appends `s` to `out` as one CSV cell, RFC 4180 quoted when needed. A
/// text cell starting with `=`, `+`, `-` or `@` gets a leading `'` (unless
/// it is a number), so spreadsheets do not run it as a formula. A cell
/// that needs no quoting (the usual case) is copied as it stands.
pub fn push_csv_cell(out: &mut String, s: &str) {
    // Spreadsheets run a cell that starts with one of these as a formula.
    let risky = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
        && s.parse::<f64>().is_err();
    let quoted = s.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if risky {
        out.push('\'');
    }
    if quoted {
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends one CSV row (cells quoted as by [`push_csv_cell`]) and its `\n`.
pub fn push_csv_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_cell(out, cell.as_ref());
    }
    out.push('\n');
}

/// Appends the decimal digits of `v`: for CSVs with a row per day, where
/// going through `format!` for every number shows in a large build.
pub fn push_uint(out: &mut String, v: u64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Joins cells into CSV text: one header row, then rows, CRLF-free (`\n`).
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let cells: usize = rows
        .iter()
        .map(|r| r.iter().map(|c| c.len() + 1).sum::<usize>())
        .sum();
    let mut out = String::with_capacity(cells + 64);
    push_csv_row(&mut out, header);
    for r in rows {
        push_csv_row(&mut out, r);
    }
    out
}

/// Appends `s` escaped for XML content and attributes; control characters,
/// which XML does not allow, become spaces.
pub fn push_xml_escaped(out: &mut String, s: &str) {
    // Most labels need no escaping: copied whole.
    if !s.bytes().any(|b| {
        matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'') || (b < 0x20 && b != b'\n' && b != b'\t')
    }) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// An id prefix from the chart name: ASCII letters, digits and `-` only.
pub fn id_prefix(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        s.push_str("chart");
    }
    format!("chart-{s}")
}

/// A label that wants to sit at `y` (its vertical centre), spanning
/// `[x0, x1]` horizontally.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelWant {
    pub x0: i32,
    pub x1: i32,
    pub y: i32,
}

/// Places labels so that no two that overlap horizontally are closer than
/// `gap` vertically, keeping them within `[top, bottom]` and as close to
/// where they want to be as possible. Returns the placed centre y of each
/// label, in input order. Deterministic: ties break by input order.
pub fn place_labels(wants: &[LabelWant], gap: i32, top: i32, bottom: i32) -> Vec<i32> {
    let n = wants.len();
    let mut placed: Vec<i32> = wants.iter().map(|w| w.y).collect();
    if n == 0 {
        return placed;
    }
    // Group labels whose horizontal extents overlap (transitively).
    let mut group: Vec<usize> = (0..n).collect();
    fn find(g: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while g[r] != r {
            r = g[r];
        }
        let mut j = i;
        while g[j] != r {
            let next = g[j];
            g[j] = r;
            j = next;
        }
        r
    }
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (wants[i], wants[j]);
            if a.x0 <= b.x1 && b.x0 <= a.x1 {
                let (ri, rj) = (find(&mut group, i), find(&mut group, j));
                if ri != rj {
                    let (lo, hi) = if ri < rj { (ri, rj) } else { (rj, ri) };
                    group[hi] = lo;
                }
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| find(&mut group, i)).collect();
    let mut done = vec![false; n];
    for r in 0..n {
        if done[r] {
            continue;
        }
        let mut members: Vec<usize> = (0..n).filter(|&i| roots[i] == roots[r]).collect();
        for &m in &members {
            done[m] = true;
        }
        members.sort_by_key(|&i| (wants[i].y, i));
        let ys = spread(
            &members.iter().map(|&i| wants[i].y).collect::<Vec<_>>(),
            gap,
            top,
            bottom,
        );
        for (k, &i) in members.iter().enumerate() {
            placed[i] = ys[k];
        }
    }
    placed
}

/// Spreads sorted positions apart by at least `gap`, within bounds, by
/// merging overlapping clusters and centring each cluster on the mean of
/// what its members want.
fn spread(want: &[i32], gap: i32, top: i32, bottom: i32) -> Vec<i32> {
    // Each cluster: (first index, count, start position).
    let mut clusters: Vec<(usize, usize, f64)> = Vec::new();
    for (i, &w) in want.iter().enumerate() {
        clusters.push((i, 1, w as f64));
        loop {
            let len = clusters.len();
            if len < 2 {
                break;
            }
            let (a_i, a_n, a_s) = clusters[len - 2];
            let (_, b_n, b_s) = clusters[len - 1];
            if a_s + (a_n as f64) * gap as f64 > b_s {
                let n = a_n + b_n;
                let mean: f64 =
                    want[a_i..a_i + n].iter().map(|&v| v as f64).sum::<f64>() / n as f64;
                let start = mean - (n as f64 - 1.0) * gap as f64 / 2.0;
                clusters.pop();
                clusters.pop();
                clusters.push((a_i, n, start));
            } else {
                break;
            }
        }
    }
    let mut out: Vec<i32> = Vec::with_capacity(want.len());
    for (_, n, s) in &clusters {
        for k in 0..*n {
            out.push((s + (k as f64) * gap as f64).round() as i32);
        }
    }
    // Keep inside the bounds: push down from the top, then up from the bottom.
    for i in 0..out.len() {
        let min = if i == 0 { top } else { out[i - 1] + gap };
        if out[i] < min {
            out[i] = min;
        }
    }
    for i in (0..out.len()).rev() {
        let max = if i + 1 == out.len() {
            bottom
        } else {
            out[i + 1] - gap
        };
        if out[i] > max {
            out[i] = max;
        }
    }
    out
}

/// Splits `text` into lines no wider than `max_px` at `px` (by estimate).
/// Every chart wraps its source line twice (to make room, then to draw
/// it), and a site's charts share one source, so each thread keeps the
/// last wrapping.
pub fn wrap(text: &str, px: u32, max_px: i32) -> Vec<String> {
    type Wrapped = Option<(String, u32, i32, Vec<String>)>;
    thread_local! {
        static LAST: std::cell::RefCell<Wrapped> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((t, p, m, lines)) = last.as_ref()
            && (t.as_str(), *p, *m) == (text, px, max_px)
        {
            return lines.clone();
        }
        let lines = wrap_words(text, px, max_px);
        *last = Some((text.to_string(), px, max_px, lines.clone()));
        lines
    })
}

/// [`wrap`], worked out.
fn wrap_words(text: &str, px: u32, max_px: i32) -> Vec<String> {
    // Widths are by characters (see `text_width`), so a line's is counted
    // as it grows instead of measured again for every word.
    let width_of = |chars: usize| ((chars as i64 * i64::from(px) * 6 + 9) / 10) as i32;
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        if cur.is_empty() {
            cur.push_str(word);
            cur_chars = word_chars;
        } else if width_of(cur_chars + 1 + word_chars) > max_px {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
            cur_chars = word_chars;
        } else {
            cur.push(' ');
            cur.push_str(word);
            cur_chars += 1 + word_chars;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

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

pub use crate::text::{MONTH_NAMES, MONTHS};

/// Whether `year` is a leap year.
pub fn is_leap(year: i32) -> bool {
    first_of_year(year).is_some_and(|d| d.in_leap_year())
}

/// 1 January of `year`, if jiff can represent it.
fn first_of_year(year: i32) -> Option<jiff::civil::Date> {
    jiff::civil::Date::new(i16::try_from(year).ok()?, 1, 1).ok()
}

/// The date of a 1-based `day` of `year`, or `None` when out of range.
fn date_of_year(year: i32, day: u16) -> Option<jiff::civil::Date> {
    let day = i16::try_from(day).ok()?;
    first_of_year(year)?.with().day_of_year(day).build().ok()
}

/// Day of year (1-based) of the first day of each month.
pub fn month_starts(year: i32) -> [u16; 12] {
    let mut starts = [1u16; 12];
    for (i, start) in starts.iter_mut().enumerate() {
        let first = first_of_year(year).and_then(|d| d.with().month(i as i8 + 1).build().ok());
        *start = first.map_or(1, |d| d.day_of_year() as u16);
    }
    starts
}

/// "20 August" for a 1-based day of `year`; falls back to "day N".
pub fn day_of_year_text(year: i32, day: u16) -> String {
    match date_of_year(year, day) {
        Some(d) => d.strftime("%-d %B").to_string(),
        None => format!("day {day}"),
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian); 0 for a
/// date jiff cannot represent.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let date = (|| {
        jiff::civil::Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()
    })();
    match (date, jiff::civil::Date::new(1970, 1, 1)) {
        (Some(date), Ok(epoch)) => i64::from((date - epoch).get_days()),
        _ => 0,
    }
}

/// The plot rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plot {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
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

/// Polylines' points, written once as text by what they draw. A site's
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

    /// The points text of the line of `series` (a number the caller keeps
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
            push_points(&mut text, pts);
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

/// Draws a solid polyline from points text that [`PolylineCache`] wrote;
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

/// Dash patterns for [`dashed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// 6 on, 4 off: projections and plans.
    Long,
    /// 3 on, 3 off: light references.
    Short,
}

impl Dash {
    /// plotters' styles have no dash pattern, so a dashed line is drawn as
    /// one polyline whose opacity is a marker value, which the backend
    /// ([`super::svg::SvgWriter`]) writes as the dash pattern.
    const MARKERS: [(Dash, f64, &'static str); 2] =
        [(Dash::Long, 0.999, "6 4"), (Dash::Short, 0.998, "3 3")];

    /// The `stroke-dasharray` of the dash whose marker opacity is `alpha`.
    pub(crate) fn of_marker(alpha: f64) -> Option<&'static str> {
        Self::MARKERS.iter().find(|m| m.1 == alpha).map(|m| m.2)
    }

    fn marker(self) -> f64 {
        Self::MARKERS
            .iter()
            .find(|m| m.0 == self)
            .map(|m| m.1)
            .unwrap_or(1.0)
    }
}

/// Draws a dashed polyline (one SVG element with `stroke-dasharray`).
pub fn dashed(area: &Area, pts: &[(i32, i32)], color: RGBColor, width: u32, dash: Dash) {
    let pts = simplify(pts);
    if pts.len() < 2 {
        return;
    }
    let style = color.mix(dash.marker()).stroke_width(width);
    let _ = area.draw(&PathElement::new(pts, style));
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
pub fn y_grid(area: &Area, theme: &Theme, plot: Plot, ys: &Scale, ticks: &[(f64, String)]) {
    for (v, label) in ticks {
        let y = ys.px(*v);
        if y < plot.top - 1 || y > plot.bottom + 1 {
            continue;
        }
        line(area, &[(plot.left, y), (plot.right, y)], theme.grid, 1);
        text(
            area,
            label,
            (plot.left - 8, y),
            &theme.font(theme.tick_size, theme.muted_text, Anchor::End, false),
        );
    }
}

/// X tick labels under the plot with short tick marks, at pixel positions.
pub fn x_labels(area: &Area, theme: &Theme, plot: Plot, ticks: &[(i32, String)], marks: bool) {
    let y = plot.bottom + 6 + theme.tick_size as i32 / 2 + 2;
    for (x, label) in ticks {
        if marks {
            line(
                area,
                &[(*x, plot.bottom), (*x, plot.bottom + 5)],
                theme.baseline,
                1,
            );
        }
        text(
            area,
            label,
            (*x, y),
            &theme.font(theme.tick_size, theme.muted_text, Anchor::Middle, false),
        );
    }
}

/// Draws the source line(s) at the bottom left and returns the y of the
/// top of the block, so the plot can end above it.
pub fn source_block(area: &Area, theme: &Theme, source: &str) -> i32 {
    let px = theme.source_size;
    let lh = theme.line_height(px);
    let lines = wrap(source, px, theme.width as i32 - 16);
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

/// Height the source block needs (same computation as [`source_block`]).
pub fn source_height(theme: &Theme, source: &str) -> i32 {
    let lines = wrap(source, theme.source_size, theme.width as i32 - 16);
    6 + lines.len() as i32 * theme.line_height(theme.source_size)
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
    name: &str,
    title: &str,
    desc: &str,
    draw: impl FnOnce(&Area),
) -> String {
    // Room for a typical chart, so that the writing seldom has to grow
    // (and copy) the buffer.
    let mut buf = String::with_capacity(16 * 1024);
    {
        let area = SvgWriter::new(&mut buf, theme, name, title, desc).into_drawing_area();
        background(&area, theme);
        draw(&area);
        let _ = area.present();
    }
    buf
}

/// The standard plot rectangle, leaving `right_room` for end labels and
/// room for the source line at the bottom.
pub fn plot_rect(theme: &Theme, source: &str, left: i32, right_room: i32) -> Plot {
    let bottom = theme.height as i32 - source_height(theme, source) - theme.x_axis_height - 8;
    Plot {
        left,
        top: theme.margin_top,
        right: theme.width as i32 - right_room,
        bottom,
    }
}

/// Width of the widest of `labels` at `px`.
pub fn widest(labels: &[String], px: u32) -> i32 {
    labels.iter().map(|l| text_width(l, px)).max().unwrap_or(0)
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

/// Width the right margin needs for end labels.
/// Bold text is about a tenth wider, so the room allows for that.
pub fn end_label_room(theme: &Theme, texts: &[String]) -> i32 {
    let lines: Vec<String> = texts
        .iter()
        .flat_map(|t| t.lines().map(str::to_string))
        .collect();
    widest(&lines, theme.label_size) * 11 / 10 + theme.label_gap + 12
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

/// `YYYY-MM-DD` for a 1-based day of `year`, or `None` when out of range.
pub fn date_of_day(year: i32, day: u16) -> Option<String> {
    date_of_year(year, day).map(|d| d.to_string())
}

/// Writes the dates of one year's days as [`date_of_day`] does, from the
/// year's month starts rather than through jiff for every day: CSVs have a
/// row per day, and a large site writes millions of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearDates {
    year: i32,
    starts: [u16; 12],
    days: u16,
}

impl YearDates {
    /// The calendar of `year`.
    pub fn new(year: i32) -> Self {
        YearDates {
            year,
            starts: month_starts(year),
            days: if is_leap(year) { 366 } else { 365 },
        }
    }

    /// Appends the date of the 1-based `day` as a CSV cell: exactly
    /// `push_csv_cell(out, &date_of_day(year, day).unwrap_or_default())`, so nothing
    /// when the day is out of range.
    pub fn push_cell(&self, out: &mut String, day: u16) {
        if !(0..=9999).contains(&self.year) {
            // Not four digits: jiff's wording (a sign, six digits) decides.
            push_csv_cell(out, &date_of_day(self.year, day).unwrap_or_default());
            return;
        }
        if day == 0 || day > self.days {
            return;
        }
        let month = self.starts.iter().rposition(|&s| s <= day).unwrap_or(0);
        let day_of_month = day - self.starts[month] + 1;
        push_padded(out, self.year as u32, 4);
        out.push('-');
        push_padded(out, month as u32 + 1, 2);
        out.push('-');
        push_padded(out, u32::from(day_of_month), 2);
    }
}

/// Appends the last `width` (at most 4) digits of `v`, with leading zeros.
fn push_padded(out: &mut String, v: u32, width: usize) {
    const POWERS: [u32; 4] = [1000, 100, 10, 1];
    for p in &POWERS[POWERS.len() - width.min(4)..] {
        out.push(char::from(b'0' + (v / p % 10) as u8));
    }
}

/// A `<text>` element's estimated box in an SVG written here, for tests.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextBox {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

/// The estimated box of every `<text>` in `svg`: width from [`text_width`]
/// (a tenth more when bold), placed by `text-anchor`, one font size tall
/// centred on `y` (the text is drawn with `dy="0.5ex"`).
#[cfg(test)]
pub(crate) fn text_boxes(svg: &str) -> Vec<TextBox> {
    fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let key = format!(" {name}=\"");
        let i = tag.find(&key)? + key.len();
        tag[i..].split('"').next()
    }
    // Texts without a size have the root's.
    let root = &svg[..svg.find('>').unwrap_or(0)];
    let root_size = attr(root, "font-size").and_then(|v| v.parse::<f64>().ok());
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text ") {
        rest = &rest[i..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[..close];
        let body_end = rest.find("</text>").unwrap_or(rest.len());
        let raw = rest[close + 1..body_end].trim();
        rest = &rest[body_end..];
        let text = raw
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        let num = |n: &str| {
            attr(tag, n)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let size = attr(tag, "font-size")
            .and_then(|v| v.parse::<f64>().ok())
            .or(root_size)
            .unwrap_or(0.0);
        let (x, y) = (num("x"), num("y"));
        let mut w = text_width(&text, size.round() as u32) as f64;
        if attr(tag, "font-weight") == Some("bold") {
            w *= 1.1;
        }
        let x0 = match attr(tag, "text-anchor") {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        out.push(TextBox {
            text,
            x0,
            x1: x0 + w,
            y0: y - size / 2.0,
            y1: y + size / 2.0,
        });
    }
    out
}

/// Checks that every text of `svg` lies inside its viewBox and that no two
/// texts overlap, by the estimates of [`text_boxes`].
#[cfg(test)]
pub(crate) fn check_text_layout(svg: &str) -> Result<(), String> {
    let vb = svg
        .split("viewBox=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .ok_or("no viewBox")?;
    let dims: Vec<f64> = vb.split(' ').filter_map(|v| v.parse().ok()).collect();
    let (w, h) = match dims[..] {
        [_, _, w, h] => (w, h),
        _ => return Err(format!("bad viewBox {vb}")),
    };
    let boxes = text_boxes(svg);
    let mut problems = Vec::new();
    for b in &boxes {
        if b.x0 < 0.0 || b.x1 > w || b.y0 < 0.0 || b.y1 > h {
            problems.push(format!("outside {w}x{h}: {b:?}"));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 {
                problems.push(format!("overlap: {a:?} and {b:?}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(fmt_num(45755.0, 0), "45,755");
        assert_eq!(fmt_num(299.0, 0), "299");
        assert_eq!(fmt_num(1234567.0, 0), "1,234,567");
        assert_eq!(fmt_num(52.44, 1), "52.4");
        assert_eq!(fmt_num(-1500.0, 0), "\u{2212}1,500");
        assert_eq!(fmt_num(-0.01, 0), "0");
        assert_eq!(fmt_num(f64::NAN, 0), "n/a");
        assert_eq!(fmt_count(100_000), "100,000");
    }

    #[test]
    fn plain_numbers_for_csv() {
        assert_eq!(plain_num(45755.0, 2), "45755");
        assert_eq!(plain_num(7.142857, 2), "7.14");
        assert_eq!(plain_num(-3.5, 2), "-3.5");
        assert_eq!(plain_num(-0.0001, 2), "0");
    }

    /// One cell as [`push_csv_cell`] writes it.
    fn csv_cell(s: &str) -> String {
        let mut out = String::new();
        push_csv_cell(&mut out, s);
        out
    }

    #[test]
    fn csv_quoting_and_formula_escape() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("@x"), "'@x");
        assert_eq!(csv_cell("-12.5"), "-12.5");
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(
            csv(&["a", "b"], &[vec!["1".into(), "2".into()]]),
            "a,b\n1,2\n"
        );
        assert_eq!(csv_cell("=a,\"b\""), "\"'=a,\"\"b\"\"\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn numbers_written_by_hand_match_format() {
        for v in [0, 7, 10, 99, 100, 45_755, u64::from(u32::MAX), u64::MAX] {
            let mut s = String::new();
            push_uint(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        let mut s = String::new();
        push_padded(&mut s, 7, 4);
        push_padded(&mut s, 0, 2);
        push_padded(&mut s, 2026, 4);
        assert_eq!(s, "0007002026");
    }

    #[test]
    fn year_dates_match_date_of_day() {
        for year in [
            -10_000, -1, 0, 1, 99, 1900, 2000, 2024, 2025, 2026, 9999, 10_000,
        ] {
            let dates = YearDates::new(year);
            for day in 0..=367 {
                let mut got = String::new();
                dates.push_cell(&mut got, day);
                let want = csv_cell(&date_of_day(year, day).unwrap_or_default());
                assert_eq!(got, want, "{year} day {day}");
            }
        }
    }

    #[test]
    fn ticks_are_nice() {
        let (t, d) = nice_ticks(0.0, 45755.0, 5);
        assert_eq!(d, 0);
        assert_eq!(t.first(), Some(&0.0));
        assert!(t.last().copied().unwrap_or(0.0) >= 45755.0);
        for v in &t {
            assert_eq!(v.fract(), 0.0);
        }
        let (t, d) = nice_ticks(-7.3, 12.1, 5);
        assert!(t.contains(&0.0));
        assert_eq!(d, 0);
        let (t, d) = nice_ticks(0.0, 0.3, 4);
        assert_eq!(d, 1);
        assert!(t.iter().all(|v| fmt_num(*v, d).len() <= 3));
        let (t, _) = nice_ticks(0.0, 0.0, 5);
        assert!(t.len() >= 2);
        let (t, _) = nice_ticks(f64::NAN, 1.0, 5);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn count_ticks_are_whole() {
        assert_eq!(count_ticks(0.0, 0.0, 5), vec![0.0, 1.0]);
        assert_eq!(count_ticks(0.0, 3.0, 5), vec![0.0, 1.0, 2.0, 3.0]);
        let t = count_ticks(0.0, 45755.0, 5);
        assert!(t.iter().all(|v| v.fract() == 0.0));
    }

    #[test]
    fn labels_do_not_overlap() {
        let wants = [
            LabelWant {
                x0: 700,
                x1: 740,
                y: 300,
            },
            LabelWant {
                x0: 700,
                x1: 740,
                y: 302,
            },
            LabelWant {
                x0: 700,
                x1: 740,
                y: 305,
            },
            LabelWant {
                x0: 100,
                x1: 140,
                y: 301,
            },
        ];
        let ys = place_labels(&wants, 16, 10, 400);
        let mut right: Vec<i32> = ys[..3].to_vec();
        right.sort();
        assert!(right[1] - right[0] >= 16 && right[2] - right[1] >= 16);
        // The label far away horizontally is left alone.
        assert_eq!(ys[3], 301);
        // Bounds hold.
        let ys = place_labels(&wants[..3], 16, 10, 310);
        assert!(ys.iter().all(|&y| y <= 310));
        let ys = place_labels(&wants[..3], 16, 295, 600);
        assert!(ys.iter().all(|&y| y >= 295));
    }

    #[test]
    fn layout_check_finds_overlaps_and_cut_offs() {
        let theme = Theme::narrow();
        let svg = render(&theme, "t", "T", "D", |a| {
            let f = theme.font(13, theme.text, Anchor::Start, false);
            text(a, "Hello", (10, 20), &f);
            text(a, "World", (200, 20), &f);
        });
        assert_eq!(text_boxes(&svg).len(), 2);
        assert_eq!(check_text_layout(&svg), Ok(()));
        let svg = render(&theme, "t", "T", "D", |a| {
            let f = theme.font(13, theme.text, Anchor::End, true);
            text(a, "Hello &", (40, 20), &f);
            text(a, "World", (30, 25), &f);
            text(
                a,
                "Cut",
                (359, 100),
                &theme.font(13, theme.text, Anchor::Start, false),
            );
        });
        let err = check_text_layout(&svg).unwrap_err();
        assert!(err.contains("overlap"), "{err}");
        assert!(err.contains("outside"), "{err}");
        assert!(err.contains("Hello &"), "{err}");
    }

    #[test]
    fn narrow_theme_ids_and_size() {
        let theme = Theme::narrow();
        let svg = render(&theme, "cumulative", "T", "D", |_| {});
        assert!(svg.contains("viewBox=\"0 0 360 420\""));
        assert!(svg.contains("id=\"chart-cumulative-narrow\""));
        assert!(svg.contains("aria-labelledby=\"chart-cumulative-narrow-title"));
        assert!(theme.is_narrow() && !Theme::default().is_narrow());
    }

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
        let svg = render(&theme, "t", "T", "D", |a| {
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
    fn text_width_estimate() {
        assert_eq!(text_width("2026", 14), 34);
        assert_eq!(text_width("", 14), 0);
    }

    #[test]
    fn font_size_is_exact_in_svg() {
        let theme = Theme::default();
        let svg = render(&theme, "t", "T", "D", |a| {
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
    fn pixels_round_as_f64_round_does() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            -0.49999999999999994,
            99_999.5,
            -99_999.5,
            100_000.0,
            -100_000.0,
        ];
        let mut x = 0.123_456_789_f64;
        for _ in 0..100_000 {
            x = (x * 7919.0 + 0.618_033_988_7) % 200_000.0 - 100_000.0;
            values.push(x);
            values.push(x.trunc() + 0.5);
            values.push(x.trunc() - 0.5);
        }
        for v in values {
            let v = v.clamp(-100_000.0, 100_000.0);
            assert_eq!(round_to_pixel(v), v.round() as i32, "{v}");
        }
    }

    #[test]
    fn root_is_responsive_and_accessible() {
        let theme = Theme::default();
        let svg = render(&theme, "My chart", "A <b> & c", "D", |_| {});
        assert!(svg.starts_with(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 800 450\" width=\"100%\""
        ));
        assert!(svg.contains("aria-labelledby=\"chart-my-chart-title chart-my-chart-desc\""));
        assert!(svg.contains("<title id=\"chart-my-chart-title\">A &lt;b&gt; &amp; c</title>"));
        assert!(!svg.lines().next().unwrap_or("").contains("width=\"800\""));
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn dashed_lines_are_one_element() {
        let theme = Theme::default();
        let svg = render(&theme, "d", "T", "D", |a| {
            dashed(
                a,
                &[(0, 0), (100, 0), (200, 50)],
                theme.accent,
                2,
                Dash::Long,
            );
            dashed(a, &[(0, 0), (100, 0)], theme.muted, 1, Dash::Short);
        });
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains(" stroke-dasharray=\"6 4\""));
        assert!(!svg.contains("opacity="), "dashed lines are opaque");
        assert!(svg.contains("stroke-dasharray=\"3 3\""));
        assert!(!svg.contains("0.999"));
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

    #[test]
    fn whole_numbers_are_grouped_as_float_formatting_groups_them() {
        // The general path, which every number took before whole ones got
        // their own.
        fn formatted(v: f64, decimals: u8) -> String {
            let s = format!("{:.*}", decimals.min(6) as usize, v.abs());
            let (int, frac) = match s.split_once('.') {
                Some((i, f)) => (i.to_string(), Some(f.to_string())),
                None => (s.clone(), None),
            };
            let digits: Vec<char> = int.chars().collect();
            let mut out = String::new();
            if v < 0.0 && !s.chars().all(|c| c == '0' || c == '.') {
                out.push('\u{2212}');
            }
            for (i, c) in digits.iter().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(*c);
            }
            if let Some(f) = frac {
                out.push('.');
                out.push_str(&f);
            }
            out
        }
        let mut values = vec![
            0.0, -0.0, 1.0, -1.0, 999.0, 1000.0, -45755.0, 8.9e15, -8.9e15,
        ];
        let mut n = 1u64;
        while n < 9_000_000_000_000_000 {
            values.extend([n as f64, (n - 1) as f64, (n + 1) as f64, -(n as f64)]);
            n *= 10;
        }
        for v in values {
            for decimals in [0, 1, 2, 6, 9] {
                assert_eq!(
                    fmt_num(v, decimals),
                    formatted(v, decimals),
                    "{v} to {decimals}"
                );
            }
        }
    }

    #[test]
    fn wrapping_counts_widths_as_measuring_each_line_would() {
        // The way lines were wrapped before widths were counted.
        fn measured(text: &str, px: u32, max_px: i32) -> Vec<String> {
            let mut lines: Vec<String> = Vec::new();
            let mut cur = String::new();
            for word in text.split_whitespace() {
                let cand = if cur.is_empty() {
                    word.to_string()
                } else {
                    format!("{cur} {word}")
                };
                if text_width(&cand, px) > max_px && !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                    cur = word.to_string();
                } else {
                    cur = cand;
                }
            }
            if !cur.is_empty() {
                lines.push(cur);
            }
            lines
        }
        let texts = [
            "Source: Home Office, Migrants detected crossing the English Channel in small boats (released 21 August 2026)",
            "  spaced   out\twords\nand lines ",
            "a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh",
            "naïve café – “quoted” words, ’25 and ’26",
            "averyveryverylongwordthatfitsnowhere short",
            "",
        ];
        for text in texts {
            for px in [1, 7, 12, 13, 14] {
                for max_px in [-1, 0, 5, 30, 77, 200, 344, 784] {
                    assert_eq!(
                        wrap(text, px, max_px),
                        measured(text, px, max_px),
                        "{text:?} at {px} px in {max_px}"
                    );
                }
            }
        }
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(day_of_year_text(2026, 232), "20 August");
        assert_eq!(day_of_year_text(2024, 60), "29 February");
        assert_eq!(day_of_year_text(2026, 0), "day 0");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2025, 8, 6), 20306);
        assert_eq!(wrap("aa bb cc", 10, 30), vec!["aa bb", "cc"]);
        assert_eq!(date_of_day(2026, 232).as_deref(), Some("2026-08-20"));
        assert_eq!(date_of_day(2024, 366).as_deref(), Some("2024-12-31"));
        assert_eq!(date_of_day(2025, 366), None);
    }
}
