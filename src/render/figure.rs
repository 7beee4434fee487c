//! A chart placed in a page: a `<figure>` with its caption, the chart as an
//! image (wide, or narrow on a phone), the source, a CSV download and the
//! chart as a file to save, and the data as a table for anyone who cannot
//! see the chart. Written without blank lines, so that Markdown keeps it
//! as one HTML block.

use jiff::civil::Date;

use crate::charts::{Cells, DrawingFile, PlacedChart, Table, Theme};
use crate::text::{escape, push_escaped};

/// The figure markup for `placed`, with links relative to `root` (`../`
/// from a brief's page). The chart is an image of its drawing's file: the
/// wide drawing, or on a phone-sized screen the narrow one (`<picture>`),
/// with the chart's text description as its alternative text, and on paper
/// the wide one whatever the screen. A drawing is
/// a file shared by every chart of the same data and highlight, so a site
/// writes it once however many briefs place it, a browser fetches it once
/// for all of them, a phone fetches only the narrow one, and a brief's page
/// stays small (see the README's "Performance"). The "chart (SVG)" link is
/// the wide drawing's file; the CSV is a file shared by every chart of the
/// same data.
///
/// Rows of the table for periods from `provisional_from` on are marked
/// `[p]`, with a note under the table saying what that means.
pub fn figure_html(
    placed: &PlacedChart,
    source: &str,
    root: &str,
    provisional_from: Option<Date>,
) -> String {
    let chart = placed;
    let rows = chart.data.table_html(|t| table_rows(t, provisional_from));
    // Written piece by piece: a large site places thousands of these.
    let mut out = String::with_capacity(rows.len() + 2048);
    out.push_str("<figure class=\"chart\" id=\"figure-");
    push_escaped(&mut out, &chart.name);
    out.push_str("\">\n<figcaption><span class=\"chart-title\">");
    push_escaped(&mut out, &chart.title);
    out.push_str("</span> <span class=\"chart-subtitle\">");
    push_escaped(&mut out, &placed.subtitle);
    out.push_str("</span></figcaption>\n<picture class=\"chart-image\">\n<source media=\"");
    out.push_str(NARROW_MEDIA);
    out.push_str("\" srcset=\"");
    push_file(&mut out, root, &chart.narrow);
    push_size(&mut out, &Theme::narrow());
    out.push_str(">\n<img src=\"");
    push_chart_view(&mut out, root, &chart.wide);
    push_size(&mut out, &Theme::default());
    out.push_str(" alt=\"");
    push_escaped(&mut out, &chart.description);
    // On paper, the wide drawing whatever the screen: a browser keeps the
    // picture it chose for the screen when it prints, so a phone would
    // print the narrow one. This copy is fetched only to be printed
    // (hidden on screen, and loaded lazily).
    out.push_str("\">\n</picture>\n<img class=\"chart-print\" src=\"");
    push_chart_view(&mut out, root, &chart.wide);
    push_size(&mut out, &Theme::default());
    out.push_str(" alt=\"\" loading=\"lazy\">\n<p class=\"chart-source\"><a href=\"");
    out.push_str(root);
    push_escaped(&mut out, chart.data.file());
    out.push_str("\" download>Download the data (CSV)</a> · <a href=\"");
    push_file(&mut out, root, &chart.wide);
    out.push_str("\" download>the chart (SVG)</a><span class=\"visually-hidden\"> ");
    push_escaped(&mut out, source);
    out.push_str(
        "</span></p>\n<details class=\"chart-data\">\n<summary>The data in this chart</summary>\n",
    );
    push_table(&mut out, rows, &chart.title);
    if let Some(note) = &chart.data.table().note {
        out.push_str("\n<p class=\"table-note\">");
        push_escaped(&mut out, note);
        out.push_str("</p>");
    }
    if let Some(from) = provisional_from.filter(|_| rows.contains(PROVISIONAL)) {
        out.push_str("\n<p class=\"table-note\">[p] Provisional: figures for days from ");
        out.push_str(&crate::text::long_date(from));
        out.push_str(" on are not yet final and can still be revised.</p>");
    }
    out.push_str("\n</details>\n</figure>\n");
    out
}

/// Which screens get the narrow drawing: the same width at which the
/// stylesheet lays the page out for phones. On paper the wide one is shown.
pub const NARROW_MEDIA: &str = "screen and (max-width: 40rem)";

/// Appends the address of `drawing`'s file from a page at `root`.
fn push_file(out: &mut String, root: &str, drawing: &DrawingFile) {
    out.push_str(root);
    push_escaped(out, drawing.file());
}

/// Appends the address of the wide drawing's view without its heading
/// (`charts/….svg#chart`): the page's caption states its title and
/// subtitle, and the file itself, saved from the link, shows them.
fn push_chart_view(out: &mut String, root: &str, drawing: &DrawingFile) {
    push_file(out, root, drawing);
    out.push('#');
    out.push_str(crate::charts::CHART_VIEW);
}

/// Appends ` width="…" height="…"` for a drawing of `theme`, so that the
/// page keeps its room before the image arrives.
fn push_size(out: &mut String, theme: &Theme) {
    out.push_str("\" width=\"");
    out.push_str(itoa::Buffer::new().format(theme.width));
    out.push_str("\" height=\"");
    out.push_str(itoa::Buffer::new().format(theme.height));
    out.push('"');
}

/// What marks a provisional figure's period in a table, after it.
const PROVISIONAL: &str = " [p]";

/// The column that names each row's period: the first headed `year` or
/// `date`, with the test of whether a cell of it is provisional from `from`
/// on (a year that reaches that day, a day on or after it).
fn period_column(table: &Table, from: Option<Date>) -> Option<(usize, impl Fn(&str) -> bool)> {
    let from = from?;
    let (column, header) = table
        .header
        .iter()
        .enumerate()
        .find(|(_, h)| *h == "year" || *h == "date")?;
    let by_year = header == "year";
    Some((column, move |cell: &str| {
        if by_year {
            cell.parse::<i16>().is_ok_and(|year| year >= from.year())
        } else {
            cell.parse::<Date>().is_ok_and(|day| day >= from)
        }
    }))
}

/// Appends a table made by [`table_rows`], with its caption.
fn push_table(out: &mut String, rows: &str, caption: &str) {
    if rows.is_empty() {
        out.push_str("<p>No data.</p>");
        return;
    }
    out.push_str("<table>\n<caption>");
    push_escaped(out, caption);
    out.push_str("</caption>\n");
    out.push_str(rows);
}

/// A chart's table's header and rows in HTML (numbers right-aligned):
/// everything of the table but the caption, or nothing when it has no
/// header. Charts of the same data share these; only their captions differ.
pub fn table_rows(table: &Table, provisional_from: Option<Date>) -> String {
    if table.is_empty() {
        return String::new();
    }
    let cells: usize = table.rows.iter().flatten().map(|c| c.len() + 24).sum();
    let mut out = String::with_capacity(64 + cells);
    // The columns as the chart says to show them, when it says.
    let shown = (table.shown.len() == table.header.len()).then_some(&table.shown);
    out.push_str("<thead><tr>");
    for (i, cell) in table.header.iter().enumerate() {
        let heading = shown.map_or(cell.as_str(), |s| s[i].heading.as_str());
        out.push_str(if shown.is_some_and(|s| is_number(s[i].cells)) {
            "<th scope=\"col\" class=\"num\">"
        } else {
            "<th scope=\"col\">"
        });
        out.push_str(&escape(heading));
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let period = period_column(table, provisional_from);
    for row in &table.rows {
        out.push_str("<tr>");
        let provisional = period
            .as_ref()
            .and_then(|(column, test)| row.get(*column).filter(|c| test(c)).map(|_| *column));
        for (i, cell) in row.iter().enumerate() {
            let cells = shown.map(|s| s[i].cells);
            let numeric = match cells {
                Some(cells) => is_number(cells),
                None => cell.parse::<f64>().is_ok(),
            };
            out.push_str(match (i, numeric) {
                (0, _) => "<th scope=\"row\">",
                (_, true) => "<td class=\"num\">",
                _ => "<td>",
            });
            match cells {
                Some(cells) => out.push_str(&escape(&shown_cell(cell, cells))),
                None if numeric => out.push_str(&pretty_number(cell)),
                None => out.push_str(&escape(cell)),
            }
            if provisional == Some(i) {
                out.push_str(PROVISIONAL);
            }
            out.push_str(if i == 0 { "</th>" } else { "</td>" });
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>");
    out
}

/// Whether a column of `cells` holds numbers (right-aligned).
fn is_number(cells: Cells) -> bool {
    matches!(cells, Cells::Count | Cells::Decimal(_))
}

/// A CSV cell as the page shows a column of `cells`: `45755` → `45,755`,
/// `6.953` → `7.0`, `2026-08-21` → `21 Aug 2026`. An empty cell, or one
/// that is not what the column holds, is shown as it is.
fn shown_cell(cell: &str, cells: Cells) -> String {
    let number = cell.parse::<f64>().ok();
    let day = cell.parse::<Date>().ok();
    match (cells, number, day) {
        (Cells::Count, Some(v), _) => crate::text::fmt_num(v, 0),
        (Cells::Decimal(places), Some(v), _) => crate::text::fmt_num(v, places),
        // Joined by no-break spaces: a date never breaks across lines,
        // while a `[p]` after it may.
        (Cells::Day, _, Some(d)) => d.strftime("%-d\u{a0}%b\u{a0}%Y").to_string(),
        (Cells::Month, _, Some(d)) => d.strftime("%b\u{a0}%Y").to_string(),
        (Cells::YearStart, _, Some(d)) => d.year().to_string(),
        (Cells::MonthNumber, Some(m), _) if (1.0..=12.0).contains(&m) => {
            crate::text::MONTH_NAMES[m as usize - 1].to_string()
        }
        _ => cell.to_string(),
    }
}

/// A CSV number as a reader expects it: `45755` → `45,755`, keeping decimals.
fn pretty_number(cell: &str) -> String {
    let places = cell.split_once('.').map_or(0, |(_, f)| f.len());
    // Years are not grouped.
    if places == 0 && cell.len() == 4 && ("1000"..="2999").contains(&cell) {
        return cell.to_string();
    }
    crate::text::group_plain_decimal(cell).unwrap_or_else(|| {
        let value: f64 = cell.parse().unwrap_or(0.0);
        crate::text::fmt_num(value, places.min(6) as u8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::escape_html;

    fn chart() -> PlacedChart {
        let cells = |row: &[&str]| row.iter().map(|c| c.to_string()).collect();
        let table = Table::new(
            &["year", "people"],
            vec![
                cells(&["2018", "299"]),
                cells(&["2022", "45755"]),
                cells(&["a, b", "1.5"]),
            ],
        );
        PlacedChart {
            name: "annual".into(),
            title: "Arrivals <by> year".into(),
            description: "d".into(),
            subtitle: "People".into(),
            data: std::sync::Arc::new(crate::charts::ChartData::new(
                "charts/annual-2018-2022.csv".into(),
                table.to_csv(),
                table,
            )),
            wide: std::sync::Arc::new(crate::charts::DrawingFile::new(
                "charts/annual-2018-2022.svg".into(),
                "<svg/>".into(),
            )),
            narrow: std::sync::Arc::new(crate::charts::DrawingFile::new(
                "charts/annual-2018-2022-narrow.svg".into(),
                "<svg/>".into(),
            )),
            table_source: None,
        }
    }

    #[test]
    fn a_table_shows_its_columns_as_the_chart_says_readable_and_in_the_prose_s_form() {
        let cells = |row: &[&str]| row.iter().map(|c| c.to_string()).collect();
        let table = Table::new(
            &["year", "people", "people_per_boat", "date", "month"],
            vec![
                cells(&["2019", "1843", "6.953488", "2026-08-21", "1"]),
                cells(&["2020", "8462", "", "2026-08-22", "11"]),
            ],
        )
        .showing(&[
            ("Year", Cells::Year),
            ("People arrived", Cells::Count),
            ("People per boat", Cells::Decimal(1)),
            ("Date", Cells::Day),
            ("Month", Cells::MonthNumber),
        ]);
        let html = table_rows(&table, None);
        assert!(
            html.contains(
                "<th scope=\"col\">Year</th><th scope=\"col\" class=\"num\">People arrived</th>"
            ),
            "{html}"
        );
        // A count between 1,000 and 2,999 is no year; 6.95 reads as the chart's 7.0.
        assert!(html.contains("<th scope=\"row\">2019</th><td class=\"num\">1,843</td><td class=\"num\">7.0</td><td>21\u{a0}Aug\u{a0}2026</td><td>January</td>"), "{html}");
        assert!(
            html.contains("<td class=\"num\"></td>"),
            "an empty cell stays empty: {html}"
        );
        assert!(html.contains("<td>November</td>"), "{html}");
        // The CSV keeps the values as they are.
        assert!(table.to_csv().contains("2019,1843,6.953488,2026-08-21,1"));
    }

    #[test]
    fn values_are_escaped_as_teras_own_escaper_escapes_them() {
        for text in ["", "plain", "<a href=\"x\">it's & ’25</a>", "&&", "'", "é<"] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_html(text, &mut ours).unwrap();
            tera::escape_html(text, &mut teras).unwrap();
            assert_eq!(ours, teras, "{text}");
        }
    }

    #[test]
    fn text_copied_as_it_stands_needed_no_escaping() {
        for text in ["plain", "a/b – ’25", "<b>", "x & y", "\"q\"", "it's", ""] {
            let mut out = String::from(">");
            push_escaped(&mut out, text);
            assert_eq!(out, format!(">{}", escape(text)), "{text}");
        }
    }

    #[test]
    fn rows_of_provisional_periods_are_marked_and_the_mark_explained() {
        let from = Date::new(2022, 4, 1).ok();
        let html = figure_html(&chart(), "", "../", from);
        assert!(html.contains("<th scope=\"row\">2018</th>"), "{html}");
        assert!(html.contains("<th scope=\"row\">2022 [p]</th><td class=\"num\">45,755</td>"));
        assert!(html.contains("<th scope=\"row\">a, b</th>"));
        assert!(html.contains("<p class=\"table-note\">[p] Provisional: figures for days from 1 April 2022 on are not yet final and can still be revised.</p>\n</details>"));
        // By day, in the first column headed "date", wherever it is.
        let cells = |row: &[&str]| row.iter().map(|c| c.to_string()).collect();
        let table = Table::new(
            &["series", "date", "people"],
            vec![
                cells(&["so far", "2022-03-31", "2022"]),
                cells(&["so far", "2022-04-01", "5"]),
            ],
        );
        let rows = table_rows(&table, from);
        assert!(rows.contains("<td>2022-03-31</td><td class=\"num\">2022</td>"));
        assert!(rows.contains("<td>2022-04-01 [p]</td>"));
        // Nothing provisional, no note.
        let html = figure_html(&chart(), "", "../", Date::new(2023, 1, 1).ok());
        assert!(!html.contains("[p]"));
        assert!(!figure_html(&chart(), "", "../", None).contains("[p]"));
    }

    #[test]
    fn the_figure_has_no_blank_lines_and_escapes_text() {
        let html = figure_html(&chart(), "Source: Home Office", "../", None);
        assert!(!html.contains("\n\n"), "{html}");
        assert!(!html.contains("<?xml"));
        assert!(html.contains("Arrivals &lt;by&gt; year"));
        assert!(html.contains("href=\"../charts/annual-2018-2022.csv\" download>"));
    }

    #[test]
    fn the_picture_shows_the_narrow_drawing_on_phones_and_the_wide_one_elsewhere_and_in_print() {
        let html = figure_html(&chart(), "", "../", None);
        assert!(html.contains(
            "<picture class=\"chart-image\">\n<source media=\"screen and (max-width: 40rem)\" srcset=\"../charts/annual-2018-2022-narrow.svg\" width=\"360\" height=\"420\">\n<img src=\"../charts/annual-2018-2022.svg#chart\" width=\"800\" height=\"450\" alt=\"d\">\n</picture>\n<img class=\"chart-print\" src=\"../charts/annual-2018-2022.svg#chart\" width=\"800\" height=\"450\" alt=\"\" loading=\"lazy\">\n"
        ), "{html}");
        // The wide drawing's file, with its heading, is the one to save.
        assert!(
            html.contains(
                "<a href=\"../charts/annual-2018-2022.svg\" download>the chart (SVG)</a>"
            )
        );
    }

    #[test]
    fn years_are_not_grouped_and_other_numbers_are() {
        assert_eq!(pretty_number("2022"), "2022");
        assert_eq!(pretty_number("45755.60"), "45,755.60");
        assert_eq!(pretty_number("1e5"), "100,000");
    }

    #[test]
    fn the_table_holds_the_csv_with_separators() {
        let html = figure_html(&chart(), "", "../", None);
        assert!(html.contains("<th scope=\"row\">2018</th><td class=\"num\">299</td>"));
        assert!(html.contains("<td class=\"num\">45,755</td>"));
        assert!(html.contains("<th scope=\"row\">a, b</th><td class=\"num\">1.5</td>"));
        // A cell a spreadsheet would run is kept from it in the CSV only.
        let table = Table::new(&["name", "n"], vec![vec!["=1+1".into(), "2".into()]]);
        assert!(table.to_csv().contains("'=1+1,2"));
        assert!(table_rows(&table, None).contains("<th scope=\"row\">=1+1</th>"));
    }
}
