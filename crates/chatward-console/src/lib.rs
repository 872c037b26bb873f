//! The Chatward operator console: a Yew app compiled to wasm and served by the relay at
//! `/console/`, where the shop's operators log in, see open conversations and answer.
//!
//! - [`state`]: the one state type and its reducer (tested natively).
//! - [`net`]: the operator HTTP API and WebSocket, the only code that talks to the relay.
//! - [`App`]: the console with its effects; [`Screen`]: what it draws for a [`state::State`].

mod app;
pub mod net;
pub mod state;

pub use app::{App, Screen, ScreenProps};

/// Entry point: renders the console into `#console` (or the body).
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    match document.get_element_by_id("console") {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}
