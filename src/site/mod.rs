//! The build driver: load → validate → model → charts → render → output,
//! one named step per stage. Each file goes to a sink as soon as it is
//! made: straight into the new output folder ([`build_into`]), or into
//! memory ([`build`]).
//!
//! - `plan.rs`: what a build is asked to do, checked once ([`BuildPlan`]);
//! - `inputs.rs`: the data validated and modelled, the briefs to publish;
//! - `reuse.rs`: the previous build's pages that can be kept;
//! - `pages.rs`: the pages rendered.

mod inputs;
mod pages;
mod plan;
mod reuse;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::charts::ChartSet;
use crate::error::{Error, Result};
use crate::manifest::{BriefEntry, BuildRecord, MANIFEST_PATH, Manifest};
use crate::model::Figures;
use crate::output::{MemorySink, Sink, Staging, free_later};
use crate::project::Project;

pub use inputs::{Modelled, model};
pub use pages::{BriefText, INDEX_TEXT, brief_texts};
pub use plan::{BuildOptions, BuildPlan, normalise_base_url};
pub use reuse::{PreviousBuild, PreviousFiles};

/// The tool's version, shown on every brief.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a build made, the files aside.
#[derive(Debug, Clone)]
pub struct Built {
    /// The plan the site was built to.
    pub plan: BuildPlan,
    /// The crossings' figures the briefs quote, when the project has the
    /// crossings.
    pub figures: Option<Figures>,
    /// The briefs published, newest first.
    pub briefs: Vec<String>,
    /// How many charts the site has.
    pub charts: usize,
    /// How many briefs were rendered this time (the others were reused
    /// unchanged from the previous build).
    pub rendered: usize,
    /// How many files the site has, the manifest included.
    pub files: usize,
    /// What the user should hear although the build succeeded (folders
    /// left by earlier builds that could not be removed).
    pub warnings: Vec<String>,
}

/// A built site, in memory.
#[derive(Debug, Clone)]
pub struct Site {
    /// Every output file by its path under `output/`.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The plan the site was built to.
    pub plan: BuildPlan,
    /// The crossings' figures the briefs quote, when the project has the
    /// crossings.
    pub figures: Option<Figures>,
    /// The briefs published, newest first.
    pub briefs: Vec<String>,
    /// How many charts the site has.
    pub charts: usize,
    /// How many briefs were rendered this time (the others were reused
    /// unchanged from the previous build).
    pub rendered: usize,
}

/// Builds the site of `project` in memory.
pub fn build(project: &Project, options: &BuildOptions) -> Result<Site> {
    build_with(project, options, None)
}

/// Builds the site of `project` in memory, reusing from `previous` every
/// brief page (and its charts) whose inputs have not changed. The result is
/// the same bytes as a clean build.
pub fn build_with(
    project: &Project,
    options: &BuildOptions,
    previous: Option<&PreviousBuild>,
) -> Result<Site> {
    let sink = Arc::new(MemorySink::default());
    let built = build_to(
        project,
        options,
        (previous, &|_, _| {}),
        Arc::clone(&sink) as Arc<dyn Sink>,
    )?;
    // The engine held by the build is gone; the sink is ours alone again.
    let files = Arc::try_unwrap(sink)
        .map(MemorySink::into_files)
        .map_err(|_| Error::new("the build still holds its files (a bug in brief)"))?;
    Ok(Site {
        files,
        plan: built.plan,
        figures: built.figures,
        briefs: built.briefs,
        charts: built.charts,
        rendered: built.rendered,
    })
}

/// Builds the site of `project` into the folder `out`: each file is
/// written to a new folder beside it as soon as it is made (a large site is
/// never held in memory whole), then swapped in for the old site at once.
/// On any error `out` is left exactly as it was. Pages of `previous` whose
/// inputs have not changed are reused. `progress` hears how many of the
/// briefs to render have been rendered, and of how many, as a large site
/// goes along.
pub fn build_into(
    project: &Project,
    options: &BuildOptions,
    previous: Option<&PreviousBuild>,
    out: &std::path::Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Built> {
    // Staging checks that `out` is a folder a site may replace.
    crate::output::check_not_project_folder(&project.root, out)?;
    let staging = Arc::new(Staging::begin(out)?);
    let mut built = build_to(
        project,
        options,
        (previous, progress),
        Arc::clone(&staging) as Arc<dyn Sink>,
    )?;
    let staging = Arc::try_unwrap(staging)
        .map_err(|_| Error::new("the build still holds its output (a bug in brief)"))?;
    built.warnings = staging.finish()?;
    Ok(built)
}

/// Builds the site of `project` into `sink`, stage by stage.
fn build_to(
    project: &Project,
    options: &BuildOptions,
    (previous, progress): (Option<&PreviousBuild>, &(dyn Fn(usize, usize) + Sync)),
    sink: Arc<dyn Sink>,
) -> Result<Built> {
    // Validate and model the data; beside it, read the briefs' front
    // matter: the two do not depend on each other.
    let (modelled, briefs) = rayon::join(
        || model(project, options),
        || inputs::published_briefs(project, options.drafts),
    );
    let Modelled {
        inputs,
        figures,
        seen,
        ..
    } = modelled?;
    let briefs = briefs?;
    // Plan: what was asked, checked once; every later stage reads the plan.
    let plan = BuildPlan::new(options, &project.config, &inputs.span)?;
    // Charts are drawn as the briefs place them; the templates are parsed
    // before anything is reused, so that their errors come first.
    let charts = ChartSet::new(figures.as_ref().zip(seen.as_ref()), inputs.pilot.as_ref());
    let render = pages::Render::new(
        project,
        &inputs,
        figures.as_ref(),
        charts,
        &plan,
        Arc::clone(&sink),
    )?;
    // Titles and summaries may be expressions of the figures too.
    let briefs = render.front_matter(briefs)?;
    // Reuse the previous build's unchanged pages; render the others.
    let mut reuse = reuse::sort_out(project, &plan, &briefs, previous);
    reuse.put_files(&*sink)?;
    let rendered = render.pages(&briefs, &reuse.stale, progress)?;
    let rendered_count = rendered.len();
    let mut records = reuse.records;
    records.extend(rendered);
    // Record what was made, last.
    write_derived(&records, &*sink)?;
    let (charts, files) = write_manifest(project, &plan, records, &*sink)?;
    render.finish();
    Ok(Built {
        plan,
        figures,
        briefs: briefs.iter().map(|b| b.slug.clone()).collect(),
        charts,
        rendered: rendered_count,
        files,
        warnings: Vec::new(),
    })
}

/// Writes the manifest, last: every file put, the inputs, the briefs'
/// Writes `derived.json`, every figure each brief derived from a table with
/// the expression that made it, when any brief derived one (reused briefs'
/// come from their manifest entries, so a partial build lists them too).
fn write_derived(records: &BTreeMap<String, BriefEntry>, sink: &dyn Sink) -> Result<()> {
    let briefs: BTreeMap<&String, &Vec<crate::manifest::DerivedFigure>> = records
        .iter()
        .filter(|(_, entry)| !entry.derived.is_empty())
        .map(|(slug, entry)| (slug, &entry.derived))
        .collect();
    if briefs.is_empty() {
        return Ok(());
    }
    let mut json = serde_json::to_string_pretty(&serde_json::json!({ "briefs": briefs }))
        .map_err(|e| Error::new(format!("could not serialise the derived figures: {e}")))?;
    json.push('\n');
    sink.put(DERIVED_PATH, json.as_bytes())
}

/// Where the derived figures go under the output folder.
pub const DERIVED_PATH: &str = "derived.json";

/// `records` and the options asked for. Gives how many charts and files the
/// site has.
fn write_manifest(
    project: &Project,
    plan: &BuildPlan,
    records: BTreeMap<String, BriefEntry>,
    sink: &dyn Sink,
) -> Result<(usize, usize)> {
    let build = BuildRecord::from(&plan.asked);
    let outputs = sink.take_outputs();
    let charts = records
        .values()
        .flat_map(|entry| &entry.charts)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let manifest = Manifest::new(&project.inputs, outputs, records, build, VERSION);
    sink.put(MANIFEST_PATH, manifest.to_json().as_bytes())?;
    let files = manifest.outputs.len() + 1;
    free_later(manifest);
    Ok((charts, files))
}
