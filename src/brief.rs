//! A brief: YAML front matter between `---` lines, then a Markdown body that
//! is first rendered as a Tera template.

use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::project::SourceFile;

/// The front matter every brief carries.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The headline.
    pub title: String,
    /// One or two sentences: the finding.
    pub summary: String,
    /// The date the brief was written or last revised.
    pub date: Date,
    /// Who wrote it: a team or organisation.
    pub authors: Vec<String>,
    /// Topics, for readers and feeds.
    #[serde(default)]
    pub tags: Vec<String>,
    /// A draft is left out of the site unless the build asks for drafts.
    #[serde(default)]
    pub draft: bool,
}

/// A brief split into its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    /// The file name without `.md`: the page's address.
    pub slug: String,
    /// The file, relative to the project root.
    pub path: std::path::PathBuf,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// The body: a Tera template of Markdown.
    pub body: String,
    /// Lines before the body in the file, to report body errors at file lines.
    pub body_offset: usize,
    /// When its figures were last worked out from a release later than its
    /// date; set by the build, none as parsed.
    pub updated: Option<Date>,
    /// The tables of `data/` it reads (`data.<name>`), by name; set by the
    /// build, empty as parsed.
    pub tables: Vec<String>,
}

/// Checks that a slug is a plain name: lowercase letters, digits and single
/// hyphens, so that it can only ever name a folder inside the output.
pub fn check_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The starter a new brief begins from, in a project with the crossings.
const STARTER: &str = include_str!("starter.md");

/// The starter in a project of its own tables: a figure and a line chart
/// of its first table with a date column and a number column.
const TABLE_STARTER: &str = include_str!("starter_table.md");

/// The starter for a table by year (a whole-number column named `year`)
/// without dates: the latest year's figure and bars by year.
const YEARS_STARTER: &str = include_str!("starter_years.md");

/// The starter for a table with neither dates nor years: its count of rows.
const ROWS_STARTER: &str = include_str!("starter_rows.md");

/// The starter for the project at `root`, with the values its placeholders
/// take: the crossings' when it has `data/crossings.yaml`; else one of its
/// first dated table (its name, date column, number column and how to
/// print it), else of its first table by year, else one counting the rows
/// of its first table; else the crossings' (whose figures then tell what
/// is missing when it is built).
fn starter_for(root: &Path) -> (&'static str, Vec<(&'static str, String)>) {
    let Some(project) = (!root.join("data/crossings.yaml").exists())
        .then(|| crate::project::Project::load(root).ok())
        .flatten()
    else {
        return (STARTER, Vec::new());
    };
    let mut schemas: Vec<(String, crate::data::table::Schema)> = project
        .data
        .iter()
        .filter_map(|f| {
            let name = crate::project::slash_path(&f.path)
                .strip_prefix("data/")?
                .strip_suffix(crate::data::table::SCHEMA_SUFFIX)?
                .to_string();
            Some((
                name,
                crate::data::table::parse_schema(&f.path, &f.text).ok()?,
            ))
        })
        .collect();
    schemas.extend(project.config.tables.clone());
    use crate::data::table::ColumnType;
    // A dated table first, else one by year.
    let dated = |schema: &crate::data::table::Schema| {
        let when = schema.columns.iter().find(|c| c.kind == ColumnType::Date)?;
        let value = schema
            .columns
            .iter()
            .find(|c| matches!(c.kind, ColumnType::Integer | ColumnType::Decimal))?;
        Some((TABLE_STARTER, when.clone(), value.clone()))
    };
    let by_year = |schema: &crate::data::table::Schema| {
        let when = schema
            .columns
            .iter()
            .find(|c| crate::data::table::is_year_column(c.kind, &c.name))?;
        let value = schema.columns.iter().find(|c| {
            matches!(c.kind, ColumnType::Integer | ColumnType::Decimal) && c.name != when.name
        })?;
        Some((YEARS_STARTER, when.clone(), value.clone()))
    };
    let found = schemas
        .iter()
        .find_map(|(name, schema)| dated(schema).map(|f| (name, schema, f)))
        .or_else(|| {
            schemas
                .iter()
                .find_map(|(name, schema)| by_year(schema).map(|f| (name, schema, f)))
        });
    if let Some((name, schema, (starter, when, value))) = found {
        let name = name.clone();
        let label =
            (value.label.clone()).unwrap_or_else(|| crate::text::readable_name(&value.name));
        let format = match value.kind {
            ColumnType::Integer => "thousands",
            _ => "thousands(decimals=1)",
        };
        // A name such as `iowa-electricity` is not a Tera identifier.
        let Some(mut rows) = table_rows(&name) else {
            return (STARTER, Vec::new());
        };
        // A table of several series in long form (a row per date and
        // region) starts from its first row's series, one line a chart.
        // The series is named in the prose only when it is plain words:
        // the starter's text is Markdown, and a value from the data must
        // not become markup.
        let mut picked = String::new();
        if let Some((column, first)) = first_series(&project, &name, schema)
            && let (Some(c), Some(v)) = (tera_string(&column), tera_string(&first))
        {
            rows.push_str(&format!(" | filter_rows(column={c}, equals={v})"));
            if first
                .chars()
                .all(|ch| ch.is_alphanumeric() || " .,'’()-&/".contains(ch))
            {
                picked = format!(" for {first}");
            }
        }
        return (
            starter,
            vec![
                ("TABLE_TITLE", schema.title.clone().unwrap_or(name.clone())),
                ("TABLE_ROWS", rows),
                ("PICKED", picked),
                ("WHEN", when.name.clone()),
                ("VALUE", value.name.clone()),
                ("LABEL", crate::text::in_sentence(&label)),
                ("FORMAT", format.to_string()),
                // Quoted: a publisher's name may hold a comma.
                ("PUBLISHER", json_string(&project.config.publisher)),
            ],
        );
    }
    // A table with neither dates nor years: a starter that counts its rows,
    // rather than the crossings', which this project cannot build.
    if let Some((name, schema)) = schemas.first()
        && let Some(rows) = table_rows(name)
    {
        return (
            ROWS_STARTER,
            vec![
                ("TABLE_TITLE", schema.title.clone().unwrap_or(name.clone())),
                ("TABLE_ROWS", rows),
                ("PUBLISHER", json_string(&project.config.publisher)),
            ],
        );
    }
    (STARTER, Vec::new())
}

/// `data.<name>` as a template reads it: in brackets when the name is not
/// an identifier (`data["iowa-electricity"]`); none when it cannot be
/// quoted.
fn table_rows(name: &str) -> Option<String> {
    if is_identifier(name) {
        Some(format!("data.{name}"))
    } else {
        tera_string(name).map(|quoted| format!("data[{quoted}]"))
    }
}

/// Whether `name` can follow `data.` in a template.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `text` as a quoted string, for YAML.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// `text` as a Tera string literal, in the first of Tera's three quotes it
/// does not hold (Tera's strings have no escapes); none when it holds all
/// three or a line break.
fn tera_string(text: &str) -> Option<String> {
    if text.contains('\n') {
        return None;
    }
    ['"', '\'', '`']
        .into_iter()
        .find(|q| !text.contains(*q))
        .map(|q| format!("{q}{text}{q}"))
}

/// For a table whose key pairs its date with a text column (a row per
/// date and source), that column and its value in the first row.
fn first_series(
    project: &crate::project::Project,
    name: &str,
    schema: &crate::data::table::Schema,
) -> Option<(String, String)> {
    use crate::data::table::{Cell, ColumnType};
    let key = crate::data::table::key_columns(schema);
    let (i, column) = schema
        .columns
        .iter()
        .enumerate()
        .find(|(_, c)| c.kind == ColumnType::Text && key.contains(&c.name))?;
    let file = project
        .tables
        .iter()
        .find(|f| crate::data::table::table_name(&f.path) == Some(name))?;
    let table = crate::data::table::parse_table(name, &file.path, &file.text, schema).ok()?;
    match table.rows.first().map(|r| &r[i]) {
        Some(Cell::Text(first)) => Some((column.name.clone(), first.clone())),
        _ => None,
    }
}

/// The starter `template` with each placeholder replaced, in one pass, so
/// that a value holding a placeholder's word (a title with "DATE" in it)
/// is left as it is.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    'scan: while !rest.is_empty() {
        for (placeholder, value) in values {
            if let Some(after) = rest.strip_prefix(placeholder) {
                out.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Writes `briefs/SLUG.md` from the starter, dated today (or
/// `SOURCE_DATE_EPOCH`), as a draft. Refuses a slug that is not a plain name
/// and a file that already exists.
pub fn create_brief(root: &Path, slug: &str) -> Result<std::path::PathBuf> {
    // `brief new notes.md` means the brief `notes`, as a file name would.
    let slug = slug.strip_suffix(".md").unwrap_or(slug);
    let rel = Path::new("briefs").join(format!("{slug}.md"));
    if !check_slug(slug) {
        return Err(Error::in_file(&rel, format!("“{slug}” is not a usable brief name"))
            .help("expected lowercase letters, digits and single hyphens, e.g. `weekly-update`; the name becomes the page's address"));
    }
    // A brief belongs to a project: nothing is written into a folder that
    // is not one.
    if !root.join("site.yaml").is_file() {
        return Err(crate::project::no_site_yaml(root));
    }
    let dir = root.join("briefs");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("briefs", "create the folder", &e))?;
    let title = slug
        .split('-')
        .enumerate()
        .map(|(i, w)| {
            let mut c = w.chars();
            match (i, c.next()) {
                (0, Some(f)) => f.to_uppercase().chain(c).collect(),
                _ => w.to_string(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ");
    let (starter, mut values) = starter_for(root);
    // Longest first: TABLE_TITLE before TITLE.
    values.push(("TITLE", title));
    values.push(("DATE", authoring_date().to_string()));
    let text = fill(starter, &values);
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(root.join(&rel))
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::in_file(&rel, "this brief already exists")
                    .help("choose another name, or edit the existing brief")
            } else {
                Error::io(&rel, "create", &e)
            }
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(&rel, "write", &e))?;
    Ok(rel)
}

/// Today's date for a new brief's front matter: `SOURCE_DATE_EPOCH` when
/// set (reproducible scripts and tests), else the local date.
fn authoring_date() -> Date {
    let from_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    from_epoch.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// Splits and parses a brief file.
pub fn parse_brief(file: &SourceFile) -> Result<Brief> {
    let path = &file.path;
    let slug = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    if !check_slug(&slug) {
        return Err(Error::in_file(path, format!("“{slug}” is not a usable page name"))
            .help("expected a file name of lowercase letters, digits and hyphens, e.g. briefs/record-crossings.md"));
    }
    let (front_text, body, body_offset) = split_front_matter(path, &file.text)?;
    let front: FrontMatter = crate::yaml::parse(path, front_text, 1)?;
    for (field, value) in [("title", &front.title), ("summary", &front.summary)] {
        if value.trim().is_empty() {
            let line = file
                .text
                .lines()
                .position(|l| l.starts_with(&format!("{field}:")));
            return Err(Error::in_file(path, format!("`{field}` is empty"))
                .at(line.map_or(2, |l| l + 1), 1, Some(&file.text))
                .help(format!("expected the brief's {field}: readers see it on the index, the page and the feed")));
        }
    }
    if front.authors.is_empty() {
        return Err(Error::in_file(path, "`authors` is empty")
            .at(2, 1, Some(&file.text))
            .help("expected the team or organisation that wrote the brief"));
    }
    Ok(Brief {
        slug,
        path: path.clone(),
        front,
        body: body.to_string(),
        body_offset,
        updated: None,
        tables: Vec::new(),
    })
}

/// Returns (front matter, body, lines before the body).
fn split_front_matter<'a>(path: &Path, text: &'a str) -> Result<(&'a str, &'a str, usize)> {
    let expected = "expected the brief to start with front matter between two `---` lines (title, summary, date, authors)";
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Err(Error::in_file(path, "the brief has no front matter")
            .at(1, 1, Some(text))
            .help(expected));
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((front, body, i + 2));
        }
        offset += line.len();
    }
    Err(Error::in_file(path, "the front matter is never closed")
        .at(1, 1, Some(text))
        .help("expected a second `---` line after the front matter"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(name: &str, text: &str) -> Result<Brief> {
        parse_brief(&SourceFile {
            path: format!("briefs/{name}.md").into(),
            text: text.to_string(),
        })
    }

    const GOOD: &str = "---\ntitle: T\nsummary: S\ndate: 2026-08-21\nauthors: [Migration desk]\n---\nBody {{ x }}\n";

    #[test]
    fn front_matter_and_body_are_split() {
        let b = brief("record-crossings", GOOD).unwrap();
        assert_eq!(b.front.title, "T");
        assert!(!b.front.draft);
        assert_eq!(b.body, "Body {{ x }}\n");
        assert_eq!(b.body_offset, 6);
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_named() {
        let e = brief("a", "# Title\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.to_string().contains("no front matter"));
        let e = brief("a", "---\ntitle: T\n").unwrap_err();
        assert!(e.to_string().contains("never closed"));
    }

    #[test]
    fn a_wrong_type_in_front_matter_names_its_line() {
        let e = brief("a", &GOOD.replace("date: 2026-08-21", "date: soon")).unwrap_err();
        assert_eq!(e.file.as_deref(), Some(Path::new("briefs/a.md")));
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn a_starter_is_filled_in_one_pass() {
        let values = [
            ("TABLE_TITLE", "DATE of VALUE".to_string()),
            ("VALUE", "people".to_string()),
            ("TITLE", "A brief".to_string()),
            ("DATE", "2026-12-04".to_string()),
        ];
        assert_eq!(
            fill("TITLE, DATE: “TABLE_TITLE”, VALUE.", &values),
            "A brief, 2026-12-04: “DATE of VALUE”, people."
        );
        assert_eq!(
            tera_string("Fossil Fuels").as_deref(),
            Some("\"Fossil Fuels\"")
        );
        assert_eq!(
            tera_string("the \"big\" one").as_deref(),
            Some("'the \"big\" one'")
        );
        assert_eq!(tera_string("a\"b'c`d"), None);
        assert!(is_identifier("co2") && is_identifier("_x1"));
        assert!(!is_identifier("iowa-electricity") && !is_identifier("2020s"));
    }

    #[test]
    fn a_new_brief_is_a_draft_that_parses_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        // Not a project yet: nothing is written.
        assert!(create_brief(dir.path(), "weekly-update").is_err());
        assert!(!dir.path().join("briefs").exists());
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\ndescription: D\npublisher: P\n",
        )
        .unwrap();
        let rel = create_brief(dir.path(), "weekly-update").unwrap();
        assert_eq!(rel, Path::new("briefs/weekly-update.md"));
        let text = std::fs::read_to_string(dir.path().join(&rel)).unwrap();
        let b = brief("weekly-update", &text).unwrap();
        assert_eq!(b.front.title, "Weekly update");
        assert!(b.front.draft);
        assert!(b.body.contains("{{ chart(name=\"cumulative\""));
        std::fs::write(dir.path().join(&rel), "mine").unwrap();
        let e = create_brief(dir.path(), "weekly-update").unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&rel)).unwrap(),
            "mine"
        );
        for bad in ["../escape", "Bad", "a/b", ""] {
            assert!(create_brief(dir.path(), bad).is_err(), "{bad}");
        }
        assert!(!dir.path().join("escape.md").exists());
    }

    #[test]
    fn slugs_are_plain_names() {
        assert!(check_slug("record-crossings-2026"));
        for bad in ["", "Upper", "a b", "..", "a/b", "-a", "a--b", "é"] {
            assert!(!check_slug(bad), "{bad}");
        }
        assert!(brief("Bad Name", GOOD).is_err());
    }
}
