//! Fuzz target: scanning any input (bytes read as lossy UTF-8) never panics, returns sorted,
//! non-overlapping findings on character boundaries, and masking them never panics either.
//!
//! Run: `cd crates/chatward-core/fuzz && cargo +nightly fuzz run scan`.

#![no_main]

use std::sync::OnceLock;

use chatward_core::{Policy, ScanOptions, Scanner, mask};
use libfuzzer_sys::fuzz_target;

/// Built once: building the word index costs far more than one scan.
static SCANNER: OnceLock<Scanner> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scanner = SCANNER.get_or_init(|| {
        Scanner::new(&ScanOptions {
            allow: vec!["+1 800 555 0199".into(), "help@shop.example".into()],
        })
    });
    let findings = scanner.scan(&text);
    let mut last_end = 0;
    for finding in &findings {
        let range = finding.range.clone();
        assert!(range.start < range.end && range.end <= text.len());
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        assert!(range.start >= last_end);
        last_end = range.end;
        let offsets = finding.offsets(&text);
        assert!(offsets.chars.end <= offsets.utf16.end);
    }
    let mut policy = Policy::default();
    for category in chatward_core::Category::ALL {
        policy.set(category, chatward_core::Action::Mask);
    }
    let masked = mask(&text, &findings, &policy);
    assert!(!masked.is_empty() || text.is_empty());
});
