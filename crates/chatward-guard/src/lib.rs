//! The upload guard (`chatward_core::check_upload`) as a wasm module of its own.
//!
//! Most chats never attach a picture, so the chat pane does not carry the guard: `boot.js`
//! loads this module on the first picture (`window.chatwardGuard`) and the pane reuses it
//! for the next ones (`src/guard.rs` in the root package). One function is exported:
//! `check(bytes, maxBytes)` answers `{reason}` for a refused file, or `{bytes, mimeType,
//! gps, metadata, trailingData, hiddenPayload}` for a genuine picture, `bytes` being the
//! cleaned copy to send instead of the original.
//!
//! The answer is built as a plain JavaScript object with `js-sys` (no serde: smaller wasm);
//! the conversion itself lives in `answer` and is tested natively.

mod answer;

use chatward_core::check_upload;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

pub use answer::{Answer, limits};

fn set(object: &Object, name: &str, value: impl Into<JsValue>) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(name), &value.into());
}

/// Judges a file the customer attached and cleans it when it is a genuine picture. Never
/// throws: odd bytes are refused. `max_bytes` is the shop's size limit; a value that is not
/// a whole number of bytes refuses every file (see [`limits`]).
#[wasm_bindgen]
pub fn check(bytes: &[u8], max_bytes: f64) -> Object {
    let object = Object::new();
    match Answer::from(check_upload(bytes, &limits(max_bytes))) {
        Answer::Clean {
            bytes,
            mime_type,
            removed,
        } => {
            set(&object, "bytes", Uint8Array::from(bytes.as_slice()));
            set(&object, "mimeType", mime_type);
            set(&object, "gps", removed.gps);
            set(&object, "metadata", removed.metadata);
            set(&object, "trailingData", removed.trailing_data);
            set(&object, "hiddenPayload", removed.hidden_payload);
        }
        Answer::Refused { reason } => set(&object, "reason", reason),
    }
    object
}
