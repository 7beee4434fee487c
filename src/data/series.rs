//! The daily series of arrivals, with sums over any span of days.

use jiff::civil::Date;
use serde::Serialize;

/// People and boats arrived on one calendar day (Home Office table SB_01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DailyArrivals {
    /// The calendar day.
    pub date: Date,
    /// People arrived that day.
    pub people: u64,
    /// Boats arrived that day.
    pub boats: u64,
}

/// A gap-free run of days, with running totals so that any span sums in
/// constant time (the backtest sums thousands of spans).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    days: Vec<DailyArrivals>,
    /// `people_before[i]` = people on days `0..i`.
    people_before: Vec<u64>,
    boats_before: Vec<u64>,
}

impl Series {
    /// Builds a series from consecutive days; `None` when `days` is empty or
    /// has a gap, which validation rules out before the model runs.
    pub fn new(days: Vec<DailyArrivals>) -> Option<Series> {
        let first = days.first()?.date;
        for (i, day) in days.iter().enumerate() {
            if offset(first, day.date) != i as i64 {
                return None;
            }
        }
        let mut people_before = Vec::with_capacity(days.len() + 1);
        let mut boats_before = Vec::with_capacity(days.len() + 1);
        let (mut people, mut boats) = (0u64, 0u64);
        people_before.push(0);
        boats_before.push(0);
        for day in &days {
            people = people.saturating_add(day.people);
            boats = boats.saturating_add(day.boats);
            people_before.push(people);
            boats_before.push(boats);
        }
        Some(Series {
            days,
            people_before,
            boats_before,
        })
    }

    /// The first day of the series.
    pub fn first(&self) -> Date {
        self.days[0].date
    }

    /// The last day of the series.
    pub fn last(&self) -> Date {
        self.days[self.days.len() - 1].date
    }

    /// Whether `date` lies in the series.
    pub fn contains(&self, date: Date) -> bool {
        self.first() <= date && date <= self.last()
    }

    /// The days of the series, in order.
    pub fn days(&self) -> &[DailyArrivals] {
        &self.days
    }

    /// The series cut at `as_of` (inclusive): the model never sees a later day.
    pub fn up_to(&self, as_of: Date) -> Series {
        let keep = self
            .days
            .iter()
            .take_while(|d| d.date <= as_of)
            .count()
            .max(1);
        Series {
            days: self.days[..keep].to_vec(),
            people_before: self.people_before[..=keep].to_vec(),
            boats_before: self.boats_before[..=keep].to_vec(),
        }
    }

    /// People arrived from `from` to `to`, both inclusive, counting only the
    /// days the series holds.
    pub fn people_between(&self, from: Date, to: Date) -> u64 {
        let (a, b) = self.index_range(from, to);
        self.people_before[b] - self.people_before[a]
    }

    /// Boats arrived from `from` to `to`, both inclusive.
    pub fn boats_between(&self, from: Date, to: Date) -> u64 {
        let (a, b) = self.index_range(from, to);
        self.boats_before[b] - self.boats_before[a]
    }

    /// Half-open index range `[a, b)` of the days in `[from, to]`.
    fn index_range(&self, from: Date, to: Date) -> (usize, usize) {
        let len = self.days.len() as i64;
        let a = offset(self.first(), from).clamp(0, len);
        let b = (offset(self.first(), to) + 1).clamp(0, len);
        let a = a as usize;
        (a, (b as usize).max(a))
    }
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn offset(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jiff::civil::date;

    /// A series from `first` with the given people per day and one boat per 10 people.
    pub fn series_from(first: Date, people: &[u64]) -> Series {
        let days = people
            .iter()
            .enumerate()
            .map(|(i, &p)| DailyArrivals {
                date: first.checked_add(jiff::Span::new().days(i as i64)).unwrap(),
                people: p,
                boats: p / 10,
            })
            .collect();
        Series::new(days).unwrap()
    }

    #[test]
    fn sums_are_inclusive_and_clamped_to_the_series() {
        let s = series_from(date(2020, 1, 1), &[1, 2, 3, 4, 5]);
        assert_eq!(s.people_between(date(2020, 1, 2), date(2020, 1, 4)), 9);
        assert_eq!(s.people_between(date(2019, 1, 1), date(2030, 1, 1)), 15);
        assert_eq!(s.people_between(date(2020, 1, 4), date(2020, 1, 2)), 0);
        assert_eq!(s.people_between(date(2021, 1, 1), date(2021, 2, 1)), 0);
    }

    #[test]
    fn a_gap_is_not_a_series() {
        let day = |d| DailyArrivals {
            date: d,
            people: 0,
            boats: 0,
        };
        assert!(Series::new(vec![day(date(2020, 1, 1)), day(date(2020, 1, 3))]).is_none());
        assert!(Series::new(vec![]).is_none());
    }

    #[test]
    fn cutting_at_as_of_hides_later_days() {
        let s = series_from(date(2020, 1, 1), &[1, 2, 3, 4, 5]).up_to(date(2020, 1, 3));
        assert_eq!(s.last(), date(2020, 1, 3));
        assert_eq!(s.people_between(date(2020, 1, 1), date(2020, 12, 31)), 6);
    }
}
