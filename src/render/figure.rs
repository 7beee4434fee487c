//! A chart placed in a page: a `<figure>` with its caption, the SVG inline,
//! the source and a CSV download, and the data as a table for anyone who
//! cannot see the chart. Written without blank lines, so that Markdown
//! keeps it as one HTML block.

use tera::escape_html;

use crate::charts::PlacedChart;
use crate::charts::theme::Theme;

/// Escapes text for HTML (Tera's escaper, the one templates use).
pub fn escape(text: &str) -> String {
    let mut buf = Vec::with_capacity(text.len());
    // Writing to a Vec cannot fail, and the escaper only emits UTF-8.
    let _ = escape_html(text, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// The figure markup for `placed`, with links relative to `root` (`../`
/// from a brief's page). The chart is an image of its SVG file: the wide
/// drawing, or on a phone-sized screen the narrow one (`<picture>`), with
/// the chart's text description as its alternative text. Images rather
/// than inline SVG keep a page small (a brief with three charts would
/// carry six drawings), let a browser cache a chart shared by briefs, and
/// let a build write each drawing once.
pub fn figure_html(placed: &PlacedChart, source: &str, root: &str) -> String {
    let chart = &placed.chart;
    let name = escape(&chart.name);
    let (wide, narrow) = (Theme::default(), Theme::narrow());
    format!(
        "<figure class=\"chart\" id=\"figure-{name}\">\n<figcaption><span class=\"chart-title\">{title}</span> <span class=\"chart-subtitle\">{subtitle}</span></figcaption>\n<picture class=\"chart-image\">\n<source media=\"{narrow_media}\" srcset=\"{root}{narrow_path}\" width=\"{nw}\" height=\"{nh}\">\n<img src=\"{root}charts/{name}.svg\" width=\"{ww}\" height=\"{wh}\" alt=\"{alt}\">\n</picture>\n<p class=\"chart-source\"><a href=\"{root}charts/{name}.csv\" download>Download the data (CSV)</a> · <a href=\"{root}charts/{name}.svg\">the chart (SVG)</a><span class=\"visually-hidden\"> {source}</span></p>\n<details class=\"chart-data\">\n<summary>The data in this chart</summary>\n{table}\n</details>\n</figure>\n",
        title = escape(&chart.title),
        subtitle = escape(&placed.subtitle),
        narrow_media = NARROW_MEDIA,
        narrow_path = escape(&narrow_svg_path(&chart.name)),
        nw = narrow.width,
        nh = narrow.height,
        ww = wide.width,
        wh = wide.height,
        alt = escape(&chart.description),
        source = escape(source),
        table = csv_table(&chart.table, &chart.title),
    )
}

/// Screens that get the narrow drawing: the stylesheet's phone layout.
/// Paper always gets the wide one.
pub const NARROW_MEDIA: &str = "screen and (max-width: 40rem)";

/// Where the narrow drawing of chart `name` is written, under the output.
pub fn narrow_svg_path(name: &str) -> String {
    format!("charts/{name}.narrow.svg")
}

/// The CSV as an HTML table with a header row; numbers right-aligned.
fn csv_table(csv: &str, caption: &str) -> String {
    let mut rows = csv.lines().filter(|l| !l.is_empty()).map(split_csv_line);
    let Some(header) = rows.next() else {
        return "<p>No data.</p>".into();
    };
    let mut out = format!(
        "<table>\n<caption>{}</caption>\n<thead><tr>",
        escape(caption)
    );
    for cell in &header {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(cell)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let numeric = cell.parse::<f64>().is_ok();
            let text = if numeric {
                pretty_number(cell)
            } else {
                escape(cell.trim_start_matches('\''))
            };
            if i == 0 {
                out.push_str(&format!("<th scope=\"row\">{text}</th>"));
            } else if numeric {
                out.push_str(&format!("<td class=\"num\">{text}</td>"));
            } else {
                out.push_str(&format!("<td>{text}</td>"));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>");
    out
}

/// A CSV number as a reader expects it: `45755` → `45,755`, keeping decimals.
fn pretty_number(cell: &str) -> String {
    let places = cell.split_once('.').map_or(0, |(_, f)| f.len());
    let value: f64 = cell.parse().unwrap_or(0.0);
    // Years are not grouped.
    if places == 0 && (1000.0..=2999.0).contains(&value) && cell.len() == 4 {
        return cell.to_string();
    }
    super::filters::group(value, places)
}

/// Splits one CSV line (RFC 4180 quoting).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> PlacedChart {
        PlacedChart {
            chart: crate::charts::Chart {
                name: "annual".into(),
                title: "Arrivals <by> year".into(),
                description: "d".into(),
                svg: "<?xml version=\"1.0\"?>\n<svg>\n\n<rect/>\n</svg>\n".into(),
                csv: "year,people\n2018,299\n2022,45755\n\"a, b\",1.5\n".into(),
                table: "year,people\n2018,299\n2022,45755\n\"a, b\",1.5\n".into(),
            },
            narrow_svg: "<svg id=\"n\">\n\n</svg>".into(),
            subtitle: "People".into(),
        }
    }

    #[test]
    fn the_figure_has_no_blank_lines_and_escapes_text() {
        let html = figure_html(&chart(), "Source: Home Office", "../");
        assert!(!html.contains("\n\n"));
        assert!(!html.contains("<svg"), "the drawings are files, not inline");
        assert!(html.contains("Arrivals &lt;by&gt; year"));
        assert!(html.contains("href=\"../charts/annual.csv\""));
    }

    #[test]
    fn the_image_is_the_wide_drawing_or_on_a_phone_the_narrow_one() {
        let mut placed = chart();
        placed.chart.description = "Lines \"by\" year & <day>".into();
        let html = figure_html(&placed, "", "../");
        assert!(html.contains(
            "<source media=\"screen and (max-width: 40rem)\" srcset=\"../charts/annual.narrow.svg\" width=\"360\" height=\"420\">"
        ));
        assert!(html.contains(
            "<img src=\"../charts/annual.svg\" width=\"800\" height=\"450\" alt=\"Lines &quot;by&quot; year &amp; &lt;day&gt;\">"
        ));
    }

    #[test]
    fn the_table_holds_the_csv_with_separators() {
        let html = figure_html(&chart(), "", "../");
        assert!(html.contains("<th scope=\"row\">2018</th><td class=\"num\">299</td>"));
        assert!(html.contains("<td class=\"num\">45,755</td>"));
        assert!(html.contains("<th scope=\"row\">a, b</th><td class=\"num\">1.5</td>"));
    }
}
