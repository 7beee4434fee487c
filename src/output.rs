//! Writing: a site is swapped in whole and a data file replaced whole, so
//! that a failure or a kill leaves the old one or the new one, never a mix.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread::JoinHandle;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::hash::sha256_hex;
use crate::manifest::{MANIFEST_PATH, OutputEntry};

/// Replaces `path` with `contents` by writing a temporary file beside it and
/// renaming it over the old one.
pub fn replace_file(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = fs::write(&temp, contents)
        .and_then(|_| fs::File::open(&temp)?.sync_all())
        .and_then(|_| fs::rename(&temp, path));
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        Error::io(path, "write", &e)
    })
}

/// Checks that a site path is relative and stays inside the output folder.
pub fn check_site_path(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    let plain = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(p.to_path_buf())
    } else {
        Err(Error::new(format!("refusing to write `{path}`"))
            .help("expected a relative path inside the output folder"))
    }
}

/// Refuses an output folder that `brief` could not replace without losing
/// something. A build swaps its new site in for the whole folder and deletes
/// the old one, so the folder must be provably the site's: absent, empty,
/// or a site `brief` built (it holds [`MANIFEST_PATH`]). A plain file, a
/// symbolic link, or a folder of other files is refused, saying why.
pub fn check_replaceable(out: &Path) -> Result<()> {
    let refuse = |why: String| {
        Err(Error::in_file(out, why).help(
            "expected an absent or empty folder, or one brief built (it holds manifest.json); \
             give another --output, or move the files away first",
        ))
    };
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(out, "look at the output folder", &e)),
    };
    if meta.file_type().is_symlink() {
        return refuse(
            "is a symbolic link: a build replaces its output folder whole, and will \
             not replace a link or what it points to"
                .into(),
        );
    }
    if !meta.is_dir() {
        return refuse(
            "is a file, not a folder: a build replaces its output folder whole, which \
             would delete the file"
                .into(),
        );
    }
    let mut entries =
        fs::read_dir(out).map_err(|e| Error::io(out, "read the output folder", &e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    if holds_brief_manifest(out) {
        return Ok(());
    }
    refuse(
        "holds files that brief did not build (it has no manifest.json of brief's): \
         a build replaces its output folder whole, which would delete them"
            .into(),
    )
}

/// Whether `dir` holds a `manifest.json` that brief wrote: it opens with
/// `"tool": {"name": "brief"`, as [`crate::manifest::Manifest::to_json`] writes it. Only its
/// start is read (a large site's manifest is megabytes).
fn holds_brief_manifest(dir: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = fs::File::open(dir.join(MANIFEST_PATH)) else {
        return false;
    };
    let mut head = Vec::with_capacity(256);
    if file.take(256).read_to_end(&mut head).is_err() {
        return false;
    }
    let squeezed: Vec<u8> = head
        .into_iter()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    squeezed.starts_with(br#"{"tool":{"name":"brief","#)
}

/// Refuses an output folder a build of the project at `root` must not
/// replace: one of the project's own ([`check_not_project_folder`]) or one
/// that is not provably a site ([`check_replaceable`]).
pub fn check_output_folder(root: &Path, out: &Path) -> Result<()> {
    check_not_project_folder(root, out)?;
    check_replaceable(out)
}

/// Refuses an output folder that is one of the project's own: the project
/// folder itself or any folder above it, or `briefs/`, `data/`,
/// `templates/` (or `.git/`) or anything inside them. `out` is resolved as
/// given (relative to the current folder).
pub fn check_not_project_folder(root: &Path, out: &Path) -> Result<()> {
    let root =
        fs::canonicalize(root).map_err(|e| Error::io(root, "find the project folder", &e))?;
    let Some(resolved) = resolve(out) else {
        return Err(Error::in_file(out, "is not a folder path brief can resolve (a part that does not exist is followed by `..`)")
            .help("expected a plain folder path such as output or ../site"));
    };
    let help = "expected an output folder of its own, such as output (the default) or public";
    if root.starts_with(&resolved) {
        let what = if root == resolved {
            "the project folder"
        } else {
            "a folder that holds the project"
        };
        return Err(Error::in_file(
            out,
            format!(
                "is {what}, not an output folder: a build replaces its output folder \
                 whole, which would delete the project"
            ),
        )
        .help(help));
    }
    for folder in crate::project::INPUT_FOLDERS.iter().chain(&[".git"]) {
        let input = root.join(folder);
        if resolved.starts_with(&input) {
            let place = if resolved == input { "is" } else { "is inside" };
            return Err(Error::in_file(
                out,
                format!(
                    "{place} the project's {folder}/ folder, not an output folder: a build \
                     replaces its output folder whole, which would delete the project's \
                     {folder}/ files"
                ),
            )
            .help(help));
        }
    }
    Ok(())
}

/// `path` made absolute, with links resolved as far as it exists and the
/// rest joined on; None when a part that does not exist is `..`.
fn resolve(path: &Path) -> Option<PathBuf> {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(&existing) {
            let mut full = real;
            for part in rest.iter().rev() {
                full.push(part);
            }
            return Some(full);
        }
        let name = existing.file_name()?.to_os_string();
        rest.push(name);
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
    }
}

/// Frees `value` on another thread: a large build's records take a while
/// to free, and the build is done with them.
pub fn free_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

/// Where a build puts each file as soon as it is made: a folder being
/// written ([`Staging`]) or memory ([`MemorySink`]). Briefs are rendered on
/// many threads, so a sink takes files from any of them.
pub trait Sink: Sync + Send {
    /// Adds the file at `path` (relative to the output folder). A path put
    /// twice keeps its first bytes: two briefs that place the same chart
    /// put the same file.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Adds the file at `path` as [`Sink::put`] does, when the SHA-256 of
    /// its bytes (lowercase hex) is known already: for a file whose bytes
    /// many others share, such as a chart's data.
    fn put_hashed(&self, path: &str, bytes: &[u8], sha256: &str) -> Result<()> {
        let _ = sha256;
        self.put(path, bytes)
    }

    /// Every file put, with its hash and size, sorted by path: asked once,
    /// when the build has put everything but the manifest. A sink may hand
    /// over its record of them rather than copy it.
    fn take_outputs(&self) -> Vec<OutputEntry>;

    /// Adds the file at `path` as a link to `from`, an earlier build's file
    /// whose manifest entry is `entry`; false when the sink cannot link it
    /// (then the caller puts its bytes).
    fn link(&self, _path: &str, _from: &Path, _entry: &OutputEntry) -> Result<bool> {
        Ok(false)
    }
}

/// A site kept in memory (`brief check`, `brief serve`, tests).
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    /// The files, by path.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // A panic elsewhere cannot leave the map half-updated.
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        check_site_path(path)?;
        self.lock()
            .entry(path.to_string())
            .or_insert_with(|| bytes.to_vec());
        Ok(())
    }

    fn take_outputs(&self) -> Vec<OutputEntry> {
        let files = self.lock();
        files
            .par_iter()
            .map(|(path, bytes)| OutputEntry::of(path, bytes))
            .collect()
    }
}

/// A new site being written into a temporary folder beside the output
/// folder, file by file as the build makes them, so that a large site is
/// never held in memory whole. [`Staging::finish`] swaps it in for the old
/// site; dropped unfinished (an error, a panic), it removes itself and the
/// old site stays exactly as it was.
///
/// The old site is not deleted by the build that replaces it: deleting a
/// thousand pages took a quarter of a rebuild's time on a disk. It is put
/// aside as `.NAME.old-PID-N` (its unchanged files are hard links into the
/// new site, so it holds only the space of what changed), and the next
/// build deletes it on a thread of its own while it renders.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    /// Whether there is an old site to link unchanged files from.
    old_site: bool,
    root: PathBuf,
    retired: PathBuf,
    /// Folders made so far (relative, as in site paths), so each is made
    /// once.
    folders: Mutex<BTreeSet<String>>,
    written: Mutex<BTreeMap<String, OutputEntry>>,
    /// The first file written with each content (hash, size), to link the
    /// others to.
    by_content: Mutex<BTreeMap<(String, u64), PathBuf>>,
    /// What the build should tell its user although it succeeds: folders
    /// left by earlier builds that could not be removed.
    warnings: Vec<String>,
    /// Deleting the folders earlier builds left, meanwhile; gives what
    /// could not be deleted.
    cleaning: Option<JoinHandle<Vec<String>>>,
    finished: bool,
}

/// Numbers the old sites one process puts aside (`brief serve` builds
/// many times), so that each has a name of its own.
static RETIRED: AtomicU64 = AtomicU64::new(0);

impl Staging {
    /// Starts a new site for `out` (in a hidden folder beside it), once
    /// `out` is known to be a folder a site may replace
    /// ([`check_replaceable`]). Folders that earlier builds left beside it
    /// (killed before they finished) are removed, or reported in
    /// [`Staging::finish`]'s warnings when they cannot be.
    pub fn begin(out: &Path) -> Result<Staging> {
        check_replaceable(out)?;
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("output");
        let pid = std::process::id();
        let root = parent.join(format!(".{name}.new-{pid}"));
        let (leftovers, warnings) = find_leftovers(parent, name);
        // A staging folder of this process's own, left by a build that
        // could not clean up: its name is needed now.
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).map_err(|e| Error::io(&root, "create the folder", &e))?;
        let cleaning = (!leftovers.is_empty())
            .then(|| std::thread::spawn(move || remove_leftovers(leftovers)));
        let n = RETIRED.fetch_add(1, Ordering::Relaxed);
        Ok(Staging {
            out: out.to_path_buf(),
            old_site: out.is_dir(),
            retired: parent.join(format!(".{name}.old-{pid}-{n}")),
            folders: Mutex::new(BTreeSet::new()),
            root,
            written: Mutex::new(BTreeMap::new()),
            by_content: Mutex::new(BTreeMap::new()),
            warnings,
            cleaning,
            finished: false,
        })
    }

    /// Swaps the new site in for the old one (or moves it into place),
    /// puts the old one aside for the next build to delete, and gives the
    /// warnings the user should hear: folders left by earlier builds that
    /// could not be removed.
    pub fn finish(mut self) -> Result<Vec<String>> {
        self.finished = true;
        // Its records of ten thousand files are no longer needed.
        free_later(std::mem::take(&mut self.by_content));
        free_later(std::mem::take(&mut self.written));
        let mut warnings = std::mem::take(&mut self.warnings);
        let result = if fs::symlink_metadata(&self.out).is_ok() {
            swap_in(&self.root, &self.out, &self.retired).map(|old_site| {
                // After an exchange the old site has the staging folder's
                // name, which the next build of this process needs.
                if old_site != self.retired {
                    let _ = fs::rename(&old_site, &self.retired);
                }
                // An empty one (the first build into an empty folder) goes now.
                let _ = fs::remove_dir(&self.retired);
            })
        } else {
            fs::rename(&self.root, &self.out).map_err(|e| {
                let _ = fs::remove_dir_all(&self.root);
                Error::io(&self.out, "move the new site into place", &e)
            })
        };
        warnings.extend(self.cleaned());
        result.map(|()| warnings)
    }

    /// Waits for the folders earlier builds left to be deleted, and gives
    /// what could not be.
    fn cleaned(&mut self) -> Vec<String> {
        self.cleaning
            .take()
            .map(|cleaning| cleaning.join().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Makes the folder of site path `path` inside the staging folder,
    /// unless made already.
    fn make_folder_of(&self, path: &str) -> Result<()> {
        let Some((dir, _)) = path.rsplit_once('/') else {
            return Ok(());
        };
        let mut made = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if !made.contains(dir) {
            let full = self.root.join(dir);
            fs::create_dir_all(&full).map_err(|e| Error::io(&full, "create the folder", &e))?;
            made.insert(dir.to_string());
        }
        Ok(())
    }

    /// Claims `path` for this thread: false when it is put already (or
    /// being put), so that no two threads write one file.
    fn claim(&self, path: &str) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        match written.entry(path.to_string()) {
            std::collections::btree_map::Entry::Occupied(_) => false,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(OutputEntry {
                    path: path.to_string(),
                    sha256: String::new(),
                    size: 0,
                });
                true
            }
        }
    }

    /// Writes `path` unless it is put already, hashing its bytes with
    /// `sha256` only then.
    fn put_once(&self, path: &str, bytes: &[u8], sha256: impl FnOnce() -> String) -> Result<()> {
        let relative = check_site_path(path)?;
        if !self.claim(path) {
            return Ok(());
        }
        self.write(path, &relative, bytes, sha256())
    }

    /// Writes the claimed `path` (`relative` as a path), or links it to a
    /// file with its bytes (see [`Sink::put`]); `sha256` is the bytes' hash.
    fn write(&self, path: &str, relative: &Path, bytes: &[u8], sha256: String) -> Result<()> {
        self.make_folder_of(path)?;
        let target = self.root.join(relative);
        let entry = OutputEntry {
            path: path.to_string(),
            sha256,
            size: bytes.len() as u64,
        };
        let content = (entry.sha256.clone(), entry.size);
        let previous = if self.old_site {
            self.out.join(relative)
        } else {
            PathBuf::new()
        };
        let in_old_site = self.old_site
            && fs::symlink_metadata(&previous)
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && fs::read(&previous).is_ok_and(|b| b == bytes);
        let twin = self
            .by_content
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&content)
            .cloned();
        let linked = (in_old_site && fs::hard_link(&previous, &target).is_ok())
            || twin.is_some_and(|twin| fs::hard_link(twin, &target).is_ok());
        if !linked {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(|e| Error::io(&target, "write", &e))?;
            // Recorded once whole, so that no one links to a half-written file.
            self.by_content
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(content)
                .or_insert(target);
        }
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), entry);
        Ok(())
    }
}

impl Sink for Staging {
    /// Writes the file, or links it to a file with exactly these bytes: one
    /// in the old site (a rebuild that changes one page of thousands then
    /// writes one page), or one this build wrote already (charts with other
    /// titles over the same data have the same CSV). The old site is never
    /// modified, only linked to: new files are created, never opened for
    /// writing if they exist.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.put_once(path, bytes, || sha256_hex(bytes))
    }

    /// As [`Staging::put`], without hashing the bytes again.
    fn put_hashed(&self, path: &str, bytes: &[u8], sha256: &str) -> Result<()> {
        debug_assert_eq!(sha256, sha256_hex(bytes), "the hash given for {path}");
        self.put_once(path, bytes, || sha256.to_string())
    }

    fn take_outputs(&self) -> Vec<OutputEntry> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *written).into_values().collect()
    }

    /// Links an earlier build's file, unread: a rebuild that changes one
    /// brief of thousands links the others' pages and charts.
    fn link(&self, path: &str, from: &Path, entry: &OutputEntry) -> Result<bool> {
        let relative = check_site_path(path)?;
        if !self.claim(path) {
            return Ok(true);
        }
        self.make_folder_of(path)?;
        let target = self.root.join(&relative);
        if fs::hard_link(from, &target).is_ok() {
            self.written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_string(), entry.clone());
            return Ok(true);
        }
        // Not linked (another file system, say): the caller writes it.
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        Ok(false)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.root);
        }
        self.cleaned();
    }
}

/// Writes `files` to a temporary folder beside `out`, then swaps it in for
/// `out`. On any error `out` is left exactly as it was.
pub fn write_site(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<String>> {
    let staging = Staging::begin(out)?;
    for (path, bytes) in files {
        staging.put(path, bytes)?;
    }
    staging.finish()
}

/// The folders that earlier builds for the site `name` left in `parent`,
/// to delete: `.NAME.new-PID` (killed before they swapped their site in)
/// and `.NAME.old-PID-N` (the old site each put aside), unless their
/// process may still be running; and a warning for each one left alone.
/// Old sites this process put aside are its own earlier builds' and are
/// deleted; its own staging folder is not listed.
fn find_leftovers(parent: &Path, name: &str) -> (Vec<PathBuf>, Vec<String>) {
    let own = std::process::id().to_string();
    let Ok(entries) = fs::read_dir(parent) else {
        return (Vec::new(), Vec::new());
    };
    let mut leftovers: Vec<(PathBuf, String)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_str()?.to_string();
            let rest = file.strip_prefix('.')?.strip_prefix(name)?;
            let (pid, retired) = match rest.strip_prefix(".new-") {
                Some(pid) => (pid, false),
                None => {
                    let rest = rest.strip_prefix(".old-")?;
                    // `PID-N`; an older build's `PID` alone is the same.
                    let pid = rest.split_once('-').map_or(rest, |(pid, n)| {
                        if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() {
                            pid
                        } else {
                            ""
                        }
                    });
                    (pid, true)
                }
            };
            let numbered = pid.bytes().all(|b| b.is_ascii_digit()) && !pid.is_empty();
            let ours = numbered && (pid != own || retired);
            (ours && e.file_type().is_ok_and(|t| t.is_dir())).then(|| (e.path(), pid.to_string()))
        })
        .collect();
    leftovers.sort();
    let mut warnings = Vec::new();
    let mut to_delete = Vec::new();
    for (path, pid) in leftovers {
        if pid != own && process_may_be_running(&pid) {
            warnings.push(format!(
                "left {} alone: process {pid}, which made it, may be another build still running; \
                 remove it by hand if not",
                path.display()
            ));
        } else {
            to_delete.push(path);
        }
    }
    (to_delete, warnings)
}

/// Deletes `folders`, and gives a warning for each that could not be.
fn remove_leftovers(folders: Vec<PathBuf>) -> Vec<String> {
    folders
        .into_iter()
        .filter_map(|path| {
            fs::remove_dir_all(&path).err().map(|e| {
                format!(
                    "could not remove {}, left by an earlier build ({e}); remove it by hand",
                    path.display()
                )
            })
        })
        .collect()
}

/// Whether process `pid` may be running: on Linux, whether `/proc` has
/// it; elsewhere it cannot be told, so yes.
fn process_may_be_running(pid: &str) -> bool {
    let proc = Path::new("/proc");
    !(cfg!(target_os = "linux") && proc.join("self").exists()) || proc.join(pid).exists()
}

/// Puts `staging` at `out` and the old site aside, and gives where the old
/// site now is, for the caller to remove. On Linux the two folders are
/// exchanged in one atomic step, so a build killed at any moment leaves
/// `out` whole, old or new. Elsewhere it takes two renames.
fn swap_in(staging: &Path, out: &Path, retired: &Path) -> Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE) {
            // After the exchange the old site sits where staging was.
            Ok(()) => return Ok(staging.to_path_buf()),
            // A file system without the exchange falls back to two renames.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => {
                let _ = fs::remove_dir_all(staging);
                return Err(Error::io(out, "swap the new site in", &e.into()));
            }
        }
    }
    fs::rename(out, retired).map_err(|e| {
        let _ = fs::remove_dir_all(staging);
        Error::io(out, "move the old site aside", &e)
    })?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(retired, out);
        let _ = fs::remove_dir_all(staging);
        return Err(Error::io(out, "move the new site into place", &e));
    }
    Ok(retired.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `files` as a site brief built: with a manifest of its own.
    fn site(mut files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
        let manifest = crate::manifest::Manifest::new(
            &BTreeMap::new(),
            Vec::new(),
            BTreeMap::new(),
            Default::default(),
            "test",
        );
        files.insert(MANIFEST_PATH.into(), manifest.to_json().into_bytes());
        files
    }

    #[test]
    fn paths_outside_the_output_are_refused() {
        assert!(check_site_path("a/b.html").is_ok());
        for bad in ["../x", "/etc/passwd", "a/../../x", "", "./x"] {
            assert!(check_site_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let mut files = BTreeMap::new();
        files.insert("index.html".to_string(), b"old".to_vec());
        write_site(&out, &site(files.clone())).unwrap();
        files.insert("../escape.html".to_string(), b"bad".to_vec());
        assert!(write_site(&out, &site(files.clone())).is_err());
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"old");
        assert!(!dir.path().join("escape.html").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only output/ remains");
    }

    #[test]
    fn a_new_site_replaces_the_old_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let mut files = BTreeMap::new();
        files.insert("old.html".to_string(), b"old".to_vec());
        write_site(&out, &site(files.clone())).unwrap();
        let mut files = BTreeMap::new();
        files.insert("new/index.html".to_string(), b"new".to_vec());
        write_site(&out, &site(files)).unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(fs::read(out.join("new/index.html")).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn files_with_the_same_bytes_are_written_once() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let mut files = BTreeMap::new();
        files.insert(
            "a/data.csv".to_string(),
            b"year,people\n2018,299\n".to_vec(),
        );
        files.insert(
            "b/data.csv".to_string(),
            b"year,people\n2018,299\n".to_vec(),
        );
        files.insert(
            "c/data.csv".to_string(),
            b"year,people\n2019,1843\n".to_vec(),
        );
        write_site(&out, &site(files.clone())).unwrap();
        let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        assert_eq!(inode("a/data.csv"), inode("b/data.csv"));
        assert_ne!(inode("a/data.csv"), inode("c/data.csv"));
        for (path, bytes) in &files {
            assert_eq!(&fs::read(out.join(path)).unwrap(), bytes, "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_not_written_again() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let mut files = BTreeMap::new();
        files.insert("same.html".to_string(), b"same".to_vec());
        files.insert("changed.html".to_string(), b"old".to_vec());
        write_site(&out, &site(files.clone())).unwrap();
        let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let before = (inode("same.html"), inode("changed.html"));
        files.insert("changed.html".to_string(), b"new".to_vec());
        write_site(&out, &site(files.clone())).unwrap();
        assert_eq!(inode("same.html"), before.0, "linked from the old site");
        assert_ne!(inode("changed.html"), before.1);
        assert_eq!(fs::read(out.join("changed.html")).unwrap(), b"new");
        // The old site is put aside, sharing the unchanged file, and the
        // next build deletes it.
        let put_aside = |dir: &Path| -> Vec<String> {
            fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".output.old-"))
                .collect()
        };
        assert_eq!(put_aside(dir.path()).len(), 1);
        assert_eq!(fs::metadata(out.join("same.html")).unwrap().nlink(), 2);
        let first = put_aside(dir.path());
        write_site(&out, &site(files.clone())).unwrap();
        let second = put_aside(dir.path());
        assert_eq!(second.len(), 1);
        assert_ne!(first, second, "the earlier one was deleted");
        assert_eq!(fs::metadata(out.join("same.html")).unwrap().nlink(), 2);
    }

    #[test]
    fn only_a_folder_brief_built_or_an_empty_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let files = site(BTreeMap::from([("a.html".to_string(), b"a".to_vec())]));
        // Absent, then empty: both fine.
        let out = dir.path().join("new");
        write_site(&out, &files).unwrap();
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write_site(&empty, &files).unwrap();
        assert_eq!(fs::read(empty.join("a.html")).unwrap(), b"a");
        // A folder of other files, a file, a link: refused, left as they were.
        let other = dir.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("notes.txt"), "mine").unwrap();
        let err = write_site(&other, &files).unwrap_err().to_string();
        assert!(err.contains("did not build"), "{err}");
        assert_eq!(fs::read(other.join("notes.txt")).unwrap(), b"mine");
        // A manifest.json that is not brief's is not enough.
        fs::write(other.join(MANIFEST_PATH), "{}").unwrap();
        assert!(write_site(&other, &files).is_err());
        let file = dir.path().join("output");
        fs::write(&file, "a file").unwrap();
        let err = write_site(&file, &files).unwrap_err().to_string();
        assert!(err.contains("is a file"), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"a file");
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&out, &link).unwrap();
            let err = write_site(&link, &files).unwrap_err().to_string();
            assert!(err.contains("symbolic link"), "{err}");
        }
        // Nothing was left beside them.
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let expected = if cfg!(unix) {
            vec!["empty", "link", "new", "other", "output"]
        } else {
            vec!["empty", "new", "other", "output"]
        };
        assert_eq!(names, expected);
    }

    #[test]
    fn the_project_and_its_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        for folder in ["data", "briefs", "templates", "templates/assets", "output"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        for (out, says) in [
            ("project", "the project folder"),
            ("project/.", "the project folder"),
            ("project/data", "is the project's data/ folder"),
            ("project/data/../data", "is the project's data/ folder"),
            ("project/briefs/new", "inside the project's briefs/ folder"),
            (
                "project/templates/assets",
                "inside the project's templates/ folder",
            ),
            ("project/.git", "the project's .git/ folder"),
            (".", "a folder that holds the project"),
            ("project/missing/../x", "can resolve"),
        ] {
            let err = check_not_project_folder(&root, &dir.path().join(out))
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{out}: {err}");
        }
        for out in [
            "project/output",
            "project/public",
            "site",
            "project/output/sub",
        ] {
            check_not_project_folder(&root, &dir.path().join(out)).unwrap();
        }
    }

    #[test]
    fn folders_left_by_killed_builds_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        // No process has a number this large.
        let dead = dir.path().join(".output.new-4000000000");
        fs::create_dir_all(dead.join("charts")).unwrap();
        fs::write(dead.join("charts/a.svg"), "half").unwrap();
        let old = dir.path().join(".output.old-4000000001");
        fs::create_dir(&old).unwrap();
        // Not ours: another site's, and a name that only looks like ours.
        let other = dir.path().join(".public.new-4000000000");
        fs::create_dir(&other).unwrap();
        let odd = dir.path().join(".output.new-abc");
        fs::create_dir(&odd).unwrap();
        let files = site(BTreeMap::from([("a.html".to_string(), b"a".to_vec())]));
        let warnings = write_site(&out, &files).unwrap();
        assert!(!dead.exists() && !old.exists());
        assert!(other.exists() && odd.exists());
        if cfg!(target_os = "linux") {
            assert!(warnings.is_empty(), "{warnings:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_old_site_that_cannot_be_removed_is_reported() {
        use std::os::unix::fs::PermissionsExt;
        use std::process::Command;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let files = site(BTreeMap::from([("a/b.html".to_string(), b"a".to_vec())]));
        write_site(&out, &files).unwrap();
        // A folder of the old site that cannot be emptied: read-only, or,
        // for root (whom permissions do not stop), immutable where the
        // file system has the attribute.
        let locked = out.join("a");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
        let chattr = |flag: &str, path: &Path| {
            Command::new("chattr")
                .arg(flag)
                .arg(path)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let mut locked_for_root = false;
        if fs::write(locked.join("probe"), "").is_ok() {
            let _ = fs::remove_file(locked.join("probe"));
            locked_for_root = chattr("+i", &locked);
        }
        let removable = fs::write(locked.join("probe"), "").is_ok();
        let _ = fs::remove_file(locked.join("probe"));
        // The build that replaces the locked site puts it aside; the next
        // one tries to delete it, and says so when it cannot.
        assert!(write_site(&out, &files).unwrap().is_empty());
        let warnings = write_site(&out, &files).unwrap();
        let leftovers = || -> Vec<PathBuf> {
            fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p != &out)
                .collect()
        };
        let locked_aside: Vec<PathBuf> = leftovers()
            .into_iter()
            .filter(|p| fs::metadata(p.join("a")).is_ok())
            .filter(|p| fs::write(p.join("a/probe"), "").is_err())
            .collect();
        for p in leftovers() {
            if locked_for_root {
                chattr("-i", &p.join("a"));
            }
            let _ = fs::set_permissions(p.join("a"), fs::Permissions::from_mode(0o755));
        }
        if removable {
            // Neither lock holds here (root on a file system without the
            // attribute): the old sites are simply removed.
            assert!(warnings.is_empty(), "{warnings:?}");
        } else {
            assert_eq!(locked_aside.len(), 1, "{:?}", leftovers());
            assert!(warnings[0].contains("could not remove"), "{warnings:?}");
            // Unlocked, the next build removes it.
            assert!(write_site(&out, &files).unwrap().is_empty());
            assert!(!locked_aside[0].exists());
        }
        // Only the site and the old site its last build put aside remain.
        assert_eq!(leftovers().len(), 1, "{:?}", leftovers());
        assert_eq!(fs::read(out.join("a/b.html")).unwrap(), b"a");
    }
}
