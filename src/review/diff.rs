//! `brief diff`: the numbers a reviewer cares about, between two builds.

use crate::error::{Error, Result};

/// How to print a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Markdown, fit for a pull-request comment.
    #[default]
    Markdown,
    /// JSON, for tools.
    Json,
}

/// Placeholder until the diff is written.
pub fn not_yet() -> Result<String> {
    Err(Error::new("brief diff is not written yet"))
}
