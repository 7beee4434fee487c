//! `brief` turns data and prose into a published policy-brief site.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `project` (load) → `data` (validate) → `model` → `charts` → `render` →
//! `output` (write), driven by `site`.

pub mod charts;
pub mod error;
pub mod model;

pub use error::{Error, Result};
pub mod brief;
pub mod cli;
pub mod data;
pub mod git;
pub mod hash;
pub mod import;
pub mod init;
pub mod manifest;
pub mod output;
pub mod project;
pub mod render;
pub mod review;
pub mod serve;
pub mod site;
pub mod synthetic;
pub mod text;
pub mod words;
pub mod yaml;
