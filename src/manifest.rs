//! `output/manifest.json`: every output file with its SHA-256 and size,
//! every input with its SHA-256, and for each brief the files and figures
//! it is made of. It is how `brief check` knows what changed, and how a
//! reader traces a page back to its sources.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

/// What one brief is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefEntry {
    /// The brief's source file.
    pub source: String,
    /// Its page under the output folder.
    pub page: String,
    /// The chart files it places.
    pub charts: Vec<String>,
    /// The figures (top-level keys of `figures.json`) and data it reads.
    pub figures: Vec<String>,
    /// SHA-256 of everything the page depends on (tool version, options,
    /// site.yaml, templates, data and the brief); an incremental build
    /// reuses the page and its charts while this is unchanged.
    #[serde(default)]
    pub key: String,
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

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hex. Every output file's hash is written this way,
/// so without a `format!` per byte.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
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
                .iter()
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
        // Room for the whole text up front: a large site's manifest runs
        // to megabytes, and growing it by doubling copies it again and
        // again into fresh memory.
        let room =
            256 + 192 * self.inputs.len() + 640 * self.briefs.len() + 192 * self.outputs.len();
        let mut text = Vec::with_capacity(room);
        if serde_json::to_writer_pretty(&mut text, self).is_err() {
            return "{}\n".into();
        }
        text.push(b'\n');
        // serde_json writes UTF-8.
        String::from_utf8(text).unwrap_or_else(|_| "{}\n".into())
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
        assert_eq!(hex(&[0, 1, 0x0f, 0x10, 0xab, 0xff]), "00010f10abff");
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
