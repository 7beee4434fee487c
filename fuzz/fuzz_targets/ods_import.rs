//! Bytes as a Home Office release (`.ods`): read with and without a given
//! release date. A failure must be an `Error` that prints; nothing may
//! panic and no input may take unbounded memory.
#![no_main]

use std::path::Path;

use brief::import::home_office::read_release;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let file = Path::new("release.ods");
    for released in [None, Some(jiff::civil::date(2026, 8, 21))] {
        match read_release(file, bytes, released) {
            Ok(release) => assert!(!release.days.is_empty()),
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
