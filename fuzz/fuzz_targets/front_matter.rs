//! Bytes as a brief file: split and parse its front matter. A failure must
//! be an `Error` that prints; nothing may panic.
#![no_main]

use brief::brief::parse_brief;
use brief::project::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let file = SourceFile {
        path: "briefs/fuzzed-brief.md".into(),
        text: text.to_string(),
    };
    match parse_brief(&file) {
        Ok(brief) => assert!(brief.body_offset >= 2),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
