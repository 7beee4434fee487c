//! Tests' check of a drawing's layout: every text's estimated box inside the
//! drawing and clear of every other.

use super::style::text_width;

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
    // A wide drawing's heading lies above the chart, at negative y.
    let (x, y, w, h) = match dims[..] {
        [x, y, w, h] => (x, y, w, h),
        _ => return Err(format!("bad viewBox {vb}")),
    };
    let boxes = text_boxes(svg);
    let mut problems = Vec::new();
    for b in &boxes {
        if b.x0 < x || b.x1 > x + w || b.y0 < y || b.y1 > y + h {
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
    use crate::charts::draw::{render, text};
    use crate::charts::style::{Anchor, Theme};

    #[test]
    fn layout_check_finds_overlaps_and_cut_offs() {
        let theme = Theme::narrow();
        let svg = render(&theme, ("t", "T", ""), "D", |a| {
            let f = theme.font(13, theme.text, Anchor::Start, false);
            text(a, "Hello", (10, 20), &f);
            text(a, "World", (200, 20), &f);
        });
        assert_eq!(text_boxes(&svg).len(), 2);
        assert_eq!(check_text_layout(&svg), Ok(()));
        let svg = render(&theme, ("t", "T", ""), "D", |a| {
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
}
