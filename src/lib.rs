//! The Chatward chat pane: a Yew app compiled to wasm, shown in an iframe served by the relay.

use yew::prelude::*;

/// The chat pane.
#[component]
pub fn App() -> Html {
    html! { <main aria-label="Chat"><h1>{ "Chatward" }</h1></main> }
}

/// Entry point called by the pane's page.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<App>::new().render();
}
