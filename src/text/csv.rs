//! CSV as the charts' data files are written: RFC 4180, safe to open in a
//! spreadsheet.

use super::dates::{date_of_day, is_leap, month_starts};

/// Appends `s` to `out` as one CSV cell, RFC 4180 quoted when needed. A
/// text cell starting with `=`, `+`, `-` or `@` gets a leading `'` (unless
/// it is a number), so spreadsheets do not run it as a formula. A cell
/// that needs no quoting (the usual case) is copied as it stands.
pub fn push_csv_cell(out: &mut String, s: &str) {
    // Spreadsheets run a cell that starts with one of these as a formula.
    let risky = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
        && s.parse::<f64>().is_err();
    let quoted = s.contains([',', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if risky {
        out.push('\'');
    }
    if quoted {
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends one CSV row (cells quoted as by [`push_csv_cell`]) and its `\n`.
pub fn push_csv_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_cell(out, cell.as_ref());
    }
    out.push('\n');
}

/// Joins cells into CSV text: one header row, then rows, CRLF-free (`\n`).
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let cells: usize = rows
        .iter()
        .map(|r| r.iter().map(|c| c.len() + 1).sum::<usize>())
        .sum();
    let mut out = String::with_capacity(cells + 64);
    push_csv_row(&mut out, header);
    for r in rows {
        push_csv_row(&mut out, r);
    }
    out
}

/// Writes the dates of one year's days as [`date_of_day`] does, from the
/// year's month starts rather than through jiff for every day: CSVs have a
/// row per day, and a large site writes millions of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearDates {
    year: i32,
    starts: [u16; 12],
    days: u16,
}

impl YearDates {
    /// The calendar of `year`.
    pub fn new(year: i32) -> Self {
        YearDates {
            year,
            starts: month_starts(year),
            days: if is_leap(year) { 366 } else { 365 },
        }
    }

    /// Appends the date of the 1-based `day` as a CSV cell: exactly
    /// `push_csv_cell(out, &date_of_day(year, day).unwrap_or_default())`, so nothing
    /// when the day is out of range.
    pub fn push_cell(&self, out: &mut String, day: u16) {
        if !(0..=9999).contains(&self.year) {
            // Not four digits: jiff's wording (a sign, six digits) decides.
            push_csv_cell(out, &date_of_day(self.year, day).unwrap_or_default());
            return;
        }
        if day == 0 || day > self.days {
            return;
        }
        let month = self.starts.iter().rposition(|&s| s <= day).unwrap_or(0);
        let day_of_month = day - self.starts[month] + 1;
        push_padded(out, self.year as u32, 4);
        out.push('-');
        push_padded(out, month as u32 + 1, 2);
        out.push('-');
        push_padded(out, u32::from(day_of_month), 2);
    }
}

/// Appends the last `width` (at most 4) digits of `v`, with leading zeros.
fn push_padded(out: &mut String, v: u32, width: usize) {
    const POWERS: [u32; 4] = [1000, 100, 10, 1];
    for p in &POWERS[POWERS.len() - width.min(4)..] {
        out.push(char::from(b'0' + (v / p % 10) as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::push_uint;

    /// One cell as [`push_csv_cell`] writes it.
    fn csv_cell(s: &str) -> String {
        let mut out = String::new();
        push_csv_cell(&mut out, s);
        out
    }

    #[test]
    fn csv_quoting_and_formula_escape() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("@x"), "'@x");
        assert_eq!(csv_cell("-12.5"), "-12.5");
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(
            csv(&["a", "b"], &[vec!["1".into(), "2".into()]]),
            "a,b\n1,2\n"
        );
        assert_eq!(csv_cell("=a,\"b\""), "\"'=a,\"\"b\"\"\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn numbers_written_by_hand_match_format() {
        for v in [0, 7, 10, 99, 100, 45_755, u64::from(u32::MAX), u64::MAX] {
            let mut s = String::new();
            push_uint(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        let mut s = String::new();
        push_padded(&mut s, 7, 4);
        push_padded(&mut s, 0, 2);
        push_padded(&mut s, 2026, 4);
        assert_eq!(s, "0007002026");
    }

    #[test]
    fn year_dates_match_date_of_day() {
        for year in [
            -10_000, -1, 0, 1, 99, 1900, 2000, 2024, 2025, 2026, 9999, 10_000,
        ] {
            let dates = YearDates::new(year);
            for day in 0..=367 {
                let mut got = String::new();
                dates.push_cell(&mut got, day);
                let want = csv_cell(&date_of_day(year, day).unwrap_or_default());
                assert_eq!(got, want, "{year} day {day}");
            }
        }
    }
}
