//! The Chatward chat pane: a Yew app compiled to wasm and shown in an iframe served by the
//! relay, so nothing the customer types is readable by the shop page's other scripts.
//!
//! - [`state`]: the one state type and its reducer (tested natively).
//! - [`net`]: the WebSocket link to the relay.
//! - [`config`]: the pane's settings from its URL.
//! - `app`: the components.

mod app;
pub mod config;
pub mod net;
pub mod state;

pub use app::{App, AppProps};

use config::PaneConfig;

/// Entry point: renders the pane into `#chatward` (or the body) with the settings in the URL.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let config = page_config(&document);
    let props = AppProps { config };
    match document.get_element_by_id("chatward") {
        Some(root) => yew::Renderer::<App>::with_root_and_props(root, props).render(),
        None => yew::Renderer::<App>::with_props(props).render(),
    };
}

fn page_config(document: &web_sys::Document) -> PaneConfig {
    let search = document
        .location()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return PaneConfig::default();
    };
    let keys = ["shop", "title", "greeting", "color", "lang"];
    let values: Vec<(&str, String)> = keys
        .iter()
        .filter_map(|key| params.get(key).map(|value| (*key, value)))
        .collect();
    PaneConfig::from_pairs(values.iter().map(|(key, value)| (*key, value.as_str())))
}
