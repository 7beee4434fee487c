//! The Tera engine of one build: the site's HTML templates, every brief's
//! body, the filters and the `chart()` function; and Tera's errors turned
//! into ours, at the line of the file the user wrote.

use std::collections::BTreeMap;
use std::path::PathBuf;

use tera::{ErrorKind, Tera};

use super::budget::{self, Insertion};
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
    /// The loop steps added to each template (see [`budget`]).
    steps: BTreeMap<String, Vec<Insertion>>,
}

impl Engine {
    /// An engine with filters registered and autoescaping for HTML and the
    /// Markdown bodies (data reaching a page is always escaped).
    pub fn new() -> Engine {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".md"]);
        tera.set_escape_fn(escape_value);
        super::filters::register(&mut tera);
        super::table_filters::register(&mut tera, None);
        tera.register_function(budget::STEP_FUNCTION, |_: tera::Kwargs, _: &tera::State| {
            budget::step().map_err(tera::Error::message)?;
            Ok(tera::Value::safe_string(""))
        });
        Engine {
            tera,
            origins: BTreeMap::new(),
            steps: BTreeMap::new(),
        }
    }

    /// `text` of template `name` with its loops' steps added (see
    /// [`budget::with_loop_steps`]); what was added is kept to map error
    /// columns back.
    fn with_steps(&mut self, name: &str, text: &str) -> String {
        let (text, insertions) = budget::with_loop_steps(text);
        if insertions.is_empty() {
            self.steps.remove(name);
        } else {
            self.steps.insert(name.to_string(), insertions);
        }
        text
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
            let text = self.with_steps(&name, &file.text);
            named.push((name, text));
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
            let text = self.with_steps(&name, &text);
            self.origins.insert(name.clone(), origin);
            named.push((name, text));
        }
        self.tera
            .add_raw_templates(named)
            .map_err(|e| self.error(&e))
    }

    /// Renders the brief body `name`, whose output Markdown reads next:
    /// every value it prints is escaped for Markdown as well as HTML (see
    /// [`escape_value`]).
    pub fn render_body(&self, name: &str, context: &tera::Context) -> Result<String, Error> {
        let _body = BodyRendering::start();
        self.render(name, context)
    }

    /// Renders template `name`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Error> {
        self.render_sized(name, context, 0)
    }

    /// Renders template `name`, whose output is expected to hold `extra`
    /// bytes besides the template's own text (a page's body), so that its
    /// buffer is made the right size at once, as Tera's own `render` does.
    pub fn render_sized(
        &self,
        name: &str,
        context: &tera::Context,
        extra: usize,
    ) -> Result<String, Error> {
        if !self.tera.contains_template(name) {
            return Err(Error::in_file(
                format!("templates/{name}"),
                "this template is missing",
            )
            .help(format!("expected templates/{name} in the project; the bundled project has one to copy")));
        }
        let _budget = budget::Budget::start();
        let own = self.origins.get(name).map_or(0, |o| o.file_text.len());
        let mut output =
            budget::LimitedOutput::with_capacity((own * 2 + extra).next_power_of_two());
        let rendered = self.tera.render_to(name, context, &mut output);
        if output.over {
            return Err(self.over_budget(name, budget::output_too_large()));
        }
        rendered.map_err(|e| {
            if full_message(&e).contains("recursion depth for components")
                && let Some(err) = self.recursive_component(name)
            {
                return err;
            }
            let err = self.error(&e);
            match (&err.file, self.origins.get(name)) {
                // Every error names at least the template being rendered.
                (None, Some(origin)) => err.file(&origin.path),
                _ => err,
            }
        })?;
        String::from_utf8(output.bytes).map_err(|_| {
            Error::new(format!(
                "{name}: the output is not UTF-8 text (a bug in brief)"
            ))
        })
    }

    /// An error about the whole render of `name`, at its first loop (the
    /// likeliest cause) when it has one.
    fn over_budget(&self, name: &str, message: String) -> Error {
        let Some(origin) = self.origins.get(name) else {
            return Error::new(format!("{name}: {message}"));
        };
        let err = Error::in_file(&origin.path, message)
            .help("expected a render to stay within its budget; look for a loop inside a loop");
        match self.steps.get(name).and_then(|s| s.first()) {
            Some(first) => err.at(
                first.line + origin.line_offset,
                first.tag_column + 1,
                Some(&origin.file_text),
            ),
            None => err,
        }
    }

    /// Turns a Tera error into ours, with file, line and column.
    pub fn error(&self, err: &tera::Error) -> Error {
        if let Some(circle) = self.circular_include(&full_message(err)) {
            return circle;
        }
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
        // An unclosed block is only noticed where the text ends, or at the
        // next end tag, which Tera then calls unknown: name the tag that
        // was never closed.
        let at_an_end = ["end of input", "Unknown tag", "`end"]
            .iter()
            .any(|m| report.message().contains(m));
        if what == "template syntax error"
            && at_an_end
            && let Some((line, column, tag)) = unclosed_block(&origin.file_text, origin.line_offset)
        {
            return Error::in_file(
                &origin.path,
                format!("template syntax error: this {{% {tag} %}} is never closed"),
            )
            .at(line, column, Some(&origin.file_text))
            .help(format!("expected a {{% end{tag} %}} after it"));
        }
        let span = report.span();
        let line = span.start_line + origin.line_offset;
        let column = self.column_as_written(report.filename(), span.start_line, span.start_col + 1);
        Error::in_file(&origin.path, message)
            .at(line, column, Some(&origin.file_text))
            .help(if what == "template syntax error" {
                hint(report.message())
            } else {
                rendering_hint(report.message())
            })
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
        match located.and_then(|(name, line, col)| {
            let column = self.column_as_written(&name, line, col + 1);
            Some((self.origins.get(&name)?, line, column))
        }) {
            Some((origin, line, column)) => {
                Error::in_file(&origin.path, format!("template error: {message}"))
                    .at(line + origin.line_offset, column, Some(&origin.file_text))
                    .help(hint(&message))
            }
            None => Error::new(format!("template error: {}", full_message(err))),
        }
    }

    /// Tera's "Circular include detected … Include chain: `[\"a.html\",
    /// \"b.html\", \"a.html\"]`" at the include in the chain's first template
    /// that starts the circle (found in the file as written, so at its line).
    fn circular_include(&self, text: &str) -> Option<Error> {
        let chain_text = text.split("Include chain:").nth(1)?;
        let chain: Vec<&str> = chain_text.split('"').skip(1).step_by(2).collect();
        let (first, second) = (*chain.first()?, *chain.get(1)?);
        let origin = self.origins.get(first)?;
        let (line, column) = [format!("\"{second}\""), format!("'{second}'")]
            .iter()
            .find_map(|quoted| position_of_tag(&origin.file_text, "include", quoted))?;
        Some(
            Error::in_file(
                &origin.path,
                format!(
                    "template error: this include goes round in a circle: {}",
                    chain.join(" includes ")
                ),
            )
            .at(line, column, Some(&origin.file_text))
            .help("expected templates that include each other to end somewhere; remove one of the includes"),
        )
    }

    /// Tera's "Maximum render recursion depth for components exceeded",
    /// while rendering `name`, at the definition of the component that
    /// calls itself (or, failing that, the first component `name` has).
    fn recursive_component(&self, name: &str) -> Option<Error> {
        let rendered = self.origins.get(name);
        let others = self.origins.values();
        let definition = rendered.into_iter().chain(others).find_map(|origin| {
            let text = &origin.file_text;
            let mut found = None;
            let mut line_start = 0;
            for (i, whole_line) in text.split_inclusive('\n').enumerate() {
                let this_line = line_start;
                line_start += whole_line.len();
                let line = whole_line.trim_end_matches(['\n', '\r']);
                let Some(at) = line.find("{% component ") else {
                    continue;
                };
                let component = line[at + 13..]
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("");
                let body = &text[this_line + at..];
                let body = &body[..body.find("{% endcomponent").unwrap_or(body.len())];
                let calls_itself = body.contains(&format!("<{component} "))
                    || body.contains(&format!("<{component}>"))
                    || body.contains(&format!("<{component}/"));
                if found.is_none() || calls_itself {
                    found = Some((
                        origin,
                        i + 1,
                        line[..at].chars().count() + 1,
                        component.to_string(),
                    ));
                }
                if calls_itself {
                    break;
                }
            }
            found
        })?;
        let (origin, line, column, component) = definition;
        Some(
            Error::in_file(
                &origin.path,
                format!(
                    "template error: component “{component}” calls itself without end (Tera stops components nested too deep)"
                ),
            )
            .at(line, column, Some(&origin.file_text))
            .help("expected a component that calls itself to stop: put the call inside an {% if %} that becomes false"),
        )
    }

    /// A column of template `name`'s `line` (both as Tera has them) in the
    /// text as written.
    fn column_as_written(&self, name: &str, line: usize, column: usize) -> usize {
        match self.steps.get(name) {
            Some(insertions) => budget::column_as_written(insertions, line, column),
            None => column,
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

thread_local! {
    /// Whether this thread is rendering a brief's body (Tera renders on the
    /// calling thread, and its escaper is one function for every template).
    static IN_BODY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this thread as rendering a brief's body until dropped.
struct BodyRendering;

impl BodyRendering {
    fn start() -> BodyRendering {
        IN_BODY.with(|b| b.set(true));
        BodyRendering
    }
}

impl Drop for BodyRendering {
    fn drop(&mut self) {
        IN_BODY.with(|b| b.set(false));
    }
}

/// The one rule for every value a template prints (a figure, a filter's
/// result, data, front matter): it is text. In a page template it is
/// escaped for HTML. In a brief's body, which Markdown reads next, it is
/// escaped for Markdown too, so that it reads as the characters it has:
/// `[x](javascript:…)` in a data file is those characters, not a link, and
/// `*` is an asterisk. Its line breaks become spaces (a value never starts
/// a heading, list or code block) and a NUL becomes U+FFFD.
pub fn escape_value(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if IN_BODY.with(|b| b.get()) {
        escape_markdown_text(input, out)
    } else {
        crate::text::escape_html(input, out)
    }
}

/// The ASCII punctuation Markdown (with tables, footnotes, heading
/// attributes, strikethrough and smart punctuation) gives a meaning to,
/// written with a backslash so that it is only itself.
const MARKDOWN_PUNCTUATION: &[u8] = b"\\`*_[](){}#+-.!|~^=";

/// Writes `input` as Markdown that shows exactly its text (see
/// [`escape_value`]). HTML's characters become character references,
/// which Markdown shows as the characters.
fn escape_markdown_text(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            b'\n' | b'\r' => b" ",
            0 => "\u{fffd}".as_bytes(),
            b if MARKDOWN_PUNCTUATION.contains(&b) => {
                out.write_all(&bytes[start..i])?;
                out.write_all(b"\\")?;
                start = i;
                continue;
            }
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(escaped)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// The error and every error it wraps, in one line.
pub fn full_message(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// The blocks a template opens and must close with `{% end… %}`.
const BLOCK_TAGS: [&str; 5] = ["for", "if", "block", "component", "filter"];

/// The innermost block tag of `text` (a file whose template starts after
/// `line_offset` lines) that is never closed: its line and column
/// (1-based) and its name.
fn unclosed_block(text: &str, line_offset: usize) -> Option<(usize, usize, &'static str)> {
    let body_start: usize = text
        .split_inclusive('\n')
        .take(line_offset)
        .map(str::len)
        .sum();
    let mut open: Vec<(usize, &'static str)> = Vec::new();
    let mut i = body_start;
    while let Some(at) = text[i..].find("{%").map(|o| i + o) {
        let end = budget::tag_end(text, at + 2, "%}")?;
        let inner = text[at + 2..end - 2].trim_matches('-').trim();
        let word = inner.split_whitespace().next().unwrap_or("");
        if word == "raw" {
            match budget::find_endraw(text, end) {
                Some(after) => {
                    i = after;
                    continue;
                }
                None => open.push((at, "raw")),
            }
        } else if let Some(tag) = BLOCK_TAGS.iter().find(|t| **t == word) {
            open.push((at, tag));
        } else if let Some(closed) = word.strip_prefix("end") {
            match open.iter().rposition(|(_, t)| *t == closed) {
                // Closing an outer block while one inside it is still
                // open: that one was never closed.
                Some(k) if k + 1 < open.len() => {
                    open.truncate(k + 2);
                    break;
                }
                Some(k) => open.truncate(k),
                // An end without its start: Tera's own message says so.
                None => return None,
            }
        }
        i = end;
    }
    let (at, tag) = *open.last()?;
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    Some((line, text[line_start..at].chars().count() + 1, tag))
}

/// The line and column (1-based) of the first `{% <tag> … <argument>`
/// in `text`.
fn position_of_tag(text: &str, tag: &str, argument: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let at = line.find(argument)?;
        let open = line[..at].rfind("{%")?;
        line[open + 2..at]
            .trim_start_matches('-')
            .trim_start()
            .starts_with(tag)
            .then(|| (i + 1, line[..open].chars().count() + 1))
    })
}

/// What to do about an error met while rendering: about meaning, not
/// syntax.
fn rendering_hint(message: &str) -> String {
    let table_filter = crate::render::table_filters::NAMES
        .iter()
        .any(|name| message.contains(&format!("filter `{name}`")));
    if table_filter || message.starts_with("table `") || message.contains("does not fit column") {
        "expected a table (data.<name>) and arguments naming its columns: filter_rows(column=, from=, to= or equals=), by_period(date=, period=, value=, how=), sum, mean, min, max (column=), count, latest(column=, by=), change and pct_change(column=, from=, to=), share(of=), rank_at_point(date=, value=); see the README's \"Your own data\"".into()
    } else if message.contains("has no argument `") {
        "expected only the arguments the filter takes, spelt as the README's filter tables give them".into()
    } else if message.contains("filter `") {
        "expected a value the filter takes: thousands, pct, about and signed take numbers; uk_date a date (YYYY-MM-DD); rank_words and ordinal a whole number, 1 or more; in_words a whole number, 0 or more".into()
    } else {
        match hint(message) {
            h if h.starts_with("expected Tera template syntax") => {
                "expected values of the kind the expression uses: see output/figures.json for the figures, and guard a figure that may be null with {% if … %}".into()
            }
            h => h,
        }
    }
}

/// What to do about the common template mistakes.
fn hint(message: &str) -> String {
    if message.starts_with("Unknown filter") {
        "expected a filter such as thousands, pct, uk_date, about, rank_words, ordinal, signed, in_words, a table's (filter_rows, by_period, sum, mean, latest, change, pct_change, share, rank_at_point, …), or one of Tera's own".into()
    } else if message.starts_with("Unknown function") {
        "expected chart(name=…) or one of Tera's own functions".into()
    } else if message.contains("not found in context")
        || message.contains("undefined")
        || message.contains("not defined")
    {
        "expected a figure or data name: the crossings' figures are the keys of output/figures.json (when the project has data/crossings.yaml), and data/NAME.csv or data/NAME.yaml is `data.NAME`".into()
    } else if message.contains("in one render") || message.contains("rendering has taken") {
        "expected a render to stay within its budget; look for a loop inside a loop".into()
    } else if [
        "chart “bars”",
        "chart “line”",
        "chart “cumulative-by-year”",
        "argument “data”",
    ]
    .iter()
    .any(|kind| message.contains(kind))
    {
        "expected a table and its columns: chart(name=\"line\", data=data.<name>, x=\"<a date column>\", y=\"<a number column>\"); bars take x=\"<a column of years or of names>\", cumulative-by-year y=\"<a column of counts>\"".into()
    } else if message.contains("chart") {
        "expected chart(name=\"…\") with one of the charts and its options, e.g. chart(name=\"cumulative\", years=[2024, 2025])".into()
    } else if message.contains("null") || message.contains("None") {
        "this figure is null for this as-of date; guard it with {% if … %}".into()
    } else {
        "expected Tera template syntax: {{ value | filter }}, {% if %}…{% endif %}".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown_text(text: &str) -> String {
        let mut out = Vec::new();
        escape_markdown_text(text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_value_in_a_body_reads_as_its_characters() {
        for text in [
            "[x](javascript:alert(document.cookie))",
            "*not emphasis* and _this_ and `code` and ~~struck~~",
            "# not a heading",
            "1. not a list",
            "- not a list\n\n    not code",
            "<b>not bold</b> & \"quoted\" 'single'",
            "a | b | c",
            "[^1] {#id} \\ back\\slash",
            "2,000 people (8.8%) −3.2 +4",
        ] {
            let body = format!("Before {} after.\n", markdown_text(text));
            let html = crate::render::markdown::to_html(&body).unwrap();
            // As Markdown writes text: only &, < and > as references.
            let shown = text
                .replace('\n', " ")
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert_eq!(html, format!("<p>Before {shown} after.</p>\n"), "{text:?}");
        }
        assert_eq!(markdown_text("a\0b"), "a\u{fffd}b");
    }

    #[test]
    fn only_bodies_escape_for_markdown() {
        let mut engine = Engine::new();
        engine
            .tera
            .add_raw_templates([("b.md", "{{ v }}"), ("p.html", "{{ v }}")])
            .unwrap();
        let mut context = tera::Context::new();
        context.insert("v", "*a* <b>");
        assert_eq!(
            engine.render_body("b.md", &context).unwrap(),
            "\\*a\\* &lt;b&gt;"
        );
        assert_eq!(engine.render("p.html", &context).unwrap(), "*a* &lt;b&gt;");
        // The mark is gone once a body is rendered.
        assert_eq!(engine.render("b.md", &context).unwrap(), "*a* &lt;b&gt;");
    }
}
