//! The Tera engine of one build: the site's HTML templates, every brief's
//! body, the filters and the `chart()` function; and Tera's errors turned
//! into ours, at the line of the file the user wrote.

use std::collections::BTreeMap;
use std::path::PathBuf;

use tera::{ErrorKind, Tera};

use crate::error::Error;
use crate::project::SourceFile;

/// Where a template's text came from, to report its errors at file lines.
#[derive(Debug, Clone)]
pub struct TemplateOrigin {
    /// The file, relative to the project root.
    pub path: PathBuf,
    /// Lines of the file before the template text starts.
    pub line_offset: usize,
    /// The whole file's text, for the snippet.
    pub file_text: String,
}

/// A Tera instance and the origin of each template in it.
#[derive(Clone)]
pub struct Engine {
    /// The engine.
    pub tera: Tera,
    origins: BTreeMap<String, TemplateOrigin>,
}

impl Engine {
    /// An engine with filters registered and autoescaping for HTML and the
    /// Markdown bodies (data reaching a page is always escaped).
    pub fn new() -> Engine {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".md"]);
        tera.set_escape_fn(super::figure::escape_html);
        super::filters::register(&mut tera);
        Engine {
            tera,
            origins: BTreeMap::new(),
        }
    }

    /// Adds the site's templates (`templates/*.html`), named by file name.
    pub fn add_site_templates(&mut self, templates: &[SourceFile]) -> Result<(), Error> {
        let mut named = Vec::new();
        for file in templates {
            let name = file
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            self.origins.insert(
                name.clone(),
                TemplateOrigin {
                    path: file.path.clone(),
                    line_offset: 0,
                    file_text: file.text.clone(),
                },
            );
            named.push((name, file.text.clone()));
        }
        self.tera
            .add_raw_templates(named)
            .map_err(|e| self.error(&e))
    }

    /// Adds templates, each with the origin of its text, in one step: Tera
    /// rechecks every template it holds on each addition, so adding a
    /// thousand briefs one by one would take time growing with the square.
    pub fn add_templates(
        &mut self,
        templates: Vec<(String, String, TemplateOrigin)>,
    ) -> Result<(), Error> {
        let mut named = Vec::with_capacity(templates.len());
        for (name, text, origin) in templates {
            self.origins.insert(name.clone(), origin);
            named.push((name, text));
        }
        self.tera
            .add_raw_templates(named)
            .map_err(|e| self.error(&e))
    }

    /// Renders template `name`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Error> {
        if !self.tera.contains_template(name) {
            return Err(Error::in_file(
                format!("templates/{name}"),
                "this template is missing",
            )
            .help(format!("expected templates/{name} in the project; the bundled project has one to copy")));
        }
        self.tera.render(name, context).map_err(|e| self.error(&e))
    }

    /// Turns a Tera error into ours, with file, line and column.
    pub fn error(&self, err: &tera::Error) -> Error {
        let (report, what) = match err.kind() {
            ErrorKind::SyntaxError(r) => (r, "template syntax error"),
            ErrorKind::RenderingError(r) => (r, "template error"),
            ErrorKind::TemplateNotFound(name) => {
                return Error::in_file(format!("templates/{name}"), "this template is missing")
                    .help("expected it beside the other templates in templates/");
            }
            ErrorKind::MissingParent { current, parent } => {
                return Error::in_file(
                    self.path_of(current),
                    format!("extends “{parent}”, which does not exist"),
                )
                .help(format!("expected templates/{parent}"));
            }
            ErrorKind::Msg(text) => return self.reported_error(text, err),
            _ => return Error::new(format!("template error: {}", full_message(err))),
        };
        let message = match std::error::Error::source(err) {
            Some(source) => format!("{what}: {} ({source})", report.message()),
            None => format!("{what}: {}", report.message()),
        };
        let Some(origin) = self.origins.get(report.filename()) else {
            return Error::new(message);
        };
        let span = report.span();
        let line = span.start_line + origin.line_offset;
        Error::in_file(&origin.path, message)
            .at(line, span.start_col + 1, Some(&origin.file_text))
            .help(hint(report.message()))
    }

    /// Unknown filters, tests and functions come as a report already
    /// written (`error: …` then ` --> name:line:col`); read it back.
    fn reported_error(&self, text: &str, err: &tera::Error) -> Error {
        let mut lines = text.lines();
        let message = lines
            .next()
            .map(|l| l.trim_start_matches("error: ").to_string())
            .unwrap_or_default();
        let place = lines.find_map(|l| l.trim_start().strip_prefix("--> "));
        let located = place.and_then(|p| {
            let mut parts = p.rsplitn(3, ':');
            let col: usize = parts.next()?.parse().ok()?;
            let line: usize = parts.next()?.parse().ok()?;
            Some((parts.next()?.to_string(), line, col))
        });
        match located.and_then(|(name, line, col)| Some((self.origins.get(&name)?, line, col))) {
            Some((origin, line, col)) => {
                Error::in_file(&origin.path, format!("template error: {message}"))
                    .at(line + origin.line_offset, col + 1, Some(&origin.file_text))
                    .help(hint(&message))
            }
            None => Error::new(format!("template error: {}", full_message(err))),
        }
    }

    fn path_of(&self, name: &str) -> PathBuf {
        self.origins
            .get(name)
            .map(|o| o.path.clone())
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// The error and every error it wraps, in one line.
fn full_message(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// What to do about the common template mistakes.
fn hint(message: &str) -> String {
    if message.starts_with("Unknown filter") {
        "expected a filter such as thousands, pct, uk_date, about, rank_words, ordinal, signed, in_words, or one of Tera's own".into()
    } else if message.starts_with("Unknown function") {
        "expected chart(name=…) or one of Tera's own functions".into()
    } else if message.contains("not found in context")
        || message.contains("undefined")
        || message.contains("not defined")
    {
        "expected a figure or data name: see output/figures.json for the figures, `data.<file>` for data/*.yaml".into()
    } else if message.contains("chart") {
        "expected chart(name=\"…\") with one of the charts and its options, e.g. chart(name=\"cumulative\", years=[2024, 2025])".into()
    } else if message.contains("null") || message.contains("None") {
        "this figure is null for this as-of date; guard it with {% if … %}".into()
    } else {
        "expected Tera template syntax: {{ value | filter }}, {% if %}…{% endif %}".into()
    }
}
