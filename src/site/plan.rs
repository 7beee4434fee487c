//! What a build is asked to do, and the checks that it can.

use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::project::Project;

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

/// The base URL the site is built with, normalised: `--base-url`, else
/// site.yaml's `base_url`, else none (every link relative). A bad one is
/// site.yaml's error unless it came from the command line.
pub(super) fn base_url(project: &Project, options: &BuildOptions) -> Result<Option<String>> {
    match options
        .base_url
        .as_ref()
        .or(project.config.base_url.as_ref())
    {
        Some(url) => Ok(Some(normalise_base_url(url).map_err(|e| {
            if options.base_url.is_some() {
                e
            } else {
                e.file("site.yaml")
            }
        })?)),
        None => Ok(None),
    }
}
