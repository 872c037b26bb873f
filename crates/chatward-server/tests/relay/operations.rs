//! Closing and deleting conversations over raw sockets: an operator closes, the customer's
//! next message reopens; the customer (with its token) or an operator deletes, and nothing
//! deleted is served afterwards while the consent record stays; retention shares the path.

use chatward_core::protocol::{
    Author, ConversationSummary, CustomerEvent, CustomerFrame, ErrorCode, OperatorEvent,
    OperatorFrame, PROTOCOL_VERSION, Resume,
};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use super::{PATIENCE, Relay, Socket, consent, greet, recv, say, send};

const PNG: &[u8] = include_bytes!("../../../chatward-core/tests/data/upload/palette.png");

/// A customer who accepted the statement: socket, conversation id and token.
async fn consented(relay: &Relay) -> (Socket, String, String) {
    let mut socket = relay.customer().await;
    let (conversation, token, statement, _) = greet(&mut socket, None).await;
    consent(&mut socket, &statement).await;
    (socket, conversation, token)
}

/// An operator console past its first list.
async fn console(relay: &Relay, cookie: &str) -> Socket {
    let mut operator = relay.operator(cookie).await;
    match recv(&mut operator).await {
        OperatorEvent::Conversations { .. } => operator,
        other => panic!("expected conversations, got {other:?}"),
    }
}

/// Receives operator frames until `wanted` picks one, skipping the rest.
async fn operator_until<T>(
    socket: &mut Socket,
    mut wanted: impl FnMut(OperatorEvent) -> Option<T>,
) -> T {
    loop {
        if let Some(found) = wanted(recv(socket).await) {
            return found;
        }
    }
}

/// Waits for a summary of `conversation` with `closed` as given (earlier news may still
/// be on its way: the summary of the last message, for example).
async fn summary_of(socket: &mut Socket, conversation: &str, closed: bool) -> ConversationSummary {
    operator_until(socket, |event| match event {
        OperatorEvent::Conversation { conversation: c }
            if c.id == conversation && c.closed == closed =>
        {
            Some(c)
        }
        _ => None,
    })
    .await
}

/// Asserts the relay closes the socket: a close frame with `reason`, then the end.
async fn assert_closed(socket: &mut Socket, reason: &str) {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay closes within the patience");
        match message {
            Some(Ok(Message::Close(frame))) => {
                assert_eq!(
                    frame.map(|frame| frame.reason.to_string()).as_deref(),
                    Some(reason)
                );
                break;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
    let after = tokio::time::timeout(PATIENCE, socket.next()).await.unwrap();
    assert!(
        matches!(after, None | Some(Err(_))),
        "nothing after the close: {after:?}"
    );
}

async fn delete_as_customer(relay: &Relay, conversation: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .delete(relay.url("/api/conversation"))
        .header("x-chatward-conversation", conversation)
        .header("x-chatward-token", token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn delete_as_operator(relay: &Relay, conversation: &str, cookie: Option<&str>) -> u16 {
    let mut request =
        reqwest::Client::new().delete(relay.url(&format!("/api/conversations/{conversation}")));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn an_operator_closes_and_the_customers_next_message_reopens() {
    let relay = Relay::start().await;
    let cookie = relay.login().await;
    let mut operator = console(&relay, &cookie).await;
    let (mut customer, conversation, _) = consented(&relay).await;
    say(&mut customer, "m1", "Where is my parcel?").await;

    send(
        &mut operator,
        &OperatorFrame::Close {
            conversation: conversation.clone(),
        },
    )
    .await;
    match recv(&mut customer).await {
        CustomerEvent::Entry { entry } => {
            assert_eq!(
                (entry.author, entry.text.as_str(), entry.seq),
                (Author::System, "The shop closed this chat.", 2)
            );
        }
        other => panic!("expected the closing notice, got {other:?}"),
    }
    assert_eq!(
        recv::<CustomerEvent>(&mut customer).await,
        CustomerEvent::Closed {
            by: Author::Operator
        }
    );
    summary_of(&mut operator, &conversation, true).await;
    let store = &relay.state.store;
    assert!(
        store
            .conversation(&conversation)
            .await
            .unwrap()
            .unwrap()
            .is_closed
    );

    // A console that connects now lists it as closed.
    let mut late = relay.operator(&cookie).await;
    match recv(&mut late).await {
        OperatorEvent::Conversations { conversations } => {
            let listed = conversations.iter().find(|c| c.id == conversation).unwrap();
            assert!(listed.closed);
        }
        other => panic!("expected conversations, got {other:?}"),
    }

    // Closing again changes nothing: no second notice, the summary comes back.
    send(
        &mut operator,
        &OperatorFrame::Close {
            conversation: conversation.clone(),
        },
    )
    .await;
    summary_of(&mut operator, &conversation, true).await;
    assert_eq!(
        store.entries_after(&conversation, 0).await.unwrap().len(),
        2
    );

    // The customer writes again: the conversation is open again, for every console.
    assert_eq!(say(&mut customer, "m2", "Hello again").await, 3);
    summary_of(&mut late, &conversation, false).await;
    assert!(
        !store
            .conversation(&conversation)
            .await
            .unwrap()
            .unwrap()
            .is_closed
    );

    send(
        &mut operator,
        &OperatorFrame::Close {
            conversation: "no-such-conversation".to_owned(),
        },
    )
    .await;
    let code = operator_until(&mut operator, |event| match event {
        OperatorEvent::Error { code, .. } => Some(code),
        _ => None,
    })
    .await;
    assert_eq!(code, ErrorCode::UnknownConversation);
}

#[tokio::test]
async fn a_customer_deletes_the_conversation_and_nothing_of_it_is_served() {
    let relay = Relay::start().await;
    let cookie = relay.login().await;
    let mut operator = console(&relay, &cookie).await;
    let (mut customer, conversation, token) = consented(&relay).await;
    say(&mut customer, "m1", "My order is 1234").await;
    let uploaded = reqwest::Client::new()
        .post(relay.url("/api/upload"))
        .header("content-type", "image/png")
        .header("x-chatward-conversation", &conversation)
        .header("x-chatward-token", &token)
        .header("x-chatward-client-id", "u1")
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 200);
    let attachment = loop {
        if let CustomerEvent::Entry { entry } = recv(&mut customer).await
            && let Some(attachment) = entry.attachment
        {
            break attachment;
        }
    };
    let upload_dir = relay.state.config.upload_dir.clone();
    assert_eq!(std::fs::read_dir(&upload_dir).unwrap().count(), 1);

    // A wrong token deletes nothing.
    assert_eq!(
        delete_as_customer(&relay, &conversation, "wrong").await,
        401
    );
    assert_eq!(delete_as_customer(&relay, "nope", &token).await, 401);
    let store = &relay.state.store;
    assert_eq!(
        store.entries_after(&conversation, 0).await.unwrap().len(),
        2
    );

    assert_eq!(delete_as_customer(&relay, &conversation, &token).await, 204);
    // The live socket hears it and is closed; consoles drop the conversation.
    let deleted = loop {
        match recv(&mut customer).await {
            CustomerEvent::Deleted => break true,
            CustomerEvent::Ack { .. } | CustomerEvent::Read { .. } => {}
            other => panic!("expected deleted, got {other:?}"),
        }
    };
    assert!(deleted);
    assert_closed(&mut customer, "deleted").await;
    let removed = operator_until(&mut operator, |event| match event {
        OperatorEvent::Removed { conversation } => Some(conversation),
        _ => None,
    })
    .await;
    assert_eq!(removed, conversation);

    // Content, files and token are gone; the consent record stays.
    assert!(store.conversation(&conversation).await.unwrap().is_none());
    assert!(
        store
            .entries_after(&conversation, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.attachment(&attachment.id).await.unwrap().is_none());
    assert_eq!(std::fs::read_dir(&upload_dir).unwrap().count(), 0);
    assert!(store.latest_consent(&conversation).await.unwrap().is_some());
    assert!(store.summary(&conversation).await.unwrap().is_none());

    let client = reqwest::Client::new();
    let picture = client
        .get(relay.url(&format!("/api/attachments/{}", attachment.id)))
        .header("x-chatward-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(picture.status(), 404);
    let transcript = client
        .get(relay.url("/api/transcript"))
        .header("x-chatward-conversation", &conversation)
        .header("x-chatward-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(transcript.status(), 401);
    let operator_transcript = client
        .get(relay.url(&format!("/api/conversations/{conversation}/transcript")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(operator_transcript.status(), 404);
    assert_eq!(delete_as_customer(&relay, &conversation, &token).await, 401);
    assert_eq!(
        delete_as_operator(&relay, &conversation, Some(&cookie)).await,
        404
    );

    // The pane's stored session cannot resume it.
    let mut back = relay.customer().await;
    send(
        &mut back,
        &CustomerFrame::Hello {
            v: PROTOCOL_VERSION,
            resume: Some(Resume {
                conversation: conversation.clone(),
                token,
                last_seq: 0,
            }),
        },
    )
    .await;
    match recv(&mut back).await {
        CustomerEvent::Error { code, .. } => assert_eq!(code, ErrorCode::UnknownConversation),
        other => panic!("expected unknown_conversation, got {other:?}"),
    }
    // Nor is it listed for consoles.
    let mut late = relay.operator(&cookie).await;
    match recv(&mut late).await {
        OperatorEvent::Conversations { conversations } => {
            assert!(conversations.iter().all(|c| c.id != conversation));
        }
        other => panic!("expected conversations, got {other:?}"),
    }
}

#[tokio::test]
async fn an_operator_deletes_a_conversation_from_the_console_only() {
    let relay = Relay::start().await;
    let cookie = relay.login().await;
    let (mut customer, conversation, _) = consented(&relay).await;
    say(&mut customer, "m1", "Please delete this").await;

    assert_eq!(delete_as_operator(&relay, &conversation, None).await, 401);
    let foreign = reqwest::Client::new()
        .delete(relay.url(&format!("/api/conversations/{conversation}")))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert_eq!(
        delete_as_operator(&relay, "unknown", Some(&cookie)).await,
        404
    );
    let store = &relay.state.store;
    assert!(store.conversation(&conversation).await.unwrap().is_some());

    assert_eq!(
        delete_as_operator(&relay, &conversation, Some(&cookie)).await,
        204
    );
    assert_eq!(
        recv::<CustomerEvent>(&mut customer).await,
        CustomerEvent::Deleted
    );
    assert_closed(&mut customer, "deleted").await;
    assert!(
        store
            .entries_after(&conversation, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.latest_consent(&conversation).await.unwrap().is_some());
    assert_eq!(
        delete_as_operator(&relay, &conversation, Some(&cookie)).await,
        404
    );
}

#[tokio::test]
async fn retention_tells_the_live_customer_and_the_consoles() {
    let relay = Relay::start().await;
    let cookie = relay.login().await;
    let mut operator = console(&relay, &cookie).await;
    let (mut customer, conversation, _) = consented(&relay).await;
    say(&mut customer, "m1", "old news").await;
    let cutoff = chatward_server::state::now_millis() + 1;
    while chatward_server::state::now_millis() <= cutoff {
        tokio::task::yield_now().await;
    }

    let deleted = chatward_server::delete_inactive(&relay.state, "demo", cutoff)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(
        recv::<CustomerEvent>(&mut customer).await,
        CustomerEvent::Deleted
    );
    assert_closed(&mut customer, "deleted").await;
    let removed = operator_until(&mut operator, |event| match event {
        OperatorEvent::Removed { conversation } => Some(conversation),
        _ => None,
    })
    .await;
    assert_eq!(removed, conversation);
    // Retention takes the consent too: the shop keeps nothing past its retention.
    let store = &relay.state.store;
    assert!(store.latest_consent(&conversation).await.unwrap().is_none());
}
