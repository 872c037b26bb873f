//! Browser tests of the chat pane, run in headless Chromium by `cargo xtask test`.
#![cfg(target_arch = "wasm32")]

use chatward::config::PaneConfig;
use chatward::{App, AppProps};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the pane into a fresh `div` of the test page and waits for the first render.
async fn mount(config: PaneConfig) -> web_sys::Element {
    let document = gloo::utils::document();
    let host = document
        .create_element("div")
        .expect("a div can be created");
    gloo::utils::body()
        .append_child(&host)
        .expect("the test page has a body");
    yew::Renderer::<App>::with_root_and_props(
        host.clone(),
        AppProps {
            config,
            texts: chatward::i18n::Texts::english(),
        },
    )
    .render();
    yew::scheduler::flush().await;
    host
}

#[wasm_bindgen_test]
async fn pane_is_a_region_named_by_its_configured_title() {
    let config = PaneConfig {
        title: "Help from Test Shop".into(),
        ..PaneConfig::default()
    };
    let host = mount(config).await;

    let region = host
        .query_selector("main[aria-label]")
        .expect("the selector is valid")
        .expect("the pane renders a labelled main landmark");
    assert_eq!(
        region.get_attribute("aria-label").as_deref(),
        Some("Help from Test Shop")
    );
    let heading = host
        .query_selector("h1")
        .expect("the selector is valid")
        .expect("the pane renders a heading");
    assert_eq!(
        heading.text_content().as_deref(),
        Some("Help from Test Shop")
    );
}
