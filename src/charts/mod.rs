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
    /// A chart drawn without its data, `csv` and `table` left empty: for a
    /// second drawing of data that is written already.
    pub fn without_data(name: &str, title: &str, svg: String, description: String) -> Chart {
        Chart {
            name: name.to_string(),
            title: title.to_string(),
            description,
            svg,
            csv: String::new(),
            table: Table::default(),
        }
    }
}

pub mod annual;
pub mod backtest;
pub mod cumulative;
pub mod draw;
pub mod labels;
#[cfg(test)]
mod layout_check;
pub mod pilot;
pub mod projection;
pub mod scale;
mod set;
pub mod style;
mod svg;
mod table;

pub use annual::{AnnualBars, annual_bars, annual_bars_drawing, annual_bars_with};
pub use backtest::{
    BacktestErrors, backtest_errors, backtest_errors_drawing, backtest_errors_with,
};
pub use cumulative::{Cumulative, YearLine, cumulative, cumulative_drawing, cumulative_with};
pub use pilot::{
    PILOT_SCALE_NOTE, PilotReturns, pilot_returns, pilot_returns_drawing, pilot_returns_with,
};
pub use projection::{
    ProjectionRange, projection_range, projection_range_drawing, projection_range_with,
};
pub use set::{CHART_KINDS, ChartData, ChartRequest, ChartSet, PlacedChart};
pub use style::Theme;
pub use table::Table;

#[cfg(test)]
mod preview;
