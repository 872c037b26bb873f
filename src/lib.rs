//! The Chatward chat pane: a Yew app compiled to wasm and shown in an iframe served by the
//! relay, so nothing the customer types is readable by the shop page's other scripts.
//!
//! - [`state`]: the one state type and its reducer (tested natively).
//! - [`net`]: the WebSocket link to the relay.
//! - [`config`]: the pane's settings from its URL.
//! - [`privacy`]: the check of a draft against the shop's policy before it is sent.
//! - [`i18n`]: the pane's words, English built in, other languages fetched when needed.
//! - [`guard`]: the upload guard, a wasm module of its own loaded on the first picture.
//! - `app`: the components.

mod app;
pub mod config;
pub mod guard;
pub mod i18n;
pub mod net;
pub mod privacy;
pub mod state;

use std::rc::Rc;

pub use app::{App, AppProps};

use config::PaneConfig;
use i18n::Texts;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Entry point: reads the settings in the pane's URL, loads the customer's language if it
/// is not English, and renders the pane into `#chatward` (or the body).
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let config = page_config(&document);
    wasm_bindgen_futures::spawn_local(async move {
        let lang = i18n::supported(&config.lang);
        let texts = match lang {
            "en" => Texts::english(),
            lang => fetch_texts(lang).await.unwrap_or_else(Texts::english),
        };
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", texts.lang());
        }
        let props = AppProps { config, texts };
        match document.get_element_by_id("chatward") {
            Some(root) => yew::Renderer::<App>::with_root_and_props(root, props).render(),
            None => yew::Renderer::<App>::with_props(props).render(),
        };
    });
}

/// Fetches `i18n/<lang>.json` next to the pane; `None` (English) when it cannot be had.
async fn fetch_texts(lang: &str) -> Option<Rc<Texts>> {
    let window = web_sys::window()?;
    let response = JsFuture::from(window.fetch_with_str(&format!("i18n/{lang}.json")))
        .await
        .ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    Some(Texts::from_json(lang, &text))
}

fn page_config(document: &web_sys::Document) -> PaneConfig {
    // The loader puts the settings in the fragment, which is never sent to the relay.
    let hash = document
        .location()
        .and_then(|l| l.hash().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(hash.trim_start_matches('#')) else {
        return PaneConfig::default();
    };
    PaneConfig::read(|key| params.get(key))
}

/// The allocator: talc rather than the standard library's dlmalloc, 2.0 KB of brotli
/// smaller (docs/size.md has its measured cost in speed).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
