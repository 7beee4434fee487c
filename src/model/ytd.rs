//! METHOD.md §1: annual totals, year to date, and where this year ranks.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::data::Series;

/// People and boats in one complete calendar year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualTotal {
    /// The calendar year.
    pub year: i16,
    /// People arrived in the year.
    pub people: u64,
    /// Boats arrived in the year.
    pub boats: u64,
    /// `people / boats`, unrounded; null in a year without boats.
    pub people_per_boat: Option<f64>,
}

/// Where the as-of year stands against earlier years at the same point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearToDate {
    /// The as-of date's year.
    pub year: i16,
    /// People from 1 January to the as-of date.
    pub people: u64,
    /// Boats from 1 January to the as-of date.
    pub boats: u64,
    /// Days from 1 January to the as-of date, both included.
    pub days: i16,
    /// People in each earlier year from 1 January to the same point.
    pub same_point: BTreeMap<i16, u64>,
    /// 1 + the number of earlier years with more people by the same point.
    pub rank: usize,
    /// How many earlier years the rank compares with.
    pub years_compared: usize,
    /// The earlier year with most people by the same point (the latest
    /// such year on a tie); null when there is no earlier year.
    pub highest_earlier: Option<YearPoint>,
    /// The year before, at the same point; null when it is not in the series.
    pub previous_year: Option<YearPoint>,
    /// `100 × (people − previous_year) / previous_year`; null without a
    /// previous year or when it had nobody by this point.
    pub change_on_previous_year_pct: Option<f64>,
}

/// People in one year by the same point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearPoint {
    /// The year.
    pub year: i16,
    /// People from 1 January to the same point.
    pub people: u64,
}

/// The same month and day in `year`; 29 February maps to 28 February in a
/// non-leap year (METHOD.md, Conventions).
pub fn same_point(date: Date, year: i16) -> Date {
    let day = if date.month() == 2 && date.day() == 29 {
        match Date::new(year, 2, 29) {
            Ok(d) => return d,
            Err(_) => 28,
        }
    } else {
        date.day()
    };
    Date::new(year, date.month(), day).unwrap_or(date)
}

/// 1 January of `year`.
pub(crate) fn jan1(year: i16) -> Date {
    Date::new(year, 1, 1).unwrap_or(Date::MIN)
}

/// 31 December of `year`.
pub(crate) fn dec31(year: i16) -> Date {
    Date::new(year, 12, 31).unwrap_or(Date::MAX)
}

/// Years whose 1 January and 31 December both lie in the series, in order.
/// The series is already cut at the as-of date, so "on or before D" holds.
pub fn complete_years(series: &Series) -> Vec<i16> {
    let (first, last) = (series.first(), series.last());
    (first.year()..=last.year())
        .filter(|&y| jan1(y) >= first && dec31(y) <= last)
        .collect()
}

/// People and boats for every complete year.
pub fn annual(series: &Series) -> Vec<AnnualTotal> {
    complete_years(series)
        .into_iter()
        .map(|year| {
            let people = series.people_between(jan1(year), dec31(year));
            let boats = series.boats_between(jan1(year), dec31(year));
            AnnualTotal {
                year,
                people,
                boats,
                people_per_boat: (boats > 0).then(|| people as f64 / boats as f64),
            }
        })
        .collect()
}

/// Year to date at the series' last day, with the same point in every
/// earlier year whose 1 January is in the series. A year the series enters
/// part-way through is left out: its same-point total would be too low.
pub fn year_to_date(series: &Series) -> YearToDate {
    let as_of = series.last();
    let year = as_of.year();
    let people = series.people_between(jan1(year), as_of);
    let boats = series.boats_between(jan1(year), as_of);
    let same_point: BTreeMap<i16, u64> = (series.first().year()..year)
        .filter(|&r| jan1(r) >= series.first())
        .map(|r| (r, series.people_between(jan1(r), same_point(as_of, r))))
        .collect();
    let rank = 1 + same_point.values().filter(|&&p| p > people).count();
    let point = |(&year, &people): (&i16, &u64)| YearPoint { year, people };
    let highest_earlier = same_point.iter().max_by_key(|(y, p)| (**p, **y)).map(point);
    let previous_year = same_point.get_key_value(&(year - 1)).map(point);
    let change_on_previous_year_pct = previous_year
        .as_ref()
        .filter(|p| p.people > 0)
        .map(|p| super::percent((people as f64 - p.people as f64) / p.people as f64));
    YearToDate {
        year,
        people,
        boats,
        days: as_of.day_of_year(),
        years_compared: same_point.len(),
        same_point,
        rank,
        highest_earlier,
        previous_year,
        change_on_previous_year_pct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::series_from;
    use jiff::civil::date;

    /// Three whole years 2019-2021 of one person a day, then `extra` days of 2022.
    fn three_years_and(extra: usize, per_day_2022: u64) -> Series {
        let mut people = vec![1u64; 365 + 366 + 365];
        people.extend(std::iter::repeat_n(per_day_2022, extra));
        series_from(date(2019, 1, 1), &people)
    }

    #[test]
    fn same_point_maps_29_february_to_28_february() {
        assert_eq!(same_point(date(2024, 2, 29), 2023), date(2023, 2, 28));
        assert_eq!(same_point(date(2024, 2, 29), 2020), date(2020, 2, 29));
        assert_eq!(same_point(date(2023, 2, 28), 2024), date(2024, 2, 28));
        assert_eq!(same_point(date(2025, 7, 9), 2018), date(2018, 7, 9));
    }

    #[test]
    fn complete_years_need_both_ends_in_the_series() {
        let s = series_from(date(2019, 3, 1), &vec![1; 1100]);
        // 2019 starts in March; 2021 ends within the series; 2022 does not.
        assert_eq!(complete_years(&s), vec![2020, 2021]);
        let s = three_years_and(0, 0);
        assert_eq!(complete_years(&s), vec![2019, 2020, 2021]);
        // Cut at 30 December 2021: 2021 is no longer complete.
        assert_eq!(
            complete_years(&s.up_to(date(2021, 12, 30))),
            vec![2019, 2020]
        );
    }

    #[test]
    fn annual_totals_count_every_day_of_the_year() {
        let s = three_years_and(10, 5);
        let a = annual(&s);
        let people: Vec<u64> = a.iter().map(|t| t.people).collect();
        assert_eq!(people, vec![365, 366, 365]);
        assert_eq!(a[0].boats, 0);
        assert_eq!(a[0].people_per_boat, None);
    }

    #[test]
    fn ytd_ranks_against_the_same_point_in_earlier_years() {
        // 2022: 10 days of 2 people = 20; earlier years have 10 by 10 January.
        let s = three_years_and(10, 2);
        let ytd = year_to_date(&s);
        assert_eq!(ytd.year, 2022);
        assert_eq!(ytd.people, 20);
        assert_eq!(ytd.days, 10);
        assert_eq!(ytd.same_point.get(&2019), Some(&10));
        assert_eq!(ytd.rank, 1);
        assert_eq!(ytd.years_compared, 3);
        assert_eq!(
            ytd.previous_year,
            Some(YearPoint {
                year: 2021,
                people: 10
            })
        );
        assert_eq!(ytd.change_on_previous_year_pct, Some(100.0));
        // Every earlier year ties at 10: the latest is named.
        assert_eq!(ytd.highest_earlier.map(|h| h.year), Some(2021));
        // One person a day ties the earlier years: a tie is not "greater", so rank 1.
        let ytd = year_to_date(&three_years_and(10, 1));
        assert_eq!(ytd.rank, 1);
        // Nobody: every earlier year was greater.
        let ytd = year_to_date(&three_years_and(10, 0));
        assert_eq!(ytd.rank, 4);
    }

    #[test]
    fn ytd_on_29_february_compares_with_28_february() {
        // 2020 is a leap year: as of 29 February 2020, 2019 is summed to 28 February.
        let s = series_from(date(2019, 1, 1), &vec![1; 365 + 60]);
        assert_eq!(s.last(), date(2020, 2, 29));
        let ytd = year_to_date(&s);
        assert_eq!(ytd.people, 60);
        assert_eq!(ytd.same_point[&2019], 59);
    }

    #[test]
    fn a_year_entered_part_way_is_not_compared() {
        let s = series_from(date(2019, 6, 1), &vec![1; 400]);
        let ytd = year_to_date(&s);
        assert!(ytd.same_point.is_empty());
        assert_eq!(ytd.rank, 1);
    }
}
