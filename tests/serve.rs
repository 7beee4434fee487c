//! `brief serve` as a person uses it: the real binary on a fixture project,
//! asked over plain HTTP (std's TcpStream). Pages carry the reload script;
//! a save shows up in the served page; a broken brief keeps the last good
//! page under an error banner, and fixing it removes the banner; a first
//! build that fails shows the error instead of exiting; Ctrl-C stops it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{LAST, Project, brief_text};

/// How long a change may take to show in a served page.
const PATIENCE: Duration = Duration::from_secs(15);

/// A brief that quotes a number the test can compute and places a chart.
const BODY: &str = "Arrivals so far this year: {{ ytd.people | thousands }}.

{{ chart(name=\"cumulative\") }}
";

/// People so far in the last year of the fixture series, with separators.
fn ytd_people() -> String {
    let n: u64 = common::series()
        .iter()
        .filter(|d| d.date.year() == LAST.year())
        .map(|d| d.people)
        .sum();
    common::thousands(n)
}

/// A running `brief serve`, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    /// Starts `brief --root <p> serve --port 0` and waits for its address.
    fn start(p: &Project) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("--root")
            .arg(p.root())
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the brief binary starts");
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(|l| l.ok()) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let mut serve = Serve {
            child,
            port: 0,
            stdout,
            stderr,
        };
        let line = serve.line_with("Serving ");
        let address = line
            .split("http://127.0.0.1:")
            .nth(1)
            .unwrap_or_else(|| panic!("no 127.0.0.1 address in {line:?}"));
        serve.port = address
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("no port in {line:?}"));
        assert!(line.ends_with("/ (Ctrl-C to stop)"), "{line}");
        serve
    }

    /// Waits for a stdout line containing `needle`, and returns it.
    fn line_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!(
                    "no line with {needle:?} on stdout; stderr:\n{}",
                    self.stderr()
                ),
            }
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// GET `path`.
    fn get(&self, path: &str) -> Response {
        request(self.port, "GET", path)
    }

    /// GETs `path` until `ready` holds of the response; returns it.
    fn poll(&self, path: &str, what: &str, ready: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let response = self.get(path);
            if ready(&response) {
                return response;
            }
            if Instant::now() > deadline {
                panic!(
                    "{path} never showed {what}; last response:\n{}\n\nstderr:\n{}",
                    response.body,
                    self.stderr()
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response, as far as the tests look.
#[derive(Debug)]
struct Response {
    status: u16,
    /// Header lines, lowercased names.
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_banner(&self) -> bool {
        self.body.contains("role=\"alert\"")
    }
}

/// Sends one request (the target as given, unnormalised) and reads the reply.
fn request(port: u16, method: &str, target: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("could not send {method} {target}: {e}"));
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no header block in the answer to {method} {target}: {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

#[test]
fn serves_the_site_from_memory_with_the_reload_script() {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    let serve = Serve::start(&p);

    let front = serve.get("/");
    assert_eq!(front.status, 200, "{}", front.body);
    assert_eq!(
        front.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(front.body.contains("So far"));
    assert!(front.body.contains("/__brief/version"));

    let page = serve.get("/so-far/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&ytd_people()), "{}", page.body);
    let script = page.body.find("<script id=\"brief-serve-reload\"").unwrap();
    assert!(script < page.body.rfind("</body>").unwrap());
    assert!(!page.has_banner());

    // A folder without its slash goes to the folder.
    let moved = serve.get("/so-far");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/so-far/"));

    // Other files as built, with their types.
    let css = serve.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("brief-serve"));
    let end = page.body.find(".csv\"").expect("the page places a chart") + 4;
    let start = page.body[..end].rfind("charts/").unwrap();
    let data = serve.get(&format!("/{}", &page.body[start..end]));
    assert_eq!(data.status, 200, "{}", &page.body[start..end]);
    assert_eq!(data.header("content-type"), Some("text/csv; charset=utf-8"));
    let figures = serve.get("/figures.json");
    assert_eq!(figures.header("content-type"), Some("application/json"));

    // Unknown paths, `..`, and methods other than GET and HEAD.
    let missing = serve.get("/no-such-brief/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("/__brief/version"));
    assert_eq!(serve.get("/../site.yaml").status, 400);
    assert_eq!(serve.get("/assets/%2e%2e/index.html").status, 400);
    let head = request(serve.port, "HEAD", "/so-far/");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    let post = request(serve.port, "POST", "/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));

    // A preview writes nothing: output/ is the published site alone.
    assert!(!p.path("output").exists());
    drop(serve);

    // And a build has no trace of serve.
    p.build_ok(&[]);
    for (path, bytes) in p.snapshot("output") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("brief-serve"), "{path}");
        assert!(!text.contains("__brief"), "{path}");
    }
}

#[test]
fn rebuilds_on_save_and_shows_a_failed_build_over_the_last_good_one() {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    let serve = Serve::start(&p);
    let first = serve.get("/so-far/");
    assert!(first.body.contains(&ytd_people()));
    let version = serve.get("/__brief/version").body;

    // A save shows up, and the version moves so open pages reload.
    let edited = format!("A sentence added in the editor.\n\n{BODY}");
    p.brief("so-far", &brief_text("So far", "2023-03-20", &edited));
    serve.poll("/so-far/", "the edit", |r| {
        r.body.contains("A sentence added in the editor.")
    });
    let rebuilt = serve.line_with("Rebuilt in ");
    assert!(rebuilt.contains("1 brief, "), "{rebuilt}");
    assert_ne!(serve.get("/__brief/version").body, version);

    // A broken brief: the banner, over the last good page.
    let broken = format!("{edited}\nThis is {{{{ undefined_thing }}}}.\n");
    p.brief("so-far", &brief_text("So far", "2023-03-20", &broken));
    let page = serve.poll("/so-far/", "the error banner", Response::has_banner);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("A sentence added in the editor."));
    assert!(page.body.contains(&ytd_people()));
    let banner = &page.body[page.body.find("role=\"alert\"").unwrap()..];
    let pre = &banner[banner.find("<pre").unwrap()..banner.find("</pre>").unwrap()];
    assert!(pre.contains("briefs/so-far.md:"), "{pre}");
    assert!(pre.contains("undefined_thing"), "{pre}");
    assert!(
        page.body.find("role=\"alert\"").unwrap() < page.body.find("A sentence added").unwrap(),
        "the banner is at the top"
    );
    // Every page shows it, the front page too.
    assert!(serve.get("/").has_banner());
    let deadline = Instant::now() + PATIENCE;
    while !serve.stderr().contains("undefined_thing") {
        assert!(Instant::now() < deadline, "no error on stderr");
        thread::sleep(Duration::from_millis(50));
    }
    assert!(serve.stderr().contains("error: briefs/so-far.md:"));

    // Fixed: the banner goes.
    let fixed = format!("{edited}\nFixed now.\n");
    p.brief("so-far", &brief_text("So far", "2023-03-20", &fixed));
    let page = serve.poll("/so-far/", "the fix without a banner", |r| {
        r.body.contains("Fixed now.") && !r.has_banner()
    });
    assert_eq!(page.status, 200);
    assert!(!serve.get("/").has_banner());
}

#[test]
fn a_runaway_template_is_stopped_and_the_last_good_site_stays() {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    let serve = Serve::start(&p);
    assert!(serve.get("/so-far/").body.contains(&ytd_people()));
    // 10¹⁰ turns of a loop: without a budget this runs until killed.
    let runaway = format!(
        "{BODY}\n{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{{% endfor %}}{{% endfor %}}\n"
    );
    p.brief("so-far", &brief_text("So far", "2023-03-20", &runaway));
    let started = Instant::now();
    let page = serve.poll("/so-far/", "the error banner", Response::has_banner);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(page.body.contains(&ytd_people()), "the last good page");
    // The loop count or the time, whichever runs out first (tests run a
    // debug build).
    assert!(
        page.body.contains("stay within its budget"),
        "{}",
        page.body
    );
    // It goes on serving and rebuilding.
    let fixed = format!("{BODY}\nFixed now.\n");
    p.brief("so-far", &brief_text("So far", "2023-03-20", &fixed));
    serve.poll("/so-far/", "the fix without a banner", |r| {
        r.body.contains("Fixed now.") && !r.has_banner()
    });
}

#[test]
fn a_first_build_that_fails_shows_the_error_until_it_is_fixed() {
    let p = Project::new();
    p.brief(
        "so-far",
        &brief_text("So far", "2023-03-20", "Broken {{ undefined_thing }}.\n"),
    );
    let serve = Serve::start(&p);
    let page = serve.get("/so-far/");
    assert_eq!(page.status, 500);
    assert!(page.has_banner());
    assert!(page.body.contains("undefined_thing"));
    assert!(page.body.contains("/__brief/version"));
    assert!(serve.get("/").has_banner());

    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    let page = serve.poll("/so-far/", "the fixed site", |r| r.status == 200);
    assert!(!page.has_banner());
    assert!(page.body.contains(&ytd_people()));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let p = Project::new();
    p.brief("so-far", &brief_text("So far", "2023-03-20", BODY));
    let mut serve = Serve::start(&p);
    assert_eq!(serve.get("/").status, 200);
    let sent = Command::new("kill")
        .args(["-INT", &serve.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = serve.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}; stderr:\n{}", serve.stderr());
    serve.line_with("Stopped");
    assert!(TcpStream::connect(("127.0.0.1", serve.port)).is_err());
}
