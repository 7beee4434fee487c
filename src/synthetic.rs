//! A synthetic site of N briefs for benchmarks: realistic length (paragraphs,
//! a table, several figures) and three charts each. The charts differ from
//! brief to brief in their data as well as their titles — which kinds a brief
//! places, the years they show (`from=`, `to=`, both, or a `years=[…]` list)
//! and the year a cumulative chart picks out — all chosen from the brief's
//! number by a fixed hash, so a site is the same for a given N on every
//! machine. The year sets come from a small catalogue (contiguous ranges and
//! a few fixed lists), as on a real site, so however large N is there are a
//! bounded number of distinct data selections (kind and years) for the
//! charts' data to be shared between, while no two briefs share a drawing.

use std::ops::RangeInclusive;
use std::path::Path;

use crate::error::{Error, Result};
use crate::project::Project;
use crate::site::{self, BuildOptions};

/// The years of the bundled data (to 20 August 2026) each kind can show:
/// complete calendar years for the annual kinds, every year of the series
/// for the cumulative chart, and for the backtest the complete years with
/// `reference_years` (3) complete years before them.
const ANNUAL_YEARS: RangeInclusive<i16> = 2018..=2025;
const CUMULATIVE_YEARS: RangeInclusive<i16> = 2018..=2026;
const BACKTEST_YEARS: RangeInclusive<i16> = 2021..=2025;

/// The fixed `years=[…]` lists, besides the contiguous ranges, of each kind.
const ANNUAL_LISTS: &[&[i16]] = &[
    &[2018, 2020, 2022, 2024],
    &[2019, 2021, 2023, 2025],
    &[2020, 2025],
    &[2022, 2023, 2024, 2025],
];
const CUMULATIVE_LISTS: &[&[i16]] = &[
    &[2018, 2022, 2026],
    &[2024, 2025, 2026],
    &[2019, 2021, 2023, 2025],
    &[2020, 2026],
    &[2022, 2024],
];
const BACKTEST_LISTS: &[&[i16]] = &[&[2021, 2023, 2025], &[2022, 2024], &[2021, 2025]];

/// The annual kinds, which take the same options.
const ANNUAL_KINDS: [&str; 3] = ["annual-arrivals", "annual-boats", "people-per-boat"];

/// A number below `n` chosen by brief `i` for the choice `salt`: a fixed
/// hash (SplitMix64's), the same on every machine and in every run.
fn pick(i: usize, salt: u64, n: usize) -> usize {
    let mut z = (i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % n as u64) as usize
}

/// Which years a chart of a kind with years is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Years {
    /// No option: every year the kind has.
    All,
    /// `from=Y`.
    From(i16),
    /// `to=Y`.
    To(i16),
    /// `from=A, to=B`.
    Range(i16, i16),
    /// `years=[…]`.
    List(&'static [i16]),
}

impl Years {
    /// Brief `i`'s choice, by `salt`, among the years of a kind that has
    /// `available` and the fixed `lists`: always at least two years.
    fn pick(
        i: usize,
        salt: u64,
        available: RangeInclusive<i16>,
        lists: &[&'static [i16]],
    ) -> Years {
        let (lo, hi) = (*available.start(), *available.end());
        let span = (hi - lo) as usize;
        match pick(i, salt, 10) {
            0 => Years::All,
            1 | 2 => Years::From(lo + pick(i, salt + 1, span) as i16),
            3 | 4 => Years::To(lo + 1 + pick(i, salt + 1, span) as i16),
            5..=7 => {
                let from = lo + pick(i, salt + 1, span) as i16;
                let to = from + 1 + pick(i, salt + 2, (hi - from) as usize) as i16;
                Years::Range(from, to)
            }
            _ => Years::List(lists[pick(i, salt + 1, lists.len())]),
        }
    }

    /// The years shown, of those `available`.
    fn resolve(self, available: RangeInclusive<i16>) -> Vec<i16> {
        available
            .filter(|y| match self {
                Years::All => true,
                Years::From(f) => *y >= f,
                Years::To(t) => *y <= t,
                Years::Range(f, t) => (f..=t).contains(y),
                Years::List(list) => list.contains(y),
            })
            .collect()
    }

    /// The options of `chart()`, each after ", ".
    fn options(self) -> String {
        match self {
            Years::All => String::new(),
            Years::From(f) => format!(", from={f}"),
            Years::To(t) => format!(", to={t}"),
            Years::Range(f, t) => format!(", from={f}, to={t}"),
            Years::List(list) => format!(", years={list:?}"),
        }
    }

    /// The years in words, for a title.
    fn describe(self) -> String {
        match self {
            Years::All => "every year".into(),
            Years::From(f) => format!("{f} on"),
            Years::To(t) => format!("to {t}"),
            Years::Range(f, t) => format!("{f} to {t}"),
            Years::List(list) => {
                let (last, rest) = list.split_last().expect("the lists are not empty");
                let rest: Vec<String> = rest.iter().map(i16::to_string).collect();
                format!("{} and {last}", rest.join(", "))
            }
        }
    }
}

/// The years a chart of `kind` can show with the bundled data.
fn years_of(kind: &str) -> RangeInclusive<i16> {
    match kind {
        "cumulative" => CUMULATIVE_YEARS,
        "backtest" => BACKTEST_YEARS,
        _ => ANNUAL_YEARS,
    }
}

/// One chart a synthetic brief places.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SyntheticChart {
    kind: &'static str,
    /// For the kinds with years.
    years: Option<Years>,
    /// For the cumulative chart: one of the years shown.
    highlight: Option<i16>,
    title: String,
}

impl SyntheticChart {
    /// The call as the brief writes it.
    fn call(&self) -> String {
        let years = self.years.map(Years::options).unwrap_or_default();
        let highlight = self
            .highlight
            .map(|h| format!(", highlight={h}"))
            .unwrap_or_default();
        format!(
            "{{{{ chart(name=\"{}\"{years}{highlight}, title=\"{}\") }}}}",
            self.kind, self.title
        )
    }
}

/// A cumulative chart for brief `i`, its years chosen by `salt`.
fn cumulative(i: usize, salt: u64) -> SyntheticChart {
    let available = years_of("cumulative");
    let years = Years::pick(i, salt, available.clone(), CUMULATIVE_LISTS);
    let shown = years.resolve(available);
    let highlight = shown[pick(i, salt + 5, shown.len())];
    SyntheticChart {
        kind: "cumulative",
        years: Some(years),
        highlight: Some(highlight),
        title: format!(
            "Brief {i}: arrivals through the year, {}, {highlight} picked out",
            years.describe()
        ),
    }
}

/// The three charts of brief `i`, in the order it places them: a
/// cumulative chart (or, in one brief of four, the projection), one of the
/// annual charts, and the backtest (or, in one of three, the pilot's
/// returns or another cumulative chart).
fn charts_of(i: usize) -> [SyntheticChart; 3] {
    let first = if pick(i, 1, 4) == 0 {
        SyntheticChart {
            kind: "projection",
            years: None,
            highlight: None,
            title: format!("Brief {i}: where the year may end"),
        }
    } else {
        cumulative(i, 10)
    };
    let kind = ANNUAL_KINDS[pick(i, 2, ANNUAL_KINDS.len())];
    let years = Years::pick(i, 20, years_of(kind), ANNUAL_LISTS);
    let what = match kind {
        "annual-arrivals" => "arrivals",
        "annual-boats" => "boats",
        _ => "people per boat",
    };
    let second = SyntheticChart {
        kind,
        years: Some(years),
        highlight: None,
        title: format!("Brief {i}: {what} by year, {}", years.describe()),
    };
    let third = match pick(i, 3, 6) {
        0 => SyntheticChart {
            kind: "pilot-returns",
            years: None,
            highlight: None,
            title: format!("Brief {i}: the returns pilot so far"),
        },
        // Another cumulative chart, over other years or picking out
        // another year than the first, if that is one.
        1 => (30..)
            .step_by(10)
            .map(|salt| cumulative(i, salt))
            .find(|c| (c.years, c.highlight) != (first.years, first.highlight))
            .expect("some choice differs"),
        _ => {
            let years = Years::pick(i, 40, years_of("backtest"), BACKTEST_LISTS);
            SyntheticChart {
                kind: "backtest",
                years: Some(years),
                highlight: None,
                title: format!(
                    "Brief {i}: how far off past projections were, {}",
                    years.describe()
                ),
            }
        }
    };
    [first, second, third]
}

/// The text of synthetic brief number `i`.
pub fn synthetic_brief(i: usize) -> String {
    let [first, second, third] = charts_of(i).map(|c| c.call());
    let month = 1 + i % 12;
    let day = 1 + (i * 7) % 28;
    format!(
        r#"---
title: Synthetic brief {i}
summary: "Brief {i} of a synthetic site, for benchmarks: figures, a table and three charts."
date: 2026-{month:02}-{day:02}
authors: [Benchmark Desk]
tags: [synthetic]
---
By {{{{ as_of | uk_date }}}}, some {{{{ ytd.people | about }}}} people had crossed the Channel in small boats so far in {{{{ ytd.year }}}}, {{{{ ytd.rank | rank_words }}}} total for that point in the year. This paragraph and the ones below stand in for an analyst's prose; brief {i} was written for the benchmark.

{first}

## The year so far

Exactly {{{{ ytd.people | thousands }}}} people arrived in {{{{ ytd.boats | thousands }}}} boats. {{% if projection %}}If the rest of the year follows recent years, about {{{{ projection.central | about }}}} will have crossed by 31 December, between {{{{ projection.low | thousands }}}} and {{{{ projection.high | thousands }}}}.{{% endif %}}

| Year | People | Boats | People per boat |
|---|---:|---:|---:|
{{% for a in annual %}}| {{{{ a.year }}}} | {{{{ a.people | thousands }}}} | {{{{ a.boats | thousands }}}} | {{{{ a.people_per_boat | thousands(decimals=1) }}}} |
{{% endfor %}}

{second}

## The track record

{{% if backtest.mean_abs_error_pct is not none %}}Past projections made the same way were off by {{{{ backtest.mean_abs_error_pct | pct }}}} on average, against {{{{ backtest.straight_line_mean_abs_error_pct | pct }}}} for straight-line pace.{{% endif %}} {{% if pilot and pilot.started %}}The returns pilot planned {{{{ pilot.planned_returns | thousands }}}} returns, {{{{ pilot.planned_share_pct | pct }}}} of arrivals since it began.{{% endif %}}

{third}

A closing paragraph with a few more words, so that the page is about as long as a short real brief: the figures above come from the data, and the next release changes them all.
"#
    )
}

/// Writes a project of `n` synthetic briefs into `out`: `site.yaml`,
/// `data/` and `templates/` copied from `from` (the bundled project), then
/// `briefs/b00000.md`… With `hugo`, also writes `out/hugo/`: a Hugo site
/// with the same briefs as plain Markdown (figures filled in, charts left
/// out), for a side-by-side benchmark.
pub fn write_synthetic_site(from: &Path, out: &Path, n: usize, hugo: bool) -> Result<()> {
    if out.exists() {
        return Err(Error::in_file(out, "this folder already exists")
            .help("give a new folder for the synthetic site"));
    }
    let source = Project::load(from)?;
    let write = |rel: &str, bytes: &[u8]| -> Result<()> {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, "write", &e))
    };
    for (path, bytes) in &source.inputs {
        if !path.starts_with("briefs/") {
            write(path, bytes)?;
        }
    }
    for i in 0..n {
        write(&format!("briefs/b{i:05}.md"), synthetic_brief(i).as_bytes())?;
    }
    if hugo {
        let project = Project::load(out)?;
        let modelled = site::model(&project, &BuildOptions::default())?;
        let figures = modelled.figures_value()?;
        write(
            "hugo/hugo.toml",
            b"baseURL = \"https://example.org/\"\ntitle = \"Synthetic briefs\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n[markup.goldmark.renderer]\nunsafe = true\n",
        )?;
        write(
            "hugo/layouts/_default/single.html",
            b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n",
        )?;
        write(
            "hugo/layouts/_default/list.html",
            b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
        )?;
        let texts = site::brief_texts(&project, (&figures, None), false)?;
        for brief in texts.iter().filter(|t| t.slug != site::INDEX_TEXT) {
            let page = format!(
                "---\ntitle: \"{}\"\ndate: {}\n---\n{}",
                brief.title.replace('"', "\\\""),
                brief.date,
                brief.markdown
            );
            write(&format!("hugo/content/{}.md", brief.slug), page.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// A chart call's options but its title: what the drawing shows.
    fn options_of(call: &str) -> &str {
        let start = call.find("chart(").expect("a chart call") + "chart(".len();
        let end = call
            .find(", title=")
            .expect("every synthetic chart has a title");
        &call[start..end]
    }

    #[test]
    fn briefs_are_deterministic_and_their_charts_differ() {
        assert_eq!(synthetic_brief(7), synthetic_brief(7));
        assert_eq!(charts_of(7), charts_of(7));
        let n = 100;
        let mut kinds = BTreeSet::new();
        let mut selections = BTreeSet::new();
        let mut drawings = BTreeSet::new();
        let mut highlights = BTreeSet::new();
        let mut calls = BTreeSet::new();
        for i in 0..n {
            let text = synthetic_brief(i);
            let lines: Vec<&str> = text.lines().filter(|l| l.contains("chart(")).collect();
            let charts = charts_of(i);
            assert_eq!(lines.len(), 3, "brief {i}");
            for (line, chart) in lines.iter().zip(&charts) {
                assert_eq!(*line, chart.call(), "brief {i}");
                // Every choice is one the bundled data can draw.
                let available = years_of(chart.kind);
                let shown = chart
                    .years
                    .map(|y| y.resolve(available.clone()))
                    .unwrap_or_default();
                if let Some(years) = chart.years {
                    assert!(shown.len() >= 2, "brief {i}: {line}");
                    if let Years::List(list) = years {
                        assert!(list.iter().all(|y| available.contains(y)), "{line}");
                    }
                }
                if let Some(h) = chart.highlight {
                    assert!(shown.contains(&h), "brief {i}: {line}");
                    highlights.insert(h);
                }
                kinds.insert(chart.kind);
                selections.insert((chart.kind, shown));
                drawings.insert(options_of(line).to_string());
                assert!(
                    calls.insert(line.to_string()),
                    "no two charts alike: {line}"
                );
            }
            assert_ne!(
                options_of(lines[0]),
                options_of(lines[2]),
                "brief {i}'s first and last charts draw differently"
            );
        }
        // Every kind appears, over many choices of years, with every
        // year of the series picked out somewhere…
        let crossings_kinds = crate::charts::CHART_KINDS
            .iter()
            .filter(|k| !k.options.contains(&crate::charts::ChartOption::Data))
            .count();
        assert_eq!(kinds.len(), crossings_kinds, "{kinds:?}");
        assert!(selections.len() >= 50, "{}", selections.len());
        assert_eq!(highlights, CUMULATIVE_YEARS.collect());
        // …and most charts differ from each other in more than their titles.
        assert!(drawings.len() >= 150, "{}", drawings.len());
    }

    #[test]
    fn a_large_site_has_a_bounded_number_of_data_selections() {
        let selections: BTreeSet<(&str, Vec<i16>)> = (0..20_000)
            .flat_map(|i| {
                let charts = charts_of(i);
                let [first, _, last] = &charts;
                assert!(
                    first.kind != last.kind
                        || (first.years, first.highlight) != (last.years, last.highlight),
                    "brief {i} draws the same chart twice"
                );
                charts
            })
            .map(|c| {
                let shown = c
                    .years
                    .map(|y| y.resolve(years_of(c.kind)))
                    .unwrap_or_default();
                (c.kind, shown)
            })
            .collect();
        // Ranges of two years or more and the fixed lists, of each kind.
        let ranges = |r: RangeInclusive<i16>| {
            let n = r.len();
            n * (n - 1) / 2
        };
        let bound = 3 * (ranges(ANNUAL_YEARS) + ANNUAL_LISTS.len())
            + ranges(CUMULATIVE_YEARS)
            + CUMULATIVE_LISTS.len()
            + ranges(BACKTEST_YEARS)
            + BACKTEST_LISTS.len()
            + 2;
        assert!(selections.len() <= bound, "{} > {bound}", selections.len());
        assert!(selections.len() > bound / 2, "{}", selections.len());
    }

    #[test]
    fn a_synthetic_site_builds_against_the_bundled_data() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let n = 150;
        write_synthetic_site(Path::new(env!("CARGO_MANIFEST_DIR")), &out, n, false).unwrap();
        let project = Project::load(&out).unwrap();
        let built = site::build(&project, &BuildOptions::default()).unwrap();
        assert_eq!(built.charts, 3 * n, "every chart is its own");
    }
}
