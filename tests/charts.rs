//! A chart set keeps what its charts share: each chart's data, by kind and
//! years, each year's drawn line, and each chart's drawings, by data and
//! highlight, for the next chart of another title. Whatever a set drew before, a chart
//! is exactly the chart a fresh set draws.

use std::path::Path;
use std::sync::Arc;

use brief::charts::{CHART_KINDS, ChartOption, ChartRequest, ChartSet, PlacedChart};
use brief::project::Project;
use brief::site::{self, BuildOptions};

/// The bundled project's figures and series, modelled once per test.
fn modelled() -> site::Modelled {
    let project = Project::load(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    site::model(&project, &BuildOptions::default()).unwrap()
}

fn new_set(m: &site::Modelled) -> ChartSet {
    ChartSet::new(m.figures.as_ref().zip(m.seen.as_ref()), m.pilot())
}

/// Requests for every kind: with no options, other titles, and for the
/// kinds with years, other years and (cumulative) other highlights.
fn requests() -> Vec<ChartRequest> {
    let mut out = Vec::new();
    // The crossings' kinds: those of one's own tables are tested in tables.rs.
    for kind in CHART_KINDS
        .iter()
        .filter(|k| !k.options.contains(&ChartOption::Data))
    {
        let options = kind.options;
        let plain = ChartRequest {
            name: kind.name.to_string(),
            ..ChartRequest::default()
        };
        out.push(plain.clone());
        for title in ["A title", "Another title"] {
            out.push(ChartRequest {
                title: Some(title.into()),
                ..plain.clone()
            });
        }
        if options.contains(&ChartOption::From) {
            for from in [2021, 2022] {
                out.push(ChartRequest {
                    from: Some(from),
                    title: Some(format!("From {from}")),
                    ..plain.clone()
                });
            }
        }
        if options.contains(&ChartOption::Highlight) {
            for highlight in [2023, 2024] {
                out.push(ChartRequest {
                    from: Some(2022),
                    highlight: Some(highlight),
                    ..plain.clone()
                });
            }
        }
    }
    out
}

#[test]
fn a_chart_is_the_same_whatever_its_set_drew_before() {
    let m = modelled();
    let shared = new_set(&m);
    let requests = requests();
    let drawn: Vec<PlacedChart> = requests
        .iter()
        .map(|r| shared.draw(r, &r.file_stem()).unwrap())
        .collect();
    for (request, placed) in requests.iter().zip(&drawn) {
        assert_eq!(
            placed,
            &new_set(&m).draw(request, &request.file_stem()).unwrap(),
            "{request:?} drawn after other charts"
        );
    }
    // And again, now that every line and every data is kept.
    for (request, placed) in requests.iter().zip(&drawn) {
        assert_eq!(
            placed,
            &shared.draw(request, &request.file_stem()).unwrap(),
            "{request:?}"
        );
    }
}

#[test]
fn charts_of_the_same_data_share_it_and_others_do_not() {
    let set = new_set(&modelled());
    let draw = |name: &str, from: Option<i16>, title: &str| {
        let request = ChartRequest {
            name: name.into(),
            from,
            title: Some(title.into()),
            ..ChartRequest::default()
        };
        set.draw(&request, &request.file_stem()).unwrap()
    };
    let a = draw("cumulative", Some(2021), "A");
    let b = draw("cumulative", Some(2021), "B");
    let c = draw("cumulative", Some(2022), "C");
    let d = draw("annual-arrivals", Some(2021), "D");
    assert!(Arc::ptr_eq(&a.data, &b.data));
    // One drawing, one file, titled by its finding: each chart's own title
    // is its caption.
    assert!(Arc::ptr_eq(&a.wide, &b.wide) && Arc::ptr_eq(&a.narrow, &b.narrow));
    assert_eq!((a.title.as_str(), b.title.as_str()), ("A", "B"));
    assert_eq!(
        a.wide.file(),
        "charts/cumulative-2021-2026-highlight-2026.svg"
    );
    assert_eq!(
        a.narrow.file(),
        "charts/cumulative-2021-2026-highlight-2026-narrow.svg"
    );
    let id = "chart-cumulative-2021-2026-highlight-2026";
    assert!(
        a.wide
            .svg()
            .contains(&format!("aria-labelledby=\"{id}-title {id}-desc\""))
    );
    assert!(
        a.narrow
            .svg()
            .contains(&format!("<title id=\"{id}-narrow-title\">"))
    );
    assert!(!a.wide.svg().contains(">A</title>"));
    assert!(
        a.wide
            .svg()
            .contains(&format!("<desc id=\"{id}-desc\">{}</desc>", a.description))
    );
    let highlighted = |year: i16| {
        let request = ChartRequest {
            name: "cumulative".into(),
            from: Some(2021),
            highlight: Some(year),
            ..ChartRequest::default()
        };
        set.draw(&request, &request.file_stem()).unwrap()
    };
    let (h23, h24) = (highlighted(2023), highlighted(2024));
    assert!(Arc::ptr_eq(&h23.data, &h24.data), "the same data");
    assert_ne!(h23.wide, h24.wide, "another year picked out");
    assert_ne!(h23.wide.file(), h24.wide.file());
    assert_ne!(h23.description, h24.description);
    assert_ne!(a.data, c.data, "other years, other rows");
    assert_ne!(a.data, d.data, "another kind");
    // After the comment line saying what it is and where it comes from.
    let (about, body) = c.data.csv().split_once('\n').unwrap();
    assert!(
        about.starts_with("# ") && about.contains("Source: "),
        "{about}"
    );
    assert!(body.starts_with("year,day_of_year,date,cumulative_people\n2022,1,"));
}
