//! Rendering: a brief's body through Tera, then Markdown, then into the
//! site's HTML templates.

pub mod branches;
pub mod budget;
pub mod chart_fn;
pub mod feed;
pub mod figure;
pub mod filters;
pub mod markdown;
pub mod names;
pub mod table_filters;
pub mod templates;
pub mod urls;
