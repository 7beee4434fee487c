//! The template function `chart()`, which places a chart in a brief.
//!
//! A chart is drawn for each brief that places it (the chart set keeps what
//! drawings share), and its data file and drawing file go to the sink
//! then. What `chart()` writes into the brief's body is a short stand-in; [`place_figures`] puts the figure in its place once Markdown
//! has made the body's HTML, so that Markdown never reads a chart's table.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::charts::{ChartOption, ChartRequest, ChartSet, PlacedChart};
use crate::data::crossings::provisional_from;
use crate::model::Figures;
use crate::render::figure::figure_html;
use crate::render::templates::Engine;

/// `{{ chart(name="cumulative", years=[2024, 2025, 2026], highlight=2026,
/// title="…") }}` (or `from=2022, to=2026`) places a chart in a brief; see
/// [`crate::charts::CHART_KINDS`] for each kind's options. Unknown names
/// and options are errors at the brief's line. A chart is drawn and handed
/// to `write` (which puts its data and drawing files where the site goes)
/// the first time a brief places it; the brief's later placements reuse its
/// markup. With
/// `before`, the charts as they were before the newest release revised
/// earlier days, each chart is also told apart as revised or not.
pub fn register_chart_function(
    engine: &mut Engine,
    (charts, before): (Arc<ChartSet>, Option<Arc<ChartSet>>),
    placed: Arc<PlacedCharts>,
    write: WriteChart,
    figures: Option<&Figures>,
) {
    // The crossings' source and provisional days, for their charts (a
    // chart of a table carries its own source, and is never provisional).
    let source = figures.map_or_else(String::new, |f| {
        format!(
            "Source: {}, {}, released {}",
            f.source.publisher,
            f.source.title,
            crate::text::long_date(f.source.released)
        )
    });
    let provisional_from = figures.map(|f| provisional_from(f.source.released));
    engine
        .tera
        .register_function("chart", move |kwargs: tera::Kwargs, state: &tera::State| {
            let request = chart_request(&kwargs)?;
            let stem = request.file_stem();
            let key = (page_of(state), stem.clone());
            if placed.contains(&key) {
                return Ok(tera::Value::safe_string(&figure_marker(&stem)));
            }
            let chart = charts.draw(&request, &stem).map_err(tera::Error::message)?;
            let revised = before.as_ref().is_some_and(|before| {
                before
                    .draw(&request, &stem)
                    .is_ok_and(|old| old.data.csv() != chart.data.csv())
            });
            let figure = Placed {
                html: match &chart.table_source {
                    // A table's rows are its publisher's, not provisional
                    // days of the crossings.
                    Some(own) => figure_html(&chart, own, "../", None),
                    None => figure_html(&chart, &source, "../", provisional_from),
                }
                .into(),
                files: [
                    chart.data.file().into(),
                    chart.wide.file().into(),
                    chart.narrow.file().into(),
                ],
                revised,
            };
            // Each page draws its own charts (the set keeps what they share);
            // the sink writes a data or drawing file once however many link it.
            placed.insert(key, figure);
            write(&chart).map_err(tera::Error::message)?;
            Ok(tera::Value::safe_string(&figure_marker(&stem)))
        });
}

/// The page whose body is being rendered: its brief's name, or nothing
/// outside a brief.
fn page_of(state: &tera::State) -> String {
    let brief = state.get::<tera::Value>("brief").ok().flatten();
    brief
        .as_ref()
        .and_then(|b| b.as_map())
        .and_then(|map| map.iter().find(|(k, _)| k.as_str() == Some("slug")))
        .and_then(|(_, slug)| slug.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What puts a chart's data and drawing files where the site goes, the
/// first time a brief places the chart; the error says why it could not.
pub type WriteChart = Arc<dyn Fn(&PlacedChart) -> Result<(), String> + Send + Sync>;

/// `chart()` as the words a reader reads of it: its title and its
/// description (the image's alternative text), as a paragraph, so that
/// `diff` reports a chart whose title or description changed as it does a
/// sentence. Its files are drawn and thrown away.
pub fn register_chart_words(engine: &mut Engine, charts: Arc<ChartSet>) {
    engine
        .tera
        .register_function("chart", move |kwargs: tera::Kwargs, _: &tera::State| {
            let request = chart_request(&kwargs)?;
            let chart = charts
                .draw(&request, &request.file_stem())
                .map_err(tera::Error::message)?;
            let words = format!("\n\nChart: {}. {}\n\n", chart.title, chart.description);
            Ok(tera::Value::from(words))
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

/// A brief's body with its charts in place.
#[derive(Debug, PartialEq)]
pub struct BodyWithFigures<'h> {
    /// The body's HTML, each figure stand-in replaced by its chart's figure.
    pub html: std::borrow::Cow<'h, str>,
    /// The name of each chart placed (`cumulative-1a2b3c4d5e6f7081`), sorted, each
    /// once: what the manifest lists as the brief's charts.
    pub charts: Vec<String>,
    /// The files its charts link to (data and drawings), sorted, each once.
    pub chart_files: Vec<String>,
    /// Whether the newest release's revisions of earlier days moved the
    /// data of any chart placed.
    pub revised: bool,
}

/// `html`, the body of brief `page`, with each figure stand-in replaced by
/// its chart's figure, and the charts so placed. The page's figures are
/// taken out of `placed`: a large site's drawings are never held at once.
pub fn place_figures<'h>(html: &'h str, placed: &PlacedCharts, page: &str) -> BodyWithFigures<'h> {
    if !html.contains(FIGURE_MARKER) {
        return BodyWithFigures {
            html: html.into(),
            charts: Vec::new(),
            chart_files: Vec::new(),
            revised: false,
        };
    }
    let figures = placed.take_page(page);
    let mut out = String::with_capacity(html.len() + 64 * 1024);
    let mut charts = Vec::new();
    let mut chart_files = Vec::new();
    let mut revised = false;
    let mut rest = html;
    while let Some(i) = rest.find(FIGURE_MARKER) {
        out.push_str(&rest[..i]);
        let after = &rest[i + FIGURE_MARKER.len()..];
        let figure = after
            .split_once(FIGURE_MARKER_END)
            .and_then(|(stem, tail)| Some((stem, figures.get(stem)?, tail)));
        match figure {
            Some((stem, figure, tail)) => {
                out.push_str(&figure.html);
                revised |= figure.revised;
                charts.push(stem.to_string());
                chart_files.extend(figure.files.iter().map(|f| f.to_string()));
                rest = tail;
            }
            None => {
                out.push_str(FIGURE_MARKER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    charts.sort();
    charts.dedup();
    chart_files.sort();
    chart_files.dedup();
    BodyWithFigures {
        html: out.into(),
        charts,
        chart_files,
        revised,
    }
}

/// A chart placed: its figure markup, and whether the newest release's
/// revisions moved its data.
#[derive(Debug, Clone)]
pub struct Placed {
    html: Arc<str>,
    /// The chart's data file and drawing files (wide and narrow), which
    /// the page links.
    files: [Arc<str>; 3],
    revised: bool,
}

/// The figure markup of the charts placed by pages being rendered, by page
/// and file stem, from `chart()` until [`place_figures`] puts them in.
#[derive(Default)]
pub struct PlacedCharts(std::sync::Mutex<BTreeMap<(String, String), Placed>>);

impl PlacedCharts {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, String), Placed>> {
        // A panic while rendering cannot leave the map half-written.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn contains(&self, key: &(String, String)) -> bool {
        self.lock().contains_key(key)
    }

    /// Records a chart's markup for its page.
    fn insert(&self, key: (String, String), figure: Placed) {
        self.lock().insert(key, figure);
    }

    /// Takes out the figures of `page`, by file stem.
    fn take_page(&self, page: &str) -> BTreeMap<String, Placed> {
        let mut map = self.lock();
        let stems: Vec<(String, String)> = map
            .range((page.to_string(), String::new())..)
            .take_while(|((p, _), _)| p == page)
            .map(|(k, _)| k.clone())
            .collect();
        stems
            .into_iter()
            .filter_map(|key| map.remove(&key).map(|figure| (key.1, figure)))
            .collect()
    }
}

/// Reads `chart()`'s arguments, refusing any it does not know.
fn chart_request(kwargs: &tera::Kwargs) -> std::result::Result<ChartRequest, tera::Error> {
    let arguments = || std::iter::once("name").chain(ChartOption::ALL.map(ChartOption::name));
    for (key, _) in kwargs.iter() {
        let key = key.to_string();
        if !arguments().any(|a| a == key) {
            return Err(tera::Error::message(format!(
                "chart() takes no argument “{key}”; it takes: {}",
                arguments().collect::<Vec<_>>().join(", ")
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
        data: match kwargs.get::<tera::Value>("data")? {
            Some(value) => {
                let (table, derived) = crate::render::table_filters::table_of(&value, "chart")
                    .map_err(|_| {
                        tera::Error::message(
                            "chart() argument “data” must be a table: data.<name> of a CSV file with a schema, filtered or grouped as you like",
                        )
                    })?;
                Some(crate::charts::TableRef::new(table, derived))
            }
            None => None,
        },
        x: kwargs
            .get::<String>("x")
            .map_err(bad("x", "a column's name in quotes"))?,
        y: match kwargs.get::<tera::Value>("y")? {
            Some(value) => Some(match (value.as_str(), value.as_array()) {
                (Some(one), _) => vec![one.to_string()],
                (None, Some(many)) => many
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| tera::Error::message("chart() argument “y” must be a column's name in quotes, or a list of them"))?,
                _ => {
                    return Err(tera::Error::message(
                        "chart() argument “y” must be a column's name in quotes, or a list of them",
                    ));
                }
            }),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown;

    impl Placed {
        fn unrevised(html: &str) -> Placed {
            Placed {
                html: html.into(),
                files: [
                    "charts/a.csv".into(),
                    "charts/a.svg".into(),
                    "charts/a-narrow.svg".into(),
                ],
                revised: false,
            }
        }
    }

    #[test]
    fn figures_put_in_after_markdown_give_the_page_markdown_gave_them() {
        // A figure as `figure_html` makes it: block HTML ending in a
        // newline, with text Markdown would change if it read it.
        let figure = "<figure class=\"chart\" id=\"figure-a\">\n<figcaption>\"Quoted\" -- *not* emphasis</figcaption>\n<table>\n<tr><td class=\"num\">1,000</td></tr>\n</table>\n</figure>\n";
        let placed = PlacedCharts::default();
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
            let html = markdown::to_html(&marked).unwrap();
            placed.insert(("p".into(), "a".into()), Placed::unrevised(figure));
            let after = place_figures(&html, &placed, "p");
            assert_eq!(after.html, before, "{body:?}");
            assert_eq!(after.charts, ["a"], "{body:?}");
            assert_eq!(
                after.chart_files,
                ["charts/a-narrow.svg", "charts/a.csv", "charts/a.svg"],
                "{body:?}"
            );
        }
        // The page's figures were taken out.
        assert!(!placed.contains(&("p".into(), "a".into())));
        // A stand-in for a chart not placed is left as it is; so is one
        // placed by another page.
        placed.insert(("q".into(), "b".into()), Placed::unrevised(figure));
        let unknown = figure_marker("b");
        let body = place_figures(&unknown, &placed, "p");
        assert_eq!(
            (body.html.as_ref(), body.charts.len()),
            (unknown.as_str(), 0)
        );
        let text = format!("x {FIGURE_MARKER} y");
        assert_eq!(place_figures(&text, &placed, "p").html, text);
        assert!(placed.contains(&("q".into(), "b".into())));
    }

    #[test]
    fn the_charts_placed_are_listed_sorted_each_once() {
        let placed = PlacedCharts::default();
        let place = |body: &str| -> BodyWithFigures<'static> {
            for stem in ["b-1", "a"] {
                let html = format!("<figure id=\"{stem}\"></figure>\n");
                let revised = stem == "a";
                placed.insert(
                    ("p".into(), stem.into()),
                    Placed {
                        html: html.into(),
                        files: [
                            "charts/shared.csv".into(),
                            format!("charts/{stem}.svg").into(),
                            format!("charts/{stem}-narrow.svg").into(),
                        ],
                        revised,
                    },
                );
            }
            let placed = place_figures(body, &placed, "p");
            BodyWithFigures {
                html: placed.html.into_owned().into(),
                ..placed
            }
        };
        let body = ["b-1", "a", "b-1", "unknown"].map(figure_marker).concat();
        assert!(place(&body).revised);
        assert!(!place(&figure_marker("b-1")).revised);
        let placed = place(&body);
        assert_eq!(placed.charts, ["a", "b-1"]);
        assert_eq!(
            placed.chart_files,
            [
                "charts/a-narrow.svg",
                "charts/a.svg",
                "charts/b-1-narrow.svg",
                "charts/b-1.svg",
                "charts/shared.csv"
            ]
        );
        assert!(placed.html.ends_with(&figure_marker("unknown")));
        assert_eq!(placed.html.matches("<figure id=\"b-1\">").count(), 2);
    }
}
