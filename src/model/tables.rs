//! Figures from an analyst's own tables: pure functions from a [`Table`]
//! (see [`crate::data::table`]) to rows or numbers, which the template
//! filters of [`crate::render::table_filters`] put in a brief's hands.
//!
//! Numbers come back unrounded; a brief rounds them as it prints them
//! (`thousands`, `pct`), so a figure and its chart never round twice.
//! A function that cannot answer (no rows, a column of text) says why, in a
//! sentence the brief's error shows at its line.

use jiff::civil::{Date, Weekday};

use crate::data::table::{Cell, ColumnSpec, ColumnType, Table};

/// An error's text: what was wrong with the call.
pub type Why = String;

/// The rows of `table` whose `column` is within `from..=to` (either end
/// open): dates compared as dates, numbers as numbers, text as text.
pub fn rows_between(
    table: &Table,
    column: &str,
    from: Option<&Cell>,
    to: Option<&Cell>,
) -> Result<Table, Why> {
    let i = column_index(table, column)?;
    let within = |cell: &Cell| {
        from.is_none_or(|f| compare(cell, f).is_some_and(|o| o.is_ge()))
            && to.is_none_or(|t| compare(cell, t).is_some_and(|o| o.is_le()))
    };
    Ok(keep_rows(table, |row| within(&row[i])))
}

/// The rows of `table` whose `column` equals `value`.
pub fn rows_equal(table: &Table, column: &str, value: &Cell) -> Result<Table, Why> {
    let i = column_index(table, column)?;
    Ok(keep_rows(table, |row| {
        compare(&row[i], value).is_some_and(|o| o.is_eq())
    }))
}

/// How rows of one period are made one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// Their total.
    Sum,
    /// Their mean.
    Mean,
    /// The least.
    Min,
    /// The greatest.
    Max,
    /// How many there are.
    Count,
}

impl Aggregate {
    /// The aggregate a template names (`sum`, `mean`, `min`, `max`, `count`).
    pub fn named(name: &str) -> Result<Aggregate, Why> {
        Ok(match name {
            "sum" => Aggregate::Sum,
            "mean" => Aggregate::Mean,
            "min" => Aggregate::Min,
            "max" => Aggregate::Max,
            "count" => Aggregate::Count,
            other => {
                return Err(format!(
                    "`{other}` is not a way to aggregate; expected sum, mean, min, max or count"
                ));
            }
        })
    }

    /// The aggregate of `values`, or none when there are none.
    pub fn of(self, values: &[f64]) -> Option<f64> {
        if values.is_empty() {
            return (self == Aggregate::Count).then_some(0.0);
        }
        Some(match self {
            Aggregate::Sum => values.iter().sum(),
            Aggregate::Mean => values.iter().sum::<f64>() / values.len() as f64,
            Aggregate::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
            Aggregate::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Aggregate::Count => values.len() as f64,
        })
    }
}

/// The periods rows can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Calendar years: the period column holds the year (an integer).
    Year,
    /// Calendar months: the period column holds the month's first day.
    Month,
    /// ISO weeks (Monday to Sunday): the period column holds the Monday.
    Week,
}

impl Period {
    /// The period a template names (`year`, `month`, `week`).
    pub fn named(name: &str) -> Result<Period, Why> {
        Ok(match name {
            "year" => Period::Year,
            "month" => Period::Month,
            "week" => Period::Week,
            other => {
                return Err(format!(
                    "`{other}` is not a period; expected year, month or week"
                ));
            }
        })
    }

    /// The period `date` falls in, as its column holds it.
    fn of(self, date: Date) -> Cell {
        match self {
            Period::Year => Cell::Integer(i64::from(date.year())),
            Period::Month => Cell::Date(date.first_of_month()),
            Period::Week => {
                let back = date.weekday().since(Weekday::Monday);
                Cell::Date(
                    date.checked_sub(jiff::Span::new().days(back))
                        .unwrap_or(date),
                )
            }
        }
    }
}

/// `table` grouped by the `period` of its date column `date`, each group's
/// `value` column made one by `how`: a table of two columns, the period
/// (named as the period: `year`, `month` or `week`) and the value (named as
/// the value column, with its unit), in time order.
pub fn by_period(
    table: &Table,
    date: &str,
    period: Period,
    value: &str,
    how: Aggregate,
) -> Result<Table, Why> {
    let d = date_column(table, date)?;
    let v = number_column(table, value)?;
    let mut groups: std::collections::BTreeMap<(i64, i64), (Cell, Vec<f64>)> = Default::default();
    for row in &table.rows {
        let Cell::Date(day) = row[d] else { continue };
        let key = period.of(day);
        let order = match &key {
            Cell::Integer(y) => (*y, 0),
            Cell::Date(first) => (i64::from(first.year()), i64::from(first.day_of_year())),
            _ => (0, 0),
        };
        let entry = groups.entry(order).or_insert_with(|| (key, Vec::new()));
        if let Some(x) = number(&row[v]) {
            entry.1.push(x);
        }
    }
    let period_name = match period {
        Period::Year => "year",
        Period::Month => "month",
        Period::Week => "week",
    };
    let value_spec = &table.schema.columns[v];
    // Totals, extremes and counts of whole numbers are whole; a mean is not.
    let whole = how == Aggregate::Count
        || (value_spec.kind == ColumnType::Integer && how != Aggregate::Mean);
    let mut schema = table.schema.clone();
    schema.columns = vec![
        ColumnSpec {
            name: period_name.into(),
            kind: if period == Period::Year {
                ColumnType::Integer
            } else {
                ColumnType::Date
            },
            unit: None,
            label: None,
            optional: false,
        },
        ColumnSpec {
            kind: if whole {
                ColumnType::Integer
            } else {
                ColumnType::Decimal
            },
            optional: true,
            // A count is of rows, not in the column's unit.
            unit: match how {
                Aggregate::Count => None,
                _ => value_spec.unit.clone(),
            },
            label: match how {
                Aggregate::Count => Some(format!(
                    "Rows with {}",
                    value_spec.label.as_deref().unwrap_or(&value_spec.name)
                )),
                _ => value_spec.label.clone(),
            },
            ..value_spec.clone()
        },
    ];
    schema.key = Some(crate::data::table::OneOrMany::One(period_name.into()));
    let rows: Vec<Vec<Cell>> = groups
        .into_values()
        .map(|(key, values)| {
            let value = match how.of(&values) {
                Some(x) if whole => Cell::Integer(x as i64),
                Some(x) => Cell::Decimal(x),
                None => Cell::Empty,
            };
            vec![key, value]
        })
        .collect();
    Ok(Table {
        name: table.name.clone(),
        path: table.path.clone(),
        schema,
        lines: vec![0; rows.len()],
        rows,
    })
}

/// `how` over the numbers of `column` (empty cells left out); none when
/// there are no rows.
pub fn aggregate(table: &Table, column: &str, how: Aggregate) -> Result<Option<f64>, Why> {
    let v = number_column(table, column)?;
    let values: Vec<f64> = table.rows.iter().filter_map(|r| number(&r[v])).collect();
    Ok(how.of(&values))
}

/// The value of `column` in the row latest by the date column `by` (the
/// last row when `by` is not given); none when there are no rows.
pub fn latest(table: &Table, column: &str, by: Option<&str>) -> Result<Option<Cell>, Why> {
    let v = column_index(table, column)?;
    let row = match by {
        Some(by) => {
            let d = date_column(table, by)?;
            let day = |r: &Vec<Cell>| match r[d] {
                Cell::Date(day) => Some(day),
                _ => None,
            };
            let row = table.rows.iter().max_by_key(|r| day(r));
            if let Some(row) = row.filter(|r| day(r).is_some()) {
                let tied: Vec<&Vec<Cell>> =
                    table.rows.iter().filter(|r| day(r) == day(row)).collect();
                one_value(&tied, v, || format!("{by} {}", show(&row[d])))?;
            }
            row
        }
        None => table.rows.last(),
    };
    Ok(row.map(|r| r[v].clone()))
}

/// Refuses rows that all answer one question (the latest date, a key's
/// value) with different values of column `v`: a table of several series
/// in long form (a row per year and region) has no one answer until it is
/// filtered to one. `which` names the rows ("year 2001-01-01").
fn one_value(rows: &[&Vec<Cell>], v: usize, which: impl Fn() -> String) -> Result<(), Why> {
    match rows.split_first() {
        Some((first, rest)) if rest.iter().any(|r| r[v] != first[v]) => Err(format!(
            "{} rows have {}, with different values: pick one first with filter_rows (the table holds several series)",
            rows.len(),
            which()
        )),
        _ => Ok(()),
    }
}

/// The value of `column` in the row whose `key` column is `at`.
pub fn value_at(table: &Table, column: &str, key: &str, at: &Cell) -> Result<f64, Why> {
    let v = number_column(table, column)?;
    let k = column_index(table, key)?;
    let rows: Vec<&Vec<Cell>> = table
        .rows
        .iter()
        .filter(|r| compare(&r[k], at).is_some_and(|o| o.is_eq()))
        .collect();
    let row = rows
        .first()
        .ok_or_else(|| format!("no row has {key} {}", show(at)))?;
    one_value(&rows, v, || format!("{key} {}", show(at)))?;
    number(&row[v]).ok_or_else(|| format!("the row with {key} {} has no {column}", show(at)))
}

/// The change in `column` from the row whose `key` is `from` to the one
/// whose `key` is `to`: `to − from`.
pub fn change(table: &Table, column: &str, key: &str, from: &Cell, to: &Cell) -> Result<f64, Why> {
    Ok(value_at(table, column, key, to)? - value_at(table, column, key, from)?)
}

/// The change as a percentage of the first value: `100 × (to − from) / from`.
pub fn pct_change(
    table: &Table,
    column: &str,
    key: &str,
    from: &Cell,
    to: &Cell,
) -> Result<f64, Why> {
    let first = value_at(table, column, key, from)?;
    if first == 0.0 {
        return Err(format!(
            "{column} is 0 at {key} {}, so a percentage change from it has no value",
            show(from)
        ));
    }
    Ok(100.0 * (value_at(table, column, key, to)? - first) / first)
}

/// The table with each row's `column` replaced by its change from the
/// row before (`this − previous`), in the table's order: the first row,
/// which has none before it, is left out, and a change from or to an empty
/// cell is empty. Annual means become the rise each year.
pub fn differences(table: &Table, column: &str) -> Result<Table, Why> {
    let v = number_column(table, column)?;
    let mut out = table.clone_empty();
    let spec = &mut out.schema.columns[v];
    spec.optional = true;
    spec.label = Some(format!(
        "Change in {}",
        crate::text::in_sentence(spec.label.as_deref().unwrap_or(&spec.name))
    ));
    let whole = spec.kind == ColumnType::Integer;
    for (pair, line) in table.rows.windows(2).zip(table.lines.iter().skip(1)) {
        let mut row = pair[1].clone();
        row[v] = match (number(&pair[0][v]), number(&pair[1][v])) {
            (Some(before), Some(now)) if whole => Cell::Integer((now - before) as i64),
            (Some(before), Some(now)) => Cell::Decimal(now - before),
            _ => Cell::Empty,
        };
        out.rows.push(row);
        out.lines.push(*line);
    }
    Ok(out)
}

/// `part` as a percentage of `whole`.
pub fn share(part: f64, whole: f64) -> Result<f64, Why> {
    if whole == 0.0 {
        return Err("the whole is 0, so a share of it has no value".into());
    }
    Ok(100.0 * part / whole)
}

/// Where one year stands against the others at the same point in the year,
/// for a series of counts by day or month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankAtPoint {
    /// The year ranked: the latest with data.
    pub year: i16,
    /// The point: the last date of that year's data.
    pub through: Date,
    /// The year's total from 1 January through the point.
    pub value: f64,
    /// Its rank among the years compared, 1 the highest (ties share a rank).
    pub rank: usize,
    /// How many years were compared, the year itself among them.
    pub years_compared: usize,
    /// Each year compared and its total through the same day of the year,
    /// in year order.
    pub years: Vec<(i16, f64)>,
}

/// The latest year of the count series in `table` (dates in `date`,
/// counts in `value`) ranked among every year at the same point: each
/// year's total from 1 January through the same month and day as the
/// latest year's last row (29 February counts only in a leap year's own
/// total, as in the crossings' year to date). A year is compared when its
/// data starts in January and reaches that point; a year the series
/// starts in mid-year is left out, since its total would be short.
pub fn rank_at_point(table: &Table, date: &str, value: &str) -> Result<RankAtPoint, Why> {
    let d = date_column(table, date)?;
    let v = number_column(table, value)?;
    let points: Vec<(Date, f64)> = table
        .rows
        .iter()
        .filter_map(|r| match r[d] {
            Cell::Date(day) => Some((day, number(&r[v]).unwrap_or(0.0))),
            _ => None,
        })
        .collect();
    let Some(&(through, _)) = points.iter().max_by_key(|p| p.0) else {
        return Err(format!("the table has no rows with a {date}"));
    };
    let point = (through.month(), through.day());
    let mut years: std::collections::BTreeMap<i16, (Date, Date, f64)> = Default::default();
    for &(day, x) in &points {
        let entry = years.entry(day.year()).or_insert((day, day, 0.0));
        entry.0 = entry.0.min(day);
        entry.1 = entry.1.max(day);
        if (day.month(), day.day()) <= point {
            entry.2 += x;
        }
    }
    let compared: Vec<(i16, f64)> = years
        .iter()
        .filter(|(_, (first, last, _))| first.month() == 1 && (last.month(), last.day()) >= point)
        .map(|(&y, &(_, _, total))| (y, total))
        .collect();
    let year = through.year();
    let value = compared
        .iter()
        .find(|(y, _)| *y == year)
        .map(|p| p.1)
        .ok_or_else(|| {
            format!(
                "the latest year, {year}, does not start in January, so it has no total to rank"
            )
        })?;
    let rank = 1 + compared.iter().filter(|(_, x)| *x > value).count();
    Ok(RankAtPoint {
        year,
        through,
        value,
        rank,
        years_compared: compared.len(),
        years: compared,
    })
}

/// The rows of `table` that `keep`, as a table.
fn keep_rows(table: &Table, keep: impl Fn(&[Cell]) -> bool) -> Table {
    let (rows, lines) = table
        .rows
        .iter()
        .zip(&table.lines)
        .filter(|(row, _)| keep(row))
        .map(|(row, line)| (row.clone(), *line))
        .unzip();
    Table {
        rows,
        lines,
        ..table.clone_empty()
    }
}

impl Table {
    /// This table's name, file and schema, without rows.
    fn clone_empty(&self) -> Table {
        Table {
            name: self.name.clone(),
            path: self.path.clone(),
            schema: self.schema.clone(),
            rows: Vec::new(),
            lines: Vec::new(),
        }
    }
}

/// The index of `column`, or why there is none.
fn column_index(table: &Table, column: &str) -> Result<usize, Why> {
    table.column_or_why(column)
}

/// The index of the date column `column`.
fn date_column(table: &Table, column: &str) -> Result<usize, Why> {
    let i = column_index(table, column)?;
    match table.schema.columns[i].kind {
        ColumnType::Date => Ok(i),
        _ => Err(format!(
            "column `{column}` of `{}` holds no dates",
            table.name
        )),
    }
}

/// The index of the number column `column`.
fn number_column(table: &Table, column: &str) -> Result<usize, Why> {
    let i = column_index(table, column)?;
    match table.schema.columns[i].kind {
        ColumnType::Integer | ColumnType::Decimal => Ok(i),
        _ => Err(format!(
            "column `{column}` of `{}` holds no numbers",
            table.name
        )),
    }
}

/// A cell's number, if it holds one.
fn number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Integer(n) => Some(*n as f64),
        Cell::Decimal(x) => Some(*x),
        _ => None,
    }
}

/// How `a` compares with `b`: dates with dates, numbers with numbers, text
/// with text; none across kinds.
fn compare(a: &Cell, b: &Cell) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Cell::Date(x), Cell::Date(y)) => Some(x.cmp(y)),
        (Cell::Text(x), Cell::Text(y)) => Some(x.cmp(y)),
        _ => number(a)?.partial_cmp(&number(b)?),
    }
}

/// A cell as a message shows it.
fn show(cell: &Cell) -> String {
    match cell {
        Cell::Date(d) => d.to_string(),
        Cell::Integer(n) => n.to_string(),
        Cell::Decimal(x) => x.to_string(),
        Cell::Text(t) => format!("“{t}”"),
        Cell::Empty => "(empty)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::table::parse_schema;
    use std::path::Path;

    /// A table of daily counts: `(date, people, place)`.
    fn counts(rows: &[(&str, i64, &str)]) -> Table {
        let schema = parse_schema(
            Path::new("data/t.schema.yaml"),
            "source:\n  publisher: P\n  title: T\n  address: https://example.org/\n  licence: L\n  released: 2024-01-01\ncolumns:\n  - name: date\n    type: date\n  - name: people\n    type: integer\n    unit: people\n  - name: place\n    type: text\nkey: [date, place]\n",
        )
        .unwrap();
        Table {
            name: "t".into(),
            path: "data/t.csv".into(),
            schema,
            lines: (2..2 + rows.len()).collect(),
            rows: rows
                .iter()
                .map(|(d, n, p)| {
                    vec![
                        Cell::Date(d.parse().unwrap()),
                        Cell::Integer(*n),
                        Cell::Text((*p).into()),
                    ]
                })
                .collect(),
        }
    }

    fn day(text: &str) -> Cell {
        Cell::Date(text.parse().unwrap())
    }

    fn sample() -> Table {
        counts(&[
            ("2023-01-02", 10, "A"),
            ("2023-02-10", 20, "B"),
            ("2023-03-05", 30, "A"),
            ("2024-01-01", 5, "A"),
            ("2024-02-29", 7, "B"),
            ("2024-03-01", 40, "A"),
        ])
    }

    #[test]
    fn rows_are_kept_by_range_and_by_value() {
        let t = sample();
        let in_2023 = rows_between(
            &t,
            "date",
            Some(&day("2023-01-01")),
            Some(&day("2023-12-31")),
        )
        .unwrap();
        assert_eq!(in_2023.rows.len(), 3);
        assert_eq!(in_2023.lines, [2, 3, 4]);
        let from_march = rows_between(&t, "date", Some(&day("2023-03-05")), None).unwrap();
        assert_eq!(from_march.rows.len(), 4, "the bounds are included");
        let a = rows_equal(&t, "place", &Cell::Text("A".into())).unwrap();
        assert_eq!(a.rows.len(), 4);
        let big = rows_between(&t, "people", Some(&Cell::Decimal(20.0)), None).unwrap();
        assert_eq!(big.rows.len(), 3, "numbers compare as numbers");
        assert!(
            rows_equal(&t, "nope", &Cell::Integer(1))
                .unwrap_err()
                .contains("its columns are date, people, place")
        );
    }

    #[test]
    fn aggregates_of_a_column() {
        let t = sample();
        let of = |how| aggregate(&t, "people", how).unwrap();
        assert_eq!(of(Aggregate::Sum), Some(112.0));
        assert_eq!(of(Aggregate::Mean), Some(112.0 / 6.0));
        assert_eq!(of(Aggregate::Min), Some(5.0));
        assert_eq!(of(Aggregate::Max), Some(40.0));
        assert_eq!(of(Aggregate::Count), Some(6.0));
        let none = rows_equal(&t, "place", &Cell::Text("Z".into())).unwrap();
        assert_eq!(aggregate(&none, "people", Aggregate::Sum).unwrap(), None);
        assert_eq!(
            aggregate(&none, "people", Aggregate::Count).unwrap(),
            Some(0.0)
        );
        assert!(
            aggregate(&t, "place", Aggregate::Sum)
                .unwrap_err()
                .contains("holds no numbers")
        );
        assert!(
            Aggregate::named("median")
                .unwrap_err()
                .contains("expected sum, mean")
        );
    }

    #[test]
    fn rows_group_by_year_month_and_iso_week() {
        let t = sample();
        let years = by_period(&t, "date", Period::Year, "people", Aggregate::Sum).unwrap();
        assert_eq!(
            years.rows,
            [
                vec![Cell::Integer(2023), Cell::Integer(60)],
                vec![Cell::Integer(2024), Cell::Integer(52)],
            ]
        );
        assert_eq!(
            years.schema.columns[1].kind,
            ColumnType::Integer,
            "totals of counts are counts"
        );
        assert_eq!(years.schema.columns[0].name, "year");
        assert_eq!(years.schema.columns[1].unit.as_deref(), Some("people"));
        // A count is of rows, whatever the column measures.
        let counted = by_period(&t, "date", Period::Year, "people", Aggregate::Count).unwrap();
        assert_eq!(counted.schema.columns[1].unit, None);
        assert_eq!(
            counted.schema.columns[1].label.as_deref(),
            Some("Rows with people")
        );
        let months = by_period(&t, "date", Period::Month, "people", Aggregate::Mean).unwrap();
        assert_eq!(months.rows.len(), 6);
        assert_eq!(months.rows[4], vec![day("2024-02-01"), Cell::Decimal(7.0)]);
        // 2024-02-29 is a Thursday, 2024-03-01 the Friday of the same week.
        let weeks = by_period(&t, "date", Period::Week, "people", Aggregate::Sum).unwrap();
        assert!(
            weeks
                .rows
                .contains(&vec![day("2024-02-26"), Cell::Integer(47)]),
            "{:?}",
            weeks.rows
        );
        // 2023-01-02 is a Monday; 2024-01-01 too.
        assert_eq!(weeks.rows[0][0], day("2023-01-02"));
        assert!(weeks.rows.iter().any(|r| r[0] == day("2024-01-01")));
        assert!(
            by_period(&t, "people", Period::Year, "people", Aggregate::Sum)
                .unwrap_err()
                .contains("holds no dates")
        );
    }

    #[test]
    fn differences_are_each_row_less_the_one_before() {
        let t = sample();
        let d = differences(&t, "people").unwrap();
        let changes: Vec<&Cell> = d.rows.iter().map(|r| &r[1]).collect();
        assert_eq!(
            changes,
            [10, 10, -25, 2, 33]
                .map(Cell::Integer)
                .iter()
                .collect::<Vec<_>>()
        );
        assert_eq!(
            d.rows[0][0],
            day("2023-02-10"),
            "the first row has none before it"
        );
        assert_eq!(d.lines, [3, 4, 5, 6, 7]);
        assert_eq!(
            d.schema.columns[1].label.as_deref(),
            Some("Change in people")
        );
        assert!(
            differences(&t, "place")
                .unwrap_err()
                .contains("holds no numbers")
        );
        let years = by_period(&t, "date", Period::Year, "people", Aggregate::Mean).unwrap();
        let rise = differences(&years, "people").unwrap();
        assert_eq!(
            rise.rows,
            [vec![Cell::Integer(2024), Cell::Decimal(52.0 / 3.0 - 20.0)]]
        );
    }

    #[test]
    fn latest_changes_and_shares() {
        let t = sample();
        assert_eq!(
            latest(&t, "people", Some("date")).unwrap(),
            Some(Cell::Integer(40))
        );
        assert_eq!(
            latest(&t, "place", None).unwrap(),
            Some(Cell::Text("A".into()))
        );
        let years = by_period(&t, "date", Period::Year, "people", Aggregate::Sum).unwrap();
        let (y23, y24) = (Cell::Integer(2023), Cell::Integer(2024));
        assert_eq!(change(&years, "people", "year", &y23, &y24).unwrap(), -8.0);
        let pct = pct_change(&years, "people", "year", &y23, &y24).unwrap();
        assert!((pct - (-8.0 / 60.0 * 100.0)).abs() < 1e-12, "{pct}");
        assert!(
            change(&years, "people", "year", &y23, &Cell::Integer(2030))
                .unwrap_err()
                .contains("no row has year 2030")
        );
        assert_eq!(share(7.0, 28.0).unwrap(), 25.0);
        assert!(share(1.0, 0.0).is_err());
    }

    #[test]
    fn a_year_ranks_among_the_others_at_the_same_point() {
        // Through 1 March: 2023 has 10 + 20 = 30 by then (3 March is
        // after it), 2024 has 5 + 7 + 40 = 52; 2022 starts in June and is
        // left out.
        let mut t = sample();
        t.rows.insert(
            0,
            vec![
                day("2022-06-01"),
                Cell::Integer(500),
                Cell::Text("A".into()),
            ],
        );
        t.lines.insert(0, 1);
        let r = rank_at_point(&t, "date", "people").unwrap();
        assert_eq!(r.year, 2024);
        assert_eq!(r.through, "2024-03-01".parse().unwrap());
        assert_eq!(r.value, 52.0);
        assert_eq!(r.years, [(2023, 30.0), (2024, 52.0)]);
        assert_eq!((r.rank, r.years_compared), (1, 2));
        // A leap day counts only in its own year: through 28 February
        // 2025, 2024's total leaves out the 29th.
        let t = counts(&[
            ("2024-01-01", 5, "A"),
            ("2024-02-29", 7, "A"),
            ("2024-12-31", 1, "A"),
            ("2025-01-05", 6, "A"),
            ("2025-02-28", 1, "A"),
        ]);
        let r = rank_at_point(&t, "date", "people").unwrap();
        assert_eq!(r.years, [(2024, 5.0), (2025, 7.0)]);
        assert_eq!(r.rank, 1);
    }
}
