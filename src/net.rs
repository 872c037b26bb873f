//! The one module that talks to the relay: the link (`chatward-link`, a WebSocket that
//! reconnects by itself), uploads and deletion. Incoming frames and link changes become
//! [`Action`]s; nothing here touches the pane's state.

use chatward_core::json::Value;
use chatward_core::protocol::{CustomerEvent, CustomerFrame};
use chatward_link::{Link, LinkEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::WebSocket;
use yew::Callback;

use crate::state::Action;

/// The pane's link to the relay. Dropping it closes the socket and stops reconnecting.
pub struct Relay {
    link: Link,
}

impl Relay {
    /// Connects to `url` (taking over the socket `boot.js` opened, when there is one) and
    /// keeps reconnecting with backoff when the link drops.
    pub fn connect(url: String, on_action: Callback<Action>) -> Self {
        let early = take_early_socket(&url);
        let link = Link::adopt(url, early, move |event| match event {
            LinkEvent::Opened => on_action.emit(Action::LinkOpened),
            LinkEvent::Lost => on_action.emit(Action::LinkLost),
            // A frame this build does not understand is skipped, not fatal: the relay may
            // be newer than the pane.
            LinkEvent::Message(text) => {
                if let Some(event) = CustomerEvent::from_json(&text) {
                    on_action.emit(Action::Received(Box::new(event)));
                }
            }
        });
        Self { link }
    }

    /// Sends a frame if the link is open; returns whether it was handed to the socket.
    /// Callers keep unsent messages and send them again after the next `welcome`.
    pub fn send(&self, frame: &CustomerFrame) -> bool {
        self.link.send(&frame.to_json())
    }
}

/// The socket `boot.js` opened to `url` while the wasm loaded (`window.chatwardSocket`),
/// taken once; `None` when there is none, or it is for another URL, or it already closed.
fn take_early_socket(url: &str) -> Option<WebSocket> {
    let window = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("chatwardSocket");
    let value = js_sys::Reflect::get(&window, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let socket = value.dyn_into::<WebSocket>().ok()?;
    let state = socket.ready_state();
    if socket.url() == url && (state == WebSocket::CONNECTING || state == WebSocket::OPEN) {
        Some(socket)
    } else {
        let _ = socket.close();
        None
    }
}

/// The customer WebSocket URL for `shop` on the relay that served the pane.
pub fn customer_socket_url(location: &web_sys::Location, shop: &str) -> Option<String> {
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    Some(format!("{scheme}://{host}/ws/customer?shop={shop}"))
}

/// Where an upload goes and whose conversation it belongs to.
pub struct UploadTarget {
    /// `/api/upload` (the relay serves the pane), or a whole URL.
    pub url: String,
    pub conversation: String,
    pub token: String,
    pub client_id: String,
}

/// Sends a cleaned picture to the relay with progress. `on_progress` gets 0–100;
/// `on_done` gets `Ok(())` when the relay stored it, or the relay's reason for the customer
/// (`None` when the connection failed or the relay gave none).
pub fn upload(
    target: &UploadTarget,
    bytes: &[u8],
    mime: &str,
    on_progress: Callback<u8>,
    on_done: Callback<Result<(), Option<String>>>,
) {
    let started = (|| -> Result<web_sys::XmlHttpRequest, wasm_bindgen::JsValue> {
        let request = web_sys::XmlHttpRequest::new()?;
        request.open_with_async("POST", &target.url, true)?;
        request.set_request_header("Content-Type", mime)?;
        request.set_request_header("X-Chatward-Conversation", &target.conversation)?;
        request.set_request_header("X-Chatward-Token", &target.token)?;
        request.set_request_header("X-Chatward-Client-Id", &target.client_id)?;
        Ok(request)
    })();
    let Ok(request) = started else {
        on_done.emit(Err(None));
        return;
    };
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                on_progress.emit((event.loaded() / event.total() * 100.0) as u8);
            }
        });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let finished = {
        let request = request.clone();
        let on_done = on_done.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let status = request.status().unwrap_or(0);
            if (200..300).contains(&status) {
                on_done.emit(Ok(()));
            } else {
                // The relay explains a refusal in `{"error": "..."}`, meant for the customer.
                let reason = request
                    .response_text()
                    .ok()
                    .flatten()
                    .and_then(|body| Value::parse(&body))
                    .and_then(|body| body.get("error")?.as_str().map(str::to_owned));
                on_done.emit(Err(reason));
            }
        })
    };
    let failed = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_done.emit(Err(None)));
    request.set_onload(Some(finished.as_ref().unchecked_ref()));
    request.set_onerror(Some(failed.as_ref().unchecked_ref()));
    let body = js_sys::Uint8Array::from(bytes);
    if request.send_with_opt_buffer_source(Some(&body)).is_ok() {
        // The request owns its handlers until it settles; they are small and run once.
        progress.forget();
        finished.forget();
        failed.forget();
    }
}

/// Asks the relay to delete the customer's conversation: `DELETE /api/conversation` with
/// the conversation and its token as headers. `on_done` gets `true` when the relay answered
/// 204, `false` when it refused or could not be reached.
pub fn delete_conversation(url: &str, conversation: &str, token: &str, on_done: Callback<bool>) {
    let started = (|| -> Result<web_sys::XmlHttpRequest, wasm_bindgen::JsValue> {
        let request = web_sys::XmlHttpRequest::new()?;
        request.open_with_async("DELETE", url, true)?;
        request.set_request_header("X-Chatward-Conversation", conversation)?;
        request.set_request_header("X-Chatward-Token", token)?;
        Ok(request)
    })();
    let Ok(request) = started else {
        on_done.emit(false);
        return;
    };
    let settled = {
        let request = request.clone();
        let on_done = on_done.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            on_done.emit(request.status().unwrap_or(0) == 204);
        })
    };
    // `loadend` fires once, after success, error or abort alike.
    request.set_onloadend(Some(settled.as_ref().unchecked_ref()));
    if request.send().is_ok() {
        settled.forget();
    } else {
        on_done.emit(false);
    }
}
