//! Dates as a UK reader reads them (`20 August 2026`), and the calendar
//! of days of the year the charts are drawn by.

use jiff::civil::Date;

/// Month abbreviations, January first.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Full month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as prose gives it: `20 August 2026`.
pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// Whether `year` is a leap year.
pub fn is_leap(year: i32) -> bool {
    first_of_year(year).is_some_and(|d| d.in_leap_year())
}

/// 1 January of `year`, if jiff can represent it.
fn first_of_year(year: i32) -> Option<jiff::civil::Date> {
    jiff::civil::Date::new(i16::try_from(year).ok()?, 1, 1).ok()
}

/// The date of a 1-based `day` of `year`, or `None` when out of range.
fn date_of_year(year: i32, day: u16) -> Option<jiff::civil::Date> {
    let day = i16::try_from(day).ok()?;
    first_of_year(year)?.with().day_of_year(day).build().ok()
}

/// Day of year (1-based) of the first day of each month.
pub fn month_starts(year: i32) -> [u16; 12] {
    let mut starts = [1u16; 12];
    for (i, start) in starts.iter_mut().enumerate() {
        let first = first_of_year(year).and_then(|d| d.with().month(i as i8 + 1).build().ok());
        *start = first.map_or(1, |d| d.day_of_year() as u16);
    }
    starts
}

/// "20 August" for a 1-based day of `year`; falls back to "day N".
pub fn day_of_year_text(year: i32, day: u16) -> String {
    match date_of_year(year, day) {
        Some(d) => d.strftime("%-d %B").to_string(),
        None => format!("day {day}"),
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian); 0 for a
/// date jiff cannot represent.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let date = (|| {
        jiff::civil::Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()
    })();
    match (date, jiff::civil::Date::new(1970, 1, 1)) {
        (Some(date), Ok(epoch)) => i64::from((date - epoch).get_days()),
        _ => 0,
    }
}

/// `YYYY-MM-DD` for a 1-based day of `year`, or `None` when out of range.
pub fn date_of_day(year: i32, day: u16) -> Option<String> {
    date_of_year(year, day).map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_prose_gives_them() {
        assert_eq!(long_date(jiff::civil::date(2026, 8, 20)), "20 August 2026");
        assert_eq!(long_date(jiff::civil::date(2025, 7, 9)), "9 July 2025");
        for (i, name) in MONTH_NAMES.iter().enumerate() {
            let d = jiff::civil::date(2024, i as i8 + 1, 1);
            assert_eq!(long_date(d), format!("1 {name} 2024"));
            assert!(name.starts_with(MONTHS[i]));
        }
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(day_of_year_text(2026, 232), "20 August");
        assert_eq!(day_of_year_text(2024, 60), "29 February");
        assert_eq!(day_of_year_text(2026, 0), "day 0");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2025, 8, 6), 20306);
        assert_eq!(date_of_day(2026, 232).as_deref(), Some("2026-08-20"));
        assert_eq!(date_of_day(2024, 366).as_deref(), Some("2024-12-31"));
        assert_eq!(date_of_day(2025, 366), None);
    }
}
