//! The git command line, run in a project folder (the one a reviewer
//! already has): how `brief diff --base` reads a revision, and how a build
//! reads the history of the daily series for its corrections log.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// Runs git in `root` and returns its standard output.
pub fn run(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::new(format!("could not run git: {e}")))?;
    finished(args, output)
}

/// Turns git's output into its standard output, or an error quoting what
/// git said.
fn finished(args: &[&str], output: std::process::Output) -> Result<Vec<u8>> {
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::new(format!(
            "git {} failed: {}",
            args.join(" "),
            stderr.trim()
        )));
    }
    Ok(output.stdout)
}

/// Runs git in `root` with `input` on its standard input. The input is
/// written from another thread, so that git can write a large output while
/// it is still reading.
fn run_with_input(root: &Path, args: &[&str], input: Vec<u8>) -> Result<Vec<u8>> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("could not run git: {e}")))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| Error::new("git's standard input is closed"))?;
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child
        .wait_with_output()
        .map_err(|e| Error::new(format!("could not run git: {e}")))?;
    let written = writer
        .join()
        .map_err(|_| Error::new("writing to git failed"))?;
    let output = finished(args, output)?;
    written.map_err(|e| Error::new(format!("could not write to git: {e}")))?;
    Ok(output)
}

/// One committed version of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The commit that made this version.
    pub commit: String,
    /// Git's id of the file's bytes (its blob), which names the version.
    pub blob: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Every committed version of the file at `path` (relative to `root`),
/// oldest first, one per change of its bytes; `None` when `root` is not in
/// a git work tree, git cannot be run, or the file was never committed.
/// Only what git keeps is read: a shallow clone gives its few commits.
pub fn file_history(root: &Path, path: &str) -> Option<Vec<Committed>> {
    // `--raw` gives each commit's blob of the file: one `git log` walks the
    // history and one `git cat-file` reads every version, whatever their
    // number. Merges show no changes of their own and are left out.
    let log = run(
        root,
        &[
            "log",
            "--reverse",
            "--no-abbrev",
            "--raw",
            "--no-renames",
            "--format=commit %H",
            "--",
            path,
        ],
    )
    .ok()?;
    let changes = blob_changes(&String::from_utf8_lossy(&log));
    if changes.is_empty() {
        return None;
    }
    let mut input = Vec::new();
    for (_, blob) in &changes {
        input.extend_from_slice(blob.as_bytes());
        input.push(b'\n');
    }
    let batch = run_with_input(root, &["cat-file", "--batch"], input).ok()?;
    let contents = batch_contents(&batch, changes.len())?;
    let mut versions: Vec<Committed> = Vec::with_capacity(changes.len());
    for ((commit, blob), bytes) in changes.into_iter().zip(contents) {
        if versions.last().is_some_and(|v| v.blob == blob) {
            continue;
        }
        versions.push(Committed {
            commit,
            blob,
            bytes,
        });
    }
    Some(versions)
}

/// The (commit, new blob) pairs of `git log --raw --format="commit %H"`,
/// leaving out deletions (a blob of zeros).
fn blob_changes(log: &str) -> Vec<(String, String)> {
    let mut changes = Vec::new();
    let mut commit = None;
    for line in log.lines() {
        if let Some(hash) = line.strip_prefix("commit ") {
            commit = Some(hash.to_string());
        } else if let Some(raw) = line.strip_prefix(':') {
            // ":100644 100644 OLD NEW M\tpath"
            let new_blob = raw.split_whitespace().nth(3).unwrap_or_default();
            let deleted = new_blob.bytes().all(|b| b == b'0');
            if let (Some(commit), false) = (&commit, deleted) {
                changes.push((commit.clone(), new_blob.to_string()));
            }
        }
    }
    changes
}

/// The `count` blobs of `git cat-file --batch`'s output, each given as
/// "ID blob SIZE\n", then its bytes, then "\n".
fn batch_contents(mut batch: &[u8], count: usize) -> Option<Vec<Vec<u8>>> {
    let mut contents = Vec::with_capacity(count);
    for _ in 0..count {
        let end = batch.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&batch[..end]).ok()?;
        let mut parts = header.split(' ');
        let (_, kind, size) = (parts.next()?, parts.next()?, parts.next()?);
        if kind != "blob" {
            return None;
        }
        let size: usize = size.parse().ok()?;
        let body = batch.get(end + 1..end + 1 + size)?;
        contents.push(body.to_vec());
        batch = batch.get(end + 2 + size..)?;
    }
    Some(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_log_gives_each_commit_and_the_blob_it_made() {
        let z = "0".repeat(40);
        let (a, b) = ("a".repeat(40), "b".repeat(40));
        let log = format!(
            "commit 111\n\n:000000 100644 {z} {a} A\tdata/crossings.yaml\ncommit 222\n\n:100644 100644 {a} {b} M\tdata/crossings.yaml\ncommit 333\n\n:100644 000000 {b} {z} D\tdata/crossings.yaml\n"
        );
        assert_eq!(
            blob_changes(&log),
            vec![("111".to_string(), a), ("222".to_string(), b)]
        );
    }

    #[test]
    fn a_batch_is_split_into_its_blobs_and_a_short_one_is_refused() {
        let batch = b"aa blob 3\nabc\nbb blob 0\n\n";
        assert_eq!(
            batch_contents(batch, 2),
            Some(vec![b"abc".to_vec(), Vec::new()])
        );
        assert_eq!(batch_contents(b"aa blob 9\nabc\n", 1), None);
        assert_eq!(batch_contents(b"aa missing\n", 1), None);
    }
}
