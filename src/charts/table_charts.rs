//! Charts of an analyst's own tables (`chart(name="bars", data=…, x=…,
//! y=…)`), drawn by the same chart kinds as the crossings' and placed the
//! same way: both widths, a title stating the finding, a subtitle with the
//! measure and unit, a description written from the data, the data as a
//! table and a CSV.

use super::labels::SourceLine;
use super::set::{ChartSet, Placing, TableRef};
use super::{AnnualBars, ChartInput, ChartRequest, PlacedChart};
use crate::data::table::{Cell, ColumnType, Table};
use crate::text::{fmt_num, long_date};

impl ChartSet {
    /// Bars of a table's `y` column, one per value of its `x` column of
    /// years.
    pub(super) fn table_bars(
        &self,
        request: &ChartRequest,
        stem: &str,
    ) -> Result<PlacedChart, String> {
        let (data, x, y) = table_columns(request, "bars")?;
        let table = &data.table;
        let (xi, yi) = (column(table, x)?, column(table, y)?);
        if table.schema.columns[xi].kind != ColumnType::Integer {
            return Err(format!(
                "chart “bars” draws a bar for each year: column `{x}` must hold years (integer), and it holds {}",
                kind_name(table.schema.columns[xi].kind)
            ));
        }
        let y_spec = &table.schema.columns[yi];
        if !matches!(y_spec.kind, ColumnType::Integer | ColumnType::Decimal) {
            return Err(format!(
                "chart “bars” draws numbers: column `{y}` holds {}",
                kind_name(y_spec.kind)
            ));
        }
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
        let label = y_spec
            .label
            .clone()
            .unwrap_or_else(|| readable(&y_spec.name));
        let decimals = if y_spec.kind == ColumnType::Integer {
            0
        } else {
            1
        };
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
        // The unit, unless the label says it already ("People counted").
        let unit = y_spec
            .unit
            .as_deref()
            .filter(|u| !label.to_lowercase().contains(&u.to_lowercase()))
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        let subtitle = format!("{label}{unit}, by year{span}");
        let key = (
            format!("bars-{}-{}", table.name, &data.digest[..16]),
            Vec::new(),
        );
        let name = super::set::drawing_name(&key, None);
        let source = source_line(table);
        let input = || AnnualBars {
            name: name.clone(),
            title: finding.clone(),
            subtitle: subtitle.clone(),
            source: source.clone(),
            value_label: label.clone(),
            bars: bars.clone(),
            decimals,
        };
        let placing = Placing {
            request,
            stem,
            key,
            highlight: None,
            finding: finding.clone(),
            subtitle: subtitle.clone(),
        };
        Ok(self.place(placing, input, |i| i.data()))
    }
}

/// The table and the columns a chart of `kind` needs, or what is missing.
fn table_columns<'r>(
    request: &'r ChartRequest,
    kind: &str,
) -> Result<(&'r TableRef, &'r str, &'r str), String> {
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

/// The index of `name` in `table`, or why there is none.
fn column(table: &Table, name: &str) -> Result<usize, String> {
    table.column(name).ok_or_else(|| {
        let names: Vec<&str> = table
            .schema
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        format!(
            "table `{}` has no column `{name}`; its columns are {}",
            table.name,
            names.join(", ")
        )
    })
}

/// A column's name as a reader reads it: `planned_returns` is "Planned
/// returns".
fn readable(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
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
