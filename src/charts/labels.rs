//! Where labels go: kept apart, wrapped to a width, given room, and given
//! ids a page can hold twice.

use std::sync::{Arc, Mutex};

use super::style::{Theme, widest};

/// An id prefix from the chart name: ASCII letters, digits and `-` only.
pub fn id_prefix(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        s.push_str("chart");
    }
    format!("chart-{s}")
}

/// A label that wants to sit at `y` (its vertical centre), spanning
/// `[x0, x1]` horizontally.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelWant {
    pub x0: i32,
    pub x1: i32,
    pub y: i32,
}

/// Places labels so that no two that overlap horizontally are closer than
/// `gap` vertically, keeping them within `[top, bottom]` and as close to
/// where they want to be as possible. Returns the placed centre y of each
/// label, in input order. Deterministic: ties break by input order.
pub fn place_labels(wants: &[LabelWant], gap: i32, top: i32, bottom: i32) -> Vec<i32> {
    let n = wants.len();
    let mut placed: Vec<i32> = wants.iter().map(|w| w.y).collect();
    if n == 0 {
        return placed;
    }
    // Group labels whose horizontal extents overlap (transitively).
    let mut group: Vec<usize> = (0..n).collect();
    fn find(g: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while g[r] != r {
            r = g[r];
        }
        let mut j = i;
        while g[j] != r {
            let next = g[j];
            g[j] = r;
            j = next;
        }
        r
    }
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (wants[i], wants[j]);
            if a.x0 <= b.x1 && b.x0 <= a.x1 {
                let (ri, rj) = (find(&mut group, i), find(&mut group, j));
                if ri != rj {
                    let (lo, hi) = if ri < rj { (ri, rj) } else { (rj, ri) };
                    group[hi] = lo;
                }
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| find(&mut group, i)).collect();
    let mut done = vec![false; n];
    for r in 0..n {
        if done[r] {
            continue;
        }
        let mut members: Vec<usize> = (0..n).filter(|&i| roots[i] == roots[r]).collect();
        for &m in &members {
            done[m] = true;
        }
        members.sort_by_key(|&i| (wants[i].y, i));
        let ys = spread(
            &members.iter().map(|&i| wants[i].y).collect::<Vec<_>>(),
            gap,
            top,
            bottom,
        );
        for (k, &i) in members.iter().enumerate() {
            placed[i] = ys[k];
        }
    }
    placed
}

/// Spreads sorted positions apart by at least `gap`, within bounds, by
/// merging overlapping clusters and centring each cluster on the mean of
/// what its members want.
fn spread(want: &[i32], gap: i32, top: i32, bottom: i32) -> Vec<i32> {
    // Each cluster: (first index, count, start position).
    let mut clusters: Vec<(usize, usize, f64)> = Vec::new();
    for (i, &w) in want.iter().enumerate() {
        clusters.push((i, 1, w as f64));
        loop {
            let len = clusters.len();
            if len < 2 {
                break;
            }
            let (a_i, a_n, a_s) = clusters[len - 2];
            let (_, b_n, b_s) = clusters[len - 1];
            if a_s + (a_n as f64) * gap as f64 > b_s {
                let n = a_n + b_n;
                let mean: f64 =
                    want[a_i..a_i + n].iter().map(|&v| v as f64).sum::<f64>() / n as f64;
                let start = mean - (n as f64 - 1.0) * gap as f64 / 2.0;
                clusters.pop();
                clusters.pop();
                clusters.push((a_i, n, start));
            } else {
                break;
            }
        }
    }
    let mut out: Vec<i32> = Vec::with_capacity(want.len());
    for (_, n, s) in &clusters {
        for k in 0..*n {
            out.push((s + (k as f64) * gap as f64).round() as i32);
        }
    }
    // Keep inside the bounds: push down from the top, then up from the bottom.
    for i in 0..out.len() {
        let min = if i == 0 { top } else { out[i - 1] + gap };
        if out[i] < min {
            out[i] = min;
        }
    }
    for i in (0..out.len()).rev() {
        let max = if i + 1 == out.len() {
            bottom
        } else {
            out[i + 1] - gap
        };
        if out[i] > max {
            out[i] = max;
        }
    }
    out
}

/// A chart's source line ("Source: Home Office, …"), with its wrapping
/// kept for each width it is drawn at. Every chart wraps its source line
/// twice (to make room, then to draw it), and the charts of a set share one
/// source line, so the set's copies share what was wrapped (a clone is a
/// handle to the same line).
#[derive(Debug, Clone, Default)]
pub struct SourceLine(Arc<Wrapped>);

/// The text of a [`SourceLine`] and its wrappings so far.
#[derive(Debug, Default)]
struct Wrapped {
    text: String,
    /// Lines by font size and width: a chart set draws at two widths.
    lines: Mutex<Vec<(WrapKey, Arc<[String]>)>>,
}

/// The font size and the width a line is wrapped to.
type WrapKey = (u32, i32);

impl SourceLine {
    /// The line as written.
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// The line wrapped as a chart drawn with `theme` shows it.
    pub fn lines(&self, theme: &Theme) -> Arc<[String]> {
        let key = (theme.source_size, theme.width as i32 - 16);
        // Entries are pushed whole: a panic elsewhere leaves none half-made.
        let mut kept = self.0.lines.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, lines)) = kept.iter().find(|(k, _)| *k == key) {
            return Arc::clone(lines);
        }
        let lines: Arc<[String]> = wrap(&self.0.text, key.0, key.1).into();
        kept.push((key, Arc::clone(&lines)));
        lines
    }
}

impl From<String> for SourceLine {
    fn from(text: String) -> Self {
        SourceLine(Arc::new(Wrapped {
            text,
            lines: Mutex::default(),
        }))
    }
}

impl From<&str> for SourceLine {
    fn from(text: &str) -> Self {
        SourceLine::from(text.to_string())
    }
}

impl PartialEq for SourceLine {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Display for SourceLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Splits `text` into lines no wider than `max_px` at `px` (by estimate).
pub fn wrap(text: &str, px: u32, max_px: i32) -> Vec<String> {
    // Widths are by characters (see `text_width`), so a line's is counted
    // as it grows instead of measured again for every word.
    let width_of = |chars: usize| ((chars as i64 * i64::from(px) * 6 + 9) / 10) as i32;
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_chars = 0;
    for word in unbroken_words(text) {
        let word = word.as_str();
        let word_chars = word.chars().count();
        if cur.is_empty() {
            cur.push_str(word);
            cur_chars = word_chars;
        } else if width_of(cur_chars + 1 + word_chars) > max_px {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
            cur_chars = word_chars;
        } else {
            cur.push(' ');
            cur.push_str(word);
            cur_chars += 1 + word_chars;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The words of `text`, a date ("21 August 2026") kept as one: a line
/// never breaks inside it.
fn unbroken_words(text: &str) -> Vec<String> {
    let is_day = |w: &str| w.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d));
    let is_month = |w: &str| {
        let w = w.trim_end_matches([',', ')', '.', ';']);
        crate::text::MONTH_NAMES.contains(&w) || crate::text::MONTHS.contains(&w)
    };
    let is_year = |w: &str| {
        let w = w.trim_end_matches([',', ')', '.', ';']);
        w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit())
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let mut word = words[i].to_string();
        let month_follows = words.get(i + 1).is_some_and(|w| is_month(w));
        if is_day(words[i].trim_start_matches('(')) && month_follows {
            word.push(' ');
            word.push_str(words[i + 1]);
            i += 1;
            let plain_month = !words[i].ends_with([',', ')', '.', ';']);
            if plain_month && words.get(i + 1).is_some_and(|w| is_year(w)) {
                word.push(' ');
                word.push_str(words[i + 1]);
                i += 1;
            }
        }
        out.push(word);
        i += 1;
    }
    out
}

/// Height the source block needs (same computation as [`source_block`]).
pub fn source_height(theme: &Theme, source: &SourceLine) -> i32 {
    let lines = source.lines(theme);
    6 + lines.len() as i32 * theme.line_height(theme.source_size)
}

/// Width the right margin needs for end labels.
/// Bold text is about a tenth wider, so the room allows for that.
pub fn end_label_room(theme: &Theme, texts: &[String]) -> i32 {
    let lines: Vec<String> = texts
        .iter()
        .flat_map(|t| t.lines().map(str::to_string))
        .collect();
    widest(&lines, theme.label_size) * 11 / 10 + theme.label_gap + 12
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::style::text_width;

    #[test]
    fn labels_do_not_overlap() {
        let wants = [
            LabelWant {
                x0: 700,
                x1: 740,
                y: 300,
            },
            LabelWant {
                x0: 700,
                x1: 740,
                y: 302,
            },
            LabelWant {
                x0: 700,
                x1: 740,
                y: 305,
            },
            LabelWant {
                x0: 100,
                x1: 140,
                y: 301,
            },
        ];
        let ys = place_labels(&wants, 16, 10, 400);
        let mut right: Vec<i32> = ys[..3].to_vec();
        right.sort();
        assert!(right[1] - right[0] >= 16 && right[2] - right[1] >= 16);
        // The label far away horizontally is left alone.
        assert_eq!(ys[3], 301);
        // Bounds hold.
        let ys = place_labels(&wants[..3], 16, 10, 310);
        assert!(ys.iter().all(|&y| y <= 310));
        let ys = place_labels(&wants[..3], 16, 295, 600);
        assert!(ys.iter().all(|&y| y >= 295));
    }

    #[test]
    fn wrapping_counts_widths_as_measuring_each_line_would() {
        assert_eq!(wrap("aa bb cc", 10, 30), vec!["aa bb", "cc"]);
        // A date is never broken across lines.
        let source = "Source: Home Office, Migrants detected (released 21 August 2026)";
        for max in 100..500 {
            let lines = wrap(source, 12, max);
            assert!(
                lines
                    .iter()
                    .all(|l| !l.ends_with(" 21") && !l.ends_with("(released 21")),
                "{max}: {lines:?}"
            );
            assert!(
                lines.iter().any(|l| l.contains("21 August 2026)")),
                "{max}: {lines:?}"
            );
        }
        assert_eq!(
            unbroken_words("released 5 June 2020, 3 pm"),
            ["released", "5 June 2020,", "3", "pm"]
        );
        // The way lines were wrapped before widths were counted (dates
        // kept whole as they are now).
        fn measured(text: &str, px: u32, max_px: i32) -> Vec<String> {
            let mut lines: Vec<String> = Vec::new();
            let mut cur = String::new();
            for word in unbroken_words(text) {
                let word = word.as_str();
                let cand = if cur.is_empty() {
                    word.to_string()
                } else {
                    format!("{cur} {word}")
                };
                if text_width(&cand, px) > max_px && !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                    cur = word.to_string();
                } else {
                    cur = cand;
                }
            }
            if !cur.is_empty() {
                lines.push(cur);
            }
            lines
        }
        let texts = [
            "Source: Home Office, Migrants detected crossing the English Channel in small boats (released 21 August 2026)",
            "  spaced   out\twords\nand lines ",
            "a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh",
            "naïve café – “quoted” words, ’25 and ’26",
            "averyveryverylongwordthatfitsnowhere short",
            "",
        ];
        for text in texts {
            for px in [1, 7, 12, 13, 14] {
                for max_px in [-1, 0, 5, 30, 77, 200, 344, 784] {
                    assert_eq!(
                        wrap(text, px, max_px),
                        measured(text, px, max_px),
                        "{text:?} at {px} px in {max_px}"
                    );
                }
            }
        }
    }
}
