//! Limits per client address over raw sockets: open WebSockets, new connections, uploads
//! and logins. Over a limit, HTTP says 429 with `Retry-After`, a WebSocket `error limited`
//! and then closes. `X-Forwarded-For` counts only when the relay is told to trust it.

use std::net::IpAddr;

use chatward_core::protocol::{CustomerEvent, ErrorCode, OperatorEvent};
use chatward_server::{Config, Rate};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::{PATIENCE, Relay, Socket, greet, recv};

const LOOPBACK: &str = "127.0.0.1";

/// A relay with no per-address limits but what `edit` sets.
async fn relay_with(edit: impl FnOnce(&mut chatward_server::Limits)) -> Relay {
    Relay::start_config(|config: &mut Config| {
        let limits = &mut config.limits;
        limits.sockets_per_address = 0;
        limits.connections = Rate::UNLIMITED;
        limits.uploads = Rate::UNLIMITED;
        limits.logins = Rate::UNLIMITED;
        edit(limits);
    })
    .await
}

/// Asserts the socket was refused: `error limited`, then a 1013 close named `limited`.
async fn assert_limited(socket: &mut Socket) {
    let event: serde_json::Value = recv(socket).await;
    assert_eq!(event["type"], "error", "{event}");
    assert_eq!(event["code"], "limited", "{event}");
    assert!(
        event["message"].as_str().unwrap().contains("your network"),
        "{event}"
    );
    let close = tokio::time::timeout(PATIENCE, socket.next())
        .await
        .expect("closed within the patience");
    match close {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(frame.code, CloseCode::Again);
            assert_eq!(frame.reason.as_str(), "limited");
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// Waits until the relay counts `open` sockets for loopback.
async fn until_open_sockets(relay: &Relay, open: u32) {
    let loopback: IpAddr = LOOPBACK.parse().unwrap();
    tokio::time::timeout(PATIENCE, async {
        while relay.state.per_address.open_sockets(loopback) != open {
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("never {open} open sockets"));
}

#[tokio::test]
async fn an_address_holds_at_most_its_open_sockets() {
    let relay = relay_with(|limits| limits.sockets_per_address = 2).await;
    let mut first = relay.customer().await;
    greet(&mut first, None).await;
    let mut second = relay.customer().await;
    greet(&mut second, None).await;
    until_open_sockets(&relay, 2).await;

    let mut third = relay.customer().await;
    assert_limited(&mut third).await;
    // Operators' consoles count against the same address.
    let cookie = relay.login().await;
    let mut console = relay.operator(&cookie).await;
    assert_limited(&mut console).await;

    // A socket that leaves gives its slot back.
    drop(first);
    until_open_sockets(&relay, 1).await;
    let mut again = relay.customer().await;
    greet(&mut again, None).await;
    until_open_sockets(&relay, 2).await;
    drop((second, again));
    until_open_sockets(&relay, 0).await;
    assert_eq!(relay.state.per_address.addresses_with_sockets(), 0);
}

#[tokio::test]
async fn a_flood_of_new_connections_is_limited() {
    let relay = relay_with(|limits| {
        limits.connections = Rate {
            per_minute: 1,
            burst: 3,
        }
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut socket = relay.customer().await;
        greet(&mut socket, None).await;
        open.push(socket);
    }
    let mut fourth = relay.customer().await;
    assert_limited(&mut fourth).await;
    let cookie = relay.login().await;
    let mut console = relay.operator(&cookie).await;
    match recv(&mut console).await {
        OperatorEvent::Error { code, .. } => assert_eq!(code, ErrorCode::Limited),
        other => panic!("expected error limited, got {other:?}"),
    }
    // The ones admitted keep working.
    let (socket, _) = open.split_first_mut().unwrap();
    super::send(
        socket,
        &chatward_core::protocol::CustomerFrame::Typing { active: true },
    )
    .await;
    super::send(
        socket,
        &chatward_core::protocol::CustomerFrame::Message {
            client_id: "m1".to_owned(),
            text: "hi".to_owned(),
        },
    )
    .await;
    match recv(socket).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::ConsentRequired),
        other => panic!("expected consent_required, got {other:?}"),
    }
}

async fn upload(relay: &Relay, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(relay.url("/api/upload"))
        .header("content-type", "image/png")
        .body(b"not even a picture".to_vec());
    if let Some(forwarded_for) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded_for);
    }
    request.send().await.unwrap()
}

async fn assert_429(response: reqwest::Response) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("please wait"),
        "{body}"
    );
}

#[tokio::test]
async fn uploads_and_logins_over_their_rate_get_429() {
    let relay = relay_with(|limits| {
        limits.uploads = Rate {
            per_minute: 1,
            burst: 2,
        };
        limits.logins = Rate {
            per_minute: 1,
            burst: 1,
        };
    })
    .await;
    // The first two reach the upload check (and fail it: no conversation).
    for _ in 0..2 {
        assert_eq!(upload(&relay, None).await.status(), 401);
    }
    assert_429(upload(&relay, None).await).await;

    let client = reqwest::Client::new();
    let login = |password: &'static str| {
        client
            .post(relay.url("/api/operator/login"))
            .json(&serde_json::json!({ "username": super::OPERATOR, "password": password }))
            .send()
    };
    assert_eq!(login("wrong").await.unwrap().status(), 401);
    // Even the right password waits: guessing must not be able to go on.
    assert_429(login(super::PASSWORD).await.unwrap()).await;
}

#[tokio::test]
async fn forwarded_for_counts_only_when_trusted() {
    let rate = Rate {
        per_minute: 1,
        burst: 1,
    };
    let untrusting = relay_with(|limits| limits.uploads = rate).await;
    assert_eq!(upload(&untrusting, Some("203.0.113.1")).await.status(), 401);
    // A made-up header does not make a new client.
    assert_429(upload(&untrusting, Some("203.0.113.2")).await).await;

    let trusting = relay_with(|limits| {
        limits.uploads = rate;
        limits.trust_forwarded_for = true;
    })
    .await;
    assert_eq!(upload(&trusting, Some("203.0.113.1")).await.status(), 401);
    assert_eq!(
        upload(&trusting, Some("10.9.9.9, 203.0.113.2"))
            .await
            .status(),
        401,
        "the last entry (the proxy's) names the client"
    );
    assert_429(upload(&trusting, Some("203.0.113.1")).await).await;
}
