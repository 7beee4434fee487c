//! `docs/FIGURES.md`, the glossary of every figure a brief can use, names
//! every key of the bundled site's `figures.json`, and nothing else.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

/// Every leaf key of `value`: `ytd.rank`, `annual[].people`; a map keyed
/// by year (`ytd.same_point`) is one key.
fn keys(value: &serde_json::Value, at: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map)
            if !map.is_empty() && map.keys().all(|k| k.parse::<i32>().is_ok()) =>
        {
            out.insert(at.to_string());
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                keys(v, &path, out);
            }
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            for item in items {
                keys(item, &format!("{at}[]"), out);
            }
        }
        _ => {
            out.insert(at.to_string());
        }
    }
}

/// The figures the glossary's tables name: every `code` in a row's first
/// cell.
fn glossary() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FIGURES.md"))
            .unwrap();
    let mut names = BTreeSet::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap_or_default();
        for part in first.split('`').skip(1).step_by(2) {
            names.insert(part.to_string());
        }
    }
    names
}

#[test]
fn the_glossary_names_every_figure_and_only_figures() {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = common::run(
        root,
        &["build", "--full", "--output", out.path().to_str().unwrap()],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("figures.json")).unwrap())
            .unwrap();
    let mut actual = BTreeSet::new();
    keys(&figures, "", &mut actual);
    let named = glossary();
    let covered = |key: &String| {
        named
            .iter()
            .any(|n| key == n || key.starts_with(&format!("{n}.")))
    };
    let missing: Vec<&String> = actual.iter().filter(|k| !covered(k)).collect();
    assert!(
        missing.is_empty(),
        "figures.json has figures docs/FIGURES.md does not name: {missing:?}"
    );
    let not_figures: Vec<&String> = named
        .iter()
        .filter(|n| {
            !actual
                .iter()
                .any(|k| k == *n || k.starts_with(&format!("{n}.")))
        })
        .collect();
    assert!(
        not_figures.is_empty(),
        "docs/FIGURES.md names what figures.json does not have: {not_figures:?}"
    );
}
