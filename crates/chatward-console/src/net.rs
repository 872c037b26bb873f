//! The one module that talks to the relay: the operator HTTP API (login, logout, who am I,
//! deleting a conversation, transcript links) and the operator WebSocket (`chatward-link`,
//! which reconnects by itself). Answers and link changes become [`Action`]s; nothing here
//! touches the console's state.

use std::fmt;

use chatward_core::protocol::{OperatorEvent, OperatorFrame};
use chatward_link::{Link, LinkEvent};
use gloo::net::http::{Request, Response};
use serde::{Deserialize, Serialize};
use yew::Callback;

use crate::state::{Action, Operator};

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

/// The operator's link to the relay. Dropping it closes the socket and stops reconnecting.
pub struct OperatorLink {
    link: Link,
}

impl OperatorLink {
    /// Connects to `url` and keeps reconnecting with backoff when the link drops.
    pub fn connect(url: String, on_action: Callback<Action>) -> Self {
        let link = Link::connect(url, move |event| match event {
            LinkEvent::Opened => on_action.emit(Action::LinkOpened),
            LinkEvent::Lost => on_action.emit(Action::ConnectionLost),
            // A frame this build does not understand is skipped, not fatal: the relay may
            // be newer than the console.
            LinkEvent::Message(text) => {
                if let Some(action) = serde_json::from_str::<OperatorEvent>(&text)
                    .ok()
                    .and_then(Action::from_event)
                {
                    on_action.emit(action);
                }
            }
        });
        Self { link }
    }

    /// Sends a frame if the link is open; returns whether it was handed to the socket.
    /// Callers keep unacknowledged replies and send them again when the link reopens.
    pub fn send(&self, frame: &OperatorFrame) -> bool {
        serde_json::to_string(frame).is_ok_and(|json| self.link.send(&json))
    }
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
    use super::{ApiError, ExportFormat, transcript_path};

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
