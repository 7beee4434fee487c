//! The one way YAML enters `brief`: fixed parser settings, bounded sizes and
//! aliases, and errors that name the file, line and column.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options};

use crate::error::{Error, Result};

/// Largest YAML file read, in bytes (the daily series of ten years is ~200 KB).
pub const MAX_YAML_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_YAML_DEPTH: usize = 32;
/// Most aliases (`*name`) in one file; data files rarely need any.
pub const MAX_YAML_ALIASES: usize = 1_000;

/// Parser settings shared by every YAML file: YAML 1.2 booleans only (so
/// `NO` stays Norway), duplicate keys refused, and budgets that stop alias
/// bombs and runaway nesting.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_reader_input_bytes = Some(MAX_YAML_BYTES);
    budget.max_depth = MAX_YAML_DEPTH;
    budget.max_aliases = MAX_YAML_ALIASES;
    budget.max_anchors = MAX_YAML_ALIASES;
    budget.max_documents = 1;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

/// Parses `text`, read from `file`, into `T`. `line_offset` is added to
/// reported lines when the YAML starts part-way into the file (front matter).
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str, line_offset: usize) -> Result<T> {
    if text.len() > MAX_YAML_BYTES {
        return Err(
            Error::in_file(file, format!("the file is {} bytes long", text.len())).help(format!(
                "expected at most {MAX_YAML_BYTES} bytes of YAML; split the data or trim it"
            )),
        );
    }
    if text.trim().is_empty() {
        return Err(Error::in_file(file, "the file is empty")
            .help("expected YAML; see the bundled project for an example"));
    }
    serde_saphyr::from_str_with_options(text, options())
        .map_err(|err| yaml_error(file, text, line_offset, &err))
}

/// Turns a parser error into ours, keeping its location.
fn yaml_error(file: &Path, text: &str, line_offset: usize, err: &serde_saphyr::Error) -> Error {
    let inner = err.without_snippet();
    let message = clean_message(&inner.to_string());
    let mut error = Error::in_file(file, message);
    if let Some(loc) = inner.location() {
        let (line, column) = (loc.line() as usize, loc.column() as usize);
        if line > 0 {
            let full_text_line = line + line_offset;
            error = error.at(full_text_line, column, None);
            error.snippet = text.lines().nth(line - 1).map(|l| l.trim_end().to_string());
        }
    }
    error
}

/// The parser's message without its own location suffix (ours is in front).
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Row {
        #[allow(dead_code)]
        count: u64,
        #[allow(dead_code)]
        flag: Option<bool>,
    }

    fn err(text: &str) -> String {
        parse::<Vec<Row>>(Path::new("data/x.yaml"), text, 0)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn wrong_type_names_file_line_and_column() {
        let e = err("- count: 1\n- count: -4\n");
        assert!(e.starts_with("data/x.yaml:2:"), "{e}");
    }

    #[test]
    fn unknown_field_is_refused() {
        let e = err("- count: 1\n  colour: red\n");
        assert!(e.starts_with("data/x.yaml:2:"), "{e}");
        assert!(e.contains("colour"), "{e}");
    }

    #[test]
    fn yaml_1_1_booleans_are_not_booleans() {
        let e = err("- count: 1\n  flag: yes\n");
        assert!(e.starts_with("data/x.yaml:2:"), "{e}");
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_bounded() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let e = parse::<serde_json::Value>(Path::new("b.yaml"), &bomb, 0).unwrap_err();
        assert_eq!(e.file.as_deref(), Some(Path::new("b.yaml")));
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse::<serde_json::Value>(Path::new("d.yaml"), &deep, 0).is_err());
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert!(err("  \n").contains("empty"));
        let big = "#".repeat(MAX_YAML_BYTES + 1);
        assert!(err(&big).contains("bytes"));
    }

    #[test]
    fn line_offset_moves_the_location() {
        let e = parse::<Vec<Row>>(Path::new("b.md"), "- count: x\n", 3).unwrap_err();
        assert_eq!(e.line, Some(4));
    }
}
