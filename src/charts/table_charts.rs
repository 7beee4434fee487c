//! Charts of an analyst's own tables (`chart(name="bars", data=…, x=…,
//! y=…)`), drawn by the same chart kinds as the crossings' and placed the
//! same way: both widths, a title stating the finding, a subtitle with the
//! measure and unit, a description written from the data, the data as a
//! table and a CSV.

use super::category_bars::{CategoryBars, MAX_CATEGORIES};
use super::cumulative::Measure;
use super::labels::SourceLine;
use super::line::Lines;
use super::set::{ChartSet, Placing, TableRef};
use super::{AnnualBars, ChartInput, ChartRequest, Cumulative, PlacedChart, YearLine};
use crate::data::table::{Cell, ColumnSpec, ColumnType, Table};
use crate::text::{fmt_num, long_date, readable_name as readable};

impl ChartSet {
    /// Bars of a table's `y` column, one per value of its `x` column of
    /// years.
    pub(super) fn table_bars(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        let (data, x, ys) = table_columns(request, "bars")?;
        let [y] = ys else {
            return Err(format!(
                "chart “bars” draws one column; `y` names {}: draw the others in charts of their own, or use chart “line”",
                ys.len()
            ));
        };
        let y = y.as_str();
        let table = &data.table;
        let (xi, yi) = (table.column_or_why(x)?, table.column_or_why(y)?);
        let y_spec = &table.schema.columns[yi];
        if !matches!(y_spec.kind, ColumnType::Integer | ColumnType::Decimal) {
            return Err(format!(
                "chart “bars” draws numbers: column `{y}` holds {}",
                kind_name(y_spec.kind)
            ));
        }
        match table.schema.columns[xi].kind {
            ColumnType::Integer => {}
            ColumnType::Text => return self.category_bars(request, stem, (data, xi, yi)),
            other => {
                return Err(format!(
                    "chart “bars” draws a bar for each year or each category: column `{x}` must hold years (integer) or names (text), and it holds {}",
                    kind_name(other)
                ));
            }
        }
        one_row_each(table, xi, "bars", "year")?;
        let mut bars = Vec::new();
        for row in &table.rows {
            let (Cell::Integer(year), value) = (&row[xi], &row[yi]) else {
                continue;
            };
            let value = match value {
                Cell::Integer(n) => *n as f64,
                Cell::Decimal(v) => *v,
                _ => continue,
            };
            let year = i16::try_from(*year)
                .map_err(|_| format!("{year} in column `{x}` is not a year"))?;
            bars.push((year, value));
        }
        let Measured {
            label,
            unit,
            decimals,
        } = Measured::of(y_spec);
        let finding = match bars
            .iter()
            .copied()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        {
            Some((year, value)) => {
                format!("{label} peaked at {} in {year}", fmt_num(value, decimals))
            }
            None => label.clone(),
        };
        let span = match (
            bars.iter().map(|b| b.0).min(),
            bars.iter().map(|b| b.0).max(),
        ) {
            (Some(a), Some(b)) if a != b => format!(", {a}–{b}"),
            (Some(a), _) => format!(", {a}"),
            _ => String::new(),
        };
        let subtitle = format!("{label}{unit}, by year{span}");
        let key = table_key("bars", data, x, ys);
        let name = super::set::drawing_name(&key, None);
        let source = source_line(table);
        let input = || AnnualBars {
            name: name.clone(),
            title: finding.clone(),
            subtitle: subtitle.clone(),
            source: source.clone(),
            value_label: format!("{label}{unit}"),
            bars: bars.clone(),
            decimals,
        };
        let placing = Placing::of_table(
            request,
            stem,
            key,
            (finding.clone(), subtitle.clone()),
            table,
        );
        Ok(self.place(placing, input, |i| i.data()))
    }

    /// Bars of a table's number column `yi`, one per row, named by its
    /// text column `xi`, in the table's order.
    fn category_bars(
        &self,
        request: &ChartRequest,
        stem: &str,
        (data, xi, yi): (&TableRef, usize, usize),
    ) -> Result<PlacedChart, String> {
        let table = &data.table;
        let (x_spec, y_spec) = (&table.schema.columns[xi], &table.schema.columns[yi]);
        one_row_each(table, xi, "bars", "name")?;
        let bars: Vec<(String, f64)> = table
            .rows
            .iter()
            .filter_map(|row| match (&row[xi], &row[yi]) {
                (Cell::Text(name), Cell::Integer(n)) => Some((name.clone(), *n as f64)),
                (Cell::Text(name), Cell::Decimal(v)) => Some((name.clone(), *v)),
                _ => None,
            })
            .collect();
        if bars.len() > MAX_CATEGORIES {
            return Err(format!(
                "chart “bars” draws at most {MAX_CATEGORIES} categories, and column `{}` has {} with values; keep fewer with filter_rows, or group them",
                x_spec.name,
                bars.len()
            ));
        }
        let Measured {
            label,
            unit,
            decimals,
        } = Measured::of(y_spec);
        let top = bars
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| a.1.total_cmp(&b.1).then(j.cmp(i)))
            .map(|(_, bar)| bar);
        let finding = match top {
            Some((name, value)) => format!(
                "{label} was highest in {name}, at {}",
                fmt_num(*value, decimals)
            ),
            None => label.clone(),
        };
        let category_label = x_spec
            .label
            .clone()
            .unwrap_or_else(|| readable(&x_spec.name));
        let subtitle = format!(
            "{label}{unit}, by {}",
            crate::text::in_sentence(&category_label)
        );
        let key = table_key(
            "bars",
            data,
            &x_spec.name,
            std::slice::from_ref(&y_spec.name),
        );
        let name = super::set::drawing_name(&key, None);
        let source = source_line(table);
        let input = || CategoryBars {
            name: name.clone(),
            title: finding.clone(),
            subtitle: subtitle.clone(),
            source: source.clone(),
            category_label: category_label.clone(),
            value_label: format!("{label}{unit}"),
            bars: bars.clone(),
            decimals,
        };
        let placing = Placing::of_table(
            request,
            stem,
            key,
            (finding.clone(), subtitle.clone()),
            table,
        );
        Ok(self.place(placing, input, |i| i.data()))
    }

    /// Lines of a table's `y` columns over its date column `x`.
    pub(super) fn table_lines(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        let (data, x, ys) = table_columns(request, "line")?;
        let table = &data.table;
        let xi = table.column_or_why(x)?;
        if table.schema.columns[xi].kind != ColumnType::Date {
            return Err(format!(
                "chart “line” draws over time: column `{x}` must hold dates, and it holds {}",
                kind_name(table.schema.columns[xi].kind)
            ));
        }
        one_row_each(table, xi, "line", "date")?;
        let mut series = Vec::new();
        let mut decimals = 0;
        for y in ys {
            let yi = table.column_or_why(y)?;
            let spec = &table.schema.columns[yi];
            if !matches!(spec.kind, ColumnType::Integer | ColumnType::Decimal) {
                return Err(format!(
                    "chart “line” draws numbers: column `{y}` holds {}",
                    kind_name(spec.kind)
                ));
            }
            if spec.kind == ColumnType::Decimal {
                decimals = 1;
            }
            let mut points: Vec<(jiff::civil::Date, f64)> = table
                .rows
                .iter()
                .filter_map(|row| match (&row[xi], &row[yi]) {
                    (Cell::Date(d), Cell::Integer(n)) => Some((*d, *n as f64)),
                    (Cell::Date(d), Cell::Decimal(v)) => Some((*d, *v)),
                    _ => None,
                })
                .collect();
            // A line runs through time, whatever order the file's rows are in.
            points.sort_by_key(|p| p.0);
            series.push((
                spec.label.clone().unwrap_or_else(|| readable(&spec.name)),
                points,
                spec.unit.clone(),
            ));
        }
        let (label, first, unit) = (&series[0].0, &series[0].1, series[0].2.clone());
        let fmt = |v: f64| fmt_num(v, decimals);
        // The unit after each number, unless the label says it already
        // ("People counted rose from 113 in 2019…", "CO₂ rose from 315.7 ppm…").
        let unit_text = unit
            .as_deref()
            .filter(|u| !label.to_lowercase().contains(&u.to_lowercase()))
            .map(|u| format!(" {u}"))
            .unwrap_or_default();
        let finding = match (first.first(), first.last()) {
            (Some(a), Some(b)) if b.1 > a.1 => format!(
                "{label} rose from {}{unit_text} in {} to {}{unit_text} in {}",
                fmt(a.1),
                a.0.year(),
                fmt(b.1),
                b.0.year()
            ),
            (Some(a), Some(b)) if b.1 < a.1 => format!(
                "{label} fell from {}{unit_text} in {} to {}{unit_text} in {}",
                fmt(a.1),
                a.0.year(),
                fmt(b.1),
                b.0.year()
            ),
            _ => label.clone(),
        };
        let dates: Vec<jiff::civil::Date> = series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.0))
            .collect();
        let period = super::line::Period::of(&dates);
        let span = match (dates.iter().min(), dates.iter().max()) {
            (Some(a), Some(b)) => format!(", {} to {}", period.name(*a), period.name(*b)),
            _ => String::new(),
        };
        // "CO₂ and adjusted CO₂": the names after the first as they read
        // in a sentence.
        let names: Vec<String> = series
            .iter()
            .enumerate()
            .map(|(i, s)| match i {
                0 => s.0.clone(),
                _ => crate::text::in_sentence(&s.0),
            })
            .collect();
        let unit_note = unit
            .as_deref()
            .filter(|u| !label.to_lowercase().contains(&u.to_lowercase()))
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        let measured = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        let subtitle = format!("{measured}{unit_note}{span}");
        // The axis names every line: the end labels say which is which.
        let value_label = format!("{measured}{unit_note}");
        let x_spec = &table.schema.columns[xi];
        let date_label = x_spec.label.clone().unwrap_or_else(|| x_spec.name.clone());
        let key = table_key("line", data, x, ys);
        let name = super::set::drawing_name(&key, None);
        let source = source_line(table);
        let series: Vec<(String, Vec<(jiff::civil::Date, f64)>)> =
            series.into_iter().map(|(n, p, _)| (n, p)).collect();
        let input = || Lines {
            name: name.clone(),
            title: finding.clone(),
            subtitle: subtitle.clone(),
            source: source.clone(),
            value_label: value_label.clone(),
            date_label: date_label.clone(),
            series: series.clone(),
            decimals,
        };
        let placing = Placing::of_table(
            request,
            stem,
            key,
            (finding.clone(), subtitle.clone()),
            table,
        );
        Ok(self.place(placing, input, |i| i.data()))
    }

    /// A line per year of a table's `y` column of counts, added up from 1
    /// January by the day of the year of its date column `x`, the year
    /// `highlight` (else the latest) picked out.
    pub(super) fn table_cumulative(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        const KIND: &str = "cumulative-by-year";
        let (data, x, ys) = table_columns(request, KIND)?;
        let [y] = ys else {
            return Err(format!(
                "chart “{KIND}” adds up one column; `y` names {}",
                ys.len()
            ));
        };
        let table = &data.table;
        let (xi, yi) = (table.column_or_why(x)?, table.column_or_why(y)?);
        if table.schema.columns[xi].kind != ColumnType::Date {
            return Err(format!(
                "chart “{KIND}” draws by day of the year: column `{x}` must hold dates, and it holds {}",
                kind_name(table.schema.columns[xi].kind)
            ));
        }
        let spec = &table.schema.columns[yi];
        if spec.kind != ColumnType::Integer {
            return Err(format!(
                "chart “{KIND}” adds up counts: column `{y}` must hold whole numbers, and it holds {}",
                kind_name(spec.kind)
            ));
        }
        let mut points: Vec<(jiff::civil::Date, u64)> = Vec::new();
        for row in &table.rows {
            if let (Cell::Date(d), Cell::Integer(n)) = (&row[xi], &row[yi]) {
                let n = u64::try_from(*n).map_err(|_| {
                    format!("chart “{KIND}” adds up counts, and column `{y}` has {n} on {d}")
                })?;
                points.push((*d, n));
            }
        }
        points.sort_by_key(|p| p.0);
        // A series of monthly counts, each dated the 1st, counts a month's
        // total by the month's end.
        if points.iter().all(|p| p.0.day() == 1) {
            for p in &mut points {
                p.0 = p.0.last_of_month();
            }
        }
        let last = points.last().map(|p| p.0);
        let mut by_year: Vec<(i16, Vec<(u16, u64)>)> = Vec::new();
        for (day, n) in points {
            if by_year.last().map(|l| l.0) != Some(day.year()) {
                by_year.push((day.year(), Vec::new()));
            }
            if let Some((_, line)) = by_year.last_mut() {
                let total = line.last().map_or(0, |p| p.1) + n;
                line.push((day.day_of_year() as u16, total));
            }
        }
        let lines: Vec<YearLine> = by_year
            .into_iter()
            .map(|(year, points)| YearLine::new(year, points))
            .collect();
        let latest = lines.last().map_or(0, |l| l.year);
        let highlight = request.highlight.unwrap_or(latest);
        if !lines.iter().any(|l| l.year == highlight) {
            return Err(format!(
                "highlight={highlight} is not among the table's years"
            ));
        }
        let label = spec.label.clone().unwrap_or_else(|| readable(&spec.name));
        let finding = super::set::subset_title(&lines.iter().collect::<Vec<_>>(), highlight);
        let subtitle = format!(
            "Cumulative {}, by day of the year{}",
            super::cumulative::lower_first(&label),
            last.map(|d| format!(", to {}", long_date(d)))
                .unwrap_or_default()
        );
        let key = table_key("cumulative", data, x, &[y.to_string()]);
        let name = super::set::drawing_name(&key, Some(highlight));
        let source = source_line(table);
        let measure = Measure::Column {
            label: label.clone(),
            name: spec.name.clone(),
        };
        let input = || Cumulative {
            name: name.clone(),
            title: finding.clone(),
            subtitle: subtitle.clone(),
            source: source.clone(),
            lines: lines.clone(),
            highlight,
            measure: measure.clone(),
        };
        let placing = Placing {
            request,
            stem,
            key,
            highlight: Some(highlight),
            finding: finding.clone(),
            subtitle: subtitle.clone(),
            table_source: Some(page_source(table)),
        };
        Ok(self.place(placing, input, |i| i.data()))
    }
}

/// Refuses a table with more than one row for a value of column `xi`,
/// which a chart of `kind` draws one mark for (`each` names such a value:
/// "date"): a table of several series in long form (a row per year and
/// source) would draw them as one, zigzagging between them. Says how to
/// pick one series, by the table's first other text column.
fn one_row_each(table: &Table, xi: usize, kind: &str, each: &str) -> Result<(), String> {
    // Each value's count of rows, and the first row that has it.
    let mut rows: std::collections::BTreeMap<String, (usize, &Vec<Cell>)> =
        std::collections::BTreeMap::new();
    let mut first_repeat = None;
    for row in &table.rows {
        let value = match &row[xi] {
            Cell::Date(d) => long_date(*d),
            Cell::Integer(n) => n.to_string(),
            Cell::Text(t) => format!("“{t}”"),
            Cell::Decimal(_) | Cell::Empty => continue,
        };
        let seen = rows.entry(value.clone()).or_insert((0, row));
        seen.0 += 1;
        if seen.0 == 2 && first_repeat.is_none() {
            first_repeat = Some(value);
        }
    }
    let Some(value) = first_repeat else {
        return Ok(());
    };
    let (count, row) = rows[&value];
    let name = &table.schema.columns[xi].name;
    let pick = table
        .schema
        .columns
        .iter()
        .enumerate()
        .find_map(|(i, c)| match &row[i] {
            Cell::Text(t) if i != xi => Some(format!(
                "; pick one first, e.g. `data=… | filter_rows(column=\"{}\", equals=\"{t}\")`",
                c.name
            )),
            _ => None,
        })
        .unwrap_or_else(|| {
            "; group the rows first (by_period) or filter them (filter_rows)".into()
        });
    Err(format!(
        "chart “{kind}” draws one value for each {each} in column `{name}`, and {value} is in {count} rows{pick}"
    ))
}

/// The table and the columns a chart of `kind` needs, or what is missing.
fn table_columns<'r>(
    request: &'r ChartRequest,
    kind: &str,
) -> Result<(&'r TableRef, &'r str, &'r [String]), String> {
    let data = request.data.as_ref().ok_or_else(|| {
        format!("chart “{kind}” needs `data=`, a table such as data.<name> (filtered or grouped as you like)")
    })?;
    let x = request
        .x
        .as_deref()
        .ok_or_else(|| format!("chart “{kind}” needs `x=\"…\"`, the column along the bottom"))?;
    let y = request
        .y
        .as_deref()
        .ok_or_else(|| format!("chart “{kind}” needs `y=\"…\"`, the column drawn"))?;
    Ok((data, x, y))
}

/// A column type, as a message names what it holds.
fn kind_name(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Date => "dates",
        ColumnType::Integer => "whole numbers",
        ColumnType::Decimal => "numbers",
        ColumnType::Text => "text",
    }
}

/// What a table chart's number column measures, as its chart says it.
struct Measured {
    /// Its label, else its name made readable ("Planned returns").
    label: String,
    /// " (ppm)": its unit in brackets, unless the label says it already
    /// ("People counted" needs no "(people)"); empty without a unit.
    unit: String,
    /// Decimals its values are printed with: none for whole numbers.
    decimals: u8,
}

impl Measured {
    fn of(spec: &ColumnSpec) -> Measured {
        let label = spec.label.clone().unwrap_or_else(|| readable(&spec.name));
        let unit = spec
            .unit
            .as_deref()
            .filter(|u| !label.to_lowercase().contains(&u.to_lowercase()))
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        let decimals = if spec.kind == ColumnType::Integer {
            0
        } else {
            1
        };
        Measured {
            label,
            unit,
            decimals,
        }
    }
}

impl<'r> Placing<'r> {
    /// A chart of `table`, with nothing picked out, stating `finding`
    /// under `subtitle`, with the table's own source on its page.
    fn of_table(
        request: &'r ChartRequest,
        stem: &'r str,
        key: super::set::DataKey,
        (finding, subtitle): (String, String),
        table: &Table,
    ) -> Placing<'r> {
        Placing {
            request,
            stem,
            key,
            highlight: None,
            finding,
            subtitle,
            table_source: Some(page_source(table)),
        }
    }
}

/// The data key of a chart of `kind` drawing columns `ys` of `data` over
/// `x`: the kind, the table's name and a digest of its rows and the columns
/// (`line-co2-1a2b3c4d5e6f7081`), so that other rows or other columns are
/// another chart, and a column's name, which may hold any character, never
/// reaches a file name.
fn table_key(kind: &str, data: &TableRef, x: &str, ys: &[String]) -> super::set::DataKey {
    let mut what = format!("{}\0{x}", data.digest);
    for y in ys {
        what.push('\0');
        what.push_str(y);
    }
    let digest = crate::hash::sha256_hex(what.as_bytes());
    (
        format!("{kind}-{}-{}", data.table.name, &digest[..16]),
        Vec::new(),
    )
}

/// The source line under a chart of `table` on its page (read out to
/// screen readers beside the download links), from its schema.
fn page_source(table: &Table) -> String {
    let s = &table.schema.source;
    format!(
        "Source: {}, {}, released {}",
        s.publisher,
        s.title,
        long_date(s.released)
    )
}

/// The source line a chart of `table` carries, from its schema.
fn source_line(table: &Table) -> SourceLine {
    let s = &table.schema.source;
    format!(
        "Source: {}, {} (released {})",
        s.publisher,
        s.title,
        long_date(s.released)
    )
    .into()
}
