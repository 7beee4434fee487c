//! Text every stage writes the same way: month names and dates as a UK
//! reader reads them. (Numbers and escaping are to move here too.)

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
}
