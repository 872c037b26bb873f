//! The one module that talks to the relay: the operator HTTP API (login, logout, who am I,
//! deleting a conversation, transcript links) and the operator WebSocket, which reconnects by itself. Answers and link changes become
//! [`Action`]s; nothing here touches the console's state.

use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

use chatward_core::protocol::{OperatorEvent, OperatorFrame};
use gloo::net::http::{Request, Response};
use gloo::timers::callback::Timeout;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};
use yew::Callback;

use crate::state::{Action, Operator};

/// Longest wait between two reconnection attempts.
const MAX_BACKOFF_MS: u32 = 15_000;

/// Why a request to the relay's operator API did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request never got an answer (relay down, network gone).
    Unreachable,
    /// The relay refused with a status and, when it sent one, its own message.
    Refused {
        status: u16,
        message: Option<String>,
    },
    /// The relay answered with something the console does not understand.
    BadAnswer,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable => {
                f.write_str("The relay could not be reached. Check the connection and try again.")
            }
            Self::Refused {
                message: Some(message),
                ..
            } => f.write_str(message),
            Self::Refused {
                status,
                message: None,
            } => {
                write!(f, "The relay refused the request (HTTP {status}).")
            }
            Self::BadAnswer => f.write_str("The relay sent an answer the console cannot read."),
        }
    }
}

impl std::error::Error for ApiError {}

#[derive(Serialize)]
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
}

/// The relay's error body: `{"error": "..."}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

async fn refused(response: Response) -> ApiError {
    let message = response
        .json::<ErrorBody>()
        .await
        .ok()
        .map(|body| body.error);
    ApiError::Refused {
        status: response.status(),
        message,
    }
}

/// Asks who is logged in with this browser's session cookie; `None` when nobody is.
pub async fn current_operator() -> Result<Option<Operator>, ApiError> {
    let response = Request::get("/api/operator/me")
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        200 => response
            .json::<Operator>()
            .await
            .map(Some)
            .map_err(|_| ApiError::BadAnswer),
        401 => Ok(None),
        _ => Err(refused(response).await),
    }
}

/// Logs in; on success the relay has set the session cookie.
pub async fn log_in(username: &str, password: &str) -> Result<(), ApiError> {
    let request = Request::post("/api/operator/login")
        .json(&Credentials { username, password })
        .map_err(|_| ApiError::BadAnswer)?;
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    if response.ok() {
        Ok(())
    } else {
        Err(refused(response).await)
    }
}

/// Ends the session on the relay.
pub async fn log_out() -> Result<(), ApiError> {
    let response = Request::post("/api/operator/logout")
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    if response.ok() {
        Ok(())
    } else {
        Err(refused(response).await)
    }
}

/// Deletes a conversation for good: its entries, pictures and sessions (the consent record
/// stays). The relay then tells every console it was removed.
pub async fn delete_conversation(id: &str) -> Result<(), ApiError> {
    let response = Request::delete(&format!("/api/conversations/{}", path_segment(id)))
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    if response.ok() {
        Ok(())
    } else {
        Err(refused(response).await)
    }
}

/// The formats a transcript can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Html,
    Text,
    Json,
}

impl ExportFormat {
    /// Every format, in the order the console offers them.
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Html, ExportFormat::Text, ExportFormat::Json];

    /// The `format` query value the relay reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Text => "text",
            Self::Json => "json",
        }
    }

    /// The format's name as the console shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Html => "HTML",
            Self::Text => "text",
            Self::Json => "JSON",
        }
    }
}

/// Where an operator downloads a conversation's transcript (the session cookie authorises).
pub fn transcript_path(id: &str, format: ExportFormat) -> String {
    format!(
        "/api/conversations/{}/transcript?format={}",
        path_segment(id),
        format.as_str()
    )
}

/// `id` safe to put in a URL path: anything but ASCII letters, digits, `-` and `_` is
/// percent-encoded (relay ids never hold such characters, but a path must not be bent).
fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A live operator WebSocket. Dropping it closes the socket and stops reconnecting.
pub struct OperatorLink {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    url: String,
    on_action: Callback<Action>,
    socket: Option<WebSocket>,
    /// Kept alive as long as the socket may call them.
    handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    retry: Option<Timeout>,
    attempts: u32,
}

impl OperatorLink {
    /// Connects to `url` and keeps reconnecting with backoff when the link drops.
    pub fn connect(url: String, on_action: Callback<Action>) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            url,
            on_action,
            socket: None,
            handlers: Vec::new(),
            retry: None,
            attempts: 0,
        }));
        open(&inner);
        Self { inner }
    }

    /// Sends a frame if the link is open; returns whether it was handed to the socket.
    /// Callers keep unacknowledged replies and send them again when the link reopens.
    pub fn send(&self, frame: &OperatorFrame) -> bool {
        let inner = self.inner.borrow();
        let Some(socket) = inner.socket.as_ref() else {
            return false;
        };
        if socket.ready_state() != WebSocket::OPEN {
            return false;
        }
        match serde_json::to_string(frame) {
            Ok(json) => socket.send_with_str(&json).is_ok(),
            Err(_) => false,
        }
    }
}

impl Drop for OperatorLink {
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        inner.retry = None;
        if let Some(socket) = inner.socket.take() {
            detach(&socket);
            let _ = socket.close();
        }
        inner.handlers.clear();
    }
}

fn detach(socket: &WebSocket) {
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
}

fn open(inner_rc: &Rc<RefCell<Inner>>) {
    let mut inner = inner_rc.borrow_mut();
    let on_action = inner.on_action.clone();
    let socket = match WebSocket::new(&inner.url) {
        Ok(socket) => socket,
        Err(_) => {
            drop(inner);
            on_action.emit(Action::ConnectionLost);
            schedule_retry(inner_rc);
            return;
        }
    };

    let weak = Rc::downgrade(inner_rc);
    let on_open = {
        let on_action = on_action.clone();
        let weak = weak.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().attempts = 0;
            }
            on_action.emit(Action::LinkOpened);
        })
    };
    let on_message = {
        let on_action = on_action.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(text) = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            // A frame this build does not understand is skipped, not fatal: the relay may
            // be newer than the console.
            if let Some(action) = serde_json::from_str::<OperatorEvent>(&text)
                .ok()
                .and_then(Action::from_event)
            {
                on_action.emit(action);
            }
        })
    };
    let on_close = {
        let weak: Weak<RefCell<Inner>> = weak;
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                let on_action = inner.borrow().on_action.clone();
                on_action.emit(Action::ConnectionLost);
                schedule_retry(&inner);
            }
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    if let Some(old) = inner.socket.replace(socket) {
        detach(&old);
    }
    inner.handlers = vec![on_open, on_message, on_close];
}

fn schedule_retry(inner_rc: &Rc<RefCell<Inner>>) {
    let mut inner = inner_rc.borrow_mut();
    inner.attempts = inner.attempts.saturating_add(1);
    let delay = backoff_ms(inner.attempts);
    let weak = Rc::downgrade(inner_rc);
    inner.retry = Some(Timeout::new(delay, move || {
        if let Some(inner) = weak.upgrade() {
            open(&inner);
        }
    }));
}

/// 250 ms, 500 ms, 1 s, ... up to [`MAX_BACKOFF_MS`].
fn backoff_ms(attempt: u32) -> u32 {
    250u32
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(MAX_BACKOFF_MS)
}

/// The operator WebSocket URL on the relay that served the console.
pub fn operator_socket_url(location: &web_sys::Location) -> Option<String> {
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().ok()?;
    Some(format!("{scheme}://{host}/ws/operator"))
}

/// A reply id unique for this operator, so a re-sent reply is stored once.
pub fn new_client_id() -> String {
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("op-{:x}-{random:x}", js_sys::Date::now() as u64)
}

/// The browser's clock, in milliseconds since the Unix epoch.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}

#[cfg(test)]
mod tests {
    use super::{ApiError, ExportFormat, backoff_ms, transcript_path};

    #[test]
    fn transcript_links_name_the_conversation_and_format() {
        assert_eq!(
            transcript_path("0123-abcd", ExportFormat::Html),
            "/api/conversations/0123-abcd/transcript?format=html"
        );
        assert_eq!(
            transcript_path("a/../b?x", ExportFormat::Json),
            "/api/conversations/a%2F%2E%2E%2Fb%3Fx/transcript?format=json"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(1), 250);
        assert_eq!(backoff_ms(2), 500);
        assert_eq!(backoff_ms(3), 1000);
        assert_eq!(backoff_ms(30), 15_000);
    }

    #[test]
    fn the_relays_own_message_is_shown_as_is() {
        let error = ApiError::Refused {
            status: 401,
            message: Some("wrong password".into()),
        };
        assert_eq!(error.to_string(), "wrong password");
        let error = ApiError::Refused {
            status: 500,
            message: None,
        };
        assert!(error.to_string().contains("500"), "{error}");
    }
}
