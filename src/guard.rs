//! The upload guard, loaded on the first picture rather than with the pane.
//!
//! `chatward_core::check_upload` is about 13 KB of brotli that most chats never use, so it
//! is a wasm module of its own (`crates/chatward-guard`, `dist/pane/guard.js` and
//! `guard_bg.wasm`). `web/boot.js` defines `window.chatwardGuard()`, which imports the module
//! once, resolves to its `checkUpload` function (the one the npm engine exports too) and
//! forgets a failed load so the next picture tries again. Nothing of a file leaves the browser unchecked: when the guard cannot be
//! loaded or answers oddly, [`check`] says [`Unavailable`] and the pane sends nothing.

use chatward_core::{RefusalReason, Removed};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `window.chatwardGuard()` from `web/boot.js`: a promise of the guard's `checkUpload`.
    /// Throws when boot.js did not define it (a page without it, the wasm tests).
    #[wasm_bindgen(catch, js_namespace = window, js_name = chatwardGuard)]
    fn load_guard() -> Result<Promise, JsValue>;
}

/// The guard's verdict on one file.
#[derive(Debug)]
pub enum Checked {
    /// A genuine picture; its cleaned copy is what is shown and sent.
    Clean(CleanCopy),
    /// Refused; nothing of it may be sent.
    Refused(RefusalReason),
}

/// The cleaned copy of an accepted picture.
pub struct CleanCopy {
    /// The picture without metadata or trailing data.
    pub bytes: Vec<u8>,
    /// The MIME type to send it with (`"image/jpeg"`).
    pub mime_type: String,
    /// What cleaning removed.
    pub removed: Removed,
}

impl std::fmt::Debug for CleanCopy {
    // The bytes are the customer's picture: print their length, never their content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CleanCopy")
            .field("bytes", &self.bytes.len())
            .field("mime_type", &self.mime_type)
            .field("removed", &self.removed)
            .finish()
    }
}

/// The guard could not be loaded (offline, blocked, not served) or gave an answer the pane
/// cannot read; the file is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

/// Judges `bytes` with the guard, loading it on first use, under the shop's `max_bytes`.
pub async fn check(bytes: &Uint8Array, max_bytes: u64) -> Result<Checked, Unavailable> {
    let loading = load_guard().map_err(|_| Unavailable)?;
    let check: Function = JsFuture::from(loading)
        .await
        .map_err(|_| Unavailable)?
        .dyn_into()
        .map_err(|_| Unavailable)?;
    let options = Object::new();
    // A JS number holds every whole number of bytes a browser can read into memory.
    Reflect::set(
        &options,
        &"maxBytes".into(),
        &JsValue::from_f64(max_bytes as f64),
    )
    .map_err(|_| Unavailable)?;
    let answer = check
        .call2(&JsValue::NULL, bytes, &options)
        .map_err(|_| Unavailable)?;
    read(&answer)
}

/// Reads the guard's answer: `{verdict: "block", reason, ...}` or `{verdict: "allow",
/// cleaned, mimeType, removed: {gps, metadata, trailingData, hiddenPayload}, ...}` (see
/// `crates/chatward-guard`).
fn read(answer: &JsValue) -> Result<Checked, Unavailable> {
    let field =
        |of: &JsValue, name: &str| Reflect::get(of, &JsValue::from_str(name)).unwrap_or_default();
    match field(answer, "verdict").as_string().as_deref() {
        Some("block") => {
            let code = field(answer, "reason").as_string().ok_or(Unavailable)?;
            // An unknown code is a guard from another version: fail closed, never send.
            RefusalReason::from_code(&code)
                .map(Checked::Refused)
                .ok_or(Unavailable)
        }
        Some("allow") => {
            let bytes: Uint8Array = field(answer, "cleaned")
                .dyn_into()
                .map_err(|_| Unavailable)?;
            let mime_type = field(answer, "mimeType").as_string().ok_or(Unavailable)?;
            let removed = field(answer, "removed");
            let flag = |name: &str| field(&removed, name).as_bool() == Some(true);
            Ok(Checked::Clean(CleanCopy {
                bytes: bytes.to_vec(),
                mime_type,
                removed: Removed {
                    gps: flag("gps"),
                    metadata: flag("metadata"),
                    trailing_data: flag("trailingData"),
                    hidden_payload: flag("hiddenPayload"),
                },
            }))
        }
        _ => Err(Unavailable),
    }
}
