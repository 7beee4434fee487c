//! Finding the latest Home Office release on GOV.UK: the publication's
//! entry in the GOV.UK Content API names its attachments, and the time
//! series among them is downloaded.
//!
//! The fields relied on, from the Content API's `publication` schema
//! (<https://docs.publishing.service.gov.uk/content-schemas/publication.html>):
//!
//! - `public_updated_at`: when the page was last published, an RFC 3339
//!   timestamp such as `2026-08-21T09:30:00.000+01:00`;
//! - `details.change_history[]`: `{public_timestamp, note}`, one per
//!   published change ("Data updated to 17 August 2026."), in any order;
//! - `details.attachments[]`: the files, each with `content_type` (a
//!   spreadsheet is `application/vnd.oasis.opendocument.spreadsheet`),
//!   `title` (the time series is titled so: "…time series…"), `filename`
//!   and `url` (absolute, on assets.publishing.service.gov.uk).
//!
//! Other fields are ignored, so the API may add some without harm.

use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The publication's entry in the GOV.UK Content API.
pub const CONTENT_API_URL: &str = "https://www.gov.uk/api/content/government/publications/migrants-detected-crossing-the-english-channel-in-small-boats";

/// The content type of an OpenDocument spreadsheet, as GOV.UK gives it.
const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// Largest Content API answer read: the real one is about 30 KB.
const MAX_ANSWER_BYTES: u64 = 2 * 1024 * 1024;

/// How long one request may take, connecting and reading together.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Where and how to look for the latest release.
#[derive(Debug, Clone)]
pub struct Lookup {
    /// The Content API address of the publication.
    pub api_url: String,
    /// How long each request may take.
    pub timeout: Duration,
    /// Largest release downloaded, in bytes.
    pub max_bytes: u64,
}

/// The release the publication page offers now, downloaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The attachment's title.
    pub title: String,
    /// Its file name (the last part of its address when not given).
    pub filename: String,
    /// Where it was downloaded from.
    pub url: String,
    /// When the page was last published (`public_updated_at`).
    pub published: String,
    /// The note of the page's latest change, if it has one.
    pub change_note: Option<String>,
    /// The release file.
    pub bytes: Vec<u8>,
}

/// The parts of a Content API answer that are read (see the module's doc).
#[derive(Debug, Deserialize)]
struct ContentItem {
    public_updated_at: String,
    details: Details,
}

#[derive(Debug, Deserialize)]
struct Details {
    attachments: Vec<Attachment>,
    #[serde(default)]
    change_history: Vec<Change>,
}

#[derive(Debug, Clone, Deserialize)]
struct Attachment {
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Change {
    public_timestamp: String,
    note: String,
}

/// Asks the Content API for the publication, picks its time series and
/// downloads it. Every failure says what went wrong and what to try.
pub fn find_latest(lookup: &Lookup) -> Result<Found> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(lookup.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let answer = get(
        &agent,
        &lookup.api_url,
        MAX_ANSWER_BYTES,
        "the publication's entry",
    )?;
    let item: ContentItem = serde_json::from_slice(&answer).map_err(|e| {
        Error::new(format!(
            "the GOV.UK Content API's answer at {} is not a publication as expected: {e}",
            lookup.api_url
        ))
        .help("expected JSON with public_updated_at and details.attachments; check --api-url")
    })?;
    let attachment = time_series(&item.details.attachments, &lookup.api_url)?;
    let url = attachment.url.clone().unwrap_or_default();
    let bytes = get(&agent, &url, lookup.max_bytes, "the release")?;
    let filename = attachment
        .filename
        .clone()
        .unwrap_or_else(|| url.rsplit('/').next().unwrap_or_default().to_string());
    Ok(Found {
        title: attachment.title.clone().unwrap_or_default(),
        filename,
        url,
        published: item.public_updated_at,
        change_note: latest_note(&item.details.change_history),
        bytes,
    })
}

/// The time series among the attachments: a spreadsheet whose title says
/// it is the time series. Other spreadsheets (such as a one-off table) and
/// the order of the list are not trusted.
fn time_series<'a>(attachments: &'a [Attachment], api_url: &str) -> Result<&'a Attachment> {
    let is_series = |a: &&Attachment| {
        a.content_type.as_deref() == Some(ODS)
            && a.title
                .as_deref()
                .is_some_and(|t| t.to_lowercase().contains("time series"))
            && a.url.as_deref().is_some_and(is_http_url)
    };
    let found: Vec<&Attachment> = attachments.iter().filter(is_series).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let seen: Vec<String> = attachments
                .iter()
                .map(|a| {
                    format!(
                        "“{}” ({})",
                        a.title.as_deref().unwrap_or("untitled"),
                        a.content_type.as_deref().unwrap_or("no content type")
                    )
                })
                .collect();
            Err(Error::new(format!(
                "the publication at {api_url} has no time-series spreadsheet among its attachments ({})",
                if seen.is_empty() { "none".to_string() } else { seen.join(", ") }
            ))
            .help("expected an .ods attachment titled “… time series …”; download the release by hand and run `brief import home-office FILE`"))
        }
        several => Err(Error::new(format!(
            "the publication at {api_url} has {} time-series spreadsheets, and which is the release is not clear",
            several.len()
        ))
        .help("download the release by hand and run `brief import home-office FILE`")),
    }
}

/// Whether `url` is an absolute http(s) address.
fn is_http_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The note of the latest change: RFC 3339 timestamps of one offset sort
/// as text, and GOV.UK gives them all in UK time.
fn latest_note(history: &[Change]) -> Option<String> {
    history
        .iter()
        .max_by(|a, b| a.public_timestamp.cmp(&b.public_timestamp))
        .map(|c| c.note.trim().to_string())
        .filter(|n| !n.is_empty())
}

/// The body at `url`, at most `limit` bytes; `what` names it in errors.
fn get(agent: &ureq::Agent, url: &str, limit: u64, what: &str) -> Result<Vec<u8>> {
    let failed = |e: ureq::Error| {
        let reason = match &e {
            ureq::Error::Timeout(_) => "it took too long".to_string(),
            ureq::Error::BodyExceedsLimit(n) => format!("it is larger than {n} bytes"),
            ureq::Error::HostNotFound => "the host was not found".to_string(),
            ureq::Error::ConnectionFailed => "the connection failed".to_string(),
            ureq::Error::Io(io) => io.to_string(),
            other => other.to_string(),
        };
        Error::new(format!("could not download {what} from {url}: {reason}"))
            .help("check the network and the address (--api-url), or download the release by hand and run `brief import home-office FILE`")
    };
    let mut response = agent
        .get(url)
        .header("User-Agent", concat!("brief/", env!("CARGO_PKG_VERSION")))
        .call()
        .map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::new(format!(
            "could not download {what} from {url}: the server answered {status}"
        ))
        .help("check the address (--api-url), or try again later"));
    }
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(content_type: &str, title: &str) -> Attachment {
        Attachment {
            content_type: Some(content_type.into()),
            title: Some(title.into()),
            filename: None,
            url: Some("https://assets.example/x.ods".into()),
        }
    }

    #[test]
    fn the_time_series_is_picked_by_type_and_title_not_position() {
        let list = [
            attachment("text/csv", "Small boats time series"),
            attachment(ODS, "Small boat arrivals by nationality"),
            attachment(
                ODS,
                "Migrants detected crossing the English Channel: time series",
            ),
        ];
        let picked = time_series(&list, "api").unwrap();
        assert!(picked.title.as_deref().unwrap().ends_with("time series"));
        let e = time_series(&list[..2], "api").unwrap_err().to_string();
        assert!(e.contains("no time-series spreadsheet"), "{e}");
        assert!(
            e.contains("“Small boat arrivals by nationality” (application/vnd.oasis"),
            "{e}"
        );
        let twice = [list[2].clone(), list[2].clone()];
        assert!(
            time_series(&twice, "api")
                .unwrap_err()
                .to_string()
                .contains("2 time-series")
        );
    }

    #[test]
    fn the_latest_change_note_is_read_whatever_the_order() {
        let change = |t: &str, n: &str| Change {
            public_timestamp: t.into(),
            note: n.into(),
        };
        let history = [
            change("2026-08-14T09:30:00.000+01:00", "Data to 10 August."),
            change("2026-08-21T09:30:00.000+01:00", "Data to 17 August."),
            change("2025-01-01T09:30:00.000+00:00", "First published."),
        ];
        assert_eq!(latest_note(&history).as_deref(), Some("Data to 17 August."));
        assert_eq!(latest_note(&[]), None);
    }
}
