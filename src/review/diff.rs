//! `brief diff`: the numbers a reviewer cares about, between two builds.
//!
//! Each brief is rendered with the old figures and with the new ones and
//! read as plain text, so a change is reported as the reader sees it
//! (`15,472 → 15,897`), in its sentence, whatever filter formatted it. The
//! data change comes first, in a sentence: days added, days revised and by
//! how much, release dates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::data::crossings::Crossings;
use crate::data::revisions::DaysChange;
pub use crate::data::revisions::RevisedDay;
use crate::error::{Error, Result};
use crate::model::{DailyArrivals, Figures};
use crate::project::Project;
use crate::render::branches::{Choice, Taken, figures_read};
use crate::site::{self, BriefText, BuildOptions};
use crate::text::{MONTH_NAMES, MONTHS, long_date};

/// How to print a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Markdown, fit for a pull-request comment.
    #[default]
    Markdown,
    /// JSON, for tools.
    Json,
}

/// What changed in the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataChange {
    /// The change in a sentence.
    pub summary: String,
    /// The crossings' release dates before and after, when both sides
    /// have the crossings.
    pub released: Option<(Date, Date)>,
    /// As-of dates before and after.
    pub as_of: (Date, Date),
    /// Days in the new data and not the old.
    pub days_added: Vec<Date>,
    /// Days in the old data and not the new.
    pub days_removed: Vec<Date>,
    /// Days in both whose counts differ.
    pub days_revised: Vec<RevisedDay>,
    /// Other data files that changed (`data/pilot.yaml`).
    pub files_changed: Vec<String>,
}

/// One number that reads differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberChange {
    /// As the brief said it.
    pub before: String,
    /// As the brief says it now.
    pub after: String,
    /// The difference, where both are numbers (`+425`, `+0.3 pts`).
    pub change: Option<String>,
    /// The words around it.
    pub context: String,
}

/// How a brief fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Some number it shows changed.
    Changed,
    /// It reads exactly as before.
    Unchanged,
    /// New in this change.
    Added,
    /// Gone in this change.
    Removed,
}

/// One brief's changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefChange {
    /// The brief's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its title before, when the new figures changed it (a title of
    /// expressions).
    pub title_was: Option<String>,
    /// Its source file.
    pub path: String,
    /// Changed, unchanged, added or removed.
    pub status: Status,
    /// The numbers that read differently.
    pub changes: Vec<NumberChange>,
    /// The sentences the new figures switched: `{% if %}` choices that
    /// now take another arm.
    pub flipped: Vec<FlippedChoice>,
}

/// A choice of a brief that takes another arm with the new figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlippedChoice {
    /// The line of its `{% if %}` in the brief's file.
    pub line: usize,
    /// Its conditions, as written.
    pub conditions: Vec<String>,
    /// The figures they read.
    pub figures: Vec<String>,
    /// The text it gave before ("" when no arm was taken).
    pub before: String,
    /// The text it gives now.
    pub after: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The data change.
    pub data: DataChange,
    /// Each brief, in the order of the new site's index.
    pub briefs: Vec<BriefChange>,
}

/// Compares two `figures.json` files, reading the current project's briefs
/// with each.
pub fn diff_figure_files(project: &Project, old_path: &Path, new_path: &Path) -> Result<Report> {
    let read = |path: &Path| -> Result<(serde_json::Value, Figures0)> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", &e))?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            let what = e.to_string();
            let what = what.split(" at line ").next().unwrap_or("").to_string();
            Error::in_file(path, format!("this is not JSON ({what})"))
                .at(e.line(), e.column(), Some(&text))
                .help("expected a figures.json written by `brief build`")
        })?;
        let head = Figures0::of(&value).ok_or_else(|| {
            Error::in_file(path, "this JSON has no `as_of` and `source.released`")
                .help("expected a figures.json written by `brief build`")
        })?;
        Ok((value, head))
    };
    let (old, old_head) = read(old_path)?;
    let (new, new_head) = read(new_path)?;
    let data = DataChange {
        summary: figures_only_summary(&old_head, &new_head),
        released: Some((old_head.released, new_head.released)),
        as_of: (old_head.as_of, new_head.as_of),
        days_added: Vec::new(),
        days_removed: Vec::new(),
        days_revised: Vec::new(),
        files_changed: Vec::new(),
    };
    // The briefs are the project's; only the figures differ between the
    // two renders, so a render that fails is the figures file's fault.
    let before = site::brief_texts(project, (&old, None), false)
        .map_err(|e| figures_file_error(old_path, &new, &old, e))?;
    let after = site::brief_texts(project, (&new, None), false)
        .map_err(|e| figures_file_error(new_path, &old, &new, e))?;
    Ok(Report {
        data,
        briefs: compare_briefs(&before, &after),
    })
}

/// A brief that could not be rendered with the figures of `path`: the
/// error names that file and the first key whose value is of another kind
/// than in the `other` file (or missing), with the brief's error after it.
fn figures_file_error(
    path: &Path,
    other: &serde_json::Value,
    this: &serde_json::Value,
    brief_error: Error,
) -> Error {
    let key = first_mismatch(other, this, String::new());
    let message = match &key {
        Some((key, found)) => format!(
            "`{key}` is {found}, which the briefs cannot use (the other file's value is of another kind)"
        ),
        None => "the briefs cannot be rendered with these figures".to_string(),
    };
    let place = brief_error.location().unwrap_or_default();
    Error::in_file(
        path,
        format!("{message} ({place}: {})", brief_error.message),
    )
    .help("expected a figures.json written by `brief build`, with every figure the briefs use")
}

/// The first key (dotted, `ytd.people`) where `this` has no value or one
/// of another JSON kind than `other`, and what `this` has there.
fn first_mismatch(
    other: &serde_json::Value,
    this: &serde_json::Value,
    at: String,
) -> Option<(String, String)> {
    use serde_json::Value;
    let kind = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    let child = |key: &str| {
        if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        }
    };
    match (other, this) {
        (Value::Object(a), Value::Object(b)) => {
            a.iter().find_map(|(key, value)| match b.get(key) {
                Some(mine) => first_mismatch(value, mine, child(key)),
                None => Some((child(key), "missing".to_string())),
            })
        }
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_mismatch(x, y, child(&i.to_string()))),
        (a, b) if kind(a) != kind(b) && !a.is_null() => {
            let shown = match b {
                Value::String(s) => format!("“{}” ({})", s.escape_debug(), kind(b)),
                _ => format!("{b} ({})", kind(b)),
            };
            Some((at, shown))
        }
        _ => None,
    }
}

/// Compares the project as it is at git revision `rev` with the working tree.
pub fn diff_revision(root: &Path, rev: &str) -> Result<Report> {
    let old_files = super::git::read_revision(root, rev)?;
    let at_rev = |e: Error| {
        let mut e = e;
        e.message = format!("at {rev}: {}", e.message);
        e
    };
    let old_project = Project::from_files(root, old_files).map_err(at_rev)?;
    let new_project = Project::load(root)?;
    let options = BuildOptions::default();
    let old = site::model(&old_project, &options).map_err(at_rev)?;
    let new = site::model(&new_project, &options)?;
    let texts = |project: &Project, m: &site::Modelled| -> Result<Vec<BriefText>> {
        let charts = std::sync::Arc::new(m.charts());
        site::brief_texts(project, (&m.figures_value()?, Some(charts)), false)
    };
    let before = texts(&old_project, &old).map_err(at_rev)?;
    let after = texts(&new_project, &new)?;
    let mut files_changed = changed_data_files(&old_project, &new_project);
    fn crossings(m: &site::Modelled) -> Option<(&Crossings, &Figures)> {
        m.crossings().zip(m.figures.as_ref())
    }
    let data = match (crossings(&old), crossings(&new)) {
        (Some((old_c, old_f)), Some((new_c, new_f))) => data_change(
            old_c.series.days(),
            new_c.series.days(),
            (old_f, new_f),
            files_changed,
        ),
        (old_c, new_c) => {
            match (old_c.is_some(), new_c.is_some()) {
                (false, true) => files_changed.insert(0, "data/crossings.yaml (new)".into()),
                (true, false) => files_changed.insert(0, "data/crossings.yaml (removed)".into()),
                _ => {}
            }
            tables_change((old.as_of, new.as_of), files_changed)
        }
    };
    Ok(Report {
        data,
        briefs: compare_briefs(&before, &after),
    })
}

/// The data's change for a project without the crossings' daily series
/// on both sides: the files that changed, as of which days.
fn tables_change(as_of: (Date, Date), files_changed: Vec<String>) -> DataChange {
    let summary = if files_changed.is_empty() {
        "No data file changed.".to_string()
    } else {
        format!("Changed: {}.", files_changed.join(", "))
    };
    DataChange {
        summary,
        released: None,
        as_of,
        days_added: Vec::new(),
        days_removed: Vec::new(),
        days_revised: Vec::new(),
        files_changed,
    }
}

/// The two dates a figures file is identified by.
struct Figures0 {
    as_of: Date,
    released: Date,
}

impl Figures0 {
    fn of(value: &serde_json::Value) -> Option<Figures0> {
        Some(Figures0 {
            as_of: value.get("as_of")?.as_str()?.parse().ok()?,
            released: value
                .get("source")?
                .get("released")?
                .as_str()?
                .parse()
                .ok()?,
        })
    }
}

fn figures_only_summary(old: &Figures0, new: &Figures0) -> String {
    let days = (new.as_of - old.as_of).get_days();
    let moved = match days {
        0 => format!("The figures are as of {} in both", long_date(new.as_of)),
        d if d > 0 => format!(
            "The figures move from {} to {}, {d} day{} later",
            long_date(old.as_of),
            long_date(new.as_of),
            if d == 1 { "" } else { "s" }
        ),
        d => format!(
            "The figures move back from {} to {}, {} day{} earlier",
            long_date(old.as_of),
            long_date(new.as_of),
            -d,
            if d == -1 { "" } else { "s" }
        ),
    };
    let release = if old.released == new.released {
        format!("release of {}", long_date(new.released))
    } else {
        format!(
            "release of {} → {}",
            long_date(old.released),
            long_date(new.released)
        )
    };
    format!("{moved} ({release}).")
}

/// Data files other than the daily series whose bytes differ; a table's
/// CSV says how many rows changed (`data/counts.csv (1 row changed)`).
fn changed_data_files(old: &Project, new: &Project) -> Vec<String> {
    let files = |p: &Project| -> BTreeMap<String, String> {
        p.data
            .iter()
            .chain(&p.tables)
            .filter(|f| f.path.file_stem().and_then(|s| s.to_str()) != Some("crossings"))
            .map(|f| (crate::project::slash_path(&f.path), f.text.clone()))
            .collect()
    };
    let (a, b) = (files(old), files(new));
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|n| a.get(*n) != b.get(*n))
        .map(|n| match (a.get(n), b.get(n)) {
            (Some(before), Some(after)) if n.ends_with(".csv") => {
                format!("{n} ({})", rows_changed(before, after))
            }
            (None, Some(_)) => format!("{n} (new)"),
            (Some(_), None) => format!("{n} (removed)"),
            _ => n.clone(),
        })
        .collect()
}

/// How the rows of a CSV file changed, in words: "1 row changed", "2 rows
/// added, 1 removed".
fn rows_changed(before: &str, after: &str) -> String {
    let diff = similar::TextDiff::from_lines(before, after);
    let (mut removed, mut added) = (0usize, 0usize);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    let changed = removed.min(added);
    let rows = |n: usize| if n == 1 { "row" } else { "rows" };
    let mut parts = Vec::new();
    if changed > 0 {
        parts.push(format!("{changed} {} changed", rows(changed)));
    }
    if added > changed {
        let n = added - changed;
        parts.push(format!("{n} {} added", rows(n)));
    }
    if removed > changed {
        let n = removed - changed;
        parts.push(format!("{n} {} removed", rows(n)));
    }
    if parts.is_empty() {
        "reformatted".into()
    } else {
        parts.join(", ")
    }
}

/// The data change between two daily series, in numbers and a sentence.
fn data_change(
    old: &[DailyArrivals],
    new: &[DailyArrivals],
    (old_fig, new_fig): (&Figures, &Figures),
    files_changed: Vec<String>,
) -> DataChange {
    let days = DaysCompared::new(old, new);
    let mut parts = Vec::new();
    parts.extend(days.added_phrase());
    let DaysChange {
        added,
        removed,
        revised,
    } = days.change;
    parts.extend(revised_phrase(&revised));
    if !removed.is_empty() {
        parts.push(format!(
            "{} day{} removed",
            removed.len(),
            if removed.len() == 1 { "" } else { "s" }
        ));
    }
    let release = if old_fig.source.released == new_fig.source.released {
        format!("the release of {}", long_date(new_fig.source.released))
    } else {
        format!(
            "the release of {} → {}",
            long_date(old_fig.source.released),
            long_date(new_fig.source.released)
        )
    };
    let mut summary = if parts.is_empty() {
        format!("The daily series is unchanged ({release})")
    } else {
        format!("Crossings: {} — {release}", parts.join(", "))
    };
    if !files_changed.is_empty() {
        summary.push_str(&format!("; also changed: {}", files_changed.join(", ")));
    }
    summary.push('.');
    DataChange {
        summary,
        released: Some((old_fig.source.released, new_fig.source.released)),
        as_of: (old_fig.as_of, new_fig.as_of),
        days_added: added,
        days_removed: removed,
        days_revised: revised,
        files_changed,
    }
}

/// Two daily series set side by side, day by day.
struct DaysCompared<'a> {
    /// The new series' days, by date.
    new_days: BTreeMap<Date, &'a DailyArrivals>,
    /// Days added, removed and revised.
    change: DaysChange,
}

impl<'a> DaysCompared<'a> {
    fn new(old: &'a [DailyArrivals], new: &'a [DailyArrivals]) -> DaysCompared<'a> {
        DaysCompared {
            new_days: new.iter().map(|d| (d.date, d)).collect(),
            change: DaysChange::between(old, new),
        }
    }

    /// "2 days added (3 August 2026 to 4 August 2026; 7 people)", if any were.
    fn added_phrase(&self) -> Option<String> {
        let added = &self.change.added;
        let (first, last) = (added.first()?, added.last()?);
        let people: u64 = added
            .iter()
            .filter_map(|d| self.new_days.get(d))
            .map(|d| d.people)
            .sum();
        Some(format!(
            "{} day{} added ({}{}; {} people)",
            added.len(),
            if added.len() == 1 { "" } else { "s" },
            long_date(*first),
            if first == last {
                String::new()
            } else {
                format!(" to {}", long_date(*last))
            },
            crate::text::fmt_num(people as f64, 0)
        ))
    }
}

/// "1 day revised (2 August 2026: people 20 → 25; net +5 people)", naming
/// the first five days revised, if any were.
fn revised_phrase(revised: &[RevisedDay]) -> Option<String> {
    if revised.is_empty() {
        return None;
    }
    let shown: Vec<String> = revised
        .iter()
        .take(5)
        .map(|r| {
            let mut what = Vec::new();
            if r.people.0 != r.people.1 {
                what.push(format!("people {} → {}", r.people.0, r.people.1));
            }
            if r.boats.0 != r.boats.1 {
                what.push(format!("boats {} → {}", r.boats.0, r.boats.1));
            }
            format!("{}: {}", long_date(r.date), what.join(", "))
        })
        .collect();
    let net: i64 = revised
        .iter()
        .map(|r| r.people.1 as i64 - r.people.0 as i64)
        .sum();
    Some(format!(
        "{} day{} revised ({}{}; net {} people)",
        revised.len(),
        if revised.len() == 1 { "" } else { "s" },
        shown.join("; "),
        if revised.len() > 5 { "; …" } else { "" },
        signed(net as f64, 0)
    ))
}

/// Pairs briefs by slug, in the new index order, then the removed ones.
fn compare_briefs(before: &[BriefText], after: &[BriefText]) -> Vec<BriefChange> {
    let old: BTreeMap<&str, &BriefText> = before.iter().map(|b| (b.slug.as_str(), b)).collect();
    let mut out = Vec::new();
    for new in after {
        let (status, changes, flipped) = match old.get(new.slug.as_str()) {
            None => (Status::Added, Vec::new(), Vec::new()),
            Some(old) => {
                let changes = number_changes(&old.text, &new.text);
                let flipped = flipped_choices(&old.choices, &new.choices);
                if changes.is_empty() && flipped.is_empty() && old.title == new.title {
                    (Status::Unchanged, changes, flipped)
                } else {
                    (Status::Changed, changes, flipped)
                }
            }
        };
        let title_was = old
            .get(new.slug.as_str())
            .filter(|old| old.title != new.title)
            .map(|old| old.title.clone());
        out.push(BriefChange {
            slug: new.slug.clone(),
            title: new.title.clone(),
            title_was,
            path: new.path.clone(),
            status,
            changes,
            flipped,
        });
    }
    let new_slugs: BTreeSet<&str> = after.iter().map(|b| b.slug.as_str()).collect();
    for gone in before
        .iter()
        .filter(|b| !new_slugs.contains(b.slug.as_str()))
    {
        out.push(BriefChange {
            slug: gone.slug.clone(),
            title: gone.title.clone(),
            title_was: None,
            path: gone.path.clone(),
            status: Status::Removed,
            changes: Vec::new(),
            flipped: Vec::new(),
        });
    }
    out
}

/// The choices that take another arm in `new` than in `old`. A choice is
/// matched with the first one of `old` not yet matched that has the same
/// conditions, so that an edit elsewhere in the brief moves no pairing; a
/// choice whose arm cannot be told on either side is left out.
fn flipped_choices(old: &[(Choice, Taken)], new: &[(Choice, Taken)]) -> Vec<FlippedChoice> {
    let conditions = |c: &Choice| -> Vec<Option<String>> {
        c.arms.iter().map(|a| a.condition.clone()).collect()
    };
    let mut used = vec![false; old.len()];
    let mut out = Vec::new();
    for (choice, now) in new {
        let Some(i) =
            (0..old.len()).find(|&i| !used[i] && conditions(&old[i].0) == conditions(choice))
        else {
            continue;
        };
        used[i] = true;
        let (before_choice, then) = &old[i];
        if then == now || *then == Taken::Unknown || *now == Taken::Unknown {
            continue;
        }
        let text = |c: &Choice, t: &Taken| match t {
            Taken::Arm(k) => c.arms.get(*k).map_or(String::new(), |a| a.text.clone()),
            _ => String::new(),
        };
        let written: Vec<String> = choice
            .arms
            .iter()
            .filter_map(|a| a.condition.clone())
            .collect();
        let mut figures: Vec<String> = written.iter().flat_map(|c| figures_read(c)).collect();
        figures.sort();
        figures.dedup();
        out.push(FlippedChoice {
            line: choice.arms.first().map_or(0, |a| a.line),
            conditions: written,
            figures,
            before: text(before_choice, then),
            after: text(choice, now),
        });
    }
    out
}

/// The changed stretches of text that hold a figure, word by word.
pub fn number_changes(old: &str, new: &str) -> Vec<NumberChange> {
    let old_words: Vec<&str> = old.split_whitespace().collect();
    let new_words: Vec<&str> = new.split_whitespace().collect();
    let mut changes = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_words, &new_words) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        let (mut o_end, mut n_end) = (old_range.end, new_range.end);
        // A day number is read with its month and year: "13 → 20 August 2026"
        // becomes "13 August 2026 → 20 August 2026".
        while o_end < old_words.len()
            && n_end < new_words.len()
            && old_words[o_end] == new_words[n_end]
            && (is_month(old_words[o_end]) || (o_end > old_range.end && is_year(old_words[o_end])))
        {
            o_end += 1;
            n_end += 1;
        }
        let before = old_words[old_range.start..o_end].join(" ");
        let after = new_words[new_range.start..n_end].join(" ");
        if !has_digit(&before) && !has_digit(&after) {
            continue;
        }
        let lead = new_range.start.saturating_sub(8);
        let context_before = new_words[lead..new_range.start].join(" ");
        let trail = (n_end + 6).min(new_words.len());
        let context_after = new_words[n_end..trail].join(" ");
        changes.push(NumberChange {
            change: difference(&before, &after),
            before,
            after,
            context: format!(
                "{}{context_before} … {context_after}{}",
                if lead > 0 { "…" } else { "" },
                if trail < new_words.len() { "…" } else { "" }
            )
            .trim()
            .to_string(),
        });
    }
    changes
}

fn is_month(word: &str) -> bool {
    let word = word.trim_end_matches([',', '.', ';', ':']);
    MONTH_NAMES.contains(&word) || MONTHS.contains(&word)
}

fn is_year(word: &str) -> bool {
    let w = word.trim_end_matches([',', '.', ';', ':', ')']);
    w.len() == 4 && w.chars().all(|c| c.is_ascii_digit())
}

fn has_digit(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

/// A number as a brief writes it (`15,897`, `8.8%`, `−3.2`, `(40.8%)`),
/// with whether it is a percentage.
fn parse_number(text: &str) -> Option<(f64, bool)> {
    let t = text
        .trim_start_matches(['(', '*', '“'])
        .trim_end_matches([')', '.', ',', ';', ':', '*', '”']);
    let (t, pct) = match t.strip_suffix('%') {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    let t = t.replace(',', "").replace('−', "-");
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| (v, pct))
}

/// `+425`, `−3.2 pts`; `None` unless both sides are one number of one kind.
fn difference(before: &str, after: &str) -> Option<String> {
    let (a, a_pct) = parse_number(before)?;
    let (b, b_pct) = parse_number(after)?;
    if a_pct != b_pct {
        return None;
    }
    let places = [before, after]
        .iter()
        .map(|s| {
            let digits = s.trim_end_matches(|c: char| !c.is_ascii_digit());
            digits.split_once('.').map_or(0, |(_, f)| f.len())
        })
        .max()
        .unwrap_or(0);
    // Numbers are written with at most six decimals (see `fmt_num`).
    let text = signed(b - a, places.min(6) as u8);
    Some(if a_pct { format!("{text} pts") } else { text })
}

/// A signed number with thousands separators and a true minus.
fn signed(value: f64, places: u8) -> String {
    let text = crate::text::fmt_num(value, places);
    if value > 0.0 && text.chars().any(|c| ('1'..='9').contains(&c)) {
        format!("+{text}")
    } else {
        text
    }
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl Report {
    /// Whether nothing a reader sees changed.
    pub fn is_unchanged(&self) -> bool {
        self.briefs.iter().all(|b| b.status == Status::Unchanged)
    }

    /// The report as Markdown for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("## What changes in the briefs\n\n");
        out.push_str(&self.flipped_markdown());
        out.push_str(&format!("**Data.** {}\n\n", self.data.summary));
        out.push_str(&revised_days_table(&self.data.days_revised));
        if self.is_unchanged() {
            out.push_str("No figure in any brief changed: every brief reads as before.\n");
            return out;
        }
        let mut unchanged = Vec::new();
        for brief in &self.briefs {
            let heading = format!("{} (`{}`)", brief.title, brief.path);
            let mut head = format!("### {heading}\n\n");
            if let Some(was) = &brief.title_was {
                head.push_str(&format!("Its title was “{}”.\n\n", cell(was)));
            }
            match brief.status {
                Status::Unchanged => unchanged.push(heading),
                Status::Added => out.push_str(&format!("{head}A new brief.\n\n")),
                Status::Removed => out.push_str(&format!("{head}Removed.\n\n")),
                Status::Changed if brief.changes.is_empty() && brief.flipped.is_empty() => {
                    out.push_str(&format!("{head}No figure reads differently.\n\n"))
                }
                Status::Changed if brief.changes.is_empty() => out.push_str(&format!(
                    "{head}No figure reads differently; its words change (above).\n\n"
                )),
                Status::Changed => {
                    let n = brief.changes.len();
                    out.push_str(&format!(
                        "{head}{n} figure{} read{} differently:\n\n| Before | After | Change | In the text |\n|---:|---:|---:|---|\n",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "s" } else { "" }
                    ));
                    for c in &brief.changes {
                        out.push_str(&format!(
                            "| {} | {} | {} | {} |\n",
                            cell(&c.before),
                            cell(&c.after),
                            c.change.as_deref().unwrap_or(""),
                            cell(&c.context)
                        ));
                    }
                    out.push('\n');
                }
            }
        }
        if !unchanged.is_empty() {
            out.push_str("**Unchanged:**\n\n");
            for u in unchanged {
                out.push_str(&format!("- {u}\n"));
            }
        }
        out
    }

    /// The sentences the new figures switched, first in the report: the
    /// numbers around them are right, the words may not be.
    fn flipped_markdown(&self) -> String {
        let flips: Vec<(&BriefChange, &FlippedChoice)> = self
            .briefs
            .iter()
            .flat_map(|b| b.flipped.iter().map(move |f| (b, f)))
            .collect();
        if flips.is_empty() {
            return String::new();
        }
        let mut out = String::from(
            "**Sentences to reread.** The new figures switch these choices of words:\n\n",
        );
        let quote = |t: &str| {
            if t.is_empty() {
                "(nothing)".to_string()
            } else {
                format!("*{}*", cell(t))
            }
        };
        for (brief, f) in flips {
            out.push_str(&format!(
                "- `{}:{}` — {} → {} (`{}`, reading {})\n",
                brief.path,
                f.line,
                quote(&f.before),
                quote(&f.after),
                f.conditions.join("` / `"),
                f.figures.join(", ")
            ));
        }
        out.push('\n');
        out
    }

    /// The report as JSON for tools.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }
}

/// Every revised day with its counts before and after, as a Markdown
/// table (folded away when long): the summary names only the first five.
fn revised_days_table(revised: &[RevisedDay]) -> String {
    if revised.is_empty() {
        return String::new();
    }
    let change = |(before, after): (u64, u64)| {
        if before == after {
            crate::text::fmt_count(after)
        } else {
            format!(
                "{} → {}",
                crate::text::fmt_count(before),
                crate::text::fmt_count(after)
            )
        }
    };
    let mut table = String::from("| Day revised | People | Boats |\n|---|---:|---:|\n");
    for r in revised {
        table.push_str(&format!(
            "| {} | {} | {} |\n",
            long_date(r.date),
            change(r.people),
            change(r.boats)
        ));
    }
    if revised.len() <= 10 {
        return format!("{table}\n");
    }
    format!(
        "<details><summary>The {} days revised</summary>\n\n{table}\n</details>\n\n",
        revised.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tables_rows_are_counted_as_changed_added_and_removed() {
        let before = "d,n\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n";
        assert_eq!(
            rows_changed(before, &before.replace(",2\n", ",5\n")),
            "1 row changed"
        );
        assert_eq!(
            rows_changed(before, &format!("{before}2020-04-01,4\n2020-05-01,5\n")),
            "2 rows added"
        );
        assert_eq!(
            rows_changed(before, "d,n\n2020-01-01,1\n"),
            "2 rows removed"
        );
        assert_eq!(
            rows_changed(
                before,
                "d,n\n2020-01-01,9\n2020-02-01,2\n2020-03-01,3\n2020-04-01,4\n"
            ),
            "1 row changed, 1 row added"
        );
    }

    #[test]
    fn every_revised_day_is_listed_with_its_counts() {
        let day = |d: i8, people: (u64, u64), boats: (u64, u64)| RevisedDay {
            date: Date::new(2026, 8, d).unwrap(),
            people,
            boats,
        };
        let table = revised_days_table(&[day(2, (20, 25), (1, 1)), day(3, (1500, 1499), (30, 29))]);
        assert_eq!(
            table,
            "| Day revised | People | Boats |\n|---|---:|---:|\n| 2 August 2026 | 20 → 25 | 1 |\n| 3 August 2026 | 1,500 → 1,499 | 30 → 29 |\n\n"
        );
        let many: Vec<RevisedDay> = (1..=12).map(|d| day(d, (1, 2), (0, 0))).collect();
        let table = revised_days_table(&many);
        assert!(table.starts_with("<details><summary>The 12 days revised</summary>"));
        assert_eq!(table.matches(" | 1 → 2 | 0 |").count(), 12);
        assert_eq!(revised_days_table(&[]), "");
    }

    #[test]
    fn a_changed_number_is_reported_as_the_reader_sees_it() {
        let old = "By 13 August 2026, some 15,000 people had crossed, 8.5% of arrivals.";
        let new = "By 20 August 2026, some 16,000 people had crossed, 8.8% of arrivals.";
        let c = number_changes(old, new);
        assert_eq!(c.len(), 3, "{c:?}");
        assert_eq!(c[0].before, "13 August 2026,");
        assert_eq!(c[0].after, "20 August 2026,");
        assert_eq!(c[1].before, "15,000");
        assert_eq!(c[1].after, "16,000");
        assert_eq!(c[1].change.as_deref(), Some("+1,000"));
        assert!(
            c[1].context.contains("some … people had crossed"),
            "{}",
            c[1].context
        );
        assert_eq!(c[2].change.as_deref(), Some("+0.3 pts"));
    }

    #[test]
    fn words_without_figures_are_not_reported() {
        let c = number_changes("a record for the year", "the second-highest for the year");
        assert!(c.is_empty(), "{c:?}");
        assert!(number_changes("same 1,234 text", "same 1,234 text").is_empty());
    }

    #[test]
    fn the_first_figure_of_another_kind_is_named_by_its_key() {
        let old = serde_json::json!({"ytd": {"people": 10, "rank": 2}, "annual": [{"year": 2024}], "pilot": null});
        let found = |new: serde_json::Value| first_mismatch(&old, &new, String::new());
        assert_eq!(
            found(
                serde_json::json!({"ytd": {"people": "lots", "rank": 2}, "annual": [{"year": 2024}]})
            ),
            Some(("ytd.people".into(), "“lots” (text)".into()))
        );
        assert_eq!(
            found(serde_json::json!({"ytd": {"people": 10}, "annual": [{"year": 2024}]})),
            Some(("ytd.rank".into(), "missing".into()))
        );
        assert_eq!(
            found(
                serde_json::json!({"ytd": {"people": 10, "rank": 2}, "annual": [{"year": true}]})
            ),
            Some(("annual.0.year".into(), "true (a boolean)".into()))
        );
        // Other numbers, and a figure that was null, are not of another kind.
        assert_eq!(
            found(
                serde_json::json!({"ytd": {"people": 11, "rank": 1}, "annual": [{"year": 2025}], "pilot": {}})
            ),
            None
        );
    }

    #[test]
    fn differences_keep_decimals_and_signs() {
        assert_eq!(difference("15,897", "15,472").as_deref(), Some("−425"));
        assert_eq!(difference("61.7", "62.0").as_deref(), Some("+0.3"));
        assert_eq!(difference("(40.8%)", "41.0%").as_deref(), Some("+0.2 pts"));
        assert_eq!(difference("8.5%", "900"), None);
        assert_eq!(difference("20 August", "21 August"), None);
    }

    #[test]
    fn data_change_counts_added_and_revised_days() {
        let day = |d: i8, people, boats| DailyArrivals {
            date: Date::new(2026, 8, d).unwrap(),
            people,
            boats,
        };
        let old = vec![day(1, 10, 1), day(2, 20, 1)];
        let new = vec![day(1, 10, 1), day(2, 25, 1), day(3, 7, 1), day(4, 0, 0)];
        let source = crate::model::SourceInfo {
            publisher: "p".into(),
            title: "t".into(),
            address: "a".into(),
            licence: "l".into(),
            released: Date::new(2026, 8, 7).unwrap(),
            sha256: String::new(),
        };
        let series = |days: &[DailyArrivals]| crate::model::Series::new(days.to_vec()).unwrap();
        let f_old = crate::model::compute(&series(&old), None, source.clone(), 3);
        let mut s2 = source.clone();
        s2.released = Date::new(2026, 8, 14).unwrap();
        let f_new = crate::model::compute(&series(&new), None, s2, 3);
        let d = data_change(&old, &new, (&f_old, &f_new), vec!["data/pilot.yaml".into()]);
        assert_eq!(d.days_added.len(), 2);
        assert_eq!(d.days_revised.len(), 1);
        assert_eq!(d.days_revised[0].people, (20, 25));
        assert!(d.summary.starts_with("Crossings: 2 days added (3 August 2026 to 4 August 2026; 7 people), 1 day revised (2 August 2026: people 20 → 25; net +5 people)"), "{}", d.summary);
        assert!(
            d.summary
                .contains("the release of 7 August 2026 → 14 August 2026"),
            "{}",
            d.summary
        );
        assert!(
            d.summary.ends_with("also changed: data/pilot.yaml."),
            "{}",
            d.summary
        );
    }
}
