//! Fuzzes the upload guard: it must never panic, and whatever it accepts must be accepted
//! again after cleaning, unchanged (cleaning is idempotent).
#![no_main]

use chatward_core::{UploadLimits, check_upload};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = UploadLimits::default();
    if let Ok(image) = check_upload(data, &limits) {
        let again = check_upload(&image.bytes, &limits).expect("the cleaned copy is accepted");
        assert_eq!(again.bytes, image.bytes, "cleaning is idempotent");
        assert!(again.removed.is_nothing(), "nothing left to remove");
    }
});
