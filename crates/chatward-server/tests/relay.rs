//! The relay end to end over real sockets: `app()` served on 127.0.0.1:0 with a temporary
//! SQLite file, driven by a raw WebSocket client and a plain HTTP client that bypass the
//! widget, as an attacker or a broken client would.

use std::net::SocketAddr;
use std::time::Duration;

use chatward_core::protocol::{
    Author, CustomerEvent, CustomerFrame, ErrorCode, OperatorEvent, OperatorFrame,
    PROTOCOL_VERSION, Resume, Statement,
};
use chatward_server::{AppState, FileConfig, OperatorAccount, Store, app, hash_password};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

#[path = "relay/cli.rs"]
mod cli;
#[path = "relay/limits.rs"]
mod limits;
#[path = "relay/operations.rs"]
mod operations;
#[path = "relay/sessions.rs"]
mod sessions;
#[path = "relay/transcript.rs"]
mod transcript;
#[path = "relay/uploads.rs"]
mod uploads;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const OPERATOR: &str = "ada";
const PASSWORD: &str = "correct horse battery";

/// Upper bound for waiting on a frame, so a missing frame fails the test instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

/// The database for one test: a SQLite file in `dir`, or, when `CHATWARD_TEST_POSTGRES`
/// holds a PostgreSQL URL (of a database the user may `CREATE DATABASE` from), a fresh
/// database on that server, so the same tests prove both backends.
async fn test_database(dir: &std::path::Path) -> String {
    let Ok(admin_url) = std::env::var("CHATWARD_TEST_POSTGRES") else {
        return format!("sqlite://{}", dir.join("relay.db").display());
    };
    use sqlx::Executor as _;
    sqlx::any::install_default_drivers();
    // The temporary folder's name is unique, so its hash names a unique database.
    let name = format!(
        "chatward_test_{}",
        &chatward_server::sha256_hex(dir.as_os_str().as_encoded_bytes())[..16]
    );
    let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("a URL that names a database");
    format!("{base}/{name}")
}

/// A relay serving a temporary database and static folder; stopped on drop.
struct Relay {
    addr: SocketAddr,
    state: AppState,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Relay {
    async fn start() -> Self {
        Self::start_with(chatward_core::Policy::default()).await
    }

    /// A relay whose demo shop has `policy`.
    async fn start_with(policy: chatward_core::Policy) -> Self {
        Self::start_shop(|shop| shop.policy = policy).await
    }

    /// A relay whose demo shop is changed by `edit`.
    async fn start_shop(edit: impl FnOnce(&mut chatward_server::Shop)) -> Self {
        Self::start_config(|config| {
            edit(std::sync::Arc::make_mut(
                config.shops.get_mut("demo").unwrap(),
            ))
        })
        .await
    }

    /// A relay whose configuration is changed by `edit`, served like `chatward serve`
    /// serves it (with each connection's address, for the per-address limits).
    async fn start_config(edit: impl FnOnce(&mut chatward_server::Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(dist.join("pane")).unwrap();
        std::fs::write(
            dist.join("pane/index.html"),
            "<!doctype html><title>pane</title>",
        )
        .unwrap();
        std::fs::write(dist.join("pane/chatward_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(dist.join("chatward.js"), "/* loader */").unwrap();
        let file = FileConfig {
            database: Some(test_database(dir.path()).await),
            static_dir: Some(dist),
            upload_dir: Some(dir.path().join("uploads")),
            ..FileConfig::default()
        };
        let mut config = file.into_config().unwrap();
        edit(&mut config);
        let store = Store::connect(&config.database).await.unwrap();
        let account = OperatorAccount {
            username: OPERATOR.to_owned(),
            display_name: "Ada".to_owned(),
            password_hash: hash_password(PASSWORD).unwrap(),
        };
        store.put_operator(&account, 0).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(config, store);
        let router = app(state.clone());
        let server = tokio::spawn(async move {
            let router = router.into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(chatward_server::without_delay(listener), router)
                .await
                .unwrap()
        });
        Self {
            addr,
            state,
            server,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn customer(&self) -> Socket {
        let (socket, _) =
            tokio_tungstenite::connect_async(format!("ws://{}/ws/customer?shop=demo", self.addr))
                .await
                .unwrap();
        socket
    }

    /// Logs in and returns the `Cookie` header value.
    async fn login(&self) -> String {
        let response = reqwest::Client::new()
            .post(self.url("/api/operator/login"))
            .json(&serde_json::json!({ "username": OPERATOR, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        let set_cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set_cookie.contains(part), "{set_cookie}");
        }
        set_cookie.split(';').next().unwrap().to_owned()
    }

    async fn operator(&self, cookie: &str) -> Socket {
        let mut request = format!("ws://{}/ws/operator", self.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        socket
    }
}

async fn send<T: serde::Serialize>(socket: &mut Socket, frame: &T) {
    socket
        .send(Message::text(serde_json::to_string(frame).unwrap()))
        .await
        .unwrap();
}

async fn recv<T: serde::de::DeserializeOwned>(socket: &mut Socket) -> T {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a frame within the patience")
            .expect("socket open")
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str())
                .unwrap_or_else(|error| panic!("{error}: {text}"));
        }
    }
}

/// `hello` -> `welcome`; returns conversation, token and statement.
async fn greet(socket: &mut Socket, resume: Option<Resume>) -> (String, String, Statement, bool) {
    send(
        socket,
        &CustomerFrame::Hello {
            v: PROTOCOL_VERSION,
            resume,
        },
    )
    .await;
    match recv(socket).await {
        CustomerEvent::Welcome {
            conversation,
            token,
            statement,
            consent,
            operator,
            v,
            policy,
            allow,
        } => {
            assert_eq!(v, PROTOCOL_VERSION);
            assert_eq!(operator.name, "Ada from Demo Shop");
            // The pane warns by the rules the relay enforces: card numbers are blocked in
            // every shop these tests configure; one of them masks e-mail addresses.
            assert_eq!(
                policy.action(chatward_core::Category::CreditCard),
                chatward_core::Action::Block
            );
            assert_eq!(allow, ["help@demo-shop.example"]);
            (conversation, token, statement, consent.is_some())
        }
        other => panic!("expected welcome, got {other:?}"),
    }
}

async fn consent(socket: &mut Socket, statement: &Statement) {
    let frame = CustomerFrame::Consent {
        statement_version: statement.version.clone(),
        statement_hash: statement.hash.clone(),
        widget_version: "test".to_owned(),
    };
    send(socket, &frame).await;
    match recv(socket).await {
        CustomerEvent::ConsentRecorded { consent } => {
            assert_eq!(consent.statement_version, "2026-11")
        }
        other => panic!("expected consent_recorded, got {other:?}"),
    }
}

/// Sends a new message; waits for its ack and for the stored entry the relay echoes (in
/// either order), and returns its `seq`.
async fn say(socket: &mut Socket, client_id: &str, text: &str) -> u64 {
    send(
        socket,
        &CustomerFrame::Message {
            client_id: client_id.to_owned(),
            text: text.to_owned(),
        },
    )
    .await;
    let (mut acked, mut echoed) = (None, None);
    while acked.is_none() || echoed.is_none() {
        match recv(socket).await {
            CustomerEvent::Ack { client_id: id, seq } if id == client_id => acked = Some(seq),
            CustomerEvent::Entry { entry } if entry.client_id.as_deref() == Some(client_id) => {
                assert_eq!(
                    (entry.author, entry.text.as_str()),
                    (Author::Customer, text)
                );
                echoed = Some(entry.seq);
            }
            other => panic!("expected ack and entry of {client_id}, got {other:?}"),
        }
    }
    assert_eq!(acked, echoed);
    acked.unwrap()
}

/// Sends a message again; a resend is only acked, nothing new is stored or echoed.
async fn resay(socket: &mut Socket, client_id: &str, text: &str) -> u64 {
    send(
        socket,
        &CustomerFrame::Message {
            client_id: client_id.to_owned(),
            text: text.to_owned(),
        },
    )
    .await;
    match recv(socket).await {
        CustomerEvent::Ack { client_id: id, seq } if id == client_id => seq,
        other => panic!("expected ack, got {other:?}"),
    }
}

/// The next operator frame that is not a list update (a conversation's summary, typing,
/// read marks): those may come first, as when a customer leaves just before.
async fn next_operator_news(socket: &mut Socket) -> OperatorEvent {
    loop {
        match recv(socket).await {
            OperatorEvent::Conversation { .. }
            | OperatorEvent::Typing { .. }
            | OperatorEvent::Read { .. } => {}
            news => return news,
        }
    }
}

/// The next operator ack past list updates: (conversation, client id, seq).
async fn next_operator_ack(socket: &mut Socket) -> (String, String, u64) {
    match next_operator_news(socket).await {
        OperatorEvent::Ack {
            conversation,
            client_id,
            seq,
        } => (conversation, client_id, seq),
        other => panic!("expected ack, got {other:?}"),
    }
}

/// The next operator entry past list updates: (conversation, entry).
async fn next_operator_entry(socket: &mut Socket) -> (String, chatward_core::protocol::Entry) {
    match next_operator_news(socket).await {
        OperatorEvent::Entry {
            conversation,
            entry,
        } => (conversation, entry),
        other => panic!("expected entry, got {other:?}"),
    }
}

#[tokio::test]
async fn hello_is_answered_with_welcome_and_the_statement() {
    let relay = Relay::start().await;
    let mut customer = relay.customer().await;
    let (conversation, token, statement, has_consent) = greet(&mut customer, None).await;
    assert_eq!(conversation.len(), 32);
    assert_eq!(token.len(), 64);
    assert_eq!(statement.version, "2026-11");
    assert_eq!(
        statement.hash,
        chatward_server::sha256_hex(statement.text.as_bytes())
    );
    assert!(!has_consent);
}

#[tokio::test]
async fn messages_before_consent_are_refused() {
    let relay = Relay::start().await;
    let mut customer = relay.customer().await;
    greet(&mut customer, None).await;
    send(
        &mut customer,
        &CustomerFrame::Message {
            client_id: "m1".into(),
            text: "hello".into(),
        },
    )
    .await;
    match recv(&mut customer).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::ConsentRequired),
        other => panic!("expected consent_required, got {other:?}"),
    }
}

#[tokio::test]
async fn consent_to_a_different_statement_is_refused() {
    let relay = Relay::start().await;
    let mut customer = relay.customer().await;
    let (_, _, mut statement, _) = greet(&mut customer, None).await;
    statement.hash = "0".repeat(64);
    let frame = CustomerFrame::Consent {
        statement_version: statement.version,
        statement_hash: statement.hash,
        widget_version: "test".into(),
    };
    send(&mut customer, &frame).await;
    match recv(&mut customer).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::ConsentRequired),
        other => panic!("expected consent_required, got {other:?}"),
    }
}

#[tokio::test]
async fn a_customer_and_an_operator_chat() {
    let relay = Relay::start().await;
    let cookie = relay.login().await;
    let mut operator = relay.operator(&cookie).await;
    match recv(&mut operator).await {
        OperatorEvent::Conversations { conversations } => assert!(conversations.is_empty()),
        other => panic!("expected conversations, got {other:?}"),
    }

    let mut customer = relay.customer().await;
    let (conversation, _, statement, _) = greet(&mut customer, None).await;
    consent(&mut customer, &statement).await;
    match recv(&mut operator).await {
        OperatorEvent::Conversation {
            conversation: summary,
        } => {
            assert_eq!(summary.id, conversation);
            assert_eq!(summary.consent.unwrap().statement_hash, statement.hash);
        }
        other => panic!("expected conversation, got {other:?}"),
    }

    assert_eq!(say(&mut customer, "m1", "hello").await, 1);
    let (seen_in, entry) = next_operator_entry(&mut operator).await;
    assert_eq!(
        (
            seen_in.as_str(),
            entry.seq,
            entry.author,
            entry.text.as_str()
        ),
        (conversation.as_str(), 1, Author::Customer, "hello")
    );

    let reply = OperatorFrame::Reply {
        conversation: conversation.clone(),
        client_id: "r1".into(),
        text: "Hi, how can I help?".into(),
    };
    send(&mut operator, &reply).await;
    let (acked, client_id, seq) = next_operator_ack(&mut operator).await;
    assert_eq!(
        (acked.as_str(), client_id.as_str(), seq),
        (conversation.as_str(), "r1", 2)
    );
    match recv(&mut customer).await {
        CustomerEvent::Entry { entry } => {
            assert_eq!(
                (entry.seq, entry.author, entry.text.as_str()),
                (2, Author::Operator, "Hi, how can I help?")
            );
        }
        other => panic!("expected entry, got {other:?}"),
    }

    // `open` gives the whole transcript to a console that connects later.
    let mut second = relay.operator(&cookie).await;
    match recv(&mut second).await {
        OperatorEvent::Conversations { conversations } => {
            assert_eq!(conversations.len(), 1);
            assert_eq!((conversations[0].last_seq, conversations[0].unread), (2, 1));
        }
        other => panic!("expected conversations, got {other:?}"),
    }
    send(
        &mut second,
        &OperatorFrame::Open {
            conversation: conversation.clone(),
            after_seq: 0,
        },
    )
    .await;
    let seqs = [
        next_operator_entry(&mut second).await.1.seq,
        next_operator_entry(&mut second).await.1.seq,
    ];
    assert_eq!(seqs, [1, 2]);
}

#[tokio::test]
async fn a_resent_message_is_stored_once() {
    let relay = Relay::start().await;
    let mut customer = relay.customer().await;
    let (conversation, token, statement, _) = greet(&mut customer, None).await;
    consent(&mut customer, &statement).await;
    assert_eq!(say(&mut customer, "m1", "hello").await, 1);
    assert_eq!(
        resay(&mut customer, "m1", "hello").await,
        1,
        "same client id, same seq"
    );
    assert_eq!(
        say(&mut customer, "m2", "again").await,
        2,
        "no gap after the duplicate"
    );

    let mut later = relay.customer().await;
    greet(
        &mut later,
        Some(Resume {
            conversation,
            token,
            last_seq: 0,
        }),
    )
    .await;
    let mut seqs = Vec::new();
    for _ in 0..2 {
        match recv(&mut later).await {
            CustomerEvent::Entry { entry } => seqs.push((entry.seq, entry.client_id.unwrap())),
            other => panic!("expected entry, got {other:?}"),
        }
    }
    assert_eq!(seqs, [(1, "m1".to_owned()), (2, "m2".to_owned())]);
}

#[tokio::test]
async fn resume_replays_what_was_missed() {
    let relay = Relay::start().await;
    let cookie = relay.login().await;
    let mut customer = relay.customer().await;
    let (conversation, token, statement, _) = greet(&mut customer, None).await;
    consent(&mut customer, &statement).await;
    say(&mut customer, "m1", "first").await;
    drop(customer);

    // The operator answers while the customer is away.
    let mut operator = relay.operator(&cookie).await;
    let _list: OperatorEvent = recv(&mut operator).await;
    let reply = OperatorFrame::Reply {
        conversation: conversation.clone(),
        client_id: "r1".into(),
        text: "answer".into(),
    };
    send(&mut operator, &reply).await;
    let (_, _, seq) = next_operator_ack(&mut operator).await;
    assert_eq!(seq, 2);

    let mut back = relay.customer().await;
    let (resumed, _, _, has_consent) = greet(
        &mut back,
        Some(Resume {
            conversation: conversation.clone(),
            token: token.clone(),
            last_seq: 1,
        }),
    )
    .await;
    assert_eq!(resumed, conversation);
    assert!(has_consent, "welcome carries the earlier consent");
    match recv(&mut back).await {
        CustomerEvent::Entry { entry } => {
            assert_eq!((entry.seq, entry.text.as_str()), (2, "answer"))
        }
        other => panic!("expected the missed entry, got {other:?}"),
    }
    assert_eq!(
        say(&mut back, "m2", "thanks").await,
        3,
        "consent survives the resume"
    );

    // A wrong token does not open the conversation: the client is told and starts afresh.
    let mut stranger = relay.customer().await;
    let resume = Resume {
        conversation: conversation.clone(),
        token: "0".repeat(64),
        last_seq: 0,
    };
    send(
        &mut stranger,
        &CustomerFrame::Hello {
            v: PROTOCOL_VERSION,
            resume: Some(resume),
        },
    )
    .await;
    match recv(&mut stranger).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::UnknownConversation),
        other => panic!("expected unknown_conversation, got {other:?}"),
    }
    match recv(&mut stranger).await {
        CustomerEvent::Welcome {
            conversation: fresh,
            consent,
            ..
        } => {
            assert_ne!(fresh, conversation);
            assert!(consent.is_none());
        }
        other => panic!("expected welcome, got {other:?}"),
    }
}

#[tokio::test]
async fn operator_login_logout_and_me() {
    let relay = Relay::start().await;
    let client = reqwest::Client::new();
    let wrong = client
        .post(relay.url("/api/operator/login"))
        .json(&serde_json::json!({ "username": OPERATOR, "password": "wrong" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert!(body["error"].is_string());
    let unknown = client
        .post(relay.url("/api/operator/login"))
        .json(&serde_json::json!({ "username": "nobody", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 401);

    assert_eq!(
        client
            .get(relay.url("/api/operator/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let cookie = relay.login().await;
    let me = client
        .get(relay.url("/api/operator/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(
        me,
        serde_json::json!({ "username": OPERATOR, "display_name": "Ada" })
    );

    let out = client
        .post(relay.url("/api/operator/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let me = client
        .get(relay.url("/api/operator/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        401,
        "the session ended on the server, not only in the browser"
    );
}

#[tokio::test]
async fn operator_socket_needs_a_session() {
    let relay = Relay::start().await;
    let url = format!("ws://{}/ws/operator", relay.addr);
    match tokio_tungstenite::connect_async(url.as_str()).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {:?}", other.map(|_| ())),
    }
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", "chatward_session=forged".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn customer_socket_refuses_foreign_pages() {
    let relay = Relay::start().await;
    let mut request = format!("ws://{}/ws/customer?shop=demo", relay.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
    let unknown_shop = format!("ws://{}/ws/customer?shop=nope", relay.addr);
    match tokio_tungstenite::connect_async(unknown_shop).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 404),
        other => panic!("expected 404, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn oversized_and_malformed_frames_are_answered_not_stored() {
    let relay = Relay::start().await;
    let mut customer = relay.customer().await;
    let (_, _, statement, _) = greet(&mut customer, None).await;
    consent(&mut customer, &statement).await;
    customer.send(Message::text("{not json")).await.unwrap();
    match recv(&mut customer).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::BadFrame),
        other => panic!("expected bad_frame, got {other:?}"),
    }
    send(
        &mut customer,
        &CustomerFrame::Message {
            client_id: "long".into(),
            text: "x".repeat(2001),
        },
    )
    .await;
    match recv(&mut customer).await {
        CustomerEvent::Refused { client_id, reason } => {
            assert_eq!(client_id, "long");
            assert!(reason.contains("2000"), "{reason}");
        }
        other => panic!("expected refused, got {other:?}"),
    }
    assert_eq!(
        say(&mut customer, "m1", "short").await,
        1,
        "nothing was stored before"
    );
}

#[tokio::test]
async fn static_files_carry_types_and_the_pane_csp() {
    let relay = Relay::start().await;
    let client = reqwest::Client::new();
    let wasm = client
        .get(relay.url("/pane/chatward_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["x-content-type-options"], "nosniff");

    let pane = client
        .get(relay.url("/pane/?shop=demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(pane.status(), 200);
    let csp = pane.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(
        csp.contains("frame-ancestors http://127.0.0.1:* http://localhost:*"),
        "{csp}"
    );

    let loader = client.get(relay.url("/chatward.js")).send().await.unwrap();
    assert_eq!(loader.status(), 200);
    assert!(
        loader.headers().get("content-security-policy").is_none(),
        "the loader runs in the shop's page"
    );
}

#[tokio::test]
async fn a_flood_of_frames_is_limited() {
    let relay = Relay::start().await;
    let mut customer = relay.customer().await;
    let (_, _, statement, _) = greet(&mut customer, None).await;
    consent(&mut customer, &statement).await;
    // Typing frames get no answer of their own, so the first answer is the limit.
    for _ in 0..100 {
        send(&mut customer, &CustomerFrame::Typing { active: true }).await;
    }
    match recv(&mut customer).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::Limited),
        other => panic!("expected limited, got {other:?}"),
    }
}

#[tokio::test]
async fn the_policy_is_enforced_on_the_relay_whatever_the_client_sends() {
    let policy = chatward_core::Policy::with_overrides([("EMAIL", "mask")]).unwrap();
    let relay = Relay::start_with(policy).await;
    let cookie = relay.login().await;
    let mut operator = relay.operator(&cookie).await;
    let _list: OperatorEvent = recv(&mut operator).await;
    let mut customer = relay.customer().await;
    let (conversation, _, statement, _) = greet(&mut customer, None).await;
    consent(&mut customer, &statement).await;

    // Blocked by default: a card number is refused with a reason and stored nowhere.
    let card = CustomerFrame::Message {
        client_id: "card".into(),
        text: "my card is 4111 1111 1111 1111".into(),
    };
    send(&mut customer, &card).await;
    match recv(&mut customer).await {
        CustomerEvent::Refused { client_id, reason } => {
            assert_eq!(client_id, "card");
            assert!(reason.contains("card number"), "{reason}");
        }
        other => panic!("expected refused, got {other:?}"),
    }

    // Masked by this shop: stored, echoed and delivered only masked.
    let text = "write to jane.doe@example.org please";
    send(
        &mut customer,
        &CustomerFrame::Message {
            client_id: "mail".into(),
            text: text.into(),
        },
    )
    .await;
    let mut stored = None;
    while stored.is_none() {
        match recv(&mut customer).await {
            CustomerEvent::Ack { seq, .. } => assert_eq!(seq, 1, "the refused message took no seq"),
            CustomerEvent::Entry { entry } => stored = Some(entry),
            other => panic!("expected ack and entry, got {other:?}"),
        }
    }
    let stored = stored.unwrap();
    assert!(
        !stored.text.contains("jane.doe@example.org"),
        "{}",
        stored.text
    );
    let (seen_in, delivered) = next_operator_entry(&mut operator).await;
    assert_eq!(seen_in, conversation);
    assert_eq!(delivered.seq, 1, "the operator never saw the card message");
    assert_eq!(delivered.text, stored.text);

    // Storage holds the masked text too: a later reader gets the same.
    send(
        &mut operator,
        &OperatorFrame::Open {
            conversation,
            after_seq: 0,
        },
    )
    .await;
    let (_, reread) = next_operator_entry(&mut operator).await;
    assert_eq!(reread.text, stored.text);
}

#[tokio::test]
async fn retention_deletes_only_conversations_quiet_since_the_cutoff() {
    let relay = Relay::start().await;
    let mut quiet = relay.customer().await;
    let (quiet_id, quiet_token, statement, _) = greet(&mut quiet, None).await;
    consent(&mut quiet, &statement).await;
    say(&mut quiet, "m1", "old news").await;
    let mut busy = relay.customer().await;
    let (busy_id, _, _, _) = greet(&mut busy, None).await;
    consent(&mut busy, &statement).await;
    say(&mut busy, "m1", "first").await;

    // Everything so far is "old": a cutoff just after it, then one more message to `busy`.
    let store = &relay.state.store;
    let cutoff = store.entries_after(&busy_id, 0).await.unwrap()[0].at + 1;
    let cutoff = cutoff.max(chatward_server::state::now_millis() + 1);
    loop {
        // Wait until the clock has passed the cutoff, so the next entry is newer.
        if chatward_server::state::now_millis() > cutoff {
            break;
        }
        tokio::task::yield_now().await;
    }
    say(&mut busy, "m2", "still talking").await;

    assert_eq!(
        store
            .delete_inactive("demo", cutoff)
            .await
            .unwrap()
            .conversations,
        1
    );
    assert!(store.conversation(&quiet_id).await.unwrap().is_none());
    assert!(store.entries_after(&quiet_id, 0).await.unwrap().is_empty());
    assert!(store.latest_consent(&quiet_id).await.unwrap().is_none());
    assert_eq!(
        store.entries_after(&busy_id, 0).await.unwrap().len(),
        2,
        "busy kept whole"
    );

    // The deleted conversation cannot be resumed.
    let mut back = relay.customer().await;
    let resume = Resume {
        conversation: quiet_id,
        token: quiet_token,
        last_seq: 0,
    };
    send(
        &mut back,
        &CustomerFrame::Hello {
            v: PROTOCOL_VERSION,
            resume: Some(resume),
        },
    )
    .await;
    match recv(&mut back).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::UnknownConversation),
        other => panic!("expected unknown_conversation, got {other:?}"),
    }
}
