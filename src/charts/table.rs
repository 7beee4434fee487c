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
}

impl Table {
    /// A table of `rows` under `header`.
    pub fn new<S: AsRef<str>>(header: &[S], rows: Vec<Vec<String>>) -> Table {
        Table {
            header: header.iter().map(|h| h.as_ref().to_string()).collect(),
            rows,
            note: None,
        }
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
