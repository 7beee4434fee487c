//! Incremental builds: a brief's page and charts are reused from the
//! previous build when the brief was made from the same inputs, which its
//! key in the manifest records.

use std::collections::BTreeMap;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::plan::BuildPlan;
use super::{Site, VERSION};
use crate::brief::Brief;
use crate::error::{Error, Result};
use crate::hash::hex;
use crate::manifest::{BriefEntry, MANIFEST_PATH, Manifest, OutputEntry};
use crate::output::Sink;
use crate::project::{Project, slash_path};

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
    ///
    /// None when the running `brief` is newer than the site's manifest: a
    /// binary built or installed since (a fix between releases, of the same
    /// version) may render the same inputs differently, so every page is
    /// rendered again rather than reused or said to be up to date.
    pub fn from_dir(dir: &std::path::Path) -> Option<PreviousBuild> {
        // The folder, not the manifest: a build swaps in a new folder, while
        // a file that did not change may be the old one, linked.
        if binary_newer_than(dir) {
            return None;
        }
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
        for path in &entry.chart_files {
            files.push((path.clone(), self.file(path)?));
        }
        Some((entry.clone(), files))
    }
}

/// The briefs of one build sorted out against the previous build: those
/// whose page can be reused, and those to render.
pub(super) struct Reuse<'b> {
    /// The reused briefs' manifest entries, by slug.
    pub(super) records: BTreeMap<String, BriefEntry>,
    /// The reused briefs' files, to put into the new site.
    files: Vec<(String, Reused)>,
    /// The briefs to render, in the briefs' order, each with its key.
    pub(super) stale: Vec<(&'b Brief, String)>,
}

/// Sorts out `briefs` by their keys: a brief whose inputs are unchanged
/// since `previous` keeps its page and charts; the others are rendered.
pub(super) fn sort_out<'b>(
    project: &Project,
    plan: &BuildPlan,
    briefs: &'b [Brief],
    previous: Option<&PreviousBuild>,
) -> Reuse<'b> {
    let mut reuse = Reuse {
        records: BTreeMap::new(),
        files: Vec::new(),
        stale: Vec::new(),
    };
    let shared = shared_key(project, plan);
    let keys: Vec<String> = briefs
        .par_iter()
        .map(|brief| brief_key(&shared, project, brief))
        .collect();
    for (brief, key) in briefs.iter().zip(keys) {
        match previous.and_then(|p| p.reusable(&brief.slug, &key)) {
            Some((entry, files)) => {
                reuse.files.extend(files);
                reuse.records.insert(brief.slug.clone(), entry);
            }
            None => reuse.stale.push((brief, key)),
        }
    }
    reuse
}

impl Reuse<'_> {
    /// Puts the reused briefs' files into `sink`.
    pub(super) fn put_files(&mut self, sink: &dyn Sink) -> Result<()> {
        std::mem::take(&mut self.files)
            .into_par_iter()
            .try_for_each(|(path, file)| file.put(&path, sink))
    }
}

/// The part of every brief's key that all briefs share: SHA-256 over the
/// tool version, the options, `site.yaml`, the templates, the data and the
/// daily series' history in git.
/// Hashed once per build, not once per brief.
fn shared_key(project: &Project, plan: &BuildPlan) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash_part(&mut hash, VERSION.as_bytes());
    // The day as asked for (none: the data's last), the base URL as used.
    let base_url = plan.base_url.as_deref();
    let settings = format!("{:?}|{}|{:?}", plan.asked.as_of, plan.drafts, base_url);
    hash_part(&mut hash, settings.as_bytes());
    for (path, bytes) in &project.inputs {
        if path == "site.yaml" || path.starts_with("templates/") || path.starts_with("data/") {
            hash_part(&mut hash, path.as_bytes());
            hash_part(&mut hash, bytes);
        }
    }
    // The corrections note on a page reads the daily series' history too.
    for version in &project.history {
        hash_part(&mut hash, version.blob.as_bytes());
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

/// Whether the running executable was modified after `file` (a site's
/// folder), as far as the file system says; false when it cannot tell.
fn binary_newer_than(file: &std::path::Path) -> bool {
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let exe = std::env::current_exe().ok();
    match (exe.as_deref().and_then(modified), modified(file)) {
        (Some(exe), Some(site)) => exe > site,
        _ => false,
    }
}
