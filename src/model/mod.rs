//! The model of `docs/METHOD.md`: pure functions from the validated series
//! and pilot parameters (`data`) to the [`Figures`] every brief quotes.
//!
//! No I/O and no clock: the same inputs and as-of date give the same figures.

mod backtest;
mod figures;
mod pilot;
mod projection;
pub mod tables;
mod ytd;

pub use backtest::{Backtest, BacktestRow, BacktestYear, backtest};
pub use figures::{Figures, SourceInfo, compute};
pub use pilot::{PilotFigures, ReportedDelivery, ScenarioOutcome, pilot_figures, planned_by};
pub use projection::{Projection, ReferenceYear, project};
// The validated inputs the model reads, so that its users find them here.
pub use crate::data::{
    DailyArrivals, PilotParameters, ReportedCount, Scenario, ScheduleStep, Series,
};
pub use ytd::{
    AnnualTotal, YearPoint, YearToDate, annual, complete_years, same_point, year_to_date,
};

/// Rounds a count to a whole number, half away from zero (METHOD.md, Conventions).
pub fn round_count(value: f64) -> u64 {
    let rounded = value.round();
    if rounded.is_finite() && rounded > 0.0 {
        rounded as u64
    } else {
        0
    }
}

/// `100 × ratio`, rounded to one decimal, half away from zero.
pub fn percent(ratio: f64) -> f64 {
    round1(100.0 * ratio)
}

/// Rounds to one decimal, half away from zero.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_half_away_from_zero() {
        assert_eq!(round_count(2.5), 3);
        assert_eq!(round_count(2.4999), 2);
        assert_eq!(round_count(-0.4), 0);
        assert_eq!(round_count(f64::NAN), 0);
    }

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(percent(0.08849), 8.8);
        assert_eq!(percent(0.0885), 8.9);
        assert_eq!(percent(-0.0125), -1.3);
        assert_eq!(percent(1.0), 100.0);
    }
}
