//! The Home Office small-boats time series (`.ods`), read as published:
//! table SB_01 (daily) and SB_02 (weekly, week ending Sunday), `-` for "not
//! recorded", dates as date cells or `dd/mm/yyyy` text.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, open_workbook_from_rs};
use jiff::civil::Date;

use crate::data::DailyArrivals;
use crate::data::crossings::SourceBlock;
use crate::error::{Error, Result};

/// Publisher of the release.
pub const PUBLISHER: &str = "Home Office";
/// Title of the release, as on its cover sheet.
pub const TITLE: &str = "Migrants detected crossing the English Channel in small boats";
/// Where the release is published.
pub const ADDRESS: &str = "https://www.gov.uk/government/publications/migrants-detected-crossing-the-english-channel-in-small-boats";
/// The release's licence.
pub const LICENCE: &str = "Open Government Licence v3.0";
/// Largest release file accepted; the real one is under 100 KB.
pub const MAX_RELEASE_BYTES: usize = 20 * 1024 * 1024;
/// Most bytes a release may unpack to, all its parts together; the real
/// one unpacks to a few megabytes.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// Most times a part (over a megabyte) may unpack beyond its packed size:
/// spreadsheet XML packs perhaps 20 to 1; deflate's own limit is about 1,030.
pub const MAX_PACKING_RATIO: u64 = 500;
/// Most cells the tables of a release may spread over, counting repeated
/// rows and columns as calamine fills them in; the real release has a few
/// tens of thousands. Calamine allows 100 million, many gigabytes, to a
/// file of a few hundred bytes that repeats one cell.
pub const MAX_RELEASE_CELLS: u64 = 2_000_000;

/// What a release holds that `brief` keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// The source block for `data/crossings.yaml`.
    pub source: SourceBlock,
    /// Every day of table SB_01.
    pub days: Vec<DailyArrivals>,
}

/// Reads a release from its bytes. `file` names it in errors; the release
/// date is `released` when given, else the document's creation date (the
/// Home Office builds the file on the morning it publishes it).
pub fn read_release(file: &Path, bytes: &[u8], released: Option<Date>) -> Result<Release> {
    let expected = "expected the Home Office small-boats time series as published (.ods with tables SB_01 and SB_02)";
    if bytes.len() > MAX_RELEASE_BYTES {
        return Err(
            Error::in_file(file, format!("the file is {} bytes long", bytes.len())).help(format!(
                "{expected}; releases are well under {MAX_RELEASE_BYTES} bytes"
            )),
        );
    }
    if let Some(what) = not_a_spreadsheet(bytes) {
        return Err(Error::in_file(file, format!("this is {what}, not the .ods release")).help(
            format!("{expected}; on the publication's page, download the time series in its OpenDocument (.ods) format"),
        ));
    }
    check_unpacked_sizes(file, bytes, expected)?;
    let mut book: Ods<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::OdsError| {
            let why = e.to_string();
            let why = if why.contains("EOCD") || why.contains("InvalidArchive") {
                "it is damaged or cut short: not a whole zip archive, as an .ods file is"
                    .to_string()
            } else {
                why
            };
            Error::in_file(
                file,
                format!("this is not an OpenDocument spreadsheet ({why})"),
            )
            .help(expected)
        })?;
    let sheet = |book: &mut Ods<_>, name: &str| {
        book.worksheet_range(name).map_err(|_| {
            let found = book.sheet_names().join(", ");
            Error::in_file(
                file,
                format!("there is no table {name}; the sheets are: {found}"),
            )
            .help(expected)
        })
    };
    let daily = sheet(&mut book, "SB_01")?;
    let weekly = sheet(&mut book, "SB_02")?;
    let days = read_daily(file, &daily)?;
    check_weekly(file, &weekly, &days)?;
    let last = days.last().map(|d| d.date);
    let released = match released {
        Some(date) => {
            if let Some(last) = last.filter(|&last| date < last) {
                return Err(Error::in_file(
                    file,
                    format!("--release-date {date} is before the release's last day, {last}"),
                )
                .help("expected the day the release was published, on or after its last day (the Home Office publishes on Fridays the days to Thursday)"));
            }
            date
        }
        None => creation_date(&book).ok_or_else(|| {
            Error::in_file(file, "the file does not say when it was made")
                .help("give the release date: --release-date YYYY-MM-DD")
        })?,
    };
    if let Some(last) = last.filter(|&last| released < last) {
        return Err(Error::in_file(
            file,
            format!("the file says it was made on {released}, before its last day, {last}"),
        )
        .help("give the day it was published: --release-date YYYY-MM-DD"));
    }
    Ok(Release {
        source: SourceBlock {
            publisher: PUBLISHER.into(),
            title: TITLE.into(),
            address: ADDRESS.into(),
            licence: LICENCE.into(),
            released,
        },
        days,
    })
}

/// What the file is, when it is plainly something other than an
/// OpenDocument spreadsheet that people download by mistake: an Excel
/// workbook, a saved web page, a PDF, a CSV or other text, or nothing.
fn not_a_spreadsheet(bytes: &[u8]) -> Option<&'static str> {
    if bytes.is_empty() {
        return Some("an empty file");
    }
    if bytes.starts_with(b"PK") {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let has = |name: &str| {
            archive
                .file_names()
                .any(|n| n.as_deref().is_ok_and(|n| n.starts_with(name)))
        };
        return if has("xl/") {
            Some("an Excel workbook (.xlsx)")
        } else if has("word/") {
            Some("a Word document (.docx)")
        } else if has("mimetype") || has("content.xml") {
            None
        } else {
            Some("a zip archive that holds no spreadsheet")
        };
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some("an old Excel or Word file (.xls or .doc)");
    }
    if bytes.starts_with(b"%PDF") {
        return Some("a PDF document");
    }
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<!doctype html") || start.starts_with("<html") || start.contains("<html")
    {
        return Some("a web page (HTML), perhaps the publication's page saved instead of its file");
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Some("a text file (a CSV, perhaps)");
    }
    None
}

/// Refuses a zip bomb before calamine unpacks it: the sizes each part
/// declares in the zip directory (which the zip reader holds it to) must be
/// modest, in total and against their packed sizes. A file that is not a
/// zip is left for calamine to report.
fn check_unpacked_sizes(file: &Path, bytes: &[u8], expected: &str) -> Result<()> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    check_zip_sizes(file, &mut archive, expected)?;
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = Vec::new();
    // The sizes are checked: this reads at most MAX_UNPACKED_BYTES.
    if std::io::Read::read_to_end(
        &mut std::io::Read::take(content, MAX_UNPACKED_BYTES),
        &mut xml,
    )
    .is_err()
    {
        return Ok(());
    }
    let cells = spread_cells(&xml);
    if cells > MAX_RELEASE_CELLS {
        return Err(Error::in_file(
            file,
            format!("its tables repeat rows and columns over {cells} cells"),
        )
        .help(format!(
            "{expected}; a release spreads over at most {MAX_RELEASE_CELLS} cells"
        )));
    }
    Ok(())
}

/// The sizes the parts of a zip declare, in total and against their packed
/// sizes.
fn check_zip_sizes(
    file: &Path,
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    expected: &str,
) -> Result<()> {
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        total = total.saturating_add(size);
        let ratio = size / packed;
        if total > MAX_UNPACKED_BYTES || (size > 1024 * 1024 && ratio > MAX_PACKING_RATIO) {
            return Err(Error::in_file(
                file,
                format!(
                    "{} would unpack to {size} bytes, {ratio} times its packed size: this looks like a zip bomb",
                    part.name().unwrap_or_default()
                ),
            )
            .help(format!(
                "{expected}; a release unpacks to at most {MAX_UNPACKED_BYTES} bytes"
            )));
        }
    }
    Ok(())
}

/// How many cells calamine would fill in for the tables of `content.xml`,
/// or more: for each table, the rows from its first to its last row with a
/// value (repeats counted) times its widest row up to its last value. Empty
/// cells and rows at the end of a table, which every release has by the
/// million, cost calamine nothing and count nothing here.
fn spread_cells(xml: &[u8]) -> u64 {
    let attr = |tag: &[u8], name: &[u8]| -> u64 {
        tag.windows(name.len())
            .position(|w| w == name)
            .and_then(|i| {
                let rest = &tag[i + name.len()..];
                let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
            })
            .unwrap_or(1)
    };
    let (mut total, mut span, mut pending, mut widest) = (0u64, 0u64, 0u64, 0u64);
    let (mut row_repeats, mut column, mut width) = (1u64, 0u64, 0u64);
    let mut rest = xml;
    while let Some(start) = rest.iter().position(|&b| b == b'<') {
        rest = &rest[start + 1..];
        let end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name_len = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(tag.len());
        match &tag[..name_len] {
            b"table:table" => (span, pending, widest) = (0, 0, 0),
            b"table:table-row" => {
                row_repeats = attr(tag, b"table:number-rows-repeated=\"");
                (column, width) = (0, 0);
                // An empty row written `<table:table-row …/>` ends here.
                if tag.ends_with(b"/") && span > 0 {
                    pending = pending.saturating_add(row_repeats);
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                column = column.saturating_add(attr(tag, b"table:number-columns-repeated=\""));
                let typed = tag.windows(17).any(|w| w == b"office:value-type");
                let inner = if tag.ends_with(b"/") {
                    &[][..]
                } else {
                    let after = &rest[end.min(rest.len())..];
                    let close = after
                        .windows(18)
                        .position(|w| w == b"</table:table-cell")
                        .unwrap_or(after.len());
                    &after[..close]
                };
                let has_text = inner.windows(6).any(|w| w == b"<text:");
                if typed || has_text {
                    width = column;
                }
            }
            b"" if tag.starts_with(b"/table:table-row") => {
                if width > 0 {
                    span = span.saturating_add(pending).saturating_add(row_repeats);
                    pending = 0;
                    widest = widest.max(width);
                } else if span > 0 {
                    pending = pending.saturating_add(row_repeats);
                }
            }
            b"" if tag.starts_with(b"/table:table") && !tag.starts_with(b"/table:table-") => {
                total = total.saturating_add(span.saturating_mul(widest));
                (span, pending, widest) = (0, 0, 0);
            }
            _ => {}
        }
        rest = &rest[end.min(rest.len())..];
    }
    total.saturating_add(span.saturating_mul(widest))
}

/// The `meta:creation-date` of the document, as a date.
fn creation_date<R: std::io::Read + std::io::Seek>(book: &Ods<R>) -> Option<Date> {
    let created = book.workbook_properties().ok()?.created?;
    created.get(..10)?.parse().ok()
}

/// Column positions found from a table's header row.
struct Columns {
    header_row: usize,
    date: usize,
    people: usize,
    boats: usize,
}

/// Finds the header row (first cell `Date` or `Week ending`) and the people
/// and boats columns by their headings, so a column added by the Home Office
/// does not shift what is read.
fn find_columns(file: &Path, table: &str, range: &Range<Data>, first: &str) -> Result<Columns> {
    let heading = |cell: &Data| cell.to_string().trim().to_lowercase();
    for (r, row) in range.rows().enumerate().take(20) {
        if row.first().map(heading).as_deref() != Some(first) {
            continue;
        }
        let find = |name: &str| row.iter().position(|c| heading(c) == name);
        let (Some(people), Some(boats)) = (find("migrants arrived"), find("boats arrived")) else {
            break;
        };
        return Ok(Columns {
            header_row: r,
            date: 0,
            people,
            boats,
        });
    }
    Err(Error::in_file(
        file,
        format!(
            "table {table} has no header row with “{first}”, “Migrants arrived” and “Boats arrived”"
        ),
    )
    .help("expected the Home Office small-boats time series as published"))
}

/// Where a cell is, as a spreadsheet user would say it: `SB_01!B12`.
fn cell_name(table: &str, range: &Range<Data>, row: usize, col: usize) -> String {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let (row, col) = (r0 as usize + row + 1, c0 as usize + col);
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{table}!{letters}{row}")
}

/// A date cell: a spreadsheet date, an ISO date-time, or `dd/mm/yyyy` text.
fn cell_date(cell: &Data) -> Option<Date> {
    match cell {
        Data::DateTimeIso(s) => s.get(..10)?.parse().ok(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Date::new(y as i16, m as i8, d as i8).ok()
        }
        Data::String(s) => {
            let mut parts = s.trim().split('/');
            let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
        }
        _ => None,
    }
}

/// A count cell: a whole non-negative number. `-` ("not recorded") is an
/// error for people and boats, which every day of SB_01 records.
fn cell_count(cell: &Data) -> std::result::Result<u64, String> {
    let whole = |f: f64| {
        if f >= 0.0 && f.fract() == 0.0 && f < 1e15 {
            Ok(f as u64)
        } else {
            Err(format!("{f}"))
        }
    };
    match cell {
        Data::Int(i) => u64::try_from(*i).map_err(|_| i.to_string()),
        Data::Float(f) => whole(*f),
        Data::String(s) => match s.trim().replace(',', "").parse::<f64>() {
            Ok(f) => whole(f),
            Err(_) => Err(format!("“{}”", s.trim())),
        },
        Data::Empty => Err("an empty cell".into()),
        other => Err(format!("“{other}”")),
    }
}

/// Reads SB_01: one row per day, until the first row without a date.
fn read_daily(file: &Path, range: &Range<Data>) -> Result<Vec<DailyArrivals>> {
    let cols = find_columns(file, "SB_01", range, "date")?;
    let mut days: Vec<DailyArrivals> = Vec::new();
    for (i, row) in range.rows().enumerate().skip(cols.header_row + 1) {
        let date_cell = row.get(cols.date).unwrap_or(&Data::Empty);
        if matches!(date_cell, Data::Empty) || date_cell.to_string().trim().is_empty() {
            break;
        }
        let here = |col| cell_name("SB_01", range, i, col);
        let date = cell_date(date_cell).ok_or_else(|| {
            Error::in_file(
                file,
                format!("{}: “{date_cell}” is not a date", here(cols.date)),
            )
            .help("expected a date as dd/mm/yyyy")
        })?;
        let count = |col: usize, what: &str| {
            cell_count(row.get(col).unwrap_or(&Data::Empty)).map_err(|found| {
                Error::in_file(file, format!("{}: {what} on {date} is {found}", here(col)))
                    .help(format!("expected a whole number of {what}, 0 or more"))
            })
        };
        let people = count(cols.people, "people")?;
        let boats = count(cols.boats, "boats")?;
        if boats > people {
            return Err(Error::in_file(
                file,
                format!("{}: {date} has {boats} boats but only {people} people", here(cols.boats)),
            )
            .help("expected boats ≤ people: every boat carries at least one person; is the file damaged or edited?"));
        }
        if let Some(prev) = days.last()
            && prev.date.tomorrow().ok() != Some(date)
        {
            return Err(Error::in_file(
                file,
                format!("{}: {date} follows {}", here(cols.date), prev.date),
            )
            .help("expected one row per day, in date order, with no gaps"));
        }
        days.push(DailyArrivals {
            date,
            people,
            boats,
        });
    }
    if days.is_empty() {
        return Err(Error::in_file(file, "table SB_01 has no days")
            .help("expected one row per day under the header"));
    }
    Ok(days)
}

/// Checks SB_02 against SB_01: every full week in both must have the same
/// people and boats. A release that contradicts itself is not imported.
fn check_weekly(file: &Path, range: &Range<Data>, days: &[DailyArrivals]) -> Result<()> {
    let cols = find_columns(file, "SB_02", range, "week ending")?;
    let by_date: BTreeMap<Date, &DailyArrivals> = days.iter().map(|d| (d.date, d)).collect();
    for (i, row) in range.rows().enumerate().skip(cols.header_row + 1) {
        let Some(week_end) = row.get(cols.date).and_then(cell_date) else {
            break;
        };
        let (Ok(people), Ok(boats)) = (
            cell_count(row.get(cols.people).unwrap_or(&Data::Empty)),
            cell_count(row.get(cols.boats).unwrap_or(&Data::Empty)),
        ) else {
            continue;
        };
        let week: Vec<&DailyArrivals> = (0..7)
            .filter_map(|back| {
                let day = week_end.checked_sub(jiff::Span::new().days(back)).ok()?;
                by_date.get(&day).copied()
            })
            .collect();
        if week.len() < 7 {
            continue;
        }
        let daily_people: u64 = week.iter().map(|d| d.people).sum();
        let daily_boats: u64 = week.iter().map(|d| d.boats).sum();
        if (daily_people, daily_boats) != (people, boats) {
            return Err(Error::in_file(
                file,
                format!(
                    "{}: the week ending {week_end} has {people} people and {boats} boats, but SB_01's days add up to {daily_people} and {daily_boats}",
                    cell_name("SB_02", range, i, cols.people)
                ),
            )
            .help("expected SB_02 to be the weekly sums of SB_01; is the file damaged or edited?"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &str) -> Vec<u8> {
        format!("<office:spreadsheet><table:table table:name=\"SB_01\"><table:table-column table:number-columns-repeated=\"5\"/>{rows}</table:table></office:spreadsheet>").into_bytes()
    }

    const VALUE: &str = "<table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell>";

    #[test]
    fn trailing_empty_rows_and_columns_cost_nothing() {
        let row = format!(
            "<table:table-row>{VALUE}{VALUE}<table:table-cell table:number-columns-repeated=\"16382\"/></table:table-row>"
        );
        let xml = table(&format!(
            "{}<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>",
            row.repeat(3)
        ));
        assert_eq!(spread_cells(&xml), 3 * 2);
    }

    #[test]
    fn repeated_values_and_empty_rows_between_them_count() {
        // A few hundred bytes that calamine would fill in with 96 million cells.
        let bomb = table(
            "<table:table-row table:number-rows-repeated=\"6000\"><table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"16000\"/></table:table-row>",
        );
        assert_eq!(spread_cells(&bomb), 96_000_000);
        let gap = table(&format!(
            "<table:table-row>{VALUE}</table:table-row><table:table-row table:number-rows-repeated=\"1000000\"/><table:table-row>{VALUE}</table:table-row>"
        ));
        assert_eq!(spread_cells(&gap), 1_000_002);
        let text = table(
            "<table:table-row><table:table-cell table:number-columns-repeated=\"9\"><text:p>x</text:p></table:table-cell></table:table-row>",
        );
        assert_eq!(spread_cells(&text), 9);
    }
}
