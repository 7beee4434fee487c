//! The choices a brief's body makes with `{% if %}` … `{% elif %}` …
//! `{% else %}` … `{% endif %}`, and which arm each takes with a set of
//! figures: a data change whose numbers are right can still switch a
//! sentence ("a record for that point in the year" → "the second-highest
//! total"), and `brief diff` names those first.

use serde::Serialize;

use super::templates::Engine;

/// One `{% if %}` … `{% endif %}` block of a brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The arms in order: each `if` and `elif` with its condition, then
    /// the `else`, if any.
    pub arms: Vec<Arm>,
}

/// One arm of a choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arm {
    /// The line of its tag in the brief's file.
    pub line: usize,
    /// Its condition as written (`ytd.rank == 1`); none for `else`.
    pub condition: Option<String>,
    /// The template text it guards, on one line, shortened when long.
    pub text: String,
}

/// Which arm a choice took with a set of figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Taken {
    /// The arm at this index.
    Arm(usize),
    /// No condition held and there is no `else`.
    Nothing,
    /// A condition could not be evaluated alone (it reads a loop variable,
    /// say): the choice is left out of the comparison.
    Unknown,
}

/// The choices of `body`, a brief's body whose first line is line
/// `line_offset + 1` of its file. Choices inside other choices are listed
/// too, after the choice that holds them.
pub fn choices(body: &str, line_offset: usize) -> Vec<Choice> {
    // Each open block: its arms so far, where the open arm's text starts,
    // and where its `if` is (the order choices are listed in).
    let mut open: Vec<(Vec<Arm>, usize, usize)> = Vec::new();
    let mut done: Vec<(usize, Choice)> = Vec::new();
    for tag in tags(body) {
        let line = line_offset + 1 + body[..tag.start].matches('\n').count();
        let (keyword, rest) = tag
            .inner
            .split_once(char::is_whitespace)
            .unwrap_or((tag.inner, ""));
        let close_arm = |open: &mut Vec<(Vec<Arm>, usize, usize)>| {
            if let Some((arms, from, _)) = open.last_mut()
                && let Some(arm) = arms.last_mut()
            {
                arm.text = one_line(&body[*from..tag.start]);
            }
        };
        match keyword {
            "if" => open.push((vec![arm(line, Some(rest))], tag.end, tag.start)),
            "elif" | "else" => {
                close_arm(&mut open);
                if let Some((arms, from, _)) = open.last_mut() {
                    let condition = (keyword == "elif").then_some(rest);
                    arms.push(arm(line, condition));
                    *from = tag.end;
                }
            }
            "endif" => {
                close_arm(&mut open);
                if let Some((arms, _, at)) = open.pop() {
                    done.push((at, Choice { arms }));
                }
            }
            _ => {}
        }
    }
    // Listed in the order their `if`s come in the brief.
    done.sort_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, choice)| choice).collect()
}

fn arm(line: usize, condition: Option<&str>) -> Arm {
    Arm {
        line,
        condition: condition.map(|c| c.trim().to_string()),
        text: String::new(),
    }
}

/// A `{% … %}` tag: where it starts and ends in the body, and its words.
struct Tag<'a> {
    start: usize,
    end: usize,
    inner: &'a str,
}

/// The body's tags in order (`{%-` and `-%}` trim whitespace; the words
/// are the same).
fn tags(body: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = body[at..].find("{%").map(|i| at + i) {
        let Some(close) = body[open..].find("%}").map(|i| open + i) else {
            break;
        };
        let inner = body[open + 2..close]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        out.push(Tag {
            start: open,
            end: close + 2,
            inner,
        });
        at = close + 2;
    }
    out
}

/// `text` on one line, at most about 120 characters.
fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= 120 {
        return line;
    }
    let cut: String = line.chars().take(117).collect();
    format!("{}…", cut.trim_end())
}

/// Which arm `choice` takes, given `holds`, which says whether a condition
/// holds (`None` when it cannot be told).
pub fn taken(choice: &Choice, holds: impl Fn(&str) -> Option<bool>) -> Taken {
    for (i, arm) in choice.arms.iter().enumerate() {
        match &arm.condition {
            None => return Taken::Arm(i),
            Some(condition) => match holds(condition) {
                Some(true) => return Taken::Arm(i),
                Some(false) => {}
                None => return Taken::Unknown,
            },
        }
    }
    Taken::Nothing
}

/// Whether `condition` holds with `context`, told by a template of the
/// condition alone; `None` when it cannot be told so (it reads a loop's
/// variable, say).
pub fn holds(engine: &Engine, condition: &str, context: &tera::Context) -> Option<bool> {
    let test = format!("{{% if {condition} %}}1{{% else %}}0{{% endif %}}");
    match engine.tera.render_str(&test, context, false).ok()?.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// The figures a condition reads: its dotted names (`ytd.rank`), without
/// Tera's own words.
pub fn figures_read(condition: &str) -> Vec<String> {
    const WORDS: [&str; 11] = [
        "and",
        "or",
        "not",
        "is",
        "in",
        "none",
        "true",
        "false",
        "defined",
        "undefined",
        "null",
    ];
    let mut names: Vec<String> = condition
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| w.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .filter(|w| !WORDS.contains(w))
        .map(|w| w.trim_end_matches('.').to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Intro {{ ytd.people }}.\n\
{% if ytd.rank == 1 %}\n\
That is a record for that point in the year.\n\
{% elif ytd.rank == 2 %}\n\
That is the second-highest total for that point in the year.\n\
{%- else -%}\n\
That is below the record.\n\
{% endif %}\n\
{% if projection %}A projection{% if projection.high > 40000 %}, and a high one{% endif %}.{% endif %}\n";

    #[test]
    fn a_bodys_choices_are_found_with_their_lines_and_texts() {
        let found = choices(BODY, 5);
        assert_eq!(found.len(), 3);
        let first = &found[0];
        assert_eq!(
            first.arms.iter().map(|a| a.line).collect::<Vec<_>>(),
            [7, 9, 11]
        );
        assert_eq!(first.arms[0].condition.as_deref(), Some("ytd.rank == 1"));
        assert_eq!(
            first.arms[0].text,
            "That is a record for that point in the year."
        );
        assert_eq!(first.arms[2].condition, None);
        assert_eq!(first.arms[2].text, "That is below the record.");
        // The outer choice of the last line, then the one inside it.
        assert_eq!(found[1].arms[0].condition.as_deref(), Some("projection"));
        assert!(found[1].arms[0].text.starts_with("A projection{% if"));
        assert_eq!(found[2].arms[0].text, ", and a high one");
    }

    #[test]
    fn the_arm_taken_is_the_first_whose_condition_holds() {
        let choice = &choices(BODY, 0)[0];
        let rank = |r: i32| {
            move |c: &str| match c {
                "ytd.rank == 1" => Some(r == 1),
                "ytd.rank == 2" => Some(r == 2),
                _ => None,
            }
        };
        assert_eq!(taken(choice, rank(1)), Taken::Arm(0));
        assert_eq!(taken(choice, rank(2)), Taken::Arm(1));
        assert_eq!(taken(choice, rank(5)), Taken::Arm(2));
        assert_eq!(taken(choice, |_| None), Taken::Unknown);
        let no_else = &choices(BODY, 0)[2];
        assert_eq!(taken(no_else, |_| Some(false)), Taken::Nothing);
    }

    #[test]
    fn a_condition_reads_its_dotted_names() {
        assert_eq!(
            figures_read("ytd.rank == 1 and projection.high is not none"),
            ["projection.high", "ytd.rank"]
        );
        assert_eq!(figures_read("pilot.started"), ["pilot.started"]);
        assert!(figures_read("1 > 0").is_empty());
    }
}
