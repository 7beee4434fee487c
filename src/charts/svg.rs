//! The SVG backend the charts are drawn on: plotters draws, this writes.
//!
//! It writes the same elements as plotters' own SVG backend, but straight
//! into the chart's string and already in their final form: the root
//! element is ours (responsive, with the title and description first), the
//! font family is set once on the root instead of on every text, font
//! sizes are whole pixels instead of `size / 1.24` float noise, and dashed
//! lines carry their `stroke-dasharray`. plotters' backend formats every
//! number and colour through `format!` and escapes every character of
//! every point list; a site of a thousand briefs draws six thousand of
//! these, so the writing is done here with plain pushes.

use std::convert::Infallible;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};

use super::labels::id_prefix;
use super::style::{Dash, FONT_FAMILY, Theme, text_width};
use crate::text::{plain_num, push_xml_escaped};

/// A chart's SVG document being drawn.
pub struct SvgWriter<'a> {
    out: &'a mut String,
    size: (u32, u32),
    closed: bool,
    /// The font size and colour the root sets for text, in pixels and
    /// RGB: most labels are ticks, which then need neither.
    text_size: u32,
    text_fill: (u8, u8, u8),
    /// The stroked path being written, not yet in `out`: lines drawn one
    /// after another in the same solid style (an axis and its ticks) join
    /// it as further subpaths, so that a chart has one element for them,
    /// not one each. `path_style` holds its attributes, `path_data` its
    /// `d`, and `path_joins` whether another line may join it.
    path_style: String,
    path_data: String,
    path_joins: bool,
    /// The attributes of the line being drawn, kept to reuse the buffer.
    line_style: String,
}

impl<'a> SvgWriter<'a> {
    /// Starts the document of chart `name` drawn with `theme` in `out`:
    /// the root element, then the title and the description, which screen
    /// readers announce.
    /// A writer of the chart `name` drawn with `theme` into `out`, headed by
    /// its `(title, subtitle)` when it is the wide drawing (see
    /// [`push_root`]), described by `desc`.
    pub fn new(
        out: &'a mut String,
        theme: &Theme,
        (name, title, subtitle): (&str, &str, &str),
        desc: &str,
    ) -> Self {
        let text_fill = push_root(out, theme, (name, title, subtitle), desc);
        SvgWriter {
            out,
            size: (theme.width, theme.height),
            closed: false,
            text_size: theme.tick_size,
            text_fill,
            path_style: String::new(),
            path_data: String::with_capacity(1024),
            path_joins: false,
            line_style: String::new(),
        }
    }

    /// An attribute with a number: `start` is ` name="` (one push, not
    /// three: a large site writes millions of these).
    fn int_attr(&mut self, start: &str, value: i64) {
        self.out.push_str(start);
        push_int(self.out, value);
        self.out.push('"');
    }

    /// ` name="value"` for text, escaped.
    fn text_attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        push_xml_escaped(self.out, value);
        self.out.push('"');
    }

    /// ` opacity="…"` unless opaque (the default).
    fn opacity(&mut self, color: BackendColor) {
        if color.alpha != 1.0 {
            self.out.push_str(" opacity=\"");
            push_float(self.out, color.alpha);
            self.out.push('"');
        }
    }

    /// ` name="#RRGGBB"`, `start` being ` name="`.
    fn color(&mut self, start: &str, color: BackendColor) {
        self.out.push_str(start);
        push_hex_color(self.out, color.rgb);
        self.out.push('"');
    }

    /// ` points="x,y x,y "`.
    fn points(&mut self, path: impl IntoIterator<Item = BackendCoord>) {
        self.out.push_str(" points=\"");
        push_points(self.out, path);
        self.out.push('"');
    }

    /// A stroked line in `style`, dashed with `dash` if given, whose `d`
    /// `write_data` appends: joined to the path being written when that
    /// has the same solid style, else starting another. Dashed and
    /// translucent lines stand alone, since a dash pattern restarts and
    /// overlapping strokes of one path blend once.
    fn stroke<S: BackendStyle>(
        &mut self,
        style: &S,
        dash: Option<Dash>,
        write_data: impl FnOnce(&mut String),
    ) {
        let color = style.color();
        if color.alpha == 0.0 {
            return;
        }
        let mut attrs = std::mem::take(&mut self.line_style);
        attrs.clear();
        push_stroke_style(&mut attrs, color, style.stroke_width(), dash);
        let joins = dash.is_none() && color.alpha == 1.0;
        if !(joins && self.path_joins && attrs == self.path_style) {
            self.end_path();
            std::mem::swap(&mut attrs, &mut self.path_style);
            self.path_joins = joins;
        }
        self.line_style = attrs;
        write_data(&mut self.path_data);
    }

    /// Writes out the path being written, if any: every other element
    /// ends it first, so that the drawing order stays as plotters drew.
    fn end_path(&mut self) {
        if self.path_data.is_empty() {
            return;
        }
        self.out.push_str("<path");
        self.out.push_str(&self.path_style);
        self.out.push_str(" d=\"");
        self.out.push_str(&self.path_data);
        self.out.push_str("\"/>\n");
        self.path_data.clear();
    }

    /// ` fill="#…"` for a filled shape (unstroked, the default), else the
    /// outline's colour and width.
    fn fill_or_stroke(&mut self, style: &impl BackendStyle, fill: bool) {
        if fill {
            self.color(" fill=\"", style.color());
        } else {
            self.out.push_str(" fill=\"none\"");
            self.color(" stroke=\"", style.color());
            self.stroke_width(style);
        }
    }

    /// ` stroke-width="…"`, unless the default 1.
    fn stroke_width(&mut self, style: &impl BackendStyle) {
        if style.stroke_width() != 1 {
            self.int_attr(" stroke-width=\"", i64::from(style.stroke_width()));
        }
    }
}

/// The view of a wide drawing without its heading: the page shows the
/// drawing as `file.svg#chart`, beside a caption of its own; the file saved
/// from the page's link shows its title and subtitle above it.
pub const CHART_VIEW: &str = "chart";

/// Writes a chart's root element for chart `name` drawn with `theme`, then
/// its title and description, and gives the colour the root sets for text.
/// A wide drawing is headed by its title and subtitle, drawn above the
/// chart (at negative y, so that the chart's own coordinates stay as they
/// are), and carries the [`CHART_VIEW`] without them.
fn push_root(
    out: &mut String,
    theme: &Theme,
    (name, title, subtitle): (&str, &str, &str),
    desc: &str,
) -> (u8, u8, u8) {
    let id = id_prefix(&format!("{name}{}", theme.id_suffix));
    let (w, h) = (theme.width, theme.height);
    let heading = (!theme.is_narrow()).then(|| Heading::of(theme, title, subtitle));
    let top = heading.as_ref().map_or(0, |hd| hd.height);
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 ");
    push_int(out, -i64::from(top));
    out.push(' ');
    push_int(out, w as i64);
    out.push(' ');
    push_int(out, h as i64 + i64::from(top));
    out.push_str(
        "\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"",
    );
    out.push_str(&id);
    out.push_str("-title ");
    out.push_str(&id);
    out.push_str("-desc\" id=\"");
    out.push_str(&id);
    out.push_str("\" style=\"max-width:");
    push_int(out, w as i64);
    out.push_str("px;height:auto\" font-family=\"");
    out.push_str(FONT_FAMILY_ATTRIBUTE);
    out.push_str("\" font-size=\"");
    push_int(out, i64::from(theme.tick_size));
    out.push_str("\" fill=\"");
    let text_fill = (theme.muted_text.0, theme.muted_text.1, theme.muted_text.2);
    push_hex_color(out, text_fill);
    out.push_str("\">\n<title id=\"");
    out.push_str(&id);
    out.push_str("-title\">");
    push_xml_escaped(out, title);
    out.push_str("</title>\n<desc id=\"");
    out.push_str(&id);
    out.push_str("-desc\">");
    push_xml_escaped(out, desc);
    out.push_str("</desc>\n");
    if let Some(heading) = heading {
        heading.push(out, theme, top);
    }
    text_fill
}

/// A wide drawing's heading: its title and subtitle, wrapped to its width.
struct Heading {
    title: Vec<String>,
    subtitle: Vec<String>,
    /// Its height above the chart, in pixels.
    height: i32,
}

impl Heading {
    const TITLE_PX: u32 = 18;
    const SUBTITLE_PX: u32 = 14;

    fn of(theme: &Theme, title: &str, subtitle: &str) -> Heading {
        let room = theme.width as i32 - 16;
        // Bold is about a tenth wider.
        let title = super::labels::wrap(title, Self::TITLE_PX, room * 10 / 11);
        let subtitle = super::labels::wrap(subtitle, Self::SUBTITLE_PX, room);
        let height = 12
            + title.len() as i32 * theme.line_height(Self::TITLE_PX)
            + subtitle.len() as i32 * theme.line_height(Self::SUBTITLE_PX)
            + 6;
        Heading {
            title,
            subtitle,
            height,
        }
    }

    /// The view without the heading, a white ground under the heading, and
    /// its lines.
    fn push(&self, out: &mut String, theme: &Theme, top: i32) {
        out.push_str("<view id=\"");
        out.push_str(CHART_VIEW);
        out.push_str("\" viewBox=\"0 0 ");
        push_int(out, i64::from(theme.width));
        out.push(' ');
        push_int(out, i64::from(theme.height));
        out.push_str("\"/>\n<rect x=\"0\" y=\"");
        push_int(out, -i64::from(top));
        out.push_str("\" width=\"");
        push_int(out, i64::from(theme.width));
        out.push_str("\" height=\"");
        push_int(out, i64::from(top));
        out.push_str("\" fill=\"#FFFFFF\"/>\n");
        let mut y = 6 - top;
        let lines = self
            .title
            .iter()
            .map(|l| (l, Self::TITLE_PX, true))
            .chain(self.subtitle.iter().map(|l| (l, Self::SUBTITLE_PX, false)));
        for (line, px, bold) in lines {
            y += theme.line_height(px);
            out.push_str("<text x=\"8\" y=\"");
            push_int(out, i64::from(y));
            out.push_str("\" font-size=\"");
            push_int(out, i64::from(px));
            if bold {
                out.push_str("\" font-weight=\"bold\" fill=\"");
                push_hex_color(out, (theme.text.0, theme.text.1, theme.text.2));
            }
            out.push_str("\">");
            push_xml_escaped(out, line);
            out.push_str("</text>\n");
        }
    }
}

impl DrawingBackend for SvgWriter<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        if !self.closed {
            self.end_path();
            self.out.push_str("</svg>\n");
            self.closed = true;
        }
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.end_path();
        self.out.push_str("<rect");
        self.int_attr(" x=\"", i64::from(x));
        self.int_attr(" y=\"", i64::from(y));
        self.out.push_str(" width=\"1\" height=\"1\"");
        self.opacity(color);
        self.color(" fill=\"", color);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.stroke(style, None, |d| push_path_data(d, [from, to]));
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.end_path();
        self.out.push_str("<rect");
        self.int_attr(" x=\"", i64::from(upper_left.0));
        self.int_attr(" y=\"", i64::from(upper_left.1));
        self.int_attr(
            " width=\"",
            i64::from(bottom_right.0) - i64::from(upper_left.0),
        );
        self.int_attr(
            " height=\"",
            i64::from(bottom_right.1) - i64::from(upper_left.1),
        );
        self.opacity(style.color());
        self.fill_or_stroke(style, fill);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.stroke(style, None, |d| push_path_data(d, path));
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.end_path();
        self.out.push_str("<polygon");
        self.opacity(style.color());
        self.color(" fill=\"", style.color());
        self.points(path);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (x, y): BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.end_path();
        self.out.push_str("<circle");
        self.int_attr(" cx=\"", i64::from(x));
        self.int_attr(" cy=\"", i64::from(y));
        self.int_attr(" r=\"", i64::from(radius));
        self.opacity(style.color());
        self.fill_or_stroke(style, fill);
        self.out.push_str("/>\n");
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        self.end_path();
        self.out.push_str("<text");
        self.int_attr(" x=\"", i64::from(x));
        self.int_attr(" y=\"", i64::from(y));
        self.out.push_str(match style.anchor().v_pos {
            VPos::Top => " dy=\"0.76em\"",
            VPos::Center => " dy=\"0.5ex\"",
            VPos::Bottom => " dy=\"-0.5ex\"",
        });
        self.out.push_str(match style.anchor().h_pos {
            HPos::Left => "",
            HPos::Right => " text-anchor=\"end\"",
            HPos::Center => " text-anchor=\"middle\"",
        });
        // The root sets the charts' family; only another one is written.
        let family = style.family();
        if family.as_str() != FONT_FAMILY {
            self.text_attr("font-family", family.as_str());
        }
        // The root's size and colour are not written again.
        let px = style.size() / 1.24;
        if (px - f64::from(self.text_size)).abs() >= 1e-6 {
            self.out.push_str(" font-size=\"");
            push_font_size(self.out, style.size());
            self.out.push('"');
        }
        self.opacity(color);
        if color.rgb != self.text_fill {
            self.color(" fill=\"", color);
        }
        match style.style() {
            FontStyle::Normal => {}
            FontStyle::Bold => self.out.push_str(" font-weight=\"bold\""),
            other => self.text_attr("font-style", other.as_str()),
        }
        let turn = match style.transform() {
            FontTransform::Rotate90 => Some(90),
            FontTransform::Rotate180 => Some(180),
            FontTransform::Rotate270 => Some(270),
            _ => None,
        };
        if let Some(degrees) = turn {
            self.out.push_str(" transform=\"rotate(");
            push_int(self.out, degrees);
            self.out.push_str(", ");
            push_int(self.out, i64::from(x));
            self.out.push_str(", ");
            push_int(self.out, i64::from(y));
            self.out.push_str(")\"");
        }
        self.out.push('>');
        push_xml_escaped(self.out, text);
        self.out.push_str("</text>\n");
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        // No font files: the charts' own estimate (see `text_width`).
        let px = (style.size() / 1.24).round().max(0.0) as u32;
        let width = text_width(text, px).max(0) as u32;
        Ok((width, px))
    }
}

/// Appends the points of a polygon as its `points` attribute lists them:
/// `x,y x,y `.
pub fn push_points(out: &mut String, path: impl IntoIterator<Item = BackendCoord>) {
    for (x, y) in path {
        push_int(out, i64::from(x));
        out.push(',');
        push_int(out, i64::from(y));
        out.push(' ');
    }
}

/// Appends a line through `path` as a path's `d` lists it: `M` to the
/// first point, then each step relative to the one before, `h` or `v`
/// where it is straight across or up and down, else `l` (`M73,372h35l2-1`).
/// This draws what a polyline's `points` draw in about half the bytes, and
/// with no spaces, which a `data:` address writes as three bytes each.
pub fn push_path_data(out: &mut String, path: impl IntoIterator<Item = BackendCoord>) {
    let mut points = path.into_iter();
    let Some((x0, y0)) = points.next() else {
        return;
    };
    out.push('M');
    push_int(out, i64::from(x0));
    out.push(',');
    push_int(out, i64::from(y0));
    let (mut x, mut y) = (i64::from(x0), i64::from(y0));
    for (nx, ny) in points {
        let (dx, dy) = (i64::from(nx) - x, i64::from(ny) - y);
        (x, y) = (i64::from(nx), i64::from(ny));
        match (dx, dy) {
            (dx, 0) => {
                out.push('h');
                push_int(out, dx);
            }
            (0, dy) => {
                out.push('v');
                push_int(out, dy);
            }
            (dx, dy) => {
                out.push('l');
                push_int(out, dx);
                if dy > 0 {
                    out.push(',');
                }
                push_int(out, dy);
            }
        }
    }
}

/// Appends a stroked line's attributes: ` fill="none"`, the dash pattern
/// (or the opacity, if not opaque), the colour, and the width unless 1.
fn push_stroke_style(out: &mut String, color: BackendColor, width: u32, dash: Option<Dash>) {
    out.push_str(" fill=\"none\"");
    match dash {
        Some(dash) => {
            out.push_str(" stroke-dasharray=\"");
            out.push_str(dash.pattern());
            out.push('"');
        }
        None if color.alpha != 1.0 => {
            out.push_str(" opacity=\"");
            push_float(out, color.alpha);
            out.push('"');
        }
        None => {}
    }
    out.push_str(" stroke=\"");
    push_hex_color(out, color.rgb);
    out.push('"');
    if width != 1 {
        out.push_str(" stroke-width=\"");
        push_int(out, i64::from(width));
        out.push('"');
    }
}

/// A line drawn from its path data, written by [`push_path_data`]
/// once and drawn by many charts (see `draw::PolylineCache`). The points
/// are the root area's pixels: the text is written as it is.
pub struct PointsText<'t> {
    pub points: &'t str,
    pub style: plotters::style::ShapeStyle,
}

impl<'a> plotters::element::PointCollection<'a, BackendCoord> for &'a PointsText<'_> {
    type Point = &'a BackendCoord;
    type IntoIter = std::iter::Empty<&'a BackendCoord>;

    fn point_iter(self) -> Self::IntoIter {
        std::iter::empty()
    }
}

impl<'w> plotters::element::Drawable<SvgWriter<'w>> for PointsText<'_> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        _: I,
        backend: &mut SvgWriter<'w>,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        backend.stroke(&self.style, None, |d| d.push_str(self.points));
        Ok(())
    }
}

/// A dashed line. plotters' styles have no dash pattern, so the line
/// reaches the writer as this element rather than as plotters' path.
pub struct DashedPath {
    pub points: Vec<BackendCoord>,
    pub style: plotters::style::ShapeStyle,
    pub dash: Dash,
}

impl<'a> plotters::element::PointCollection<'a, BackendCoord> for &'a DashedPath {
    type Point = &'a BackendCoord;
    type IntoIter = &'a [BackendCoord];

    fn point_iter(self) -> Self::IntoIter {
        &self.points
    }
}

impl<'w> plotters::element::Drawable<SvgWriter<'w>> for DashedPath {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        points: I,
        backend: &mut SvgWriter<'w>,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        backend.stroke(&self.style, Some(self.dash), |d| push_path_data(d, points));
        Ok(())
    }
}

/// [`FONT_FAMILY`] escaped for an attribute, as every chart's root has it.
const FONT_FAMILY_ATTRIBUTE: &str =
    "system-ui, -apple-system, &apos;Segoe UI&apos;, Roboto, Helvetica, Arial, sans-serif";

/// Appends `#RRGGBB`.
fn push_hex_color(out: &mut String, (r, g, b): (u8, u8, u8)) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut text = [b'#'; 7];
    for (i, byte) in [r, g, b].into_iter().enumerate() {
        text[1 + 2 * i] = HEX[usize::from(byte >> 4)];
        text[2 + 2 * i] = HEX[usize::from(byte & 15)];
    }
    // Only ASCII digits and letters were written.
    out.push_str(std::str::from_utf8(&text).unwrap_or("#000000"));
}

/// Appends a whole number.
fn push_int(out: &mut String, value: i64) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// Appends a number as Rust's `{}` writes it (`1`, `0.5`), as plotters did.
fn push_float(out: &mut String, value: f64) {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        push_int(out, value as i64);
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{value}");
    }
}

/// Appends a font size: plotters passes `px × 1.24` (its own scaling, see
/// `Theme::font`) and writes it back divided, with float noise such as
/// `13.000000000000002`; the size is rounded to 2 decimals.
fn push_font_size(out: &mut String, size: f64) {
    let px = size / 1.24;
    if (0.0..1e6).contains(&px) && (px - px.round()).abs() < 1e-6 {
        push_int(out, px.round() as i64);
    } else {
        out.push_str(&plain_num(px, 2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_plotters_wrote_them() {
        for n in [
            0i64,
            7,
            -7,
            10,
            389,
            -1200,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
        ] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        for v in [1.0, 0.5, 0.25, 0.999, 0.0, 0.15] {
            let mut s = String::new();
            push_float(&mut s, v);
            assert_eq!(s, format!("{v}"));
        }
        let mut s = String::new();
        push_font_size(&mut s, 13.0 * 1.24);
        assert_eq!(s, "13");
        let mut s = String::new();
        push_font_size(&mut s, 12.5 * 1.24);
        assert_eq!(s, "12.5");
        // Every size a theme uses comes out as the whole pixels asked for.
        for px in 1..=100u32 {
            let mut s = String::new();
            push_font_size(&mut s, f64::from(px) * 1.24);
            assert_eq!(s, px.to_string());
        }
    }

    #[test]
    fn path_data_steps_relative_to_the_last_point() {
        let d = |points: &[(i32, i32)]| {
            let mut s = String::new();
            push_path_data(&mut s, points.iter().copied());
            s
        };
        assert_eq!(d(&[]), "");
        assert_eq!(d(&[(5, 7)]), "M5,7");
        assert_eq!(
            d(&[
                (73, 372),
                (108, 372),
                (110, 371),
                (110, 380),
                (90, 385),
                (80, 385),
                (80, 370)
            ]),
            "M73,372h35l2-1v9l-20,5h-10v-15"
        );
        assert_eq!(d(&[(-3, -4), (-3, -4)]), "M-3,-4h0");
        // Steps between far points do not overflow.
        assert_eq!(
            d(&[(0, 0), (i32::MAX, 1), (i32::MIN, -1), (0, i32::MIN)]),
            "M0,0l2147483647,1l-4294967295-2l2147483648-2147483647"
        );
    }

    #[test]
    fn the_font_family_is_written_escaped() {
        let mut s = String::new();
        push_xml_escaped(&mut s, FONT_FAMILY);
        assert_eq!(s, FONT_FAMILY_ATTRIBUTE);
    }

    #[test]
    fn text_is_escaped() {
        let mut s = String::new();
        push_xml_escaped(&mut s, "<a & 'b' \"c\">\u{7}");
        assert_eq!(s, "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt; ");
        for (text, escaped) in [
            ("plain – text, ’25", "plain – text, ’25"),
            ("tab\tand\nline", "tab\tand\nline"),
            ("bell\u{7}", "bell "),
            ("\u{1f}", " "),
            ("", ""),
        ] {
            let mut s = String::from("x");
            push_xml_escaped(&mut s, text);
            assert_eq!(s, format!("x{escaped}"), "{text:?}");
        }
    }
}
