//! Every number of METHOD.md in one value: what `figures.json` holds and what
//! templates see.

use jiff::civil::Date;
use serde::Serialize;

use super::backtest::{Backtest, backtest};
use super::pilot::{PilotFigures, pilot_figures};
use super::projection::{Projection, project};
use super::ytd::{AnnualTotal, YearToDate, annual, year_to_date};
use crate::data::PilotParameters;
use crate::data::Series;

/// Where the crossings data comes from, and the hash of the file as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// Publisher, e.g. "Home Office".
    pub publisher: String,
    /// Title of the publication.
    pub title: String,
    /// Web address of the publication.
    pub address: String,
    /// Licence of the data.
    pub licence: String,
    /// Publication date of the release imported.
    pub released: Date,
    /// SHA-256 of the data file as read, in hex.
    pub sha256: String,
}

/// All figures as of one date, in the order and keys of METHOD.md.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// The last day the model sees.
    pub as_of: Date,
    /// The data's source.
    pub source: SourceInfo,
    /// Totals for every complete year.
    pub annual: Vec<AnnualTotal>,
    /// Year to date and rank.
    pub ytd: YearToDate,
    /// The year-end projection; null when no reference year is usable.
    pub projection: Option<Projection>,
    /// The projection's track record.
    pub backtest: Backtest,
    /// The returns pilot; null when the project has no pilot data.
    pub pilot: Option<PilotFigures>,
}

/// Computes every figure from a series already cut at the as-of date.
pub fn compute(
    series: &Series,
    pilot: Option<&PilotParameters>,
    source: SourceInfo,
    k: usize,
) -> Figures {
    Figures {
        as_of: series.last(),
        source,
        annual: annual(series),
        ytd: year_to_date(series),
        projection: project(series, k),
        backtest: backtest(series, k),
        pilot: pilot.map(|p| pilot_figures(series, p)),
    }
}
