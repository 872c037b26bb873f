//! The customer and operator WebSockets: upgrade checks here, one session module each.
//!
//! A session is written over `Sink<Message>` + `Stream<Item = Result<Message, _>>`, so tests
//! can drive it with channels. Each runs a reader and a writer joined by `tokio::select!`:
//! the reader handles frames and queues answers on a bounded channel; the writer sends those
//! answers and the live events of the `Hub`.

pub mod customer;
pub mod operator;

use std::future::Future;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::ORIGIN;
use axum::response::Response;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::DEFAULT_SHOP;
use crate::error::AppError;
use crate::http::{is_same_origin, logged_in_operator, origin_matches};
use crate::limits::{Action, ClientAddress, SocketSlot};
use crate::state::AppState;

/// Answers queued by a reader for its writer.
const OUTBOX: usize = 64;

/// How long a closing session may take to flush its last frames.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// What each socket reserves for reading, and reads at most at once. tungstenite's default,
/// 128 KiB, is reserved up front for every socket: 1.3 GB for 10,000 open conversations.
/// Frames are small JSON (at most `max_frame_bytes`, 16 KiB by default); a larger one is
/// read in more than one go.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// A ticker for keep-alive pings, a third of the idle timeout apart. Browsers answer pings
/// with pongs by themselves, so an open tab stays active and only dead connections reach
/// the idle timeout.
fn ping_ticker(idle: Duration) -> tokio::time::Interval {
    let period = (idle / 3).max(Duration::from_millis(10));
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker
}

/// Sends a keep-alive ping.
async fn send_ping<W>(sink: &mut W) -> Result<(), W::Error>
where
    W: Sink<Message> + Unpin,
{
    sink.send(Message::Ping(axum::body::Bytes::new())).await
}

/// Query of `GET /ws/customer`.
#[derive(Deserialize)]
pub struct CustomerQuery {
    shop: Option<String>,
}

/// `GET /ws/customer?shop=ID`: the customer's pane. Browsers must come from the relay's own
/// origin (the pane) or one of the shop's allowed origins.
pub async fn customer_upgrade(
    State(state): State<AppState>,
    Query(query): Query<CustomerQuery>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let slot = match admit(&state, address) {
        Ok(slot) => slot,
        Err(message) => {
            let error = chatward_core::protocol::CustomerEvent::Error {
                code: chatward_core::protocol::ErrorCode::Limited,
                message: message.to_owned(),
            };
            return Ok(refuse(upgrade, error));
        }
    };
    let shop_id = query.shop.as_deref().unwrap_or(DEFAULT_SHOP);
    let shop = state
        .shop(shop_id)
        .ok_or(AppError::NotFound("Unknown shop."))?;
    let origin = headers.get(ORIGIN).and_then(|value| value.to_str().ok());
    let is_allowed = match origin {
        // Not a browser: the origin check protects browsers' users, other clients are
        // limited like everyone else.
        None => true,
        Some(origin) => {
            is_same_origin(&headers)
                || shop
                    .allowed_origins
                    .iter()
                    .any(|pattern| origin_matches(pattern, origin))
        }
    };
    if !is_allowed {
        return Err(AppError::Forbidden("This page may not open the chat."));
    }
    Ok(open(upgrade, slot, state.clone(), move |sink, stream| {
        customer::run(state, shop, sink, stream)
    }))
}

/// `GET /ws/operator`: the console. Needs the session cookie and the relay's own origin.
pub async fn operator_upgrade(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    let slot = match admit(&state, address) {
        Ok(slot) => slot,
        Err(message) => {
            let error = chatward_core::protocol::OperatorEvent::Error {
                code: chatward_core::protocol::ErrorCode::Limited,
                message: message.to_owned(),
            };
            return Ok(refuse(upgrade, error));
        }
    };
    let account = logged_in_operator(&state, &headers).await?;
    // SameSite=Strict already keeps other sites' pages from using the cookie; checking the
    // origin as well closes cross-site WebSocket hijacking for older browsers.
    if headers.contains_key(ORIGIN) && !is_same_origin(&headers) {
        return Err(AppError::Forbidden(
            "The console must be opened from the relay.",
        ));
    }
    Ok(open(upgrade, slot, state.clone(), move |sink, stream| {
        operator::run(state, account, sink, stream)
    }))
}

/// Completes an admitted upgrade with the relay's frame limits and runs `session` on the
/// socket's two halves, holding the address's socket slot until it ends.
fn open<F, S>(upgrade: WebSocketUpgrade, slot: SocketSlot, state: AppState, session: F) -> Response
where
    F: FnOnce(SplitSink<WebSocket, Message>, SplitStream<WebSocket>) -> S + Send + 'static,
    S: Future<Output = ()> + Send,
{
    let max_frame = state.config.limits.max_frame_bytes;
    upgrade
        .max_message_size(max_frame)
        .max_frame_size(max_frame)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            let (sink, stream) = socket.split();
            session(sink, stream).await;
        })
}

/// Checks the address's connection rate and takes one of its open-socket slots, before
/// any other work; `Err` carries the sentence for the client.
fn admit(state: &AppState, address: Option<std::net::IpAddr>) -> Result<SocketSlot, &'static str> {
    let limits = &state.per_address;
    if let Err(wait) = limits.check(Action::Connect, address) {
        tracing::info!(
            wait_ms = wait.as_millis(),
            "websocket limited per address: rate"
        );
        return Err("Too many new connections from your network; please wait a moment and reload.");
    }
    limits.open_socket(address).ok_or_else(|| {
        tracing::info!("websocket limited per address: open sockets");
        "Too many chats are open from your network; please close one or try again later."
    })
}

/// Answers an over-limit client: the upgrade completes (browsers cannot read a refused
/// handshake's status), `error` is sent as `error limited`, then the socket is closed with
/// 1013 "try again later".
fn refuse<E>(upgrade: WebSocketUpgrade, error: E) -> Response
where
    E: serde::Serialize + Send + Sync + 'static,
{
    upgrade.on_upgrade(move |socket| async move {
        let (mut sink, _stream) = socket.split();
        if send_json(&mut sink, &error).await.is_ok() {
            send_close(&mut sink, axum::extract::ws::close_code::AGAIN, "limited").await;
        }
    })
}

/// What the reader got from the socket.
enum Incoming<F> {
    /// A frame that parsed.
    Frame(F),
    /// A text or binary message that is not a frame this side may send.
    Malformed,
    /// The peer closed, the socket failed, or it was idle too long.
    Gone,
}

/// Reads the next frame, skipping pings/pongs; `Gone` after `idle` without any message.
async fn next_frame<F, R, E>(stream: &mut R, idle: Duration) -> Incoming<F>
where
    F: DeserializeOwned,
    R: Stream<Item = Result<Message, E>> + Unpin,
{
    loop {
        let message = match tokio::time::timeout(idle, stream.next()).await {
            Err(_elapsed) => {
                tracing::debug!("websocket idle, closing");
                return Incoming::Gone;
            }
            Ok(None | Some(Err(_))) => return Incoming::Gone,
            Ok(Some(Ok(message))) => message,
        };
        return match message {
            Message::Text(text) => match serde_json::from_str(text.as_str()) {
                Ok(frame) => Incoming::Frame(frame),
                Err(_) => Incoming::Malformed,
            },
            Message::Binary(_) => Incoming::Malformed,
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => Incoming::Gone,
        };
    }
}

/// Sends a close frame with a short machine-readable reason; a peer that is already gone
/// is fine.
async fn send_close<W>(sink: &mut W, code: u16, reason: &'static str)
where
    W: Sink<Message> + Unpin,
{
    let frame = axum::extract::ws::CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
}

/// Sends one event as a JSON text message.
async fn send_json<W, T>(sink: &mut W, event: &T) -> Result<(), W::Error>
where
    W: Sink<Message> + Unpin,
    T: serde::Serialize,
{
    let text = serde_json::to_string(event).expect("protocol events always serialize");
    sink.send(Message::Text(Utf8Bytes::from(text))).await
}

/// A token bucket per connection: up to `burst` frames at once, refilled at `per_second`.
/// Frames over the budget are answered with `error limited` and not handled.
struct FrameBudget {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last: Instant,
}

impl FrameBudget {
    fn new(burst: u32, per_second: u32, now: Instant) -> Self {
        let burst = f64::from(burst);
        Self {
            tokens: burst,
            burst,
            per_second: f64::from(per_second),
            last: now,
        }
    }

    /// Takes one frame's token; `false` when the connection is over its budget.
    fn try_take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The message of `error limited` frames.
const LIMITED: &str = "Too many messages at once; please wait a moment.";

/// Whether a client-chosen message id is acceptable: 1 to 64 printable ASCII characters.
pub(crate) fn is_valid_client_id(client_id: &str) -> bool {
    (1..=64).contains(&client_id.len()) && client_id.bytes().all(|b| b.is_ascii_graphic())
}

/// Why a chat message text is not acceptable, in words for the person who wrote it.
fn text_problem(text: &str, max_chars: usize) -> Option<String> {
    if text.trim().is_empty() {
        return Some("The message is empty.".to_owned());
    }
    if text.chars().count() > max_chars {
        return Some(format!(
            "The message is longer than {max_chars} characters; please shorten it."
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_budget_allows_a_burst_then_the_rate() {
        let start = Instant::now();
        let mut budget = FrameBudget::new(3, 2, start);
        assert!((0..3).all(|_| budget.try_take(start)));
        assert!(!budget.try_take(start), "burst used up");
        assert!(
            !budget.try_take(start + Duration::from_millis(400)),
            "0.8 of a token"
        );
        assert!(
            budget.try_take(start + Duration::from_millis(500)),
            "one token after 0.5 s at 2/s"
        );
        assert!(!budget.try_take(start + Duration::from_millis(500)));
        let later = start + Duration::from_secs(60);
        assert_eq!(
            (0..10).filter(|_| budget.try_take(later)).count(),
            3,
            "refill stops at the burst"
        );
    }

    #[test]
    fn client_ids_are_short_printable_ascii() {
        assert!(is_valid_client_id("c-1"));
        assert!(!is_valid_client_id(""));
        assert!(!is_valid_client_id("has space"));
        assert!(!is_valid_client_id(&"x".repeat(65)));
    }

    #[test]
    fn texts_must_be_non_blank_and_short() {
        assert_eq!(text_problem("hello", 5), None);
        assert!(text_problem("  \n", 5).is_some());
        assert!(text_problem("héllo!", 5).is_some());
        assert_eq!(text_problem("héllo", 5), None, "characters, not bytes");
    }
}
