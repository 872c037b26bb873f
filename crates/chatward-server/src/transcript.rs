//! Transcripts: `GET /api/transcript` for the conversation's customer (its secret token) and
//! `GET /api/conversations/{id}/transcript` for logged-in operators, as JSON (the
//! hash-chained record `chatward transcript verify` checks), plain text or HTML.
//!
//! **Invariants:** served only as downloads (`Content-Disposition: attachment`), never cached,
//! HTML under a CSP that allows no scripts; logs carry the conversation id and format only.

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chatward_core::{Transcript, TranscriptHeader, render_html, render_text};
use serde::Deserialize;

use crate::auth::sha256_hex;
use crate::error::AppError;
use crate::http::logged_in_operator;
use crate::state::AppState;

/// Header naming the customer's conversation.
const CONVERSATION_HEADER: &str = "x-chatward-conversation";
/// Header carrying the conversation's secret token.
const TOKEN_HEADER: &str = "x-chatward-token";

const NOT_YOURS: AppError =
    AppError::Unauthorized("This chat could not be verified; please open it from its chat.");

/// The download formats.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The hash-chained record, for `chatward transcript verify`.
    #[default]
    Json,
    /// A self-contained page to read or print.
    Html,
    /// Plain text.
    Text,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Html => "html",
            Self::Text => "txt",
        }
    }
}

/// Query of both routes; `token` and `conversation` only for the customer's.
#[derive(Deserialize)]
pub struct TranscriptQuery {
    #[serde(default)]
    format: Format,
    token: Option<String>,
    conversation: Option<String>,
}

/// `GET /api/transcript?format=json|html|text`: the customer's own conversation, named by
/// `X-Chatward-Conversation` / `?conversation=` and proven by `X-Chatward-Token` / `?token=`.
/// 401 when either is missing or they do not match.
pub async fn customer(
    State(state): State<AppState>,
    Query(query): Query<TranscriptQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
            .map(str::to_owned)
    };
    let (Some(conversation), Some(token)) = (
        header(CONVERSATION_HEADER).or(query.conversation),
        header(TOKEN_HEADER).or(query.token),
    ) else {
        return Err(NOT_YOURS);
    };
    let row = state
        .store
        .conversation(&conversation)
        .await?
        .filter(|row| row.token_hash == sha256_hex(token.as_bytes()))
        .ok_or(NOT_YOURS)?;
    respond(&state, row, query.format).await
}

/// `GET /api/conversations/{id}/transcript?format=json|html|text` for a logged-in operator.
/// 401 without a session, 404 for an unknown conversation.
pub async fn operator(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    Query(query): Query<TranscriptQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    logged_in_operator(&state, &headers).await?;
    let row = state
        .store
        .conversation(&id)
        .await?
        .ok_or(AppError::NotFound("There is no such conversation."))?;
    respond(&state, row, query.format).await
}

async fn respond(
    state: &AppState,
    row: crate::store::ConversationRow,
    format: Format,
) -> Result<Response, AppError> {
    let transcript = build(state, row).await?;
    tracing::info!(conversation = %transcript.header.conversation, ?format, entries = transcript.entries.len(), "transcript served");
    let (mime, body) = match format {
        Format::Json => (
            "application/json",
            serde_json::to_string_pretty(&transcript).map_err(|_| AppError::Internal)?,
        ),
        Format::Html => ("text/html; charset=utf-8", render_html(&transcript)),
        Format::Text => ("text/plain; charset=utf-8", render_text(&transcript)),
    };
    // Conversation ids are the relay's own (hex); anything else is not put in a header.
    let id = &transcript.header.conversation;
    let name = if id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        id.as_str()
    } else {
        "transcript"
    };
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"chatward-{name}.{}\"",
        format.extension()
    ))
    .map_err(|_| AppError::Internal)?;
    // Nothing in a download may run, load, submit or be framed, even if a browser opens it
    // in place instead of saving it: `sandbox` gives the page a unique origin besides.
    let csp = if format == Format::Html {
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'; sandbox"
    } else {
        "default-src 'none'; frame-ancestors 'none'; sandbox"
    };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(mime)),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (CONTENT_DISPOSITION, disposition),
        (CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp)),
        (CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
    ];
    Ok((headers, body).into_response())
}

/// Reads the conversation's consents and every entry and seals them.
async fn build(
    state: &AppState,
    row: crate::store::ConversationRow,
) -> Result<Transcript, AppError> {
    let consents = state.store.consents(&row.id).await?;
    let mut entries = Vec::new();
    loop {
        let after = entries
            .last()
            .map_or(0, |entry: &chatward_core::protocol::Entry| entry.seq);
        let page = state.store.entries_after(&row.id, after).await?;
        let full = page.len() >= usize::try_from(crate::store::PAGE_LIMIT).unwrap_or(usize::MAX);
        entries.extend(page);
        if !full {
            break;
        }
    }
    let header = TranscriptHeader {
        statement: state.shop(&row.shop).map(|shop| shop.statement.clone()),
        conversation: row.id,
        shop: row.shop,
        started_at: row.started_at,
        consents,
    };
    Ok(Transcript::seal(header, &entries))
}
