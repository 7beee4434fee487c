//! `brief init`: a new project of one's own data. It writes `site.yaml`,
//! templates that name each table's source (rather than the crossings'),
//! the bundled stylesheet, an empty `briefs/`, and each table given, copied
//! into `data/` with a schema read from its columns: their types, whether
//! cells may be empty, and the key that identifies a row. Only where the
//! data comes from is left for the analyst to say, and the build stops at
//! that line until it is said.

use std::path::{Path, PathBuf};

use crate::data::table::{self, ColumnType};
use crate::error::{Error, Result};

/// The templates of a project of its own tables.
const TEMPLATES: [(&str, &str); 4] = [
    ("templates/base.html", include_str!("base.html")),
    ("templates/brief.html", include_str!("brief.html")),
    ("templates/index.html", include_str!("index.html")),
    ("templates/method.html", include_str!("method.html")),
];

/// The bundled stylesheet, the same for every project.
const STYLESHEET: &str = include_str!("../../templates/assets/style.css");

/// What `init` wrote, for its summary.
#[derive(Debug, PartialEq, Eq)]
pub struct Started {
    /// The files written, relative to the project folder, in order.
    pub files: Vec<String>,
    /// The tables' names (`data.<name>`), in the order given.
    pub tables: Vec<String>,
}

/// Starts a project in `dir` (made if missing), with each of `tables` (CSV
/// files) copied into `data/` beside a schema read from it. Refuses a
/// folder that already holds a project's files, and reads and checks every
/// table before writing anything.
pub fn init(dir: &Path, tables: &[PathBuf]) -> Result<Started> {
    if dir.is_file() {
        return Err(Error::in_file(dir, "this is a file, not a folder")
            .help("expected a folder for the new project (it is made if it does not exist)"));
    }
    for taken in ["site.yaml", "briefs", "data", "templates"] {
        if dir.join(taken).exists() {
            return Err(Error::in_file(
                dir.join(taken),
                "this folder already has a project's files",
            )
            .help("brief init starts a new project and changes nothing of an old one: choose a new folder, or edit this project's files"));
        }
    }
    let mut read = Vec::new();
    for file in tables {
        read.push(read_table(file)?);
    }
    let mut names: Vec<&str> = read.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(
            Error::new(format!("two tables would be data/{}.csv", twice[0]))
                .help("expected files with different names; rename one"),
        );
    }
    let mut files: Vec<(String, Vec<u8>)> = vec![("site.yaml".into(), site_yaml(dir).into())];
    for (path, text) in TEMPLATES {
        files.push((path.into(), text.into()));
    }
    files.push(("templates/assets/style.css".into(), STYLESHEET.into()));
    for t in &read {
        files.push((format!("data/{}.csv", t.name), t.bytes.clone()));
        files.push((
            format!("data/{}.schema.yaml", t.name),
            t.schema.clone().into(),
        ));
    }
    if !dir.join(".gitignore").exists() {
        files.push((".gitignore".into(), GITIGNORE.into()));
    }
    for sub in ["briefs", "data", "templates/assets"] {
        std::fs::create_dir_all(dir.join(sub))
            .map_err(|e| Error::io(dir.join(sub), "create the folder", &e))?;
    }
    for (path, bytes) in &files {
        std::fs::write(dir.join(path), bytes)
            .map_err(|e| Error::io(dir.join(path), "write", &e))?;
    }
    Ok(Started {
        files: files.into_iter().map(|(p, _)| p).collect(),
        tables: read.into_iter().map(|t| t.name).collect(),
    })
}

/// The build's output, and what a killed build leaves, are not sources.
const GITIGNORE: &str = "/output/\n/.output.*\n";

/// A table file as `init` copies it: its name, bytes and schema's text.
struct ReadTable {
    name: String,
    bytes: Vec<u8>,
    schema: String,
}

/// Reads the CSV `file`, names it after its file and writes its schema.
fn read_table(file: &Path) -> Result<ReadTable> {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let name = stem.to_lowercase().replace([' ', '.'], "-");
    let usable = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if !usable {
        return Err(Error::in_file(file, format!("“{stem}” cannot name a table"))
            .help("expected a file named with letters, digits, hyphens and underscores, such as counts.csv; rename it"));
    }
    if file.extension().and_then(|e| e.to_str()) != Some("csv") {
        return Err(Error::in_file(file, "this is not a .csv file")
            .help("expected a table as CSV, with a header line of column names"));
    }
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, "read", &e))?;
    if bytes.len() > table::MAX_TABLE_BYTES {
        return Err(
            Error::in_file(file, format!("the file is {} bytes", bytes.len())).help(format!(
                "expected at most {} bytes; split the table or trim it",
                table::MAX_TABLE_BYTES
            )),
        );
    }
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        Error::in_file(file, "the file is not UTF-8 text")
            .help("save the table as CSV in UTF-8 (most spreadsheets offer “CSV UTF-8”)")
    })?;
    let columns = infer_columns(file, &text)?;
    let schema = schema_text(&name, &columns);
    // What is written must load once its source is filled in: check it
    // with a stand-in source, through the build's own reader.
    let check = schema.replacen(SOURCE_TO_FILL, CHECK_SOURCE, 1);
    let schema_path = PathBuf::from(format!("data/{name}.schema.yaml"));
    let parsed = table::parse_schema(&schema_path, &check)?;
    table::parse_table(
        &name,
        &PathBuf::from(format!("data/{name}.csv")),
        &text,
        &parsed,
    )
    .map_err(|mut e| {
        e.file = Some(file.to_path_buf());
        e
    })?;
    Ok(ReadTable {
        name,
        bytes,
        schema,
    })
}

/// A column as read from the file.
#[derive(Debug, PartialEq)]
struct Column {
    name: String,
    kind: ColumnType,
    optional: bool,
    /// Whether no two rows share a value.
    unique: bool,
}

/// Each column of the CSV `text`, typed by what all its cells hold: dates
/// (YYYY-MM-DD), whole numbers, numbers, else text.
fn infer_columns(file: &Path, text: &str) -> Result<Vec<Column>> {
    // A spreadsheet's "CSV UTF-8" begins with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let bad = |e: csv::Error| {
        let line = e.position().map(|p| p.line() as usize);
        let mut err = Error::in_file(file, format!("the CSV cannot be read: {e}"))
            .help("expected a header line of column names and rows of the same number of cells");
        err.line = line;
        err
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() || header.iter().all(|h| h.trim().is_empty()) {
        return Err(Error::in_file(file, "the file has no header line")
            .help("expected a first line of column names, such as month,people"));
    }
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for record in reader.records() {
        let record = record.map_err(bad)?;
        for (i, cell) in record.iter().enumerate() {
            cells[i].push(cell.trim().to_string());
        }
    }
    if cells[0].is_empty() {
        return Err(Error::in_file(file, "the file has a header but no rows")
            .help("expected rows of data under the header"));
    }
    Ok(header
        .into_iter()
        .zip(cells)
        .map(|(name, values)| {
            let filled: Vec<&str> = values
                .iter()
                .map(String::as_str)
                .filter(|v| !v.is_empty())
                .collect();
            let mut seen = std::collections::BTreeSet::new();
            Column {
                name: name.trim().to_string(),
                kind: kind_of(&filled),
                optional: filled.len() < values.len(),
                unique: values.iter().all(|v| seen.insert(v.as_str())),
            }
        })
        .collect())
}

/// The type every one of `values` fits.
fn kind_of(values: &[&str]) -> ColumnType {
    let all = |test: fn(&str) -> bool| !values.is_empty() && values.iter().all(|v| test(v));
    if all(|v| v.len() == 10 && v.parse::<jiff::civil::Date>().is_ok()) {
        ColumnType::Date
    } else if all(|v| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }) {
        ColumnType::Integer
    } else if all(|v| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        digits.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }) || digits.bytes().all(|c| c.is_ascii_digit()) && !digits.is_empty()
    }) {
        ColumnType::Decimal
    } else {
        ColumnType::Text
    }
}

/// The source block as written: each line to fill in, so that the build
/// stops at the first until it is.
const SOURCE_TO_FILL: &str = "source:
  # Where the data comes from: fill in each line, then build.
  publisher:   # who publishes it, e.g. Office for National Statistics
  title:       # the publication's title, as its publisher gives it
  address:     # its web address, https://…
  licence:     # e.g. Open Government Licence v3.0
  released:    # the date of this release, YYYY-MM-DD
";

/// A stand-in source, to check the rest of a written schema.
const CHECK_SOURCE: &str = "source:
  publisher: p
  title: t
  address: https://example.org/
  licence: l
  released: 2000-01-01
";

/// The schema of table `name` with `columns`, commented for the analyst.
fn schema_text(name: &str, columns: &[Column]) -> String {
    let mut out = format!(
        "# The schema of data/{name}.csv: where it comes from and what each column\n\
         # holds. brief init read the types from the file: check them, and give a\n\
         # number column a unit and a label for readers where it needs them.\n\
         title: {}\n{SOURCE_TO_FILL}columns:\n",
        yaml_text(&readable(name))
    );
    for c in columns {
        let kind = match c.kind {
            ColumnType::Date => "date",
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
            ColumnType::Text => "text",
        };
        out.push_str(&format!(
            "  - name: {}\n    type: {kind}\n",
            yaml_text(&c.name)
        ));
        if c.optional {
            out.push_str("    optional: true   # some cells are empty\n");
        }
        let year = table::is_year_column(c.kind, &c.name);
        if matches!(c.kind, ColumnType::Integer | ColumnType::Decimal) && !year {
            out.push_str(
                "    # unit: …           # what the numbers count or measure: people, ppm, %\n",
            );
            out.push_str(&format!(
                "    # label: {}  # its name for readers\n",
                readable(&c.name)
            ));
        }
    }
    if let Some(key) = key_of(columns) {
        out.push_str(&format!("key: {key}\n"));
    }
    out
}

/// The key to write, when the default (the first date column) would not
/// identify a row: in a table of several series in long form (a row per
/// date, or year, and source), the date or year and the first text column.
fn key_of(columns: &[Column]) -> Option<String> {
    let date = columns
        .iter()
        .find(|c| c.kind == ColumnType::Date)
        .or_else(|| {
            columns
                .iter()
                .find(|c| table::is_year_column(c.kind, &c.name))
        })?;
    if date.unique {
        return None;
    }
    let series = columns.iter().find(|c| c.kind == ColumnType::Text)?;
    Some(format!(
        "[{}, {}]",
        yaml_text(&date.name),
        yaml_text(&series.name)
    ))
}

/// `text` as a YAML scalar: as it is when plain, else quoted.
fn yaml_text(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '(' | ')' | '.'))
        && text.chars().next().is_some_and(char::is_alphabetic)
        && !text.ends_with(' ');
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

/// A table's or folder's name as words: `iowa-electricity` is "Iowa
/// electricity" (in a file's name a hyphen separates words, as `_` does).
fn readable(name: &str) -> String {
    crate::text::readable_name(&name.replace('-', " "))
}

/// The new project's settings, titled after its folder.
fn site_yaml(dir: &Path) -> String {
    let folder = std::path::absolute(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let title = match readable(&folder) {
        t if t.is_empty() => "Briefs".to_string(),
        t => t,
    };
    format!(
        "# The site's own settings: say what it is and who publishes it.\n\
         # Briefs go in briefs/ (start one with `brief new NAME`), tables in data/.\n\
         title: {}\n\
         description: What these briefs are about, in one sentence.\n\
         publisher: Your organisation\n\
         language: en-GB\n\
         # base_url: https://example.org/briefs/   # where the site will be published\n",
        yaml_text(&title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_is_typed_by_what_all_its_cells_hold() {
        let cols = infer_columns(
            Path::new("t.csv"),
            "year,source,net generation,share,note\n2001-01-01,Coal,35361,1.5,\n2001-01-01,Wind,1437,-2,x\n",
        )
        .unwrap();
        let kinds: Vec<ColumnType> = cols.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ColumnType::Date,
                ColumnType::Text,
                ColumnType::Integer,
                ColumnType::Decimal,
                ColumnType::Text
            ]
        );
        assert!(cols[4].optional && !cols[2].optional);
        assert!(!cols[0].unique && cols[1].unique);
        // Counts written with separators are not numbers to the loader.
        assert_eq!(kind_of(&["1,000", "2,500"]), ColumnType::Text);
        assert_eq!(kind_of(&["2023-02-30"]), ColumnType::Text);
        assert_eq!(kind_of(&[]), ColumnType::Text);
    }

    #[test]
    fn a_spreadsheet_s_byte_order_mark_is_not_part_of_the_first_name() {
        let cols = infer_columns(Path::new("t.csv"), "\u{feff}month,n\n2020-01-01,3\n").unwrap();
        assert_eq!(cols[0].name, "month");
        assert_eq!(cols[0].kind, ColumnType::Date);
    }

    #[test]
    fn a_long_form_table_gets_a_key_of_its_date_and_series() {
        let cols = infer_columns(
            Path::new("t.csv"),
            "year,source,n\n2001-01-01,Coal,1\n2001-01-01,Wind,2\n",
        )
        .unwrap();
        assert_eq!(key_of(&cols).as_deref(), Some("[year, source]"));
        let text = schema_text("power", &cols);
        assert!(text.contains("key: [year, source]\n"), "{text}");
        assert!(text.contains("  publisher:   # who publishes it"), "{text}");
    }

    #[test]
    fn names_are_written_plain_or_quoted() {
        assert_eq!(yaml_text("net generation"), "net generation");
        assert_eq!(yaml_text("CO2: ppm"), "\"CO2: ppm\"");
        assert_eq!(yaml_text("#1"), "\"#1\"");
        assert_eq!(readable("iowa-electricity"), "Iowa electricity");
    }
}
