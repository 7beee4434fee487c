//! Reading and validating the data files: YAML in, typed and checked values out.

pub mod crossings;
pub mod pilot;
pub mod yaml;
