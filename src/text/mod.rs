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
