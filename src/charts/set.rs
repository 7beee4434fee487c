//! The charts a brief asks for: `chart(name=…, years=…, highlight=…,
//! title=…)` is turned into a [`ChartRequest`], drawn from the figures and
//! the series (wide, and narrow for phones), under a file name that
//! differs whenever the options do. Titles state the finding, worked
//! out from the same figures the briefs quote, so a chart never disagrees
//! with the prose around it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use jiff::civil::Date;
use sha2::{Digest, Sha256};

use crate::hash::sha256_hex;
use crate::model::{Figures, PilotParameters, Series, planned_by};
use crate::text::long_date;

use super::cumulative::{data_of_rows, push_data_rows};
use super::draw::PolylineCache;
use super::kinds::ChartKind;
use super::labels::SourceLine;
use super::table::Table;
use super::{
    AnnualBars, BacktestErrors, Chart, ChartInput, Cumulative, PILOT_SCALE_NOTE, PilotReturns,
    ProjectionRange, Theme, YearLine,
};
use crate::text::fmt_count;

/// A chart ready to place: drawn wide and narrow (for phones), with the
/// subtitle shown above it and its data.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedChart {
    /// The chart's name: its figure's id, e.g. `annual-arrivals`.
    pub name: String,
    /// The finding, stated as a title, or the brief's own title.
    pub title: String,
    /// A text description written from the data, for screen readers.
    pub description: String,
    /// Measure, units and as-of date, shown under the title.
    pub subtitle: String,
    /// The data drawn: the same for every chart of its kind and years.
    pub data: Arc<ChartData>,
    /// The wide drawing, a file of its own: the same for every chart of
    /// the same data and highlight.
    pub wide: Arc<DrawingFile>,
    /// The same chart laid out for a phone's width, as a file.
    pub narrow: Arc<DrawingFile>,
    /// The page's source line of a chart of a table, from its schema
    /// ("Source: NOAA, Mauna Loa CO2, released 5 June 2020"); `None` for
    /// the crossings' and the pilot's charts, which share the build's.
    pub table_source: Option<String>,
}

/// A chart's drawing as a file: titled by its finding rather than by a
/// brief's own title, since every chart that draws the same data with the
/// same year picked out shows the one file.
#[derive(Debug, PartialEq, Eq)]
pub struct DrawingFile {
    file: String,
    svg: String,
    sha256: String,
}

impl DrawingFile {
    /// The drawing `svg`, as the file at `file` under the output folder.
    pub fn new(file: String, svg: String) -> DrawingFile {
        DrawingFile {
            sha256: sha256_hex(svg.as_bytes()),
            svg,
            file,
        }
    }

    /// Where the file goes under the output folder
    /// (`charts/cumulative-2018-2026-highlight-2026.svg`, or
    /// `…-narrow.svg` for the narrow drawing).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The SVG document.
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// The SHA-256 of the file, in hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// A chart's data, as its CSV file and its page table (see [`Chart`]).
/// Charts of one kind over the same years have the same data whatever
/// their titles and highlights, so a set keeps each once.
#[derive(Debug)]
pub struct ChartData {
    /// Its CSV file under the output folder, named by the data's kind and
    /// years (see [`data_file`]): every chart of the same data links it.
    file: String,
    csv: String,
    csv_sha256: String,
    table: Table,
    /// The table as a page shows it, made once (see [`ChartData::table_html`]).
    table_html: OnceLock<String>,
}

impl PartialEq for ChartData {
    fn eq(&self, other: &ChartData) -> bool {
        // The HTML is made from the table, whenever a page first needs it.
        (&self.file, &self.csv, &self.table) == (&other.file, &other.csv, &other.table)
    }
}

impl Eq for ChartData {}

impl ChartData {
    /// The data of a chart whose CSV file, at `file`, is `csv` and page
    /// table `table`.
    pub fn new(file: String, csv: String, table: Table) -> ChartData {
        ChartData {
            file,
            csv_sha256: sha256_hex(csv.as_bytes()),
            csv,
            table,
            table_html: OnceLock::new(),
        }
    }

    /// The page's table in HTML, as `render` makes it from [`Self::table`]:
    /// made by the first page that places a chart of this data, and kept
    /// for the others.
    pub fn table_html(&self, render: impl FnOnce(&Table) -> String) -> &str {
        self.table_html.get_or_init(|| render(&self.table))
    }

    /// Where its CSV file goes under the output folder
    /// (`charts/cumulative-2018-2026.csv`).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The CSV file.
    pub fn csv(&self) -> &str {
        &self.csv
    }

    /// The SHA-256 of the CSV file, in hex: the manifest lists it, and a
    /// large site has many charts over the same data.
    pub fn csv_sha256(&self) -> &str {
        &self.csv_sha256
    }

    /// The page's table.
    pub fn table(&self) -> &Table {
        &self.table
    }
}

/// Which data a chart draws: its kind and the years it shows (none for
/// the kinds without years).
pub(super) type DataKey = (String, Vec<i16>);

/// The CSV file of the data `key` names: the kind, then its years as runs
/// (`charts/annual-arrivals-2018-2022.csv`, `charts/cumulative-2019_2021-2023.csv`),
/// or the kind alone (`charts/projection.csv`). Every chart of that data,
/// whatever its title or highlight, links the one file.
pub fn data_file((kind, years): &DataKey) -> String {
    let mut name = format!("charts/{kind}");
    let mut rest = years.as_slice();
    let mut first = true;
    while let Some(&start) = rest.first() {
        let run = rest.windows(2).take_while(|w| w[1] == w[0] + 1).count();
        name.push(if first { '-' } else { '_' });
        first = false;
        name.push_str(&start.to_string());
        if run > 0 {
            name.push('-');
            name.push_str(&rest[run].to_string());
        }
        rest = &rest[run + 1..];
    }
    name.push_str(".csv");
    name
}

/// The name of the drawings of data `key` with `highlight` picked out:
/// the data file's name with the year picked out, if any
/// (`cumulative-2018-2026-highlight-2026`, `annual-arrivals-2018-2022`).
/// The wide drawing is `charts/<name>.svg`, the narrow one
/// `charts/<name>-narrow.svg`, and their ids start `chart-<name>`.
pub fn drawing_name(key: &DataKey, highlight: Option<i16>) -> String {
    let data = data_file(key);
    let stem = data.strip_prefix("charts/").unwrap_or(&data);
    let stem = stem.strip_suffix(".csv").unwrap_or(stem);
    match highlight {
        Some(year) => format!("{stem}-highlight-{year}"),
        None => stem.to_string(),
    }
}

/// What a brief asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartRequest {
    /// The chart kind, one of [`super::CHART_KINDS`].
    pub name: String,
    /// Only these years (bars, lines or backtest years).
    pub years: Option<Vec<i16>>,
    /// Only years from this one on (those the data has).
    pub from: Option<i16>,
    /// Only years up to this one (those the data has).
    pub to: Option<i16>,
    /// The year picked out (cumulative).
    pub highlight: Option<i16>,
    /// A title of the brief's own instead of the computed finding.
    pub title: Option<String>,
    /// The table drawn, for the charts of one's own data.
    pub data: Option<TableRef>,
    /// The table's column along the bottom.
    pub x: Option<String>,
    /// The table's columns drawn (one for bars; one or more for lines).
    pub y: Option<Vec<String>>,
}

/// A table a chart draws: the table, the chain of filters that made it
/// (`data.counts | by_period(…)`) and the SHA-256 of its rows as CSV, by
/// which two requests are told apart.
#[derive(Debug, Clone)]
pub struct TableRef {
    /// The table.
    pub table: Arc<crate::data::table::Table>,
    /// How it was made.
    pub derived: String,
    /// SHA-256 of its rows as CSV, in hex.
    pub digest: String,
}

impl TableRef {
    /// `table`, made by `derived`.
    pub fn new(table: crate::data::table::Table, derived: String) -> TableRef {
        let digest = sha256_hex(crate::data::table::to_csv(&table).as_bytes());
        TableRef {
            table: Arc::new(table),
            derived,
            digest,
        }
    }
}

impl PartialEq for TableRef {
    fn eq(&self, other: &TableRef) -> bool {
        (&self.derived, &self.digest) == (&other.derived, &other.digest)
    }
}

impl Eq for TableRef {}

impl ChartRequest {
    /// The chart's name (its figure's id and download's file name): the kind's name when no option
    /// is set, else the name and a hash of the options (8 bytes: with 4,
    /// two of a 10,000-brief synthetic site's 30,000 charts shared a name),
    /// so the same chart with other options is another chart.
    pub fn file_stem(&self) -> String {
        if *self
            == (ChartRequest {
                name: self.name.clone(),
                ..ChartRequest::default()
            })
        {
            return self.name.clone();
        }
        let mut options = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}",
            self.years, self.from, self.to, self.highlight, self.title
        );
        // Only charts of a table have these, so the others keep their names.
        if let Some(data) = &self.data {
            options.push_str(&format!(
                "|{}|{}|{:?}|{:?}",
                data.derived, data.digest, self.x, self.y
            ));
        }
        let hash = Sha256::digest(options.as_bytes());
        format!("{}-{}", self.name, crate::hash::hex(&hash[..8]))
    }
}

/// Draws charts on request: of the crossings' figures and series, when
/// the project has them, and of the tables the briefs give.
#[derive(Debug)]
pub struct ChartSet {
    crossings: Option<CrossingsData>,
    /// Each year's cumulative line, worked out from the series on first
    /// use: every cumulative chart draws some of them.
    year_lines: OnceLock<Vec<YearLine>>,
    /// Each year's rows of a cumulative chart's CSV, in the order of
    /// `year_lines`, written once: every chart of that year has them.
    year_rows: OnceLock<Vec<String>>,
    /// Each year's cumulative line as drawn at each scale, kept for the
    /// next chart that draws it there.
    drawn_lines: PolylineCache,
    /// Each chart's data by kind and years, kept for the next chart of
    /// that data.
    data: Mutex<BTreeMap<DataKey, Arc<ChartData>>>,
    /// Each chart's drawings by data and highlight, kept for the next
    /// chart that draws the same (under another title).
    drawings: Mutex<BTreeMap<DrawKey, Arc<Drawn>>>,
}

/// What the crossings' charts are drawn from.
#[derive(Debug)]
struct CrossingsData {
    figures: Figures,
    series: Series,
    pilot: Option<PilotParameters>,
    source: SourceLine,
    /// The source line of the pilot's charts, which adds the returns'.
    pilot_source: SourceLine,
}

/// Which drawing a chart is: its data, and the year it picks out.
type DrawKey = (DataKey, Option<i16>);

/// A chart as a kind's function has worked it out before anything is
/// drawn: what was asked for (`request`, named `stem`), the data `key`, the
/// year picked out, the finding (the title unless the brief gives one) and
/// the subtitle.
pub(super) struct Placing<'r> {
    pub(super) request: &'r ChartRequest,
    pub(super) stem: &'r str,
    pub(super) key: DataKey,
    pub(super) highlight: Option<i16>,
    pub(super) finding: String,
    pub(super) subtitle: String,
    /// The page's source line of a chart of a table (see
    /// [`PlacedChart::table_source`]).
    pub(super) table_source: Option<String>,
}

/// A chart's two drawings, as files, and their description.
#[derive(Debug, PartialEq)]
struct Drawn {
    description: String,
    wide: Arc<DrawingFile>,
    narrow: Arc<DrawingFile>,
}

impl ChartSet {
    /// A chart set for the crossings' figures and their series (already
    /// cut at the as-of date), when the project has them; every set draws
    /// the tables briefs give it.
    pub fn new(
        crossings: Option<(&Figures, &Series)>,
        pilot: Option<&PilotParameters>,
    ) -> ChartSet {
        let crossings = crossings.map(|(figures, series)| {
            let source = format!(
                "Source: {}, {} (released {})",
                figures.source.publisher,
                figures.source.title,
                long_date(figures.source.released)
            );
            let pilot_source =
                format!("{source}; returns as reported by ministers and the press").into();
            CrossingsData {
                figures: figures.clone(),
                series: series.clone(),
                pilot: pilot.cloned(),
                source: source.into(),
                pilot_source,
            }
        });
        ChartSet {
            crossings,
            year_lines: OnceLock::new(),
            year_rows: OnceLock::new(),
            drawn_lines: PolylineCache::default(),
            data: Mutex::default(),
            drawings: Mutex::default(),
        }
    }

    /// What the crossings' charts are drawn from, or why the chart
    /// `request` asks for cannot be drawn.
    fn crossings(&self, request: &ChartRequest) -> Result<&CrossingsData, String> {
        self.crossings.as_ref().ok_or_else(|| {
            format!(
                "chart “{}” draws the crossings, and this project has no data/crossings.yaml; a chart of a table of your own is `line`, `bars` or `cumulative-by-year` with `data=`",
                request.name
            )
        })
    }

    /// Each year's cumulative line: for each day of the series, the day of
    /// the year and the people arrived that year so far.
    fn year_lines(&self) -> &[YearLine] {
        self.year_lines.get_or_init(|| {
            let mut years: Vec<(i16, Vec<(u16, u64)>)> = Vec::new();
            let days = self.crossings.as_ref().map_or(&[][..], |c| c.series.days());
            for day in days {
                let year = day.date.year();
                if years.last().map(|(y, _)| *y) != Some(year) {
                    years.push((year, Vec::with_capacity(366)));
                }
                if let Some((_, points)) = years.last_mut() {
                    let total = points.last().map_or(0, |p| p.1) + day.people;
                    points.push((day.date.day_of_year() as u16, total));
                }
            }
            years
                .into_iter()
                .map(|(year, points)| YearLine::new(year, points))
                .collect()
        })
    }

    /// Each year's CSV rows for cumulative charts, as [`Self::year_lines`].
    fn year_rows(&self) -> &[String] {
        self.year_rows.get_or_init(|| {
            self.year_lines()
                .iter()
                .map(|line| {
                    let mut rows = String::with_capacity(line.points().len() * 26);
                    push_data_rows(&mut rows, line);
                    rows
                })
                .collect()
        })
    }

    /// Draws the chart for `request` under the file stem `stem` (see
    /// [`ChartRequest::file_stem`]). The error says what is wrong with the
    /// request, for the brief's error message. What charts share is kept
    /// for the next chart: data by kind and years, drawings by data and
    /// highlight, each year's line at each scale.
    pub fn draw(&self, request: &ChartRequest, stem: &str) -> Result<PlacedChart, String> {
        (ChartKind::of(request)?.draw)(self, request, stem)
    }

    /// Charts' data kept at most: enough for every kind over every choice
    /// of years a large site makes, and a bound on memory whatever it asks.
    const MAX_DATA: usize = 1024;

    /// The chart `placing` describes, placed. Its drawings and data are
    /// kept from an earlier chart of the same data and highlight (whatever
    /// its title), or else drawn from the input `input` makes and made by
    /// `data`: a chart of a large site is most often a lookup.
    pub(super) fn place<I: ChartInput>(
        &self,
        placing: Placing<'_>,
        mut input: impl FnMut() -> I,
        data: impl FnOnce(&I) -> (String, Table),
    ) -> PlacedChart {
        let Placing {
            request,
            stem,
            key,
            highlight,
            finding,
            subtitle,
            table_source,
        } = placing;
        let mut made = None;
        let draw_key = (key, highlight);
        let kept = self.kept_drawings().get(&draw_key).cloned();
        let drawn = match kept {
            Some(kept) => {
                // What is drawn depends on the data and the highlight
                // alone: tests draw every chart again and compare.
                debug_assert!(*kept == self.draw_files(&input()), "{draw_key:?}");
                kept
            }
            None => {
                let drawn = Arc::new(self.draw_files(made.get_or_insert_with(&mut input)));
                let mut kept = self.kept_drawings();
                if kept.len() < Self::MAX_DATA {
                    kept.entry(draw_key.clone())
                        .or_insert_with(|| Arc::clone(&drawn));
                }
                drawn
            }
        };
        let key = draw_key.0;
        let kept = self.kept_data().get(&key).cloned();
        let data = kept.unwrap_or_else(|| {
            let made = made.get_or_insert_with(&mut input);
            let (csv, table) = data(made);
            // A saved CSV says what it holds and where it comes from, in a
            // comment line as the publishers' own files do.
            let about = format!("# {}. {}\n", subtitle.trim_end_matches('.'), made.source());
            let data = Arc::new(ChartData::new(data_file(&key), about + &csv, table));
            let mut kept = self.kept_data();
            if kept.len() < Self::MAX_DATA {
                kept.entry(key).or_insert_with(|| Arc::clone(&data));
            }
            data
        });
        PlacedChart {
            name: stem.to_string(),
            title: request.title.clone().unwrap_or(finding),
            description: drawn.description.clone(),
            subtitle,
            data,
            wide: Arc::clone(&drawn.wide),
            narrow: Arc::clone(&drawn.narrow),
            table_source,
        }
    }

    /// `input` drawn wide and narrow, as files named by its name.
    fn draw_files(&self, input: &impl ChartInput) -> Drawn {
        let wide = Chart::drawing(input, &Theme::default(), &self.drawn_lines);
        let narrow = Chart::drawing(input, &Theme::narrow(), &self.drawn_lines);
        let file = |suffix: &str, svg| {
            let path = format!("charts/{}{suffix}.svg", input.name());
            Arc::new(DrawingFile::new(path, svg))
        };
        Drawn {
            description: wide.description,
            wide: file("", wide.svg),
            narrow: file("-narrow", narrow.svg),
        }
    }

    fn kept_drawings(&self) -> MutexGuard<'_, BTreeMap<DrawKey, Arc<Drawn>>> {
        // Entries are inserted whole: a panic elsewhere leaves none half-made.
        self.drawings.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn kept_data(&self) -> MutexGuard<'_, BTreeMap<DataKey, Arc<ChartData>>> {
        // Entries are inserted whole: a panic elsewhere leaves none half-made.
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Checks that every asked-for year has data, and gives the years kept:
    /// those listed in `years`, within `from` and `to`.
    fn pick_years(&self, request: &ChartRequest, available: &[i16]) -> Result<Vec<i16>, String> {
        let (from, to) = (
            request.from.unwrap_or(i16::MIN),
            request.to.unwrap_or(i16::MAX),
        );
        let in_range: Vec<i16> = available
            .iter()
            .copied()
            .filter(|y| (from..=to).contains(y))
            .collect();
        if in_range.is_empty() {
            return Err(format!(
                "chart “{}” has no years from {} to {}",
                request.name,
                request.from.map_or("the start".into(), |y| y.to_string()),
                request.to.map_or("the end".into(), |y| y.to_string()),
            ));
        }
        let Some(years) = &request.years else {
            return Ok(in_range);
        };
        let available = &in_range;
        if years.is_empty() {
            return Err("`years` is empty; expected a list such as [2023, 2024, 2025]".into());
        }
        for y in years {
            if !available.contains(y) {
                let range = match (available.first(), available.last()) {
                    (Some(a), Some(b)) => format!("{a} to {b}"),
                    _ => "none".into(),
                };
                return Err(format!(
                    "chart “{}” has no data for {y}; the years it can show are {range}",
                    request.name
                ));
            }
        }
        Ok(available
            .iter()
            .copied()
            .filter(|y| years.contains(y))
            .collect())
    }

    pub(super) fn annual(&self, request: &ChartRequest, stem: &str) -> Result<PlacedChart, String> {
        let c = self.crossings(request)?;
        let annual = &c.figures.annual;
        let available: Vec<i16> = annual.iter().map(|a| a.year).collect();
        let years = self.pick_years(request, &available)?;
        let rows: Vec<_> = annual.iter().filter(|a| years.contains(&a.year)).collect();
        let span = match (rows.first(), rows.last()) {
            (Some(f), Some(l)) if f.year == l.year => f.year.to_string(),
            (Some(f), Some(l)) => format!("{}–{}", f.year, l.year),
            _ => "no complete year yet".into(),
        };
        let (bars, value_label, decimals, title, subtitle): (
            Vec<(i16, f64)>,
            &str,
            u8,
            String,
            String,
        ) = match request.name.as_str() {
            "annual-arrivals" => {
                let peak = rows.iter().max_by_key(|a| (a.people, -a.year));
                (
                    rows.iter().map(|a| (a.year, a.people as f64)).collect(),
                    "People arrived",
                    0,
                    peak.map_or("Arrivals by year".into(), |p| {
                        format!("Arrivals peaked at {} in {}", fmt_count(p.people), p.year)
                    }),
                    format!("People arrived by small boat, by calendar year, {span}"),
                )
            }
            "annual-boats" => {
                let peak = rows.iter().max_by_key(|a| (a.boats, -a.year));
                (
                    rows.iter().map(|a| (a.year, a.boats as f64)).collect(),
                    "Boats arrived",
                    0,
                    peak.map_or("Boats by year".into(), |p| {
                        format!(
                            "Boats detected peaked at {} in {}",
                            fmt_count(p.boats),
                            p.year
                        )
                    }),
                    format!("Small boats arrived, by calendar year, {span}"),
                )
            }
            _ => {
                let per_boat: Vec<(i16, f64)> = rows
                    .iter()
                    .filter_map(|a| a.people_per_boat.map(|p| (a.year, p)))
                    .collect();
                let title = people_per_boat_title(&per_boat);
                (
                    per_boat,
                    "People per boat",
                    1,
                    title,
                    format!("Average people per boat, by calendar year, {span}"),
                )
            }
        };
        let key = (request.name.clone(), years);
        let name = drawing_name(&key, None);
        let input = || AnnualBars {
            name: name.clone(),
            title: title.clone(),
            subtitle: subtitle.clone(),
            source: c.source.clone(),
            value_label: value_label.into(),
            bars: bars.clone(),
            decimals,
        };
        let placing = Placing {
            request,
            stem,
            key,
            highlight: None,
            finding: title.clone(),
            subtitle: subtitle.clone(),
            table_source: None,
        };
        Ok(self.place(placing, input, |i| i.data()))
    }

    pub(super) fn cumulative(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        let c = self.crossings(request)?;
        let ytd = &c.figures.ytd;
        let all = self.year_lines();
        let available: Vec<i16> = all.iter().map(|l| l.year).collect();
        let years = self.pick_years(request, &available)?;
        let lines: Vec<&YearLine> = all.iter().filter(|l| years.contains(&l.year)).collect();
        let rows: Vec<&str> = all
            .iter()
            .zip(self.year_rows())
            .filter(|(l, _)| years.contains(&l.year))
            .map(|(_, rows)| rows.as_str())
            .collect();
        let highlight = request.highlight.unwrap_or(ytd.year);
        if !years.contains(&highlight) {
            return Err(format!(
                "highlight={highlight} is not among the years shown ({})",
                years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let title = if highlight == ytd.year && years.len() == available.len() {
            format!(
                "Crossings so far in {} are {} for the time of year",
                ytd.year,
                rank_phrase(ytd.rank, ytd.years_compared)
            )
        } else {
            subset_title(&lines, highlight)
        };
        let subtitle = format!(
            "Cumulative people arrived by small boat, by day of the year, to {}",
            long_date(c.figures.as_of)
        );
        let key = ("cumulative".into(), years);
        let name = drawing_name(&key, Some(highlight));
        let input = || Cumulative {
            name: name.clone(),
            title: title.clone(),
            subtitle: subtitle.clone(),
            source: c.source.clone(),
            lines: lines.iter().map(|&l| l.clone()).collect(),
            highlight,
            measure: Default::default(),
        };
        let placing = Placing {
            request,
            stem,
            key,
            highlight: Some(highlight),
            finding: title.clone(),
            subtitle: subtitle.clone(),
            table_source: None,
        };
        Ok(self.place(placing, input, |i| data_of_rows(i, &rows)))
    }

    pub(super) fn projection(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        let c = self.crossings(request)?;
        let Some(p) = &c.figures.projection else {
            return Err(format!(
                "there is no projection as of {}: no complete year before it had arrivals by this point; guard the chart with {{% if projection %}}",
                long_date(c.figures.as_of)
            ));
        };
        let year_start = Date::new(p.year, 1, 1).unwrap_or(c.series.first());
        let mut total = 0;
        let so_far: Vec<(u16, u64)> = c
            .series
            .days()
            .iter()
            .filter(|d| d.date >= year_start)
            .map(|d| {
                total += d.people;
                (d.date.day_of_year() as u16, total)
            })
            .collect();
        let title = format!(
            "{} looks set to end between {} and {} arrivals",
            p.year,
            fmt_count(p.low),
            fmt_count(p.high)
        );
        let subtitle = format!(
            "People arrived so far, and the projected year-end range from the {} previous years’ seasonal pattern, to {}",
            p.reference_years.len(),
            long_date(c.figures.as_of)
        );
        let key = ("projection".to_string(), Vec::new());
        let name = drawing_name(&key, None);
        let input = || ProjectionRange {
            name: name.clone(),
            title: title.clone(),
            subtitle: subtitle.clone(),
            source: c.source.clone(),
            year: p.year,
            days_in_year: year_start.days_in_year() as u16,
            so_far: so_far.clone(),
            low: p.low as f64,
            central: p.central as f64,
            high: p.high as f64,
            reference: p
                .reference_years
                .iter()
                .map(|r| (r.year, r.total))
                .collect(),
        };
        let placing = Placing {
            request,
            stem,
            key,
            highlight: None,
            finding: title.clone(),
            subtitle: subtitle.clone(),
            table_source: None,
        };
        Ok(self.place(placing, input, |i| i.data()))
    }

    pub(super) fn backtest(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        let c = self.crossings(request)?;
        let b = &c.figures.backtest;
        let available: Vec<i16> = b.years.iter().map(|y| y.year).collect();
        if available.is_empty() {
            return Err(
                "there is no backtest yet: too few complete years; guard the chart with {% if backtest.mean_abs_error_pct is not none %}"
                    .into(),
            );
        }
        let years = self.pick_years(request, &available)?;
        let rows: Vec<(i16, u8, f64)> = b
            .rows
            .iter()
            .filter(|r| years.contains(&r.year))
            .map(|r| (r.year, r.as_of.month() as u8, r.error_pct))
            .collect();
        let title = match b.mean_abs_error_pct {
            Some(mean) if years.len() == available.len() => {
                format!("Past projections were off by {mean:.1}% on average")
            }
            _ => "How far off past projections were".into(),
        };
        let span = match (years.first(), years.last()) {
            (Some(f), Some(l)) if f != l => format!("{f}–{l}"),
            (Some(f), _) => f.to_string(),
            _ => String::new(),
        };
        let subtitle =
            format!("Error of each month-end projection against the year’s outcome, %, {span}");
        let key = ("backtest".into(), years);
        let name = drawing_name(&key, None);
        let input = || BacktestErrors {
            name: name.clone(),
            title: title.clone(),
            subtitle: subtitle.clone(),
            source: c.source.clone(),
            rows: rows.clone(),
        };
        let placing = Placing {
            request,
            stem,
            key,
            highlight: None,
            finding: title.clone(),
            subtitle: subtitle.clone(),
            table_source: None,
        };
        Ok(self.place(placing, input, |i| i.data()))
    }

    pub(super) fn pilot_chart(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        let c = self.crossings(request)?;
        let not_started = || {
            format!(
                "the returns pilot had not started by {}; guard the chart with {{% if pilot.started %}}",
                long_date(c.figures.as_of)
            )
        };
        let (Some(pilot), Some(f)) = (&c.pilot, &c.figures.pilot) else {
            return Err("there is no pilot data (data/pilot.yaml)".into());
        };
        let Some(end) = f.window_end else {
            return Err(not_started());
        };
        let mut total = 0;
        let mut arrivals = Vec::new();
        let mut planned = Vec::new();
        for day in c.series.days() {
            if day.date < pilot.starts || day.date > end {
                continue;
            }
            total += day.people;
            arrivals.push((day.date, total));
            planned.push((day.date, planned_by(pilot, day.date)));
        }
        let reported: Vec<(Date, u64)> = f
            .reported
            .iter()
            .flatten()
            .map(|r| (r.report.date, r.report.returned))
            .collect();
        let title = match (f.planned_returns, f.arrivals) {
            (Some(p), Some(a)) => format!(
                "Planned returns of {} set against {} arrivals since the pilot began",
                fmt_count(p),
                fmt_count(a)
            ),
            _ => "The returns pilot".into(),
        };
        let subtitle = format!(
            "Cumulative people arrived, planned returns and reported returns, from {} to {}. {}",
            long_date(pilot.starts),
            long_date(end),
            PILOT_SCALE_NOTE
        );
        let key = (request.name.clone(), Vec::new());
        let name = drawing_name(&key, None);
        let input = || PilotReturns {
            name: name.clone(),
            title: title.clone(),
            subtitle: subtitle.clone(),
            source: c.pilot_source.clone(),
            arrivals: arrivals.clone(),
            planned: planned.clone(),
            reported: reported.clone(),
        };
        let placing = Placing {
            request,
            stem,
            key,
            highlight: None,
            finding: title.clone(),
            subtitle: subtitle.clone(),
            table_source: None,
        };
        Ok(self.place(placing, input, |i| i.data()))
    }
}

/// The finding of a cumulative chart of chosen years: where the highlighted
/// year stands at its last day among the years shown that reached that day.
pub(super) fn subset_title(lines: &[&YearLine], highlight: i16) -> String {
    let Some(&(day, value)) = lines
        .iter()
        .find(|l| l.year == highlight)
        .and_then(|l| l.points().last())
    else {
        return format!("Arrivals through the year in {highlight}");
    };
    let others: Vec<u64> = lines
        .iter()
        .filter(|l| l.year != highlight)
        .filter_map(|l| l.points().iter().find(|p| p.0 == day).map(|p| p.1))
        .collect();
    let above = others.iter().filter(|&&v| v > value).count();
    match (others.len(), above) {
        (0, _) => format!("Arrivals through the year in {highlight}"),
        (n, a) if a == n => {
            format!("{highlight} is behind every other year shown at this point in the year")
        }
        (_, 0) => {
            format!("{highlight} is ahead of every other year shown at this point in the year")
        }
        (n, a) => format!(
            "{highlight} is {} of the {} years shown at this point in the year",
            crate::words::rank_phrase(a as i64 + 1, "highest"),
            n + 1
        ),
    }
}

/// "Boats carried more people each year: …", claiming "each year" only when
/// every year rose.
fn people_per_boat_title(per_boat: &[(i16, f64)]) -> String {
    let every_year_up = per_boat.windows(2).all(|w| w[1].1 > w[0].1);
    match (per_boat.first(), per_boat.last()) {
        (Some(f), Some(l)) if l.1 > f.1 => format!(
            "Boats carried more people {}: {:.1} a boat in {}, {:.1} in {}",
            if every_year_up {
                "each year"
            } else {
                "over time"
            },
            f.1,
            f.0,
            l.1,
            l.0
        ),
        (Some(f), Some(l)) if l.1 < f.1 => format!(
            "Boats carried fewer people: {:.1} a boat in {}, {:.1} in {}",
            f.1, f.0, l.1, l.0
        ),
        _ => "People per boat".into(),
    }
}

/// "the highest", "the second-highest", or "the lowest" when last.
fn rank_phrase(rank: usize, compared: usize) -> String {
    if rank > 1 && rank == compared + 1 {
        "the lowest".into()
    } else {
        crate::words::rank_phrase(rank as i64, "highest")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(year: i16, per_day: u64, days: u16) -> YearLine {
        YearLine::new(
            year,
            (1..=days).map(|d| (d, per_day * u64::from(d))).collect(),
        )
    }

    #[test]
    fn a_data_file_is_named_by_its_kind_and_runs_of_years() {
        let file = |kind: &str, years: &[i16]| data_file(&(kind.into(), years.to_vec()));
        assert_eq!(file("projection", &[]), "charts/projection.csv");
        assert_eq!(file("backtest", &[2024]), "charts/backtest-2024.csv");
        assert_eq!(
            file("annual-arrivals", &[2018, 2019, 2020, 2021, 2022]),
            "charts/annual-arrivals-2018-2022.csv"
        );
        assert_eq!(
            file("cumulative", &[2019, 2021, 2022, 2023, 2025]),
            "charts/cumulative-2019_2021-2023_2025.csv"
        );
    }

    #[test]
    fn options_give_another_file_name_and_none_give_the_kind() {
        let plain = ChartRequest {
            name: "cumulative".into(),
            ..ChartRequest::default()
        };
        assert_eq!(plain.file_stem(), "cumulative");
        let a = ChartRequest {
            highlight: Some(2025),
            ..plain.clone()
        };
        let b = ChartRequest {
            highlight: Some(2024),
            ..plain.clone()
        };
        assert!(a.file_stem().starts_with("cumulative-"));
        assert_ne!(a.file_stem(), b.file_stem());
        assert_eq!(a.file_stem(), a.clone().file_stem(), "stable");
    }

    #[test]
    fn a_subset_title_places_the_year_among_those_shown() {
        let title =
            |lines: &[YearLine], year| subset_title(&lines.iter().collect::<Vec<_>>(), year);
        let lines = vec![line(2024, 3, 365), line(2025, 1, 365), line(2026, 2, 100)];
        assert_eq!(
            title(&lines, 2026),
            "2026 is the second-highest of the 3 years shown at this point in the year"
        );
        let lines = vec![line(2024, 3, 365), line(2026, 2, 100)];
        assert_eq!(
            title(&lines, 2026),
            "2026 is behind every other year shown at this point in the year"
        );
        let lines = vec![line(2024, 1, 365), line(2026, 2, 100)];
        assert!(title(&lines, 2026).contains("ahead of every other year"));
    }
}
