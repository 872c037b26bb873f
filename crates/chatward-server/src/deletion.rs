//! Deleting conversations: at the customer's request (`DELETE /api/conversation`), by an
//! operator (`DELETE /api/conversations/{id}`) and by retention. All three erase through
//! [`Store::erase`](crate::store::Store::erase) and then [`forget`]: picture files deleted,
//! live customer sockets told `deleted` and closed, consoles told `removed`.
//!
//! **Invariants:** after a deletion nothing of the conversation's content is served (its
//! token no longer matches, its entries and files are gone); the consent records stay until
//! retention, as the proof that the privacy gate was passed. Logs carry ids and counts only.

use axum::extract::{Path as UrlPath, State};
use axum::http::header::ORIGIN;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use chatward_core::protocol::{CustomerEvent, Millis, OperatorEvent};

use crate::auth::sha256_hex;
use crate::error::AppError;
use crate::http::{is_same_origin, logged_in_operator};
use crate::state::{AppState, now_millis};
use crate::store::{Erasure, StoreError};

/// Header naming the customer's conversation.
const CONVERSATION_HEADER: &str = "x-chatward-conversation";
/// Header carrying the conversation's secret token.
const TOKEN_HEADER: &str = "x-chatward-token";

const NOT_YOURS: AppError = AppError::Unauthorized(
    "This chat could not be verified; it may have been deleted already. Reload the page.",
);

/// Who asked for a deletion, for the log.
#[derive(Debug, Clone, Copy)]
enum Requester {
    Customer,
    Operator,
}

/// `DELETE /api/conversation`: the customer's "delete this chat", with the conversation in
/// `X-Chatward-Conversation` and its token in `X-Chatward-Token` (headers only: a token in a
/// URL ends up in logs). 204 after the deletion, 401 when the pair does not match.
pub async fn customer(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    let (Some(conversation), Some(token)) = (header(CONVERSATION_HEADER), header(TOKEN_HEADER))
    else {
        return Err(NOT_YOURS);
    };
    let row = state
        .store
        .conversation(conversation)
        .await?
        .filter(|row| row.token_hash == sha256_hex(token.as_bytes()))
        .ok_or(NOT_YOURS)?;
    if erase(&state, &row.id, Requester::Customer, now_millis()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        // Deleted by someone else between the lookup and now.
        Err(NOT_YOURS)
    }
}

/// `DELETE /api/conversations/{id}` for a logged-in operator. Browsers must send it from
/// the relay's own origin (the console), like the operator WebSocket. 204, 401 without a
/// session, 403 from another origin, 404 for an unknown (or already deleted) conversation.
pub async fn operator(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    logged_in_operator(&state, &headers).await?;
    // SameSite=Strict keeps other sites from sending the cookie and DELETE needs a CORS
    // preflight the relay never grants; the origin check also covers older browsers.
    if headers.contains_key(ORIGIN) && !is_same_origin(&headers) {
        return Err(AppError::Forbidden(
            "Conversations can only be deleted from the console.",
        ));
    }
    if erase(&state, &id, Requester::Operator, now_millis()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("There is no such conversation."))
    }
}

/// Deletes a conversation on request; `false` when it was unknown or deleted already.
async fn erase(
    state: &AppState,
    id: &str,
    requester: Requester,
    at: Millis,
) -> Result<bool, StoreError> {
    let Some(files) = state.store.erase(id, Erasure::Requested { at }).await? else {
        return Ok(false);
    };
    tracing::info!(conversation = %id, ?requester, files = files.len(), "conversation deleted");
    forget(state, id, &files).await;
    Ok(true)
}

/// Retention for one shop: deletes its conversations quiet since `cutoff` with their
/// picture files, and tells connected clients. Returns how many conversations went.
pub async fn delete_inactive(
    state: &AppState,
    shop: &str,
    cutoff: Millis,
) -> Result<u64, StoreError> {
    let retired = state.store.delete_inactive(shop, cutoff).await?;
    for id in &retired.ids {
        forget(state, id, &[]).await;
    }
    remove_files(state, &retired.files).await;
    if !retired.files.is_empty() {
        tracing::info!(shop, files = retired.files.len(), "expired uploads deleted");
    }
    Ok(retired.conversations)
}

/// What follows every erasure: the files go, the customer's live sockets hear `deleted`
/// (and close), the consoles hear `removed`.
async fn forget(state: &AppState, id: &str, files: &[String]) {
    remove_files(state, files).await;
    state.hub.to_customer(id, CustomerEvent::Deleted);
    state.hub.to_operators(
        None,
        OperatorEvent::Removed {
            conversation: id.to_owned(),
        },
    );
}

async fn remove_files(state: &AppState, files: &[String]) {
    for file in files {
        crate::uploads::remove_file(&state.config.upload_dir, file).await;
    }
}
