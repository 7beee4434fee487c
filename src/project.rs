//! Loading a project folder: `site.yaml`, `briefs/`, `data/`, `templates/`,
//! read in sorted order into memory so that later stages never touch disk.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::git::Committed;

/// Largest input file read (briefs, data, templates, assets).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;
/// Most briefs in one project.
pub const MAX_BRIEFS: usize = 100_000;

/// Default number of reference years for the projection (METHOD.md §2, `k`).
pub const DEFAULT_REFERENCE_YEARS: usize = 3;

/// `site.yaml`: the site's own settings.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's title, shown on every page.
    pub title: String,
    /// One sentence on what the site is, for the index and metadata.
    pub description: String,
    /// Who publishes the site (an organisation or team).
    pub publisher: String,
    /// Language of the pages, e.g. `en-GB`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the site is published (`https://example.org/briefs/`), for the
    /// feed, sitemap and canonical links; `--base-url` overrides it.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Reference years for the projection (`k` in METHOD.md).
    #[serde(default = "default_reference_years")]
    pub reference_years: usize,
    /// Schemas of tables in `data/`, by table name, for a project that
    /// keeps them here rather than beside each table
    /// (`data/<name>.schema.yaml`; see [`crate::data::table`]).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tables: BTreeMap<String, crate::data::table::Schema>,
}

fn default_language() -> String {
    "en-GB".into()
}

fn default_reference_years() -> usize {
    DEFAULT_REFERENCE_YEARS
}

/// A text file of the project, with its path relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators.
    pub path: PathBuf,
    /// The file's text (checked to be UTF-8).
    pub text: String,
}

/// Every input file of a project by its relative path (`data/pilot.yaml`),
/// as bytes: what a build reads, from disk or from a git revision.
pub type InputFiles = BTreeMap<String, Vec<u8>>;

/// Every input of a build, in memory.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project folder.
    pub root: PathBuf,
    /// `site.yaml`, parsed.
    pub config: SiteConfig,
    /// `briefs/*.md`, sorted by path.
    pub briefs: Vec<SourceFile>,
    /// `data/*.yaml`, sorted by path (schemas of tables among them).
    pub data: Vec<SourceFile>,
    /// `data/*.csv`, sorted by path: tables, each typed by its schema.
    pub tables: Vec<SourceFile>,
    /// `templates/*.html`, sorted by path.
    pub templates: Vec<SourceFile>,
    /// `templates/assets/**`, copied to `output/assets/` as they are.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Every input file, for the manifest's hashes.
    pub inputs: InputFiles,
    /// The committed versions of the daily series, oldest first, when the
    /// project is in a git work tree: what the corrections log is built
    /// from. Empty otherwise (a project from memory, a folder outside git).
    pub history: Vec<Committed>,
}

/// Most earlier years a projection may be averaged over (`k` in METHOD.md).
pub const MAX_REFERENCE_YEARS: usize = 100;

/// Checks the settings the model uses: `reference_years` (`k` in
/// METHOD.md) must be at least 1, or no brief could give a projection.
/// With more than there are complete years, the model uses those there are.
fn check_config(config: &SiteConfig, text: &str) -> Result<()> {
    let k = config.reference_years;
    if (1..=MAX_REFERENCE_YEARS).contains(&k) {
        return Ok(());
    }
    let mut err = Error::in_file("site.yaml", format!("reference_years is {k}")).help(format!(
        "expected the number of earlier years a projection averages over, from 1 to {MAX_REFERENCE_YEARS} (docs/METHOD.md's k; 3 when left out)"
    ));
    if let Some((i, line)) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("reference_years:"))
    {
        let value = line.len() - line["reference_years:".len()..].trim_start().len();
        err = err.at(i + 1, value + 1, Some(text));
    }
    Err(err)
}

/// The folders a project's inputs live in, besides `site.yaml`.
pub const INPUT_FOLDERS: [&str; 3] = ["briefs", "data", "templates"];

impl Project {
    /// Reads the project at `root`.
    pub fn load(root: &Path) -> Result<Project> {
        let mut project = Project::from_files(root, read_inputs(root)?)?;
        project.history = project.crossings_history();
        Ok(project)
    }

    /// The committed versions of the daily series in git, if any.
    fn crossings_history(&self) -> Vec<Committed> {
        let Some(file) = self.data_file("crossings") else {
            return Vec::new();
        };
        crate::git::file_history(&self.root, &slash_path(&file.path)).unwrap_or_default()
    }

    /// A project from files already in memory (a git revision, a test).
    pub fn from_files(root: &Path, files: InputFiles) -> Result<Project> {
        let Some(site) = files.get("site.yaml") else {
            return Err(no_site_yaml(root));
        };
        let site = text_file("site.yaml", site)?;
        let config: SiteConfig = crate::yaml::parse(&site.path, &site.text, 0)?;
        check_config(&config, &site.text)?;
        let briefs = text_files(&files, "briefs", &["md"])?;
        if briefs.len() > MAX_BRIEFS {
            return Err(
                Error::in_file("briefs", format!("there are {} briefs", briefs.len()))
                    .help(format!("expected at most {MAX_BRIEFS}")),
            );
        }
        let data = text_files(&files, "data", &["yaml", "yml"])?;
        let tables = text_files(&files, "data", &["csv"])?;
        let templates = text_files(&files, "templates", &["html"])?;
        let assets = files
            .iter()
            .filter_map(|(path, bytes)| {
                let rel = path.strip_prefix("templates/assets/")?;
                Some((rel.to_string(), bytes.clone()))
            })
            .collect();
        Ok(Project {
            root: root.to_path_buf(),
            config,
            briefs,
            data,
            tables,
            templates,
            assets,
            inputs: files,
            history: Vec::new(),
        })
    }

    /// The data file named `stem` (`crossings` → `data/crossings.yaml`).
    pub fn data_file(&self, stem: &str) -> Option<&SourceFile> {
        self.data
            .iter()
            .find(|f| f.path.file_stem().and_then(|s| s.to_str()) == Some(stem))
    }
}

/// Files read or checked by one task: a small project (a few dozen files)
/// is quicker on one thread than handed out.
const FILES_PER_TASK: usize = 64;

/// Reads every input file of the project at `root`: `site.yaml` and all
/// files under `briefs/`, `data/` and `templates/`.
pub fn read_inputs(root: &Path) -> Result<InputFiles> {
    let mut files = InputFiles::new();
    if root.join("site.yaml").is_file() {
        files.insert(
            "site.yaml".into(),
            read_bytes(root, Path::new("site.yaml"))?,
        );
    }
    let mut paths = Vec::new();
    for folder in INPUT_FOLDERS {
        let dir = root.join(folder);
        if dir.is_dir() {
            paths.extend(walk(root, &dir)?);
        }
    }
    // Read on every thread: a large site has thousands of briefs. Of
    // several unreadable files, the first in the walk's order is reported.
    let read: Vec<Result<Vec<u8>>> = paths
        .par_iter()
        .with_min_len(FILES_PER_TASK)
        .map(|p| read_bytes(root, p))
        .collect();
    for (path, bytes) in paths.iter().zip(read) {
        files.insert(slash_path(path), bytes?);
    }
    Ok(files)
}

/// The text files directly in `folder` with one of `extensions`.
fn text_files(files: &InputFiles, folder: &str, extensions: &[&str]) -> Result<Vec<SourceFile>> {
    let prefix = format!("{folder}/");
    let wanted: Vec<(&String, &Vec<u8>)> = files
        .range(prefix.clone()..)
        .take_while(|(path, _)| path.starts_with(&prefix))
        .filter(|(path, _)| {
            let rel = Path::new(path.as_str());
            let direct = rel.parent() == Some(Path::new(folder));
            let extension = rel.extension().and_then(|e| e.to_str());
            direct && extension.is_some_and(|e| extensions.contains(&e))
        })
        .collect();
    // Checked on every thread (a large site has thousands of briefs); of
    // several bad files, the first in order is reported.
    let read: Vec<Result<SourceFile>> = wanted
        .par_iter()
        .with_min_len(FILES_PER_TASK)
        .map(|(path, bytes)| text_file(path, bytes))
        .collect();
    read.into_iter().collect()
}

/// A relative path with `/` separators, the same on every system.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Files under `dir` (absolute), as paths relative to `root`, sorted.
/// Symbolic links are refused: a project's inputs are its own files.
fn walk(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name().follow_links(false) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::in_file(
                relative(root, &path),
                format!("could not read the folder: {e}"),
            )
        })?;
        let rel = relative(root, entry.path());
        if entry.path_is_symlink() {
            return Err(Error::in_file(rel, "this is a symbolic link")
                .help("expected a plain file; copy the file into the project instead"));
        }
        if entry.file_type().is_file() {
            files.push(rel);
        }
    }
    Ok(files)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn read_bytes(root: &Path, rel: &Path) -> Result<Vec<u8>> {
    let full = root.join(rel);
    let meta = fs::metadata(&full).map_err(|e| Error::io(rel, "read", &e))?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(
            Error::in_file(rel, format!("the file is {} bytes long", meta.len()))
                .help(format!("expected at most {MAX_INPUT_BYTES} bytes")),
        );
    }
    fs::read(&full).map_err(|e| Error::io(rel, "read", &e))
}

/// A file's bytes as UTF-8 text; invalid bytes are reported at their line
/// and column. A byte-order mark is dropped.
fn text_file(path: &str, bytes: &[u8]) -> Result<SourceFile> {
    let rel = PathBuf::from(path);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Error::in_file(&rel, "the file is not valid UTF-8 text")
            .at(line, column, None)
            .help("expected UTF-8; re-save the file as UTF-8")
    })?;
    Ok(SourceFile {
        path: rel,
        text: text.strip_prefix('\u{feff}').unwrap_or(text).to_string(),
    })
}

/// The error for a folder that is not a project: it has no site.yaml.
pub fn no_site_yaml(root: &Path) -> Error {
    Error::in_file("site.yaml", "there is no site.yaml here").help(format!(
        "run brief in a project folder (with site.yaml, briefs/, data/, templates/), or pass --root DIR; looked in {}",
        root.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_several_files_too_large_to_read_the_first_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("briefs")).unwrap();
        for name in ["a.md", "b.md", "c.md"] {
            fs::write(dir.path().join("briefs").join(name), "---\n").unwrap();
        }
        // Sparse: no disk is used.
        for name in ["d.md", "e.md"] {
            let file = fs::File::create(dir.path().join("briefs").join(name)).unwrap();
            file.set_len(MAX_INPUT_BYTES + 1).unwrap();
        }
        for _ in 0..20 {
            let e = read_inputs(dir.path()).unwrap_err().to_string();
            assert!(e.contains("d.md"), "{e}");
            assert!(e.contains("bytes long"), "{e}");
        }
    }
}
