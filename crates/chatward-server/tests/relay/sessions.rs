//! A customer session driven through channels instead of a socket: the session code is
//! written over `Sink`/`Stream`, so it runs the same against these as against axum's socket.

use std::convert::Infallible;
use std::pin::Pin;

use axum::extract::ws::{Message, Utf8Bytes};
use chatward_core::protocol::{CustomerEvent, CustomerFrame, PROTOCOL_VERSION};
use chatward_server::{AppState, FileConfig, Store, ws};
use tokio::sync::mpsc;

type Outgoing = Pin<Box<dyn futures_util::Sink<Message, Error = Infallible> + Send>>;

fn channel_socket() -> (
    mpsc::Sender<Message>,
    mpsc::Receiver<Message>,
    Outgoing,
    impl futures_util::Stream<Item = Result<Message, Infallible>> + Unpin + Send,
) {
    let (to_session, from_test) = mpsc::channel::<Message>(16);
    let (to_test, from_session) = mpsc::channel::<Message>(16);
    let sink: Outgoing = Box::pin(futures_util::sink::unfold(
        to_test,
        |to_test, message| async move {
            // A closed test receiver just drops frames, like a peer that went away.
            let _ = to_test.send(message).await;
            Ok::<_, Infallible>(to_test)
        },
    ));
    let stream = Box::pin(futures_util::stream::unfold(
        from_test,
        |mut from_test| async move {
            from_test
                .recv()
                .await
                .map(|message| (Ok(message), from_test))
        },
    ));
    (to_session, from_session, sink, stream)
}

async fn push(to_session: &mpsc::Sender<Message>, frame: &CustomerFrame) {
    let text = serde_json::to_string(frame).unwrap();
    to_session
        .send(Message::Text(Utf8Bytes::from(text)))
        .await
        .unwrap();
}

async fn pull(from_session: &mut mpsc::Receiver<Message>) -> CustomerEvent {
    let message = tokio::time::timeout(super::PATIENCE, from_session.recv())
        .await
        .expect("a frame within the patience")
        .expect("session open");
    match message {
        Message::Text(text) => serde_json::from_str(text.as_str()).unwrap(),
        other => panic!("expected text, got {other:?}"),
    }
}

#[tokio::test]
async fn a_customer_session_runs_over_channels_and_ends_with_its_stream() {
    let dir = tempfile::tempdir().unwrap();
    let file = FileConfig {
        database: Some(format!("sqlite://{}", dir.path().join("s.db").display())),
        ..FileConfig::default()
    };
    let config = file.into_config().unwrap();
    let store = Store::connect(&config.database).await.unwrap();
    let state = AppState::new(config, store);
    let shop = state.shop("demo").unwrap();
    let (to_session, mut from_session, sink, stream) = channel_socket();
    let session = tokio::spawn(ws::customer::run(state.clone(), shop, sink, stream));

    push(
        &to_session,
        &CustomerFrame::Hello {
            v: PROTOCOL_VERSION,
            resume: None,
        },
    )
    .await;
    let CustomerEvent::Welcome { statement, .. } = pull(&mut from_session).await else {
        panic!("expected welcome")
    };
    let consent = CustomerFrame::Consent {
        statement_version: statement.version,
        statement_hash: statement.hash,
        widget_version: "channels".into(),
    };
    push(&to_session, &consent).await;
    assert!(matches!(
        pull(&mut from_session).await,
        CustomerEvent::ConsentRecorded { .. }
    ));
    push(
        &to_session,
        &CustomerFrame::Message {
            client_id: "m1".into(),
            text: "hi".into(),
        },
    )
    .await;
    let mut seen = [pull(&mut from_session).await, pull(&mut from_session).await];
    seen.sort_by_key(|event| matches!(event, CustomerEvent::Entry { .. }));
    assert!(
        matches!(&seen[0], CustomerEvent::Ack { seq: 1, .. }),
        "{:?}",
        seen[0]
    );
    assert!(
        matches!(&seen[1], CustomerEvent::Entry { entry } if entry.seq == 1),
        "{:?}",
        seen[1]
    );

    // Closing the input ends the session and frees the conversation's channel.
    drop(to_session);
    tokio::time::timeout(super::PATIENCE, session)
        .await
        .expect("session ends")
        .unwrap();
    assert_eq!(state.hub.live_conversations(), 0);
}

#[tokio::test]
async fn sessions_ping_and_close_when_the_peer_stays_silent() {
    let dir = tempfile::tempdir().unwrap();
    let file = FileConfig {
        database: Some(format!("sqlite://{}", dir.path().join("p.db").display())),
        ..FileConfig::default()
    };
    let mut config = file.into_config().unwrap();
    config.limits.idle_timeout = std::time::Duration::from_millis(600);
    let store = Store::connect(&config.database).await.unwrap();
    let state = AppState::new(config, store);
    let shop = state.shop("demo").unwrap();
    let (to_session, mut from_session, sink, stream) = channel_socket();
    let session = tokio::spawn(ws::customer::run(state, shop, sink, stream));
    push(
        &to_session,
        &CustomerFrame::Hello {
            v: PROTOCOL_VERSION,
            resume: None,
        },
    )
    .await;
    assert!(matches!(
        pull(&mut from_session).await,
        CustomerEvent::Welcome { .. }
    ));

    // Pongs (what a browser sends by itself) keep the session alive well past the idle
    // timeout: it keeps pinging, which a closed session could not.
    for _ in 0..6 {
        let ping = tokio::time::timeout(super::PATIENCE, from_session.recv())
            .await
            .unwrap()
            .expect("session alive");
        assert!(matches!(ping, Message::Ping(_)), "{ping:?}");
        to_session
            .send(Message::Pong(axum::body::Bytes::new()))
            .await
            .unwrap();
    }

    // Silence (the input stays open but nothing comes) ends it.
    tokio::time::timeout(super::PATIENCE, session)
        .await
        .expect("idle session ends")
        .unwrap();
    drop(to_session);
}
