//! Shared fixtures for the integration tests: a temporary project folder with
//! the repository's own templates, a deterministic synthetic crossings series,
//! a small pilot file and briefs written by each test; a runner for the
//! binary; and a snapshot of a folder's files to compare before and after.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::civil::{Date, date};

/// First day of the synthetic series (a Tuesday).
pub const FIRST: Date = date(2019, 1, 1);
/// Last day of the synthetic series: the default as-of date.
pub const LAST: Date = date(2023, 3, 31);
/// The release date written into the fixture's source block.
pub const RELEASED: Date = date(2023, 4, 6);

/// One day of the synthetic series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    pub people: u64,
    pub boats: u64,
}

/// A seasonal shape: few crossings in winter, most in late summer.
const SEASON: [u64; 12] = [2, 1, 3, 5, 8, 12, 15, 18, 20, 14, 8, 3];

/// People on day `i` (0-based) of a series, which falls on `d`: the season
/// times a yearly growth, plus a small deterministic wobble; every ninth day
/// (from the fifth) has no crossings at all.
pub fn people_on(d: Date, i: i64) -> u64 {
    if i % 9 == 4 {
        return 0;
    }
    let growth = (d.year() - 2017) as u64;
    SEASON[d.month() as usize - 1] * 10 * growth + (i * 7 % 13) as u64
}

/// Every day from `first` to `last`, inclusive, with the synthetic counts.
pub fn days_between(first: Date, last: Date) -> Vec<Day> {
    let mut days = Vec::new();
    let mut d = first;
    let mut i = 0;
    while d <= last {
        let people = people_on(d, i);
        days.push(Day {
            date: d,
            people,
            boats: people / 40,
        });
        d = d.tomorrow().unwrap();
        i += 1;
    }
    days
}

/// The synthetic series of the fixture project.
pub fn series() -> Vec<Day> {
    days_between(FIRST, LAST)
}

/// The source block and the day lines of `data/crossings.yaml`, in the form
/// the importer writes.
pub fn crossings_yaml(days: &[Day], released: Date) -> String {
    let mut out = String::new();
    out.push_str("# Synthetic small boat arrivals for the tests.\n");
    out.push_str("source:\n");
    out.push_str("  publisher: \"Home Office\"\n");
    out.push_str("  title: \"Migrants detected crossing the English Channel in small boats\"\n");
    out.push_str("  address: \"https://www.gov.uk/government/publications/migrants-detected-crossing-the-english-channel-in-small-boats\"\n");
    out.push_str("  licence: \"Open Government Licence v3.0\"\n");
    out.push_str(&format!("  released: {released}\n"));
    out.push_str("days:\n");
    for d in days {
        out.push_str(&day_line(d));
    }
    out
}

/// One line of `days:` as written by the importer.
pub fn day_line(d: &Day) -> String {
    format!(
        "  - {{date: {}, people: {}, boats: {}}}\n",
        d.date, d.people, d.boats
    )
}

/// Pilot start in the fixture (inside the series).
pub const PILOT_STARTS: Date = date(2022, 6, 1);

/// The fixture's pilot: starts inside the series, one schedule step after
/// the first, two reports and three scenarios (the last more than everyone).
pub const PILOT_YAML: &str = "# Synthetic pilot for the tests.
name: Test returns pilot
announced: 2022-05-20
signed: 2022-05-25
starts: 2022-06-01
ends: ~
eligible_share: 1.0
schedule:
  - {from: 2022-06-01, per_week: 50, source: \"Test source A\"}
  - {from: 2022-10-01, per_week: 120, source: \"Test source B\"}
reports:
  - {date: 2022-08-15, returned: 100, source: \"Report one\"}
  - {date: 2023-01-10, returned: 800, admitted: 500, source: \"Report two\"}
scenarios:
  - {name: \"Pilot scale\", per_week: 50}
  - {name: \"Five times the pilot\", per_week: 250}
  - {name: \"Everyone\", per_week: 100000}
";

/// The fixture's site settings.
pub const SITE_YAML: &str = "title: Test briefs
description: Briefs built by the integration tests.
publisher: Test Desk
language: en-GB
reference_years: 3
";

/// A brief's text: front matter, then `body`. The front matter is six lines
/// (`---`, four fields, `---`), so the body's first line is line 7 of the file.
pub fn brief_text(title: &str, date: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: Summary of {title}.\ndate: {date}\nauthors: [Test Desk]\n---\n{body}"
    )
}

/// A temporary project folder.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A full project: site.yaml, the repository's templates (with assets),
    /// the synthetic crossings, the pilot, and an empty briefs/ folder.
    pub fn new() -> Project {
        let p = Project::bare();
        p.write("site.yaml", SITE_YAML);
        let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        copy_dir(&templates, &p.path("templates"));
        p.write("data/crossings.yaml", crossings_yaml(&series(), RELEASED));
        p.write("data/pilot.yaml", PILOT_YAML);
        fs::create_dir_all(p.path("briefs")).unwrap();
        p
    }

    /// An empty folder.
    pub fn bare() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The project folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the project.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating its folder).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    /// Reads a file as text.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Reads a file as bytes.
    pub fn read_bytes(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap()
    }

    /// Writes `briefs/<slug>.md`.
    pub fn brief(&self, slug: &str, text: &str) {
        self.write(&format!("briefs/{slug}.md"), text);
    }

    /// Writes `briefs/<slug>.md` as raw bytes.
    pub fn brief_bytes(&self, slug: &str, bytes: &[u8]) {
        self.write(&format!("briefs/{slug}.md"), bytes);
    }

    /// Runs the binary with `--root <project>` and `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        run(self.root(), args)
    }

    /// Builds into `output/`, asserting success; returns stdout.
    pub fn build_ok(&self, args: &[&str]) -> String {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_eq!(out.status, 0, "build failed:\n{}", out.stderr);
        let folder = match all.iter().position(|a| *a == "-o" || *a == "--output") {
            Some(i) => all[i + 1],
            None => "output",
        };
        assert_no_live_links(&self.path(folder));
        out.stdout
    }

    /// Every file under `rel`.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.path(rel))
    }

    /// `output/figures.json`, parsed.
    pub fn figures(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("output/figures.json")).unwrap()
    }
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Output {
    /// The exit code (-1 if killed by a signal).
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `brief --root <root> <args>`.
pub fn run(root: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the brief binary runs");
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir`, by its path relative to `dir` (with `/`), with
/// its bytes. Empty if `dir` does not exist.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                let key = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(key, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The 1-based line of `text` that first contains `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?}"))
        + 1
}

/// Asserts that a failed run exited 1 and that stderr starts with
/// `error: <file>:<line>:` (column free).
pub fn assert_error_at(out: &Output, file: &str, line: usize) {
    assert_eq!(out.status, 1, "expected exit 1; stderr:\n{}", out.stderr);
    let prefix = format!("error: {file}:{line}:");
    assert!(
        out.stderr.starts_with(&prefix),
        "expected stderr to start with {prefix:?}; got:\n{}",
        out.stderr
    );
}

/// `n` with thousands separators, as a reader would write it (written out
/// here rather than taken from the crate, so the tests check the crate).
#[allow(dead_code)]
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Asserts that no page, feed or drawing under `dir` has a `javascript:`,
/// `vbscript:` or `data:` address, a script or a NUL, and that every
/// drawing file holds nothing but drawing: every build a test makes with
/// [`Project::build_ok`] is checked.
pub fn assert_no_live_links(dir: &Path) {
    for (path, bytes) in snapshot(dir) {
        let kind = path.rsplit('.').next().unwrap_or("");
        if !["html", "xml", "svg"].contains(&kind) {
            continue;
        }
        assert!(!bytes.contains(&0), "{path} has a NUL");
        let text = String::from_utf8_lossy(&bytes);
        assert_not_live(&path, &text);
        if kind == "svg" {
            assert_only_drawing(&path, &text);
        }
    }
}

/// Asserts that `svg` (the file `what`) is read, as a browser reads a saved
/// file, as an SVG document of drawing elements only, none with an event
/// handler.
fn assert_only_drawing(what: &str, svg: &str) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg", "{what}");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !["script", "foreignObject", "iframe"].contains(&name),
            "{what} has <{name}>"
        );
        for attribute in node.attributes() {
            assert!(
                !attribute.name().starts_with("on"),
                "{what} has {}",
                attribute.name()
            );
        }
    }
}

/// Asserts that `text` (of `what`) has no `javascript:`, `vbscript:` or
/// `data:` address and no script.
fn assert_not_live(what: &str, text: &str) {
    let text = text.to_ascii_lowercase();
    // Where an attribute's value or a CSS url() begins (text that only
    // mentions a scheme is text).
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for scheme in ["javascript:", "vbscript:", "data:"] {
        for start in ["=\"", "='", "=", "url(", "url(\"", "url('"] {
            let link = format!("{start}{scheme}");
            assert!(!squeezed.contains(&link), "{what} has a {scheme} address");
        }
    }
    assert!(!text.contains("<script"), "{what} has a script");
}

/// What the server answers at one path: status, body, pause before it.
pub type Route = (u16, Vec<u8>, std::time::Duration);

/// A local HTTP server that answers each path as routed (404 otherwise),
/// until dropped.
pub struct Server {
    server: std::sync::Arc<tiny_http::Server>,
    routes: std::sync::Arc<std::sync::Mutex<BTreeMap<String, Route>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let routes: std::sync::Arc<std::sync::Mutex<BTreeMap<String, Route>>> =
            std::sync::Arc::default();
        let (serving, routing) = (
            std::sync::Arc::clone(&server),
            std::sync::Arc::clone(&routes),
        );
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let route = routing.lock().unwrap().get(request.url()).cloned();
                // Each answer on its own thread: a slow one holds up no other.
                std::thread::spawn(move || {
                    let (status, body, pause) =
                        route.unwrap_or((404, b"not found".to_vec(), std::time::Duration::ZERO));
                    std::thread::sleep(pause);
                    let response = tiny_http::Response::from_data(body).with_status_code(status);
                    let _ = request.respond(response);
                });
            }
        });
        Server {
            server,
            routes,
            thread: Some(thread),
        }
    }

    pub fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    pub fn url(&self, path: &str) -> String {
        let port = self.server.server_addr().to_ip().unwrap().port();
        format!("http://127.0.0.1:{port}{path}")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs `git` in `dir` as a test user; it must succeed.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A chart as a page places it: its name, its two drawings (the files its
/// `<picture>` shows, read from the site), its image's alternative text,
/// and the data file and drawing file its links name (under the output
/// folder).
#[allow(dead_code)]
#[derive(Debug)]
pub struct PageChart {
    /// The chart's name (`cumulative-1a2b3c4d5e6f7081`).
    pub name: String,
    /// The wide drawing's file under the output folder (`charts/….svg`).
    pub wide_file: String,
    /// The narrow drawing's file, for phones (`charts/…-narrow.svg`).
    pub narrow_file: String,
    /// The wide drawing, `<svg …>…</svg>`.
    pub wide: String,
    /// The narrow drawing.
    pub narrow: String,
    /// The image's alternative text, unescaped.
    pub alt: String,
    /// The CSV link's target under the output folder (`charts/….csv`).
    pub csv: String,
    /// The "chart (SVG)" link's target under the output folder.
    pub drawing: String,
    /// The figure's markup, whole.
    pub figure: String,
}

/// The charts `page` (a brief's page, one folder below the site's root
/// `site`) places, in order, with their drawings read from `site`.
#[allow(dead_code)]
pub fn page_charts(site: &Path, page: &str) -> Vec<PageChart> {
    const START: &str = "<figure class=\"chart\" id=\"figure-";
    let between = |text: &str, start: &str, end: &str| -> String {
        let at = text
            .find(start)
            .unwrap_or_else(|| panic!("no {start:?} in {text}"))
            + start.len();
        let rest = &text[at..];
        rest[..rest.find(end).expect("its end")].to_string()
    };
    let unescape = |text: &str| {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&amp;", "&")
    };
    page.match_indices(START)
        .map(|(at, _)| {
            let figure = &page[at..];
            let figure = &figure[..figure.find("</figure>").expect("the figure ends") + 9];
            let links: Vec<String> = figure
                .match_indices("<a href=\"../")
                .map(|(at, start)| between(&figure[at..], start, "\" download>"))
                .collect();
            // The page shows the wide drawing's view without its heading.
            let wide_src = between(figure, "<img src=\"../", "\"");
            let wide_file = wide_src.split('#').next().unwrap_or_default().to_string();
            let narrow_file = between(figure, "srcset=\"../", "\"");
            let read = |file: &str| {
                fs::read_to_string(site.join(file))
                    .unwrap_or_else(|e| panic!("{file}, which the page shows: {e}"))
            };
            PageChart {
                name: between(figure, START, "\""),
                wide: read(&wide_file),
                narrow: read(&narrow_file),
                wide_file,
                narrow_file,
                alt: unescape(&between(figure, " alt=\"", "\"")),
                csv: links
                    .iter()
                    .find(|l| l.ends_with(".csv"))
                    .expect("a CSV link")
                    .clone(),
                drawing: links
                    .iter()
                    .find(|l| l.ends_with(".svg"))
                    .expect("an SVG link")
                    .clone(),
                figure: figure.to_string(),
            }
        })
        .collect()
}

/// A chart's CSV without its first line, which must be the comment saying
/// what it holds and where it comes from (`# … Source: …`).
pub fn csv_body(csv: &str) -> &str {
    let (about, body) = csv.split_once('\n').expect("a CSV of more than one line");
    assert!(
        about.starts_with("# ") && about.contains("Source: "),
        "the CSV's first line says what it is: {about}"
    );
    body
}
