//! `output/manifest.json`: every output file with its SHA-256 and size,
//! every input with its SHA-256, and for each brief the files and figures
//! it is made of. It is how `brief check` knows what changed, and how a
//! reader traces a page back to its sources.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::hash::sha256_hex;
use crate::project::InputFiles;

/// The manifest's own path under the output folder.
pub const MANIFEST_PATH: &str = "manifest.json";

/// The tool that made a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `brief`.
    pub name: String,
    /// The tool's version.
    pub version: String,
}

/// The options a site was built with, so that `brief check` with no flags
/// re-checks the site exactly as it was built.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildRecord {
    /// `--as-of`, as given; `null` when not given (the last day of the data).
    pub as_of: Option<Date>,
    /// Whether briefs marked `draft: true` were included.
    pub drafts: bool,
    /// `--base-url`, as given; `null` when not given (site.yaml's, if any).
    #[serde(default)]
    pub base_url: Option<String>,
}

/// An input file and its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputEntry {
    /// Path relative to the project root.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
}

/// An output file, its hash and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputEntry {
    /// Path relative to the output folder.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// One `{% if %}` … `{% endif %}` choice of a brief, as built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchTaken {
    /// The line of its `if` in the brief's file.
    pub line: usize,
    /// The conditions of its `if` and `elif` arms, in order.
    pub conditions: Vec<String>,
    /// The arm taken, counting from 0 (the `else` is the last); `null`
    /// when no condition held and there is no `else`.
    pub arm: Option<usize>,
    /// The figures its conditions read (`ytd.rank`).
    pub figures: Vec<String>,
}

/// What one brief is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefEntry {
    /// The brief's source file.
    pub source: String,
    /// Its page under the output folder.
    pub page: String,
    /// The charts it places, by name (`cumulative-1a2b3c4d5e6f7081`): their
    /// drawings are in its page.
    pub charts: Vec<String>,
    /// The files its charts link to, shared with every other chart of the
    /// same data: the data (`charts/cumulative-2018-2026.csv`) and the
    /// drawing (`charts/cumulative-2018-2026-highlight-2026.svg`).
    #[serde(default)]
    pub chart_files: Vec<String>,
    /// The figures (top-level keys of `figures.json`) and data it reads.
    pub figures: Vec<String>,
    /// Each `{% if %}` choice of its body, in order, and the arm the
    /// figures took: what `brief diff` compares to find the sentences a
    /// data change switched.
    #[serde(default)]
    pub branches: Vec<BranchTaken>,
    /// Every figure its body derived from a table (see
    /// [`crate::render::table_filters`]), with the expression that made it,
    /// in the order it first used each: what `derived.json` lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<DerivedFigure>,
    /// SHA-256 of everything the page depends on (tool version, options,
    /// site.yaml, templates, data and the brief); an incremental build
    /// reuses the page and its charts while this is unchanged.
    #[serde(default)]
    pub key: String,
}

/// A figure a brief derived from a table: the expression, as the filters
/// chained it (`data.co2 | filter_rows(column="date", from="2019-01-01") |
/// mean(column="co2")`), and its value, unrounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedFigure {
    /// How it was computed.
    pub expression: String,
    /// What it came to.
    pub value: serde_json::Value,
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The tool and version that built the site.
    pub tool: Tool,
    /// The options it was built with (absent in older manifests: the defaults).
    #[serde(default)]
    pub build: BuildRecord,
    /// Every input, sorted by path.
    pub inputs: Vec<InputEntry>,
    /// Each brief by slug.
    pub briefs: BTreeMap<String, BriefEntry>,
    /// Every output file but the manifest, sorted by path.
    pub outputs: Vec<OutputEntry>,
}

impl OutputEntry {
    /// The entry of a file at `path` with these bytes.
    pub fn of(path: &str, bytes: &[u8]) -> OutputEntry {
        OutputEntry {
            path: path.to_string(),
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
        }
    }
}

/// Appends `outputs` as a JSON array, exactly as serde_json's pretty
/// printer writes it two levels deep. A large site lists ten thousand
/// files, written here on every thread, with its paths copied as they
/// stand unless JSON needs them escaped.
fn push_outputs(text: &mut String, outputs: &[OutputEntry]) {
    if outputs.is_empty() {
        text.push_str("[]");
        return;
    }
    let chunks: Vec<String> = outputs
        .par_chunks(1024)
        .map(|chunk| {
            let mut out = String::with_capacity(chunk.len() * 160);
            for entry in chunk {
                out.push_str("    {\n      \"path\": ");
                push_json_string(&mut out, &entry.path);
                out.push_str(",\n      \"sha256\": ");
                push_json_string(&mut out, &entry.sha256);
                out.push_str(",\n      \"size\": ");
                out.push_str(itoa::Buffer::new().format(entry.size));
                out.push_str("\n    },\n");
            }
            out
        })
        .collect();
    text.push_str("[\n");
    chunks.iter().for_each(|c| text.push_str(c));
    // The last entry takes no comma.
    text.truncate(text.len() - 2);
    text.push_str("\n  ]");
}

/// Appends `s` as a JSON string, as serde_json writes it.
fn push_json_string(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

impl Manifest {
    /// The manifest of `outputs` (the manifest's own entry is left out),
    /// built from `inputs`.
    pub fn new(
        inputs: &InputFiles,
        mut outputs: Vec<OutputEntry>,
        briefs: BTreeMap<String, BriefEntry>,
        build: BuildRecord,
        version: &str,
    ) -> Manifest {
        Manifest {
            tool: Tool {
                name: "brief".into(),
                version: version.into(),
            },
            build,
            inputs: inputs
                .par_iter()
                .map(|(path, bytes)| InputEntry {
                    path: path.clone(),
                    sha256: sha256_hex(bytes),
                })
                .collect(),
            briefs,
            outputs: {
                outputs.retain(|o| o.path != MANIFEST_PATH);
                outputs.sort_by(|a, b| a.path.cmp(&b.path));
                outputs
            },
        }
    }

    /// The manifest as pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        /// Everything but the outputs, which come last.
        #[derive(Serialize)]
        struct Head<'m> {
            tool: &'m Tool,
            build: &'m BuildRecord,
            inputs: &'m [InputEntry],
            briefs: &'m BTreeMap<String, BriefEntry>,
        }
        let head = Head {
            tool: &self.tool,
            build: &self.build,
            inputs: &self.inputs,
            briefs: &self.briefs,
        };
        // Room for the whole text up front: a large site's manifest runs
        // to megabytes, and growing it by doubling copies it again and
        // again into fresh memory.
        let room =
            256 + 192 * self.inputs.len() + 640 * self.briefs.len() + 192 * self.outputs.len();
        let mut text = Vec::with_capacity(room);
        if serde_json::to_writer_pretty(&mut text, &head).is_err() || !text.ends_with(b"\n}") {
            return "{}\n".into();
        }
        // serde_json writes UTF-8.
        let mut text = String::from_utf8(text).unwrap_or_default();
        text.truncate(text.len() - 2);
        text.push_str(",\n  \"outputs\": ");
        push_outputs(&mut text, &self.outputs);
        text.push_str("\n}\n");
        text
    }

    /// Reads a manifest written by [`Manifest::to_json`].
    pub fn from_json(text: &str) -> Option<Manifest> {
        serde_json::from_str(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_is_serde_jsons_pretty_json() {
        let mut inputs = InputFiles::new();
        inputs.insert("site.yaml".into(), b"title: x\n".to_vec());
        let paths = [
            "index.html",
            "a \"quoted\" name.html",
            "back\\slash",
            "tab\there",
            "naïve/café – ’25.svg",
            "\u{1}",
        ];
        let mut briefs = BTreeMap::new();
        briefs.insert(
            "b".to_string(),
            BriefEntry {
                source: "briefs/b.md".into(),
                page: "b/index.html".into(),
                charts: vec!["x".into()],
                chart_files: vec!["charts/x.csv".into(), "charts/x.svg".into()],
                figures: vec!["ytd".into()],
                branches: Vec::new(),
                derived: Vec::new(),
                key: "k".into(),
            },
        );
        for n in [0, 1, paths.len(), 3000] {
            let outputs: Vec<OutputEntry> = (0..n)
                .map(|i| OutputEntry::of(&format!("{}{i}", paths[i % paths.len()]), &[i as u8]))
                .collect();
            let m = Manifest::new(
                &inputs,
                outputs,
                briefs.clone(),
                BuildRecord::default(),
                "1",
            );
            let mut expected = serde_json::to_string_pretty(&m).unwrap();
            expected.push('\n');
            assert_eq!(m.to_json(), expected, "{n} outputs");
        }
    }

    #[test]
    fn lists_inputs_and_outputs_with_hashes_but_not_itself() {
        let mut inputs = InputFiles::new();
        inputs.insert("site.yaml".into(), b"title: x\n".to_vec());
        let outputs = vec![
            OutputEntry::of(MANIFEST_PATH, b"{}"),
            OutputEntry::of("index.html", b"<p>hi</p>"),
        ];
        let m = Manifest::new(
            &inputs,
            outputs,
            BTreeMap::new(),
            BuildRecord::default(),
            "9.9.9",
        );
        assert_eq!(m.outputs.len(), 1);
        assert_eq!(m.outputs[0].size, 9);
        assert_eq!(m.outputs[0].sha256, sha256_hex(b"<p>hi</p>"));
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(m.inputs[0].path, "site.yaml");
        let again = Manifest::from_json(&m.to_json()).unwrap();
        assert_eq!(again, m);
    }

    #[test]
    fn records_the_build_options_and_reads_manifests_without_them() {
        let build = BuildRecord {
            as_of: Some(jiff::civil::date(2025, 7, 9)),
            drafts: true,
            base_url: None,
        };
        let m = Manifest::new(
            &InputFiles::new(),
            Vec::new(),
            BTreeMap::new(),
            build.clone(),
            "9.9.9",
        );
        let json = m.to_json();
        assert!(
            json.contains(
                "\"build\": {\n    \"as_of\": \"2025-07-09\",\n    \"drafts\": true,\n    \"base_url\": null\n  }"
            ),
            "{json}"
        );
        assert_eq!(Manifest::from_json(&json).unwrap().build, build);
        let default = Manifest::new(
            &InputFiles::new(),
            Vec::new(),
            BTreeMap::new(),
            BuildRecord::default(),
            "9.9.9",
        );
        assert!(default.to_json().contains("\"as_of\": null"));
        let older = json.replace(
            "\"build\": {\n    \"as_of\": \"2025-07-09\",\n    \"drafts\": true,\n    \"base_url\": null\n  },\n",
            "",
        );
        assert!(!older.contains("\"build\""));
        assert_eq!(
            Manifest::from_json(&older).unwrap().build,
            BuildRecord::default()
        );
    }
}
