//! Writing: a site is swapped in whole and a data file replaced whole, so
//! that a failure or a kill leaves the old one or the new one, never a mix.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

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

/// Writes `files` to a temporary folder beside `out`, then swaps it in for
/// `out`. On any error `out` is left exactly as it was.
pub fn write_site(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.new-{pid}"));
    let retired = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let written = write_tree(&staging, files, out);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        swap_in(&staging, out, &retired)?;
        let _ = fs::remove_dir_all(&retired);
    } else if let Err(e) = fs::rename(&staging, out) {
        let _ = fs::remove_dir_all(&staging);
        return Err(Error::io(out, "move the new site into place", &e));
    }
    Ok(())
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

/// Writes every file under `root`.
/// A file already in `old` with exactly these bytes is hard-linked rather
/// than written again: a rebuild that changes one page of thousands then
/// writes one page. The old site is never modified, only linked to.
fn write_tree(root: &Path, files: &BTreeMap<String, Vec<u8>>, old: &Path) -> Result<()> {
    fs::create_dir_all(root).map_err(|e| Error::io(root, "create the folder", &e))?;
    for (path, bytes) in files {
        let relative = check_site_path(path)?;
        let target = root.join(&relative);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", &e))?;
        }
        let previous = old.join(&relative);
        let same = fs::symlink_metadata(&previous)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && fs::read(&previous).is_ok_and(|b| b == *bytes);
        if same && fs::hard_link(&previous, &target).is_ok() {
            continue;
        }
        fs::write(&target, bytes).map_err(|e| Error::io(&target, "write", &e))?;
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
