//! The template function `chart()`, which places a chart in a brief.
//!
//! A chart is drawn the first time a brief places it, and its files go to
//! the sink then. What `chart()` writes into the brief's body is a short
//! stand-in; [`place_figures`] puts the figure in its place once Markdown
//! has made the body's HTML, so that Markdown never reads a chart's table.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::charts::{ChartRequest, ChartSet};
use crate::model::Figures;
use crate::output::Sink;
use crate::render::figure::{figure_html, narrow_svg_path};
use crate::render::templates::Engine;

/// `{{ chart(name="cumulative", years=[2024, 2025, 2026], highlight=2026,
/// title="…") }}` (or `from=2022, to=2026`) places a chart in a brief; see
/// [`crate::charts::CHART_KINDS`] for each kind's options. Unknown names
/// and options are errors at the brief's line. A chart is drawn and its
/// files put into `sink` the first time a brief places it; later
/// placements reuse its figure markup.
pub fn register_chart_function(
    engine: &mut Engine,
    charts: Arc<ChartSet>,
    placed: Arc<PlacedCharts>,
    sink: &Arc<dyn Sink>,
    figures: &Figures,
) {
    let source = format!(
        "Source: {}, {}, released {}",
        figures.source.publisher,
        figures.source.title,
        crate::text::long_date(figures.source.released)
    );
    let sink = Arc::clone(sink);
    engine
        .tera
        .register_function("chart", move |kwargs: tera::Kwargs, _: &tera::State| {
            let request = chart_request(&kwargs)?;
            let stem = request.file_stem();
            if placed.get(&stem).is_some() {
                return Ok(tera::Value::safe_string(&figure_marker(&stem)));
            }
            let chart = charts
                .draw_as(&request, &stem)
                .map_err(tera::Error::message)?;
            let html: Arc<str> = figure_html(&chart, &source, "../").into();
            // Two threads may draw the same chart at once; the first to
            // finish writes it, and both place the same markup.
            if placed.insert(&stem, Arc::clone(&html)) {
                let name = &chart.name;
                let data = &chart.data;
                let written = sink
                    .put(&format!("charts/{name}.svg"), chart.svg.as_bytes())
                    .and_then(|()| sink.put(&narrow_svg_path(name), chart.narrow_svg.as_bytes()))
                    .and_then(|()| {
                        let path = format!("charts/{name}.csv");
                        sink.put_hashed(&path, data.csv().as_bytes(), data.csv_sha256())
                    });
                written.map_err(|e| tera::Error::message(e.to_string()))?;
            }
            Ok(tera::Value::safe_string(&figure_marker(&stem)))
        });
}

/// `chart()` as a stand-in that places nothing: `diff` reads the briefs'
/// prose and tables, and a chart would only be drawn to be thrown away.
pub fn register_no_charts(engine: &mut Engine) {
    engine
        .tera
        .register_function("chart", |_: tera::Kwargs, _: &tera::State| {
            Ok(tera::Value::safe_string(""))
        });
}

/// The start of the stand-in that `chart()` writes for a figure.
const FIGURE_MARKER: &str = "<figure data-brief-chart=\"";

/// What `chart()` writes in a brief's body: a stand-in for the figure
/// (which carries the chart's data table), put in its place once Markdown
/// has made the body's HTML. The figure is an HTML block that Markdown
/// passes through as it stands, so this gives the same page; Markdown then
/// reads a few bytes instead of every chart's table.
fn figure_marker(stem: &str) -> String {
    // Ending in a newline as the figure does, so that Markdown ends the
    // block where it ended the figure's.
    format!("{FIGURE_MARKER}{stem}{FIGURE_MARKER_END}")
}

/// The end of a figure's stand-in.
const FIGURE_MARKER_END: &str = "\"></figure>\n";

/// `html` with each figure stand-in replaced by its chart's figure.
pub fn place_figures<'h>(html: &'h str, placed: &PlacedCharts) -> std::borrow::Cow<'h, str> {
    if !html.contains(FIGURE_MARKER) {
        return html.into();
    }
    let mut out = String::with_capacity(html.len() + 16 * 1024);
    let mut rest = html;
    while let Some(i) = rest.find(FIGURE_MARKER) {
        out.push_str(&rest[..i]);
        let after = &rest[i + FIGURE_MARKER.len()..];
        let figure = after
            .split_once(FIGURE_MARKER_END)
            .and_then(|(stem, tail)| {
                let html = placed.get(stem)?;
                Some((html, tail))
            });
        match figure {
            Some((figure, tail)) => {
                out.push_str(&figure);
                rest = tail;
            }
            None => {
                out.push_str(FIGURE_MARKER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// The figure markup of every chart placed so far, by file stem: all a
/// second placement needs, small beside the drawings (already written).
#[derive(Default)]
pub struct PlacedCharts(std::sync::Mutex<BTreeMap<String, Arc<str>>>);

impl PlacedCharts {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<str>>> {
        // A panic while rendering cannot leave the map half-written.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, stem: &str) -> Option<Arc<str>> {
        self.lock().get(stem).cloned()
    }

    /// Records a chart's markup; false when it was already there.
    fn insert(&self, stem: &str, html: Arc<str>) -> bool {
        let mut map = self.lock();
        if map.contains_key(stem) {
            return false;
        }
        map.insert(stem.to_string(), html);
        true
    }
}

/// Reads `chart()`'s arguments, refusing any it does not know.
fn chart_request(kwargs: &tera::Kwargs) -> std::result::Result<ChartRequest, tera::Error> {
    const ARGUMENTS: [&str; 6] = ["name", "years", "from", "to", "highlight", "title"];
    for (key, _) in kwargs.iter() {
        let key = key.to_string();
        if !ARGUMENTS.contains(&key.as_str()) {
            return Err(tera::Error::message(format!(
                "chart() takes no argument “{key}”; it takes: {}",
                ARGUMENTS.join(", ")
            )));
        }
    }
    let year =
        |y: i64| i16::try_from(y).map_err(|_| tera::Error::message(format!("{y} is not a year")));
    // Tera's own type errors do not name the argument; say which one.
    let bad = |name: &'static str, what: &'static str| {
        move |e: tera::Error| {
            tera::Error::message(format!("chart() argument “{name}” must be {what} ({e})"))
        }
    };
    let a_year = "a year, e.g. 2024";
    let years = match kwargs
        .get::<Vec<i64>>("years")
        .map_err(bad("years", "a list of years, e.g. [2024, 2025]"))?
    {
        Some(list) => Some(
            list.into_iter()
                .map(year)
                .collect::<std::result::Result<Vec<_>, _>>()?,
        ),
        None => None,
    };
    Ok(ChartRequest {
        name: kwargs
            .must_get::<String>("name")
            .map_err(bad("name", "a chart's name in quotes, e.g. \"cumulative\""))?,
        years,
        from: kwargs
            .get::<i64>("from")
            .map_err(bad("from", a_year))?
            .map(year)
            .transpose()?,
        to: kwargs
            .get::<i64>("to")
            .map_err(bad("to", a_year))?
            .map(year)
            .transpose()?,
        highlight: kwargs
            .get::<i64>("highlight")
            .map_err(bad("highlight", a_year))?
            .map(year)
            .transpose()?,
        title: kwargs
            .get::<String>("title")
            .map_err(bad("title", "text in quotes"))?,
    })
}

/// The chart files a brief's body places, found by their CSV links
/// (`charts/….csv"`), sorted, each once, by their wide SVG's path.
pub fn placed_charts(body_html: &str) -> Vec<String> {
    // Each link is read up to the end of its attribute: a search for
    // `.csv"` from every `charts/` would read the rest of the page each
    // time.
    let mut charts: Vec<String> = body_html
        .match_indices("charts/")
        .filter_map(|(i, _)| {
            let rest = &body_html[i..];
            let end = rest.find(['"', '<', ' '])?;
            let stem = rest[..end].strip_suffix(".csv")?;
            (rest.as_bytes()[end] == b'"').then(|| format!("{stem}.svg"))
        })
        .collect();
    charts.sort();
    charts.dedup();
    charts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown;

    #[test]
    fn figures_put_in_after_markdown_give_the_page_markdown_gave_them() {
        // A figure as `figure_html` makes it: block HTML ending in a
        // newline, with text Markdown would change if it read it.
        let figure = "<figure class=\"chart\" id=\"figure-a\">\n<figcaption>\"Quoted\" -- *not* emphasis</figcaption>\n<table>\n<tr><td class=\"num\">1,000</td></tr>\n</table>\n</figure>\n";
        let placed = PlacedCharts::default();
        placed.insert("a", figure.into());
        for body in [
            "Intro.\n\nCHART\n## Next\n",
            "Intro.\n\nCHART\nText right after.\n",
            "CHART\nCHART",
            "# Title\n\nCHART\n\nEnd \"quoted\".\n",
        ] {
            let before =
                markdown::to_html(&body.replace("CHART\n", figure).replace("CHART", figure))
                    .unwrap();
            let marked = body
                .replace("CHART\n", &figure_marker("a"))
                .replace("CHART", &figure_marker("a"));
            let after = place_figures(&markdown::to_html(&marked).unwrap(), &placed).into_owned();
            assert_eq!(after, before, "{body:?}");
        }
        // A stand-in for a chart not placed is left as it is.
        let unknown = figure_marker("b");
        assert_eq!(place_figures(&unknown, &placed), unknown);
        let text = format!("x {FIGURE_MARKER} y");
        assert_eq!(place_figures(&text, &placed), text);
    }

    #[test]
    fn placed_charts_are_found_by_their_csv_links() {
        // How the links were found before: from each `charts/`, the next
        // `.csv"`, unless a quote, tag or space came first.
        fn searched(body_html: &str) -> Vec<String> {
            let mut charts: Vec<String> = body_html
                .match_indices("charts/")
                .filter_map(|(i, _)| {
                    let rest = &body_html[i..];
                    let end = rest.find(".csv\"")?;
                    let stem = &rest[..end];
                    (!stem.contains(['"', '<', ' '])).then(|| format!("{stem}.svg"))
                })
                .collect();
            charts.sort();
            charts.dedup();
            charts
        }
        let bodies = [
            r#"<a href="../charts/b-1.csv" download> <img src="../charts/b-1.svg"> <a href="../charts/a.csv">"#,
            r#"charts/x.csv" charts/y.csv "charts/z.csv" charts/w.csv"#,
            r#"charts/a b.csv" charts/<c.csv" charts/d"e.csv" charts/e.csvx" charts/"#,
            r#"charts/charts/f.csv" charts/g.csv.csv" charts/h.CSV" charts/i.csv"#,
            "no links at all",
            "",
        ];
        for body in bodies {
            assert_eq!(placed_charts(body), searched(body), "{body}");
        }
        assert_eq!(placed_charts(bodies[0]), ["charts/a.svg", "charts/b-1.svg"]);
    }
}
