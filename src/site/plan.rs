//! What a build is asked to do, and the one step that checks it against
//! the project: the command line's options (and, for `check`, the options
//! the manifest recorded) give a [`BuildPlan`].

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::data::table::Table;
use crate::error::{Error, Result};
use crate::manifest::{BuildRecord, Manifest};
use crate::model::Series;
use crate::project::SiteConfig;

/// What a build is asked for, as given on the command line: not yet
/// checked against the project. The manifest records exactly this, so that
/// `brief check` asks again for the build that was asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Build as the data stood that day (must lie inside the series).
    pub as_of: Option<Date>,
    /// Include briefs marked `draft: true`.
    pub drafts: bool,
    /// Where the site will be published, overriding `site.yaml`'s `base_url`.
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// The options to check a site with: each one given here wins;
    /// otherwise the site is checked as its manifest says it was built.
    pub fn or_as_built(&self, manifest: Option<&Manifest>) -> BuildOptions {
        let recorded = manifest.map(|m| m.build.clone()).unwrap_or_default();
        BuildOptions {
            as_of: self.as_of.or(recorded.as_of),
            drafts: self.drafts || recorded.drafts,
            base_url: self.base_url.clone().or(recorded.base_url),
        }
    }
}

impl From<&BuildRecord> for BuildOptions {
    fn from(recorded: &BuildRecord) -> BuildOptions {
        BuildOptions {
            as_of: recorded.as_of,
            drafts: recorded.drafts,
            base_url: recorded.base_url.clone(),
        }
    }
}

impl From<&BuildOptions> for BuildRecord {
    fn from(asked: &BuildOptions) -> BuildRecord {
        BuildRecord {
            as_of: asked.as_of,
            drafts: asked.drafts,
            base_url: asked.base_url.clone(),
        }
    }
}

/// A build checked against its project, made once per build by
/// [`BuildPlan::new`]: every later stage reads its settings from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildPlan {
    /// The day the build sees the data as of: the one asked for, else the
    /// last day of the data.
    pub as_of: Date,
    /// Whether briefs marked `draft: true` are published.
    pub drafts: bool,
    /// Where the site will be published, ending in `/`: `--base-url`, else
    /// site.yaml's `base_url`; none leaves every link relative.
    pub base_url: Option<String>,
    /// The options as asked for. The manifest records them and each brief's
    /// key hashes them as given: a build of the data's last day asks for no
    /// day, and stays the build of the last day when new data come.
    pub asked: BuildOptions,
}

impl BuildPlan {
    /// Checks `asked` against the project: the as-of day against `span`
    /// (the days its data covers), the base URL (given, else `config`'s)
    /// for its form.
    pub fn new(asked: &BuildOptions, config: &SiteConfig, span: &DataSpan) -> Result<BuildPlan> {
        Ok(BuildPlan {
            as_of: resolve_as_of(asked, span)?,
            drafts: asked.drafts,
            base_url: resolve_base_url(asked, config)?,
            asked: asked.clone(),
        })
    }
}

/// The days a project's data covers, from its first to its last: the
/// crossings' daily series when it has one, else its tables' dated rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSpan {
    /// The first day.
    pub first: Date,
    /// The last day: what a build is as of unless it asks for another.
    pub last: Date,
    /// The file those days are in, for messages, when they are one file's.
    file: Option<&'static str>,
    /// What a message about a day outside them says to do.
    help: String,
}

impl DataSpan {
    /// The days of the crossings' series.
    pub fn of_crossings(series: &Series) -> DataSpan {
        DataSpan {
            first: series.first(),
            last: series.last(),
            file: Some("data/crossings.yaml"),
            help:
                "expected an as-of date inside the series; import a newer release for later dates"
                    .into(),
        }
    }

    /// The days of the tables' dated rows, from the earliest to the
    /// latest; a project whose tables date no row is as of the newest of
    /// their release dates. A project needs some data to be about.
    pub fn of_tables(tables: &BTreeMap<String, Table>) -> Result<DataSpan> {
        let dated = tables.values().filter_map(Table::dates);
        let released = tables
            .values()
            .map(|t| (t.schema.source.released, t.schema.source.released));
        let span = |days: &mut dyn Iterator<Item = (Date, Date)>| {
            days.reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
        };
        let (first, last) = span(&mut dated.clone())
            .or_else(|| span(&mut released.clone()))
            .ok_or_else(|| {
                Error::new("this project has no data: no data/crossings.yaml and no table")
                    .file("data")
                    .help("expected data/crossings.yaml (make it with `brief import home-office RELEASE.ods`), or a table of your own: data/NAME.csv with its schema, data/NAME.schema.yaml")
            })?;
        let names: Vec<&str> = tables.keys().map(String::as_str).collect();
        Ok(DataSpan {
            first,
            last,
            file: None,
            help: format!(
                "expected an as-of date inside the dates of the tables ({}); add rows to a table for later dates",
                names.join(", ")
            ),
        })
    }
}

/// The day a build sees the data as of: the day asked for, which must lie
/// inside `span`, else its last day. The model needs it before the plan is
/// whole: its figures are computed beside the briefs' parsing, whose
/// errors come before the base URL's.
pub(super) fn resolve_as_of(asked: &BuildOptions, span: &DataSpan) -> Result<Date> {
    let as_of = asked.as_of.unwrap_or(span.last);
    if as_of < span.first || as_of > span.last {
        let mut err = Error::new(format!(
            "--as-of {as_of} is outside the data, which runs from {} to {}",
            span.first, span.last
        ))
        .help(span.help.clone());
        if let Some(file) = span.file {
            err = err.file(file);
        }
        return Err(err);
    }
    Ok(as_of)
}

/// The base URL, normalised: `--base-url`, else site.yaml's, else none. A
/// bad one is site.yaml's error unless it came from the command line.
fn resolve_base_url(asked: &BuildOptions, config: &SiteConfig) -> Result<Option<String>> {
    let Some(url) = asked.base_url.as_ref().or(config.base_url.as_ref()) else {
        return Ok(None);
    };
    let url = normalise_base_url(url).map_err(|e| {
        if asked.base_url.is_some() {
            e
        } else {
            e.file("site.yaml")
        }
    })?;
    Ok(Some(url))
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
