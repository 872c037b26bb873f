//! Browser tests of the chat pane, run in headless Chromium by `cargo xtask test`.
#![cfg(target_arch = "wasm32")]

use chatward::config::PaneConfig;
use chatward::{App, AppProps};
use wasm_bindgen::JsValue;
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

/// Stands in for boot.js: sets `window.chatwardGuard` to `loader` (undefined removes it).
fn set_guard_loader(loader: &JsValue) {
    js_sys::Reflect::set(&gloo::utils::window(), &"chatwardGuard".into(), loader)
        .expect("a window property can be set");
}

/// A loader resolving to a guard whose `checkUpload(bytes, options)` runs `body`.
fn guard_loader(body: &str) -> JsValue {
    let check = js_sys::Function::new_with_args("bytes, options", body);
    js_sys::Function::new_with_args("check", "return () => Promise.resolve(check);")
        .call1(&JsValue::NULL, &check)
        .expect("the loader is made")
}

#[wasm_bindgen_test]
async fn the_guard_answer_is_read_and_anything_odd_sends_nothing() {
    use chatward::guard::{Checked, Unavailable, check};
    use chatward_core::RefusalReason;

    let file = js_sys::Uint8Array::from(&b"MZ not a picture"[..]);

    // No loader, a loader that fails, a guard that throws: the file is not judged.
    set_guard_loader(&JsValue::UNDEFINED);
    assert!(matches!(check(&file, 100).await, Err(Unavailable)));
    set_guard_loader(&js_sys::Function::new_no_args(
        "return Promise.reject(new Error('offline'));",
    ));
    assert!(matches!(check(&file, 100).await, Err(Unavailable)));
    set_guard_loader(&guard_loader("throw new Error('broken');"));
    assert!(matches!(check(&file, 100).await, Err(Unavailable)));

    // A refusal comes back as the core's reason; an unknown code is not trusted.
    set_guard_loader(&guard_loader(
        "return { verdict: 'block', reason: 'executable' };",
    ));
    assert!(matches!(
        check(&file, 100).await,
        Ok(Checked::Refused(RefusalReason::Executable))
    ));
    set_guard_loader(&guard_loader(
        "return { verdict: 'block', reason: 'fine-trust-me' };",
    ));
    assert!(matches!(check(&file, 100).await, Err(Unavailable)));
    set_guard_loader(&guard_loader(
        "return { verdict: 'allow', mimeType: 'image/png' };",
    ));
    assert!(matches!(check(&file, 100).await, Err(Unavailable)));
    set_guard_loader(&guard_loader("return { reason: 'executable' };"));
    assert!(matches!(check(&file, 100).await, Err(Unavailable)));

    // A clean picture: the guard gets the bytes and the limit, the pane its cleaned copy.
    set_guard_loader(&guard_loader(
        "if (bytes.length !== 16 || options.maxBytes !== 100)
           return { verdict: 'block', reason: 'corrupt' };
         return { verdict: 'allow', cleaned: new Uint8Array([1, 2, 3]), mimeType: 'image/png',
                  removed: { gps: true, metadata: false, trailingData: true, hiddenPayload: false } };",
    ));
    match check(&file, 100).await {
        Ok(Checked::Clean(clean)) => {
            assert_eq!(clean.bytes, [1, 2, 3]);
            assert_eq!(clean.mime_type, "image/png");
            assert!(clean.removed.gps && clean.removed.trailing_data);
            assert!(!clean.removed.metadata && !clean.removed.hidden_payload);
        }
        other => panic!("expected the cleaned copy, got {other:?}"),
    }
    set_guard_loader(&JsValue::UNDEFINED);
}
