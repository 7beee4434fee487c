//! English for numbers in prose and chart titles: ordinals and ranks. Shared
//! by the charts and the template filters so both say it the same way.

/// `1st`, `2nd`, `3rd`, `11th`, `22nd`.
pub fn ordinal_figure(n: i64) -> String {
    let suffix = match (n.rem_euclid(10), n.rem_euclid(100)) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `first` to `tenth` in words, figures after that (`11th`).
pub fn ordinal_word(n: i64) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    match n {
        1..=10 => WORDS[(n - 1) as usize].to_string(),
        _ => ordinal_figure(n),
    }
}

/// A rank as prose: `(1, "highest")` → `the highest`, `(2, "highest")` →
/// `the second-highest`.
pub fn rank_phrase(rank: i64, adjective: &str) -> String {
    match rank {
        1 => format!("the {adjective}"),
        n => format!("the {}-{adjective}", ordinal_word(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_ranks() {
        assert_eq!(ordinal_figure(1), "1st");
        assert_eq!(ordinal_figure(12), "12th");
        assert_eq!(ordinal_figure(22), "22nd");
        assert_eq!(ordinal_figure(113), "113th");
        assert_eq!(ordinal_word(3), "third");
        assert_eq!(ordinal_word(11), "11th");
        assert_eq!(rank_phrase(1, "highest"), "the highest");
        assert_eq!(rank_phrase(5, "highest"), "the fifth-highest");
        assert_eq!(rank_phrase(2, "lowest"), "the second-lowest");
    }
}
