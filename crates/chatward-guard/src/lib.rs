//! The upload guard for JavaScript: `checkUpload(bytes, options?)`, one function over
//! `chatward_core::check_upload`, as a wasm module of its own.
//!
//! Most chats never attach a picture, so the chat pane does not carry the guard: `boot.js`
//! loads this module on the first picture (`window.chatwardGuard`) and the pane reuses it
//! for the next ones (`src/guard.rs` in the root package). The npm package's privacy engine
//! (`crates/chatward-engine`) exports this same function, so a shop's own forms and the
//! pane get the same answer, in the same shape.
//!
//! The answer is built as a plain JavaScript object with `js-sys` (no serde: smaller wasm);
//! the conversion itself lives in `view` and is tested natively.

mod view;

use chatward_core::check_upload;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

pub use view::{MaxBytesError, UploadView, limits, upload};

/// `options[name]` when `options` is an object and the property is neither null nor
/// undefined (shared with the engine's other functions).
pub fn property(options: &JsValue, name: &str) -> Option<JsValue> {
    if !options.is_object() {
        return None;
    }
    Reflect::get(options, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// Sets `object[name]` (shared with the engine's other functions).
pub fn set(object: &Object, name: &str, value: impl Into<JsValue>) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(name), &value.into());
}

/// Judges an upload: `{verdict: "allow", format, mimeType, width, height, animated,
/// cleaned, removed}` or `{verdict: "block", format, reason, message, removed}`.
/// `options.maxBytes` lowers or raises the size limit (default 10 MB); an invalid value
/// throws.
#[wasm_bindgen(js_name = checkUpload)]
pub fn check_upload_js(bytes: &[u8], options: JsValue) -> Result<Object, JsError> {
    let max_bytes = property(&options, "maxBytes").map(|value| value.as_f64().unwrap_or(f64::NAN));
    let limits = limits(max_bytes).map_err(|MaxBytesError(value)| {
        let shown = js_sys::Number::from(value)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        JsError::new(&format!(
            "maxBytes must be a whole number of bytes, not {shown}"
        ))
    })?;
    let object = Object::new();
    let removed = Object::new();
    match upload(check_upload(bytes, &limits)) {
        UploadView::Allow {
            format,
            mime_type,
            width,
            height,
            animated,
            cleaned,
            removed: what,
        } => {
            set(&object, "verdict", "allow");
            set(&object, "format", format);
            set(&object, "mimeType", mime_type);
            set(&object, "width", width);
            set(&object, "height", height);
            set(&object, "animated", animated);
            set(&object, "cleaned", Uint8Array::from(cleaned.as_slice()));
            set(&removed, "gps", what.gps);
            set(&removed, "metadata", what.metadata);
            set(&removed, "trailingData", what.trailing_data);
            set(&removed, "hiddenPayload", what.hidden_payload);
        }
        UploadView::Block {
            format,
            reason,
            message,
        } => {
            set(&object, "verdict", "block");
            set(&object, "format", format);
            set(&object, "reason", reason);
            set(&object, "message", message);
            for name in ["gps", "metadata", "trailingData", "hiddenPayload"] {
                set(&removed, name, false);
            }
        }
    }
    set(&object, "removed", removed);
    Ok(object)
}
