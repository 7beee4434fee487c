//! `data/crossings.yaml`: the daily series as imported from the Home Office
//! release, one line per day so that a week's release is seven added lines.

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{DailyArrivals, Series};
use crate::error::{Error, Result};
use crate::yaml::Count;

/// Most people (or boats) one day may record. The record day is under two
/// thousand; a bound keeps every sum and chart far from overflowing.
pub const MAX_DAILY_COUNT: u64 = 1_000_000;

/// Where the series comes from: the release it was imported from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceBlock {
    /// Publisher, e.g. "Home Office".
    pub publisher: String,
    /// Title of the publication.
    pub title: String,
    /// Web address of the publication.
    pub address: String,
    /// Licence, e.g. "Open Government Licence v3.0".
    pub licence: String,
    /// Release (publication) date.
    pub released: Date,
}

/// One row of the file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DayRow {
    date: Date,
    people: Count,
    boats: Count,
}

/// The file as parsed, before the series rules are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrossingsFile {
    source: SourceBlock,
    days: Vec<Spanned<DayRow>>,
}

/// A row and where it starts: 1-based line and column, as the YAML parser
/// reports them.
#[derive(Debug, Clone)]
struct Located {
    row: DayRow,
    line: usize,
    column: usize,
}

/// The source block and the rows of `text`: read directly when the days
/// are written exactly as `brief import` writes them, else by the YAML
/// parser (which also gives every error about the file's form).
fn read_rows(file: &Path, text: &str, direct: bool) -> Result<(SourceBlock, Vec<Located>)> {
    if let Some(read) = imported_form(file, text).filter(|_| direct) {
        return Ok(read);
    }
    let parsed: CrossingsFile = crate::yaml::parse(file, text, 0)?;
    let rows = parsed
        .days
        .into_iter()
        .map(|r| Located {
            line: r.referenced.line() as usize,
            column: r.referenced.column() as usize,
            row: r.value,
        })
        .collect();
    Ok((parsed.source, rows))
}

/// Most days read without the YAML parser: beyond this (some fifty years)
/// the parser reads the file, within its own limits.
const MAX_DIRECT_DAYS: usize = 20_000;

/// The file read as `brief import` writes it (see [`to_yaml`]): the
/// source block, parsed as YAML, then `days:` and one day a line, exactly
/// `  - {date: 2018-01-01, people: 0, boats: 0}`, read without the YAML
/// parser, which takes most of a large site's start on this file. `None`
/// when any of it is written otherwise: the YAML parser reads it then.
fn imported_form(file: &Path, text: &str) -> Option<(SourceBlock, Vec<Located>)> {
    const DAYS: &str = "\ndays:\n";
    let days_at = text.find(DAYS)? + 1;
    let header = format!("{}days: []\n", &text[..days_at]);
    let first_line = text[..days_at].matches('\n').count() + 2;
    let mut rows = Vec::with_capacity(text.len() / 44);
    for (i, line) in text[days_at + DAYS.len() - 1..].lines().enumerate() {
        if i >= MAX_DIRECT_DAYS {
            return None;
        }
        let rest = line.strip_prefix("  - {date: ")?;
        let (date, rest) = rest.split_once(", people: ")?;
        let (people, rest) = rest.split_once(", boats: ")?;
        let boats = rest.strip_suffix('}')?;
        rows.push(Located {
            row: DayRow {
                date: plain_date(date)?,
                people: plain_count(people)?,
                boats: plain_count(boats)?,
            },
            line: first_line + i,
            // The flow mapping's `{`.
            column: 5,
        });
    }
    if rows.is_empty() {
        return None;
    }
    let parsed: CrossingsFile = crate::yaml::parse(file, &header, 0).ok()?;
    Some((parsed.source, rows))
}

/// `YYYY-MM-DD`, a real date.
fn plain_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 10 && b[4] == b'-' && b[7] == b'-' && digits(0..4) && digits(5..7) && digits(8..10))
        .then(|| text.parse().ok())
        .flatten()
}

/// A count as [`Count`] reads it from YAML: plain digits, without a
/// leading zero, that fit.
fn plain_count(text: &str) -> Option<Count> {
    let plain = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    plain.then(|| text.parse().ok().map(Count)).flatten()
}

/// The validated crossings data.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossings {
    /// The release it was imported from.
    pub source: SourceBlock,
    /// Every day, consecutive.
    pub series: Series,
}

/// Parses and validates `text`, read from `file`: days consecutive, in
/// order, without duplicates, and never more boats than people. Negative
/// and fractional counts are refused by the parser, with their location.
pub fn parse_crossings(file: &Path, text: &str) -> Result<Crossings> {
    parse_rows(file, text, true)
}

/// [`parse_crossings`], reading the days directly when `direct` allows.
fn parse_rows(file: &Path, text: &str, direct: bool) -> Result<Crossings> {
    let (source, rows) = read_rows(file, text, direct)?;
    let Some(first) = rows.first() else {
        return Err(Error::in_file(file, "`days` is empty")
            .help("expected one line per day, e.g. `- {date: 2018-01-01, people: 0, boats: 0}`"));
    };
    check_source(
        file,
        text,
        &source,
        rows.last().map_or(first.row.date, |r| r.row.date),
    )?;
    for (i, row) in rows.iter().enumerate() {
        check_counts(file, text, row)?;
        if let Some(previous) = i.checked_sub(1).map(|j| rows[j].row.date) {
            check_order(file, text, row, previous, &rows[i + 1..])?;
            check_no_gap(file, text, row, previous)?;
        }
    }
    let series = into_series(file, rows)?;
    Ok(Crossings { source, series })
}

/// The error for `row`, shown in its line of `text`.
fn row_error(file: &Path, text: &str, row: &Located, message: String, help: &str) -> Error {
    Error::in_file(file, message)
        .at(row.line, row.column, Some(text))
        .help(help.to_string())
}

/// Checks a day's counts: within [`MAX_DAILY_COUNT`], and no more boats than people.
fn check_counts(file: &Path, text: &str, row: &Located) -> Result<()> {
    let day = &row.row;
    let (people, boats) = (day.people.0, day.boats.0);
    if people.max(boats) > MAX_DAILY_COUNT {
        return Err(row_error(
            file,
            text,
            row,
            format!("{} has {people} people and {boats} boats", day.date),
            &format!("expected at most {MAX_DAILY_COUNT} a day; is the number pasted correctly?"),
        ));
    }
    if boats > people {
        return Err(row_error(
            file,
            text,
            row,
            format!("{} has {boats} boats but only {people} people", day.date),
            "expected boats ≤ people: every boat carries at least one person",
        ));
    }
    Ok(())
}

/// Checks the day is in order: after the `previous` day, and not past a day `later` holds.
fn check_order(
    file: &Path,
    text: &str,
    row: &Located,
    previous: Date,
    later: &[Located],
) -> Result<()> {
    let day = &row.row;
    let expected = previous.tomorrow().unwrap_or(previous);
    if day.date == previous {
        return Err(row_error(
            file,
            text,
            row,
            format!("{} appears twice", day.date),
            "expected each day once; remove the duplicate line",
        ));
    }
    if day.date < previous {
        return Err(row_error(
            file,
            text,
            row,
            format!("{} comes after {}", day.date, previous),
            "expected days in date order",
        ));
    }
    if day.date != expected
        && let Some(found) = later.iter().find(|r| r.row.date == expected)
    {
        return Err(row_error(
            file,
            text,
            row,
            format!(
                "{} comes before {expected}, which is further down (line {})",
                day.date, found.line
            ),
            "expected days in date order",
        ));
    }
    Ok(())
}

/// Checks that a day is the one after the `previous` day, naming the days missing between.
fn check_no_gap(file: &Path, text: &str, row: &Located, previous: Date) -> Result<()> {
    let day = &row.row;
    let expected = previous.tomorrow().unwrap_or(previous);
    if day.date != expected {
        let missing_to = day.date.yesterday().unwrap_or(day.date);
        let gap = if missing_to == expected {
            format!("{expected} is missing")
        } else {
            format!("{expected} to {missing_to} are missing")
        };
        return Err(row_error(
            file,
            text,
            row,
            format!("{gap} before {}", day.date),
            "expected consecutive days; a day without arrivals is `people: 0, boats: 0`",
        ));
    }
    Ok(())
}

/// The checked rows as the series the rest of `brief` reads.
fn into_series(file: &Path, rows: Vec<Located>) -> Result<Series> {
    let days = rows
        .into_iter()
        .map(|r| DailyArrivals {
            date: r.row.date,
            people: r.row.people.0,
            boats: r.row.boats.0,
        })
        .collect();
    Series::new(days).ok_or_else(|| Error::in_file(file, "the days are not consecutive"))
}

/// Whether `address` is a web page's address (`https://…` or `http://…`,
/// without spaces): what a source block links readers to.
pub fn is_web_address(address: &str) -> bool {
    let address = address.trim();
    ["https://", "http://"].iter().any(|scheme| {
        address.len() > scheme.len()
            && address[..scheme.len()].eq_ignore_ascii_case(scheme)
            && !address.contains(char::is_whitespace)
    })
}

/// Checks what the source block claims: its address is a web page (pages
/// link to it), and its release date is not before its own last day.
fn check_source(file: &Path, text: &str, source: &SourceBlock, last: Date) -> Result<()> {
    let at = |key: &str, message: String, help: &str| {
        let mut err = Error::in_file(file, message).help(help.to_string());
        if let Some((line, column)) = key_position(text, key) {
            err = err.at(line, column, Some(text));
        }
        err
    };
    if !is_web_address(&source.address) {
        return Err(at(
            "address",
            format!(
                "the source's address “{}” is not a web address",
                source.address.escape_debug()
            ),
            "expected the publication's page, https://…; every brief links to it",
        ));
    }
    if source.released < last {
        return Err(at(
            "released",
            format!(
                "the release is dated {}, but its days run to {last}: a release cannot hold days after it was published",
                source.released
            ),
            "expected the day the release was published, on or after its last day (the Home Office publishes on Fridays the days to Thursday)",
        ));
    }
    Ok(())
}

/// The line and column of the value of `key:` in the source block (before
/// `days:`), if it is written there.
fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    let pattern = format!("{key}:");
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("days:") {
            break;
        }
        if let Some(at) = line.find(&pattern) {
            let value =
                line[at + pattern.len()..].len() - line[at + pattern.len()..].trim_start().len();
            return Some((
                i + 1,
                line[..at + pattern.len() + value].chars().count() + 1,
            ));
        }
    }
    None
}

/// The first day whose figures are still provisional in the release of
/// `released`, marked `[p]` in tables as GOV.UK statistics mark them.
///
/// The rule comes from the release's own notes. Note 1 of the Home Office's
/// spreadsheet says: "These statistics are taken from provisional
/// operational data and are subject to change. They may differ from
/// figures published in the final official statistics on Illegal entry
/// routes to the UK", which are quarterly. So a day is provisional until
/// the quarterly statistics have covered its calendar quarter. Those are
/// published within the quarter after (late February, May, August and
/// November), so `brief` counts a quarter as final once the quarter after
/// it has ended by the release date, and never earlier: in the release of
/// 21 August 2026, every day from 1 April 2026 is provisional; in that of
/// 20 February 2026, every day from 1 October 2025.
pub fn provisional_from(released: Date) -> Date {
    let quarter_start = (released.month() - 1) / 3 * 3 + 1;
    let (year, month) = match quarter_start {
        1 => (released.year() - 1, 10),
        m => (released.year(), m - 3),
    };
    Date::new(year, month, 1).unwrap_or(released)
}

/// Writes the file in its reviewable form: a header, the source block, then
/// one flow mapping per day. Strings are double-quoted JSON strings, which
/// are valid YAML, so any title survives the round trip.
pub fn to_yaml(source: &SourceBlock, days: &[DailyArrivals]) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut out = String::with_capacity(64 + days.len() * 48);
    out.push_str("# Small boat arrivals by day: Home Office table SB_01, as imported by\n");
    out.push_str("# `brief import home-office`. Do not edit by hand: import the next release.\n");
    out.push_str("source:\n");
    out.push_str(&format!("  publisher: {}\n", quote(&source.publisher)));
    out.push_str(&format!("  title: {}\n", quote(&source.title)));
    out.push_str(&format!("  address: {}\n", quote(&source.address)));
    out.push_str(&format!("  licence: {}\n", quote(&source.licence)));
    out.push_str(&format!("  released: {}\n", source.released));
    out.push_str("days:\n");
    for d in days {
        out.push_str(&format!(
            "  - {{date: {}, people: {}, boats: {}}}\n",
            d.date, d.people, d.boats
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn provisional_figures_start_with_the_quarter_before_the_release_s() {
        for (released, from) in [
            ("2026-08-21", "2026-04-01"),
            ("2026-02-20", "2025-10-01"),
            ("2025-11-21", "2025-07-01"),
            ("2026-01-01", "2025-10-01"),
            ("2026-03-31", "2025-10-01"),
            ("2026-04-01", "2026-01-01"),
            ("2026-12-31", "2026-07-01"),
        ] {
            let released: Date = released.parse().unwrap();
            assert_eq!(provisional_from(released).to_string(), from, "{released}");
        }
    }

    pub const HEADER: &str = "source:\n  publisher: Home Office\n  title: T\n  address: https://example.org\n  licence: OGL\n  released: 2020-01-05\ndays:\n";

    fn check(days: &str) -> Result<Crossings> {
        parse_crossings(Path::new("data/crossings.yaml"), &format!("{HEADER}{days}"))
    }

    /// The error for `days`, asserting that it names the file and `line`.
    fn error_at(days: &str, line: usize) -> String {
        let err = check(days).unwrap_err();
        assert_eq!(err.file.as_deref(), Some(Path::new("data/crossings.yaml")));
        assert_eq!(err.line, Some(line), "{err}");
        err.to_string()
    }

    #[test]
    fn a_good_file_round_trips_through_to_yaml() {
        let c = check("  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-02, people: 0, boats: 0}\n").unwrap();
        assert_eq!(c.series.days().len(), 2);
        let text = to_yaml(&c.source, c.series.days());
        let again = parse_crossings(Path::new("x"), &text).unwrap();
        assert_eq!(again, c);
        assert!(text.ends_with("  - {date: 2020-01-02, people: 0, boats: 0}\n"));
    }

    #[test]
    fn a_missing_day_is_named() {
        let e = error_at(
            "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-03, people: 0, boats: 0}\n",
            9,
        );
        assert!(e.contains("2020-01-02 is missing"), "{e}");
    }

    #[test]
    fn a_duplicate_day_is_named() {
        let e = error_at(
            "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-01, people: 5, boats: 1}\n",
            9,
        );
        assert!(e.contains("appears twice"), "{e}");
    }

    #[test]
    fn days_out_of_order_are_named() {
        let e = error_at(
            "  - {date: 2020-01-02, people: 5, boats: 1}\n  - {date: 2020-01-01, people: 5, boats: 1}\n",
            9,
        );
        assert!(e.contains("comes after"), "{e}");
    }

    #[test]
    fn more_boats_than_people_is_refused() {
        let e = error_at(
            "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-02, people: 2, boats: 3}\n",
            9,
        );
        assert!(e.contains("3 boats but only 2 people"), "{e}");
    }

    #[test]
    fn a_negative_count_is_refused_where_it_stands() {
        let e = error_at(
            "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-02, people: -2, boats: 0}\n",
            9,
        );
        assert!(
            e.contains("people") || e.contains("-2") || e.contains("integer"),
            "{e}"
        );
    }

    #[test]
    fn an_impossible_date_is_refused_where_it_stands() {
        error_at("  - {date: 2020-02-30, people: 5, boats: 1}\n", 8);
    }

    /// Days written as `brief import` writes them, and in other ways.
    const FORMS: &[&str] = &[
        "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-02, people: 0, boats: 0}\n",
        "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-03, people: 0, boats: 0}\n",
        "  - {date: 2020-01-02, people: 5, boats: 1}\n  - {date: 2020-01-01, people: 5, boats: 1}\n",
        "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-01, people: 5, boats: 1}\n",
        "  - {date: 2020-01-01, people: 2, boats: 3}\n",
        "  - {date: 2020-01-01, people: 2000000, boats: 3}\n",
        "  - {date: 2020-01-01, people: 18446744073709551616, boats: 3}\n",
        "  - {date: 2020-01-01, people: 007, boats: 0}\n",
        "  - {date: 2020-01-01, people: -2, boats: 0}\n",
        "  - {date: 2020-01-01, people: 2.5, boats: 0}\n",
        "  - {date: 2020-02-30, people: 5, boats: 1}\n",
        "  - {date: 2020-1-01, people: 5, boats: 1}\n",
        "  - {date: 2020-01-01, people: 5, boats: 1, ships: 2}\n",
        "  - {date: 2020-01-01,  people: 5, boats: 1}\n",
        "  - {date: 2020-01-01, people: 5, boats: 1} # comment\n",
        "  - {date: 2020-01-01, boats: 1, people: 5}\n",
        "  - {date: 2020-01-01, people: 5, boats: 1}\n\n",
        "  - {date: 2020-01-01, people: 5, boats: 1}",
        "  - date: 2020-01-01\n    people: 5\n    boats: 1\n",
        "  - {date: 2020-01-01, people: 5, boats: 1}\n  - {date: 2020-01-03, people: 1, boats: 1}\n  - {date: 2020-01-02, people: 1, boats: 1}\n",
        "  []\n",
        "",
    ];

    /// The result as the text a reader would see.
    fn outcome(text: &str, direct: bool) -> String {
        match parse_rows(Path::new("data/crossings.yaml"), text, direct) {
            Ok(c) => format!("{c:?}"),
            Err(e) => format!("{e} at {:?}:{:?} ({:?})", e.line, e.column, e.snippet),
        }
    }

    #[test]
    fn days_read_directly_are_read_as_the_yaml_parser_reads_them() {
        let mut direct = 0;
        for days in FORMS {
            let text = format!("{HEADER}{days}");
            assert_eq!(outcome(&text, true), outcome(&text, false), "{days:?}");
            direct += usize::from(imported_form(Path::new("x"), &text).is_some());
        }
        assert!(direct >= 8, "most forms above are the imported one");
        // A header the YAML parser refuses is refused with its own words.
        let text = format!("{}{}", HEADER.replace("title: T", "title: [T"), FORMS[0]);
        assert_eq!(outcome(&text, true), outcome(&text, false));
        assert!(imported_form(Path::new("x"), &text).is_none());
        // And the bundled file, as imported from the release.
        let bundled = include_str!("../../data/crossings.yaml");
        assert!(imported_form(Path::new("x"), bundled).is_some());
        assert_eq!(outcome(bundled, true), outcome(bundled, false));
    }

    #[test]
    fn an_empty_series_is_refused() {
        let e = check("  []\n").unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
    }
}
