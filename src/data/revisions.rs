//! Releases and what each one revised: the days a release changed from the
//! release before it, and the corrections log of a site's releases, built
//! from the versions of `data/crossings.yaml` that git keeps.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::crossings::Crossings;
use super::series::DailyArrivals;

/// A day whose counts changed between two releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisedDay {
    /// The day.
    pub date: Date,
    /// People before and after.
    pub people: (u64, u64),
    /// Boats before and after.
    pub boats: (u64, u64),
}

/// How the days of one release differ from those of another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaysChange {
    /// Days only the newer release has, in order.
    pub added: Vec<Date>,
    /// Days only the older release has, in order.
    pub removed: Vec<Date>,
    /// Days both have, with other counts, in order.
    pub revised: Vec<RevisedDay>,
}

impl DaysChange {
    /// Compares the days of an `old` release with those of a `new` one.
    pub fn between(old: &[DailyArrivals], new: &[DailyArrivals]) -> DaysChange {
        let old_days: BTreeMap<Date, &DailyArrivals> = old.iter().map(|d| (d.date, d)).collect();
        let new_days: BTreeMap<Date, &DailyArrivals> = new.iter().map(|d| (d.date, d)).collect();
        let only_in = |a: &BTreeMap<Date, &DailyArrivals>, b: &BTreeMap<Date, &DailyArrivals>| {
            a.keys().filter(|d| !b.contains_key(d)).copied().collect()
        };
        let revised = new_days
            .iter()
            .filter_map(|(date, n)| {
                let o = old_days.get(date)?;
                ((o.people, o.boats) != (n.people, n.boats)).then_some(RevisedDay {
                    date: *date,
                    people: (o.people, n.people),
                    boats: (o.boats, n.boats),
                })
            })
            .collect();
        DaysChange {
            added: only_in(&new_days, &old_days),
            removed: only_in(&old_days, &new_days),
            revised,
        }
    }
}

/// One release as the corrections log lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Release {
    /// The day the publisher released it.
    pub released: Date,
    /// Its last day of data.
    pub last_day: Date,
    /// The page anchor of its entry (`release-2026-08-21`).
    pub anchor: String,
    /// Whether it is the oldest release the history keeps: what it revised
    /// is then unknown, and it is listed as the start of the log.
    pub first: bool,
    /// Days it added to the release before.
    pub days_added: usize,
    /// Days the release before had and it has not.
    pub days_removed: usize,
    /// Earlier days it revised, in order.
    pub revised: Vec<RevisedDay>,
    /// The net change in people over the days revised.
    pub people_change: i64,
}

/// Every release a site has published from, newest first, and what each
/// revised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Corrections {
    /// The releases, newest first.
    pub releases: Vec<Release>,
}

impl Corrections {
    /// The log of `versions` of the daily series (oldest first, the one
    /// the site is built from last), as it stood on `as_of`: releases whose
    /// data ends after it are left out. Versions of the same release in a
    /// row (a re-import, a fix by hand) count as one, its last.
    pub fn of(versions: &[&Crossings], as_of: Date) -> Corrections {
        let mut kept: Vec<&Crossings> = Vec::new();
        for version in versions {
            if version.series.last() > as_of {
                continue;
            }
            match kept.last_mut() {
                Some(last) if last.source.released == version.source.released => *last = version,
                _ => kept.push(version),
            }
        }
        let mut releases: Vec<Release> = Vec::with_capacity(kept.len());
        for (i, version) in kept.iter().enumerate() {
            let change = match i.checked_sub(1) {
                Some(before) => {
                    DaysChange::between(kept[before].series.days(), version.series.days())
                }
                None => DaysChange::default(),
            };
            let mut anchor = format!("release-{}", version.source.released);
            // A release imported again after a later one keeps its own entry.
            if releases.iter().any(|r| r.anchor == anchor) {
                anchor = format!("{anchor}-{}", i + 1);
            }
            releases.push(Release {
                released: version.source.released,
                last_day: version.series.last(),
                anchor,
                first: i == 0,
                days_added: change.added.len(),
                days_removed: change.removed.len(),
                people_change: change
                    .revised
                    .iter()
                    .map(|d| d.people.1 as i64 - d.people.0 as i64)
                    .sum(),
                revised: change.revised,
            });
        }
        releases.reverse();
        Corrections { releases }
    }

    /// The newest release, when it revised earlier days.
    pub fn latest_revisions(&self) -> Option<&Release> {
        self.releases.first().filter(|r| !r.revised.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::crossings::parse_crossings;

    fn release(released: &str, days: &[(&str, u64)]) -> Crossings {
        let mut text = format!(
            "source:\n  publisher: P\n  title: T\n  address: https://example.org/\n  licence: L\n  released: {released}\ndays:\n"
        );
        for (date, people) in days {
            text.push_str(&format!(
                "  - {{date: {date}, people: {people}, boats: 1}}\n"
            ));
        }
        parse_crossings(std::path::Path::new("data/crossings.yaml"), &text).unwrap()
    }

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn each_release_lists_the_days_it_revised_with_before_and_after() {
        let a = release("2026-01-03", &[("2026-01-01", 10), ("2026-01-02", 20)]);
        let b = release(
            "2026-01-04",
            &[("2026-01-01", 10), ("2026-01-02", 25), ("2026-01-03", 5)],
        );
        let c = release(
            "2026-01-05",
            &[
                ("2026-01-01", 8),
                ("2026-01-02", 25),
                ("2026-01-03", 6),
                ("2026-01-04", 1),
            ],
        );
        let log = Corrections::of(&[&a, &b, &c], day("2026-01-04"));
        let released: Vec<Date> = log.releases.iter().map(|r| r.released).collect();
        assert_eq!(
            released,
            [day("2026-01-05"), day("2026-01-04"), day("2026-01-03")]
        );
        let newest = log.latest_revisions().unwrap();
        assert_eq!(newest.anchor, "release-2026-01-05");
        assert_eq!(
            newest.revised,
            [
                RevisedDay {
                    date: day("2026-01-01"),
                    people: (10, 8),
                    boats: (1, 1)
                },
                RevisedDay {
                    date: day("2026-01-03"),
                    people: (5, 6),
                    boats: (1, 1)
                }
            ]
        );
        assert_eq!((newest.days_added, newest.people_change), (1, -1));
        assert_eq!(log.releases[1].revised.len(), 1);
        assert!(log.releases[2].first && log.releases[2].revised.is_empty());
    }

    #[test]
    fn a_log_as_of_an_earlier_day_ends_with_the_release_of_that_day() {
        let a = release("2026-01-03", &[("2026-01-01", 10), ("2026-01-02", 20)]);
        let b = release(
            "2026-01-04",
            &[("2026-01-01", 11), ("2026-01-02", 20), ("2026-01-03", 5)],
        );
        let log = Corrections::of(&[&a, &b], day("2026-01-02"));
        assert_eq!(log.releases.len(), 1);
        assert!(log.latest_revisions().is_none());
    }

    #[test]
    fn versions_of_one_release_in_a_row_count_once_and_a_repeat_gets_its_own_anchor() {
        let a = release("2026-01-03", &[("2026-01-01", 10)]);
        let a_fixed = release("2026-01-03", &[("2026-01-01", 12)]);
        let b = release("2026-01-04", &[("2026-01-01", 12), ("2026-01-02", 1)]);
        let log = Corrections::of(&[&a, &a_fixed, &b, &a], day("2026-01-09"));
        let anchors: Vec<&str> = log.releases.iter().map(|r| r.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            [
                "release-2026-01-03-3",
                "release-2026-01-04",
                "release-2026-01-03"
            ]
        );
        // The fix by hand is part of its release: the next one revised nothing.
        assert!(log.releases[1].revised.is_empty());
        assert_eq!(log.releases[0].days_removed, 1);
    }
}
