//! Template filters for the forms numbers and dates take in prose:
//! `15,897`, `8.8%`, `20 August 2026`, "some 21,000", "the second-highest".

use jiff::civil::Date;
use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use crate::text::fmt_num;

/// Registers every filter on `tera`.
pub fn register(tera: &mut Tera) {
    tera.register_filter("thousands", thousands);
    tera.register_filter("pct", pct);
    tera.register_filter("uk_date", uk_date);
    tera.register_filter("about", about);
    tera.register_filter("rank_words", rank_words);
    tera.register_filter("ordinal", ordinal);
    tera.register_filter("signed", signed);
    tera.register_filter("in_words", in_words);
}

/// Refuses any argument of `filter` not in `known`: a misspelt option
/// (`thousands(decimal=1)`) would otherwise be ignored.
pub(super) fn known_arguments(kwargs: &Kwargs, filter: &str, known: &[&str]) -> TeraResult<()> {
    for (key, _) in kwargs.iter() {
        let name = key.as_str().unwrap_or_default();
        if !known.contains(&name) {
            let takes = match known {
                [] => "it takes none".to_string(),
                _ => format!("it takes {}", known.join(", ")),
            };
            return Err(Error::message(format!(
                "filter `{filter}` has no argument `{name}`; {takes}"
            )));
        }
    }
    Ok(())
}

/// The number in `value`, or an error that names the filter and what it got.
fn number(value: &Value, filter: &str) -> TeraResult<f64> {
    value.as_f64().ok_or_else(|| {
        let found = if value.is_none() {
            "null (the figure is not available for this as-of date)".to_string()
        } else if value.is_undefined() {
            "nothing (is the name spelt as the figure is?)".to_string()
        } else {
            format!("`{value}`")
        };
        Error::message(format!("filter `{filter}` expects a number, found {found}"))
    })
}

/// The whole number in `value`, at least `least`: a rank or an ordinal of
/// 0, −1 or 2.5 would be a false sentence ("the 0th-highest"), so the
/// filter refuses it at the brief's line.
fn whole_number(value: &Value, filter: &str, least: i64) -> TeraResult<i64> {
    let n = number(value, filter)?;
    if n.fract() != 0.0 || n < least as f64 || n > 1.0e15 {
        let range = if least == 0 { "0 or more" } else { "1 or more" };
        return Err(Error::message(format!(
            "filter `{filter}` expects a whole number, {range}, found {}",
            value
        )));
    }
    Ok(n as i64)
}

/// `decimals` from the filter's arguments, at most 6.
fn decimals(kwargs: &Kwargs, default: u8) -> TeraResult<u8> {
    Ok(kwargs
        .get::<i64>("decimals")?
        .map_or(default, |d| d.clamp(0, 6) as u8))
}

/// `{{ 15897 | thousands }}` → `15,897`; `decimals=1` keeps one decimal.
fn thousands(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "thousands", &["decimals"])?;
    Ok(fmt_num(number(value, "thousands")?, decimals(&kwargs, 0)?))
}

/// `{{ 8.8 | pct }}` → `8.8%` (the value is already a percentage).
fn pct(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "pct", &["decimals"])?;
    Ok(format!(
        "{}%",
        fmt_num(number(value, "pct")?, decimals(&kwargs, 1)?)
    ))
}

/// `{{ "2026-08-20" | uk_date }}` → `20 August 2026`; `short=true` → `20 Aug 2026`;
/// `month=true` → `August 2026`. A short date is for tables: its words are
/// joined by no-break spaces, so that a narrow column never splits it.
fn uk_date(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "uk_date", &["short", "month"])?;
    let text = value.as_str().ok_or_else(|| {
        Error::message(format!(
            "filter `uk_date` expects a date as YYYY-MM-DD, found `{value}`"
        ))
    })?;
    let date: Date = text.parse().map_err(|_| {
        Error::message(format!(
            "filter `uk_date` expects a date as YYYY-MM-DD, found `{text}`"
        ))
    })?;
    // `month=true` names the month alone, for monthly data dated the 1st.
    let short = kwargs.get::<bool>("short")?.unwrap_or(false);
    let format = match (kwargs.get::<bool>("month")?.unwrap_or(false), short) {
        (true, true) => "%b %Y",
        (true, false) => "%B %Y",
        (false, true) => "%-d %b %Y",
        (false, false) => "%-d %B %Y",
    };
    let text = date.strftime(format).to_string();
    Ok(if short {
        text.replace(' ', "\u{a0}")
    } else {
        text
    })
}

/// Rounds a count for prose: to the nearest 1,000 from 10,000, 100 from
/// 1,000, 10 from 100; smaller counts are exact. `{{ 21043 | about }}` →
/// `21,000`, so a brief can say "some 21,000". `to=500` sets the step.
fn about(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "about", &["to"])?;
    let n = number(value, "about")?;
    let step = match kwargs.get::<i64>("to")? {
        Some(step) if step > 0 => step as f64,
        _ => prose_step(n),
    };
    Ok(fmt_num((n / step).round() * step, 0))
}

/// The rounding step for a count of `n` in prose.
pub fn prose_step(n: f64) -> f64 {
    match n.abs() {
        x if x >= 10_000.0 => 1_000.0,
        x if x >= 1_000.0 => 100.0,
        x if x >= 100.0 => 10.0,
        _ => 1.0,
    }
}

/// `{{ 1 | ordinal }}` → `first`; `{{ 12 | ordinal }}` → `12th`.
fn ordinal(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "ordinal", &[])?;
    Ok(crate::words::ordinal_word(whole_number(
        value, "ordinal", 1,
    )?))
}

/// A rank as prose: `1` → `the highest`, `2` → `the second-highest`.
/// `word="lowest"` changes the adjective.
fn rank_words(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "rank_words", &["word"])?;
    let rank = whole_number(value, "rank_words", 1)?;
    let word = kwargs
        .get::<String>("word")?
        .unwrap_or_else(|| "highest".into());
    Ok(crate::words::rank_phrase(rank, &word))
}

/// A change with its sign: `3.24` → `+3.2`, `-3.24` → `−3.2` (true minus).
fn signed(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "signed", &["decimals"])?;
    let n = number(value, "signed")?;
    let text = fmt_num(n, decimals(&kwargs, 1)?);
    Ok(
        if n > 0.0 && text.chars().any(|c| ('1'..='9').contains(&c)) {
            format!("+{text}")
        } else {
            text
        },
    )
}

/// Whole numbers up to ten in words, as house style asks: `3` → `three`.
fn in_words(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    known_arguments(&kwargs, "in_words", &[])?;
    const WORDS: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let n = whole_number(value, "in_words", 0)?;
    Ok(match n {
        0..=10 => WORDS[n as usize].to_string(),
        _ => fmt_num(n as f64, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> String {
        let mut tera = Tera::new();
        register(&mut tera);
        tera.add_raw_template("t", template).unwrap();
        tera.render("t", &tera::Context::new()).unwrap()
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(render("{{ 15897 | thousands }}"), "15,897");
        assert_eq!(render("{{ 299 | thousands }}"), "299");
        assert_eq!(
            render("{{ 1234567.891 | thousands(decimals=1) }}"),
            "1,234,567.9"
        );
        assert_eq!(render("{{ -45755 | thousands }}"), "−45,755");
        assert_eq!(render("{{ 45755.6 | thousands }}"), "45,756");
        assert_eq!(fmt_num(-0.0, 0), "0");
        assert_eq!(fmt_num(-0.4, 0), "0");
        assert_eq!(fmt_num(1.0e15, 0), "1,000,000,000,000,000");
    }

    #[test]
    fn percentages_keep_one_decimal() {
        assert_eq!(render("{{ 8.8 | pct }}"), "8.8%");
        assert_eq!(render("{{ 100 | pct }}"), "100.0%");
        assert_eq!(render("{{ 12.34 | pct(decimals=0) }}"), "12%");
    }

    #[test]
    fn uk_dates() {
        assert_eq!(render("{{ '2026-08-20' | uk_date }}"), "20 August 2026");
        assert_eq!(
            render("{{ '2025-07-09' | uk_date(short=true) }}"),
            "9\u{a0}Jul\u{a0}2025"
        );
        assert_eq!(
            render("{{ '2020-04-01' | uk_date(month=true) }}"),
            "April 2020"
        );
        assert_eq!(
            render("{{ '2020-04-01' | uk_date(month=true, short=true) }}"),
            "Apr\u{a0}2020"
        );
    }

    #[test]
    fn counts_rounded_for_prose() {
        assert_eq!(render("{{ 21043 | about }}"), "21,000");
        assert_eq!(render("{{ 15897 | about }}"), "16,000");
        assert_eq!(render("{{ 1843 | about }}"), "1,800");
        assert_eq!(render("{{ 913 | about }}"), "910");
        assert_eq!(render("{{ 42 | about }}"), "42");
        assert_eq!(render("{{ 41472 | about(to=5000) }}"), "40,000");
    }

    #[test]
    fn ranks_and_ordinals_in_words() {
        assert_eq!(render("{{ 1 | rank_words }}"), "the highest");
        assert_eq!(render("{{ 2 | rank_words }}"), "the second-highest");
        assert_eq!(
            render("{{ 3 | rank_words(word='lowest') }}"),
            "the third-lowest"
        );
        assert_eq!(render("{{ 12 | ordinal }}"), "12th");
        assert_eq!(render("{{ 22 | ordinal }}"), "22nd");
        assert_eq!(render("{{ 3 | in_words }}"), "three");
    }

    #[test]
    fn ranks_ordinals_and_words_refuse_what_would_be_false() {
        let mut tera = Tera::new();
        register(&mut tera);
        for template in [
            "{{ 0 | rank_words }}",
            "{{ -1 | ordinal }}",
            "{{ 2.5 | in_words }}",
            "{{ 1.5 | rank_words }}",
            "{{ -3 | in_words }}",
            "{{ 0 | ordinal }}",
        ] {
            let err = tera.render_str(template, &tera::Context::new(), false);
            let text = format!("{:?}", err.unwrap_err());
            assert!(
                text.contains("expects a whole number"),
                "{template}: {text}"
            );
        }
        assert_eq!(render("{{ 0 | in_words }}"), "zero");
        assert_eq!(render("{{ 42 | in_words }}"), "42");
        assert_eq!(render("{{ 3.0 | ordinal }}"), "third");
    }

    #[test]
    fn signed_changes() {
        assert_eq!(render("{{ 3.24 | signed }}"), "+3.2");
        assert_eq!(render("{{ -3.24 | signed }}"), "−3.2");
        assert_eq!(render("{{ 0.01 | signed }}"), "0.0");
    }

    #[test]
    fn a_null_figure_says_why() {
        let mut tera = Tera::new();
        register(&mut tera);
        tera.add_raw_template("t", "{{ x | thousands }}").unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("x", &Option::<u64>::None);
        let err = format!("{:?}", tera.render("t", &ctx).unwrap_err());
        assert!(err.contains("not available"), "{err}");
    }
}
