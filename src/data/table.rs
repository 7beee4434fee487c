//! Tables of an analyst's own: a CSV file (or a YAML list of records) in
//! `data/` typed by a schema beside it (`data/<name>.schema.yaml`), which names each column and its
//! type (date, integer, decimal or text), unit and label, the columns
//! whose values identify a row, and where the data comes from. Validation
//! is as strict as for the daily series: a cell that is not of its
//! column's type, a missing or unknown column, a repeated key, an empty
//! file or a schema without its data is an error naming the file, line and
//! column, with what was found and what was expected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::data::crossings::SourceBlock;
use crate::error::{Error, Result};

/// Most bytes a table's CSV file may have.
pub const MAX_TABLE_BYTES: usize = 16 * 1024 * 1024;

/// Most rows a table may have.
pub const MAX_TABLE_ROWS: usize = 200_000;

/// Most columns a table may have.
pub const MAX_TABLE_COLUMNS: usize = 64;

/// The suffix of a schema's file name: `data/co2.schema.yaml` types
/// `data/co2.csv`.
pub const SCHEMA_SUFFIX: &str = ".schema.yaml";

/// What a schema file says about its table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// What the table holds, in a few words ("Monthly mean CO₂ at Mauna Loa").
    #[serde(default)]
    pub title: Option<String>,
    /// Where the data comes from, as the crossings file has it.
    pub source: SourceBlock,
    /// The columns, in the order a page shows them.
    pub columns: Vec<ColumnSpec>,
    /// The columns whose values identify a row, which no two rows may
    /// share (`key: date`, or `key: [date, region]`). Without it, the first
    /// date column, if any: a series has one row a day, month or year.
    #[serde(default)]
    pub key: Option<OneOrMany>,
}

/// A column name, or a list of them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One column.
    One(String),
    /// Several columns.
    Many(Vec<String>),
}

/// One column of a schema.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Its name, as the CSV header has it.
    pub name: String,
    /// What its cells hold.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// The unit of its numbers ("ppm", "people", "%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// A name for readers ("CO₂ concentration"); the name when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether a cell may be empty (then it has no value).
    #[serde(default)]
    pub optional: bool,
}

/// What a column's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// A calendar day, `YYYY-MM-DD`.
    Date,
    /// A whole number, without separators (`45755`, `-3`).
    Integer,
    /// A number with or without decimals (`315.71`, `-0.5`, `12`).
    Decimal,
    /// Any text.
    Text,
}

impl ColumnType {
    /// What a cell of this type looks like, for error messages.
    fn expected(self) -> &'static str {
        match self {
            ColumnType::Date => "a day of the calendar written YYYY-MM-DD, such as 2023-02-28",
            ColumnType::Integer => "a whole number without separators, such as 45755",
            ColumnType::Decimal => "a number such as 315.71, without separators",
            ColumnType::Text => "text",
        }
    }
}

/// One cell's value, typed by its column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A date.
    Date(Date),
    /// A whole number.
    Integer(i64),
    /// A number.
    Decimal(f64),
    /// Text.
    Text(String),
    /// An empty cell of an optional column.
    Empty,
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Cell::Date(d) => s.serialize_str(&d.to_string()),
            Cell::Integer(n) => s.serialize_i64(*n),
            Cell::Decimal(x) => s.serialize_f64(*x),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Empty => s.serialize_none(),
        }
    }
}

/// A table, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its name: the file's stem (`co2` for `data/co2.csv`), and its key
    /// under `data` in a template.
    pub name: String,
    /// Its data file.
    pub path: PathBuf,
    /// Its schema.
    pub schema: Schema,
    /// The rows, each with a cell per schema column, in the schema's order.
    pub rows: Vec<Vec<Cell>>,
    /// The line of the data file each row starts on.
    pub lines: Vec<usize>,
}

/// A table as a template sees it under `data.<name>`: its title, source,
/// columns and rows, each row a map from column name to typed value.
#[derive(Debug, Serialize)]
struct TableValue<'t> {
    name: &'t str,
    title: Option<&'t str>,
    source: &'t SourceBlock,
    columns: &'t [ColumnSpec],
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl Table {
    /// The table as a template sees it (see [`TableValue`]).
    pub fn to_value(&self) -> serde_json::Value {
        let rows = self
            .rows
            .iter()
            .map(|row| {
                self.schema
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(column, cell)| {
                        let value = serde_json::to_value(cell).unwrap_or(serde_json::Value::Null);
                        (column.name.clone(), value)
                    })
                    .collect()
            })
            .collect();
        let value = TableValue {
            name: &self.name,
            title: self.schema.title.as_deref(),
            source: &self.schema.source,
            columns: &self.schema.columns,
            rows,
        };
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
    }

    /// The index of the column that dates its rows: the first date
    /// column, if it has one.
    fn dating_column(&self) -> Option<usize> {
        self.schema
            .columns
            .iter()
            .position(|c| c.kind == ColumnType::Date)
    }

    /// The first and last dates of its rows (by [`Self::up_to`]'s column),
    /// when it has dated rows.
    pub fn dates(&self) -> Option<(Date, Date)> {
        let i = self.dating_column()?;
        let dates = self.rows.iter().filter_map(|row| match row.get(i) {
            Some(Cell::Date(d)) => Some(*d),
            _ => None,
        });
        dates.fold(None, |span, d| match span {
            None => Some((d, d)),
            Some((first, last)) => Some((first.min(d), last.max(d))),
        })
    }

    /// The table as it stood on `as_of`: the rows its first date column
    /// dates after `as_of` left out. A table without a date column, or a
    /// row whose date is empty, is kept whole: nothing says it came later.
    pub fn up_to(mut self, as_of: Date) -> Table {
        if let Some(i) = self.dating_column() {
            let keep: Vec<bool> = self
                .rows
                .iter()
                .map(|row| !matches!(row.get(i), Some(Cell::Date(d)) if *d > as_of))
                .collect();
            let mut kept = keep.iter();
            self.rows.retain(|_| kept.next() == Some(&true));
            let mut kept = keep.iter();
            self.lines.retain(|_| kept.next() == Some(&true));
        }
        self
    }

    /// The index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.schema.columns.iter().position(|c| c.name == name)
    }

    /// The index of column `name`, or a sentence saying there is none and
    /// naming the columns there are.
    pub fn column_or_why(&self, name: &str) -> std::result::Result<usize, String> {
        self.column(name).ok_or_else(|| {
            let names: Vec<&str> = self
                .schema
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            format!(
                "table `{}` has no column `{name}`; its columns are {}",
                self.name,
                names.join(", ")
            )
        })
    }
}

/// `table` as CSV: a header of its column names, then its rows (dates
/// `YYYY-MM-DD`, numbers as written, empty cells empty).
pub fn to_csv(table: &Table) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let names: Vec<&str> = table
        .schema
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let _ = writer.write_record(&names);
    for row in &table.rows {
        let _ = writer.write_record(row.iter().map(record_key));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The stem a data file's tables are known by: `co2` for `data/co2.csv` and
/// for `data/co2.schema.yaml`.
pub fn table_name(path: &Path) -> Option<&str> {
    let file = path.file_name()?.to_str()?;
    file.strip_suffix(SCHEMA_SUFFIX)
        .or_else(|| file.strip_suffix(".csv"))
}

/// Parses the schema in `text` (the file `path`).
pub fn parse_schema(path: &Path, text: &str) -> Result<Schema> {
    let schema: Schema = crate::yaml::parse(path, text, 0)?;
    check_schema(path, text, &schema)?;
    Ok(schema)
}

/// Checks what `schema` (read from `text`, the file `path`: a schema file,
/// or `site.yaml`) says beyond its form: a web address, columns named once,
/// a key naming columns.
pub fn check_schema(path: &Path, text: &str, schema: &Schema) -> Result<()> {
    // Where a field of the schema is (`key:`), for messages: its line and
    // the column it starts at.
    let at = |field: &str| {
        text.lines()
            .enumerate()
            .find(|(_, l)| l.trim_start().starts_with(&format!("{field}:")))
            .map_or((1, 1), |(i, l)| (i + 1, l.len() - l.trim_start().len() + 1))
    };
    if !crate::data::crossings::is_web_address(&schema.source.address) {
        let (line, col) = at("address");
        return Err(Error::in_file(
            path,
            format!(
                "the source's address “{}” is not a web address",
                schema.source.address.escape_debug()
            ),
        )
        .at(line, col, Some(text))
        .help("expected the publication's page, https://…, which briefs link readers to"));
    }
    if schema.columns.is_empty() {
        let (line, col) = at("columns");
        return Err(Error::in_file(path, "the schema has no columns")
            .at(line, col, Some(text))
            .help("expected a list of columns, each with a name and a type (date, integer, decimal or text)"));
    }
    if schema.columns.len() > MAX_TABLE_COLUMNS {
        return Err(Error::in_file(
            path,
            format!("the schema has {} columns", schema.columns.len()),
        )
        .help(format!("expected at most {MAX_TABLE_COLUMNS}")));
    }
    let mut seen = BTreeMap::new();
    for column in &schema.columns {
        if column.name.trim().is_empty() {
            return Err(Error::in_file(path, "a column has an empty name")
                .help("expected a name as the CSV header has it"));
        }
        if seen.insert(column.name.as_str(), ()).is_some() {
            let (line, col) = nth_line_col_of(text, &format!("name: {}", column.name), 1)
                .unwrap_or_else(|| at("columns"));
            return Err(Error::in_file(
                path,
                format!("the column `{}` is named twice", column.name),
            )
            .at(line, col, Some(text))
            .help("expected each column once"));
        }
    }
    for name in key_columns(schema) {
        if !schema.columns.iter().any(|c| c.name == name) {
            let (line, col) = at("key");
            return Err(Error::in_file(
                path,
                format!("the key names `{name}`, which is not a column"),
            )
            .at(line, col, Some(text))
            .help(format!(
                "expected one of the columns: {}",
                column_list(schema)
            )));
        }
    }
    Ok(())
}

/// Whether a column of `kind` named `name` holds years: whole numbers,
/// named `year`.
pub fn is_year_column(kind: ColumnType, name: &str) -> bool {
    kind == ColumnType::Integer && name.eq_ignore_ascii_case("year")
}

/// The columns that identify a row: the schema's key, or its first date
/// column, or none.
pub fn key_columns(schema: &Schema) -> Vec<String> {
    match &schema.key {
        Some(OneOrMany::One(name)) => vec![name.clone()],
        Some(OneOrMany::Many(names)) => names.clone(),
        None => schema
            .columns
            .iter()
            .find(|c| c.kind == ColumnType::Date)
            .map(|c| vec![c.name.clone()])
            .unwrap_or_default(),
    }
}

/// The schema's columns, for messages: `date, co2`.
fn column_list(schema: &Schema) -> String {
    schema
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stem of a YAML data file (`co2` for `data/co2.yaml`), not a schema.
fn yaml_stem(path: &Path) -> Option<&str> {
    let file = path.file_name()?.to_str()?;
    if file.ends_with(SCHEMA_SUFFIX) {
        return None;
    }
    file.strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))
}

/// Reads the CSV `text` (the file `path`) as table `name` of `schema`.
pub fn parse_table(name: &str, path: &Path, text: &str, schema: &Schema) -> Result<Table> {
    if text.len() > MAX_TABLE_BYTES {
        return Err(
            Error::in_file(path, format!("the file is {} bytes long", text.len())).help(format!(
                "expected at most {MAX_TABLE_BYTES} bytes; split the table or trim it"
            )),
        );
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::in_file(path, "the file is empty").help(format!(
            "expected a header row naming the columns ({}), then a row per record",
            column_list(schema)
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| csv_error(path, text, &e))?
        .clone();
    let header_cols = field_columns(text.lines().next().unwrap_or(""));
    // Each schema column's place in the header.
    let mut places = Vec::with_capacity(schema.columns.len());
    for column in &schema.columns {
        match header.iter().position(|h| h.trim() == column.name) {
            Some(i) => places.push(i),
            None => {
                return Err(Error::in_file(
                    path,
                    format!("the header has no column `{}`", column.name),
                )
                .at(1, 1, Some(text))
                .help(format!(
                    "expected the columns the schema names: {}; found {}",
                    column_list(schema),
                    header.iter().collect::<Vec<_>>().join(", ")
                )));
            }
        }
    }
    for (i, h) in header.iter().enumerate() {
        if !schema.columns.iter().any(|c| c.name == h.trim()) {
            let col = header_cols.get(i).copied().unwrap_or(1);
            return Err(Error::in_file(path, format!("the column `{h}` is not in the schema"))
                .at(1, col, Some(text))
                .help(format!(
                    "expected only the columns the schema names ({}); add `{h}` to the schema or remove it",
                    column_list(schema)
                )));
        }
    }
    let mut keys = Keys::of(schema);
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text, &e))?;
        let line = record.position().map_or(1, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_TABLE_ROWS {
            return Err(Error::in_file(
                path,
                format!("the table has more than {MAX_TABLE_ROWS} rows"),
            )
            .at(line, 1, Some(text))
            .help("expected a smaller table; aggregate it first or split it"));
        }
        let cols = field_columns(text.lines().nth(line.saturating_sub(1)).unwrap_or(""));
        if record.len() != header.len() {
            return Err(Error::in_file(
                path,
                format!(
                    "this row has {} cells, the header {}",
                    record.len(),
                    header.len()
                ),
            )
            .at(line, 1, Some(text))
            .help("expected a cell for every column (an empty one between two commas)"));
        }
        let mut row = Vec::with_capacity(schema.columns.len());
        for (column, &place) in schema.columns.iter().zip(&places) {
            let raw = record.get(place).unwrap_or("");
            let col = cols.get(place).copied().unwrap_or(1);
            let cell = parse_cell(column, raw).map_err(|expected| {
                Error::in_file(
                    path,
                    format!("column `{}`: found `{}`", column.name, raw.escape_debug()),
                )
                .at(line, col, Some(text))
                .help(format!("expected {expected}"))
            })?;
            row.push(cell);
        }
        if let Some(repeated) = keys.repeated(&row, line) {
            let col = keys
                .first()
                .map_or(1, |i| cols.get(places[i]).copied().unwrap_or(1));
            return Err(Error::in_file(path, repeated)
                .at(line, col, Some(text))
                .help(format!(
                    "expected one row for each {}",
                    keys.names.join(" and ")
                )));
        }
        rows.push(row);
        lines.push(line);
    }
    if rows.is_empty() {
        return Err(Error::in_file(path, "the table has a header but no rows")
            .at(1, 1, Some(text))
            .help("expected a row per record under the header"));
    }
    Ok(Table {
        name: name.to_string(),
        path: path.to_path_buf(),
        schema: schema.clone(),
        rows,
        lines,
    })
}

/// Reads the YAML list of records in `text` (the file `path`: each record
/// a mapping from column name to value, `- {date: 2020-01-01, co2: 413.4}`)
/// as table `name` of `schema`, as strictly as a CSV file: every record has
/// every column and no other, and each value fits its column.
pub fn parse_yaml_table(name: &str, path: &Path, text: &str, schema: &Schema) -> Result<Table> {
    use serde_saphyr::Spanned;
    type Record = BTreeMap<String, Spanned<serde_json::Value>>;
    let records: Vec<Spanned<Record>> = crate::yaml::parse(path, text, 0)?;
    let at = |place: &serde_saphyr::Location, message: String| {
        Error::in_file(path, message).at(place.line() as usize, place.column() as usize, Some(text))
    };
    if records.len() > MAX_TABLE_ROWS {
        return Err(Error::in_file(
            path,
            format!("the table has more than {MAX_TABLE_ROWS} rows"),
        )
        .help("expected a smaller table; aggregate it first or split it"));
    }
    let mut keys = Keys::of(schema);
    let (mut rows, mut lines) = (Vec::new(), Vec::new());
    for record in &records {
        let here = &record.referenced;
        let known = |k: &String| schema.columns.iter().any(|c| &c.name == k);
        if let Some(extra) = record.value.keys().find(|k| !known(k)) {
            let message = format!("the column `{extra}` is not in the schema");
            return Err(at(&record.value[extra].referenced, message).help(format!(
                "expected only the columns the schema names ({}); add `{extra}` to the schema or remove it",
                column_list(schema)
            )));
        }
        let mut row = Vec::with_capacity(schema.columns.len());
        for column in &schema.columns {
            let Some(value) = record.value.get(&column.name) else {
                return Err(
                    at(here, format!("this record has no `{}`", column.name)).help(format!(
                        "expected every column the schema names: {}",
                        column_list(schema)
                    )),
                );
            };
            let raw = match &value.value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            let cell = match &value.value {
                serde_json::Value::Bool(_)
                | serde_json::Value::Array(_)
                | serde_json::Value::Object(_) => Err(column.kind.expected().to_string()),
                _ => parse_cell(column, &raw),
            };
            let cell = cell.map_err(|expected| {
                let message = format!("column `{}`: found `{}`", column.name, raw.escape_debug());
                at(&value.referenced, message).help(format!("expected {expected}"))
            })?;
            row.push(cell);
        }
        let line = here.line() as usize;
        if let Some(repeated) = keys.repeated(&row, line) {
            return Err(at(here, repeated).help(format!(
                "expected one record for each {}",
                keys.names.join(" and ")
            )));
        }
        rows.push(row);
        lines.push(line);
    }
    if rows.is_empty() {
        return Err(Error::in_file(path, "the table has no records")
            .help("expected a list of records, one `- {column: value, …}` each"));
    }
    Ok(Table {
        name: name.to_string(),
        path: path.to_path_buf(),
        schema: schema.clone(),
        rows,
        lines,
    })
}

/// The key columns of a table being read, and the keys seen so far.
struct Keys {
    names: Vec<String>,
    places: Vec<usize>,
    seen: BTreeMap<Vec<String>, usize>,
}

impl Keys {
    /// The key of `schema` (see [`key_columns`]), no row seen.
    fn of(schema: &Schema) -> Keys {
        let names = key_columns(schema);
        let places = names
            .iter()
            .filter_map(|k| schema.columns.iter().position(|c| &c.name == k))
            .collect();
        Keys {
            names,
            places,
            seen: BTreeMap::new(),
        }
    }

    /// The first key column's place among the schema's columns.
    fn first(&self) -> Option<usize> {
        self.places.first().copied()
    }

    /// Notes `row`, on `line`; if an earlier row has its key, says so.
    fn repeated(&mut self, row: &[Cell], line: usize) -> Option<String> {
        if self.places.is_empty() {
            return None;
        }
        let key: Vec<String> = self.places.iter().map(|&i| record_key(&row[i])).collect();
        let first = self.seen.insert(key.clone(), line)?;
        Some(format!(
            "{} {} is on line {first} already",
            self.names.join(", "),
            key.join(", ")
        ))
    }
}

/// A cell's value as a key part.
fn record_key(cell: &Cell) -> String {
    match cell {
        Cell::Date(d) => d.to_string(),
        Cell::Integer(n) => n.to_string(),
        Cell::Decimal(x) => x.to_string(),
        Cell::Text(t) => t.clone(),
        Cell::Empty => String::new(),
    }
}

/// The value of `raw`, a cell of `column`; else what was expected.
pub fn parse_cell(column: &ColumnSpec, raw: &str) -> std::result::Result<Cell, String> {
    let text = raw.trim();
    if text.is_empty() {
        return if column.optional || column.kind == ColumnType::Text {
            Ok(if column.kind == ColumnType::Text {
                Cell::Text(String::new())
            } else {
                Cell::Empty
            })
        } else {
            Err(format!(
                "{} (the column is not optional: `optional: true` in the schema allows empty cells)",
                column.kind.expected()
            ))
        };
    }
    let expected = || {
        let unit = column
            .unit
            .as_deref()
            .map(|u| format!(", in {u}"))
            .unwrap_or_default();
        format!("{}{unit}", column.kind.expected())
    };
    match column.kind {
        ColumnType::Text => Ok(Cell::Text(raw.to_string())),
        ColumnType::Date => parse_date(text).map(Cell::Date).ok_or_else(expected),
        ColumnType::Integer => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(expected());
            }
            text.parse().map(Cell::Integer).map_err(|_| expected())
        }
        ColumnType::Decimal => {
            let body = text.strip_prefix('-').unwrap_or(text);
            let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
            let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
                return Err(expected());
            }
            text.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Cell::Decimal)
                .ok_or_else(expected)
        }
    }
}

/// A calendar day written `YYYY-MM-DD`, exactly.
fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    text.parse().ok()
}

/// The 1-based character column where each field of the CSV line `line`
/// starts (quotes honoured).
fn field_columns(line: &str) -> Vec<usize> {
    let mut starts = vec![1];
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => starts.push(i + 2),
            _ => {}
        }
    }
    starts
}

/// A CSV reader's error at its place in `text`.
fn csv_error(path: &Path, text: &str, err: &csv::Error) -> Error {
    let line = match err.kind() {
        csv::ErrorKind::Utf8 { pos: Some(p), .. } => p.line() as usize,
        csv::ErrorKind::UnequalLengths { pos: Some(p), .. } => p.line() as usize,
        _ => 1,
    };
    Error::in_file(path, format!("the CSV could not be read: {err}"))
        .at(line, 1, Some(text))
        .help("expected UTF-8 text, a header row, then comma-separated rows with \"quotes\" around cells that hold commas")
}

/// The line and column of the `n`-th (from 0) line holding `needle`.
fn nth_line_col_of(text: &str, needle: &str, n: usize) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            l.find(needle)
                .map(|at| (i + 1, l[..at].chars().count() + 1))
        })
        .nth(n)
}

/// The tables of a project's data folder: each schema with its data file
/// (a CSV file, or a YAML list of records), by name. `schemas` are the
/// folder's `*.schema.yaml` files, as (path, text); `in_site` the schemas
/// `site.yaml` (its path and text given) holds under `tables:`; `csvs` and
/// `yamls` the folder's data files. A schema without its data, data
/// without its schema, or a table with two schemas or two data files is an
/// error.
pub fn read_tables(
    schemas: &[(&Path, &str)],
    in_site: (&Path, &str, &BTreeMap<String, Schema>),
    csvs: &[(&Path, &str)],
    yamls: &[(&Path, &str)],
) -> Result<BTreeMap<String, Table>> {
    let (site_path, site_text, site_schemas) = in_site;
    // Every schema, where it is written: (name, schema, file, its text).
    let mut all: Vec<(String, Schema, &Path, &str)> = Vec::new();
    for (path, text) in schemas {
        let name = table_name(path).unwrap_or_default();
        if site_schemas.contains_key(name) {
            return Err(
                Error::in_file(path, format!("site.yaml has a schema for `{name}` too")).help(
                    "expected one schema for each table: here or under `tables:` in site.yaml",
                ),
            );
        }
        all.push((name.to_string(), parse_schema(path, text)?, path, text));
    }
    for (name, schema) in site_schemas {
        // Where its entry starts in site.yaml, for the messages.
        let start = site_text
            .lines()
            .position(|l| l.trim() == format!("{name}:"))
            .unwrap_or(0);
        let entry: String = site_text.lines().skip(start).collect::<Vec<_>>().join("\n");
        check_schema(site_path, &entry, schema).map_err(|mut e| {
            e.line = e.line.map(|l| l + start);
            e
        })?;
        all.push((name.clone(), schema.clone(), site_path, site_text));
    }
    for (path, _) in csvs {
        let name = table_name(path).unwrap_or_default();
        if !all.iter().any(|(n, ..)| n == name) {
            return Err(Error::in_file(path, "this table has no schema").help(format!(
                "expected data/{name}{SCHEMA_SUFFIX} beside it (or an entry `{name}:` under `tables:` in site.yaml), naming each column and its type (date, integer, decimal or text) and the data's source"
            )));
        }
    }
    let mut tables = BTreeMap::new();
    for (name, schema, path, text) in all {
        let name = name.as_str();
        let yaml = yamls.iter().find(|(p, _)| yaml_stem(p) == Some(name));
        let table = match (csvs.iter().find(|(p, _)| table_name(p) == Some(name)), yaml) {
            (Some(_), Some((yaml_path, _))) => {
                return Err(Error::in_file(
                    yaml_path,
                    format!("data/{name}.csv holds table `{name}` already"),
                )
                .help("expected one data file for each table; remove one of them"));
            }
            (Some((data_path, data)), None) => parse_table(name, data_path, data, &schema)?,
            (None, Some((data_path, data))) => parse_yaml_table(name, data_path, data, &schema)?,
            (None, None) => {
                let line = if path == site_path {
                    text.lines()
                        .position(|l| l.trim() == format!("{name}:"))
                        .map_or(1, |i| i + 1)
                } else {
                    1
                };
                return Err(Error::in_file(path, format!("there is no data/{name}.csv for this schema"))
                    .at(line, 1, Some(text))
                    .help(format!("expected the table's data as data/{name}.csv (or data/{name}.yaml, a list of records), or remove the schema")));
            }
        };
        tables.insert(name.to_string(), table);
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_up_to_a_day_leaves_out_the_rows_after_it() {
        let table = parse_table(
            "co2",
            Path::new("data/co2.csv"),
            "date,co2,station,samples\n2020-01-01,413.4,MLO,\n2020-03-01,414.5,MLO,3\n2020-02-01,414.1,MLO,2\n",
            &parse_schema(Path::new("data/co2.schema.yaml"), SCHEMA).unwrap(),
        )
        .unwrap();
        let day = |m| Date::new(2020, m, 1).unwrap();
        assert_eq!(table.dates(), Some((day(1), day(3))));
        let cut = table.clone().up_to(day(2));
        assert_eq!(cut.rows.len(), 2);
        assert_eq!(cut.lines, [2, 4]);
        assert_eq!(cut.dates(), Some((day(1), day(2))));
        assert_eq!(table.clone().up_to(day(3)), table);
        assert!(
            table
                .up_to(Date::new(2019, 12, 31).unwrap())
                .rows
                .is_empty()
        );
    }

    const SCHEMA: &str = "title: Monthly CO₂\nsource:\n  publisher: NOAA\n  title: Mauna Loa CO2\n  address: https://gml.noaa.gov/\n  licence: Public domain\n  released: 2020-06-05\ncolumns:\n  - name: date\n    type: date\n  - name: co2\n    type: decimal\n    unit: ppm\n  - name: station\n    type: text\n  - name: samples\n    type: integer\n    optional: true\n";

    fn schema() -> Schema {
        parse_schema(Path::new("data/co2.schema.yaml"), SCHEMA).unwrap()
    }

    /// No schemas in site.yaml.
    fn none() -> (
        &'static Path,
        &'static str,
        &'static BTreeMap<String, Schema>,
    ) {
        static NONE: BTreeMap<String, Schema> = BTreeMap::new();
        (Path::new("site.yaml"), "", &NONE)
    }

    fn table(csv: &str) -> Result<Table> {
        parse_table("co2", Path::new("data/co2.csv"), csv, &schema())
    }

    fn error(csv: &str) -> String {
        let e = table(csv).unwrap_err();
        format!("{} | {}", e.location().unwrap_or_default(), e)
    }

    #[test]
    fn cells_are_typed_by_their_columns() {
        let t = table("date,co2,station,samples\n1958-03-01,315.71,MLO,\n1958-04-01,317.45,\"Mauna Loa, HI\",26\n").unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.lines, [2, 3]);
        assert_eq!(t.rows[0][0], Cell::Date(Date::constant(1958, 3, 1)));
        assert_eq!(t.rows[0][1], Cell::Decimal(315.71));
        assert_eq!(t.rows[0][3], Cell::Empty);
        assert_eq!(t.rows[1][2], Cell::Text("Mauna Loa, HI".into()));
        assert_eq!(t.rows[1][3], Cell::Integer(26));
        let value = t.to_value();
        assert_eq!(value["rows"][0]["date"], "1958-03-01");
        assert_eq!(value["rows"][0]["co2"], 315.71);
        assert!(value["rows"][0]["samples"].is_null());
        assert_eq!(value["rows"][1]["samples"], 26);
        assert_eq!(value["columns"][1]["unit"], "ppm");
        assert_eq!(value["source"]["publisher"], "NOAA");
    }

    #[test]
    fn header_columns_may_come_in_any_order() {
        let t = table("co2,date,samples,station\n315.71,1958-03-01,3,MLO\n").unwrap();
        assert_eq!(t.rows[0][0], Cell::Date(Date::constant(1958, 3, 1)));
        assert_eq!(t.rows[0][1], Cell::Decimal(315.71));
    }

    #[test]
    fn a_bad_cell_names_its_line_column_and_what_was_expected() {
        let e = error("date,co2,station,samples\n1958-03-01,315.71,MLO,2\n1958-04-01,abc,MLO,2\n");
        assert!(e.starts_with("data/co2.csv:3:12 | "), "{e}");
        assert!(e.contains("column `co2`: found `abc`"), "{e}");
        let e = table("date,co2,station,samples\n1958-04-01,abc,MLO,2\n").unwrap_err();
        assert!(e.to_string().contains("a number such as 315.71"), "{e}");
        assert!(e.to_string().contains("in ppm"), "{e}");
        for (bad, col) in [
            ("1958-04-01,1.5.2,MLO,2", 12),
            ("1958-04-01,1e3,MLO,2", 12),
            ("1958-04-01,NaN,MLO,2", 12),
            ("1958-04-01,\"1,000.5\",MLO,2", 12),
            ("1958-04-01,315.7,MLO,2.5", 22),
            ("1958-04-01,315.7,MLO,1000000000000000000000", 22),
            ("1958-04-01,,MLO,2", 12),
        ] {
            let e = error(&format!("date,co2,station,samples\n{bad}\n"));
            assert!(
                e.starts_with(&format!("data/co2.csv:2:{col} | ")),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn unparseable_dates_are_refused() {
        for bad in [
            "1958-13-01",
            "1958-02-30",
            "58-03-01",
            "1958/03/01",
            "1 March 1958",
            "1958-03-01T00:00",
        ] {
            let e = error(&format!("date,co2,station,samples\n{bad},315.7,MLO,1\n"));
            assert!(e.starts_with("data/co2.csv:2:1 | "), "{bad}: {e}");
            assert!(
                e.contains("YYYY-MM-DD")
                    || table(&format!("date,co2,station,samples\n{bad},315.7,MLO,1\n"))
                        .unwrap_err()
                        .to_string()
                        .contains("column `date`"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_repeated_date_is_refused_at_its_second_line() {
        let e = error(
            "date,co2,station,samples\n1958-03-01,315.7,MLO,1\n1958-04-01,316,MLO,1\n1958-03-01,317,MLO,1\n",
        );
        assert!(e.starts_with("data/co2.csv:4:1 | "), "{e}");
        assert!(e.contains("date 1958-03-01 is on line 2 already"), "{e}");
    }

    #[test]
    fn missing_and_unknown_columns_are_refused() {
        let e = error("date,co2,samples\n1958-03-01,315.7,1\n");
        assert!(e.starts_with("data/co2.csv:1:1 | "), "{e}");
        assert!(e.contains("no column `station`"), "{e}");
        let e = error("date,co2,station,samples,extra\n1958-03-01,315.7,MLO,1,x\n");
        assert!(e.starts_with("data/co2.csv:1:26 | "), "{e}");
        assert!(e.contains("`extra` is not in the schema"), "{e}");
        let e = error("date,co2,station,samples\n1958-03-01,315.7,MLO\n");
        assert!(e.starts_with("data/co2.csv:2:1 | "), "{e}");
        assert!(e.contains("3 cells, the header 4"), "{e}");
    }

    #[test]
    fn an_empty_file_or_one_without_rows_is_refused() {
        for empty in ["", "\n\n", "\u{feff}"] {
            let e = error(empty);
            assert!(e.contains("the file is empty"), "{e}");
            assert!(e.contains("data/co2.csv"), "{e}");
        }
        let e = error("date,co2,station,samples\n");
        assert!(e.contains("a header but no rows"), "{e}");
    }

    #[test]
    fn schemas_are_checked() {
        let path = Path::new("data/x.schema.yaml");
        let bad_type = SCHEMA.replace("type: decimal", "type: number");
        let e = parse_schema(path, &bad_type).unwrap_err();
        assert!(
            e.location()
                .unwrap_or_default()
                .starts_with("data/x.schema.yaml:12"),
            "{e}"
        );
        let twice = SCHEMA.replace("name: station", "name: co2");
        let e = parse_schema(path, &twice).unwrap_err();
        assert!(e.to_string().contains("`co2` is named twice"), "{e}");
        assert_eq!(e.location().as_deref(), Some("data/x.schema.yaml:14:5"));
        let key = format!("{SCHEMA}key: month\n");
        let e = parse_schema(path, &key).unwrap_err();
        assert!(
            e.to_string().contains("`month`, which is not a column"),
            "{e}"
        );
        assert_eq!(e.location().as_deref(), Some("data/x.schema.yaml:19:1"));
        let none = SCHEMA[..SCHEMA.find("columns:").unwrap()].to_string() + "columns: []\n";
        assert!(
            parse_schema(path, &none)
                .unwrap_err()
                .to_string()
                .contains("no columns")
        );
        let script = SCHEMA.replace("https://gml.noaa.gov/", "javascript:alert(1)");
        let e = parse_schema(path, &script).unwrap_err();
        assert!(e.to_string().contains("is not a web address"), "{e}");
        assert_eq!(e.location().as_deref(), Some("data/x.schema.yaml:5:3"));
        let unknown = format!("{SCHEMA}units: ppm\n");
        assert!(parse_schema(path, &unknown).is_err());
    }

    #[test]
    fn a_schema_needs_its_data_and_data_its_schema() {
        let schema = (Path::new("data/co2.schema.yaml"), SCHEMA);
        let csv = (
            Path::new("data/co2.csv"),
            "date,co2,station,samples\n1958-03-01,315.7,MLO,1\n",
        );
        let other = (Path::new("data/other.csv"), "a\n1\n");
        let tables = read_tables(&[schema], none(), &[csv], &[]).unwrap();
        assert_eq!(tables["co2"].rows.len(), 1);
        let e = read_tables(&[schema], none(), &[], &[]).unwrap_err();
        assert!(
            e.to_string()
                .contains("there is no data/co2.csv for this schema"),
            "{e}"
        );
        assert_eq!(e.location().as_deref(), Some("data/co2.schema.yaml:1:1"));
        let e = read_tables(&[schema], none(), &[csv, other], &[]).unwrap_err();
        assert!(e.to_string().contains("this table has no schema"), "{e}");
        assert!(
            e.help
                .clone()
                .unwrap_or_default()
                .contains("data/other.schema.yaml"),
            "{e}"
        );
    }

    #[test]
    fn a_yaml_list_of_records_is_a_table_checked_as_strictly() {
        let yaml =
            |text: &str| parse_yaml_table("co2", Path::new("data/co2.yaml"), text, &schema());
        let t = yaml("- {date: 1958-03-01, co2: 315.71, station: MLO, samples: 3}\n- date: 1958-04-01\n  co2: 317\n  station: \"Mauna Loa, HI\"\n  samples:\n").unwrap();
        assert_eq!(t.lines, [1, 2]);
        assert_eq!(t.rows[0][1], Cell::Decimal(315.71));
        assert_eq!(t.rows[1][1], Cell::Decimal(317.0));
        assert_eq!(t.rows[1][2], Cell::Text("Mauna Loa, HI".into()));
        assert_eq!(t.rows[1][3], Cell::Empty);
        let e = |text: &str| {
            let e = yaml(text).unwrap_err();
            format!("{} | {}", e.location().unwrap_or_default(), e)
        };
        let bad = e(
            "- {date: 1958-03-01, co2: 315.7, station: MLO, samples: 1}\n- {date: 1958-04-01, co2: high, station: MLO, samples: 1}\n",
        );
        assert!(bad.starts_with("data/co2.yaml:2:27 | "), "{bad}");
        assert!(
            bad.contains("column `co2`: found `high`") && bad.contains("a number such as 315.71"),
            "{bad}"
        );
        let missing = e("- {date: 1958-03-01, co2: 315.7, samples: 1}\n");
        assert!(
            missing.starts_with("data/co2.yaml:1:3 | ") && missing.contains("has no `station`"),
            "{missing}"
        );
        let extra = e("- {date: 1958-03-01, co2: 315.7, station: MLO, samples: 1, note: x}\n");
        assert!(extra.contains("`note` is not in the schema"), "{extra}");
        let twice = e(
            "- {date: 1958-03-01, co2: 315.7, station: MLO, samples: 1}\n- {date: 1958-03-01, co2: 316, station: MLO, samples: 1}\n",
        );
        assert!(
            twice.starts_with("data/co2.yaml:2:3 | ") && twice.contains("is on line 1 already"),
            "{twice}"
        );
        let flag = e("- {date: 1958-03-01, co2: true, station: MLO, samples: 1}\n");
        assert!(flag.contains("column `co2`: found `true`"), "{flag}");
        assert!(yaml("[]\n").unwrap_err().to_string().contains("no records"));
        // Beside its schema, a YAML file is the table; with a CSV as well, an error.
        let schema_file = (Path::new("data/co2.schema.yaml"), SCHEMA);
        let records = (
            Path::new("data/co2.yaml"),
            "- {date: 1958-03-01, co2: 315.7, station: MLO, samples: 1}\n",
        );
        assert_eq!(
            read_tables(&[schema_file], none(), &[], &[records]).unwrap()["co2"]
                .rows
                .len(),
            1
        );
        let csv = (
            Path::new("data/co2.csv"),
            "date,co2,station,samples\n1958-03-01,315.7,MLO,1\n",
        );
        let both = read_tables(&[schema_file], none(), &[csv], &[records]).unwrap_err();
        assert!(
            both.to_string()
                .contains("data/co2.csv holds table `co2` already"),
            "{both}"
        );
    }

    #[test]
    fn a_key_of_several_columns_allows_repeats_of_one() {
        let schema = format!("{SCHEMA}key: [date, station]\n");
        let schema = parse_schema(Path::new("data/co2.schema.yaml"), &schema).unwrap();
        let csv = "date,co2,station,samples\n1958-03-01,315.7,MLO,1\n1958-03-01,316,SPO,1\n";
        assert!(parse_table("co2", Path::new("data/co2.csv"), csv, &schema).is_ok());
        let csv = format!("{csv}1958-03-01,317,MLO,1\n");
        let e = parse_table("co2", Path::new("data/co2.csv"), &csv, &schema).unwrap_err();
        assert!(
            e.to_string()
                .contains("date, station 1958-03-01, MLO is on line 2 already"),
            "{e}"
        );
    }
}
