//! Pictures over raw HTTP, bypassing the pane: the relay checks and cleans again, stores
//! only the cleaned copy, delivers the entry live and serves it back only to its owners.

use chatward_core::protocol::{ConsentRecord, CustomerEvent, Entry, OperatorEvent};
use chatward_core::{UploadLimits, check_upload};

use super::{Relay, Socket, consent, greet, next_operator_entry, recv};

const PNG: &[u8] = include_bytes!("../../../chatward-core/tests/data/upload/palette.png");
/// A JPEG straight from a "phone": EXIF with GPS location and an orientation.
const GPS_JPEG: &[u8] = include_bytes!("../../../chatward-core/tests/data/upload/gps_rotated.jpg");
/// A Windows program renamed `.jpg`.
const PROGRAM: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 not a picture";

/// A customer who accepted the statement: socket, conversation id and token.
async fn consented(relay: &Relay) -> (Socket, String, String) {
    let mut socket = relay.customer().await;
    let (conversation, token, statement, _) = greet(&mut socket, None).await;
    consent(&mut socket, &statement).await;
    (socket, conversation, token)
}

async fn upload(
    relay: &Relay,
    conversation: &str,
    token: &str,
    client_id: &str,
    mime: &str,
    bytes: &[u8],
) -> reqwest::Response {
    reqwest::Client::new()
        .post(relay.url("/api/upload"))
        .header("content-type", mime)
        .header("x-chatward-conversation", conversation)
        .header("x-chatward-token", token)
        .header("x-chatward-client-id", client_id)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

/// The files in the relay's upload folder (none when it was never created).
fn stored_files(relay: &Relay) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(&relay.state.config.upload_dir) {
        Ok(dir) => dir.map(|file| file.unwrap().path()).collect(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => panic!("{error}"),
    }
}

async fn error_of(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.unwrap();
    body["error"]
        .as_str()
        .expect("an error sentence")
        .to_owned()
}

/// Waits for the customer's copy of an entry with an attachment.
async fn next_customer_entry(socket: &mut Socket) -> Entry {
    loop {
        match recv(socket).await {
            CustomerEvent::Entry { entry } => return entry,
            CustomerEvent::Typing { .. } => {}
            other => panic!("expected entry, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_png_is_stored_delivered_and_served_only_to_its_owners() {
    let relay = Relay::start().await;
    let cookie = relay.login().await;
    let mut operator = relay.operator(&cookie).await;
    match recv(&mut operator).await {
        OperatorEvent::Conversations { .. } => {}
        other => panic!("expected conversations, got {other:?}"),
    }
    let (mut customer, conversation, token) = consented(&relay).await;

    let response = upload(&relay, &conversation, &token, "u1", "image/png", PNG).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let seq = body["seq"].as_u64().unwrap();

    let (delivered_to, entry) = next_operator_entry(&mut operator).await;
    assert_eq!(delivered_to, conversation);
    assert_eq!(entry.seq, seq);
    let attachment = entry.attachment.clone().expect("an attachment");
    let clean = check_upload(PNG, &UploadLimits::default()).unwrap();
    assert_eq!(attachment.mime, "image/png");
    assert_eq!(
        (attachment.width, attachment.height),
        (clean.width, clean.height)
    );
    assert_eq!(attachment.size, clean.bytes.len() as u64);
    assert_eq!(next_customer_entry(&mut customer).await, entry);

    // One file, named by a random id and the detected format, holding the cleaned copy.
    let files = stored_files(&relay);
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(name, format!("{}.png", attachment.id));
    assert_eq!(std::fs::read(&files[0]).unwrap(), clean.bytes);

    // A resend is stored once and answered with the first seq.
    let again = upload(&relay, &conversation, &token, "u1", "image/png", PNG).await;
    assert_eq!(again.status(), 200);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["seq"].as_u64(), Some(seq));
    assert_eq!(stored_files(&relay).len(), 1);
    let stored = relay
        .state
        .store
        .entries_after(&conversation, 0)
        .await
        .unwrap();
    assert_eq!(stored, vec![entry.clone()], "replays carry the attachment");

    // Served to the customer (header or query) and to operators, with the safe headers.
    let client = reqwest::Client::new();
    let url = relay.url(&format!("/api/attachments/{}", attachment.id));
    let by_header = client
        .get(&url)
        .header("x-chatward-token", &token)
        .send()
        .await
        .unwrap();
    let by_query = client
        .get(format!("{url}?token={token}"))
        .send()
        .await
        .unwrap();
    let by_operator = client
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    for response in [by_header, by_query, by_operator] {
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert_eq!(headers["content-security-policy"], "default-src 'none'");
        assert_eq!(headers["cache-control"], "private, no-store");
        assert_eq!(response.bytes().await.unwrap(), clean.bytes);
    }

    // Strangers: nobody, another conversation's customer, unknown ids, a dead session.
    assert_eq!(client.get(&url).send().await.unwrap().status(), 401);
    let (_other, _, other_token) = consented(&relay).await;
    let foreign = client
        .get(&url)
        .header("x-chatward-token", &other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let unknown = client
        .get(relay.url(&format!("/api/attachments/{}", "0".repeat(32))))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let forged = client
        .get(&url)
        .header("cookie", "chatward_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    // Retention takes the file with the conversation.
    let cutoff = chatward_server::state::now_millis() + 1;
    loop {
        if chatward_server::state::now_millis() > cutoff {
            break;
        }
        tokio::task::yield_now().await;
    }
    let deleted = chatward_server::delete_inactive(&relay.state, "demo", cutoff)
        .await
        .unwrap();
    assert_eq!(deleted, 2, "both quiet conversations");
    assert!(stored_files(&relay).is_empty());
    assert_eq!(
        client
            .get(&url)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn a_raw_jpeg_is_stored_without_its_gps_location() {
    let original = check_upload(GPS_JPEG, &UploadLimits::default()).unwrap();
    assert!(original.removed.gps, "the fixture carries GPS");
    let relay = Relay::start().await;
    let (_customer, conversation, token) = consented(&relay).await;

    let response = upload(&relay, &conversation, &token, "u1", "image/jpeg", GPS_JPEG).await;
    assert_eq!(response.status(), 200);
    let files = stored_files(&relay);
    assert_eq!(files.len(), 1);
    assert!(files[0].to_str().unwrap().ends_with(".jpg"));
    let stored = std::fs::read(&files[0]).unwrap();
    assert_eq!(stored, original.bytes);
    let again = check_upload(&stored, &UploadLimits::default()).unwrap();
    assert!(!again.removed.gps, "no GPS left: {:?}", again.removed);
    assert!(
        !again.removed.metadata,
        "no metadata left: {:?}",
        again.removed
    );
}

#[tokio::test]
async fn a_program_renamed_jpg_is_refused_and_nothing_is_stored() {
    let relay = Relay::start().await;
    let (_customer, conversation, token) = consented(&relay).await;

    let response = upload(&relay, &conversation, &token, "u1", "image/jpeg", PROGRAM).await;
    assert_eq!(response.status(), 422);
    let refusal = check_upload(PROGRAM, &UploadLimits::default()).unwrap_err();
    assert_eq!(error_of(response).await, refusal.to_string());
    assert!(stored_files(&relay).is_empty());
    let entries = relay
        .state
        .store
        .entries_after(&conversation, 0)
        .await
        .unwrap();
    assert!(entries.is_empty());
}

#[tokio::test]
async fn uploads_need_the_token_and_a_current_consent() {
    let relay = Relay::start().await;
    let (_customer, conversation, _token) = consented(&relay).await;

    let wrong = upload(
        &relay,
        &conversation,
        "not-the-token",
        "u1",
        "image/png",
        PNG,
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert!(!error_of(wrong).await.is_empty());

    // Greeted but never consented: the conversation does not exist yet.
    let mut fresh = relay.customer().await;
    let (unconsented, fresh_token, _, _) = greet(&mut fresh, None).await;
    let early = upload(&relay, &unconsented, &fresh_token, "u1", "image/png", PNG).await;
    assert_eq!(early.status(), 401);

    // A consent to an older statement is not a consent to the current one.
    let mut stale = relay.customer().await;
    let (old_id, old_token, statement, _) = greet(&mut stale, None).await;
    let record = ConsentRecord {
        statement_version: "2025-01".to_owned(),
        statement_hash: statement.hash.clone(),
        accepted_at: 1,
        widget_version: "test".to_owned(),
    };
    relay
        .state
        .store
        .record_consent(
            &old_id,
            "demo",
            &chatward_server::sha256_hex(old_token.as_bytes()),
            &record,
        )
        .await
        .unwrap();
    let outdated = upload(&relay, &old_id, &old_token, "u1", "image/png", PNG).await;
    assert_eq!(outdated.status(), 403);
    assert!(error_of(outdated).await.contains("privacy statement"));

    assert!(stored_files(&relay).is_empty());
    for id in [conversation, old_id] {
        assert!(
            relay
                .state
                .store
                .entries_after(&id, 0)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn an_upload_over_the_shop_limit_is_413() {
    let limit = PNG.len() - 1;
    let relay = Relay::start_shop(|shop| shop.upload_limit_bytes = limit as u64).await;
    let (_customer, conversation, token) = consented(&relay).await;

    let response = upload(&relay, &conversation, &token, "u1", "image/png", PNG).await;
    assert_eq!(response.status(), 413);
    assert!(!error_of(response).await.is_empty());
    assert!(stored_files(&relay).is_empty());

    let fits = upload(
        &relay,
        &conversation,
        &token,
        "u2",
        "image/png",
        &PNG[..limit],
    )
    .await;
    assert_eq!(
        fits.status(),
        422,
        "at the limit the body is read and checked (cut short)"
    );
}
