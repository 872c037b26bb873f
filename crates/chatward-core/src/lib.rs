//! The pure core of Chatward, shared by the chat pane (wasm) and the relay (native), so the
//! two can never disagree: what counts as sensitive data, which uploads are genuine images,
//! what a shop's policy says, and the frames that travel between them.
//!
//! Nothing here does I/O, reads a clock, draws random numbers or logs. The same input gives
//! the same answer in the browser and on the server.

pub mod json;
pub mod protocol;
mod upload;

mod ask;
pub use ask::requested;

pub use upload::{
    CleanImage, DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, ImageFormat, Refusal, RefusalReason,
    Removed, UploadLimits, check_upload,
};
mod detect;
mod policy;
mod transcript;

pub use policy::{Action, Judged, Policy, PolicyError, Verdict, mask};

pub use detect::{
    CardNetwork, Category, Confidence, Finding, OffsetMap, Offsets, ScanOptions, Scanner, checks,
    scan,
};

pub use transcript::{
    Continuity, TRANSCRIPT_FORMAT, Transcript, TranscriptEntry, TranscriptError, TranscriptHeader,
    compare, render_html, render_text, verify,
};

/// `digits` (0 to 9 only, at least one) as a number, if it fits. The JSON reader's integers,
/// the detector's numbers and the pane's settings are read with this one function, so the
/// pane links none of the standard library's integer parsers (a copy per integer type).
pub fn whole_number(digits: &str) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit()
            .then(|| n.checked_mul(10)?.checked_add(u64::from(b - b'0')))?
    })
}

/// Sorts `items` stably, `is_after(a, b)` saying that `a` belongs after `b`: an insertion
/// sort, for the handful of findings of one message (the detector's candidates, `mask`'s
/// findings), linear on sorted input. The standard library's stable sort would bring its
/// merge sort into the pane's wasm (3.5 KB raw, 1.1 KB brotli); the `dyn` keeps one copy of
/// this per item type, whatever the order.
pub(crate) fn sort_few<T>(items: &mut [T], is_after: &dyn Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && is_after(&items[j - 1], &items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}
