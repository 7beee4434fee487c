//! METHOD.md §3: how the projection would have fared in past years.

use jiff::civil::Date;
use serde::Serialize;

use super::projection::project;
use super::ytd::{complete_years, dec31, jan1};
use super::{percent, round_count, round1};
use crate::data::Series;

/// One past projection, made at a month-end and compared with the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestRow {
    /// The year projected.
    pub year: i16,
    /// The month-end the projection was made at.
    pub as_of: Date,
    /// Central projection, rounded.
    pub central: u64,
    /// Low end of the range, rounded.
    pub low: u64,
    /// High end of the range, rounded.
    pub high: u64,
    /// The year's actual total.
    pub actual: u64,
    /// `100 × (central − actual) / actual`, one decimal.
    pub error_pct: f64,
    /// Whether `low ≤ actual ≤ high` (unrounded ends).
    pub covered: bool,
    /// Straight-line pace, `ytd × days_in_year / day_of_year`, rounded.
    pub straight_line: u64,
    /// The straight-line pace's error, one decimal.
    pub straight_line_error_pct: f64,
}

/// The backtest's summary for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestYear {
    /// The year projected.
    pub year: i16,
    /// The year's actual total.
    pub actual: u64,
    /// Mean absolute error of the seasonal method that year.
    pub mean_abs_error_pct: f64,
    /// Share of that year's month-ends whose range held the outcome.
    pub coverage_pct: f64,
    /// Mean absolute error of straight-line pace that year.
    pub straight_line_mean_abs_error_pct: f64,
}

/// Every backtest row with its summary. Summaries are null when no year has
/// `k` complete years before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// Reference years per projection.
    pub k: usize,
    /// The years tested, oldest first.
    pub years: Vec<BacktestYear>,
    /// One row per year and month-end, in date order.
    pub rows: Vec<BacktestRow>,
    /// Mean of |error_pct| over all rows, from the unrounded errors.
    pub mean_abs_error_pct: Option<f64>,
    /// Share of rows whose range held the outcome.
    pub coverage_pct: Option<f64>,
    /// The same mean for straight-line pace.
    pub straight_line_mean_abs_error_pct: Option<f64>,
    /// Whether the seasonal method's mean error is below straight-line pace's.
    pub beats_straight_line: Option<bool>,
}

/// Unrounded errors of one row, kept for the summaries.
struct Errors {
    seasonal: f64,
    straight: f64,
    covered: bool,
}

/// Runs the projection at each month-end from 31 January to 30 November of
/// every complete year with at least `k` complete years before it.
///
/// Projections are compared unrounded: `error_pct` and `covered` use the
/// exact central, low and high, and only the reported values are rounded.
/// A month-end where no reference year has a non-zero share yields no row,
/// and a year with no arrivals at all is not tested.
pub fn backtest(series: &Series, k: usize) -> Backtest {
    let complete = complete_years(series);
    let mut rows = Vec::new();
    let mut years = Vec::new();
    let mut all = Vec::new();
    for (i, &year) in complete.iter().enumerate() {
        if i < k {
            continue;
        }
        let actual = series.people_between(jan1(year), dec31(year));
        if actual == 0 {
            // A percentage error against nothing is undefined.
            continue;
        }
        let mut errors = Vec::new();
        for month in 1..=11 {
            let Ok(first) = Date::new(year, month, 1) else {
                continue;
            };
            let month_end = first.last_of_month();
            let Some(p) = project(&series.up_to(month_end), k) else {
                continue;
            };
            let straight = p.ytd as f64 * f64::from(month_end.days_in_year())
                / f64::from(month_end.day_of_year());
            let e = Errors {
                seasonal: error_pct(p.exact.central, actual),
                straight: error_pct(straight, actual),
                covered: p.exact.low <= actual as f64 && actual as f64 <= p.exact.high,
            };
            rows.push(BacktestRow {
                year,
                as_of: month_end,
                central: p.central,
                low: p.low,
                high: p.high,
                actual,
                error_pct: round1(e.seasonal),
                covered: e.covered,
                straight_line: round_count(straight),
                straight_line_error_pct: round1(e.straight),
            });
            errors.push(e);
        }
        if let Some(summary) = summarise(&errors) {
            years.push(BacktestYear {
                year,
                actual,
                mean_abs_error_pct: summary.0,
                coverage_pct: summary.1,
                straight_line_mean_abs_error_pct: summary.2,
            });
        }
        all.extend(errors);
    }
    let summary = summarise(&all);
    Backtest {
        k,
        years,
        rows,
        mean_abs_error_pct: summary.map(|s| s.0),
        coverage_pct: summary.map(|s| s.1),
        straight_line_mean_abs_error_pct: summary.map(|s| s.2),
        beats_straight_line: summary.map(|s| s.3),
    }
}

/// `100 × (projected − actual) / actual`; `actual` is never zero here.
fn error_pct(projected: f64, actual: u64) -> f64 {
    100.0 * (projected - actual as f64) / actual as f64
}

/// (mean |seasonal|, coverage %, mean |straight|, seasonal beats straight),
/// rounded for the record; `None` for no rows.
fn summarise(errors: &[Errors]) -> Option<(f64, f64, f64, bool)> {
    if errors.is_empty() {
        return None;
    }
    let n = errors.len() as f64;
    let seasonal = errors.iter().map(|e| e.seasonal.abs()).sum::<f64>() / n;
    let straight = errors.iter().map(|e| e.straight.abs()).sum::<f64>() / n;
    let covered = errors.iter().filter(|e| e.covered).count() as f64 / n;
    Some((
        round1(seasonal),
        percent(covered),
        round1(straight),
        seasonal < straight,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::series_from;
    use jiff::civil::date;

    /// 2015-2019 with `per_day` people a day, every day.
    fn uniform(per_day: &[u64]) -> Series {
        let mut people = Vec::new();
        for (i, &p) in per_day.iter().enumerate() {
            let year = 2015 + i as i16;
            let len = date(year, 1, 1).days_in_year() as usize;
            people.extend(std::iter::repeat_n(p, len));
        }
        series_from(date(2015, 1, 1), &people)
    }

    #[test]
    fn only_years_with_k_complete_years_before_them_are_tested() {
        let b = backtest(&uniform(&[1, 1, 1, 1, 1]), 3);
        let years: Vec<i16> = b.years.iter().map(|y| y.year).collect();
        assert_eq!(years, vec![2018, 2019]);
        assert_eq!(b.rows.len(), 22);
        assert_eq!(b.rows[0].as_of, date(2018, 1, 31));
        assert_eq!(b.rows[10].as_of, date(2018, 11, 30));
        assert_eq!(b.rows[11].as_of, date(2019, 1, 31));
    }

    #[test]
    fn a_flat_year_is_projected_within_a_leap_day() {
        // Every day the same: the seasonal share is the calendar share, so
        // errors come only from 2016's leap day among the reference years.
        let b = backtest(&uniform(&[1, 1, 1, 1, 1]), 3);
        let worst = b.rows.iter().map(|r| r.error_pct.abs()).fold(0.0, f64::max);
        assert!(worst < 0.5, "worst error {worst}");
        assert_eq!(b.coverage_pct, Some(100.0));
        // Straight-line pace is exact for a flat year.
        assert!(b.rows.iter().all(|r| r.straight_line_error_pct == 0.0));
        assert_eq!(b.beats_straight_line, Some(false));
    }

    #[test]
    fn errors_are_signed_and_the_summary_uses_absolute_values() {
        // 2018 triples its pace on 1 July: every projection made in 2018 is too low.
        let mut people = vec![1u64; 365 + 366 + 365 + 181];
        people.extend(std::iter::repeat_n(3, 184));
        let b = backtest(&series_from(date(2015, 1, 1), &people), 3);
        assert_eq!(b.rows.len(), 11);
        assert!(b.rows.iter().all(|r| r.error_pct < 0.0));
        assert!(b.rows.iter().all(|r| !r.covered));
        let mean = b.rows.iter().map(|r| r.error_pct.abs()).sum::<f64>() / 11.0;
        assert!((b.mean_abs_error_pct.unwrap() - mean).abs() < 0.1);
        assert_eq!(b.coverage_pct, Some(0.0));
        // The first row: as of 31 January, ytd 31, shares 31/365, 31/366, 31/365.
        let row = &b.rows[0];
        let mean_share = (31.0 / 365.0 * 2.0 + 31.0 / 366.0) / 3.0;
        assert_eq!(row.central, round_count(31.0 / mean_share));
        assert_eq!(row.actual, 181 + 3 * 184);
        assert_eq!(row.straight_line, 365);
        assert_eq!(
            row.error_pct,
            round1(100.0 * (31.0 / mean_share - 733.0) / 733.0)
        );
    }

    #[test]
    fn no_testable_year_gives_null_summaries() {
        let b = backtest(&uniform(&[1, 1, 1]), 3);
        assert!(b.rows.is_empty());
        assert_eq!(b.mean_abs_error_pct, None);
        assert_eq!(b.beats_straight_line, None);
    }
}
