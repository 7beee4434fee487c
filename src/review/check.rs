//! `brief check`: build in memory and compare with the output folder.
//!
//! Nothing is written. The comparison is byte for byte; the manifest found
//! in the output folder supplies the options the site was built with and the
//! hashes of the inputs it was built from, so that the report can say which
//! sources moved since.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::hash::sha256_hex;
use crate::manifest::{InputEntry, MANIFEST_PATH, Manifest};
use crate::project::{InputFiles, Project};
use crate::site::{self, BuildOptions, BuildPlan, VERSION};

/// Largest manifest read; a bigger one is treated as unreadable.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// What is on disk in the output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputFolder {
    /// Every plain file, by its path under the folder (with `/`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// Symbolic links and other entries that are not plain files or folders.
    /// They are not followed: a link never matches a built file.
    pub others: BTreeSet<String>,
}

/// How the files of a build differ from the files on disk; each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileChanges {
    /// On disk and built, but the bytes differ.
    pub stale: Vec<String>,
    /// Built but not on disk.
    pub missing: Vec<String>,
    /// On disk but not built.
    pub extra: Vec<String>,
    /// Built and on disk with the same bytes.
    pub matching: usize,
}

impl FileChanges {
    /// True when the folder holds exactly the built files.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// How the current inputs differ from those a manifest lists; each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputChanges {
    /// In both, with another hash.
    pub changed: Vec<String>,
    /// Now present, not in the manifest.
    pub added: Vec<String>,
    /// In the manifest, now gone.
    pub removed: Vec<String>,
}

impl InputChanges {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

/// Compares the files of a build with the files in the output folder.
pub fn compare_files(built: &BTreeMap<String, Vec<u8>>, disk: &OutputFolder) -> FileChanges {
    let mut changes = FileChanges::default();
    for (path, bytes) in built {
        match disk.files.get(path) {
            Some(on_disk) if on_disk == bytes => changes.matching += 1,
            Some(_) => changes.stale.push(path.clone()),
            None if disk.others.contains(path) => changes.stale.push(path.clone()),
            None => changes.missing.push(path.clone()),
        }
    }
    changes.extra = disk
        .files
        .keys()
        .chain(&disk.others)
        .filter(|path| !built.contains_key(*path))
        .cloned()
        .collect();
    changes.extra.sort();
    changes
}

/// Compares the current inputs with the inputs a manifest recorded.
pub fn compare_inputs(current: &InputFiles, recorded: &[InputEntry]) -> InputChanges {
    let recorded: BTreeMap<&str, &str> = recorded
        .iter()
        .map(|e| (e.path.as_str(), e.sha256.as_str()))
        .collect();
    let mut changes = InputChanges::default();
    for (path, bytes) in current {
        match recorded.get(path.as_str()) {
            Some(hash) if *hash == sha256_hex(bytes) => {}
            Some(_) => changes.changed.push(path.clone()),
            None => changes.added.push(path.clone()),
        }
    }
    changes.removed = recorded
        .keys()
        .filter(|path| !current.contains_key(**path))
        .map(|path| path.to_string())
        .collect();
    changes
}

/// Reads every entry under `dir`, in sorted order, without following links.
/// `None` if `dir` does not exist.
pub fn read_output_folder(dir: &Path) -> Result<Option<OutputFolder>> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(dir, "read", &e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(Error::in_file(dir, "this is not a folder")
                .help("expected the output folder written by `brief build`"));
        }
        Ok(_) => {}
    }
    let mut folder = OutputFolder::default();
    let walk = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1);
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::in_file(&path, format!("could not read the folder: {e}"))
        })?;
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let kind = entry.file_type();
        if kind.is_file() {
            let bytes = fs::read(entry.path()).map_err(|e| Error::io(entry.path(), "read", &e))?;
            folder.files.insert(rel, bytes);
        } else if !kind.is_dir() {
            folder.others.insert(rel);
        }
    }
    Ok(Some(folder))
}

/// Reads the manifest in `dir`, if there is one that parses.
fn read_manifest(dir: &Path) -> Option<Manifest> {
    let path = dir.join(MANIFEST_PATH);
    let meta = fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return None;
    }
    Manifest::from_json(&fs::read_to_string(&path).ok()?)
}

/// Builds `project` in memory and compares it with `out`; returns the
/// report to print and whether everything matched. `options` are the
/// command-line flags; what they leave unset comes from the manifest in
/// `out`. Writes nothing.
pub fn check(project: &Project, options: &BuildOptions, out: &Path) -> Result<(String, bool)> {
    let name = folder_name(project, out);
    let Some(disk) = read_output_folder(out)? else {
        return Ok((
            format!(
                "{name} does not exist: nothing has been built there yet; run `brief build`.\n"
            ),
            false,
        ));
    };
    let manifest = read_manifest(out);
    let built = site::build(project, &options.or_as_built(manifest.as_ref()))?;
    let plan = &built.plan;
    let files = compare_files(&built.files, &disk);
    let as_of = crate::text::long_date(plan.as_of);

    let mut report = String::new();
    if files.is_clean() {
        let n = files.matching;
        let _ = writeln!(
            report,
            "{name} is up to date: {n} file{} match{} {} sources (as of {as_of}{}).",
            if n == 1 { "" } else { "s" },
            if n == 1 { "es" } else { "" },
            if n == 1 { "its" } else { "their" },
            flags_note(plan),
        );
        return Ok((report, true));
    }

    let _ = writeln!(
        report,
        "{name} does not match its sources (checked as of {as_of}{}):",
        flags_note(plan)
    );
    for (label, paths) in [
        ("stale", &files.stale),
        ("missing", &files.missing),
        ("extra", &files.extra),
    ] {
        for path in paths {
            let _ = writeln!(report, "  {label:<8} {path}");
        }
    }
    match &manifest {
        None => {
            let _ = writeln!(
                report,
                "There is no readable {name}{MANIFEST_PATH}, so which inputs changed since the build is not known."
            );
        }
        Some(m) => since_the_build(&mut report, &name, project, plan, m),
    }
    let flags = rebuild_flags(&plan.asked);
    if !flags.is_empty() {
        let _ = writeln!(report, "To rebuild it as checked: `brief build{flags}`.");
    }
    Ok((report, false))
}

/// What the manifest in the folder `name` says about why its site differs
/// from the fresh build to `plan`: other options, another version of brief,
/// and the inputs changed since.
fn since_the_build(
    report: &mut String,
    name: &str,
    project: &Project,
    plan: &BuildPlan,
    m: &Manifest,
) {
    let built_with = BuildOptions::from(&m.build);
    let same_options = built_with == plan.asked;
    if !same_options {
        let _ = writeln!(
            report,
            "{name} was built with `brief build{}`; this check builds with `brief build{}`.",
            rebuild_flags(&built_with),
            rebuild_flags(&plan.asked)
        );
    }
    let same_version = m.tool.version == VERSION;
    if !same_version {
        let _ = writeln!(
            report,
            "{name} was built by brief {}; this is brief {VERSION}.",
            m.tool.version
        );
    }
    let inputs = compare_inputs(&project.inputs, &m.inputs);
    if inputs.is_empty() {
        let afterwards = if same_options && same_version {
            ": its files were changed afterwards"
        } else {
            ""
        };
        let _ = writeln!(
            report,
            "No input has changed since {name} was built{afterwards}."
        );
    } else {
        let _ = writeln!(report, "Inputs changed since {name} was built:");
        for (label, paths) in [
            ("changed", &inputs.changed),
            ("added", &inputs.added),
            ("removed", &inputs.removed),
        ] {
            for path in paths {
                let _ = writeln!(report, "  {label:<8} {path}");
            }
        }
    }
}

/// The output folder as a person calls it: relative to the project when
/// inside it, with a final `/`.
fn folder_name(project: &Project, out: &Path) -> String {
    let mut name = match out.strip_prefix(&project.root) {
        Ok(inside) => inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => out.display().to_string(),
    };
    if name.is_empty() {
        name.push('.');
    }
    if !name.ends_with('/') {
        name.push('/');
    }
    name
}

/// ", with drafts" when drafts were included.
fn flags_note(plan: &BuildPlan) -> &'static str {
    if plan.drafts { ", with drafts" } else { "" }
}

/// The flags that ask for the build `options` asks for.
fn rebuild_flags(options: &BuildOptions) -> String {
    let mut flags = String::new();
    if let Some(day) = options.as_of {
        let _ = write!(flags, " --as-of {day}");
    }
    if options.drafts {
        flags.push_str(" --drafts");
    }
    // A base URL has no spaces or quotes (see `normalise_base_url`), so it
    // needs no quoting in the shell.
    if let Some(url) = &options.base_url {
        let _ = write!(flags, " --base-url {url}");
    }
    flags
}

/// Whether the site in `out` was built by this version with these options
/// from exactly the inputs the project has now, and every file it lists is
/// still there at its size: then a build has nothing to do. Cheap: the
/// inputs are hashed, the outputs only looked at.
pub fn unchanged_since(
    root: &Path,
    out: &Path,
    manifest: &Manifest,
    options: &BuildOptions,
) -> bool {
    let same_options = BuildOptions::from(&manifest.build) == *options;
    if !same_options || manifest.tool.version != VERSION {
        return false;
    }
    let Ok(inputs) = crate::project::read_inputs(root) else {
        return false;
    };
    let same_inputs = inputs.len() == manifest.inputs.len()
        && inputs
            .iter()
            .zip(&manifest.inputs)
            .all(|((path, bytes), entry)| *path == entry.path && sha256_hex(bytes) == entry.sha256);
    same_inputs
        && out.join(crate::manifest::MANIFEST_PATH).is_file()
        && manifest.outputs.iter().all(|entry| {
            crate::output::check_site_path(&entry.path).is_ok()
                && std::fs::symlink_metadata(out.join(&entry.path))
                    .is_ok_and(|m| m.is_file() && m.len() == entry.size)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::BuildRecord;
    use jiff::civil::date;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        entries
            .iter()
            .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    fn folder(entries: &[(&str, &str)]) -> OutputFolder {
        OutputFolder {
            files: files(entries),
            others: BTreeSet::new(),
        }
    }

    #[test]
    fn the_rebuild_command_gives_every_option_asked_for() {
        let asked = BuildOptions {
            as_of: Some(jiff::civil::date(2025, 7, 9)),
            drafts: true,
            base_url: Some("https://example.org/briefs/".into()),
        };
        assert_eq!(
            rebuild_flags(&asked),
            " --as-of 2025-07-09 --drafts --base-url https://example.org/briefs/"
        );
        assert_eq!(rebuild_flags(&BuildOptions::default()), "");
    }

    #[test]
    fn identical_files_are_clean() {
        let built = files(&[("index.html", "a"), ("b/index.html", "b")]);
        let changes = compare_files(
            &built,
            &folder(&[("index.html", "a"), ("b/index.html", "b")]),
        );
        assert!(changes.is_clean());
        assert_eq!(changes.matching, 2);
    }

    #[test]
    fn stale_missing_and_extra_files_are_sorted_into_their_lists() {
        let built = files(&[
            ("index.html", "new"),
            ("z/index.html", "z"),
            ("charts/a.svg", "svg"),
            ("same.css", "css"),
        ]);
        let disk = folder(&[
            ("index.html", "old"),
            ("z/index.html", "z "),
            ("old/index.html", "gone"),
            ("a-extra.txt", "x"),
            ("same.css", "css"),
        ]);
        let changes = compare_files(&built, &disk);
        assert_eq!(changes.stale, ["index.html", "z/index.html"]);
        assert_eq!(changes.missing, ["charts/a.svg"]);
        assert_eq!(changes.extra, ["a-extra.txt", "old/index.html"]);
        assert_eq!(changes.matching, 1);
        assert!(!changes.is_clean());
    }

    #[test]
    fn an_empty_folder_misses_everything() {
        let built = files(&[("index.html", "a")]);
        let changes = compare_files(&built, &OutputFolder::default());
        assert_eq!(changes.missing, ["index.html"]);
        assert!(changes.stale.is_empty() && changes.extra.is_empty());
    }

    #[test]
    fn a_link_is_never_a_match() {
        let built = files(&[("index.html", "a")]);
        let mut disk = OutputFolder::default();
        disk.others.insert("index.html".into());
        disk.others.insert("elsewhere".into());
        let changes = compare_files(&built, &disk);
        assert_eq!(changes.stale, ["index.html"]);
        assert_eq!(changes.extra, ["elsewhere"]);
    }

    fn entry(path: &str, bytes: &str) -> InputEntry {
        InputEntry {
            path: path.into(),
            sha256: sha256_hex(bytes.as_bytes()),
        }
    }

    #[test]
    fn inputs_changed_added_and_removed_since_the_manifest() {
        let current = files(&[
            ("briefs/new.md", "new"),
            ("data/crossings.yaml", "days: 2"),
            ("site.yaml", "title: x"),
        ]);
        let recorded = [
            entry("briefs/gone.md", "gone"),
            entry("data/crossings.yaml", "days: 1"),
            entry("site.yaml", "title: x"),
        ];
        let changes = compare_inputs(&current, &recorded);
        assert_eq!(changes.changed, ["data/crossings.yaml"]);
        assert_eq!(changes.added, ["briefs/new.md"]);
        assert_eq!(changes.removed, ["briefs/gone.md"]);
        let same = compare_inputs(
            &current,
            &[
                entry("briefs/new.md", "new"),
                entry("data/crossings.yaml", "days: 2"),
                entry("site.yaml", "title: x"),
            ],
        );
        assert!(same.is_empty());
    }

    fn manifest_with(build: BuildRecord) -> Manifest {
        Manifest::new(
            &InputFiles::new(),
            Vec::new(),
            BTreeMap::new(),
            build,
            VERSION,
        )
    }

    #[test]
    fn options_come_from_the_flags_then_the_manifest_then_the_defaults() {
        let none = BuildOptions::default();
        let recorded = manifest_with(BuildRecord {
            as_of: Some(date(2023, 1, 1)),
            drafts: true,
            base_url: None,
        });
        let from_manifest = none.or_as_built(Some(&recorded));
        assert_eq!(from_manifest.as_of, Some(date(2023, 1, 1)));
        assert!(from_manifest.drafts);

        let flags = BuildOptions {
            as_of: Some(date(2022, 6, 30)),
            drafts: false,
            ..BuildOptions::default()
        };
        let overridden = flags.or_as_built(Some(&recorded));
        assert_eq!(overridden.as_of, Some(date(2022, 6, 30)));
        assert!(
            overridden.drafts,
            "without --drafts the manifest's choice stands"
        );

        let defaults = none.or_as_built(None);
        assert_eq!(defaults.as_of, None);
        assert!(!defaults.drafts);
    }

    #[test]
    fn the_folder_is_named_relative_to_the_project() {
        let project = Project::from_files(
            Path::new("/work/site"),
            files(&[("site.yaml", "title: t\ndescription: d\npublisher: p\n")]),
        )
        .unwrap();
        assert_eq!(
            folder_name(&project, Path::new("/work/site/output")),
            "output/"
        );
        assert_eq!(folder_name(&project, Path::new("/work/site/a/b")), "a/b/");
        assert_eq!(folder_name(&project, Path::new("/srv/www")), "/srv/www/");
    }

    #[test]
    fn the_output_folder_is_read_sorted_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            read_output_folder(&dir.path().join("nope"))
                .unwrap()
                .is_none()
        );
        let out = dir.path().join("output");
        fs::create_dir_all(out.join("b")).unwrap();
        fs::create_dir_all(out.join("empty")).unwrap();
        fs::write(out.join("b/index.html"), "b").unwrap();
        fs::write(out.join("a.txt"), "a").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), out.join("link")).unwrap();
        let folder = read_output_folder(&out).unwrap().unwrap();
        assert_eq!(
            folder.files.keys().collect::<Vec<_>>(),
            ["a.txt", "b/index.html"]
        );
        #[cfg(unix)]
        assert_eq!(folder.others.iter().collect::<Vec<_>>(), ["link"]);
    }
}
