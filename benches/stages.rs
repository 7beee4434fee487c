//! The build's stages on the bundled project, one benchmark each:
//! load, model, charts, render and write. Run with `cargo bench`.

use std::hint::black_box;
use std::path::Path;

use brief::charts::{ChartRequest, ChartSet};
use brief::output::write_site;
use brief::project::Project;
use brief::site::{self, BuildOptions};
use criterion::{Criterion, criterion_group, criterion_main};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stages(c: &mut Criterion) {
    let options = BuildOptions::default();
    c.bench_function("load: read and parse the project", |b| {
        b.iter(|| Project::load(black_box(root())).unwrap())
    });
    let project = Project::load(root()).unwrap();
    c.bench_function("model: validate the data and compute the figures", |b| {
        b.iter(|| site::model(black_box(&project), &options).unwrap())
    });
    let modelled = site::model(&project, &options).unwrap();
    let request = ChartRequest {
        name: "cumulative".into(),
        ..ChartRequest::default()
    };
    // The first chart of its data draws its lines and writes its CSV; the
    // set keeps both, so later charts of those years only draw.
    c.bench_function(
        "charts: a cumulative chart, wide and narrow, in a new set",
        |b| {
            b.iter(|| {
                let set =
                    ChartSet::new(modelled.figures.as_ref().zip(modelled.seen.as_ref()), None);
                let request = black_box(&request);
                set.draw(request, &request.file_stem()).unwrap()
            })
        },
    );
    c.bench_function("charts: another cumulative chart of the same years", |b| {
        let set = ChartSet::new(modelled.figures.as_ref().zip(modelled.seen.as_ref()), None);
        set.draw(&request, &request.file_stem()).unwrap();
        let mut n = 0u64;
        b.iter(|| {
            // Another title each time: another chart, the same data.
            n += 1;
            let other = ChartRequest {
                title: Some(format!("Chart {n}")),
                ..request.clone()
            };
            let other = black_box(&other);
            set.draw(other, &other.file_stem()).unwrap()
        })
    });
    c.bench_function("render: build the whole site in memory", |b| {
        b.iter(|| site::build(black_box(&project), &options).unwrap())
    });
    let built = site::build(&project, &options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    c.bench_function("write: write the site and swap it in", |b| {
        b.iter(|| write_site(&dir.path().join("output"), black_box(&built.files)).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
