//! The pipeline, stage by stage: load → validate → model → charts → render.
//! Each file goes to a sink as soon as it is made: straight into the new
//! output folder ([`build_into`]), or into memory ([`build`]).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::brief::{Brief, parse_brief};
use crate::charts::{ChartRequest, ChartSet};
use crate::data::crossings::{Crossings, parse_crossings};
use crate::data::pilot::parse_pilot;
use crate::error::{Error, Result};
use crate::hash::hex;
use crate::manifest::{BriefEntry, BuildRecord, MANIFEST_PATH, Manifest, OutputEntry};
use crate::model::{Figures, PilotParameters, Series, SourceInfo, compute};
use crate::output::{MemorySink, Sink, Staging, free_later};
use crate::project::{Project, slash_path};
use crate::render::figure::{figure_html, narrow_svg_path};
use crate::render::templates::{Engine, TemplateOrigin};
use crate::render::{feed, markdown};

/// The tool's version, shown on every brief.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Build as the data stood that day (must lie inside the series).
    pub as_of: Option<Date>,
    /// Include briefs marked `draft: true`.
    pub drafts: bool,
    /// Where the site will be published, overriding `site.yaml`'s `base_url`.
    pub base_url: Option<String>,
}

/// Checks a base URL and gives it a final `/`.
pub fn normalise_base_url(url: &str) -> Result<String> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(['"', '<', '>', ' ', '\'', '\\'])
        && url.len() > "https://".len();
    if !ok {
        return Err(Error::new(format!("“{url}” is not a base URL"))
            .help("expected an address such as https://example.org/briefs/"));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// What a build made, the files aside.
#[derive(Debug, Clone)]
pub struct Built {
    /// The figures the briefs quote.
    pub figures: Figures,
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
    /// The figures the briefs quote.
    pub figures: Figures,
    /// The briefs published, newest first.
    pub briefs: Vec<String>,
    /// How many charts the site has.
    pub charts: usize,
    /// How many briefs were rendered this time (the others were reused
    /// unchanged from the previous build).
    pub rendered: usize,
}

/// A brief's manifest entry and its files, reused from an earlier build.
type ReusedBrief = (BriefEntry, Vec<(String, Reused)>);

/// A file of an earlier build to put in the new one.
enum Reused {
    /// Its bytes (an earlier build kept in memory).
    Bytes(Vec<u8>),
    /// Where it is on disk, with its manifest entry: the new site links to
    /// it rather than reading and writing it again.
    OnDisk(std::path::PathBuf, OutputEntry),
}

impl Reused {
    /// Puts the file at `path` in `sink`.
    fn put(self, path: &str, sink: &dyn Sink) -> Result<()> {
        match self {
            Reused::Bytes(bytes) => sink.put(path, &bytes),
            Reused::OnDisk(from, entry) => {
                if sink.link(path, &from, &entry)? {
                    return Ok(());
                }
                let bytes = std::fs::read(&from).map_err(|e| Error::io(&from, "read", &e))?;
                sink.put(path, &bytes)
            }
        }
    }
}

/// Where the files of an earlier build are.
#[derive(Debug, Clone)]
pub enum PreviousFiles {
    /// In memory (`brief serve` keeps its last site).
    Memory(BTreeMap<String, Vec<u8>>),
    /// On disk (the output folder).
    Disk(std::path::PathBuf),
}

/// An earlier build of the same project: its manifest says which page was
/// made from which inputs, and its files can be reused where those inputs
/// have not changed.
#[derive(Debug, Clone)]
pub struct PreviousBuild {
    /// The earlier build's manifest.
    pub manifest: Manifest,
    /// Its files.
    pub files: PreviousFiles,
}

impl PreviousBuild {
    /// The build in `dir`, if it has a readable manifest.
    pub fn from_dir(dir: &std::path::Path) -> Option<PreviousBuild> {
        let text = std::fs::read_to_string(dir.join(MANIFEST_PATH)).ok()?;
        Some(PreviousBuild {
            manifest: Manifest::from_json(&text)?,
            files: PreviousFiles::Disk(dir.to_path_buf()),
        })
    }

    /// A site built in memory.
    pub fn from_site(site: &Site) -> Option<PreviousBuild> {
        let text = std::str::from_utf8(site.files.get(MANIFEST_PATH)?).ok()?;
        Some(PreviousBuild {
            manifest: Manifest::from_json(text)?,
            files: PreviousFiles::Memory(site.files.clone()),
        })
    }

    /// The file at `path`, if it is still there as the manifest says:
    /// on disk, the same size (its bytes are not read; `brief check`
    /// compares an output with a fresh build).
    fn file(&self, path: &str) -> Option<Reused> {
        crate::output::check_site_path(path).ok()?;
        match &self.files {
            PreviousFiles::Memory(files) => files.get(path).cloned().map(Reused::Bytes),
            PreviousFiles::Disk(dir) => {
                let outputs = &self.manifest.outputs;
                let at = outputs
                    .binary_search_by(|o| o.path.as_str().cmp(path))
                    .ok()?;
                let entry = &outputs[at];
                let file = dir.join(path);
                let meta = std::fs::symlink_metadata(&file).ok()?;
                (meta.is_file() && meta.len() == entry.size)
                    .then(|| Reused::OnDisk(file, entry.clone()))
            }
        }
    }

    /// The page and chart files of brief `slug`, if it was built from the
    /// same inputs (`key`) and every file is still there.
    fn reusable(&self, slug: &str, key: &str) -> Option<ReusedBrief> {
        let entry = self.manifest.briefs.get(slug)?;
        if entry.key != key || key.is_empty() {
            return None;
        }
        let mut files = vec![(entry.page.clone(), self.file(&entry.page)?)];
        for svg in &entry.charts {
            let stem = svg.strip_suffix(".svg")?;
            let narrow = format!("{stem}.narrow.svg");
            let csv = format!("{stem}.csv");
            for path in [svg.clone(), narrow, csv] {
                let file = self.file(&path)?;
                files.push((path, file));
            }
        }
        Some((entry.clone(), files))
    }
}

/// The validated inputs of the model.
struct Inputs {
    crossings: Crossings,
    pilot: Option<PilotParameters>,
    /// `data.<stem>` for templates: every data file but the daily series.
    data: BTreeMap<String, serde_json::Value>,
    source: SourceInfo,
    data_hash: String,
}

/// The validated inputs and the figures of one build, before anything is
/// drawn or rendered: what `build` renders and what `diff` compares.
pub struct Modelled {
    inputs: Inputs,
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
    let inputs = validate(project)?;
    let series = &inputs.crossings.series;
    let as_of = options.as_of.unwrap_or(series.last());
    if !series.contains(as_of) {
        return Err(Error::new(format!(
            "--as-of {as_of} is outside the data, which runs from {} to {}",
            series.first(),
            series.last()
        ))
        .file("data/crossings.yaml")
        .help("expected an as-of date inside the series; import a newer release for later dates"));
    }
    let seen = series.up_to(as_of);
    let figures = compute(
        &seen,
        inputs.pilot.as_ref(),
        inputs.source.clone(),
        project.config.reference_years,
    );
    Ok(Modelled {
        inputs,
        figures,
        seen,
    })
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

/// Builds the site of `project` into `sink`.
fn build_to(
    project: &Project,
    options: &BuildOptions,
    (previous, progress): (Option<&PreviousBuild>, &(dyn Fn(usize, usize) + Sync)),
    sink: Arc<dyn Sink>,
) -> Result<Built> {
    // The model and the briefs' front matter do not depend on each other.
    let (modelled, briefs) = rayon::join(
        || model(project, options),
        || published_briefs(project, options.drafts),
    );
    let Modelled {
        inputs,
        figures,
        seen,
    } = modelled?;
    let briefs = briefs?;
    let charts = ChartSet::new(&figures, &seen, inputs.pilot.as_ref());
    let base_url = match options
        .base_url
        .as_ref()
        .or(project.config.base_url.as_ref())
    {
        Some(url) => Some(normalise_base_url(url).map_err(|e| {
            if options.base_url.is_some() {
                e
            } else {
                e.file("site.yaml")
            }
        })?),
        None => None,
    };
    let how = HowToRender {
        options,
        base_url: base_url.as_deref(),
        previous,
        progress,
    };
    render_site(project, &inputs, &figures, charts, &briefs, &how, sink)
}

/// How many briefs one template engine holds (see [`render_site`]): enough
/// that making the engine costs little beside rendering them, few enough
/// that the batches keep every thread busy.
const BRIEFS_PER_ENGINE: usize = 16;

/// The settings of one render: the options, the resolved base URL, the
/// earlier build whose unchanged pages may be reused, and who hears of
/// progress.
struct HowToRender<'a> {
    options: &'a BuildOptions,
    base_url: Option<&'a str>,
    previous: Option<&'a PreviousBuild>,
    progress: &'a (dyn Fn(usize, usize) + Sync),
}

/// The part of every brief's key that all briefs share: SHA-256 over the
/// tool version, the options, `site.yaml`, the templates and the data.
/// Hashed once per build, not once per brief.
fn shared_key(project: &Project, options: &BuildOptions, base_url: Option<&str>) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash_part(&mut hash, VERSION.as_bytes());
    let settings = format!("{:?}|{}|{:?}", options.as_of, options.drafts, base_url);
    hash_part(&mut hash, settings.as_bytes());
    for (path, bytes) in &project.inputs {
        if path == "site.yaml" || path.starts_with("templates/") || path.starts_with("data/") {
            hash_part(&mut hash, path.as_bytes());
            hash_part(&mut hash, bytes);
        }
    }
    hash.finalize().into()
}

/// The key of a brief's page: SHA-256 over the shared key and the brief's
/// file. Any change to the tool, the options, site.yaml, a template or a
/// data file changes every key; a change to one brief changes only its own.
fn brief_key(shared: &[u8; 32], project: &Project, brief: &Brief) -> String {
    let mut hash = Sha256::new();
    hash_part(&mut hash, shared);
    let path = slash_path(&brief.path);
    hash_part(&mut hash, path.as_bytes());
    if let Some(bytes) = project.inputs.get(&path) {
        hash_part(&mut hash, bytes);
    }
    hex(&hash.finalize())
}

/// Adds `bytes` to `hash` after their length, so that parts cannot run
/// into each other.
fn hash_part(hash: &mut Sha256, bytes: &[u8]) {
    hash.update((bytes.len() as u64).to_le_bytes());
    hash.update(bytes);
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
}

/// Renders the body of every published brief of `project` with `figures`
/// (a `figures.json` value: this build's or any other), as plain text.
/// Charts are left out: `diff` compares the numbers the prose and tables state.
pub fn brief_texts(
    project: &Project,
    figures: &serde_json::Value,
    drafts: bool,
) -> Result<Vec<BriefText>> {
    let mut engine = Engine::new();
    engine
        .tera
        .register_function("chart", |_: tera::Kwargs, _: &tera::State| {
            Ok(tera::Value::safe_string(""))
        });
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
    base.insert("data", &untyped_data(project)?);
    base.insert("site", &project.config);
    let briefs = published_briefs(project, drafts)?;
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
        texts.push(BriefText {
            slug: brief.slug.clone(),
            title: brief.front.title.clone(),
            path: slash_path(&brief.path),
            text: html_to_text(&html),
            markdown: body,
            date: brief.front.date,
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

/// Parses and validates every data file.
fn validate(project: &Project) -> Result<Inputs> {
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
    let data = untyped_data(project)?;
    let mut all_data = Sha256::new();
    for file in &project.data {
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
    })
}

/// `data.<stem>` for templates: every data file but the daily series,
/// loaded untyped through the one YAML loader.
fn untyped_data(project: &Project) -> Result<BTreeMap<String, serde_json::Value>> {
    let mut data = BTreeMap::new();
    for file in &project.data {
        let stem = file
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if stem != "crossings" {
            let value: serde_json::Value = crate::data::yaml::parse(&file.path, &file.text, 0)?;
            data.insert(stem, value);
        }
    }
    Ok(data)
}

/// The briefs to publish, newest first (then by slug, for a stable order).
fn published_briefs(project: &Project, drafts: bool) -> Result<Vec<Brief>> {
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

/// The provenance line of every brief.
#[derive(Debug, Serialize)]
struct Provenance<'a> {
    source: &'a SourceInfo,
    as_of: Date,
    data_hash: &'a str,
    data_hash_short: &'a str,
    version: &'static str,
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
}

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
        }
    }
}

/// Renders every page and chart, putting each file into `sink` as soon as
/// it is made.
fn render_site(
    project: &Project,
    inputs: &Inputs,
    figures: &Figures,
    charts: ChartSet,
    briefs: &[Brief],
    how: &HowToRender,
    sink: Arc<dyn Sink>,
) -> Result<Built> {
    let HowToRender {
        options,
        base_url,
        previous,
        progress,
    } = *how;
    let (charts, placed) = (Arc::new(charts), Arc::new(PlacedCharts::default()));
    // The site's templates and the chart function, parsed and set up once;
    // each batch of briefs gets a copy with its briefs' bodies added.
    let mut site_engine = Engine::new();
    site_engine.add_site_templates(&project.templates)?;
    register_chart_function(
        &mut site_engine,
        Arc::clone(&charts),
        Arc::clone(&placed),
        &sink,
        figures,
    );
    let texts = brief_file_texts(project);
    let engine_for = |briefs: &[&Brief]| -> Result<(Engine, Vec<String>)> {
        let mut engine = site_engine.clone();
        let names = add_brief_templates(&mut engine, &texts, briefs)?;
        Ok((engine, names))
    };

    let figures_value = serde_json::to_value(figures)
        .map_err(|e| Error::new(format!("could not serialise the figures: {e}")))?;
    let provenance = Provenance {
        source: &figures.source,
        as_of: figures.as_of,
        data_hash: &inputs.data_hash,
        data_hash_short: &inputs.data_hash[..12],
        version: VERSION,
    };
    let mut base = tera::Context::new();
    if let serde_json::Value::Object(map) = &figures_value {
        for (key, value) in map {
            base.insert(key.clone(), value);
        }
    }
    base.insert("figures", &figures_value);
    base.insert("data", &inputs.data);
    base.insert("site", &project.config);
    base.insert("provenance", &provenance);
    base.insert("base_url", &base_url);

    let mut records = BTreeMap::new();
    // Briefs whose inputs are unchanged since the previous build keep their
    // page and charts; the others are rendered.
    let mut stale = Vec::new();
    let mut reused = Vec::new();
    let shared = shared_key(project, options, base_url);
    let keys: Vec<String> = briefs
        .par_iter()
        .map(|brief| brief_key(&shared, project, brief))
        .collect();
    for (brief, key) in briefs.iter().zip(keys) {
        match previous.and_then(|p| p.reusable(&brief.slug, &key)) {
            Some((entry, files)) => {
                reused.extend(files);
                records.insert(brief.slug.clone(), entry);
            }
            None => stale.push((brief, key)),
        }
    }
    reused
        .into_par_iter()
        .try_for_each(|(path, file)| file.put(&path, &*sink))?;
    // The site's own pages (index, feed, sitemap, assets, figures) need
    // only the briefs' front matter: they are made beside the briefs.
    let site_pages = || -> Result<()> {
        let (engine, _) = engine_for(&[])?;
        let mut index = base.clone();
        let pages: Vec<BriefPage> = briefs.iter().map(BriefPage::of).collect();
        index.insert("briefs", &pages);
        index.insert("root", "");
        index.insert("canonical", &feed::address(base_url, ""));
        let page = engine.render("index.html", &index)?;
        check_page_links(&page, "templates/index.html", None)?;
        sink.put("index.html", page.as_bytes())?;
        let entries: Vec<feed::FeedEntry> = briefs
            .iter()
            .map(|b| feed::FeedEntry {
                path: format!("{}/", b.slug),
                title: b.front.title.clone(),
                summary: b.front.summary.clone(),
                date: b.front.date,
                authors: b.front.authors.clone(),
            })
            .collect();
        let c = &project.config;
        let atom = feed::atom(
            &c.title,
            &c.description,
            &c.publisher,
            inputs.crossings.series.first(),
            base_url,
            &entries,
        );
        sink.put("feed.xml", atom.as_bytes())?;
        sink.put("sitemap.xml", feed::sitemap(base_url, &entries).as_bytes())?;
        for (path, bytes) in &project.assets {
            sink.put(&format!("assets/{path}"), bytes)?;
        }
        let mut json = serde_json::to_string_pretty(figures)
            .map_err(|e| Error::new(format!("could not serialise the figures: {e}")))?;
        json.push('\n');
        sink.put("figures.json", json.as_bytes())?;
        Ok(())
    };
    // Briefs are rendered in batches, in parallel: each batch gets its own
    // engine with its briefs' templates (read-only once made), renders them
    // in turn, and writes each page as soon as it is made. Parsing happens
    // on every thread, and a parsed template, many times the size of its
    // text, lives only while its batch is rendered: an engine holding every
    // brief of a large site would hold far more memory than the rest of the
    // build. Records are collected in brief order, so the output is the
    // same bytes whatever the number of threads.
    let done = AtomicUsize::new(0);
    let render_briefs = || {
        stale
            .par_chunks(BRIEFS_PER_ENGINE)
            // Each batch can go to whichever thread is free: left to
            // itself, rayon hands a thread a quarter of the batches to do
            // in turn, and at the end one thread works while the other
            // waits.
            .with_max_len(1)
            .map(|batch| {
                let briefs: Vec<&Brief> = batch.iter().map(|(brief, _)| *brief).collect();
                let (engine, names) = engine_for(&briefs)?;
                let mut records = Vec::with_capacity(batch.len());
                for ((brief, key), name) in batch.iter().zip(&names) {
                    let mut context = base.clone();
                    context.insert("brief", &BriefPage::of(brief));
                    context.insert("root", "../");
                    let canonical = match base_url {
                        Some(base) => format!("{base}{}/", brief.slug),
                        None => "./".into(),
                    };
                    context.insert("canonical", &canonical);
                    let body_markdown = engine
                        .render_body(name, &context)
                        .map_err(|e| explain_null_figures(e, figures))?;
                    let body_html = body_to_html(brief, &texts, &body_markdown)?;
                    let body_html = place_figures(&body_html, &placed).into_owned();
                    let mut entry = brief_entry(&engine, name, brief, &body_html);
                    entry.key = key.clone();
                    context.insert("body", &body_html);
                    let page = engine.render_sized("brief.html", &context, body_html.len())?;
                    check_page_links(&page, "templates/brief.html", Some((brief, &body_html)))?;
                    sink.put(&entry.page, page.as_bytes())?;
                    records.push((brief.slug.clone(), entry));
                }
                let so_far = done.fetch_add(batch.len(), Ordering::Relaxed) + batch.len();
                progress(so_far, stale.len());
                Ok(records)
            })
            .collect::<Vec<Result<Vec<_>>>>()
    };
    let (batches, site_pages) = rayon::join(render_briefs, site_pages);
    // The first failing brief in the briefs' order is the one reported,
    // whichever thread met it first; then the site's pages.
    let batches = batches.into_iter().collect::<Result<Vec<_>>>()?;
    site_pages?;
    let rendered_count = stale.len();
    records.extend(batches.into_iter().flatten());

    let build = BuildRecord {
        as_of: options.as_of,
        drafts: options.drafts,
        base_url: options.base_url.clone(),
    };
    let outputs = sink.take_outputs();
    let charts = outputs
        .iter()
        .filter(|o| o.path.starts_with("charts/") && o.path.ends_with(".csv"))
        .count();
    let manifest = Manifest::new(&project.inputs, outputs, records, build, VERSION);
    sink.put(MANIFEST_PATH, manifest.to_json().as_bytes())?;
    let files = manifest.outputs.len() + 1;
    free_later(manifest);
    // Every chart's figure markup and the charts' caches are freed on
    // another thread, once the engine (which holds the sink) is gone.
    drop(site_engine);
    free_later((charts, placed));
    Ok(Built {
        figures: figures.clone(),
        briefs: briefs.iter().map(|b| b.slug.clone()).collect(),
        charts,
        rendered: rendered_count,
        files,
        warnings: Vec::new(),
    })
}

/// The chart files a brief's body places, found by their CSV links
/// (`charts/….csv"`), sorted, each once, by their wide SVG's path.
fn placed_charts(body_html: &str) -> Vec<String> {
    // Each link is read up to the end of its attribute: a search for
    // `.csv"` from every `charts/` would read the rest of the page each
    // time.
    let mut charts: Vec<String> = body_html
        .match_indices("charts/")
        .filter_map(|(i, _)| {
            let rest = &body_html[i..];
            let end = rest.find(['"', '<', ' '])?;
            let stem = rest[..end].strip_suffix(".csv")?;
            (rest.as_bytes()[end] == b'"').then(|| format!("{stem}.svg"))
        })
        .collect();
    charts.sort();
    charts.dedup();
    charts
}

/// The manifest's record of a brief: its source, page, the charts its body
/// places (found by their CSV links) and the figures it reads.
fn brief_entry(engine: &Engine, template: &str, brief: &Brief, body_html: &str) -> BriefEntry {
    const FIGURES: [&str; 8] = [
        "as_of",
        "source",
        "annual",
        "ytd",
        "projection",
        "backtest",
        "pilot",
        "data",
    ];
    let charts = placed_charts(body_html);
    let mut figures: Vec<String> = engine
        .tera
        .get_template_variables(template)
        .map(|vars| {
            vars.into_iter()
                .filter(|v| FIGURES.contains(v))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    figures.sort();
    BriefEntry {
        source: slash_path(&brief.path),
        page: format!("{}/index.html", brief.slug),
        charts,
        figures,
        key: String::new(),
    }
}

/// A brief that uses a figure the model could not compute for this as-of
/// date fails; say why, not only that a value was null (MODEL.md §2, §4).
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

/// `{{ chart(name="cumulative", years=[2024, 2025, 2026], highlight=2026,
/// title="…") }}` (or `from=2022, to=2026`) places a chart in a brief; see
/// [`crate::charts::CHART_KINDS`] for each kind's options. Unknown names
/// and options are errors at the brief's line. A chart is drawn and its
/// files put into `sink` the first time a brief places it; later
/// placements reuse its figure markup.
fn register_chart_function(
    engine: &mut Engine,
    charts: Arc<ChartSet>,
    placed: Arc<PlacedCharts>,
    sink: &Arc<dyn Sink>,
    figures: &Figures,
) {
    let source = format!(
        "Source: {}, {}, released {}",
        figures.source.publisher,
        figures.source.title,
        crate::text::long_date(figures.source.released)
    );
    let sink = Arc::clone(sink);
    engine
        .tera
        .register_function("chart", move |kwargs: tera::Kwargs, _: &tera::State| {
            let request = chart_request(&kwargs)?;
            let stem = request.file_stem();
            if placed.get(&stem).is_some() {
                return Ok(tera::Value::safe_string(&figure_marker(&stem)));
            }
            let chart = charts
                .draw_as(&request, &stem)
                .map_err(tera::Error::message)?;
            let html: Arc<str> = figure_html(&chart, &source, "../").into();
            // Two threads may draw the same chart at once; the first to
            // finish writes it, and both place the same markup.
            if placed.insert(&stem, Arc::clone(&html)) {
                let name = &chart.name;
                let data = &chart.data;
                let written = sink
                    .put(&format!("charts/{name}.svg"), chart.svg.as_bytes())
                    .and_then(|()| sink.put(&narrow_svg_path(name), chart.narrow_svg.as_bytes()))
                    .and_then(|()| {
                        let path = format!("charts/{name}.csv");
                        sink.put_hashed(&path, data.csv().as_bytes(), data.csv_sha256())
                    });
                written.map_err(|e| tera::Error::message(e.to_string()))?;
            }
            Ok(tera::Value::safe_string(&figure_marker(&stem)))
        });
}

/// The start of the stand-in that `chart()` writes for a figure.
const FIGURE_MARKER: &str = "<figure data-brief-chart=\"";

/// What `chart()` writes in a brief's body: a stand-in for the figure
/// (which carries the chart's data table), put in its place once Markdown
/// has made the body's HTML. The figure is an HTML block that Markdown
/// passes through as it stands, so this gives the same page; Markdown then
/// reads a few bytes instead of every chart's table.
fn figure_marker(stem: &str) -> String {
    // Ending in a newline as the figure does, so that Markdown ends the
    // block where it ended the figure's.
    format!("{FIGURE_MARKER}{stem}{FIGURE_MARKER_END}")
}

/// The end of a figure's stand-in.
const FIGURE_MARKER_END: &str = "\"></figure>\n";

/// `html` with each figure stand-in replaced by its chart's figure.
fn place_figures<'h>(html: &'h str, placed: &PlacedCharts) -> std::borrow::Cow<'h, str> {
    if !html.contains(FIGURE_MARKER) {
        return html.into();
    }
    let mut out = String::with_capacity(html.len() + 16 * 1024);
    let mut rest = html;
    while let Some(i) = rest.find(FIGURE_MARKER) {
        out.push_str(&rest[..i]);
        let after = &rest[i + FIGURE_MARKER.len()..];
        let figure = after
            .split_once(FIGURE_MARKER_END)
            .and_then(|(stem, tail)| {
                let html = placed.get(stem)?;
                Some((html, tail))
            });
        match figure {
            Some((figure, tail)) => {
                out.push_str(&figure);
                rest = tail;
            }
            None => {
                out.push_str(FIGURE_MARKER);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// The figure markup of every chart placed so far, by file stem: all a
/// second placement needs, small beside the drawings (already written).
#[derive(Default)]
struct PlacedCharts(std::sync::Mutex<BTreeMap<String, Arc<str>>>);

impl PlacedCharts {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<str>>> {
        // A panic while rendering cannot leave the map half-written.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, stem: &str) -> Option<Arc<str>> {
        self.lock().get(stem).cloned()
    }

    /// Records a chart's markup; false when it was already there.
    fn insert(&self, stem: &str, html: Arc<str>) -> bool {
        let mut map = self.lock();
        if map.contains_key(stem) {
            return false;
        }
        map.insert(stem.to_string(), html);
        true
    }
}

/// Reads `chart()`'s arguments, refusing any it does not know.
fn chart_request(kwargs: &tera::Kwargs) -> std::result::Result<ChartRequest, tera::Error> {
    const ARGUMENTS: [&str; 6] = ["name", "years", "from", "to", "highlight", "title"];
    for (key, _) in kwargs.iter() {
        let key = key.to_string();
        if !ARGUMENTS.contains(&key.as_str()) {
            return Err(tera::Error::message(format!(
                "chart() takes no argument “{key}”; it takes: {}",
                ARGUMENTS.join(", ")
            )));
        }
    }
    let year =
        |y: i64| i16::try_from(y).map_err(|_| tera::Error::message(format!("{y} is not a year")));
    // Tera's own type errors do not name the argument; say which one.
    let bad = |name: &'static str, what: &'static str| {
        move |e: tera::Error| {
            tera::Error::message(format!("chart() argument “{name}” must be {what} ({e})"))
        }
    };
    let a_year = "a year, e.g. 2024";
    let years = match kwargs
        .get::<Vec<i64>>("years")
        .map_err(bad("years", "a list of years, e.g. [2024, 2025]"))?
    {
        Some(list) => Some(
            list.into_iter()
                .map(year)
                .collect::<std::result::Result<Vec<_>, _>>()?,
        ),
        None => None,
    };
    Ok(ChartRequest {
        name: kwargs
            .must_get::<String>("name")
            .map_err(bad("name", "a chart's name in quotes, e.g. \"cumulative\""))?,
        years,
        from: kwargs
            .get::<i64>("from")
            .map_err(bad("from", a_year))?
            .map(year)
            .transpose()?,
        to: kwargs
            .get::<i64>("to")
            .map_err(bad("to", a_year))?
            .map(year)
            .transpose()?,
        highlight: kwargs
            .get::<i64>("highlight")
            .map_err(bad("highlight", a_year))?
            .map(year)
            .transpose()?,
        title: kwargs
            .get::<String>("title")
            .map_err(bad("title", "text in quotes"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_put_in_after_markdown_give_the_page_markdown_gave_them() {
        // A figure as `figure_html` makes it: block HTML ending in a
        // newline, with text Markdown would change if it read it.
        let figure = "<figure class=\"chart\" id=\"figure-a\">\n<figcaption>\"Quoted\" -- *not* emphasis</figcaption>\n<table>\n<tr><td class=\"num\">1,000</td></tr>\n</table>\n</figure>\n";
        let placed = PlacedCharts::default();
        placed.insert("a", figure.into());
        for body in [
            "Intro.\n\nCHART\n## Next\n",
            "Intro.\n\nCHART\nText right after.\n",
            "CHART\nCHART",
            "# Title\n\nCHART\n\nEnd \"quoted\".\n",
        ] {
            let before =
                markdown::to_html(&body.replace("CHART\n", figure).replace("CHART", figure))
                    .unwrap();
            let marked = body
                .replace("CHART\n", &figure_marker("a"))
                .replace("CHART", &figure_marker("a"));
            let after = place_figures(&markdown::to_html(&marked).unwrap(), &placed).into_owned();
            assert_eq!(after, before, "{body:?}");
        }
        // A stand-in for a chart not placed is left as it is.
        let unknown = figure_marker("b");
        assert_eq!(place_figures(&unknown, &placed), unknown);
        let text = format!("x {FIGURE_MARKER} y");
        assert_eq!(place_figures(&text, &placed), text);
    }

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
    fn placed_charts_are_found_by_their_csv_links() {
        // How the links were found before: from each `charts/`, the next
        // `.csv"`, unless a quote, tag or space came first.
        fn searched(body_html: &str) -> Vec<String> {
            let mut charts: Vec<String> = body_html
                .match_indices("charts/")
                .filter_map(|(i, _)| {
                    let rest = &body_html[i..];
                    let end = rest.find(".csv\"")?;
                    let stem = &rest[..end];
                    (!stem.contains(['"', '<', ' '])).then(|| format!("{stem}.svg"))
                })
                .collect();
            charts.sort();
            charts.dedup();
            charts
        }
        let bodies = [
            r#"<a href="../charts/b-1.csv" download> <img src="../charts/b-1.svg"> <a href="../charts/a.csv">"#,
            r#"charts/x.csv" charts/y.csv "charts/z.csv" charts/w.csv"#,
            r#"charts/a b.csv" charts/<c.csv" charts/d"e.csv" charts/e.csvx" charts/"#,
            r#"charts/charts/f.csv" charts/g.csv.csv" charts/h.CSV" charts/i.csv"#,
            "no links at all",
            "",
        ];
        for body in bodies {
            assert_eq!(placed_charts(body), searched(body), "{body}");
        }
        assert_eq!(placed_charts(bodies[0]), ["charts/a.svg", "charts/b-1.svg"]);
    }
}
