//! One error type for every stage, printed for a person to act on.
//!
//! An [`Error`] names the file (relative to the project), the line and column
//! where the input has them, what was found and what was expected. It is
//! printed once, with the offending source line and a caret under the column.

use std::fmt;
use std::path::{Path, PathBuf};

/// A failure that stops a build, a check or an import. Boxed, so that a
/// `Result` stays small on the happy path; its fields are the
/// [`Diagnostic`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Diagnostic>);

/// What an [`Error`] says and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file at fault, as the user knows it (relative to the project root).
    pub file: Option<PathBuf>,
    /// 1-based line, where the input has lines.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// What was found, in a sentence.
    pub message: String,
    /// What was expected, or what to do about it.
    pub help: Option<String>,
    /// The source line the error points at, shown under the message.
    pub snippet: Option<String>,
}

/// The result type used throughout `brief`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a message and no location.
    pub fn new(message: impl Into<String>) -> Self {
        Error(Box::new(Diagnostic {
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
            snippet: None,
        }))
    }

    /// An error about a whole file.
    pub fn in_file(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::new(message).file(file)
    }

    /// Sets the file at fault.
    pub fn file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Sets the line and column (both 1-based) and, when `source` is given,
    /// keeps that line of the source to show under the message.
    pub fn at(mut self, line: usize, column: usize, source: Option<&str>) -> Self {
        self.line = Some(line);
        self.column = Some(column.max(1));
        if let Some(text) = source {
            self.snippet = text
                .lines()
                .nth(line.saturating_sub(1))
                .map(|l| l.trim_end().to_string());
        }
        self
    }

    /// Sets what was expected or what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// An I/O failure on `path`, with the operation that failed.
    pub fn io(path: impl AsRef<Path>, doing: &str, err: &std::io::Error) -> Self {
        Error::in_file(path, format!("could not {doing}: {err}"))
    }

    /// The location prefix, `file:line:column`, as far as it is known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?.display().to_string();
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file,
        })
    }
}

impl std::ops::Deref for Error {
    type Target = Diagnostic;
    fn deref(&self) -> &Diagnostic {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Diagnostic {
        &mut self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location() {
            Some(loc) => write!(f, "{loc}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let (Some(snippet), Some(line)) = (&self.snippet, self.line) {
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            let (snippet, column) = snippet_window(snippet, self.column.unwrap_or(1));
            // The caret counts characters, not bytes, and keeps tabs so it lines up.
            let caret: String = snippet
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{pad} |\n{number} | {snippet}\n{pad} | {caret}^")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Most characters of a source line shown under a message.
const SNIPPET_CHARS: usize = 160;

/// A long source line cut to the part around `column` (1-based), with `…`
/// where it was cut, and the column within what is shown.
fn snippet_window(line: &str, column: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= SNIPPET_CHARS {
        return (line.to_string(), column);
    }
    let start = column
        .saturating_sub(1 + SNIPPET_CHARS / 2)
        .min(count - SNIPPET_CHARS);
    let end = start + SNIPPET_CHARS;
    let mut shown: String = line.chars().skip(start).take(SNIPPET_CHARS).collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert(0, '…');
        column += 1;
    }
    if end < count {
        shown.push('…');
    }
    (shown, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_location_snippet_caret_and_help() {
        let source = "days:\n  - {date: 2018-01-01, people: -3, boats: 0}\n";
        let err = Error::in_file("data/crossings.yaml", "people is -3")
            .at(2, 33, Some(source))
            .help("expected a count of 0 or more");
        let text = err.to_string();
        assert!(text.starts_with("data/crossings.yaml:2:33: people is -3"));
        assert!(text.contains("2 |   - {date: 2018-01-01, people: -3, boats: 0}"));
        let caret_line = text.lines().find(|l| l.ends_with('^')).unwrap();
        assert_eq!(caret_line.find('^'), Some(4 + 32));
        assert!(text.ends_with("= expected a count of 0 or more"));
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let line = "[".repeat(10_000);
        let err = Error::in_file("d.yaml", "too deep").at(1, 256, Some(&line));
        let text = err.to_string();
        let shown = text.lines().nth(2).unwrap();
        assert!(shown.len() < 4 * SNIPPET_CHARS, "{shown}");
        assert!(
            shown.starts_with("1 | …[") && shown.ends_with("[…"),
            "{shown}"
        );
        let caret = text.lines().nth(3).unwrap();
        let at = caret.chars().position(|c| c == '^').unwrap();
        assert_eq!(shown.chars().nth(at), Some('['));
        // Column 256, less the 175 characters cut, plus the `…`.
        assert_eq!(at - "1 | ".len() + 1, 256 - 175 + 1);
    }
}
