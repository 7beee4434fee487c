//! Commands built on a whole build: is what is published what the sources
//! say (`check`), and which numbers a change moves (`diff`).

pub mod check;
pub mod diff;
pub mod git;
