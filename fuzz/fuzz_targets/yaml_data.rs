//! Bytes as a data file: parsed and validated as `data/crossings.yaml` and
//! as `data/pilot.yaml` (against a fixed series), loaded untyped as
//! `data.<file>` is, and, when valid, run through the model. Every failure
//! must be an `Error` that prints; nothing may panic.
#![no_main]

use std::path::Path;

use brief::charts::{CHART_KINDS, ChartRequest, ChartSet};
use brief::data::crossings::parse_crossings;
use brief::data::pilot::parse_pilot;
use brief::model::{DailyArrivals, Figures, PilotParameters, Series, SourceInfo, compute};
use jiff::civil::{Date, date};
use libfuzzer_sys::fuzz_target;

/// A year and a quarter of days, 2024-01-01 to 2025-03-31.
fn series() -> Series {
    let mut days = Vec::new();
    let mut d = date(2024, 1, 1);
    let mut i = 0u64;
    while d <= date(2025, 3, 31) {
        let people = (i * 37) % 400;
        days.push(DailyArrivals {
            date: d,
            people,
            boats: people / 45,
        });
        d = d.tomorrow().unwrap();
        i += 1;
    }
    Series::new(days).unwrap()
}

fn source(released: Date) -> SourceInfo {
    SourceInfo {
        publisher: "Home Office".into(),
        title: "T".into(),
        address: "https://example.org".into(),
        licence: "OGL".into(),
        released,
        sha256: String::new(),
    }
}

/// Draws every kind of chart, as a brief placing each would.
fn draw_all(figures: &Figures, series: &Series, pilot: Option<&PilotParameters>) {
    let charts = ChartSet::new(figures, series, pilot);
    for (name, _) in CHART_KINDS {
        let request = ChartRequest {
            name: name.to_string(),
            years: None,
            from: None,
            to: None,
            highlight: None,
            title: None,
        };
        let _ = charts.draw(&request);
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let fixed = series();
    match parse_crossings(Path::new("data/crossings.yaml"), text) {
        Ok(c) => {
            let figures = compute(&c.series, None, source(c.source.released), 3);
            let _ = serde_json::to_string(&figures);
            draw_all(&figures, &c.series, None);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    match parse_pilot(Path::new("data/pilot.yaml"), text, &fixed) {
        Ok(pilot) => {
            let figures = compute(&fixed, Some(&pilot), source(date(2025, 4, 3)), 3);
            let _ = serde_json::to_string(&figures);
            draw_all(&figures, &fixed, Some(&pilot));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Err(e) =
        brief::yaml::parse::<serde_json::Value>(Path::new("data/other.yaml"), text, 0)
    {
        let _ = e.to_string();
    }
    if let Err(e) =
        brief::yaml::parse::<brief::project::SiteConfig>(Path::new("site.yaml"), text, 0)
    {
        let _ = e.to_string();
    }
});
