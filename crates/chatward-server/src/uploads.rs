//! Pictures: `POST /api/upload` checks and cleans the bytes again (the pane's check is for
//! the customer, this one is the boundary), stores the cleaned copy under a random name and
//! delivers the entry like a message; `GET /api/attachments/{id}` serves it back to the
//! conversation's customer and to operators; retention deletes the files with their rows.
//!
//! **Invariants:** only bytes that passed `chatward_core::check_upload` on the relay are
//! written, and only their cleaned copy; file names are random ids plus the detected
//! format's extension, never the customer's; logs carry ids, sizes and refusal codes only.

use std::path::Path;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chatward_core::protocol::{Attachment, CustomerEvent, OperatorEvent};
use chatward_core::{DEFAULT_MAX_PIXELS, ImageFormat, UploadLimits, check_upload};
use futures_util::StreamExt as _;
use serde::Deserialize;

use crate::auth::{self, SESSION_COOKIE, random_hex, sha256_hex};
use crate::error::AppError;
use crate::http::logged_in_operator;
use crate::state::{AppState, now_millis};
use crate::store::Appended;
use crate::ws::customer::is_current;
use crate::ws::is_valid_client_id;

/// Header naming the conversation an upload belongs to.
const CONVERSATION_HEADER: &str = "x-chatward-conversation";
/// Header carrying the conversation's secret token.
const TOKEN_HEADER: &str = "x-chatward-token";
/// Header carrying the pane's id for the upload, unique per conversation.
const CLIENT_ID_HEADER: &str = "x-chatward-client-id";

/// How long an upload waits for a free slot (see `AppState::upload_slots`) before the relay
/// says it is busy.
const UPLOAD_QUEUE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Length of a stored attachment id in hex digits (16 random bytes).
const ATTACHMENT_ID_LEN: usize = 32;

const NOT_YOURS: &str = "This chat could not be verified; please reload the page and try again.";

/// `POST /api/upload`: the picture in the body, the conversation in the headers. Answers
/// `{"seq": N}`, or an error sentence the pane shows as is.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let (Some(conversation), Some(token)) = (header(CONVERSATION_HEADER), header(TOKEN_HEADER))
    else {
        return Err(AppError::Unauthorized(NOT_YOURS));
    };
    let client_id = header(CLIENT_ID_HEADER)
        .filter(|id| is_valid_client_id(id))
        .ok_or(AppError::BadRequest(
            "The upload needs an id of 1 to 64 printable characters; please reload the page.",
        ))?;
    let row = state
        .store
        .conversation(conversation)
        .await?
        .filter(|row| row.token_hash == sha256_hex(token.as_bytes()))
        .ok_or(AppError::Unauthorized(NOT_YOURS))?;
    let shop = state.shop(&row.shop).ok_or(AppError::Forbidden(
        "This shop does not accept pictures any more.",
    ))?;
    let consent = state.store.latest_consent(&row.id).await?;
    if !consent.is_some_and(|consent| is_current(&shop, &consent)) {
        return Err(AppError::Forbidden(
            "Please accept the privacy statement before sending pictures.",
        ));
    }

    // Each upload in flight holds up to the shop's limit in memory, twice (received and
    // cleaned), so only a few run at once; the rest wait a little, then hear the relay is busy.
    let _slot = tokio::time::timeout(UPLOAD_QUEUE_TIMEOUT, state.upload_slots.acquire())
        .await
        .map_err(|_| {
            AppError::Busy("Many pictures are arriving at once; please try again in a moment.")
        })?
        .map_err(|_| AppError::Internal)?;
    let limit = usize::try_from(shop.upload_limit_bytes).unwrap_or(usize::MAX);
    let bytes = read_limited(&headers, body, limit).await?;
    let size = bytes.len();
    let limits = UploadLimits {
        max_bytes: limit,
        max_pixels: DEFAULT_MAX_PIXELS,
    };
    // Linear in the size, but up to the limit of CPU work: off the async workers.
    let checked = tokio::task::spawn_blocking(move || check_upload(&bytes, &limits))
        .await
        .map_err(|_| AppError::Internal)?;
    let clean = match checked {
        Ok(clean) => clean,
        Err(refusal) => {
            tracing::info!(
                conversation = %row.id,
                size,
                reason = refusal.reason.as_str(),
                format = refusal.format,
                "upload refused"
            );
            return Err(AppError::Refused(refusal.to_string()));
        }
    };

    let id = random_hex(ATTACHMENT_ID_LEN / 2);
    let file_name = format!("{id}.{}", extension(clean.format));
    let attachment = Attachment {
        id,
        mime: clean.format.mime_type().to_owned(),
        width: clean.width,
        height: clean.height,
        size: u64::try_from(clean.bytes.len()).unwrap_or(u64::MAX),
    };
    write_file(&state.config.upload_dir, &file_name, &clean.bytes).await?;
    let appended = state
        .store
        .append_attachment(&row.id, client_id, &attachment, &file_name, now_millis())
        .await;
    let appended = match appended {
        Ok(appended) if appended.is_new => appended,
        other => {
            // A resend (stored before under its first file) or a failure: this copy goes.
            remove_file(&state.config.upload_dir, &file_name).await;
            other?
        }
    };
    let seq = appended.entry.seq;
    if appended.is_new {
        tracing::info!(
            conversation = %row.id,
            attachment = %attachment.id,
            seq,
            size = attachment.size,
            received = size,
            "upload stored"
        );
        deliver(&state, &row.id, appended);
    } else {
        tracing::debug!(conversation = %row.id, seq, "upload resent, stored before");
    }
    Ok(Json(serde_json::json!({ "seq": seq })).into_response())
}

/// Reads the body, refusing with 413 as soon as it is larger than `limit`.
async fn read_limited(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, AppError> {
    const TOO_LARGE: AppError =
        AppError::TooLarge("This picture is larger than this shop accepts; send a smaller one.");
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(TOO_LARGE);
    }
    let mut bytes = Vec::with_capacity(declared.map_or(0, |length| {
        usize::try_from(length).unwrap_or(limit).min(limit)
    }));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk: Bytes = chunk.map_err(|_| {
            AppError::BadRequest("The picture did not arrive completely; please try again.")
        })?;
        if bytes.len() + chunk.len() > limit {
            return Err(TOO_LARGE);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Sends the stored entry to the conversation's customer sockets and to operator consoles,
/// exactly as a customer message is delivered.
fn deliver(state: &AppState, conversation: &str, appended: Appended) {
    let hub = &state.hub;
    hub.to_customer(
        conversation,
        CustomerEvent::Entry {
            entry: appended.entry.clone(),
        },
    );
    hub.to_operators(
        None,
        OperatorEvent::Entry {
            conversation: conversation.to_owned(),
            entry: appended.entry,
        },
    );
    let state = state.clone();
    let conversation = conversation.to_owned();
    tokio::spawn(async move {
        match state.store.summary(&conversation).await {
            Ok(Some(summary)) => {
                let event = OperatorEvent::Conversation {
                    conversation: summary,
                };
                state.hub.to_operators(None, event);
            }
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "conversation summary failed"),
        }
    });
}

/// The file extension for a detected format.
fn extension(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::Gif => "gif",
        ImageFormat::Webp => "webp",
    }
}

/// Writes `bytes` as `dir/name`, through a temporary name so a half-written file is never
/// served; creates `dir` when missing.
async fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), AppError> {
    let partial = dir.join(format!("{name}.part"));
    let written = async {
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, dir.join(name)).await
    }
    .await;
    written.map_err(|error| {
        tracing::error!(kind = ?error.kind(), "writing an upload failed");
        AppError::Internal
    })
}

/// Deletes `dir/name`; a file already gone is fine, other failures are logged.
pub(crate) async fn remove_file(dir: &Path, name: &str) {
    match tokio::fs::remove_file(dir.join(name)).await {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::error!(kind = ?error.kind(), "deleting an upload failed"),
    }
}

/// The customer's token when it comes in the query string (`<img src>` cannot send headers).
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /api/attachments/{id}`: the stored picture, for the conversation's customer (token in
/// `X-Chatward-Token` or `?token=`) or a logged-in operator. 401 without credentials, 404
/// for unknown ids, 403 for a token of another conversation.
pub async fn attachment(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    Query(query): Query<TokenQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let token = headers
        .get(TOKEN_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or(query.token);
    let has_session = auth::cookie(&headers, SESSION_COOKIE).is_some();
    if token.is_none() && !has_session {
        return Err(AppError::Unauthorized(
            "Please log in or open this picture from its chat.",
        ));
    }
    const UNKNOWN: AppError = AppError::NotFound("There is no such picture; it may have expired.");
    if id.len() != ATTACHMENT_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(UNKNOWN);
    }
    let stored = state.store.attachment(&id).await?.ok_or(UNKNOWN)?;
    let is_customer = token.is_some_and(|token| sha256_hex(token.as_bytes()) == stored.token_hash);
    if !is_customer {
        if !has_session {
            return Err(AppError::Forbidden("This picture belongs to another chat."));
        }
        logged_in_operator(&state, &headers).await?;
    }
    let bytes = match tokio::fs::read(state.config.upload_dir.join(&stored.file_name)).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(attachment = %id, kind = ?error.kind(), "stored upload unreadable");
            return Err(if error.kind() == std::io::ErrorKind::NotFound {
                UNKNOWN
            } else {
                AppError::Internal
            });
        }
    };
    let mime = HeaderValue::from_str(&stored.attachment.mime).map_err(|_| AppError::Internal)?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", stored.file_name))
            .map_err(|_| AppError::Internal)?;
    let headers = [
        (CONTENT_TYPE, mime),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (CONTENT_DISPOSITION, disposition),
        (
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
    ];
    Ok((headers, bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_come_from_the_detected_format() {
        for (format, ext) in [
            (ImageFormat::Jpeg, "jpg"),
            (ImageFormat::Png, "png"),
            (ImageFormat::Gif, "gif"),
            (ImageFormat::Webp, "webp"),
        ] {
            assert_eq!(extension(format), ext);
        }
    }
}
