//! Text every stage writes the same way: numbers and dates as a UK reader
//! reads them, CSV as a spreadsheet opens it, and escaping for HTML and
//! SVG. It sits on the ground floor: it imports nothing of the pipeline.

mod csv;
mod dates;
mod escape;
mod numbers;

pub use csv::{YearDates, csv, push_csv_cell, push_csv_row};
pub use dates::{
    MONTH_NAMES, MONTHS, date_of_day, day_of_year_text, days_from_civil, is_leap, long_date,
    month_starts,
};
pub use escape::{escape, escape_html, push_escaped, push_xml_escaped};
pub use numbers::{fmt_count, fmt_num, group_plain_decimal, plain_num, push_uint};

/// A column's name as a reader reads it: `planned_returns` is "Planned
/// returns".
pub fn readable_name(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A label as it reads after other words ("by region", "change in people
/// counted"): its first letter in lower case, unless the label starts with
/// an acronym or a symbol ("CO₂", "NHS beds"), which stays as it is.
pub fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second)
            if first.is_uppercase() && !second.is_some_and(char::is_uppercase) =>
        {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::in_sentence;

    #[test]
    fn labels_in_a_sentence_keep_their_acronyms() {
        assert_eq!(in_sentence("Region"), "region");
        assert_eq!(in_sentence("People counted"), "people counted");
        assert_eq!(in_sentence("CO₂"), "CO₂");
        assert_eq!(in_sentence("NHS trust"), "NHS trust");
        assert_eq!(in_sentence("adjusted"), "adjusted");
        assert_eq!(in_sentence("A"), "a");
        assert_eq!(in_sentence(""), "");
    }
}
