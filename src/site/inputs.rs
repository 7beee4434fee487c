//! The build's inputs, checked: the data parsed and validated, the figures
//! computed from it, and the briefs to publish.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::plan::{BuildOptions, DataSpan, resolve_as_of};
use crate::brief::{Brief, parse_brief};
use crate::data::crossings::{Crossings, parse_crossings};
use crate::data::pilot::parse_pilot;
use crate::data::revisions::{Corrections, Release, Version};
use crate::data::table::Table;
use crate::error::{Error, Result};
use crate::hash::hex;
use crate::model::{Figures, PilotParameters, Series, SourceInfo, compute};
use crate::project::{Project, slash_path};

/// The validated inputs of the model.
pub(super) struct Inputs {
    /// The daily series of crossings, when the project has it
    /// (`data/crossings.yaml`): a project of its own tables need not.
    pub(super) crossings: Option<Crossings>,
    pub(super) pilot: Option<PilotParameters>,
    /// `data.<stem>` for templates: every data file but the daily series,
    /// its tables cut at the as-of date (see [`model`]).
    pub(super) data: BTreeMap<String, serde_json::Value>,
    /// The tables, whole, before they are cut at the as-of date.
    tables: BTreeMap<String, Table>,
    /// The crossings' source, when the project has the crossings.
    pub(super) source: Option<SourceInfo>,
    /// The days the data covers, which an as-of date must lie within.
    pub(super) span: DataSpan,
    pub(super) data_hash: String,
    /// The releases the site has published from, and what each revised.
    pub(super) corrections: Corrections,
    /// The figures (top-level keys of `figures.json`) that the newest
    /// release's revisions of earlier days moved.
    pub(super) revised_figures: BTreeSet<String>,
    /// The figures and the series cut at the as-of date as they were
    /// before the newest release's revisions, when it made any: what the
    /// charts are drawn from again, to tell which ones the revisions moved.
    pub(super) before_revisions: Option<(Figures, Series)>,
}

impl Inputs {
    /// The publication date of table `name`, if the project has it.
    pub(super) fn table_released(&self, name: &str) -> Option<Date> {
        self.tables.get(name).map(|t| t.schema.source.released)
    }
}

/// The validated inputs and the figures of one build, before anything is
/// drawn or rendered: what `build` renders and what `diff` compares.
pub struct Modelled {
    pub(super) inputs: Inputs,
    /// The day the build sees the data as of.
    pub as_of: Date,
    /// The crossings' figures, as of the build's date, when the project
    /// has the crossings.
    pub figures: Option<Figures>,
    /// The crossings' series cut at the as-of date, when it has them.
    pub seen: Option<Series>,
}

impl Modelled {
    /// The whole validated crossings data (not cut at the as-of date), when
    /// the project has it.
    pub fn crossings(&self) -> Option<&Crossings> {
        self.inputs.crossings.as_ref()
    }

    /// The returns pilot's parameters, when the project has them.
    pub fn pilot(&self) -> Option<&PilotParameters> {
        self.inputs.pilot.as_ref()
    }

    /// The charts briefs can place: of the crossings, when the project has
    /// them, and of any table.
    pub fn charts(&self) -> crate::charts::ChartSet {
        crate::charts::ChartSet::new(self.figures.as_ref().zip(self.seen.as_ref()), self.pilot())
    }

    /// `figures.json` as a value: the crossings' figures, or for a project
    /// without them only its as-of date (what `diff` renders briefs with).
    pub fn figures_value(&self) -> Result<serde_json::Value> {
        match &self.figures {
            Some(figures) => serde_json::to_value(figures)
                .map_err(|e| Error::new(format!("could not serialise the figures: {e}"))),
            None => Ok(serde_json::json!({ "as_of": self.as_of.to_string() })),
        }
    }
}

/// Validates the data of `project` and computes its figures as of the day
/// `options` ask for. A table is cut at a day asked for too (see
/// [`Table::up_to`]): a build as of a past day says what its rows said
/// then. Without one, a table is whole, whatever day the crossings end on.
pub fn model(project: &Project, options: &BuildOptions) -> Result<Modelled> {
    let mut inputs = validate(project)?;
    let as_of = resolve_as_of(options, &inputs.span)?;
    for (name, table) in &inputs.tables {
        let value = match options.as_of {
            Some(day) => table.clone().up_to(day).to_value(),
            None => table.to_value(),
        };
        inputs.data.insert(name.clone(), value);
    }
    let (Some(crossings), Some(source)) = (&inputs.crossings, &inputs.source) else {
        return Ok(Modelled {
            inputs,
            as_of,
            figures: None,
            seen: None,
        });
    };
    let seen = crossings.series.up_to(as_of);
    let figures = compute(
        &seen,
        inputs.pilot.as_ref(),
        source.clone(),
        project.config.reference_years,
    );
    inputs.corrections = corrections(project, crossings, as_of);
    if let Some(release) = inputs.corrections.latest_revisions() {
        let before = before_revisions(project, &inputs, release, as_of);
        if let Some((before, _)) = &before {
            inputs.revised_figures = figures_moved(&figures, before);
        }
        inputs.before_revisions = before;
    }
    Ok(Modelled {
        inputs,
        as_of,
        figures: Some(figures),
        seen: Some(seen),
    })
}

/// Parses and validates every data file.
pub(super) fn validate(project: &Project) -> Result<Inputs> {
    let crossings = match project.data_file("crossings") {
        Some(file) => Some((parse_crossings(&file.path, &file.text)?, file)),
        None => None,
    };
    let pilot = match (project.data_file("pilot"), &crossings) {
        (Some(f), Some((crossings, _))) => Some(parse_pilot(&f.path, &f.text, &crossings.series)?),
        (Some(f), None) => {
            return Err(Error::in_file(
                &f.path,
                "the returns pilot is counted against the crossings, and there is no data/crossings.yaml",
            )
            .help("expected data/crossings.yaml beside it; make it with `brief import home-office RELEASE.ods`"));
        }
        (None, _) => None,
    };
    // The typed files' own errors come before the untyped reading's.
    let (data, tables) = read_data(project)?;
    let span = match &crossings {
        Some((crossings, _)) => DataSpan::of_crossings(&crossings.series),
        None => DataSpan::of_tables(&tables)?,
    };
    let mut all_data = Sha256::new();
    for file in project.data.iter().chain(&project.tables) {
        all_data.update(slash_path(&file.path).as_bytes());
        all_data.update([0]);
        all_data.update(file.text.as_bytes());
        all_data.update([0]);
    }
    let source = crossings.as_ref().map(|(crossings, file)| {
        let s = &crossings.source;
        SourceInfo {
            publisher: s.publisher.clone(),
            title: s.title.clone(),
            address: s.address.clone(),
            licence: s.licence.clone(),
            released: s.released,
            sha256: hex(&Sha256::digest(file.text.as_bytes())),
        }
    });
    Ok(Inputs {
        crossings: crossings.map(|(crossings, _)| crossings),
        pilot,
        data,
        tables,
        source,
        span,
        data_hash: hex(&all_data.finalize()),
        corrections: Corrections::default(),
        revised_figures: BTreeSet::new(),
        before_revisions: None,
    })
}

/// The corrections log as of `as_of`: every version of the daily series
/// git keeps, then the one in the folder. A committed version this tool
/// cannot read is left out of the log rather than failing the build: the
/// history is told as far as it can be, the build is of today's files.
fn corrections(project: &Project, crossings: &Crossings, as_of: Date) -> Corrections {
    let mut versions: Vec<Version> = project
        .history
        .par_iter()
        .filter_map(|version| Version::read(std::str::from_utf8(&version.bytes).ok()?))
        .collect();
    versions.push(Version::of(crossings));
    Corrections::of(&versions, as_of)
}

/// The figures and the series as of `as_of` with the days `release`
/// revised at their earlier counts.
fn before_revisions(
    project: &Project,
    inputs: &Inputs,
    release: &Release,
    as_of: Date,
) -> Option<(Figures, Series)> {
    let mut days = inputs.crossings.as_ref()?.series.days().to_vec();
    for revised in &release.revised {
        if let Ok(i) = days.binary_search_by_key(&revised.date, |d| d.date) {
            (days[i].people, days[i].boats) = (revised.people.0, revised.boats.0);
        }
    }
    let seen = Series::new(days)?.up_to(as_of);
    let figures = compute(
        &seen,
        inputs.pilot.as_ref(),
        inputs.source.clone()?,
        project.config.reference_years,
    );
    Some((figures, seen))
}

/// The top-level figures that differ between `now` and `before`.
fn figures_moved(now: &Figures, before: &Figures) -> BTreeSet<String> {
    let (Ok(serde_json::Value::Object(now)), Ok(serde_json::Value::Object(before))) =
        (serde_json::to_value(now), serde_json::to_value(before))
    else {
        return BTreeSet::new();
    };
    now.iter()
        .filter(|(name, value)| before.get(*name) != Some(value))
        .map(|(name, _)| name.clone())
        .collect()
}

/// `data.<stem>` for templates: every data file but the daily series, its
/// tables whole. A table (a CSV file with its schema) is typed by its
/// schema (see [`crate::data::table`]); any other YAML file is loaded
/// untyped through the one YAML loader.
pub(super) fn template_data(project: &Project) -> Result<BTreeMap<String, serde_json::Value>> {
    let (mut data, tables) = read_data(project)?;
    for (name, table) in tables {
        data.insert(name, table.to_value());
    }
    Ok(data)
}

/// Every data file but the daily series: the YAML files without a schema,
/// untyped, by stem, and the tables.
type DataFiles = (BTreeMap<String, serde_json::Value>, BTreeMap<String, Table>);

/// Reads every data file but the daily series (see [`template_data`]).
fn read_data(project: &Project) -> Result<DataFiles> {
    let schema = |f: &&crate::project::SourceFile| {
        slash_path(&f.path).ends_with(crate::data::table::SCHEMA_SUFFIX)
    };
    let schemas: Vec<_> = project
        .data
        .iter()
        .filter(schema)
        .map(path_and_text)
        .collect();
    let csvs: Vec<_> = project.tables.iter().map(path_and_text).collect();
    let yamls: Vec<_> = project
        .data
        .iter()
        .filter(|f| !schema(f))
        .map(path_and_text)
        .collect();
    let site_text = project
        .inputs
        .get("site.yaml")
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or_default();
    let in_site = (
        std::path::Path::new("site.yaml"),
        site_text,
        &project.config.tables,
    );
    let tables = crate::data::table::read_tables(&schemas, in_site, &csvs, &yamls)?;
    let mut data = BTreeMap::new();
    for file in project.data.iter().filter(|f| !schema(f)) {
        let stem = file
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        // A YAML file with a schema is a table, read above.
        if let Some(table) = tables.get(&stem) {
            if table.path != file.path {
                return Err(Error::in_file(
                    &file.path,
                    format!("{} is a table named `{stem}` too", slash_path(&table.path)),
                )
                .help("expected one data file for each name under `data`; rename one of them"));
            }
            continue;
        }
        if stem != "crossings" {
            let value: serde_json::Value = crate::yaml::parse(&file.path, &file.text, 0)?;
            data.insert(stem, value);
        }
    }
    Ok((data, tables))
}

/// A file's path and text.
fn path_and_text(file: &crate::project::SourceFile) -> (&std::path::Path, &str) {
    (file.path.as_path(), file.text.as_str())
}

/// The briefs to publish, newest first (then by slug, for a stable order).
pub(super) fn published_briefs(project: &Project, drafts: bool) -> Result<Vec<Brief>> {
    // Parsed in parallel, collected in order: the first bad file in the
    // folder's order is the one reported, whatever the threads did.
    let parsed: Vec<Result<Brief>> = project.briefs.par_iter().map(parse_brief).collect();
    let mut briefs = Vec::new();
    for brief in parsed {
        let brief = brief?;
        if drafts || !brief.front.draft {
            briefs.push(brief);
        }
    }
    briefs.sort_by(|a, b| b.front.date.cmp(&a.front.date).then(a.slug.cmp(&b.slug)));
    Ok(briefs)
}
