//! The Chatward relay as a library: `main.rs` parses the command line and calls into `cli`;
//! tests build the router with [`app`] and serve it on a port of their own.
//!
//! Bird's-eye view: [`config`] turns the file, flags and demo defaults into a checked
//! [`Config`]; [`store`] holds every SQL statement behind [`Store`]; `ws` runs the customer
//! and operator WebSocket sessions; `http` answers the operator login API and serves the
//! widget's files; `uploads` checks, stores and serves pictures; [`state`] ties them together and fans news out to connected clients.
//!
//! **Invariants:** nothing is stored before a customer accepted the shop's current privacy
//! statement; session and conversation tokens are stored only as SHA-256 hashes; logs carry
//! ids, sizes and counts, never message text or personal data.

pub mod cli;
pub mod config;
pub mod state;
pub mod store;

mod assets;
mod auth;
mod deletion;
mod enforce;
mod error;
mod http;
mod limits;
mod transcript;
mod uploads;
pub mod ws;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::{REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::routing::{delete, get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use crate::auth::{hash_password, sha256_hex};
pub use crate::config::{Config, ConfigError, FileConfig, Limits, Rate, Shop};
pub use crate::deletion::delete_inactive;
pub use crate::error::AppError;
pub use crate::http::demo_shop_app;
pub use crate::state::AppState;
pub use crate::store::{OperatorAccount, Retired, Store, StoreError, StoredAttachment};

/// Largest HTTP request body the API accepts (login JSON); uploads get their own limit.
const API_BODY_LIMIT: usize = 16 * 1024;

/// `listener` with `TCP_NODELAY` on every connection it accepts. Chat frames are small:
/// with Nagle's algorithm on, a frame written while the peer still delays its ACK of the
/// previous one waits for that ACK, up to 40 ms on Linux.
pub fn without_delay(listener: tokio::net::TcpListener) -> NoDelayListener {
    use axum::serve::ListenerExt as _;
    listener.tap_io(set_nodelay)
}

/// A TCP listener whose connections have `TCP_NODELAY` set, from [`without_delay`]. A named
/// type, not `impl Listener`: axum finds the connection address of a `TapIo` only.
pub type NoDelayListener =
    axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)>;

fn set_nodelay(stream: &mut tokio::net::TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "could not set TCP_NODELAY");
    }
}

/// The relay's router: WebSockets, the operator API, and the widget's static files.
pub fn app(state: AppState) -> Router {
    let static_files = assets::service(&state.config.static_dir);
    Router::new()
        .route("/ws/customer", get(ws::customer_upgrade))
        .route("/ws/operator", get(ws::operator_upgrade))
        .route(
            "/api/operator/login",
            post(http::login).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                limits::logins,
            )),
        )
        .route("/api/operator/logout", post(http::logout))
        .route("/api/operator/me", get(http::me))
        .route("/api/transcript", get(transcript::customer))
        .route(
            "/api/conversations/{id}/transcript",
            get(transcript::operator),
        )
        .route("/api/conversation", delete(deletion::customer))
        .route("/api/conversations/{id}", delete(deletion::operator))
        .layer(RequestBodyLimitLayer::new(API_BODY_LIMIT))
        // Added after the API's body limit: uploads read their body against the shop's own.
        .route(
            "/api/upload",
            post(uploads::upload).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                limits::uploads,
            )),
        )
        .route("/api/attachments/{id}", get(uploads::attachment))
        .fallback_service(static_files)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::static_headers,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Spans name the path only: a query may carry a customer's token (`?token=`).
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
                tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state)
}
