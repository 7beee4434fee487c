//! Writing: a site is swapped in whole and a data file replaced whole, so
//! that a failure or a kill leaves the old one or the new one, never a mix.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::manifest::{OutputEntry, sha256_hex};

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
    finished: bool,
}

impl Staging {
    /// Starts a new site for `out` (in a hidden folder beside it).
    pub fn begin(out: &Path) -> Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("output");
        let pid = std::process::id();
        let root = parent.join(format!(".{name}.new-{pid}"));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).map_err(|e| Error::io(&root, "create the folder", &e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            old_site: out.is_dir(),
            retired: parent.join(format!(".{name}.old-{pid}")),
            folders: Mutex::new(BTreeSet::new()),
            root,
            written: Mutex::new(BTreeMap::new()),
            by_content: Mutex::new(BTreeMap::new()),
            finished: false,
        })
    }

    /// Swaps the new site in for the old one (or moves it into place).
    pub fn finish(mut self) -> Result<()> {
        self.finished = true;
        // Its records of ten thousand files are no longer needed.
        free_later(std::mem::take(&mut self.by_content));
        free_later(std::mem::take(&mut self.written));
        if self.out.exists() {
            swap_in(&self.root, &self.out, &self.retired)?;
            let _ = fs::remove_dir_all(&self.retired);
        } else if let Err(e) = fs::rename(&self.root, &self.out) {
            let _ = fs::remove_dir_all(&self.root);
            return Err(Error::io(&self.out, "move the new site into place", &e));
        }
        Ok(())
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
    }
}

/// Writes `files` to a temporary folder beside `out`, then swaps it in for
/// `out`. On any error `out` is left exactly as it was.
pub fn write_site(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let staging = Staging::begin(out)?;
    for (path, bytes) in files {
        staging.put(path, bytes)?;
    }
    staging.finish()
}

/// Puts `staging` at `out` and the old site at `retired`. On Linux the two
/// folders are exchanged in one atomic step, so a build killed at any
/// moment leaves `out` whole, old or new. Elsewhere it takes two renames.
fn swap_in(staging: &Path, out: &Path, retired: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE) {
            // After the exchange the old site sits where staging was.
            Ok(()) => {
                let _ = fs::remove_dir_all(staging);
                return Ok(());
            }
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        write_site(&out, &files).unwrap();
        files.insert("../escape.html".to_string(), b"bad".to_vec());
        assert!(write_site(&out, &files).is_err());
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
        write_site(&out, &files).unwrap();
        let mut files = BTreeMap::new();
        files.insert("new/index.html".to_string(), b"new".to_vec());
        write_site(&out, &files).unwrap();
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
        write_site(&out, &files).unwrap();
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
        write_site(&out, &files).unwrap();
        let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let before = (inode("same.html"), inode("changed.html"));
        files.insert("changed.html".to_string(), b"new".to_vec());
        write_site(&out, &files).unwrap();
        assert_eq!(inode("same.html"), before.0, "linked from the old site");
        assert_ne!(inode("changed.html"), before.1);
        assert_eq!(fs::read(out.join("changed.html")).unwrap(), b"new");
        assert_eq!(fs::metadata(out.join("same.html")).unwrap().nlink(), 1);
    }
}
