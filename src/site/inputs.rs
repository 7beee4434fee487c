//! The build's inputs, checked: the data parsed and validated, the figures
//! computed from it, and the briefs to publish.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::plan::{BuildOptions, resolve_as_of};
use crate::brief::{Brief, parse_brief};
use crate::data::crossings::{Crossings, parse_crossings};
use crate::data::pilot::parse_pilot;
use crate::data::revisions::{Corrections, Release, Version};
use crate::error::{Error, Result};
use crate::hash::hex;
use crate::model::{Figures, PilotParameters, Series, SourceInfo, compute};
use crate::project::{Project, slash_path};

/// The validated inputs of the model.
pub(super) struct Inputs {
    pub(super) crossings: Crossings,
    pub(super) pilot: Option<PilotParameters>,
    /// `data.<stem>` for templates: every data file but the daily series.
    pub(super) data: BTreeMap<String, serde_json::Value>,
    pub(super) source: SourceInfo,
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

/// The validated inputs and the figures of one build, before anything is
/// drawn or rendered: what `build` renders and what `diff` compares.
pub struct Modelled {
    pub(super) inputs: Inputs,
    /// The figures, as of the build's date.
    pub figures: Figures,
    /// The series cut at the as-of date.
    pub seen: Series,
}

impl Modelled {
    /// The whole validated crossings data (not cut at the as-of date).
    pub fn crossings(&self) -> &Crossings {
        &self.inputs.crossings
    }

    /// The returns pilot's parameters, when the project has them.
    pub fn pilot(&self) -> Option<&PilotParameters> {
        self.inputs.pilot.as_ref()
    }
}

/// Validates the data of `project` and computes its figures.
pub fn model(project: &Project, options: &BuildOptions) -> Result<Modelled> {
    let mut inputs = validate(project)?;
    let as_of = resolve_as_of(options, &inputs.crossings.series)?;
    let seen = inputs.crossings.series.up_to(as_of);
    let figures = compute(
        &seen,
        inputs.pilot.as_ref(),
        inputs.source.clone(),
        project.config.reference_years,
    );
    inputs.corrections = corrections(project, &inputs.crossings, as_of);
    if let Some(release) = inputs.corrections.latest_revisions() {
        let before = before_revisions(project, &inputs, release, as_of);
        if let Some((before, _)) = &before {
            inputs.revised_figures = figures_moved(&figures, before);
        }
        inputs.before_revisions = before;
    }
    Ok(Modelled {
        inputs,
        figures,
        seen,
    })
}

/// Parses and validates every data file.
pub(super) fn validate(project: &Project) -> Result<Inputs> {
    let crossings_file = project.data_file("crossings").ok_or_else(|| {
        Error::in_file("data/crossings.yaml", "the crossings data is missing").help(
            "expected data/crossings.yaml; make it with `brief import home-office RELEASE.ods`",
        )
    })?;
    let crossings = parse_crossings(&crossings_file.path, &crossings_file.text)?;
    let pilot = match project.data_file("pilot") {
        Some(f) => Some(parse_pilot(&f.path, &f.text, &crossings.series)?),
        None => None,
    };
    let data = template_data(project)?;
    let mut all_data = Sha256::new();
    for file in project.data.iter().chain(&project.tables) {
        all_data.update(slash_path(&file.path).as_bytes());
        all_data.update([0]);
        all_data.update(file.text.as_bytes());
        all_data.update([0]);
    }
    let s = &crossings.source;
    let source = SourceInfo {
        publisher: s.publisher.clone(),
        title: s.title.clone(),
        address: s.address.clone(),
        licence: s.licence.clone(),
        released: s.released,
        sha256: hex(&Sha256::digest(crossings_file.text.as_bytes())),
    };
    Ok(Inputs {
        crossings,
        pilot,
        data,
        source,
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
    let mut days = inputs.crossings.series.days().to_vec();
    for revised in &release.revised {
        if let Ok(i) = days.binary_search_by_key(&revised.date, |d| d.date) {
            (days[i].people, days[i].boats) = (revised.people.0, revised.boats.0);
        }
    }
    let seen = Series::new(days)?.up_to(as_of);
    let figures = compute(
        &seen,
        inputs.pilot.as_ref(),
        inputs.source.clone(),
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

/// `data.<stem>` for templates: every data file but the daily series. A
/// table (a CSV file with its schema) is typed by its schema (see
/// [`crate::data::table`]); any other YAML file is loaded untyped through
/// the one YAML loader.
pub(super) fn template_data(project: &Project) -> Result<BTreeMap<String, serde_json::Value>> {
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
    for (name, table) in tables {
        data.insert(name, table.to_value());
    }
    Ok(data)
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
