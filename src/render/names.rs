//! Every name a brief's expressions read, checked against what a page
//! gives it before the brief is rendered. Tera takes a misspelt figure in a
//! condition (`{% if ytd.rnak == 1 %}`) as false and hands one to a filter
//! (`{{ projection.centrl | about }}`) as nothing: the brief would build
//! and say the wrong thing. Here each is an error at its line and column,
//! naming the fields there are.
//!
//! A name the brief makes itself (`{% set %}`, `{% for %}`, `loop`) is not
//! checked, nor a field below a figure that is null (`projection` before
//! any projection can be made): that is what `{% if projection %}` guards.
//! `x is defined` and `x is undefined` test a name on purpose, and pass.

/// A name read that is not there, where it is in the body, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The byte offset of the name in the body.
    pub at: usize,
    /// What is wrong, in a sentence.
    pub message: String,
    /// What there is instead.
    pub help: String,
}

/// The page's values by name, as JSON, in layers: the site's (the same
/// for every page) and the page's own.
pub type Names<'a> = [&'a serde_json::Map<String, serde_json::Value>];

/// What a body reads from its page: the names (`ytd.rank`,
/// `data.co2.rows`), not those it makes, in order, with repeats; and
/// whether it places a chart without `data=` (a chart of the crossings).
#[derive(Debug, Default)]
pub struct NamesRead<'b> {
    /// Each name read, as its dotted parts.
    pub paths: Vec<Vec<&'b str>>,
    /// Whether it places a chart of the crossings.
    pub crossings_chart: bool,
}

/// What `body` reads, each name checked against `context` when given: the
/// first name it does not have is the error.
pub fn read_names<'b>(body: &'b str, context: Option<&Names>) -> Result<NamesRead<'b>, Unknown> {
    let expressions = expressions(body);
    let locals = local_names(&expressions);
    let mut read = NamesRead::default();
    for (start, expression) in &expressions {
        let first_word = expression.split_whitespace().next().unwrap_or_default();
        // Tags that name templates, blocks and macros, not values.
        let names_no_value = matches!(
            first_word,
            "block"
                | "extends"
                | "include"
                | "import"
                | "macro"
                | "component"
                | "raw"
                | "filter"
                | "else"
                | "break"
                | "continue"
        ) || first_word.starts_with("end");
        if names_no_value {
            continue;
        }
        if expression.contains("chart(") && !expression.contains("data=") {
            read.crossings_chart = true;
        }
        for (offset, path) in paths(expression) {
            if locals.iter().any(|l| *l == path[0]) {
                continue;
            }
            if let Some(mut unknown) = context.and_then(|c| check_path(&path, c)) {
                unknown.at = start + offset;
                return Err(unknown);
            }
            read.paths.push(path);
        }
    }
    Ok(read)
}

/// The first name `body` reads that `context` does not have.
pub fn first_unknown(body: &str, context: &Names) -> Option<Unknown> {
    read_names(body, Some(context)).err()
}

/// Each expression of `body` with where it starts: the insides of
/// `{{ … }}`, and of `{% … %}` without their keyword (`if`, `elif`, `set`,
/// `for`, …). Tera comments are left out.
fn expressions(body: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = body[at..].find('{').map(|i| at + i) {
        let close_mark = match body.get(open + 1..open + 2) {
            Some("{") => "}}",
            Some("%") => "%}",
            Some("#") => "#}",
            _ => {
                at = open + 1;
                continue;
            }
        };
        let Some(close) = find_pair(&body[open + 2..], close_mark).map(|i| open + 2 + i) else {
            break;
        };
        let inner = &body[open + 2..close];
        if close_mark == "%}" && inner.trim_matches(['-', ' ']) == "raw" {
            // A raw block's text is text, expressions and all.
            at = body[close..]
                .find("endraw")
                .map_or(body.len(), |i| close + i);
            continue;
        }
        if close_mark != "#}" {
            let trimmed = inner.trim_start_matches('-');
            let start = open + 2 + (inner.len() - trimmed.len());
            out.push((start, trimmed.trim_end_matches('-')));
        }
        at = close + 2;
    }
    out
}

/// Where the two-byte `mark` (`}}`, `%}`) first is in `text`: byte by
/// byte, as a brief has hundreds of tags and a string search sets itself up
/// for each.
fn find_pair(text: &str, mark: &str) -> Option<usize> {
    let (bytes, [first, second]) = (text.as_bytes(), mark.as_bytes()) else {
        return text.find(mark);
    };
    let mut at = 0;
    while let Some(i) = bytes[at..].iter().position(|b| b == first) {
        let i = at + i;
        if bytes.get(i + 1) == Some(second) {
            return Some(i);
        }
        at = i + 1;
    }
    None
}

/// The names a brief makes: `{% set x = … %}`, `{% set_global x = … %}`,
/// `{% for x in … %}` and `{% for k, v in … %}`, `{% macro m(a, b) %}`,
/// and Tera's `loop`.
fn local_names<'a>(expressions: &[(usize, &'a str)]) -> Vec<&'a str> {
    let mut names = vec!["loop", "__tera_context"];
    for (_, expression) in expressions {
        let first = expression.trim_start();
        let makes = ["set", "for", "macro", "component"]
            .iter()
            .any(|w| first.starts_with(w));
        if !makes {
            continue;
        }
        let words: Vec<&str> = expression
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        match words.first().copied() {
            Some("set" | "set_global") => names.extend(words.get(1)),
            Some("for") => {
                let before_in = words[1..].iter().take_while(|w| **w != "in");
                names.extend(before_in);
            }
            Some("macro" | "component") => names.extend(&words[1..]),
            _ => {}
        }
    }
    names
}

/// Whether `word` is one of Tera's words, which are not names.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "or"
            | "not"
            | "in"
            | "is"
            | "if"
            | "elif"
            | "else"
            | "endif"
            | "for"
            | "endfor"
            | "set"
            | "set_global"
            | "true"
            | "false"
            | "True"
            | "False"
            | "none"
            | "None"
            | "block"
            | "endblock"
            | "include"
            | "extends"
            | "macro"
            | "endmacro"
            | "filter"
            | "endfilter"
            | "raw"
    )
}

/// The dotted names `expression` reads (`ytd.rank`, `projection`), each
/// with its offset: not a filter's or a function's name, an argument's
/// name, a test's name, a word of Tera's, a string or a number.
fn paths(expression: &str) -> Vec<(usize, Vec<&str>)> {
    let bytes = expression.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // What came before the current token, ignoring spaces.
    let mut before: Option<u8> = None;
    let mut word_before: &str = "";
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            // To the closing quote, past any escaped one (`\"`).
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            before = Some(b'"');
            word_before = "";
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if !(c.is_ascii_alphabetic() || c == b'_') {
            // Digits start numbers, and a number's `.5` is no field.
            if c.is_ascii_digit() {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                before = Some(b'0');
            } else {
                before = Some(c);
                i += 1;
            }
            word_before = "";
            continue;
        }
        let start = i;
        let mut segments = Vec::new();
        let mut seg_start = i;
        // Whether the path ended on a `["name"]`, with no segment after it.
        let mut bracketed = false;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii() {
                i += 1;
                bracketed = false;
            } else if b == b'.' {
                if !bracketed {
                    segments.push(&expression[seg_start..i]);
                }
                i += 1;
                seg_start = i;
                bracketed = false;
            } else if let Some((field, end)) = quoted_index(expression, i) {
                // `data["iowa-power"]`: a field named in brackets, as a name
                // with a hyphen must be.
                if !bracketed {
                    segments.push(&expression[seg_start..i]);
                }
                segments.push(field);
                i = end;
                seg_start = i;
                bracketed = true;
            } else {
                break;
            }
        }
        if !bracketed {
            segments.push(&expression[seg_start..i]);
        }
        let next = expression[i..].trim_start().as_bytes();
        let is_call = next.first() == Some(&b'(');
        let is_argument = next.first() == Some(&b'=') && next.get(1) != Some(&b'=');
        let after_dot_or_pipe = matches!(before, Some(b'|') | Some(b'.') | Some(b']') | Some(b')'));
        let is_test = matches!(word_before, "is" | "not") && is_test_name(segments[0]);
        let word = segments[0];
        if !(is_call
            || is_argument
            || after_dot_or_pipe
            || is_test
            || is_keyword(word)
            || segments.iter().any(|s| s.is_empty()))
        {
            // `x is defined` asks on purpose.
            let rest = expression[i..].trim_start();
            let asks = rest.starts_with("is ")
                && ["is defined", "is undefined", "is not defined"]
                    .iter()
                    .any(|t| rest.starts_with(t));
            if !asks {
                out.push((start, segments));
            }
        }
        before = Some(b'a');
        word_before = if is_keyword(word) { word } else { "" };
    }
    out
}

/// At `at`, a `["name"]` (any of Tera's quotes): the name, and where the
/// text after the `]` starts.
fn quoted_index(expression: &str, at: usize) -> Option<(&str, usize)> {
    let rest = expression.get(at..)?.strip_prefix('[')?;
    let quote = rest
        .chars()
        .next()
        .filter(|q| matches!(q, '"' | '\'' | '`'))?;
    let inner = &rest[1..];
    let close = inner.find(quote)?;
    inner[close + 1..].starts_with(']').then(|| {
        let start = at + 2;
        (&expression[start..start + close], start + close + 2)
    })
}

/// Whether `word` after `is` names one of Tera's tests.
fn is_test_name(word: &str) -> bool {
    [
        "defined",
        "undefined",
        "none",
        "number",
        "string",
        "iterable",
        "object",
        "odd",
        "even",
        "divisibleby",
        "starting_with",
        "ending_with",
        "containing",
        "matching",
        "integer",
        "float",
        "array",
        "map",
        "bool",
    ]
    .contains(&word)
}

/// Why `path` cannot be read from `context`, if it cannot.
fn check_path(path: &[&str], context: &Names) -> Option<Unknown> {
    let Some(mut value) = context.iter().find_map(|names| names.get(path[0])) else {
        let mut all: Vec<&str> = context
            .iter()
            .flat_map(|names| names.keys().map(String::as_str))
            .collect();
        all.sort_unstable();
        return Some(Unknown {
            at: 0,
            message: format!("`{}` is not a name this page has", path[0]),
            help: format!(
                "{}expected one of {}, or a name set in the brief with {{% set %}}",
                did_you_mean(path[0], &all),
                listed(&all)
            ),
        });
    };
    for (k, field) in path.iter().enumerate().skip(1) {
        match value {
            serde_json::Value::Object(fields) => {
                match fields.get(*field) {
                    Some(next) => value = next,
                    None => {
                        let parent = path[..k].join(".");
                        let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
                        // `data.iowa-electricity` reads as `data.iowa` minus
                        // `electricity`: such a name is written in brackets.
                        let hyphened = keys
                        .iter()
                        .find(|key| key.starts_with(&format!("{field}-")))
                        .map(|key| format!("a name with a hyphen is written in brackets: {parent}[\"{key}\"]; "));
                        return Some(Unknown {
                            at: 0,
                            message: format!("`{parent}` has no field `{field}`"),
                            help: format!(
                                "{}expected one of its fields: {}",
                                hyphened.unwrap_or_else(|| did_you_mean(field, &keys)),
                                listed(&keys)
                            ),
                        });
                    }
                }
            }
            // A null figure guards itself (`{% if projection %}`); lists
            // are read by index or in loops; nothing else has fields.
            _ => return None,
        }
    }
    None
}

/// "did you mean `rank`? " when one of `known` is a slip of the keys from
/// `name` (two edits at most), else nothing.
fn did_you_mean(name: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!("did you mean `{k}`? "))
        .unwrap_or_default()
}

/// `keys` for a message: at most 30 of them.
fn listed(keys: &[&str]) -> String {
    if keys.len() > 30 {
        format!("{}, …", keys[..30].join(", "))
    } else {
        keys.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> serde_json::Value {
        serde_json::json!({
            "ytd": {"people": 10, "rank": 2, "year": 2026},
            "projection": null,
            "pilot": {"started": true, "starts": "2025-08-06"},
            "data": {"counts": {"rows": [], "title": "Counts"}, "iowa-power": {"rows": []}},
            "brief": {"slug": "b"},
        })
    }

    fn unknown(body: &str) -> Option<String> {
        let context = context();
        let names = context.as_object().unwrap();
        first_unknown(body, &[names]).map(|u| format!("{} @{}: {}", u.message, u.at, u.help))
    }

    #[test]
    fn a_misspelt_field_in_a_condition_or_before_a_filter_is_found() {
        let u = unknown("Text {% if ytd.rnak == 1 %}a{% endif %}").unwrap();
        assert!(u.starts_with("`ytd` has no field `rnak` @11"), "{u}");
        assert!(
            u.contains("did you mean `rank`? expected one of its fields: people, rank, year"),
            "{u}"
        );
        assert!(unknown("{{ ytd.peple | thousands(decimals=1) }}").is_some());
        assert!(
            unknown("{% if ytdd %}x{% endif %}")
                .unwrap()
                .starts_with("`ytdd` is not a name")
        );
        assert!(unknown("{{ pilot.strts | uk_date }}").is_some());
        // A table named with a hyphen: the dotted form is caught, and the
        // message gives the bracketed one, which passes.
        let u = unknown("{{ data.iowa-power | count }}").unwrap();
        assert!(
            u.contains("a name with a hyphen is written in brackets: data[\"iowa-power\"]"),
            "{u}"
        );
        assert_eq!(unknown("{{ data[\"iowa-power\"] | count }}"), None);
        assert!(unknown("{{ data[\"iowa-powr\"] | count }}").is_some());
        assert!(unknown("{{ data['counts'].rows | length }}").is_none());
        assert!(unknown("{{ data['counts'].rowz | length }}").is_some());
    }

    #[test]
    fn names_the_brief_makes_filters_arguments_tests_and_guards_pass() {
        for body in [
            "{{ ytd.people | thousands(decimals=1) }} {{ ytd.rank | rank_words }}",
            "{% if projection %}{{ projection.central | about }}{% endif %}",
            "{% if projection.central is defined %}x{% endif %}",
            "{% if pilot is defined and pilot.started %}x{% endif %}",
            "{% if ytd.rank is odd %}x{% endif %}{% if projection is none %}y{% endif %}",
            "{% set t = data.counts %}{{ t.title }}{{ t.anything }}",
            "{% for r in data.counts.rows %}{{ r.x }}{{ loop.index }}{% endfor %}",
            "{{ chart(name=\"line\", data=data.counts, x=\"month\", y=[\"a\", \"b\"]) }}",
            "{{ 'ytd.nope' }} {{ 1.5 }} {# ytd.nope #} {{ ytd.people * 1.5 }}",
            "{{ data.counts.rows[0].nope }} {{ (ytd.people + 1) }}",
            "{% if not ytd.rank == 1 %}x{% elif ytd.year > 2020 %}y{% endif %}",
            "{{ chart(name=\"cumulative\", title=\"a \\\"q\\\" b\") }}",
            "{% component rec(n) %}{{ n }}{{ <rec n={n + 1} /> }}{% endcomponent rec %}",
            "{% raw %}{{ not.a.name }}{% endraw %} {{ ytd.year }}",
        ] {
            assert_eq!(unknown(body), None, "{body}");
        }
    }
}
