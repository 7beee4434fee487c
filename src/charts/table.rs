//! A chart's data as rows of cells: the page's table and the CSV file are
//! both written from these, so neither is read back from the other.

use crate::text::csv;

/// A header and rows of cells, each cell as the CSV file and the page show
/// it before quoting or escaping (`2025`, `45755`, `by 31 March`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The column names.
    pub header: Vec<String>,
    /// The rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
    /// A line under the page's table saying what it leaves out, when it
    /// shows fewer rows than the CSV has.
    pub note: Option<String>,
    /// How the page shows each column, with its heading for readers
    /// ("Planned returns" for `planned_returns`); empty, the header and
    /// cells as they are.
    pub shown: Vec<Column>,
}

/// How the page's table shows a column: its heading and its cells' form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The heading, as a reader reads it, with the unit.
    pub heading: String,
    /// What the cells hold.
    pub cells: Cells,
}

/// What a column's cells hold, and so how the page prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    /// Words, as they are.
    Text,
    /// A year, ungrouped (`2025`).
    Year,
    /// A whole number, grouped (`45,755`).
    Count,
    /// A number with this many decimals (`7.0`).
    Decimal(u8),
    /// A day, `2026-08-21` shown as `21 Aug 2026`.
    Day,
    /// A month's first day, `2019-01-01` shown as `Jan 2019`.
    Month,
    /// A year's first day, `2019-01-01` shown as `2019`.
    YearStart,
    /// A month's number, `1` shown as `January`.
    MonthNumber,
}

impl Table {
    /// A table of `rows` under `header`.
    pub fn new<S: AsRef<str>>(header: &[S], rows: Vec<Vec<String>>) -> Table {
        Table {
            header: header.iter().map(|h| h.as_ref().to_string()).collect(),
            rows,
            note: None,
            shown: Vec::new(),
        }
    }

    /// The table with its columns shown as `columns` say, in order.
    pub fn showing(mut self, columns: &[(&str, Cells)]) -> Table {
        self.shown = columns
            .iter()
            .map(|(heading, cells)| Column {
                heading: heading.to_string(),
                cells: *cells,
            })
            .collect();
        self
    }

    /// Whether there is nothing to show: not even a header.
    pub fn is_empty(&self) -> bool {
        self.header.is_empty()
    }

    /// The table as CSV text: the header row, then the rows.
    pub fn to_csv(&self) -> String {
        let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
        csv(&header, &self.rows)
    }
}
