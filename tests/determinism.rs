//! Byte-identical output: the same inputs built twice by the real binary,
//! under different conditions — another project folder, another working
//! directory, time zone, locale, thread count, `SOURCE_DATE_EPOCH`, and the
//! files written to disk in another order — give the same files, byte for
//! byte, manifest included; and no output file names the folder it was
//! built in.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::{Project, brief_text, snapshot};

/// The conditions of one build.
struct Conditions<'a> {
    tz: &'a str,
    locale: &'a str,
    threads: &'a str,
    source_date_epoch: Option<&'a str>,
}

const FIRST: Conditions = Conditions {
    tz: "UTC",
    locale: "C",
    threads: "1",
    source_date_epoch: None,
};

const SECOND: Conditions = Conditions {
    tz: "Pacific/Auckland",
    locale: "en_GB.UTF-8",
    threads: "8",
    source_date_epoch: Some("1700000000"),
};

/// Runs `brief build` in `cwd` with `--root root` under `conditions`,
/// asserting success.
fn build(cwd: &Path, root: &Path, conditions: &Conditions) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
    command
        .current_dir(cwd)
        .arg("--root")
        .arg(root)
        .arg("build")
        .env("TZ", conditions.tz)
        .env("LC_ALL", conditions.locale)
        .env("LANG", conditions.locale)
        .env("RAYON_NUM_THREADS", conditions.threads)
        .env("RUST_TEST_THREADS", conditions.threads)
        .env_remove("RUST_LOG");
    match conditions.source_date_epoch {
        Some(epoch) => command.env("SOURCE_DATE_EPOCH", epoch),
        None => command.env_remove("SOURCE_DATE_EPOCH"),
    };
    let out = command.output().expect("the brief binary runs");
    assert!(
        out.status.success(),
        "build in {} failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes `files` under `root` in the order given.
fn write_in_order<'a>(root: &Path, files: impl Iterator<Item = (&'a String, &'a Vec<u8>)>) {
    for (rel, bytes) in files {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

/// Builds `inputs` twice — once as written in sorted order into one folder
/// under the first conditions, once in reverse order into a deeper folder
/// with a space in its name under the second — and asserts the outputs are
/// the same bytes.
fn assert_reproducible(inputs: &BTreeMap<String, Vec<u8>>) {
    let a = tempfile::tempdir().unwrap();
    let a_root = a.path().join("site");
    write_in_order(&a_root, inputs.iter());
    // The first build runs inside its project with a relative root.
    build(&a_root, Path::new("."), &FIRST);

    let b = tempfile::tempdir().unwrap();
    let b_root = b.path().join("another place").join("brief copy");
    write_in_order(&b_root, inputs.iter().rev());
    // The second runs from elsewhere with an absolute root.
    build(b.path(), &b_root, &SECOND);

    let first = snapshot(&a_root.join("output"));
    let second = snapshot(&b_root.join("output"));
    assert!(first.contains_key("manifest.json"), "no manifest");
    assert!(first.contains_key("figures.json"), "no figures");
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>(),
        "the two builds wrote different files"
    );
    for (path, bytes) in &first {
        assert!(
            bytes == &second[path],
            "{path} differs between the two builds{}",
            first_difference(bytes, &second[path])
        );
    }

    for (root, files) in [(&a_root, &first), (&b_root, &second)] {
        let mut needles = vec![root.display().to_string()];
        if let Ok(real) = root.canonicalize() {
            needles.push(real.display().to_string());
        }
        for (path, bytes) in files {
            let text = String::from_utf8_lossy(bytes);
            for needle in &needles {
                assert!(
                    !text.contains(needle.as_str()),
                    "{path} contains the project folder {needle}"
                );
            }
        }
    }
}

/// Where two byte strings first differ, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let around = |s: &[u8]| {
        let from = at.saturating_sub(40);
        String::from_utf8_lossy(&s[from..(at + 40).min(s.len())]).into_owned()
    };
    format!(
        " at byte {at}:\n  first:  {:?}\n  second: {:?}",
        around(a),
        around(b)
    )
}

/// The repository's own inputs: `site.yaml`, `briefs/`, `data/`, `templates/`.
fn bundled_inputs() -> BTreeMap<String, Vec<u8>> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = BTreeMap::new();
    inputs.insert(
        "site.yaml".to_string(),
        fs::read(repo.join("site.yaml")).unwrap(),
    );
    for folder in ["briefs", "data", "templates"] {
        for (rel, bytes) in snapshot(&repo.join(folder)) {
            inputs.insert(format!("{folder}/{rel}"), bytes);
        }
    }
    inputs
}

#[test]
fn the_bundled_site_builds_to_the_same_bytes_under_other_conditions() {
    assert_reproducible(&bundled_inputs());
}

#[test]
fn a_fixture_site_builds_to_the_same_bytes_under_other_conditions() {
    let p = Project::new();
    let body =
        "Arrivals so far this year: {{ ytd.people | thousands }}, as of {{ as_of | uk_date }}.

{{ chart(name=\"cumulative\", years=[2021, 2022, 2023], highlight=2023) }}

{% if pilot.started %}Arrivals since the pilot began: {{ pilot.arrivals | thousands }}.{% endif %}
";
    for (i, slug) in ["alpha", "bravo", "charlie", "delta", "echo"]
        .iter()
        .enumerate()
    {
        p.brief(
            slug,
            &brief_text(slug, &format!("2023-03-{:02}", 10 + i), body),
        );
    }
    let inputs: BTreeMap<String, Vec<u8>> = snapshot(p.root());
    assert!(inputs.keys().any(|k| k.starts_with("templates/assets/")));
    assert_reproducible(&inputs);
}

#[test]
fn a_synthetic_site_of_many_batches_builds_to_the_same_bytes_under_other_conditions() {
    // 150 briefs with three charts each: several batches of briefs on
    // several threads, charts drawn in whatever order the threads reach
    // them, files that share their bytes linked to one another.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("synthetic");
    let out = Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("synthetic")
        .arg("150")
        .arg(&site)
        .output()
        .expect("the brief binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inputs = snapshot(&site);
    assert!(inputs.keys().filter(|k| k.starts_with("briefs/")).count() >= 150);
    assert_reproducible(&inputs);
}
