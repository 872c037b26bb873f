//! Chatward's privacy engine for JavaScript: the same detector, upload guard and policy the
//! chat pane and the relay use, so a shop's own forms get the same verdicts.
//!
//! Three functions, exported by wasm-bindgen (the npm package's `chatward/engine` wraps them):
//! - `scan(text, options?)` finds personal data and says where, in JS string indices;
//! - `checkUpload(bytes, options?)` allows a genuine image (with a cleaned copy) or blocks
//!   the file with a sentence for the customer;
//! - `judge(text, policy?, options?)` applies a shop's policy: the strongest action, each
//!   finding's action and a masked preview.
//!
//! The answers are built as plain JavaScript objects with `js-sys` (no serde on this side:
//! smaller wasm). The conversions themselves live in `view` and are tested natively.

mod view;

use std::cell::RefCell;

use chatward_core::{Policy, ScanOptions, Scanner, mask};
use chatward_guard::{property, set};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// `checkUpload`, the upload guard, is the pane's guard module's own function, exported
/// from here too: one function, one answer for the pane and a shop's forms.
pub use chatward_guard::{UploadView, check_upload_js};
pub use view::{FindingView, JudgeView, OptionError};

thread_local! {
    /// The last scanner built, with the allow-list it was built for: building one indexes
    /// the detector's words, which costs more than a scan.
    static SCANNER: RefCell<Option<(Vec<String>, Scanner)>> = const { RefCell::new(None) };
}

/// Runs `f` with a scanner for `allow`, reusing the last one when the list is the same.
fn with_scanner<T>(allow: Vec<String>, f: impl FnOnce(&Scanner) -> T) -> T {
    SCANNER.with(|cell| {
        let mut cached = cell.borrow_mut();
        let fresh = !matches!(&*cached, Some((list, _)) if *list == allow);
        if fresh {
            let scanner = Scanner::new(&ScanOptions {
                allow: allow.clone(),
            });
            *cached = Some((allow, scanner));
        }
        match &*cached {
            Some((_, scanner)) => f(scanner),
            None => f(&Scanner::default()),
        }
    })
}

/// The strings of `options.allow` (anything else in the list is ignored).
fn allow_list(options: &JsValue) -> Vec<String> {
    property(options, "allow")
        .filter(Array::is_array)
        .map(|list| {
            Array::from(&list)
                .iter()
                .filter_map(|value| value.as_string())
                .collect()
        })
        .unwrap_or_default()
}

fn finding_object(view: &FindingView) -> Object {
    let object = Object::new();
    set(&object, "category", view.category);
    if let Some(subtype) = view.subtype {
        set(&object, "subtype", subtype);
    }
    set(&object, "start", view.start);
    set(&object, "end", view.end);
    set(&object, "confidence", view.confidence);
    if let Some(action) = view.action {
        set(&object, "action", action);
    }
    object
}

fn finding_array(views: &[FindingView]) -> Array {
    views.iter().map(finding_object).collect()
}

/// Finds personal data in `text`: an array of `{category, subtype?, start, end,
/// confidence}` with `start`/`end` as JavaScript string indices. `options.allow` lists
/// values never reported (the shop's own e-mail addresses and phone numbers). Never throws.
#[wasm_bindgen]
pub fn scan(text: &str, options: JsValue) -> Array {
    let findings = with_scanner(allow_list(&options), |scanner| scanner.scan(text));
    finding_array(&view::findings(text, &findings))
}

/// Applies a shop's policy to a draft: `{action, findings, masked}` where `action` is the
/// strongest of `"allow" | "warn" | "mask" | "block"`, each finding carries its own
/// `action`, and `masked` is the draft with masked and blocked values hidden. `policy` maps
/// category names to actions (`{CREDIT_CARD: "warn"}`); categories left out keep the
/// careful defaults. An unknown category or action throws.
#[wasm_bindgen]
pub fn judge(text: &str, policy: JsValue, options: JsValue) -> Result<Object, JsError> {
    let policy = read_policy(&policy).map_err(|error| JsError::new(&error.to_string()))?;
    let findings = with_scanner(allow_list(&options), |scanner| scanner.scan(text));
    let verdict = policy.judge(text, &findings);
    let view = view::judged(text, &verdict, mask(text, &findings, &policy));
    let object = Object::new();
    set(&object, "action", view.action);
    set(&object, "findings", finding_array(&view.findings));
    set(&object, "masked", view.masked);
    Ok(object)
}

fn read_policy(policy: &JsValue) -> Result<Policy, OptionError> {
    if policy.is_undefined() || policy.is_null() {
        return Ok(Policy::default());
    }
    if !policy.is_object() {
        return Err(OptionError::PolicyShape);
    }
    let entries: Vec<(String, Option<String>)> = Object::entries(policy.unchecked_ref())
        .iter()
        .map(|entry| {
            let pair = Array::from(&entry);
            (
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_string(),
            )
        })
        .collect();
    view::policy(
        entries
            .iter()
            .map(|(category, action)| (category.as_str(), action.as_deref())),
    )
}
