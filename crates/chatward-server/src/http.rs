//! HTTP endpoints: operator login/logout/me, the widget's static files with their security
//! headers, and the separate demo shop page.

use std::path::{Path, PathBuf};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::auth::{self, SESSION_COOKIE};
use crate::config::{DEFAULT_SHOP, Shop};
use crate::error::AppError;
use crate::state::{AppState, now_millis};
use crate::store::OperatorAccount;

/// Longest username or password accepted at login; longer input is refused unhashed.
const MAX_CREDENTIAL_LEN: usize = 256;

/// How long a login waits for a free password-check slot before the relay says it is busy.
const LOGIN_QUEUE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Body of `POST /api/operator/login`.
#[derive(Deserialize)]
pub struct Login {
    username: String,
    password: String,
}

/// `POST /api/operator/login`: 204 with a session cookie, or 401.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(login): Json<Login>,
) -> Result<Response, AppError> {
    if login.username.len() > MAX_CREDENTIAL_LEN || login.password.len() > MAX_CREDENTIAL_LEN {
        return Err(AppError::Unauthorized("Wrong username or password."));
    }
    let account = state.store.operator(&login.username).await?;
    let hash = account.as_ref().map_or_else(
        || auth::decoy_hash().to_owned(),
        |account| account.password_hash.clone(),
    );
    let password = login.password;
    let _slot = tokio::time::timeout(LOGIN_QUEUE_TIMEOUT, state.password_checks.acquire())
        .await
        .map_err(|_| AppError::Busy("Too many logins at once; please try again in a moment."))?
        .map_err(|_| AppError::Internal)?;
    let is_match = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|_| AppError::Internal)?;
    let Some(account) = account.filter(|_| is_match) else {
        tracing::info!("operator login refused");
        return Err(AppError::Unauthorized("Wrong username or password."));
    };
    let token = auth::random_hex(32);
    let now = now_millis();
    state
        .store
        .create_session(
            &auth::sha256_hex(token.as_bytes()),
            &account.username,
            now,
            now + auth::SESSION_LIFETIME_MS,
        )
        .await?;
    tracing::info!("operator logged in");
    let cookie = auth::session_cookie(&token, is_https(&headers));
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// `POST /api/operator/logout`: ends the session (if any) and clears the cookie; 204.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        state
            .store
            .delete_session(&auth::sha256_hex(token.as_bytes()))
            .await?;
    }
    let cookie = auth::cleared_session_cookie(is_https(&headers));
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// `GET /api/operator/me`: who is logged in, or 401.
pub async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, AppError> {
    let account = logged_in_operator(&state, &headers).await?;
    Ok(Json(
        serde_json::json!({ "username": account.username, "display_name": account.display_name }),
    ))
}

/// The operator whose session cookie came with the request.
pub async fn logged_in_operator(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<OperatorAccount, AppError> {
    let token =
        auth::cookie(headers, SESSION_COOKIE).ok_or(AppError::Unauthorized("Please log in."))?;
    state
        .store
        .session_operator(&auth::sha256_hex(token.as_bytes()), now_millis())
        .await?
        .ok_or(AppError::Unauthorized(
            "Your session ended; please log in again.",
        ))
}

/// Whether the client reached us over https (directly or through a proxy that says so).
fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// Whether a browser `Origin` is this relay itself (same host as the request).
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (headers.get(ORIGIN), headers.get(HOST)) else {
        return false;
    };
    let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
        return false;
    };
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    authority == Some(host)
}

/// Whether `origin` matches an allowed-origin pattern; a pattern may end in `:*` for any port.
pub fn origin_matches(pattern: &str, origin: &str) -> bool {
    match pattern.strip_suffix(":*") {
        Some(base) => origin
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|port| {
                !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
            }),
        None => pattern == origin,
    }
}

/// The pane's Content-Security-Policy for `shop`: wasm allowed, nothing from elsewhere, and
/// only the shop's own pages may frame it.
pub fn pane_csp(shop: Option<&Shop>) -> String {
    let ancestors = match shop {
        Some(shop) if !shop.allowed_origins.is_empty() => shop.allowed_origins.join(" "),
        _ => "'none'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:; \
         img-src 'self' data: blob: https:; style-src 'self'; frame-ancestors {ancestors}"
    )
}

/// The console's Content-Security-Policy: like the pane's, but never framed.
const CONSOLE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'";

#[derive(Deserialize)]
struct ShopQuery {
    shop: Option<String>,
}

/// Middleware on the static files: the pane and console get their CSP.
pub async fn static_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let shop_id = axum::extract::Query::<ShopQuery>::try_from_uri(request.uri())
        .ok()
        .and_then(|query| query.0.shop)
        .unwrap_or_else(|| DEFAULT_SHOP.to_owned());
    let mut response = next.run(request).await;
    let csp = if path == "/pane" || path.starts_with("/pane/") {
        Some(pane_csp(state.shop(&shop_id).as_deref()))
    } else if path == "/console" || path.starts_with("/console/") {
        Some(CONSOLE_CSP.to_owned())
    } else {
        None
    };
    if let Some(value) = csp.and_then(|csp| HeaderValue::from_str(&csp).ok()) {
        response
            .headers_mut()
            .insert(CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// The demo shop site: `GET /` answers `demo/index.html` with `{{RELAY}}` replaced by the
/// relay's origin. It runs on its own listener so it is a different origin, as in real life.
pub fn demo_shop_app(static_dir: &Path, relay_origin: String) -> axum::Router {
    let page_path: PathBuf = static_dir.join("demo").join("index.html");
    axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let page_path = page_path.clone();
            let relay_origin = relay_origin.clone();
            async move {
                match tokio::fs::read_to_string(&page_path).await {
                    Ok(page) => Html(page.replace("{{RELAY}}", &relay_origin)).into_response(),
                    Err(_) => (
                        StatusCode::NOT_FOUND,
                        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                        "The demo page is missing: run `cargo xtask dist` first.",
                    )
                        .into_response(),
                }
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_wildcards_match_only_ports() {
        let pattern = "http://127.0.0.1:*";
        assert!(origin_matches(pattern, "http://127.0.0.1:5173"));
        assert!(!origin_matches(pattern, "http://127.0.0.1"));
        assert!(!origin_matches(pattern, "http://127.0.0.1:80.evil.example"));
        assert!(!origin_matches(pattern, "http://127.0.0.10:80"));
        assert!(origin_matches(
            "https://shop.example",
            "https://shop.example"
        ));
        assert!(!origin_matches(
            "https://shop.example",
            "https://shop.example.evil"
        ));
    }

    #[test]
    fn same_origin_compares_host() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:8080"));
        headers.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(is_same_origin(&headers));
        headers.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:9090"));
        assert!(!is_same_origin(&headers));
    }

    #[test]
    fn unknown_shop_panes_may_not_be_framed() {
        assert!(pane_csp(None).ends_with("frame-ancestors 'none'"));
    }
}
