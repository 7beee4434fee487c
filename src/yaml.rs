//! The one way YAML enters `brief`: fixed parser settings, bounded sizes and
//! aliases, and errors that name the file, line and column.

use std::path::Path;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options};

use crate::error::{Error, Result};

/// Largest YAML file read, in bytes (the daily series of ten years is ~200 KB).
pub const MAX_YAML_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted.
pub const MAX_YAML_DEPTH: usize = 32;
/// Most aliases (`*name`) in one file; data files rarely need any.
pub const MAX_YAML_ALIASES: usize = 1_000;
/// Most values an alias may bring in again, all aliases of a file together:
/// a data file that reuses a block now and then stays far below it, while an
/// alias bomb stops here before it costs time or memory.
pub const MAX_YAML_ALIAS_EVENTS: usize = 10_000;
/// Most values (mappings, lists and scalars) in one file: about 35,000
/// days of `data/crossings.yaml`, a century of data.
pub const MAX_YAML_NODES: usize = 250_000;

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
    budget.max_nodes = MAX_YAML_NODES;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_YAML_ALIAS_EVENTS;
    options.alias_limits.max_replay_stack_depth = MAX_YAML_DEPTH;
    options.strict_booleans = true;
    // `007` reaches `Count` as text, to be refused rather than read as 7
    // (or, by a YAML 1.1 reader, `010` as 8).
    options.leading_zero_numbers_as_strings = true;
    // `1_000` too: YAML 1.2 has no underscores in numbers, and counts are
    // digits only.
    options.underscored_numbers_as_strings = true;
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
    refuse_date_times(file, text, line_offset)?;
    serde_saphyr::from_str_with_options(text, options())
        .map_err(|err| yaml_error(file, text, line_offset, &err))
}

/// Refuses a date written with a time (`2025-08-06T10:00:00`): every date
/// brief reads is a calendar day, and the date parser would quietly drop
/// the time. Plain (unquoted) values only, outside comments; quoted text
/// is text.
fn refuse_date_times(file: &Path, text: &str, line_offset: usize) -> Result<()> {
    for (i, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        let mut in_quote: Option<u8> = None;
        for (at, &b) in bytes.iter().enumerate() {
            match (in_quote, b) {
                (Some(q), b) if b == q => in_quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => in_quote = Some(b),
                (None, b'#') if at == 0 || bytes[at - 1] == b' ' => break,
                (None, _) => {
                    let starts_value = at == 0 || b" [{,:".contains(&bytes[at - 1]);
                    if starts_value && is_date_time(&bytes[at..]) {
                        let found = line[at..]
                            .split([',', ']', '}', ' '])
                            .take(2)
                            .collect::<Vec<_>>()
                            .join(" ");
                        let mut err = Error::in_file(
                            file,
                            format!("found `{}`, a date with a time", found.trim()),
                        )
                        .at(i + 1 + line_offset, line[..at].chars().count() + 1, None)
                        .help("expected a calendar date alone, as YYYY-MM-DD (e.g. 2025-08-06), without a time");
                        err.snippet = Some(line.trim_end().to_string());
                        return Err(err);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether `bytes` start `YYYY-MM-DD` then `T` or a space and `HH:`.
fn is_date_time(bytes: &[u8]) -> bool {
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let is = |i: usize, c: u8| bytes.get(i) == Some(&c);
    (0..4).all(digit)
        && is(4, b'-')
        && digit(5)
        && digit(6)
        && is(7, b'-')
        && digit(8)
        && digit(9)
        && (is(10, b'T') || is(10, b't') || is(10, b' '))
        && digit(11)
        && digit(12)
        && is(13, b':')
}

/// Turns a parser error into ours, keeping its location.
fn yaml_error(file: &Path, text: &str, line_offset: usize, err: &serde_saphyr::Error) -> Error {
    let inner = err.without_snippet();
    let message = clean_message(&inner.to_string());
    let help = help_for(&message);
    let mut error = Error::in_file(file, message.clone()).help(help);
    if let Some(loc) = inner.location() {
        let (mut line, mut column) = (loc.line() as usize, loc.column() as usize);
        // The parser names the last key of a mapping that lacks a field;
        // at the top of a file, the file's first key is where a reader
        // looks for it.
        if message.starts_with("missing field")
            && column == 1
            && let Some(first) = text
                .lines()
                .position(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            (line, column) = (first + 1, 1);
        }
        if line > 0 {
            let full_text_line = line + line_offset;
            error = error.at(full_text_line, column, None);
            error.snippet = text.lines().nth(line - 1).map(|l| l.trim_end().to_string());
        }
    }
    error
}

/// The parser's message without its own location suffix (ours is in
/// front), in words a person reads: no library's option names or debug
/// output.
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    if let Some(what) = first.strip_prefix("budget breached: ") {
        return budget_message(what);
    }
    // `publisher:` with nothing after it: serde's own words name a Rust type.
    if let Some(kind) = first
        .strip_prefix("cannot deserialize null into ")
        .map(|rest| rest.split(';').next().unwrap_or(rest).trim())
    {
        return format!(
            "found nothing after the colon, where {} belongs",
            a_value(kind)
        );
    }
    if first.starts_with("invalid u64") || first.starts_with("invalid usize") {
        return "expected a whole number, 0 or more".into();
    }
    if first.contains("jiff::Timestamp") || first.contains("Zulu offset") {
        return "found a date with a time and a time zone".into();
    }
    if let Some(key) = first.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        return format!("`{key}` appears twice in the same mapping");
    }
    if let Some(field) = first
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .filter(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    {
        return format!(
            "found `{field}` where a field name belongs: a comma inside `{{…}}` separates entries, so a number written `1,{field}` reads as two"
        );
    }
    first.to_string()
}

/// A Rust type a message names, as the value a reader writes.
fn a_value(kind: &str) -> &'static str {
    match kind {
        "string" => "text",
        k if k.contains("Date") || k.contains("date") => "a date",
        k if ["u", "i", "f"].iter().any(|p| k.starts_with(p)) => "a number",
        "bool" => "true or false",
        _ => "a value",
    }
}

/// A budget the parser reports as Rust's debug text (`Documents {
/// documents: 2 }`), in words.
fn budget_message(what: &str) -> String {
    let limit = what.split_whitespace().next().unwrap_or("");
    let count: String = what.chars().filter(|c| c.is_ascii_digit()).collect();
    match limit {
        "Documents" => {
            "the file holds more than one YAML document (a `---` line starts another)".into()
        }
        "Nodes" => format!(
            "the YAML is over the loader's limits: {count} values, more than {MAX_YAML_NODES} in one file"
        ),
        "Depth" | "InclusionDepth" => {
            format!("the YAML is over the loader's limits: nested more than {MAX_YAML_DEPTH} deep")
        }
        "Aliases" | "Anchors" => format!(
            "the YAML is over the loader's limits: more than {MAX_YAML_ALIASES} aliases or anchors"
        ),
        _ => format!(
            "the YAML is over the loader's limits ({})",
            what.split(" {").next().unwrap_or(what)
        ),
    }
}

/// What was expected, for the parser's messages that do not say.
fn help_for(message: &str) -> String {
    let has = |words: &[&str]| words.iter().any(|w| message.contains(w));
    if has(&["more than one YAML document"]) {
        "expected one YAML document per file; remove the `---` line, or put the rest in a file of its own".into()
    } else if has(&["appears twice"]) {
        "expected each key once in a mapping; remove one, or rename it".into()
    } else if has(&["a comma inside"]) {
        "write numbers without separators: 1000, not 1,000".into()
    } else if has(&["limits", "recursion limit", "depth", "alias", "replay"]) {
        format!(
            "expected at most {MAX_YAML_DEPTH} levels of nesting, {MAX_YAML_ALIASES} aliases bringing in {MAX_YAML_ALIAS_EVENTS} values, and {MAX_YAML_NODES} values in one file; split the data or trim it"
        )
    } else if has(&["found nothing after the colon"]) {
        "expected a value after the colon, or the line left out if the field is optional".into()
    } else if has(&["tabs"]) {
        "expected spaces for indentation: YAML does not allow tabs there".into()
    } else if has(&["unknown field"]) {
        "remove the field or correct its spelling".into()
    } else if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        format!(
            "expected `{field}: …` with the other keys here; see the bundled project for an example"
        )
    } else if has(&["unknown variant"]) {
        "expected one of the values the message lists, spelled as it spells them".into()
    } else if has(&["boolean"]) {
        "expected true or false (yes, no, on and off are not booleans in YAML 1.2)".into()
    } else if has(&[
        "Timestamp",
        "datetime",
        "time zone",
        "offset",
        "a date with a time",
    ]) {
        "expected a calendar date alone, as YYYY-MM-DD (e.g. 2025-08-06), without a time".into()
    } else if has(&["date", "year", "month", "day", "hour"]) {
        "expected a calendar date as YYYY-MM-DD, e.g. 2025-08-06".into()
    } else if has(&["expected a whole number"]) {
        "write the number as digits only, without quotes: 3".into()
    } else if has(&["expected a count"]) {
        "a count is written as digits only: 0, 7, 1250".into()
    } else {
        "expected YAML: `key: value` lines indented with spaces, lists as `- item` or `[a, b]`, quotes and brackets closed".into()
    }
}

/// A count of people, boats or returns, as written in a data file: a whole
/// number of 0 or more in plain digits. `yes`, `12.5`, `-3`, `007` and
/// numbers too large for a count are refused where they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u64);

impl<'de> serde::Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Count, D::Error> {
        deserializer.deserialize_any(CountVisitor)
    }
}

struct CountVisitor;

/// The error for a value that is not a count.
fn not_a_count<E: de::Error>(found: impl std::fmt::Display) -> E {
    E::custom(format!(
        "expected a count (a whole number, 0 or more, without leading zeros), found {found}"
    ))
}

impl Visitor<'_> for CountVisitor {
    type Value = Count;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a count: a whole number, 0 or more, without leading zeros")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Count, E> {
        Ok(Count(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Count, E> {
        u64::try_from(v)
            .map(Count)
            .map_err(|_| not_a_count(format!("{v}, which is negative")))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> std::result::Result<Count, E> {
        u64::try_from(v)
            .map(Count)
            .map_err(|_| not_a_count(format!("{v}, which is too large")))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> std::result::Result<Count, E> {
        u64::try_from(v)
            .map(Count)
            .map_err(|_| not_a_count(format!("{v}, which is out of range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Count, E> {
        if v.abs() >= u64::MAX as f64 {
            Err(not_a_count("a number too large for a count"))
        } else if v.fract() == 0.0 {
            Err(not_a_count(format!("{v} written as a decimal")))
        } else {
            Err(not_a_count(format!("{v}, which is not a whole number")))
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Count, E> {
        Err(not_a_count(format!("the boolean {v}")))
    }
    /// Plain numbers come as numbers; what comes as text is a quoted
    /// number, one with a leading zero or underscores, or one too large.
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Count, E> {
        let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        let underscored = v.contains('_') && v.bytes().all(|b| b.is_ascii_digit() || b == b'_');
        if digits && v.len() > 1 && v.starts_with('0') {
            Err(not_a_count(format!("`{v}`, which has a leading zero")))
        } else if digits && v.parse::<u64>().is_ok() {
            Err(not_a_count(format!(
                "\"{v}\" in quotes, which makes it text; write {v} without quotes"
            )))
        } else if digits {
            Err(not_a_count(format!("`{v}`, which is too large")))
        } else if underscored {
            Err(not_a_count(format!(
                "`{v}`, which has underscores; write {} (digits only)",
                v.replace('_', "")
            )))
        } else {
            Err(not_a_count(format!("`{v}`")))
        }
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Count, E> {
        Err(not_a_count("nothing"))
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
    fn a_field_left_empty_says_so_in_words() {
        #[derive(Debug, Deserialize)]
        struct Source {
            #[allow(dead_code)]
            publisher: String,
        }
        let e = parse::<Source>(Path::new("data/x.schema.yaml"), "publisher:   # who\n", 0)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("data/x.schema.yaml:1:"), "{e}");
        assert!(
            e.contains("found nothing after the colon, where text belongs"),
            "{e}"
        );
        assert!(e.contains("expected a value after the colon"), "{e}");
        assert!(!e.contains("Option<String>"), "{e}");
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
