//! Reading a project's inputs as they are at a git revision, with the git
//! command line (the one a reviewer already has).

use std::path::Path;

use crate::error::{Error, Result};
use crate::project::{INPUT_FOLDERS, InputFiles};

/// Runs git in `root` and returns its standard output.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    crate::git::run(root, args).map_err(|e| {
        if e.message.starts_with("could not run git") {
            e.help("`brief diff --base` needs git on the PATH")
        } else {
            e
        }
    })
}

/// Every input file of the project at `root` as it is at `rev`.
pub fn read_revision(root: &Path, rev: &str) -> Result<InputFiles> {
    if rev.starts_with('-') {
        return Err(Error::new(format!("“{rev}” is not a git revision"))
            .help("expected a revision such as HEAD, main or origin/main"));
    }
    let prefix = String::from_utf8_lossy(&git(root, &["rev-parse", "--show-prefix"]).map_err(
        |e| {
            Error::new(format!("{} is not in a git repository ({})", root.display(), e.message))
                .help("`brief diff --base` compares with a git revision; use `brief diff OLD.json NEW.json` outside git")
        },
    )?)
    .trim()
    .to_string();
    let commit = format!("{rev}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        Error::new(format!("there is no git revision “{rev}”"))
            .help("expected a revision such as HEAD, main or origin/main")
    })?;
    let mut args = vec![
        "ls-tree",
        "-r",
        "-z",
        "--full-name",
        "--name-only",
        rev,
        "--",
        "site.yaml",
    ];
    args.extend(INPUT_FOLDERS);
    let listing = git(root, &args)?;
    let mut files = InputFiles::new();
    for full in listing.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let full = String::from_utf8_lossy(full).into_owned();
        let Some(relative) = full.strip_prefix(&prefix) else {
            continue;
        };
        let bytes = git(root, &["show", &format!("{rev}:{full}")])?;
        files.insert(relative.to_string(), bytes);
    }
    Ok(files)
}
