//! `brief serve`: a local preview that rebuilds on save and reloads the page.

use std::path::Path;

use crate::error::{Error, Result};
use crate::site::BuildOptions;

/// Serves the project at `root` on 127.0.0.1:`port` (0: a free port).
pub fn serve(root: &Path, port: u16, options: &BuildOptions) -> Result<()> {
    let _ = (root, port, options);
    Err(Error::new("brief serve is not written yet"))
}
