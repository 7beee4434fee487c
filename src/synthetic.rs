//! A synthetic site of N briefs for benchmarks: realistic length (paragraphs,
//! a table, several figures) and three charts each whose options differ from
//! brief to brief, so no two briefs share a chart. Deterministic for a given N.

use std::path::Path;

use crate::error::{Error, Result};
use crate::project::Project;
use crate::site::{self, BuildOptions};

/// The text of synthetic brief number `i`.
pub fn synthetic_brief(i: usize) -> String {
    let from = 2018 + (i % 6);
    let highlight = 2023 + (i % 4);
    let annual_from = 2018 + (i % 5);
    let annual_to = 2022 + (i % 4);
    // Projections made from 2021 on have a track record to chart.
    let backtest_from = 2021 + (i % 3);
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

{{{{ chart(name="cumulative", from={from}, highlight={highlight}, title="Brief {i}: arrivals through the year, {from} on") }}}}

## The year so far

Exactly {{{{ ytd.people | thousands }}}} people arrived in {{{{ ytd.boats | thousands }}}} boats. {{% if projection %}}If the rest of the year follows recent years, about {{{{ projection.central | about }}}} will have crossed by 31 December, between {{{{ projection.low | thousands }}}} and {{{{ projection.high | thousands }}}}.{{% endif %}}

| Year | People | Boats | People per boat |
|---|---:|---:|---:|
{{% for a in annual %}}| {{{{ a.year }}}} | {{{{ a.people | thousands }}}} | {{{{ a.boats | thousands }}}} | {{{{ a.people_per_boat | thousands(decimals=1) }}}} |
{{% endfor %}}

{{{{ chart(name="annual-arrivals", from={annual_from}, to={annual_to}, title="Brief {i}: arrivals by year, {annual_from} to {annual_to}") }}}}

## The track record

{{% if backtest.mean_abs_error_pct is not none %}}Past projections made the same way were off by {{{{ backtest.mean_abs_error_pct | pct }}}} on average, against {{{{ backtest.straight_line_mean_abs_error_pct | pct }}}} for straight-line pace.{{% endif %}} {{% if pilot and pilot.started %}}The returns pilot planned {{{{ pilot.planned_returns | thousands }}}} returns, {{{{ pilot.planned_share_pct | pct }}}} of arrivals since it began.{{% endif %}}

{{{{ chart(name="backtest", from={backtest_from}, title="Brief {i}: how far off projections were, {backtest_from} on") }}}}

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
        let figures = serde_json::to_value(&modelled.figures)
            .map_err(|e| Error::new(format!("could not serialise the figures: {e}")))?;
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
        for brief in site::brief_texts(&project, &figures, false)? {
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
    use super::*;

    #[test]
    fn briefs_are_deterministic_and_their_charts_differ() {
        assert_eq!(synthetic_brief(7), synthetic_brief(7));
        let a = synthetic_brief(1);
        let b = synthetic_brief(2);
        assert_ne!(a, b);
        let charts = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.contains("chart("))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(charts(&a).len(), 3);
        for (x, y) in charts(&a).iter().zip(charts(&b).iter()) {
            assert_ne!(x, y, "each chart differs from brief to brief");
        }
        // They differ in the data they draw, not only in their titles:
        // each kind is drawn over several choices of years and highlights.
        let options = |line: &str| -> String {
            let call = &line[line.find("chart(").unwrap()..];
            call[..call.find(", title=").unwrap()].to_string()
        };
        for (n, (kind, at_least)) in [("cumulative", 12), ("annual-arrivals", 5), ("backtest", 3)]
            .into_iter()
            .enumerate()
        {
            let distinct: std::collections::BTreeSet<String> = (0..100)
                .map(|i| options(&charts(&synthetic_brief(i))[n]))
                .collect();
            assert!(distinct.len() >= at_least, "{kind}: {distinct:?}");
            assert!(distinct.iter().all(|o| o.contains(kind)));
        }
    }
}
