//! Transcript downloads over raw HTTP: the customer's pair (headers or query) and the
//! operator's session open them, nothing else does; the JSON verifies with the core's
//! `verify` and a tampered copy does not; the HTML escapes what a customer typed.

use chatward_core::protocol::{
    Author, CustomerEvent, CustomerFrame, Entry, OperatorEvent, OperatorFrame, Resume,
};
use chatward_core::{Transcript, TranscriptError, verify};

use super::{Relay, Socket, consent, greet, recv, say, send};

/// A customer who accepted the statement: socket, conversation id and token.
async fn consented(relay: &Relay) -> (Socket, String, String) {
    let mut socket = relay.customer().await;
    let (conversation, token, statement, _) = greet(&mut socket, None).await;
    consent(&mut socket, &statement).await;
    (socket, conversation, token)
}

/// `GET /api/transcript?format=...` with the pair as headers.
async fn download(
    relay: &Relay,
    format: &str,
    conversation: &str,
    token: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .get(relay.url(&format!("/api/transcript?format={format}")))
        .header("x-chatward-conversation", conversation)
        .header("x-chatward-token", token)
        .send()
        .await
        .unwrap()
}

/// `GET /api/conversations/{id}/transcript?format=...` with an optional session cookie.
async fn operator_download(
    relay: &Relay,
    format: &str,
    conversation: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(relay.url(&format!(
        "/api/conversations/{conversation}/transcript?format={format}"
    )));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// The operator answers and waits for the ack, so the reply is stored.
async fn reply(relay: &Relay, conversation: &str, text: &str) -> u64 {
    let cookie = relay.login().await;
    let mut operator = relay.operator(&cookie).await;
    let frame = OperatorFrame::Reply {
        conversation: conversation.to_owned(),
        client_id: "r1".to_owned(),
        text: text.to_owned(),
    };
    send(&mut operator, &frame).await;
    loop {
        match recv(&mut operator).await {
            OperatorEvent::Ack { seq, .. } => return seq,
            OperatorEvent::Conversations { .. }
            | OperatorEvent::Conversation { .. }
            | OperatorEvent::Entry { .. } => {}
            other => panic!("expected ack, got {other:?}"),
        }
    }
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// Checks the headers every download carries and returns the body.
async fn body_of(response: reqwest::Response, conversation: &str, extension: &str) -> String {
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-disposition"),
        format!("attachment; filename=\"chatward-{conversation}.{extension}\"")
    );
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert!(
        header(&response, "cache-control").contains("no-store"),
        "never cached"
    );
    let csp = header(&response, "content-security-policy");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "no scripts may run: {csp}");
    for directive in ["frame-ancestors 'none'", "sandbox"] {
        assert!(csp.contains(directive), "{csp}");
    }
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_customer_downloads_json_html_and_text_with_consent_and_messages() {
    let relay = Relay::start().await;
    let (mut customer, conversation, token) = consented(&relay).await;
    say(&mut customer, "m1", "Where is my parcel?").await;
    assert_eq!(
        reply(&relay, &conversation, "It arrives on Friday.").await,
        2
    );

    let response = download(&relay, "json", &conversation, &token).await;
    assert_eq!(header(&response, "content-type"), "application/json");
    let json = body_of(response, &conversation, "json").await;
    let transcript: Transcript = serde_json::from_str(&json).unwrap();
    assert_eq!(verify(&transcript), Ok(()));
    assert_eq!(transcript.header.conversation, conversation);
    assert_eq!(transcript.header.shop, "demo");
    let consents = &transcript.header.consents;
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].statement_version, "2026-11");
    assert_eq!(consents[0].widget_version, "test");
    let statement = transcript.header.statement.as_ref().expect("the statement");
    assert_eq!(consents[0].statement_hash, statement.hash);
    let said: Vec<_> = transcript
        .entries
        .iter()
        .map(|entry| (entry.seq, entry.author, entry.text.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            (1, Author::Customer, "Where is my parcel?"),
            (2, Author::Operator, "It arrives on Friday."),
        ]
    );

    // The other formats, with the pair in the query as a plain link would carry it.
    let html = reqwest::get(relay.url(&format!(
        "/api/transcript?format=html&conversation={conversation}&token={token}"
    )))
    .await
    .unwrap();
    assert_eq!(header(&html, "content-type"), "text/html; charset=utf-8");
    let html = body_of(html, &conversation, "html").await;
    let text = download(&relay, "text", &conversation, &token).await;
    assert_eq!(header(&text, "content-type"), "text/plain; charset=utf-8");
    let text = body_of(text, &conversation, "txt").await;
    for page in [&html, &text] {
        for needle in [
            "Where is my parcel?",
            "It arrives on Friday.",
            "statement 2026-11",
            conversation.as_str(),
            transcript.last_hash(),
        ] {
            assert!(page.contains(needle), "{needle} missing");
        }
    }

    // Without `format` the download is the JSON record.
    let default = reqwest::Client::new()
        .get(relay.url("/api/transcript"))
        .header("x-chatward-conversation", &conversation)
        .header("x-chatward-token", &token)
        .send()
        .await
        .unwrap();
    let again: Transcript =
        serde_json::from_str(&body_of(default, &conversation, "json").await).unwrap();
    assert_eq!(
        again, transcript,
        "the same conversation seals the same way"
    );
}

#[tokio::test]
async fn a_tampered_copy_fails_and_names_the_entry() {
    let relay = Relay::start().await;
    let (mut customer, conversation, token) = consented(&relay).await;
    say(&mut customer, "m1", "I ordered two blue mugs").await;
    say(&mut customer, "m2", "one arrived broken").await;
    say(&mut customer, "m3", "please send a new one").await;
    let json = body_of(
        download(&relay, "json", &conversation, &token).await,
        &conversation,
        "json",
    )
    .await;
    let parse = |json: &str| serde_json::from_str::<Transcript>(json).unwrap();
    assert_eq!(verify(&parse(&json)), Ok(()));

    // A changed word in the file as downloaded.
    let changed = json.replace("two blue mugs", "ten blue mugs");
    assert_ne!(changed, json);
    assert_eq!(
        verify(&parse(&changed)),
        Err(TranscriptError::Entry { index: 0, seq: 1 })
    );

    // A removed entry breaks the link of the one after it.
    let mut removed = parse(&json);
    removed.entries.remove(1);
    assert_eq!(
        verify(&removed),
        Err(TranscriptError::Entry { index: 1, seq: 3 })
    );

    // A consent moved to another statement version changes the header.
    let mut consent = parse(&json);
    consent.header.consents[0].statement_version = "2020-01".to_owned();
    assert_eq!(verify(&consent), Err(TranscriptError::Header));
}

#[tokio::test]
async fn html_escapes_what_a_customer_typed() {
    let relay = Relay::start().await;
    let (mut customer, conversation, token) = consented(&relay).await;
    let typed = "<script>alert(document.cookie)</script> & <img src=x onerror=alert(1)>";
    say(&mut customer, "m1", typed).await;
    let html = body_of(
        download(&relay, "html", &conversation, &token).await,
        &conversation,
        "html",
    )
    .await;
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(!html.contains("<img"), "an element got through");
    assert!(
        html.contains(
            "&lt;script&gt;alert(document.cookie)&lt;/script&gt; &amp; \
             &lt;img src=x onerror=alert(1)&gt;"
        ),
        "the text is shown, escaped"
    );
    // The plain text keeps it verbatim: `nosniff` and the attachment disposition keep a
    // browser from running it.
    let text = body_of(
        download(&relay, "text", &conversation, &token).await,
        &conversation,
        "txt",
    )
    .await;
    assert!(text.contains(typed));
}

#[tokio::test]
async fn a_wrong_missing_or_foreign_pair_gets_401() {
    let relay = Relay::start().await;
    let (mut mine, conversation, token) = consented(&relay).await;
    say(&mut mine, "m1", "my own words").await;
    let (_other, other_conversation, other_token) = consented(&relay).await;

    let client = reqwest::Client::new();
    let missing = client
        .get(relay.url("/api/transcript?format=text"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let only_id = client
        .get(relay.url("/api/transcript"))
        .header("x-chatward-conversation", &conversation)
        .send()
        .await
        .unwrap();
    assert_eq!(only_id.status(), 401);
    let only_token = client
        .get(relay.url(&format!("/api/transcript?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(only_token.status(), 401);

    let unknown = "f".repeat(32);
    for (who, id, secret) in [
        ("a wrong token", conversation.as_str(), "0".repeat(64)),
        (
            "another conversation's token",
            conversation.as_str(),
            other_token,
        ),
        (
            "another conversation with my token",
            other_conversation.as_str(),
            token.clone(),
        ),
        ("an unknown conversation", unknown.as_str(), token.clone()),
    ] {
        let response = download(&relay, "text", id, &secret).await;
        assert_eq!(response.status(), 401, "{who}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("my own words"), "{who}");
        assert!(body.contains("error"), "{who}: {body}");
    }
    // A format the relay does not offer is a bad request, not a download.
    let pdf = download(&relay, "pdf", &conversation, &token).await;
    assert_eq!(pdf.status(), 400);
}

#[tokio::test]
async fn the_operator_route_needs_a_session_and_names_unknown_conversations() {
    let relay = Relay::start().await;
    let (mut customer, conversation, token) = consented(&relay).await;
    say(&mut customer, "m1", "hello shop").await;

    let anonymous = operator_download(&relay, "json", &conversation, None).await;
    assert_eq!(anonymous.status(), 401);
    let forged = operator_download(
        &relay,
        "json",
        &conversation,
        Some("chatward_session=forged"),
    )
    .await;
    assert_eq!(forged.status(), 401);
    // The customer's pair is no operator session.
    let customer_pair = reqwest::Client::new()
        .get(relay.url(&format!("/api/conversations/{conversation}/transcript")))
        .header("x-chatward-conversation", &conversation)
        .header("x-chatward-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(customer_pair.status(), 401);

    let cookie = relay.login().await;
    let unknown = operator_download(&relay, "json", &"f".repeat(32), Some(&cookie)).await;
    assert_eq!(unknown.status(), 404);

    let json = body_of(
        operator_download(&relay, "json", &conversation, Some(&cookie)).await,
        &conversation,
        "json",
    )
    .await;
    let operators: Transcript = serde_json::from_str(&json).unwrap();
    assert_eq!(verify(&operators), Ok(()));
    let customers: Transcript = serde_json::from_str(
        &download(&relay, "json", &conversation, &token)
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        operators.last_hash(),
        customers.last_hash(),
        "both sides hold the same record"
    );
    for (format, extension) in [("html", "html"), ("text", "txt")] {
        let page = body_of(
            operator_download(&relay, format, &conversation, Some(&cookie)).await,
            &conversation,
            extension,
        )
        .await;
        assert!(page.contains("hello shop"), "{format}");
    }
}

#[tokio::test]
async fn a_transcript_holds_every_entry_past_one_page() {
    let relay = Relay::start().await;
    let (_customer, conversation, token) = consented(&relay).await;
    let store = &relay.state.store;
    let count = u64::try_from(chatward_server::store::PAGE_LIMIT).unwrap() + 2;
    for n in 1..=count {
        store
            .append_entry(
                &conversation,
                Author::Customer,
                &format!("line {n}"),
                Some(&format!("m{n}")),
                chatward_server::state::now_millis(),
            )
            .await
            .unwrap();
    }
    let transcript: Transcript = serde_json::from_str(
        &download(&relay, "json", &conversation, &token)
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(verify(&transcript), Ok(()));
    let seqs: Vec<u64> = transcript.entries.iter().map(|entry| entry.seq).collect();
    assert_eq!(seqs, (1..=count).collect::<Vec<_>>());
    assert_eq!(
        transcript.entries.last().unwrap().text,
        format!("line {count}")
    );
}

/// Sends a message the relay will mask; waits for its ack and the stored entry it echoes
/// (in either order) and returns the entry.
async fn say_masked(socket: &mut Socket, client_id: &str, text: &str) -> Entry {
    let frame = CustomerFrame::Message {
        client_id: client_id.to_owned(),
        text: text.to_owned(),
    };
    send(socket, &frame).await;
    let (mut acked, mut echoed) = (false, None);
    while !acked || echoed.is_none() {
        match recv(socket).await {
            CustomerEvent::Entry { entry } => echoed = Some(entry),
            CustomerEvent::Ack { client_id: id, .. } if id == client_id => acked = true,
            other => panic!("expected ack and entry, got {other:?}"),
        }
    }
    echoed.unwrap()
}

#[tokio::test]
async fn a_masked_message_names_the_category_and_never_the_value() {
    // National IDs are masked by default; this shop masks e-mail addresses too.
    let policy = chatward_core::Policy::with_overrides([("EMAIL", "mask")]).unwrap();
    let relay = Relay::start_with(policy).await;
    let (mut customer, conversation, token) = consented(&relay).await;
    let pesel = "44051401359";
    let email = "jane.doe@example.org";
    let entry = say_masked(
        &mut customer,
        "m1",
        &format!("My PESEL is {pesel}, write to {email}"),
    )
    .await;
    use chatward_core::Category::{Email, NationalId};
    assert_eq!(entry.masked, [Email, NationalId], "the live entry says so");
    assert!(!entry.text.contains(pesel) && !entry.text.contains(email));
    say(&mut customer, "m2", "thanks").await;

    // What was stored: a replay on resume reads it back from the database.
    let mut back = relay.customer().await;
    let resume = Resume {
        conversation: conversation.clone(),
        token: token.clone(),
        last_seq: 0,
    };
    greet(&mut back, Some(resume)).await;
    match recv(&mut back).await {
        CustomerEvent::Entry { entry: replayed } => assert_eq!(replayed, entry),
        other => panic!("expected the replayed entry, got {other:?}"),
    }

    let json = download(&relay, "json", &conversation, &token)
        .await
        .text()
        .await
        .unwrap();
    let transcript: Transcript = serde_json::from_str(&json).unwrap();
    assert_eq!(verify(&transcript), Ok(()));
    assert_eq!(transcript.entries[0].masked, [Email, NationalId]);
    assert!(
        transcript.entries[1].masked.is_empty(),
        "only where something was masked"
    );
    assert!(json.contains(r#""masked": ["#), "{json}");
    let html = download(&relay, "html", &conversation, &token)
        .await
        .text()
        .await
        .unwrap();
    let text = download(&relay, "text", &conversation, &token)
        .await
        .text()
        .await
        .unwrap();
    let words = "masked: e-mail address, national ID or tax number";
    assert!(html.contains(words), "the HTML names what was masked");
    assert!(text.contains(words), "the text names what was masked");
    assert_eq!(text.matches("masked:").count(), 1);
    for (format, body) in [("json", &json), ("html", &html), ("text", &text)] {
        assert!(!body.contains(pesel), "{format} holds the ID");
        assert!(!body.contains(email), "{format} holds the address");
        assert!(
            !body.contains("jane.doe"),
            "{format} holds part of the address"
        );
    }
}

#[tokio::test]
async fn a_downloaded_transcript_verifies_with_the_command_and_a_changed_copy_does_not() {
    let relay = Relay::start().await;
    let (mut customer, conversation, token) = consented(&relay).await;
    say(&mut customer, "m1", "the lamp flickers").await;
    reply(&relay, &conversation, "We will send a new one.").await;
    let json = download(&relay, "json", &conversation, &token)
        .await
        .text()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, contents: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_chatward"))
            .args(["transcript", "verify"])
            .arg(&path)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };
    let (code, stdout) = run("download.json", &json);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.starts_with("valid: 2 entries"), "{stdout}");
    let (code, stdout) = run("edited.json", &json.replace("a new one", "nothing"));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("entry 2 (seq 2)"), "{stdout}");
}

#[tokio::test]
async fn a_change_in_the_database_shows_against_an_earlier_download() {
    let relay = Relay::start().await;
    let (mut customer, conversation, token) = consented(&relay).await;
    say(&mut customer, "m1", "I paid 40 euros").await;
    let json = |relay: &Relay| {
        let (conversation, token) = (conversation.clone(), token.clone());
        let url = relay.url("/api/transcript?format=json");
        async move {
            reqwest::Client::new()
                .get(url)
                .header("x-chatward-conversation", conversation)
                .header("x-chatward-token", token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let earlier = dir.path().join("earlier.json");
    std::fs::write(&earlier, json(&relay).await).unwrap();
    let verify_against_earlier = |name: &str, contents: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_chatward"))
            .args(["transcript", "verify"])
            .arg(&path)
            .arg("--earlier")
            .arg(&earlier)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
        )
    };

    // The conversation went on: the later download continues the earlier one.
    say(&mut customer, "m2", "and got nothing").await;
    let (code, stdout) = verify_against_earlier("later.json", &json(&relay).await);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("and 1 more"), "{stdout}");

    // Someone with access to the database rewrites what was said. The relay seals what it
    // finds, so the new download's own chain is intact; the earlier download shows it.
    let pool = sqlx::AnyPool::connect(&relay.state.config.database)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE entries SET body = 'I paid 4 euros' WHERE conversation_id = $1 AND seq = 1",
    )
    .bind(&conversation)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let rewritten = json(&relay).await;
    let transcript: Transcript = serde_json::from_str(&rewritten).unwrap();
    assert_eq!(
        verify(&transcript),
        Ok(()),
        "the limit: a resealed chain is intact"
    );
    let (code, stdout) = verify_against_earlier("rewritten.json", &rewritten);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("changed since") && stdout.contains("entry seq 1 differs"),
        "{stdout}"
    );
}
