//! METHOD.md §2: the year-end projection by seasonal share.

use serde::Serialize;

use super::ytd::{complete_years, jan1, same_point};
use super::{percent, round_count};
use crate::data::Series;

/// One reference year of a projection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceYear {
    /// The reference year.
    pub year: i16,
    /// People in that year from 1 January to the same point.
    pub same_point: u64,
    /// People in the whole year.
    pub total: u64,
    /// `same_point / total`, as a percentage.
    pub share_pct: f64,
    /// `ytd / share` for this year alone, rounded.
    pub implied_total: u64,
}

/// The projected year-end total for the as-of year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    /// The year projected.
    pub year: i16,
    /// People so far this year (the projection's base).
    pub ytd: u64,
    /// How many reference years were asked for (`k`).
    pub k: usize,
    /// The reference years used, oldest first (zero years left out).
    pub reference_years: Vec<ReferenceYear>,
    /// `ytd / mean(share)`, rounded.
    pub central: u64,
    /// The lowest single-year projection, rounded.
    pub low: u64,
    /// The highest single-year projection, rounded.
    pub high: u64,
    /// Where the central projection would rank among the complete years
    /// before it: 1 + the number of those years with a higher total.
    pub rank: usize,
    /// How many complete years that rank compares with.
    pub years_compared: usize,
    /// Unrounded values, for the backtest's errors and coverage.
    #[serde(skip)]
    pub exact: ExactRange,
}

/// A projection's values before rounding.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ExactRange {
    /// `ytd / mean(share)`.
    pub central: f64,
    /// `min(ytd / share_r)`.
    pub low: f64,
    /// `max(ytd / share_r)`.
    pub high: f64,
}

/// Projects the series' last year to its year end from the `k` most recent
/// complete years before it. `None` when no reference year has a non-zero
/// total and same-point total.
///
/// Fewer than `k` complete years is not an error: the projection uses those
/// there are (the backtest, by contrast, only runs where `k` exist).
pub fn project(series: &Series, k: usize) -> Option<Projection> {
    let as_of = series.last();
    let year = as_of.year();
    let ytd = series.people_between(jan1(year), as_of);
    let earlier: Vec<i16> = complete_years(series)
        .into_iter()
        .filter(|&y| y < year)
        .collect();
    let chosen = &earlier[earlier.len().saturating_sub(k)..];
    let mut references = Vec::new();
    let mut shares = Vec::new();
    for &r in chosen {
        let total = series.people_between(jan1(r), super::ytd::dec31(r));
        let by_point = series.people_between(jan1(r), same_point(as_of, r));
        if total == 0 || by_point == 0 {
            continue;
        }
        let share = by_point as f64 / total as f64;
        shares.push(share);
        references.push(ReferenceYear {
            year: r,
            same_point: by_point,
            total,
            share_pct: percent(share),
            implied_total: round_count(ytd as f64 / share),
        });
    }
    if shares.is_empty() {
        return None;
    }
    let mean_share = shares.iter().sum::<f64>() / shares.len() as f64;
    let implied = shares.iter().map(|s| ytd as f64 / s);
    let exact = ExactRange {
        central: ytd as f64 / mean_share,
        low: implied.clone().fold(f64::INFINITY, f64::min),
        high: implied.fold(f64::NEG_INFINITY, f64::max),
    };
    let totals: Vec<u64> = earlier
        .iter()
        .map(|&y| series.people_between(jan1(y), super::ytd::dec31(y)))
        .collect();
    let rank = 1 + totals.iter().filter(|&&t| t as f64 > exact.central).count();
    Some(Projection {
        rank,
        years_compared: totals.len(),
        year,
        ytd,
        k,
        reference_years: references,
        central: round_count(exact.central),
        low: round_count(exact.low),
        high: round_count(exact.high),
        exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::series_from;
    use jiff::civil::date;

    /// Years 2019..=2022 where each year has `per_day[i]` people a day,
    /// followed by 2023 up to `days_2023` days of `per_day_2023`.
    fn years(per_day: &[u64], days_2023: usize, per_day_2023: u64) -> Series {
        let mut people = Vec::new();
        for (i, &p) in per_day.iter().enumerate() {
            let len = if 2019 + i as i16 == 2020 { 366 } else { 365 };
            people.extend(std::iter::repeat_n(p, len));
        }
        people.extend(std::iter::repeat_n(per_day_2023, days_2023));
        series_from(date(2019, 1, 1), &people)
    }

    #[test]
    fn central_divides_by_the_mean_share_and_the_range_by_each_share() {
        // Uniform years: share at day 73 of 2023 is 73/365 in 2019, 2021 and 2022.
        let s = years(&[1, 1, 1, 1], 73, 2);
        let p = project(&s, 3).unwrap();
        assert_eq!(p.year, 2023);
        assert_eq!(p.ytd, 146);
        let years: Vec<i16> = p.reference_years.iter().map(|r| r.year).collect();
        assert_eq!(years, vec![2020, 2021, 2022]);
        // 2020 is a leap year: by 14 March it has 74 of 366 days.
        let share_2020 = 74.0 / 366.0;
        let share_other = 73.0 / 365.0;
        let mean = (share_2020 + 2.0 * share_other) / 3.0;
        assert_eq!(p.central, round_count(146.0 / mean));
        assert_eq!(p.low, round_count(146.0 / share_2020));
        assert_eq!(p.high, 730);
        assert_eq!(p.reference_years[0].share_pct, 20.2);
        // 2019, 2021 and 2022 had 365 people and 2020 366: ~727 beats them all.
        assert_eq!((p.rank, p.years_compared), (1, 4));
    }

    #[test]
    fn a_zero_year_is_left_out_and_none_left_means_no_projection() {
        let s = years(&[0, 0, 1, 0], 10, 1);
        let p = project(&s, 3).unwrap();
        let used: Vec<i16> = p.reference_years.iter().map(|r| r.year).collect();
        assert_eq!(used, vec![2021]);
        assert_eq!(p.low, p.high);
        let s = years(&[1, 0, 0, 0], 10, 1);
        assert!(
            project(&s, 3).is_none(),
            "2019 is not among the 3 most recent"
        );
    }

    #[test]
    fn no_complete_year_before_means_no_projection() {
        let s = series_from(date(2023, 1, 1), &[5; 40]);
        assert!(project(&s, 3).is_none());
    }
}
