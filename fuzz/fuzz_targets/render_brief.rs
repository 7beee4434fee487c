//! Bytes as a brief's body (after fixed front matter), built into a whole
//! site in memory with the repository's templates and a short series: the
//! body goes through Tera, `chart()`, Markdown and the page template. A
//! failure must be an `Error` that prints; nothing may panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use brief::project::{InputFiles, Project};
use brief::site::{BuildOptions, build};
use jiff::civil::date;
use libfuzzer_sys::fuzz_target;

const SITE: &str = "title: Fuzz briefs\ndescription: Built by the fuzzer.\npublisher: Fuzz Desk\nreference_years: 1\n";

const PILOT: &str = "name: Pilot
starts: 2024-08-01
ends: ~
schedule:
  - {from: 2024-08-01, per_week: 50, source: S}
reports:
  - {date: 2024-10-01, returned: 40, admitted: 30, source: R}
scenarios:
  - {name: Pilot scale, per_week: 50}
";

/// The repository's templates, as a project has them.
const TEMPLATES: [(&str, &str); 4] = [
    (
        "templates/base.html",
        include_str!("../../templates/base.html"),
    ),
    (
        "templates/brief.html",
        include_str!("../../templates/brief.html"),
    ),
    (
        "templates/index.html",
        include_str!("../../templates/index.html"),
    ),
    (
        "templates/method.html",
        include_str!("../../templates/method.html"),
    ),
];

/// Two years and a quarter of days, 2023-01-01 to 2025-03-31: short, so
/// that the model and charts leave time for the body.
fn crossings() -> String {
    let mut out = String::from(
        "source:\n  publisher: Home Office\n  title: T\n  address: https://example.org\n  licence: OGL\n  released: 2025-04-03\ndays:\n",
    );
    let mut d = date(2023, 1, 1);
    let mut i = 0u64;
    while d <= date(2025, 3, 31) {
        let people = (i * 37) % 400;
        out.push_str(&format!(
            "  - {{date: {d}, people: {people}, boats: {}}}\n",
            people / 45
        ));
        d = d.tomorrow().unwrap();
        i += 1;
    }
    out
}

fn fixture() -> &'static InputFiles {
    static FILES: OnceLock<InputFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = InputFiles::new();
        files.insert("site.yaml".into(), SITE.as_bytes().to_vec());
        files.insert("data/crossings.yaml".into(), crossings().into_bytes());
        files.insert("data/pilot.yaml".into(), PILOT.as_bytes().to_vec());
        for (path, text) in TEMPLATES {
            files.insert(path.into(), text.as_bytes().to_vec());
        }
        files
    })
}

fuzz_target!(|bytes: &[u8]| {
    let mut files = fixture().clone();
    let mut brief = b"---\ntitle: Fuzzed\nsummary: A fuzzed brief.\ndate: 2025-03-20\nauthors: [Fuzz Desk]\n---\n".to_vec();
    brief.extend_from_slice(bytes);
    files.insert("briefs/fuzzed.md".into(), brief);
    let result = Project::from_files(Path::new("/fuzz"), files)
        .and_then(|project| build(&project, &BuildOptions::default()));
    if let Err(e) = result {
        let _ = e.to_string();
    }
});
