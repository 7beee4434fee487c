//! `brief serve`: a local preview that rebuilds on save and reloads the page.
//!
//! The site is built in memory (as `brief build` would build it, but nothing
//! is written: `output/` stays the published folder) and served on
//! 127.0.0.1 by a few worker threads of a `tiny_http` server. A `notify`
//! watcher on `site.yaml`, `briefs/`, `data/` and `templates/` sends changes
//! to the main thread, which lets them settle for a moment and rebuilds.
//!
//! Every HTML response gets a small script that polls `/__brief/version`
//! and reloads the page when the version changes. The version moves only
//! when what is served changes: a rebuild that gives the same files (an
//! editor's swap file, a save without edits) reloads nothing. A failed
//! rebuild keeps the last good site and shows the error as a banner at the
//! top of every page; when the very first build fails, every address shows
//! the error until a build succeeds.
//!
//! None of this reaches `brief build`: the script and the banner are added
//! to responses only, never to the built files.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::project::{INPUT_FOLDERS, Project};
use crate::site::{self, BuildOptions};

/// Where open pages ask for the site's version.
pub const VERSION_PATH: &str = "/__brief/version";

/// How long the inputs must stay quiet before a rebuild: an editor's save
/// (write a temporary file, rename it) is one rebuild, not three.
const SETTLE: Duration = Duration::from_millis(150);

/// Worker threads answering requests.
const WORKERS: usize = 4;

/// The built files, by their path under `output/`.
type Files = BTreeMap<String, Vec<u8>>;

/// Serves the project at `root` on 127.0.0.1:`port` (0: a free port).
pub fn serve(root: &Path, port: u16, options: &BuildOptions) -> Result<()> {
    if !root.is_dir() {
        return Err(Error::in_file(root, "there is no such folder").help(
            "pass --root DIR with a project folder (site.yaml, briefs/, data/, templates/)",
        ));
    }
    // Watch (and match event paths against) the folder as the system names it.
    let root = root
        .canonicalize()
        .map_err(|e| Error::io(root, "open the folder", &e))?;

    let preview = Arc::new(Preview::new());
    let started = Instant::now();
    let first = build_once(&root, options, None);
    // The last good site: a rebuild reuses its unchanged pages.
    let mut last: Option<site::PreviousBuild> = first
        .as_ref()
        .ok()
        .and_then(|(site, _)| site::PreviousBuild::from_site(site));
    let title = match &first {
        Ok((_, title)) => title.clone(),
        Err(_) => format!("the project at {}", root.display()),
    };
    report(false, started, &first);
    preview.apply(first.map(|(site, _)| site));

    let (server, address) = listen(port)?;
    let (tx, rx) = mpsc::channel::<Message>();
    stop_on_ctrl_c(tx.clone())?;
    let mut watch = Watch::start(&root, tx)?;

    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, preview, stop) = (server.clone(), preview.clone(), stop.clone());
            thread::spawn(move || answer_requests(&server, &preview, &stop))
        })
        .collect();

    println!(
        "Serving {title} at http://127.0.0.1:{}/ (Ctrl-C to stop)",
        address.port()
    );

    // Rebuild on every settled change until Ctrl-C.
    while settled_change(&rx) {
        let started = Instant::now();
        let outcome = build_once(&root, options, last.as_ref());
        report(true, started, &outcome);
        if let Ok((site, _)) = &outcome {
            last = site::PreviousBuild::from_site(site);
        }
        if !preview.apply(outcome.map(|(site, _)| site)) {
            println!("  (nothing served changed)");
        }
        watch.add_new_folders();
    }

    drop(watch);
    stop.store(true, Ordering::SeqCst);
    for _ in &workers {
        server.unblock();
    }
    for worker in workers {
        let _ = worker.join();
    }
    println!("Stopped");
    Ok(())
}

/// Opens the server on 127.0.0.1 at `port` (0: any free one), and gives
/// the address it listens at.
fn listen(port: u16) -> Result<(Arc<tiny_http::Server>, std::net::SocketAddr)> {
    let server = tiny_http::Server::http(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .map_err(|e| {
            Error::new(format!("could not listen on 127.0.0.1:{port}: {e}"))
                .help("choose another port with --port N, or --port 0 for any free port")
        })?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::new("the server has no IP address"))?;
    Ok((Arc::new(server), address))
}

/// Makes Ctrl-C send [`Message::Stop`] on `tx`.
fn stop_on_ctrl_c(tx: mpsc::Sender<Message>) -> Result<()> {
    ctrlc::set_handler(move || {
        let _ = tx.send(Message::Stop);
    })
    .map_err(|e| Error::new(format!("could not handle Ctrl-C: {e}")))
}

/// Waits for a change and for the changes after it to settle (none for
/// [`SETTLE`]); false once Ctrl-C is pressed or the watch has gone.
fn settled_change(rx: &mpsc::Receiver<Message>) -> bool {
    if !matches!(rx.recv(), Ok(Message::Changed)) {
        return false;
    }
    loop {
        match rx.recv_timeout(SETTLE) {
            Ok(Message::Changed) => continue,
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return false,
            Err(RecvTimeoutError::Timeout) => return true,
        }
    }
}

/// What the watcher and the Ctrl-C handler tell the main thread.
enum Message {
    /// An input changed.
    Changed,
    /// Ctrl-C: stop serving.
    Stop,
}

/// Loads and builds the project, reusing what it can of `previous`; the
/// site and its title.
fn build_once(
    root: &Path,
    options: &BuildOptions,
    previous: Option<&site::PreviousBuild>,
) -> Result<(site::Site, String)> {
    let project = Project::load(root)?;
    let site = site::build_with(&project, options, previous)?;
    Ok((site, project.config.title))
}

/// Prints how a build (or a rebuild) went: a line on stdout, or the error
/// on stderr.
fn report(rebuild: bool, started: Instant, outcome: &Result<(site::Site, String)>) {
    let seconds = started.elapsed().as_secs_f64();
    match outcome {
        Ok((site, _)) => println!(
            "{} in {seconds:.2} s: {} brief{}, {} chart{}",
            if rebuild { "Rebuilt" } else { "Built" },
            site.briefs.len(),
            if site.briefs.len() == 1 { "" } else { "s" },
            site.charts,
            if site.charts == 1 { "" } else { "s" },
        ),
        Err(err) => eprintln!(
            "error: {err}\n{} failed after {seconds:.2} s; the pages show this error until it is fixed",
            if rebuild { "Rebuild" } else { "Build" }
        ),
    }
}

// ---------------------------------------------------------------------------
// What is served

/// The site being served, shared by the workers and the rebuild loop.
struct Preview {
    /// This run's mark, so that a page from an earlier run reloads too.
    run: String,
    served: RwLock<Served>,
}

/// A consistent view of what is served.
#[derive(Debug, Clone, Default)]
struct Served {
    /// The last good build, if there has been one.
    files: Option<Arc<Files>>,
    /// The last build's error, while it stands.
    error: Option<Arc<str>>,
    /// Moves on every change of `files` or `error`.
    version: u64,
}

impl Preview {
    fn new() -> Preview {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        Preview {
            run: format!("{nanos:x}"),
            served: RwLock::new(Served::default()),
        }
    }

    /// Takes a build's outcome; true when what is served changed.
    fn apply(&self, outcome: Result<site::Site>) -> bool {
        let outcome = outcome.map(|site| site.files).map_err(|e| e.to_string());
        let mut served = self.served.write().unwrap_or_else(|e| e.into_inner());
        served.apply(outcome)
    }

    /// What is served now, and its version as pages see it.
    fn snapshot(&self) -> (Served, String) {
        let served = self
            .served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let version = format!("{}-{}", self.run, served.version);
        (served, version)
    }
}

impl Served {
    /// Takes a build's files or its error text; true when what is served changed.
    fn apply(&mut self, outcome: std::result::Result<Files, String>) -> bool {
        let changed = match &outcome {
            Ok(files) => self.error.is_some() || self.files.as_deref() != Some(files),
            Err(error) => self.error.as_deref() != Some(error.as_str()),
        };
        match outcome {
            Ok(files) => {
                self.files = Some(Arc::new(files));
                self.error = None;
            }
            Err(error) => self.error = Some(error.into()),
        }
        if changed {
            self.version += 1;
        }
        changed
    }
}

// ---------------------------------------------------------------------------
// Requests

/// Answers requests until `stop` is set and the server is unblocked.
fn answer_requests(server: &tiny_http::Server, preview: &Preview, stop: &AtomicBool) {
    loop {
        match server.recv() {
            Ok(request) => {
                let (served, version) = preview.snapshot();
                let reply = reply(&served, &version, request.method().as_str(), request.url());
                // A client that went away is no concern of the preview's.
                let _ = request.respond(reply.into_response());
            }
            Err(_) if stop.load(Ordering::SeqCst) => return,
            Err(_) => {}
        }
    }
}

/// An answer, before it becomes a `tiny_http` response.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// Extra headers (`Location`, `Allow`).
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn html(status: u16, html: String) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body: html.into_bytes(),
            headers: Vec::new(),
        }
    }

    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: text.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    fn into_response(self) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
        let mut response = tiny_http::Response::from_data(self.body).with_status_code(self.status);
        let mut add = |name: &str, value: &str| {
            if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(header);
            }
        };
        add("Content-Type", self.content_type);
        // A preview changes under the reader: never reuse an old copy.
        add("Cache-Control", "no-store");
        for (name, value) in &self.headers {
            add(name, value);
        }
        response
    }
}

/// The answer to `method url` from what is served (`version` as pages see it).
fn reply(served: &Served, version: &str, method: &str, url: &str) -> Reply {
    if method != "GET" && method != "HEAD" {
        let mut reply = Reply::text(405, "Only GET and HEAD are served here.\n");
        reply.headers.push(("Allow", "GET, HEAD".into()));
        return reply;
    }
    let error = served.error.as_deref();
    if strip_query(url) == VERSION_PATH {
        return Reply::text(200, version);
    }
    let Some(files) = &served.files else {
        // No build has succeeded yet: every address shows why.
        return Reply::html(500, inject(&error_page(), version, error));
    };
    match lookup(files, url) {
        Lookup::Found(key) => {
            let content_type = content_type(key);
            let body = &files[key];
            if content_type.starts_with("text/html") {
                let html = String::from_utf8_lossy(body);
                Reply::html(200, inject(&html, version, error))
            } else {
                Reply {
                    status: 200,
                    content_type,
                    body: body.clone(),
                    headers: Vec::new(),
                }
            }
        }
        Lookup::Redirect(to) => {
            let mut reply = Reply::text(301, &format!("See {to}\n"));
            reply.headers.push(("Location", to));
            reply
        }
        Lookup::Refused => Reply::text(400, "Paths with `..` (or `.`) are refused.\n"),
        Lookup::NotFound(path) => Reply::html(404, inject(&not_found_page(&path), version, error)),
    }
}

/// Where a request's path leads among the built files.
#[derive(Debug, PartialEq, Eq)]
enum Lookup<'a> {
    /// The file with this key.
    Found(&'a str),
    /// A folder asked for without its final slash: go there.
    Redirect(String),
    /// A path with `..`, `.`, a backslash, a NUL or broken escapes.
    Refused,
    /// Nothing there (the decoded path, for the page).
    NotFound(String),
}

/// Finds the file a request's URL names: `/` and `/dir/` are `index.html`
/// and `dir/index.html`; `/dir` redirects to `/dir/` when that exists.
fn lookup<'a>(files: &'a Files, url: &str) -> Lookup<'a> {
    let Some(path) = percent_decode(strip_query(url)) else {
        return Lookup::Refused;
    };
    let Some(rest) = path.strip_prefix('/') else {
        return Lookup::Refused;
    };
    let bad = |segment: &str| {
        segment == ".." || segment == "." || segment.contains('\\') || segment.contains('\0')
    };
    if rest.split('/').any(bad) {
        return Lookup::Refused;
    }
    let key = if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    };
    if let Some((found, _)) = files.get_key_value(&key) {
        return Lookup::Found(found);
    }
    if !rest.is_empty() && !rest.ends_with('/') && files.contains_key(&format!("{rest}/index.html"))
    {
        return Lookup::Redirect(format!("/{rest}/"));
    }
    Lookup::NotFound(path)
}

/// The path part of a request target: without `?query` or `#fragment`.
fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or("")
}

/// Decodes `%XX` escapes; None for a broken escape or text that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type of a built file, by its extension.
fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "js" => "text/javascript; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

// ---------------------------------------------------------------------------
// What serve adds to HTML

/// The script that reloads the page when the served version moves on.
fn reload_script(version: &str) -> String {
    format!(
        r#"<script id="brief-serve-reload">(function(){{var v="{version}";function poll(){{fetch("{VERSION_PATH}",{{cache:"no-store"}}).then(function(r){{return r.text()}}).then(function(t){{if(t!==v){{location.reload()}}else{{setTimeout(poll,500)}}}},function(){{setTimeout(poll,1000)}})}}setTimeout(poll,500)}})();</script>"#,
        version = crate::text::escape(version),
    )
}

/// The banner that shows a failed build's error at the top of a page.
fn error_banner(error: &str) -> String {
    format!(
        concat!(
            r#"<div id="brief-serve-error" role="alert" style="all:initial;display:block;position:relative;z-index:2147483647;"#,
            r#"margin:0;padding:1rem 1.25rem;background:#fdecea;color:#5f1410;border-bottom:4px solid #b3261e;"#,
            r#"font:15px/1.45 system-ui,sans-serif">"#,
            r#"<strong style="display:block">The last build failed. Until it is fixed, this preview shows the last good build.</strong>"#,
            r#"<pre style="margin:.6rem 0 0;white-space:pre-wrap;overflow-x:auto;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;color:#3b0b08">{}</pre>"#,
            "</div>"
        ),
        crate::text::escape(error)
    )
}

/// `html` with the banner (when there is an error) right after `<body …>`
/// and the reload script right before the last `</body>` (or at the ends,
/// where the tags are missing).
fn inject(html: &str, version: &str, error: Option<&str>) -> String {
    // ASCII lowercasing keeps byte offsets, so positions carry over.
    let lower = html.to_ascii_lowercase();
    let body_open = find_body_open(&lower).unwrap_or(0);
    let body_close = lower
        .rfind("</body>")
        .filter(|&at| at >= body_open)
        .unwrap_or(html.len());
    let banner = error.map(error_banner).unwrap_or_default();
    let script = reload_script(version);
    let mut out = String::with_capacity(html.len() + banner.len() + script.len());
    out.push_str(&html[..body_open]);
    out.push_str(&banner);
    out.push_str(&html[body_open..body_close]);
    out.push_str(&script);
    out.push_str(&html[body_close..]);
    out
}

/// The byte just past the `<body …>` tag of lowercased `html`.
fn find_body_open(lower: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = lower[from..].find("<body") {
        let start = from + at;
        let next = lower[start + 5..].chars().next();
        if matches!(next, Some(c) if c == '>' || c.is_ascii_whitespace()) {
            return lower[start..].find('>').map(|end| start + end + 1);
        }
        from = start + 5;
    }
    None
}

/// The page for every address while no build has succeeded (the banner
/// says why).
fn error_page() -> String {
    page(
        "Build failed",
        "<p>The site could not be built. Fix the error above and save: this page reloads by itself.</p>",
    )
}

/// The page for an address with no file.
fn not_found_page(path: &str) -> String {
    page(
        "Not found",
        &format!(
            "<p>There is no page at <code>{}</code> in this build.</p><p><a href=\"/\">Go to the front page</a></p>",
            crate::text::escape(path)
        ),
    )
}

/// A plain page of serve's own.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} · brief serve</title>\n</head>\n<body style=\"margin:0;font:16px/1.5 system-ui,sans-serif\">\n<main style=\"padding:1rem 1.25rem\">\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )
}

// ---------------------------------------------------------------------------
// Watching

/// What to do when the system will not watch more files.
const WATCH_HELP: &str = "on Linux, the limit on watched files may be reached: raise fs.inotify.max_user_watches (sysctl), or close other programs that watch files";

/// The file-system watcher on the project's inputs.
struct Watch {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    /// The input folders watched so far (one created later is added).
    folders: Vec<&'static str>,
}

impl Watch {
    /// Watches `root` (for `site.yaml` and new folders) and its input
    /// folders; every relevant change sends `Message::Changed`.
    fn start(root: &Path, tx: mpsc::Sender<Message>) -> Result<Watch> {
        let base = root.to_path_buf();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let relevant = match event {
                Ok(event) => is_relevant(&base, &event),
                // A lost event may have been anything: rebuild.
                Err(_) => true,
            };
            if relevant {
                let _ = tx.send(Message::Changed);
            }
        })
        .map_err(|e| {
            Error::new(format!("could not watch the project for changes: {e}")).help(WATCH_HELP)
        })?;
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            folders: Vec::new(),
        };
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| {
                Error::new(format!(
                    "could not watch {} for changes: {e}",
                    root.display()
                ))
                .help(WATCH_HELP)
            })?;
        watch.add_new_folders();
        Ok(watch)
    }

    /// Watches the input folders that exist now and were not watched yet.
    fn add_new_folders(&mut self) {
        for folder in INPUT_FOLDERS {
            let dir = self.root.join(folder);
            if self.folders.contains(&folder) || !dir.is_dir() {
                continue;
            }
            match self.watcher.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => self.folders.push(folder),
                Err(e) => eprintln!(
                    "warning: could not watch {folder}/ for changes ({e}); save again after fixing it"
                ),
            }
        }
    }
}

/// Whether a file-system event may change the site: a change (not a mere
/// read) to `site.yaml` or anything under an input folder.
fn is_relevant(root: &Path, event: &notify::Event) -> bool {
    if event.need_rescan() || event.paths.is_empty() {
        return true;
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event
        .paths
        .iter()
        .any(|path| match path.strip_prefix(root) {
            Ok(rel) => is_input(rel),
            Err(_) => true,
        })
}

/// Whether a path relative to the root is one of the project's inputs.
fn is_input(rel: &Path) -> bool {
    let mut components = rel.components();
    match components.next() {
        Some(Component::Normal(first)) => {
            (first == "site.yaml" && components.next().is_none())
                || INPUT_FOLDERS.iter().any(|folder| first == *folder)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        [
            ("index.html", "<html><body><p>front</p></body></html>"),
            (
                "record-crossings/index.html",
                "<html><body>brief</body></html>",
            ),
            ("assets/style.css", "body{}"),
            ("charts/x.svg", "<svg/>"),
            ("figures.json", "{}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
    }

    fn served(error: Option<&str>) -> Served {
        Served {
            files: Some(Arc::new(files())),
            error: error.map(Arc::from),
            version: 3,
        }
    }

    #[test]
    fn looks_up_files_and_folder_indexes() {
        let files = files();
        assert_eq!(lookup(&files, "/"), Lookup::Found("index.html"));
        assert_eq!(lookup(&files, "/?x=1#top"), Lookup::Found("index.html"));
        assert_eq!(
            lookup(&files, "/record-crossings/"),
            Lookup::Found("record-crossings/index.html")
        );
        assert_eq!(
            lookup(&files, "/record-crossings/index.html"),
            Lookup::Found("record-crossings/index.html")
        );
        assert_eq!(
            lookup(&files, "/record-crossings"),
            Lookup::Redirect("/record-crossings/".into())
        );
        assert_eq!(
            lookup(&files, "/charts/x.svg"),
            Lookup::Found("charts/x.svg")
        );
        assert_eq!(
            lookup(&files, "/chart%73/x.svg"),
            Lookup::Found("charts/x.svg")
        );
        assert_eq!(lookup(&files, "/nope/"), Lookup::NotFound("/nope/".into()));
        assert_eq!(
            lookup(&files, "/assets"),
            Lookup::NotFound("/assets".into())
        );
    }

    #[test]
    fn refuses_dot_dot_and_odd_paths() {
        let files = files();
        for url in [
            "/../site.yaml",
            "/assets/../index.html",
            "/assets/%2e%2e/index.html",
            "/%2E%2E/",
            "/./index.html",
            "/assets/..",
            "/a%5c..%5cb",
            "/%00",
            "/%zz",
            "/%e9",
            "index.html",
            "http://example.com/",
        ] {
            assert_eq!(lookup(&files, url), Lookup::Refused, "{url}");
        }
        let reply = reply(&served(None), "v", "GET", "/../index.html");
        assert_eq!(reply.status, 400);
    }

    #[test]
    fn gives_content_types_by_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("charts/x.svg"), "image/svg+xml");
        assert_eq!(content_type("data/x.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("figures.json"), "application/json");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("FEED.XML"), "application/xml");
        assert_eq!(content_type("noextension"), "application/octet-stream");
    }

    #[test]
    fn injects_the_script_before_body_end_and_the_banner_after_body_start() {
        let html = "<html><head></head><BODY class=\"x\"><p>Hi</p></BODY></html>";
        let out = inject(html, "r-7", None);
        let script = reload_script("r-7");
        assert_eq!(
            out,
            format!("<html><head></head><BODY class=\"x\"><p>Hi</p>{script}</BODY></html>")
        );
        assert!(script.contains("\"r-7\"") && script.contains(VERSION_PATH));
        assert!(!out.contains("brief-serve-error"));

        let out = inject(html, "r-7", Some("briefs/a.md:3:4: <oops> & \"more\""));
        let banner_at = out
            .find("<div id=\"brief-serve-error\" role=\"alert\"")
            .unwrap();
        assert_eq!(banner_at, html.find("<p>").unwrap());
        assert!(out.contains("<pre"));
        assert!(out.contains("briefs/a.md:3:4: &lt;oops&gt; &amp; &quot;more&quot;"));
        assert!(!out.contains("<oops>"));
        assert!(out.find("brief-serve-reload").unwrap() > out.find("<p>Hi</p>").unwrap());
    }

    #[test]
    fn injects_into_html_without_body_tags_and_skips_lookalikes() {
        let out = inject("<p>bare</p>", "v", Some("e"));
        assert!(out.starts_with("<div id=\"brief-serve-error\""));
        assert!(out.ends_with("</script>"));
        let html = "<bodyguard></bodyguard><body>x</body>";
        let out = inject(html, "v", Some("e"));
        assert!(out.starts_with("<bodyguard></bodyguard><body><div id=\"brief-serve-error\""));
    }

    #[test]
    fn serves_html_with_script_and_other_files_as_built() {
        let served = served(None);
        let page = reply(&served, "run-3", "GET", "/record-crossings/");
        assert_eq!(page.status, 200);
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        let text = String::from_utf8(page.body).unwrap();
        assert!(text.contains("brief") && text.contains("brief-serve-reload"));

        let css = reply(&served, "run-3", "HEAD", "/assets/style.css");
        assert_eq!((css.status, css.body.as_slice()), (200, &b"body{}"[..]));
        assert_eq!(css.content_type, "text/css; charset=utf-8");

        let version = reply(&served, "run-3", "GET", "/__brief/version?t=1");
        assert_eq!((version.status, version.body), (200, b"run-3".to_vec()));

        let missing = reply(&served, "run-3", "GET", "/gone/");
        assert_eq!(missing.status, 404);
        assert!(
            String::from_utf8(missing.body)
                .unwrap()
                .contains("brief-serve-reload")
        );

        let post = reply(&served, "run-3", "POST", "/");
        assert_eq!(post.status, 405);
        assert_eq!(post.headers, vec![("Allow", "GET, HEAD".to_string())]);

        let moved = reply(&served, "run-3", "GET", "/record-crossings");
        assert_eq!(moved.status, 301);
        assert_eq!(
            moved.headers,
            vec![("Location", "/record-crossings/".into())]
        );
    }

    #[test]
    fn shows_the_error_over_the_last_good_site_or_alone() {
        let page = reply(&served(Some("bad <thing>")), "v", "GET", "/");
        assert_eq!(page.status, 200);
        let text = String::from_utf8(page.body).unwrap();
        assert!(text.contains("role=\"alert\"") && text.contains("bad &lt;thing&gt;"));
        assert!(text.contains("<p>front</p>"));

        let nothing = Served {
            files: None,
            error: Some("site.yaml: broken".into()),
            version: 1,
        };
        for url in ["/", "/record-crossings/", "/assets/style.css"] {
            let page = reply(&nothing, "v", "GET", url);
            assert_eq!(page.status, 500);
            let text = String::from_utf8(page.body).unwrap();
            assert!(text.contains("site.yaml: broken") && text.contains("brief-serve-reload"));
        }
    }

    #[test]
    fn the_version_moves_only_when_what_is_served_changes() {
        let mut served = Served::default();
        assert!(served.apply(Ok(files())));
        assert_eq!(served.version, 1);
        assert!(!served.apply(Ok(files())));
        assert!(served.apply(Err("broken".into())));
        assert!(!served.apply(Err("broken".into())));
        assert!(served.files.is_some(), "the last good site stays");
        assert!(served.apply(Err("broken elsewhere".into())));
        assert!(served.apply(Ok(files())), "the banner goes");
        assert_eq!((served.version, served.error.is_none()), (4, true));
        let mut changed = files();
        changed.insert("new.html".into(), b"x".to_vec());
        assert!(served.apply(Ok(changed)));
    }

    #[test]
    fn watches_only_inputs() {
        let root = Path::new("/p");
        let event =
            |kind: EventKind, path: &str| notify::Event::new(kind).add_path(PathBuf::from(path));
        let modify = EventKind::Modify(notify::event::ModifyKind::Any);
        assert!(is_relevant(root, &event(modify, "/p/briefs/a.md")));
        assert!(is_relevant(root, &event(modify, "/p/site.yaml")));
        assert!(is_relevant(
            root,
            &event(modify, "/p/templates/assets/style.css")
        ));
        assert!(is_relevant(root, &event(modify, "/p/data")));
        assert!(!is_relevant(root, &event(modify, "/p/output/index.html")));
        assert!(!is_relevant(root, &event(modify, "/p/output")));
        assert!(!is_relevant(root, &event(modify, "/p/README.md")));
        let read = EventKind::Access(notify::event::AccessKind::Any);
        assert!(!is_relevant(root, &event(read, "/p/briefs/a.md")));
    }
}
