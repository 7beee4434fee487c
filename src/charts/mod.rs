//! Charts: plotters draws each chart as SVG, beside the data it draws as CSV.
//!
//! Each chart kind is a function from plain inputs (which the chart set
//! takes from the figures and the series) to a [`Chart`]. Nothing here
//! reads files or knows about briefs.

/// One drawn chart, ready to be written and placed in a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem under `output/charts/`, e.g. `annual-arrivals`.
    pub name: String,
    /// The finding, stated as a title.
    pub title: String,
    /// A text description written from the data, for screen readers and captions.
    pub description: String,
    /// The SVG document.
    pub svg: String,
    /// The data drawn, as CSV with a header row.
    pub csv: String,
    /// The data as the page's table shows it: the rows of `csv`, or a
    /// summary (month or quarter ends) where the data has a row per day, so
    /// that a page does not carry thousands of rows.
    pub table: Table,
}

impl Chart {
    /// `input` drawn with `theme` (e.g. [`Theme::narrow`]), with its data.
    pub fn of(input: &impl ChartInput, theme: &Theme) -> Chart {
        let mut chart = Chart::drawing(input, theme, &PolylineCache::default());
        (chart.csv, chart.table) = input.data();
        chart
    }

    /// `input` drawn with `theme` without its data (`csv` and `table`
    /// empty): for a drawing whose data is written already, such as the
    /// narrow one. `kept` keeps the lines drawn for the next chart of the
    /// same lines (one cache per set of inputs, such as a site's).
    pub fn drawing(input: &impl ChartInput, theme: &Theme, kept: &PolylineCache) -> Chart {
        let Drawing { description, svg } = input.draw(theme, kept);
        Chart {
            name: input.name().to_string(),
            title: input.title().to_string(),
            description,
            svg,
            csv: String::new(),
            table: Table::default(),
        }
    }
}

/// What each chart kind's input does, the same way for every kind: it is
/// drawn and described, and gives the data it draws. [`Chart::of`] and
/// [`Chart::drawing`] make a chart from any of them.
pub trait ChartInput {
    /// File stem under `output/charts/`, e.g. `annual-arrivals`.
    fn name(&self) -> &str;
    /// The finding, stated as a title.
    fn title(&self) -> &str;
    /// Where its data comes from, as the drawing's source line says.
    fn source(&self) -> &labels::SourceLine;
    /// The chart drawn with `theme`, and its description written from the
    /// data; lines drawn may be kept in `kept` for the next chart.
    fn draw(&self, theme: &Theme, kept: &PolylineCache) -> Drawing;
    /// The data drawn: its CSV file, and the table a page shows.
    fn data(&self) -> (String, Table);
}

/// A chart's drawing: its SVG document and the description it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// A text description written from the data.
    pub description: String,
    /// The SVG document.
    pub svg: String,
}

/// The wide drawing of `input` (the default theme) with its data.
#[cfg(test)]
pub fn wide(input: &impl ChartInput) -> Chart {
    Chart::of(input, &Theme::default())
}

pub mod annual;
pub mod backtest;
pub mod category_bars;
pub mod cumulative;
pub mod draw;
mod kinds;
pub mod labels;
#[cfg(test)]
mod layout_check;
pub mod line;
pub mod pilot;
pub mod projection;
pub mod scale;
mod set;
pub mod style;
mod svg;
pub use svg::CHART_VIEW;
mod table;
mod table_charts;

pub use annual::AnnualBars;
pub use backtest::BacktestErrors;
pub use cumulative::{Cumulative, YearLine};
pub use draw::PolylineCache;
pub use kinds::{CHART_KINDS, ChartKind, ChartOption};
pub use pilot::{PILOT_SCALE_NOTE, PilotReturns};
pub use projection::ProjectionRange;
pub use set::{
    ChartData, ChartRequest, ChartSet, DrawingFile, PlacedChart, TableRef, data_file, drawing_name,
};
pub use style::Theme;
pub use table::{Cells, Column, Table};

#[cfg(test)]
mod preview;
