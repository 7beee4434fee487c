//! Template filters that compute figures from a table (`data.<name>`, see
//! [`crate::data::table`]): the pure functions of [`crate::model::tables`]
//! in a brief's hands.
//!
//! ```text
//! {{ data.co2 | filter_rows(column="date", from="2019-01-01", to="2019-12-31") | mean(column="co2") }}
//! {{ data.co2 | by_period(date="date", period="year", value="co2", how="mean") | pct_change(column="co2", from=1960, to=2019) }}
//! {% set r = data.counts | rank_at_point(date="date", value="people") %}{{ r.rank | rank_words }}
//! ```
//!
//! A table a filter returns is a table again, so filters chain; it carries
//! `derived`, the chain that made it (`data.co2 | filter_rows(…)`), for
//! whoever reads it. Unknown arguments, unknown columns and empty results
//! are errors at the brief's line.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use super::filters::known_arguments;
use crate::data::crossings::SourceBlock;
use crate::data::table::{Cell, ColumnSpec, ColumnType, Table, parse_cell};
use crate::manifest::DerivedFigure;
use crate::model::tables::{self, Aggregate, Period};

/// The table filters' names, for messages.
pub const NAMES: [&str; 13] = [
    "filter_rows",
    "by_period",
    "differences",
    "sum",
    "mean",
    "min",
    "max",
    "count",
    "latest",
    "change",
    "pct_change",
    "share",
    "rank_at_point",
];

/// Registers every table filter on `tera` (see [`NAMES`]). With a
/// `recorder`, each figure a brief derives is recorded with the expression
/// that made it.
pub fn register(tera: &mut Tera, recorder: Option<Arc<Recorder>>) {
    tera.register_filter("filter_rows", filter_rows);
    tera.register_filter("by_period", by_period);
    tera.register_filter("differences", differences);
    for name in ["sum", "mean", "min", "max", "count"] {
        let recorder = recorder.clone();
        tera.register_filter(name, move |v: &Value, k: Kwargs, s: &State| {
            recorded(&recorder, s, aggregate(v, k, name))
        });
    }
    let figure_filters: [(&str, FigureFilter); 5] = [
        ("latest", latest),
        ("change", |v, k| change(v, k, false)),
        ("pct_change", |v, k| change(v, k, true)),
        ("share", share),
        ("rank_at_point", rank_at_point),
    ];
    for (name, filter) in figure_filters {
        let recorder = recorder.clone();
        tera.register_filter(name, move |v: &Value, k: Kwargs, s: &State| {
            recorded(&recorder, s, filter(v, k))
        });
    }
}

/// A filter that derives a figure: the expression that made it, and it.
type FigureFilter = fn(&Value, Kwargs) -> TeraResult<(String, Value)>;

/// The figures each brief derived from tables, by brief, as they are made:
/// a brief's page takes its own when it is done (see [`Recorder::take`]).
#[derive(Debug, Default)]
pub struct Recorder(Mutex<BTreeMap<String, Vec<DerivedFigure>>>);

impl Recorder {
    /// Records that the brief being rendered (by `state`) derived `value`
    /// by `expression`, once however often it does.
    fn record(&self, state: &State, expression: String, value: &Value) {
        let Some(slug) = brief_of(state) else { return };
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let figures = all.entry(slug).or_default();
        if !figures.iter().any(|f| f.expression == expression) {
            figures.push(DerivedFigure { expression, value });
        }
    }

    /// The figures brief `slug` derived, taken out.
    pub fn take(&self, slug: &str) -> Vec<DerivedFigure> {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        all.remove(slug).unwrap_or_default()
    }
}

/// The brief whose body is being rendered, if any.
fn brief_of(state: &State) -> Option<String> {
    let brief = state.get::<Value>("brief").ok().flatten()?;
    let map = brief.as_map()?;
    let (_, slug) = map.iter().find(|(k, _)| k.as_str() == Some("slug"))?;
    slug.as_str().map(str::to_string)
}

/// A figure filter's result, recorded when there is a recorder.
fn recorded(
    recorder: &Option<Arc<Recorder>>,
    state: &State,
    result: TeraResult<(String, Value)>,
) -> TeraResult<Value> {
    let (expression, value) = result?;
    if let Some(recorder) = recorder {
        recorder.record(state, expression, &value);
    }
    Ok(value)
}

/// A table as templates hold it: what [`Table::to_value`] writes, and the
/// chain of filters that made it.
#[derive(Debug, Deserialize, Serialize)]
struct TableJson {
    name: String,
    #[serde(default)]
    title: Option<String>,
    source: SourceBlock,
    columns: Vec<ColumnSpec>,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    derived: Option<String>,
}

/// The table `value` holds, with the chain that made it, or an error
/// naming `filter` and what it was given.
pub fn table_of(value: &Value, filter: &str) -> TeraResult<(Table, String)> {
    let not_a_table = || {
        Error::message(format!(
            "filter `{filter}` expects a table (data.<name> of a CSV file with a schema), found {}",
            found(value)
        ))
    };
    let json = serde_json::to_value(value).map_err(|_| not_a_table())?;
    let parsed: TableJson = serde_json::from_value(json).map_err(|_| not_a_table())?;
    let mut rows = Vec::with_capacity(parsed.rows.len());
    for row in &parsed.rows {
        let mut cells = Vec::with_capacity(parsed.columns.len());
        for column in &parsed.columns {
            cells.push(json_cell(column, row.get(&column.name)).ok_or_else(not_a_table)?);
        }
        rows.push(cells);
    }
    let derived = parsed
        .derived
        .clone()
        .unwrap_or_else(|| format!("data.{}", parsed.name));
    let table = Table {
        name: parsed.name.clone(),
        path: format!("data/{}.csv", parsed.name).into(),
        schema: crate::data::table::Schema {
            title: parsed.title,
            source: parsed.source,
            columns: parsed.columns,
            key: None,
        },
        lines: vec![0; rows.len()],
        rows,
    };
    Ok((table, derived))
}

/// A cell of `column` as JSON holds it.
fn json_cell(column: &ColumnSpec, value: Option<&serde_json::Value>) -> Option<Cell> {
    match value? {
        serde_json::Value::Null => Some(Cell::Empty),
        serde_json::Value::String(s) => match column.kind {
            ColumnType::Text => Some(Cell::Text(s.clone())),
            _ => parse_cell(column, s).ok(),
        },
        serde_json::Value::Number(n) => match column.kind {
            ColumnType::Integer => n.as_i64().map(Cell::Integer),
            _ => n.as_f64().map(Cell::Decimal),
        },
        _ => None,
    }
}

/// `table` as templates hold it, made by `derived`.
fn table_value(table: &Table, derived: String) -> Value {
    let mut json = table.to_value();
    if let Some(map) = json.as_object_mut() {
        map.insert("derived".into(), serde_json::Value::String(derived));
    }
    Value::from_serializable(&json)
}

/// A value as a message names it.
fn found(value: &Value) -> String {
    if value.is_none() || value.is_undefined() {
        "nothing (is the name spelled as the data file is?)".into()
    } else {
        format!("a {}", value.name())
    }
}

/// The string argument `name`, which `filter` needs.
fn needed<'k>(kwargs: &'k Kwargs, filter: &str, name: &'k str) -> TeraResult<&'k str> {
    kwargs
        .get::<&str>(name)?
        .ok_or_else(|| Error::message(format!("filter `{filter}` needs `{name}=\"…\"`")))
}

/// The argument `name` as a cell of `table`'s column `column`.
fn cell_argument(
    table: &Table,
    kwargs: &Kwargs,
    column: &str,
    name: &str,
) -> TeraResult<Option<Cell>> {
    let Some(value) = kwargs.get::<Value>(name)? else {
        return Ok(None);
    };
    let spec = &table.schema.columns[table.column_or_why(column).map_err(Error::message)?];
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    };
    parse_cell(spec, &text).map(Some).map_err(|expected| {
        Error::message(format!(
            "`{name}={text}` does not fit column `{column}`: expected {expected}"
        ))
    })
}

/// `filter_rows(column="date", from="2019-01-01", to="2019-12-31")` or
/// `filter_rows(column="region", equals="North")`.
fn filter_rows(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    const NAME: &str = "filter_rows";
    known_arguments(&kwargs, NAME, &["column", "from", "to", "equals"])?;
    let (table, derived) = table_of(value, NAME)?;
    let column = needed(&kwargs, NAME, "column")?;
    let from = cell_argument(&table, &kwargs, column, "from")?;
    let to = cell_argument(&table, &kwargs, column, "to")?;
    let equals = cell_argument(&table, &kwargs, column, "equals")?;
    let (kept, call) = match (&equals, &from, &to) {
        (Some(v), None, None) => (
            tables::rows_equal(&table, column, v),
            format!("{NAME}(column=\"{column}\", equals={})", show(v)),
        ),
        (None, _, _) if from.is_some() || to.is_some() => {
            let part = |n: &str, c: &Option<Cell>| c.as_ref().map(|c| format!(", {n}={}", show(c)));
            (
                tables::rows_between(&table, column, from.as_ref(), to.as_ref()),
                format!(
                    "{NAME}(column=\"{column}\"{}{})",
                    part("from", &from).unwrap_or_default(),
                    part("to", &to).unwrap_or_default()
                ),
            )
        }
        _ => {
            return Err(Error::message(format!(
                "filter `{NAME}` needs `from=` and/or `to=`, or `equals=` alone"
            )));
        }
    };
    let kept = kept.map_err(Error::message)?;
    Ok(table_value(&kept, format!("{derived} | {call}")))
}

/// `by_period(date="date", period="year", value="co2", how="mean")`.
fn by_period(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    const NAME: &str = "by_period";
    known_arguments(&kwargs, NAME, &["date", "period", "value", "how"])?;
    let (table, derived) = table_of(value, NAME)?;
    let date = needed(&kwargs, NAME, "date")?;
    let period_name = needed(&kwargs, NAME, "period")?;
    let value_column = needed(&kwargs, NAME, "value")?;
    let how_name = kwargs.get::<&str>("how")?.unwrap_or("sum");
    let period = Period::named(period_name).map_err(Error::message)?;
    let how = Aggregate::named(how_name).map_err(Error::message)?;
    let grouped =
        tables::by_period(&table, date, period, value_column, how).map_err(Error::message)?;
    let call = format!(
        "{NAME}(date=\"{date}\", period=\"{period_name}\", value=\"{value_column}\", how=\"{how_name}\")"
    );
    Ok(table_value(&grouped, format!("{derived} | {call}")))
}

/// `differences(column="co2")`: each row's change from the row before.
fn differences(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    const NAME: &str = "differences";
    known_arguments(&kwargs, NAME, &["column"])?;
    let (table, derived) = table_of(value, NAME)?;
    let column = needed(&kwargs, NAME, "column")?;
    let changed = tables::differences(&table, column).map_err(Error::message)?;
    Ok(table_value(
        &changed,
        format!("{derived} | {NAME}(column=\"{column}\")"),
    ))
}

/// `sum`, `mean`, `min`, `max` or `count` of `column=`.
fn aggregate(value: &Value, kwargs: Kwargs, name: &str) -> TeraResult<(String, Value)> {
    let (table, derived) = table_of(value, name)?;
    let how = Aggregate::named(name).map_err(Error::message)?;
    if how == Aggregate::Count {
        known_arguments(&kwargs, name, &[])?;
        let count = Value::from(table.rows.len() as i64);
        return Ok((format!("{derived} | count"), count));
    }
    known_arguments(&kwargs, name, &["column"])?;
    let column = needed(&kwargs, name, "column")?;
    let expression = format!("{derived} | {name}(column=\"{column}\")");
    match tables::aggregate(&table, column, how).map_err(Error::message)? {
        Some(x) => {
            let whole = is_integer(&table, column) && how != Aggregate::Mean;
            Ok((expression, number_value(x, whole)))
        }
        None => Err(Error::message(format!(
            "filter `{name}` has no rows to work on: the table was filtered to none"
        ))),
    }
}

/// Whether `column` of `table` holds whole numbers.
fn is_integer(table: &Table, column: &str) -> bool {
    table
        .schema
        .columns
        .iter()
        .any(|c| c.name == column && c.kind == ColumnType::Integer)
}

/// A number as templates hold it: whole when `whole` and it is.
fn number_value(x: f64, whole: bool) -> Value {
    if whole && x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

/// `latest(column="co2", by="date")`: the value in the latest row.
fn latest(value: &Value, kwargs: Kwargs) -> TeraResult<(String, Value)> {
    const NAME: &str = "latest";
    known_arguments(&kwargs, NAME, &["column", "by"])?;
    let (table, derived) = table_of(value, NAME)?;
    let column = needed(&kwargs, NAME, "column")?;
    let by = kwargs.get::<&str>("by")?;
    let expression = match by {
        Some(by) => format!("{derived} | {NAME}(column=\"{column}\", by=\"{by}\")"),
        None => format!("{derived} | {NAME}(column=\"{column}\")"),
    };
    match tables::latest(&table, column, by).map_err(Error::message)? {
        Some(cell) => Ok((expression, cell_value(&cell))),
        None => Err(Error::message(format!(
            "filter `{NAME}` has no rows to work on: the table was filtered to none"
        ))),
    }
}

/// A cell as templates hold it.
fn cell_value(cell: &Cell) -> Value {
    Value::from_serializable(cell)
}

/// `change(column="co2", from=1960, to=2019)` (or `pct_change`): between
/// the rows whose key column (`key=`, else the table's first column) has
/// those values.
fn change(value: &Value, kwargs: Kwargs, pct: bool) -> TeraResult<(String, Value)> {
    let name = if pct { "pct_change" } else { "change" };
    known_arguments(&kwargs, name, &["column", "key", "from", "to"])?;
    let (table, derived) = table_of(value, name)?;
    let column = needed(&kwargs, name, "column")?;
    let key = match kwargs.get::<&str>("key")? {
        Some(k) => k.to_string(),
        None => table
            .schema
            .columns
            .first()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    };
    let end = |n: &str| {
        cell_argument(&table, &kwargs, &key, n)?.ok_or_else(|| {
            Error::message(format!("filter `{name}` needs `{n}=`, a value of `{key}`"))
        })
    };
    let (from, to) = (end("from")?, end("to")?);
    let expression = format!(
        "{derived} | {name}(column=\"{column}\", key=\"{key}\", from={}, to={})",
        show(&from),
        show(&to)
    );
    let value = if pct {
        let x = tables::pct_change(&table, column, &key, &from, &to).map_err(Error::message)?;
        Value::from(x)
    } else {
        let x = tables::change(&table, column, &key, &from, &to).map_err(Error::message)?;
        number_value(x, is_integer(&table, column))
    };
    Ok((expression, value))
}

/// `part | share(of=whole)`: the part as a percentage of the whole.
fn share(value: &Value, kwargs: Kwargs) -> TeraResult<(String, Value)> {
    known_arguments(&kwargs, "share", &["of"])?;
    let part = value.as_f64().ok_or_else(|| {
        Error::message(format!(
            "filter `share` expects a number, found {}",
            found(value)
        ))
    })?;
    let whole = kwargs
        .get::<f64>("of")?
        .ok_or_else(|| Error::message("filter `share` needs `of=`, the whole"))?;
    let x = tables::share(part, whole).map_err(Error::message)?;
    Ok((format!("{part} | share(of={whole})"), Value::from(x)))
}

/// `rank_at_point(date="date", value="people")`: where the latest year
/// stands against the others at the same point in the year.
fn rank_at_point(value: &Value, kwargs: Kwargs) -> TeraResult<(String, Value)> {
    const NAME: &str = "rank_at_point";
    known_arguments(&kwargs, NAME, &["date", "value"])?;
    let (table, derived) = table_of(value, NAME)?;
    let date = needed(&kwargs, NAME, "date")?;
    let value_column = needed(&kwargs, NAME, "value")?;
    let r = tables::rank_at_point(&table, date, value_column).map_err(Error::message)?;
    let whole = is_integer(&table, value_column);
    let years: Vec<serde_json::Value> = r
        .years
        .iter()
        .map(|(y, x)| serde_json::json!({"year": y, "value": number_json(*x, whole)}))
        .collect();
    let expression = format!("{derived} | {NAME}(date=\"{date}\", value=\"{value_column}\")");
    let figure = serde_json::json!({
        "year": r.year,
        "through": r.through.to_string(),
        "value": number_json(r.value, whole),
        "rank": r.rank,
        "years_compared": r.years_compared,
        "years": years,
    });
    Ok((expression, Value::from_serializable(&figure)))
}

/// A number as JSON: whole when `whole` and it is.
fn number_json(x: f64, whole: bool) -> serde_json::Value {
    if whole && x.fract() == 0.0 && x.abs() < 9.0e15 {
        serde_json::Value::from(x as i64)
    } else {
        serde_json::Value::from(x)
    }
}

/// A cell as a derivation shows it: quoted unless a number.
fn show(cell: &Cell) -> String {
    match cell {
        Cell::Date(d) => format!("\"{d}\""),
        Cell::Integer(n) => n.to_string(),
        Cell::Decimal(x) => x.to_string(),
        Cell::Text(t) => format!("\"{}\"", t.escape_debug()),
        Cell::Empty => "none".into(),
    }
}
