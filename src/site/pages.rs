//! Rendering the pages: every brief's page, the index, the feed and the
//! sitemap, each checked and put into the sink as soon as it is made; and
//! the briefs as plain text, for `diff`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use super::VERSION;
use super::inputs::{Inputs, published_briefs, template_data};
use super::plan::BuildPlan;
use crate::brief::Brief;
use crate::charts::{ChartSet, PlacedChart};
use crate::data::crossings::provisional_from;
use crate::data::revisions::Release;
use crate::error::{Error, Result};
use crate::manifest::{BranchTaken, BriefEntry};
use crate::model::{Figures, SourceInfo};
use crate::output::{Sink, free_later};
use crate::project::{Project, slash_path};
use crate::render::branches::{self, Choice, Taken};
use crate::render::chart_fn::{
    PlacedCharts, WriteChart, place_figures, register_chart_function, register_no_charts,
};
use crate::render::table_filters::Recorder;
use crate::render::templates::{Engine, TemplateOrigin};
use crate::render::{feed, markdown};
use crate::text::long_date;

/// How many briefs one template engine holds (see [`Render::brief_pages`]):
/// enough that making the engine costs little beside rendering them, few
/// enough that the batches keep every thread busy.
const BRIEFS_PER_ENGINE: usize = 16;

/// Puts a chart's data file and drawing files into `sink`: charts of the
/// same data share the data file, and of the same data and highlight the
/// drawings, which the sink keeps once.
fn chart_writer(sink: &Arc<dyn Sink>) -> WriteChart {
    let sink = Arc::clone(sink);
    Arc::new(move |chart: &PlacedChart| {
        let data = &chart.data;
        sink.put_hashed(data.file(), data.csv().as_bytes(), data.csv_sha256())
            .and_then(|()| {
                [&chart.wide, &chart.narrow]
                    .into_iter()
                    .try_for_each(|drawing| {
                        sink.put_hashed(drawing.file(), drawing.svg().as_bytes(), drawing.sha256())
                    })
            })
            .map_err(|e| e.to_string())
    })
}

/// The provenance line of every brief.
#[derive(Debug, Serialize)]
struct Provenance<'a> {
    /// The crossings' source, when the project has the crossings.
    source: Option<&'a SourceInfo>,
    as_of: Date,
    data_hash: &'a str,
    data_hash_short: &'a str,
    version: &'static str,
    /// The first day whose crossings figures are still provisional (`[p]`).
    provisional_from: Option<Date>,
}

/// The figures a revision can move, with the words a reader knows them by.
const REVISABLE_FIGURES: [(&str, &str); 5] = [
    ("ytd", "the figures so far this year"),
    ("annual", "the annual totals"),
    ("projection", "the year-end projection"),
    ("backtest", "the projection’s track record"),
    ("pilot", "the returns pilot’s figures"),
];

/// The "Updates" note under a brief's provenance line: the newest release
/// revised earlier days, and these figures on the page moved.
#[derive(Debug, Serialize)]
struct Updates<'a> {
    /// The release that revised them.
    released: Date,
    /// Its entry's anchor on the corrections page.
    anchor: &'a str,
    /// How many days it revised, the first and the last.
    days: usize,
    first_day: Date,
    last_day: Date,
    /// The net change in people over those days.
    people_change: i64,
    /// What on the page moved, in words: "the figures so far this year
    /// and the charts".
    shown: String,
}

/// A brief as its page template sees it.
#[derive(Debug, Serialize)]
struct BriefPage<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    date: Date,
    authors: &'a [String],
    tags: &'a [String],
    draft: bool,
    /// When its figures were last worked out from a later release than
    /// its own date (see [`Render::data_read`]); null otherwise.
    updated: Option<Date>,
    /// The tables it reads, by name, so that a template can name their
    /// sources (`{% for name in brief.tables %}{{ data[name].source.publisher }}…`).
    tables: &'a [String],
}

/// The fields of [`BriefPage`], as a brief's names are checked against
/// them (`brief.title`): the same for every brief.
const BRIEF_FIELDS: [&str; 9] = [
    "slug", "title", "summary", "date", "authors", "tags", "draft", "updated", "tables",
];

impl<'a> BriefPage<'a> {
    fn of(b: &'a Brief) -> BriefPage<'a> {
        BriefPage {
            slug: &b.slug,
            title: &b.front.title,
            summary: &b.front.summary,
            date: b.front.date,
            authors: &b.front.authors,
            tags: &b.front.tags,
            draft: b.front.draft,
            updated: b.updated,
            tables: &b.tables,
        }
    }
}

/// One build's rendering: the site's templates and the chart function,
/// parsed and set up once (each batch of briefs gets a copy of the engine
/// with its briefs' bodies added), and the context every page starts from.
pub(super) struct Render<'a> {
    project: &'a Project,
    inputs: &'a Inputs,
    /// The crossings' figures, when the project has them.
    figures: Option<&'a Figures>,
    base_url: Option<&'a str>,
    engine: Engine,
    texts: BriefFileTexts<'a>,
    base: tera::Context,
    /// The same values by name, as JSON: what a brief's names are checked
    /// against before it is rendered (see [`crate::render::names`]).
    names: serde_json::Map<String, serde_json::Value>,
    charts: Arc<ChartSet>,
    placed: Arc<PlacedCharts>,
    /// The figures each brief derives from tables, as it renders.
    derived: Arc<Recorder>,
    sink: Arc<dyn Sink>,
    /// Conditions of the briefs' `{% if %}`s that read no brief's own
    /// fields, each with whether it holds (see [`Render::holds`]).
    conditions: std::sync::Mutex<BTreeMap<String, Option<bool>>>,
}

impl<'a> Render<'a> {
    /// Sets up the rendering of a build whose files go to `sink`.
    pub(super) fn new(
        project: &'a Project,
        inputs: &'a Inputs,
        figures: Option<&'a Figures>,
        charts: ChartSet,
        plan: &'a BuildPlan,
        sink: Arc<dyn Sink>,
    ) -> Result<Render<'a>> {
        let base_url = plan.base_url.as_deref();
        let (charts, placed) = (Arc::new(charts), Arc::new(PlacedCharts::default()));
        let mut engine = Engine::new();
        engine.add_site_templates(&project.templates)?;
        let before = inputs.before_revisions.as_ref().map(|(figures, seen)| {
            Arc::new(ChartSet::new(Some((figures, seen)), inputs.pilot.as_ref()))
        });
        register_chart_function(
            &mut engine,
            (Arc::clone(&charts), before),
            Arc::clone(&placed),
            chart_writer(&sink),
            figures,
        );
        let derived = Arc::new(Recorder::default());
        crate::render::table_filters::register(&mut engine.tera, Some(Arc::clone(&derived)));
        let texts = brief_file_texts(project);
        let (base, mut names) = base_context(project, inputs, (figures, plan.as_of), base_url)?;
        // What a brief's page adds, by name alone: its fields hold no
        // fields of their own to check.
        let brief_fields = BRIEF_FIELDS.map(|f| (f.to_string(), serde_json::Value::Null));
        names.insert(
            "brief".into(),
            serde_json::Map::from_iter(brief_fields).into(),
        );
        names.insert("root".into(), serde_json::Value::Null);
        names.insert("canonical".into(), serde_json::Value::Null);
        Ok(Render {
            project,
            inputs,
            figures,
            base_url,
            engine,
            texts,
            base,
            names,
            charts,
            placed,
            derived,
            sink,
            conditions: Default::default(),
        })
    }

    /// Renders the pages of the `stale` briefs (with their keys) and,
    /// beside them, the site's own pages, which need only the front
    /// matter of `briefs` (all the briefs published). Gives the stale
    /// briefs' manifest entries by slug, in the briefs' order.
    pub(super) fn pages(
        &self,
        briefs: &[Brief],
        stale: &[(&Brief, String)],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<(String, BriefEntry)>> {
        let (batches, site_pages) = rayon::join(
            || self.brief_pages(stale, progress),
            || self.site_pages(briefs),
        );
        // The first failing brief in the briefs' order is the one reported,
        // whichever thread met it first; then the site's pages.
        let batches = batches.into_iter().collect::<Result<Vec<_>>>()?;
        site_pages?;
        Ok(batches.into_iter().flatten().collect())
    }

    /// Frees what the rendering holds: the engine (which holds the sink)
    /// now, every chart's figure markup and the charts' caches on another
    /// thread.
    pub(super) fn finish(self) {
        let Render {
            engine,
            charts,
            placed,
            ..
        } = self;
        drop(engine);
        free_later((charts, placed));
    }

    /// A copy of the site's engine with the bodies of `briefs` added, and
    /// their templates' names.
    fn engine_for(&self, briefs: &[&Brief]) -> Result<(Engine, Vec<String>)> {
        let mut engine = self.engine.clone();
        let names = add_brief_templates(&mut engine, &self.texts, briefs)?;
        Ok((engine, names))
    }

    // Briefs are rendered in batches, in parallel: each batch gets its own
    // engine with its briefs' templates (read-only once made), renders them
    // in turn, and writes each page as soon as it is made. Parsing happens
    // on every thread, and a parsed template, many times the size of its
    // text, lives only while its batch is rendered: an engine holding every
    // brief of a large site would hold far more memory than the rest of the
    // build. Records are collected in brief order, so the output is the
    // same bytes whatever the number of threads.
    /// Renders the `stale` briefs' pages, batch by batch; each batch's
    /// manifest entries, in the briefs' order.
    fn brief_pages(
        &self,
        stale: &[(&Brief, String)],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Vec<Result<Vec<(String, BriefEntry)>>> {
        let done = AtomicUsize::new(0);
        stale
            .par_chunks(BRIEFS_PER_ENGINE)
            // Each batch can go to whichever thread is free: left to
            // itself, rayon hands a thread a quarter of the batches to do
            // in turn, and at the end one thread works while the other
            // waits.
            .with_max_len(1)
            .map(|batch| {
                let briefs: Vec<&Brief> = batch.iter().map(|(brief, _)| *brief).collect();
                let (engine, names) = self.engine_for(&briefs)?;
                let mut records = Vec::with_capacity(batch.len());
                for ((brief, key), name) in batch.iter().zip(&names) {
                    let entry = self.brief_page(&engine, name, brief, key)?;
                    records.push((brief.slug.clone(), entry));
                }
                let so_far = done.fetch_add(batch.len(), Ordering::Relaxed) + batch.len();
                progress(so_far, stale.len());
                Ok(records)
            })
            .collect()
    }

    /// Renders `brief`'s page with `engine`, which holds its body as the
    /// template `name`, and puts it into the sink; gives the brief's
    /// manifest entry, with `key`.
    fn brief_page(
        &self,
        engine: &Engine,
        name: &str,
        brief: &Brief,
        key: &str,
    ) -> Result<BriefEntry> {
        let mut context = self.base.clone();
        context.insert("brief", &BriefPage::of(brief));
        context.insert("root", "../");
        let canonical = match self.base_url {
            Some(base) => format!("{base}{}/", brief.slug),
            None => "./".into(),
        };
        context.insert("canonical", &canonical);
        let body_markdown = engine
            .render_body(name, &context)
            .map_err(|e| match self.figures {
                Some(figures) => explain_null_figures(e, figures),
                None => e,
            })?;
        let body_html = body_to_html(brief, &self.texts, &body_markdown)?;
        let body = place_figures(&body_html, &self.placed, &brief.slug);
        let mut entry = brief_entry(engine, name, brief, body.charts, body.chart_files);
        entry.branches = self.branches_taken(engine, brief, &context);
        entry.derived = self.derived.take(&brief.slug);
        let updates = self.updates(&entry.figures, body.revised);
        let body_html = body.html.into_owned();
        entry.key = key.to_string();
        context.insert("body", &body_html);
        context.insert("updates", &updates);
        let page = engine.render_sized("brief.html", &context, body_html.len())?;
        check_page_links(&page, "templates/brief.html", Some((brief, &body_html)))?;
        self.sink.put(&entry.page, page.as_bytes())?;
        Ok(entry)
    }

    /// `briefs` with the expressions in their titles and summaries worked
    /// out (`title: "{% if ytd.rank == 1 %}Record crossings{% else %}…"`),
    /// as their bodies' are: a headline cannot outlive its record. A title
    /// without `{{` or `{%` is kept as written.
    pub(super) fn front_matter(&self, mut briefs: Vec<Brief>) -> Result<Vec<Brief>> {
        // In parallel, as each brief is read on its own; the first error in
        // the briefs' order is the one reported, whichever thread met it.
        let done: Vec<Result<()>> = briefs
            .par_iter_mut()
            .map(|brief| {
                (brief.updated, brief.tables) = self.data_read(brief)?;
                let text = self
                    .texts
                    .get(brief.path.as_path())
                    .copied()
                    .unwrap_or_default();
                for (field, value) in [
                    ("title", &mut brief.front.title),
                    ("summary", &mut brief.front.summary),
                ] {
                    if value.contains("{{") || value.contains("{%") {
                        *value = self.front_field(brief.path.as_path(), text, (field, value))?;
                    }
                }
                Ok(())
            })
            .collect();
        done.into_iter().collect::<Result<Vec<()>>>()?;
        Ok(briefs)
    }

    /// When what `brief` says last changed with its data, if after its own
    /// date: the publication date of the newest release it reads figures
    /// from (the crossings' for a crossings figure or chart, a table's own
    /// for `data.<table>`). Deterministic: the data says it, not the clock.
    /// And the tables it reads, by name.
    ///
    /// Its body's names are checked as they are read: a brief that reads a
    /// name its page does not have (`ytd.rnak`) is refused at its line and
    /// column, as Tera would take it as false or as nothing.
    fn data_read(&self, brief: &Brief) -> Result<(Option<Date>, Vec<String>)> {
        let read = crate::render::names::read_names(&brief.body, Some(&[&self.names]))
            .map_err(|unknown| self.unknown_name(brief, unknown))?;
        let (mut read, mut crossings_chart) = (read.paths, read.crossings_chart);
        for field in [&brief.front.title, &brief.front.summary] {
            if field.contains("{{") || field.contains("{%") {
                let more = crate::render::names::read_names(field, None).unwrap_or_default();
                read.extend(more.paths);
                crossings_chart |= more.crossings_chart;
            }
        }
        let crossings = crossings_chart
            || read
                .iter()
                .any(|p| CROSSINGS_FIGURES.contains(&p[0]) || p[0] == "figures");
        let mut released: Vec<Date> = Vec::new();
        if crossings && let Some(source) = &self.inputs.source {
            released.push(source.released);
        }
        let mut tables: Vec<String> = Vec::new();
        for path in read.iter().filter(|p| p[0] == "data" && p.len() > 1) {
            if let Some(date) = self.inputs.table_released(path[1]) {
                released.push(date);
                tables.push(path[1].to_string());
            }
        }
        tables.sort_unstable();
        tables.dedup();
        let updated = released.into_iter().max().filter(|d| *d > brief.front.date);
        Ok((updated, tables))
    }

    /// The front matter field `field` of the brief at `path` (whose file is
    /// `text`), `value`, rendered with the figures; an error at its line.
    fn front_field(
        &self,
        path: &std::path::Path,
        text: &str,
        (field, value): (&str, &str),
    ) -> Result<String> {
        let line = text
            .lines()
            .position(|l| l.starts_with(&format!("{field}:")))
            .map_or(1, |i| i + 1);
        // Where the value starts on its line, when it is written as it is
        // read (not quoted with escapes).
        let column = |at: usize| {
            let on_line = text.lines().nth(line - 1).unwrap_or_default();
            on_line.find(value).map_or(1, |i| i + at + 1)
        };
        if let Some(unknown) = crate::render::names::first_unknown(value, &[&self.names]) {
            return Err(Error::in_file(path, unknown.message)
                .at(line, column(unknown.at), Some(text))
                .help(unknown.help));
        }
        let rendered = self
            .engine
            .tera
            .render_str(value, &self.base, false)
            .map_err(|e| {
                Error::in_file(
                    path,
                    format!(
                        "the {field}'s expression: {}",
                        crate::render::templates::full_message(&e)
                    ),
                )
                .at(line, 1, Some(text))
                .help("expected the same expressions as a brief's body, on the figures alone")
            })?;
        let rendered = rendered.split_whitespace().collect::<Vec<_>>().join(" ");
        if rendered.is_empty() {
            return Err(Error::in_file(
                path,
                format!("the {field} comes out empty with these figures"),
            )
            .at(line, 1, Some(text))
            .help(format!(
                "expected a {field} for every arm of its {{% if %}}"
            )));
        }
        Ok(rendered)
    }

    /// The error for `brief`'s body reading `unknown`, at its line and
    /// column in the brief's file.
    fn unknown_name(&self, brief: &Brief, unknown: crate::render::names::Unknown) -> Error {
        let before = &brief.body[..unknown.at];
        let line = brief.body_offset + 1 + before.matches('\n').count();
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let text = "\n".repeat(brief.body_offset) + &brief.body;
        Error::in_file(&brief.path, unknown.message)
            .at(line, column, Some(&text))
            .help(unknown.help)
    }

    /// The `{% if %}` choices of `brief`'s body and the arm each took with
    /// `context`. A choice whose conditions cannot be told alone (they read a
    /// loop's variable) is left out.
    fn branches_taken(
        &self,
        engine: &Engine,
        brief: &Brief,
        context: &tera::Context,
    ) -> Vec<BranchTaken> {
        if !brief.body.contains("{%") {
            return Vec::new();
        }
        branches::choices(&brief.body, brief.body_offset)
            .into_iter()
            .filter_map(|choice| {
                let arm = match branches::taken(&choice, |c| self.holds(engine, c, context)) {
                    Taken::Arm(i) => Some(i),
                    Taken::Nothing => None,
                    Taken::Unknown => return None,
                };
                let conditions: Vec<String> = choice
                    .arms
                    .iter()
                    .filter_map(|a| a.condition.clone())
                    .collect();
                let mut figures: Vec<String> = conditions
                    .iter()
                    .flat_map(|c| branches::figures_read(c))
                    .collect();
                figures.sort();
                figures.dedup();
                Some(BranchTaken {
                    line: choice.arms.first().map_or(0, |a| a.line),
                    conditions,
                    arm,
                    figures,
                })
            })
            .collect()
    }

    /// Whether `condition` holds with `context`. Most conditions read
    /// only the figures and data, the same for every brief of a build:
    /// those are told once and remembered, for a site of a thousand briefs
    /// asks the same few questions of each.
    fn holds(&self, engine: &Engine, condition: &str, context: &tera::Context) -> Option<bool> {
        let per_brief = branches::figures_read(condition)
            .iter()
            .any(|name| ["brief", "root"].contains(&name.split('.').next().unwrap_or_default()));
        if per_brief {
            return branches::holds(engine, condition, context);
        }
        let told = self.conditions_told();
        if let Some(known) = told.get(condition) {
            return *known;
        }
        drop(told);
        let known = branches::holds(engine, condition, context);
        self.conditions_told().insert(condition.to_string(), known);
        known
    }

    fn conditions_told(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Option<bool>>> {
        // Entries are inserted whole: a panic elsewhere leaves none half-made.
        self.conditions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The note on a brief's page when the newest release revised figures
    /// it shows: some of the figures it `reads`, or the data of its
    /// charts (`charts_revised`).
    fn updates(&self, reads: &[String], charts_revised: bool) -> Option<Updates<'a>> {
        let release = self.inputs.corrections.latest_revisions()?;
        let mut shown: Vec<&str> = REVISABLE_FIGURES
            .iter()
            .filter(|(name, _)| {
                reads.iter().any(|r| r == name) && self.inputs.revised_figures.contains(*name)
            })
            .map(|(_, words)| *words)
            .collect();
        if charts_revised {
            shown.push("the charts");
        }
        if shown.is_empty() {
            return None;
        }
        let shown = match shown.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        Some(Updates {
            released: release.released,
            anchor: &release.anchor,
            days: release.revised.len(),
            first_day: release.revised.first().map(|d| d.date)?,
            last_day: release.revised.last().map(|d| d.date)?,
            people_change: release.people_change,
            shown,
        })
    }

    /// The site's own pages and files: the index, the corrections log,
    /// the feed, the sitemap, the assets and `figures.json`.
    fn site_pages(&self, briefs: &[Brief]) -> Result<()> {
        self.index(briefs)?;
        let mut entries: Vec<feed::FeedEntry> = briefs
            .iter()
            .map(|b| feed::FeedEntry {
                id: b.slug.clone(),
                path: format!("{}/", b.slug),
                title: b.front.title.clone(),
                summary: b.front.summary.clone(),
                date: b.front.date,
                updated: b.updated.unwrap_or(b.front.date),
                authors: b.front.authors.clone(),
            })
            .collect();
        let mut pages = entries.clone();
        if let Some(page) = self.corrections_page()? {
            pages.push(page);
            entries.extend(self.correction_entries());
            // Newest first; a correction and a brief of one day by id.
            entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
        }
        let c = &self.project.config;
        let atom = feed::atom(
            &c.title,
            &c.description,
            &c.publisher,
            self.inputs.span.first,
            self.base_url,
            &entries,
        );
        let sink = &self.sink;
        sink.put("feed.xml", atom.as_bytes())?;
        sink.put(
            "sitemap.xml",
            feed::sitemap(self.base_url, &pages).as_bytes(),
        )?;
        for (path, bytes) in &self.project.assets {
            sink.put(&format!("assets/{path}"), bytes)?;
        }
        // A project of its own tables has no model's figures; what its
        // briefs derive from them is in `derived.json`.
        let Some(figures) = self.figures else {
            return Ok(());
        };
        let mut json = serde_json::to_string_pretty(figures)
            .map_err(|e| Error::new(format!("could not serialise the figures: {e}")))?;
        json.push('\n');
        sink.put("figures.json", json.as_bytes())
    }

    /// The corrections log, `corrections/index.html`, when the project has
    /// its template (`templates/corrections.html`); its sitemap entry,
    /// dated by the newest release.
    fn corrections_page(&self) -> Result<Option<feed::FeedEntry>> {
        const TEMPLATE: &str = "corrections.html";
        let has_template = self
            .project
            .templates
            .iter()
            .any(|t| t.path.file_name().is_some_and(|n| n == TEMPLATE));
        let corrections = &self.inputs.corrections;
        let (true, Some(newest)) = (has_template, corrections.releases.first()) else {
            return Ok(None);
        };
        let (engine, _) = self.engine_for(&[])?;
        let mut context = self.base.clone();
        context.insert("corrections", corrections);
        context.insert("root", "../");
        let canonical = match self.base_url {
            Some(base) => format!("{base}corrections/"),
            None => "./".into(),
        };
        context.insert("canonical", &canonical);
        let page = engine.render(TEMPLATE, &context)?;
        check_page_links(&page, "templates/corrections.html", None)?;
        self.sink.put("corrections/index.html", page.as_bytes())?;
        Ok(Some(feed::FeedEntry {
            id: "corrections".into(),
            path: "corrections/".into(),
            title: "Corrections".into(),
            summary: String::new(),
            date: newest.released,
            updated: newest.released,
            authors: Vec::new(),
        }))
    }

    /// A feed entry for each release that revised earlier days.
    fn correction_entries(&self) -> Vec<feed::FeedEntry> {
        let publisher = &self.project.config.publisher;
        // Only the crossings have releases that revise days.
        let publisher_of_data = self.inputs.source.as_ref().map_or("", |s| &s.publisher);
        self.inputs
            .corrections
            .releases
            .iter()
            .filter(|r| !r.revised.is_empty())
            .map(|r| feed::FeedEntry {
                updated: r.released,
                id: format!("corrections/{}", r.anchor),
                path: format!("corrections/#{}", r.anchor),
                title: format!(
                    "Corrections: the release of {} revised {} earlier day{}",
                    long_date(r.released),
                    r.revised.len(),
                    if r.revised.len() == 1 { "" } else { "s" }
                ),
                summary: revisions_summary(r, publisher_of_data),
                date: r.released,
                authors: vec![publisher.clone()],
            })
            .collect()
    }

    /// The index page, listing `briefs`.
    fn index(&self, briefs: &[Brief]) -> Result<()> {
        let (engine, _) = self.engine_for(&[])?;
        let mut index = self.base.clone();
        let pages: Vec<BriefPage> = briefs.iter().map(BriefPage::of).collect();
        index.insert("briefs", &pages);
        index.insert("root", "");
        index.insert("canonical", &feed::address(self.base_url, ""));
        let page = engine.render("index.html", &index)?;
        check_page_links(&page, "templates/index.html", None)?;
        self.sink.put("index.html", page.as_bytes())
    }
}

/// "People on 10 August 2026: 20 → 25; …", for a feed entry: the first
/// five days a release revised, and how many more.
fn revisions_summary(release: &Release, publisher: &str) -> String {
    let n = |v: u64| crate::text::fmt_num(v as f64, 0);
    let mut parts: Vec<String> = release
        .revised
        .iter()
        .take(5)
        .map(|d| {
            let (date, (p0, p1), (b0, b1)) = (long_date(d.date), d.people, d.boats);
            let mut part = format!("{date}: people {} → {}", n(p0), n(p1));
            if b0 != b1 {
                part.push_str(&format!(", boats {} → {}", n(b0), n(b1)));
            }
            part
        })
        .collect();
    if release.revised.len() > 5 {
        parts.push(format!("and {} more days", release.revised.len() - 5));
    }
    format!(
        "{publisher} revised earlier days: {}. The briefs use the revised counts.",
        parts.join("; ")
    )
}

/// The context every page starts from: the crossings' figures when the
/// project has them (each also by its own name), the as-of date, the data,
/// site.yaml, the provenance line and the base URL.
fn base_context(
    project: &Project,
    inputs: &Inputs,
    (figures, as_of): (Option<&Figures>, Date),
    base_url: Option<&str>,
) -> Result<(tera::Context, serde_json::Map<String, serde_json::Value>)> {
    let provenance = Provenance {
        source: figures.map(|f| &f.source),
        as_of,
        data_hash: &inputs.data_hash,
        data_hash_short: &inputs.data_hash[..12],
        version: VERSION,
        provisional_from: figures.map(|f| provisional_from(f.source.released)),
    };
    let mut base = tera::Context::new();
    let mut names = serde_json::Map::new();
    if let Some(figures) = figures {
        let figures_value = serde_json::to_value(figures)
            .map_err(|e| Error::new(format!("could not serialise the figures: {e}")))?;
        if let serde_json::Value::Object(map) = &figures_value {
            for (key, value) in map {
                base.insert(key.clone(), value);
                names.insert(key.clone(), value.clone());
            }
        }
        base.insert("figures", &figures_value);
        names.insert("figures".into(), figures_value);
    } else {
        base.insert("as_of", &as_of);
        names.insert("as_of".into(), as_of.to_string().into());
    }
    base.insert("data", &inputs.data);
    base.insert("site", &project.config);
    base.insert("provenance", &provenance);
    base.insert("base_url", &base_url);
    let values = [
        ("data", serde_json::to_value(&inputs.data)),
        ("site", serde_json::to_value(&project.config)),
        ("provenance", serde_json::to_value(&provenance)),
        ("base_url", serde_json::to_value(base_url)),
    ];
    for (key, value) in values {
        let value =
            value.map_err(|e| Error::new(format!("could not serialise the page's {key}: {e}")))?;
        names.insert(key.into(), value);
    }
    Ok((base, names))
}

/// A brief as a reader reads it: its title and its body as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefText {
    /// The brief's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its source file.
    pub path: String,
    /// The body rendered and stripped to text, one line per block.
    pub text: String,
    /// The body after Tera, before Markdown (charts left out).
    pub markdown: String,
    /// The brief's date.
    pub date: Date,
    /// Its `{% if %}` choices, each with the arm these figures take.
    pub choices: Vec<(Choice, Taken)>,
}

/// The name [`brief_texts`] gives the index page's text.
pub const INDEX_TEXT: &str = "(index)";

/// Renders the body of every published brief of `project` with `figures`
/// (a `figures.json` value: this build's or any other), as plain text, and
/// the index page's text last (named [`INDEX_TEXT`]). With `charts`, each
/// chart reads as its title and description; without, charts are left out.
pub fn brief_texts(
    project: &Project,
    (figures, charts): (&serde_json::Value, Option<Arc<ChartSet>>),
    drafts: bool,
) -> Result<Vec<BriefText>> {
    let mut engine = Engine::new();
    engine.add_site_templates(&project.templates)?;
    match charts {
        Some(charts) => crate::render::chart_fn::register_chart_words(&mut engine, charts),
        None => register_no_charts(&mut engine),
    }
    let mut base = tera::Context::new();
    if let serde_json::Value::Object(map) = figures {
        for (key, value) in map {
            base.insert(key.clone(), value);
        }
        base.insert(
            "provenance",
            &serde_json::json!({
                "source": map.get("source"),
                "as_of": map.get("as_of"),
                "version": VERSION,
                "data_hash": "",
                "data_hash_short": "",
            }),
        );
    }
    base.insert("figures", figures);
    base.insert("data", &template_data(project)?);
    base.insert("site", &project.config);
    let mut briefs = published_briefs(project, drafts)?;
    // Titles and summaries of expressions read as the figures make them.
    for brief in &mut briefs {
        for value in [&mut brief.front.title, &mut brief.front.summary] {
            if value.contains("{{") || value.contains("{%") {
                *value = engine.tera.render_str(value, &base, false).map_or_else(
                    |_| value.clone(),
                    |t| t.split_whitespace().collect::<Vec<_>>().join(" "),
                );
            }
        }
    }
    let texts_by_path = brief_file_texts(project);
    let names = add_brief_templates(
        &mut engine,
        &texts_by_path,
        &briefs.iter().collect::<Vec<_>>(),
    )?;
    let mut texts = Vec::new();
    for (brief, name) in briefs.iter().zip(&names) {
        let mut context = base.clone();
        context.insert("brief", &BriefPage::of(brief));
        context.insert("root", "../");
        let body = engine.render_body(name, &context)?;
        let html = body_to_html(brief, &texts_by_path, &body)?;
        let choices = branches::choices(&brief.body, brief.body_offset)
            .into_iter()
            .map(|choice| {
                let arm = branches::taken(&choice, |condition| {
                    branches::holds(&engine, condition, &context)
                });
                (choice, arm)
            })
            .collect();
        texts.push(BriefText {
            slug: brief.slug.clone(),
            title: brief.front.title.clone(),
            path: slash_path(&brief.path),
            text: html_to_text(&html),
            markdown: body,
            date: brief.front.date,
            choices,
        });
    }
    // The index's key figures and list of briefs are read too.
    if engine.tera.contains_template("index.html") {
        let mut index = base.clone();
        let pages: Vec<BriefPage> = briefs.iter().map(BriefPage::of).collect();
        index.insert("briefs", &pages);
        index.insert("root", "");
        index.insert("canonical", "");
        let page = engine.render("index.html", &index)?;
        texts.push(BriefText {
            // No brief's name can be this (see `check_slug`).
            slug: INDEX_TEXT.into(),
            title: "The index page".into(),
            path: "templates/index.html".into(),
            text: html_to_text(&page),
            markdown: String::new(),
            date: briefs
                .iter()
                .map(|b| b.front.date)
                .max()
                .unwrap_or_default(),
            choices: Vec::new(),
        });
    }
    Ok(texts)
}

/// Each brief file's whole text by its path, for error snippets.
type BriefFileTexts<'a> = BTreeMap<&'a std::path::Path, &'a str>;

/// The whole text of every brief file of `project`, by path.
fn brief_file_texts(project: &Project) -> BriefFileTexts<'_> {
    project
        .briefs
        .iter()
        .map(|f| (f.path.as_path(), f.text.as_str()))
        .collect()
}

/// Adds the briefs' bodies to the engine as templates named by their
/// paths, and gives the names in the briefs' order. `texts` holds each
/// brief file's whole text, for error snippets.
fn add_brief_templates(
    engine: &mut Engine,
    texts: &BriefFileTexts,
    briefs: &[&Brief],
) -> Result<Vec<String>> {
    let names: Vec<String> = briefs.iter().map(|b| slash_path(&b.path)).collect();
    let templates = briefs
        .iter()
        .zip(&names)
        .map(|(brief, name)| {
            let origin = TemplateOrigin {
                path: brief.path.clone(),
                line_offset: brief.body_offset,
                file_text: texts
                    .get(brief.path.as_path())
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
            };
            (name.clone(), brief.body.clone(), origin)
        })
        .collect();
    engine.add_templates(templates)?;
    Ok(names)
}

/// The HTML of a brief's body, `markdown` being its text after Tera. A link
/// to a refused address (see [`crate::render::urls`]) is an error at the
/// line of the brief that wrote it; a link whose address came from a
/// value is found by its line in the text after Tera.
fn body_to_html(brief: &Brief, texts: &BriefFileTexts, markdown: &str) -> Result<String> {
    markdown::to_html(markdown).map_err(|refused| {
        let file_text = texts.get(brief.path.as_path()).copied().unwrap_or("");
        let message = format!(
            "this links to “{}”: a link may not run script or carry its content \
             (javascript:, vbscript: and data: addresses are refused)",
            refused.url.escape_debug()
        );
        let help = "expected a link to an http(s) or mailto address, a relative path or a #section; \
                    values from data and front matter are text and never make links";
        let line_start = markdown[..refused.offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = markdown[line_start..]
            .find('\n')
            .map_or(markdown.len(), |i| line_start + i);
        let raw_line = &markdown[line_start..line_end];
        let rendered_line = raw_line.trim();
        let within = (refused.offset - line_start)
            .saturating_sub(raw_line.len() - raw_line.trim_start().len())
            .min(rendered_line.len());
        // The line as written, if the brief has it: its link is not a value's.
        let written = file_text
            .lines()
            .enumerate()
            .skip(brief.body_offset)
            .find_map(|(i, l)| Some((i, l, l.find(rendered_line)?)))
            .filter(|_| !rendered_line.is_empty());
        let err = Error::in_file(&brief.path, message).help(help);
        match written {
            Some((i, line, at)) => {
                let column = line[..at + within].chars().count() + 1;
                err.at(i + 1, column, Some(file_text))
            }
            None => {
                let line = markdown[..line_start].matches('\n').count() + 1;
                let mut err = err;
                err.message.push_str(&format!(
                    " (line {line} of the brief's text after its template ran: {rendered_line})"
                ));
                err
            }
        }
    })
}

/// Refuses a page that links to a refused address (see
/// [`crate::render::urls`]), which a value printed into a link by
/// `template` would put there: the last check before a page is written,
/// whatever the template does. A brief's page holds its body, which
/// Markdown has checked already and which is most of the page: where the
/// page has it as it stands, only the rest is read.
fn check_page_links(page: &str, template: &str, brief: Option<(&Brief, &str)>) -> Result<()> {
    let refused = |from: usize, text: &str| {
        crate::render::urls::first_refused_attribute(text).map(|(at, url)| (from + at, url))
    };
    let found = match brief.and_then(|(_, body)| find_whole(page, body)) {
        Some((start, end)) => refused(0, &page[..start]).or_else(|| refused(end, &page[end..])),
        None => refused(0, page),
    };
    let Some((at, url)) = found else {
        return Ok(());
    };
    let brief = brief.map(|(b, _)| b);
    let line = page[..at].matches('\n').count() + 1;
    let page_name = match brief {
        Some(b) => format!("the page of {}", slash_path(&b.path)),
        None => "the index".to_string(),
    };
    Err(Error::in_file(
        template,
        format!(
            "{page_name} would link to “{}” (line {line} of the page): a link may not run script \
             or carry its content (javascript:, vbscript: and data: addresses are refused)",
            url.escape_debug()
        ),
    )
    .help(
        "expected every link the template makes from a value to be an http(s) or mailto address \
         or a relative path; check the value it prints into href or src",
    ))
}

/// Where `page` holds the whole of `part` (the first place), as byte
/// offsets; its start is searched for by its first bytes, then compared.
fn find_whole(page: &str, part: &str) -> Option<(usize, usize)> {
    if part.is_empty() {
        return None;
    }
    let mut head = part.len().min(16);
    while !part.is_char_boundary(head) {
        head -= 1;
    }
    let mut from = 0;
    while let Some(at) = page[from..].find(&part[..head]).map(|i| from + i) {
        if page[at..].starts_with(part) {
            return Some((at, at + part.len()));
        }
        from = at + 1;
        while !page.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// Rendered HTML as text: tags dropped, block ends as line breaks, the
/// common entities decoded.
fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut tag = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match (c, in_tag) {
            ('<', _) => {
                in_tag = true;
                tag.clear();
            }
            ('>', true) => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                let closing = tag.starts_with('/');
                if matches!(name, "p" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "div") && closing
                    || name == "br"
                {
                    text.push('\n');
                } else if matches!(name, "td" | "th") {
                    // Cells stay apart, so two cells never read as one figure.
                    text.push_str(if closing { " |" } else { " " });
                }
            }
            (c, true) => tag.push(c),
            (c, false) => text.push(c),
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crossings' figures a brief reads by name (the keys of
/// `figures.json`).
const CROSSINGS_FIGURES: [&str; 7] = [
    "as_of",
    "source",
    "annual",
    "ytd",
    "projection",
    "backtest",
    "pilot",
];

/// The manifest's record of a brief: its source, page, the charts its body
/// places and the figures it reads.
fn brief_entry(
    engine: &Engine,
    template: &str,
    brief: &Brief,
    charts: Vec<String>,
    chart_files: Vec<String>,
) -> BriefEntry {
    let mut figures: Vec<String> = engine
        .tera
        .get_template_variables(template)
        .map(|vars| {
            vars.into_iter()
                .filter(|v| CROSSINGS_FIGURES.contains(v) || *v == "data")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    figures.sort();
    BriefEntry {
        source: slash_path(&brief.path),
        page: format!("{}/index.html", brief.slug),
        charts,
        chart_files,
        figures,
        branches: Vec::new(),
        derived: Vec::new(),
        key: String::new(),
    }
}

/// A brief that uses a figure the model could not compute for this as-of
/// date fails; say why, not only that a value was null (METHOD.md §2, §4).
fn explain_null_figures(mut err: Error, figures: &Figures) -> Error {
    let line = err.snippet.clone().unwrap_or_default();
    let as_of = crate::text::long_date(figures.as_of);
    if figures.projection.is_none() && line.contains("projection.") {
        err.message = format!(
            "there is no projection of the year end as of {as_of}: no complete year before it had arrivals by this point in the year ({})",
            err.message
        );
        err.help = Some("guard the projection with {% if projection %} … {% endif %}".into());
    } else if let Some(pilot) = figures.pilot.as_ref().filter(|p| !p.started)
        && line.contains("pilot.")
    {
        err.message = format!(
            "the returns pilot had not started by {as_of} (it starts on {}), so its figures are null ({})",
            crate::text::long_date(pilot.starts),
            err.message
        );
        err.help = Some("guard pilot figures with {% if pilot.started %} … {% endif %}".into());
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::parse_brief;

    #[test]
    fn a_page_is_checked_around_its_body() {
        assert_eq!(find_whole("ab<p>x</p>cd", "<p>x</p>"), Some((2, 10)));
        assert_eq!(find_whole("<p>x<p>x</p>", "<p>x</p>"), Some((4, 12)));
        assert_eq!(find_whole("abc", "abd"), None);
        assert_eq!(find_whole("abc", ""), None);
        let brief = parse_brief(&crate::project::SourceFile {
            path: "briefs/b.md".into(),
            text: "---\ntitle: T\nsummary: S.\ndate: 2024-01-01\nauthors: [A]\n---\nBody.\n".into(),
        })
        .unwrap();
        let body = "<p><a href=\"../x/\">ok</a></p>";
        let page = format!("<a href=\"javascript:x\">bad</a>{body}");
        assert!(check_page_links(&page, "templates/brief.html", Some((&brief, body))).is_err());
        let page = format!("<a href=\"../\">ok</a>{body}<img src=\"data:x\">");
        let err = check_page_links(&page, "templates/brief.html", Some((&brief, body)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("“data:x”"), "{err}");
        assert!(check_page_links(body, "templates/brief.html", Some((&brief, body))).is_ok());
    }

    #[test]
    fn the_names_a_brief_is_checked_against_are_its_pages_fields() {
        let brief = parse_brief(&crate::project::SourceFile {
            path: "briefs/b.md".into(),
            text: "---\ntitle: T\nsummary: S.\ndate: 2024-01-01\nauthors: [A]\n---\nBody.\n".into(),
        })
        .unwrap();
        let page = serde_json::to_value(BriefPage::of(&brief)).unwrap();
        let keys: Vec<&str> = page
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BRIEF_FIELDS);
    }
}
