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
