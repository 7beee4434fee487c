//! Releases and what each one revised: the days a release changed from the
//! release before it, and the corrections log of a site's releases, built
//! from the versions of `data/crossings.yaml` that git keeps.

use jiff::civil::Date;
use serde::Serialize;

use super::crossings::{Crossings, parse_crossings};
use super::series::{DailyArrivals, Series};

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
    /// Compares the days of an `old` release with those of a `new` one,
    /// each in date order (as a [`Series`] holds them), in one walk.
    pub fn between(old: &[DailyArrivals], new: &[DailyArrivals]) -> DaysChange {
        let mut change = DaysChange::default();
        let (mut o, mut n) = (old.iter().peekable(), new.iter().peekable());
        loop {
            match (o.peek(), n.peek()) {
                (Some(a), Some(b)) if a.date < b.date => change.removed.push(a.date),
                (Some(a), Some(b)) if a.date > b.date => {
                    change.added.push(b.date);
                    n.next();
                    continue;
                }
                (Some(a), Some(b)) => {
                    if (a.people, a.boats) != (b.people, b.boats) {
                        change.revised.push(RevisedDay {
                            date: a.date,
                            people: (a.people, b.people),
                            boats: (a.boats, b.boats),
                        });
                    }
                    n.next();
                }
                (Some(a), None) => change.removed.push(a.date),
                (None, Some(b)) => {
                    change.added.push(b.date);
                    n.next();
                    continue;
                }
                (None, None) => return change,
            }
            o.next();
        }
    }
}

/// One version of the daily series, as the corrections log reads it: its
/// release date and its days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The day the publisher released it.
    pub released: Date,
    /// Its days.
    pub series: Series,
}

impl Version {
    /// The version of validated crossings data.
    pub fn of(crossings: &Crossings) -> Version {
        Version {
            released: crossings.source.released,
            series: crossings.series.clone(),
        }
    }

    /// A committed version of `data/crossings.yaml`, or `None` when it is
    /// not valid. A year of weekly releases is fifty versions to read on
    /// every build, so the form the importer writes is read line by line,
    /// and only a file in another form goes through the full check.
    pub fn read(text: &str) -> Option<Version> {
        Version::read_imported(text).or_else(|| {
            parse_crossings(std::path::Path::new("data/crossings.yaml"), text)
                .ok()
                .map(|c| Version::of(&c))
        })
    }

    /// A version in exactly the importer's form (see
    /// [`super::crossings::to_yaml`]): its `released:` line, then after
    /// `days:` nothing but one `{date, people, boats}` line per day.
    fn read_imported(text: &str) -> Option<Version> {
        let (source, days) = text.split_once("\ndays:\n")?;
        let released = source
            .lines()
            .find_map(|l| l.strip_prefix("  released: "))?
            .parse()
            .ok()?;
        let days = days
            .lines()
            .map(|line| {
                // "  - {date: 2026-01-01, people: 3, boats: 1}", by prefix
                // and comma: a substring search per line costs more here.
                let fields = line.strip_prefix("  - {date: ")?.strip_suffix('}')?;
                let (date, rest) = fields.split_at_checked(10)?;
                let rest = rest.strip_prefix(", people: ")?;
                let (people, rest) = rest.split_at(rest.find(',')?);
                let boats = rest.strip_prefix(", boats: ")?;
                Some(DailyArrivals {
                    date: date.parse().ok()?,
                    people: people.parse().ok()?,
                    boats: boats.parse().ok()?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Version {
            released,
            series: Series::new(days)?,
        })
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
    /// Whether the same release has an older entry in the log: it was
    /// imported again after a later one, and its heading says so, so that
    /// no two entries read alike.
    pub again: bool,
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
    pub fn of(versions: &[Version], as_of: Date) -> Corrections {
        let mut kept: Vec<&Version> = Vec::new();
        for version in versions {
            if version.series.last() > as_of {
                continue;
            }
            match kept.last_mut() {
                Some(last) if last.released == version.released => *last = version,
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
            let mut anchor = format!("release-{}", version.released);
            // A release imported again after a later one keeps its own entry.
            let again = releases.iter().any(|r| r.released == version.released);
            if again {
                anchor = format!("{anchor}-{}", i + 1);
            }
            releases.push(Release {
                released: version.released,
                last_day: version.series.last(),
                anchor,
                again,
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
    use crate::data::crossings::to_yaml;

    fn release(released: &str, days: &[(&str, u64)]) -> Version {
        let mut text = format!(
            "source:\n  publisher: P\n  title: T\n  address: https://example.org/\n  licence: L\n  released: {released}\ndays:\n"
        );
        for (date, people) in days {
            text.push_str(&format!(
                "  - {{date: {date}, people: {people}, boats: 1}}\n"
            ));
        }
        Version::of(&parse_crossings(std::path::Path::new("data/crossings.yaml"), &text).unwrap())
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
        let log = Corrections::of(&[a, b, c], day("2026-01-04"));
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
    fn a_version_in_the_importer_s_form_reads_as_the_full_check_reads_it() {
        let path = std::path::Path::new("data/crossings.yaml");
        let text = "# A comment\nsource:\n  publisher: P\n  title: T\n  address: https://example.org/\n  licence: L\n  released: 2026-01-04\ndays:\n  - {date: 2026-01-01, people: 3, boats: 1}\n  - {date: 2026-01-02, people: 0, boats: 0}\n";
        let checked = parse_crossings(path, text).unwrap();
        let written = to_yaml(&checked.source, checked.series.days());
        let fast = Version::read_imported(&written).unwrap();
        assert_eq!(fast, Version::of(&checked));
        assert_eq!(Version::read(text), Some(Version::of(&checked)));
        // Another form goes through the full check; a bad file is no version.
        let by_hand = text.replace("people: 3, boats: 1", "boats: 1, people: 3");
        assert_eq!(Version::read_imported(&by_hand), None);
        assert_eq!(Version::read(&by_hand), Some(Version::of(&checked)));
        assert_eq!(Version::read(&text.replace("people: 3", "people: x")), None);
        assert_eq!(
            Version::read_imported(&text.replace("2026-01-02", "2026-01-01")),
            None
        );
    }

    #[test]
    fn two_releases_are_compared_day_by_day() {
        let at = |d: i8, people: u64| DailyArrivals {
            date: Date::new(2026, 1, d).unwrap(),
            people,
            boats: 0,
        };
        let old = [at(1, 1), at(2, 2), at(3, 3), at(4, 4)];
        let new = [at(2, 2), at(3, 5), at(4, 4), at(5, 5), at(6, 6)];
        let change = DaysChange::between(&old, &new);
        assert_eq!(change.removed, [at(1, 0).date]);
        assert_eq!(change.added, [at(5, 0).date, at(6, 0).date]);
        assert_eq!(change.revised.len(), 1);
        assert_eq!(change.revised[0].people, (3, 5));
        let back = DaysChange::between(&new, &old);
        assert_eq!((back.added, back.removed), (change.removed, change.added));
    }

    #[test]
    fn a_log_as_of_an_earlier_day_ends_with_the_release_of_that_day() {
        let a = release("2026-01-03", &[("2026-01-01", 10), ("2026-01-02", 20)]);
        let b = release(
            "2026-01-04",
            &[("2026-01-01", 11), ("2026-01-02", 20), ("2026-01-03", 5)],
        );
        let log = Corrections::of(&[a, b], day("2026-01-02"));
        assert_eq!(log.releases.len(), 1);
        assert!(log.latest_revisions().is_none());
    }

    #[test]
    fn versions_of_one_release_in_a_row_count_once_and_a_repeat_gets_its_own_anchor() {
        let a = release("2026-01-03", &[("2026-01-01", 10)]);
        let a_fixed = release("2026-01-03", &[("2026-01-01", 12)]);
        let b = release("2026-01-04", &[("2026-01-01", 12), ("2026-01-02", 1)]);
        let log = Corrections::of(&[a.clone(), a_fixed, b, a], day("2026-01-09"));
        let anchors: Vec<&str> = log.releases.iter().map(|r| r.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            [
                "release-2026-01-03-3",
                "release-2026-01-04",
                "release-2026-01-03"
            ]
        );
        let again: Vec<bool> = log.releases.iter().map(|r| r.again).collect();
        assert_eq!(again, [true, false, false]);
        // The fix by hand is part of its release: the next one revised nothing.
        assert!(log.releases[1].revised.is_empty());
        assert_eq!(log.releases[0].days_removed, 1);
    }
}
