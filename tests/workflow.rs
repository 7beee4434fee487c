//! The GitHub Actions workflow and the script it calls: the workflow parses
//! as YAML and has the triggers, jobs and steps the weekly review relies on;
//! `scripts/pr-summary` runs `brief diff --base`, appends its report to the
//! job summary, and fails when the diff fails.
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `.github/workflows/brief.yml`, parsed by the crate's own YAML reader
/// (YAML 1.2, duplicate keys refused).
fn workflow() -> Value {
    let path = repo().join(".github/workflows/brief.yml");
    let text = fs::read_to_string(&path).unwrap();
    brief::yaml::parse(Path::new(".github/workflows/brief.yml"), &text, 0)
        .unwrap_or_else(|e| panic!("the workflow is not valid YAML: {e}"))
}

fn steps(job: &Value) -> &Vec<Value> {
    job["steps"].as_array().expect("a job has steps")
}

/// Every `run:` of a job, joined.
fn runs(job: &Value) -> String {
    steps(job)
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The step that uses `action` (`owner/name`, any version).
fn uses<'a>(job: &'a Value, action: &str) -> Option<&'a Value> {
    steps(job).iter().find(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.split('@').next() == Some(action))
    })
}

#[test]
fn the_workflow_runs_on_pull_requests_and_pushes_to_main() {
    let w = workflow();
    let on = &w["on"];
    assert!(on.is_object(), "`on` must be a mapping: {w:#}");
    assert!(on.get("pull_request").is_some(), "{on:#}");
    assert_eq!(on["push"]["branches"], serde_json::json!(["main"]));
    assert_eq!(w["permissions"]["contents"], "read");
}

#[test]
fn every_step_runs_or_uses_a_pinned_action() {
    let w = workflow();
    let jobs = w["jobs"].as_object().unwrap();
    assert_eq!(
        jobs.keys().collect::<Vec<_>>(),
        ["review", "deploy"],
        "{w:#}"
    );
    for (name, job) in jobs {
        assert_eq!(job["runs-on"], "ubuntu-latest", "{name}");
        for step in steps(job) {
            let run = step.get("run").is_some();
            let action = step["uses"].as_str();
            assert!(run != action.is_some(), "{name}: {step:#}");
            if let Some(action) = action {
                let (_, version) = action.split_once('@').unwrap_or_default();
                assert!(!version.is_empty(), "{name}: {action} has no version");
            }
        }
        // Every job installs Rust before it runs cargo.
        let toolchain = uses(job, "dtolnay/rust-toolchain").expect("rust installed");
        assert_eq!(toolchain["uses"], "dtolnay/rust-toolchain@stable");
        assert!(runs(job).contains("cargo test --locked"), "{name}");
        assert!(
            runs(job).contains("cargo run --locked --release -- build"),
            "{name}"
        );
        // Every build sees the whole history: the corrections log reads it.
        let checkout = uses(job, "actions/checkout").expect("a checkout");
        assert_eq!(checkout["with"]["fetch-depth"], 0, "{name}");
    }
}

#[test]
fn the_pull_request_job_tests_builds_and_writes_the_diff_to_the_summary() {
    let w = workflow();
    let job = &w["jobs"]["review"];
    assert_eq!(job["if"], "github.event_name == 'pull_request'");
    let checkout = uses(job, "actions/checkout").expect("a checkout");
    assert_eq!(checkout["with"]["fetch-depth"], 0, "the whole history");
    let all = runs(job);
    let test = all.find("cargo test --locked").unwrap();
    let build = all.find("-- build").unwrap();
    let diff = all.find("scripts/pr-summary").expect("the diff step");
    assert!(test < build && build < diff, "{all}");
    let step = steps(job)
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains("pr-summary")))
        .unwrap();
    assert_eq!(step["run"], "scripts/pr-summary \"$BASE\"");
    // The base is passed through the environment, not pasted into the script.
    assert_eq!(step["env"]["BASE"], "origin/${{ github.base_ref }}");
    let script = repo().join("scripts/pr-summary");
    let mode = fs::metadata(&script).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "scripts/pr-summary must be executable");
}

#[test]
fn the_main_job_builds_and_deploys_to_pages() {
    let w = workflow();
    let job = &w["jobs"]["deploy"];
    assert_eq!(
        job["if"],
        "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    );
    assert_eq!(job["permissions"]["pages"], "write");
    assert_eq!(job["permissions"]["id-token"], "write");
    assert_eq!(job["environment"]["name"], "github-pages");
    assert_eq!(
        job["environment"]["url"],
        "${{ steps.deployment.outputs.page_url }}"
    );
    assert!(job["concurrency"]["group"].is_string(), "{job:#}");
    let upload = uses(job, "actions/upload-pages-artifact").expect("an upload");
    assert_eq!(upload["with"]["path"], "output");
    let deploy = uses(job, "actions/deploy-pages").expect("a deploy");
    assert_eq!(deploy["id"], "deployment");
    let position = |s: &Value| steps(job).iter().position(|x| x == s).unwrap();
    assert!(position(upload) < position(deploy));
    assert!(runs(job).contains("-- build"));
}

// ---------------------------------------------------------------------------
// scripts/pr-summary

/// A stand-in for the brief binary that prints its arguments as Markdown and
/// exits with `$FAKE_EXIT`.
fn fake_brief(dir: &Path) -> PathBuf {
    let path = dir.join("fake-brief");
    fs::write(
        &path,
        "#!/bin/sh\nprintf '## brief diff\\n\\nargs: %s\\n' \"$*\"\nexit \"${FAKE_EXIT:-0}\"\n",
    )
    .unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `scripts/pr-summary args` in `cwd` with `brief` as the binary.
fn pr_summary(cwd: &Path, brief: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(repo().join("scripts/pr-summary"));
    command
        .current_dir(cwd)
        .args(args)
        .env("BRIEF", brief)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_BASE_REF");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("bash runs the script");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn pr_summary_appends_the_diff_to_the_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let brief = fake_brief(dir.path());
    let summary = dir.path().join("summary.md");
    fs::write(&summary, "Earlier step.\n").unwrap();
    let summary_env = summary.to_str().unwrap();

    let out = pr_summary(
        dir.path(),
        &brief,
        &[],
        &[
            ("GITHUB_STEP_SUMMARY", summary_env),
            ("GITHUB_BASE_REF", "main"),
        ],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    let report = "## brief diff\n\nargs: diff --base origin/main\n";
    assert_eq!(out.stdout, report);
    assert_eq!(
        fs::read_to_string(&summary).unwrap(),
        format!("Earlier step.\n{report}")
    );

    // An explicit base wins.
    let out = pr_summary(
        dir.path(),
        &brief,
        &["origin/release"],
        &[("GITHUB_STEP_SUMMARY", summary_env)],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        fs::read_to_string(&summary)
            .unwrap()
            .ends_with("args: diff --base origin/release\n")
    );
}

#[test]
fn pr_summary_without_a_job_summary_only_prints() {
    let dir = tempfile::tempdir().unwrap();
    let brief = fake_brief(dir.path());
    let out = pr_summary(dir.path(), &brief, &["HEAD"], &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "## brief diff\n\nargs: diff --base HEAD\n");
    let files: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "only the fake binary");
}

#[test]
fn pr_summary_fails_when_the_diff_fails() {
    let dir = tempfile::tempdir().unwrap();
    let brief = fake_brief(dir.path());
    let summary = dir.path().join("summary.md");
    let out = pr_summary(
        dir.path(),
        &brief,
        &["origin/main"],
        &[
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ("FAKE_EXIT", "3"),
        ],
    );
    assert_eq!(out.status, 3);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("brief diff --base origin/main failed"));
    let written = fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("**`brief diff --base origin/main` failed** (exit 3)"),
        "{written}"
    );
    assert!(!written.contains("args:"), "no half report: {written}");
}

/// `git` in `dir`, asserting success.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pr_summary_reports_what_brief_diff_reports_in_a_git_checkout() {
    // With the real binary, in a fixture project under git with one day's
    // count changed since the last commit: the script's exit code, output
    // and summary are exactly those of `brief diff --base HEAD`.
    let p = common::Project::new();
    p.brief(
        "so-far",
        &common::brief_text("So far", "2023-03-20", "So far: {{ ytd.people }}.\n"),
    );
    git(p.root(), &["init", "-q"]);
    git(p.root(), &["add", "."]);
    git(p.root(), &["commit", "-q", "-m", "fixture"]);
    let data = p.read("data/crossings.yaml");
    let line = data
        .lines()
        .find(|l| l.contains("date: 2023-03-30,"))
        .unwrap()
        .to_string();
    p.write(
        "data/crossings.yaml",
        data.replace(&line, &line.replacen("people: 1", "people: 2", 1)),
    );

    let binary = Path::new(env!("CARGO_BIN_EXE_brief"));
    let direct = Command::new(binary)
        .current_dir(p.root())
        .args(["diff", "--base", "HEAD"])
        .output()
        .unwrap();
    let summary = p.path("summary.md");
    let out = pr_summary(
        p.root(),
        binary,
        &["HEAD"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(
        out.status,
        direct.status.code().unwrap_or(-1),
        "{}",
        out.stderr
    );
    if direct.status.success() {
        let report = String::from_utf8_lossy(&direct.stdout);
        assert_eq!(out.stdout, report);
        assert_eq!(fs::read_to_string(&summary).unwrap(), report);
    } else {
        assert!(out.stdout.is_empty());
        assert!(
            fs::read_to_string(&summary)
                .unwrap()
                .contains("`brief diff --base HEAD` failed")
        );
    }
}
