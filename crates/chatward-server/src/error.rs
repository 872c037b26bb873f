//! `AppError`: the one error type of HTTP handlers, answered as JSON `{"error": "..."}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// What an HTTP handler can fail with. Messages are for people and never hold personal data.
#[derive(Debug)]
pub enum AppError {
    /// Not logged in, or wrong credentials.
    Unauthorized(&'static str),
    /// The request came from a page origin that may not make it.
    Forbidden(&'static str),
    /// Unknown shop or resource.
    NotFound(&'static str),
    /// The request is malformed.
    BadRequest(&'static str),
    /// The request body is larger than the shop accepts.
    TooLarge(&'static str),
    /// An upload the relay's check refused; the sentence says why and what to send instead.
    Refused(String),
    /// The relay is overloaded for the moment; the client may retry soon.
    Busy(&'static str),
    /// This client (address) is over one of its limits; 429 with `Retry-After`.
    Limited {
        /// What happened and what to do, for people.
        message: &'static str,
        /// How long until it would be allowed.
        retry_after: std::time::Duration,
    },
    /// The relay failed; details went to the log.
    Internal,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Self::Refused(message) => {
                let body = Json(serde_json::json!({ "error": message }));
                return (StatusCode::UNPROCESSABLE_ENTITY, body).into_response();
            }
            Self::Limited {
                message,
                retry_after,
            } => {
                // Whole seconds, rounded up, so a client that waits as told gets through.
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                let body = Json(serde_json::json!({ "error": message }));
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(axum::http::header::RETRY_AFTER, seconds.to_string())],
                    body,
                )
                    .into_response();
            }
            Self::TooLarge(message) => (StatusCode::PAYLOAD_TOO_LARGE, message),
            Self::Unauthorized(message) => (StatusCode::UNAUTHORIZED, message),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, message),
            Self::NotFound(message) => (StatusCode::NOT_FOUND, message),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            Self::Busy(message) => (StatusCode::SERVICE_UNAVAILABLE, message),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The relay failed; please try again.",
            ),
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "storage failed");
        Self::Internal
    }
}
