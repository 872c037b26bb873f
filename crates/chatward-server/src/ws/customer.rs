//! One customer's WebSocket session: `hello`/`welcome` (new or resumed), consent, messages
//! stored once per `client_id` and acked, and the operators' entries delivered live.
//!
//! **Invariant:** nothing is stored before the customer accepted the shop's current
//! statement; the conversation row itself is created with the first consent.

use std::sync::Arc;

use axum::extract::ws::Message;
use chatward_core::protocol::{
    ConsentRecord, CustomerEvent, CustomerFrame, ErrorCode, OperatorEvent, PROTOCOL_VERSION, Resume,
};
use futures_util::{Sink, Stream};
use tokio::sync::{broadcast, mpsc};

use super::{
    FLUSH_TIMEOUT, FrameBudget, Incoming, LIMITED, OUTBOX, is_valid_client_id, next_frame,
    ping_ticker, send_close, send_json, send_ping, text_problem,
};
use crate::auth::{random_hex, sha256_hex};
use crate::config::Shop;
use crate::enforce::{Enforced, enforce};
use crate::state::{AppState, now_millis};
use crate::store::StoreError;

/// The conversation a session speaks for, after `hello`.
struct Conversation {
    id: String,
    token_hash: String,
    has_consent: bool,
}

/// Runs a customer session until the socket closes, fails or idles out.
pub async fn run<W, R, E>(state: AppState, shop: Arc<Shop>, mut sink: W, mut stream: R)
where
    W: Sink<Message> + Unpin + Send,
    R: Stream<Item = Result<Message, E>> + Unpin + Send,
{
    let limits = &state.config.limits;
    let (idle, mut budget) = (
        limits.idle_timeout,
        FrameBudget::new(
            limits.frame_burst,
            limits.frames_per_second,
            std::time::Instant::now(),
        ),
    );
    let Some((conversation, last_seq)) = greet(&state, &shop, &mut sink, &mut stream).await else {
        return;
    };
    tracing::debug!(conversation = %conversation.id, "customer connected");

    // Subscribe before replaying so nothing stored in between is lost; the writer skips
    // what the replay already sent.
    let feed = state.hub.subscribe_conversation(&conversation.id);
    let replayed = match replay(&state, &conversation.id, last_seq, &mut sink).await {
        Ok(Some(seq)) => seq,
        Ok(None) => return,
        Err(error) => {
            tracing::error!(%error, "customer replay failed");
            return;
        }
    };
    let conversation_id = conversation.id.clone();
    let (outbox, inbox) = mpsc::channel(OUTBOX);
    let mut session = Session {
        state: state.clone(),
        shop,
        conversation,
    };

    let reader = async move {
        loop {
            let event = match next_frame::<CustomerFrame, _, _>(&mut stream, idle).await {
                Incoming::Gone => break,
                _ if !budget.try_take(std::time::Instant::now()) => Some(CustomerEvent::Error {
                    code: ErrorCode::Limited,
                    message: LIMITED.to_owned(),
                }),
                Incoming::Malformed => {
                    Some(bad_frame("That was not a frame the chat understands."))
                }
                Incoming::Frame(frame) => session.handle(frame).await,
            };
            if let Some(event) = event
                && outbox.send(event).await.is_err()
            {
                break;
            }
        }
    };
    let writer = write_loop(&state, &conversation_id, replayed, sink, inbox, feed);
    tokio::pin!(reader, writer);
    tokio::select! {
        () = &mut reader => {
            // The reader dropped its sender; let the writer flush what was queued.
            let _ = tokio::time::timeout(FLUSH_TIMEOUT, &mut writer).await;
        }
        () = &mut writer => {}
    }
    state.hub.release_conversation(&conversation_id);
    tracing::debug!(conversation = %conversation_id, "customer disconnected");
}

/// Waits for `hello` and answers `welcome`. Returns the conversation and the `seq` the
/// client already has, or `None` when the client left or speaks another version.
async fn greet<W, R, E>(
    state: &AppState,
    shop: &Shop,
    sink: &mut W,
    stream: &mut R,
) -> Option<(Conversation, u64)>
where
    W: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, E>> + Unpin,
{
    loop {
        let frame =
            match next_frame::<CustomerFrame, _, _>(stream, state.config.limits.idle_timeout).await
            {
                Incoming::Gone => return None,
                Incoming::Malformed => {
                    send_json(sink, &bad_frame("Send hello first."))
                        .await
                        .ok()?;
                    continue;
                }
                Incoming::Frame(frame) => frame,
            };
        let CustomerFrame::Hello { v, resume } = frame else {
            send_json(sink, &bad_frame("Send hello first."))
                .await
                .ok()?;
            continue;
        };
        if v != PROTOCOL_VERSION {
            let event = CustomerEvent::Error {
                code: ErrorCode::UnsupportedVersion,
                message: "This chat needs a newer page; please reload.".to_owned(),
            };
            let _ = send_json(sink, &event).await;
            return None;
        }
        let (conversation, token, last_seq) = match resume {
            Some(resume) => match resumed(state, shop, &resume).await {
                Ok(Some(conversation)) => (conversation, resume.token, resume.last_seq),
                Ok(None) => {
                    // Unknown, foreign or never consented: say so, then start afresh.
                    let event = CustomerEvent::Error {
                        code: ErrorCode::UnknownConversation,
                        message: "The earlier conversation is gone; this is a new one.".to_owned(),
                    };
                    send_json(sink, &event).await.ok()?;
                    fresh()
                }
                Err(error) => {
                    tracing::error!(%error, "customer resume failed");
                    let _ = send_json(sink, &internal()).await;
                    return None;
                }
            },
            None => fresh(),
        };
        let consent = if conversation.has_consent {
            match state.store.latest_consent(&conversation.id).await {
                Ok(consent) => consent,
                Err(error) => {
                    tracing::error!(%error, "customer consent lookup failed");
                    let _ = send_json(sink, &internal()).await;
                    return None;
                }
            }
        } else {
            None
        };
        let welcome = CustomerEvent::Welcome {
            v: PROTOCOL_VERSION,
            conversation: conversation.id.clone(),
            token,
            statement: shop.statement.clone(),
            consent,
            operator: shop.operator.clone(),
            policy: shop.policy.clone(),
            allow: shop.operator.email.iter().cloned().collect(),
        };
        send_json(sink, &welcome).await.ok()?;
        return Some((conversation, last_seq));
    }
}

/// A new conversation: ids only, nothing stored until consent.
fn fresh() -> (Conversation, String, u64) {
    let token = random_hex(32);
    let conversation = Conversation {
        id: random_hex(16),
        token_hash: sha256_hex(token.as_bytes()),
        has_consent: false,
    };
    (conversation, token, 0)
}

/// The stored conversation `resume` names, if it exists, belongs to `shop` and the token fits.
async fn resumed(
    state: &AppState,
    shop: &Shop,
    resume: &Resume,
) -> Result<Option<Conversation>, StoreError> {
    let Some(row) = state.store.conversation(&resume.conversation).await? else {
        return Ok(None);
    };
    if row.shop != shop.id || row.token_hash != sha256_hex(resume.token.as_bytes()) {
        return Ok(None);
    }
    let consent = state.store.latest_consent(&row.id).await?;
    Ok(Some(Conversation {
        has_consent: consent.is_some_and(|consent| is_current(shop, &consent)),
        id: row.id,
        token_hash: row.token_hash,
    }))
}

/// Whether a consent was given to the shop's current statement.
pub(crate) fn is_current(shop: &Shop, consent: &ConsentRecord) -> bool {
    consent.statement_version == shop.statement.version
        && consent.statement_hash == shop.statement.hash
}

/// Sends the entries after `after_seq`; returns the highest `seq` sent (or `after_seq`),
/// `None` when the socket failed.
async fn replay<W>(
    state: &AppState,
    conversation: &str,
    after_seq: u64,
    sink: &mut W,
) -> Result<Option<u64>, StoreError>
where
    W: Sink<Message> + Unpin,
{
    let mut high = after_seq;
    loop {
        let entries = state.store.entries_after(conversation, high).await?;
        let Some(last) = entries.last() else {
            return Ok(Some(high));
        };
        high = last.seq;
        for entry in entries {
            if send_json(sink, &CustomerEvent::Entry { entry })
                .await
                .is_err()
            {
                return Ok(None);
            }
        }
    }
}

/// Sends the reader's answers and the conversation's live events until either ends.
///
/// Live entries up to `replayed` were already sent by a replay and are skipped. Entries of
/// concurrent writers may arrive slightly out of `seq` order, so the boundary only moves
/// with a replay, never with a live entry; the pane orders and de-duplicates by `seq`.
async fn write_loop<W>(
    state: &AppState,
    conversation: &str,
    mut replayed: u64,
    mut sink: W,
    mut inbox: mpsc::Receiver<CustomerEvent>,
    mut feed: broadcast::Receiver<Arc<CustomerEvent>>,
) where
    W: Sink<Message> + Unpin,
{
    let mut pings = ping_ticker(state.config.limits.idle_timeout);
    loop {
        let sent = tokio::select! {
            _ = pings.tick() => send_ping(&mut sink).await,
            event = inbox.recv() => match event {
                Some(event) => send_json(&mut sink, &event).await,
                None => break,
            },
            event = feed.recv() => match event {
                Ok(event) => match &*event {
                    CustomerEvent::Entry { entry } if entry.seq <= replayed => Ok(()),
                    CustomerEvent::Deleted => {
                        // The conversation is gone: say so, then end the session.
                        let _ = send_json(&mut sink, &*event).await;
                        send_close(&mut sink, axum::extract::ws::close_code::NORMAL, "deleted")
                            .await;
                        break;
                    }
                    _ => send_json(&mut sink, &*event).await,
                },
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    // Too slow to keep up live: catch up from storage instead.
                    tracing::debug!(missed, "customer feed lagged, replaying");
                    match replay(state, conversation, replayed, &mut sink).await {
                        Ok(Some(seq)) => { replayed = seq; Ok(()) }
                        Ok(None) => break,
                        Err(error) => { tracing::error!(%error, "customer catch-up failed"); break }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        };
        if sent.is_err() {
            break;
        }
    }
}

struct Session {
    state: AppState,
    shop: Arc<Shop>,
    conversation: Conversation,
}

impl Session {
    /// Handles one frame after `hello`; returns the direct answer, if any.
    async fn handle(&mut self, frame: CustomerFrame) -> Option<CustomerEvent> {
        let result = match frame {
            CustomerFrame::Hello { .. } => return Some(bad_frame("Already greeted.")),
            CustomerFrame::Consent {
                statement_version,
                statement_hash,
                widget_version,
            } => {
                self.consent(statement_version, statement_hash, widget_version)
                    .await
            }
            CustomerFrame::Message { client_id, text } => self.message(client_id, text).await,
            CustomerFrame::Typing { active } => {
                if self.conversation.has_consent {
                    let conversation = self.conversation.id.clone();
                    self.state.hub.to_operators(
                        None,
                        OperatorEvent::Typing {
                            conversation,
                            active,
                        },
                    );
                }
                Ok(None)
            }
            CustomerFrame::Read { seq } => {
                if self.conversation.has_consent {
                    let conversation = self.conversation.id.clone();
                    self.state
                        .hub
                        .to_operators(None, OperatorEvent::Read { conversation, seq });
                }
                Ok(None)
            }
        };
        match result {
            Ok(answer) => answer,
            // Deleted while this socket was open (its `deleted` may still be on the way).
            Err(StoreError::Gone) => Some(CustomerEvent::Error {
                code: ErrorCode::UnknownConversation,
                message: "This chat was deleted; reload the page to start a new one.".to_owned(),
            }),
            Err(error) => {
                tracing::error!(%error, conversation = %self.conversation.id, "customer frame failed");
                Some(internal())
            }
        }
    }

    async fn consent(
        &mut self,
        statement_version: String,
        statement_hash: String,
        widget_version: String,
    ) -> Result<Option<CustomerEvent>, StoreError> {
        let statement = &self.shop.statement;
        if statement_version != statement.version || statement_hash != statement.hash {
            return Ok(Some(CustomerEvent::Error {
                code: ErrorCode::ConsentRequired,
                message:
                    "The privacy statement has changed; please read and accept the current one."
                        .to_owned(),
            }));
        }
        if widget_version.len() > 64 {
            return Ok(Some(bad_frame("The widget version is too long.")));
        }
        let consent = ConsentRecord {
            statement_version,
            statement_hash,
            accepted_at: now_millis(),
            widget_version,
        };
        let conversation = &self.conversation;
        self.state
            .store
            .record_consent(
                &conversation.id,
                &self.shop.id,
                &conversation.token_hash,
                &consent,
            )
            .await?;
        let conversation = conversation.id.clone();
        self.conversation.has_consent = true;
        tracing::info!(%conversation, shop = %self.shop.id, "consent recorded");
        if let Some(summary) = self.state.store.summary(&conversation).await? {
            self.state.hub.to_operators(
                None,
                OperatorEvent::Conversation {
                    conversation: summary,
                },
            );
        }
        Ok(Some(CustomerEvent::ConsentRecorded { consent }))
    }

    async fn message(
        &mut self,
        client_id: String,
        text: String,
    ) -> Result<Option<CustomerEvent>, StoreError> {
        if !self.conversation.has_consent {
            return Ok(Some(CustomerEvent::Error {
                code: ErrorCode::ConsentRequired,
                message: "Please accept the privacy statement before sending messages.".to_owned(),
            }));
        }
        if !is_valid_client_id(&client_id) {
            return Ok(Some(bad_frame(
                "The message id must be 1 to 64 printable characters.",
            )));
        }
        if let Some(reason) = text_problem(&text, self.state.config.limits.max_message_chars) {
            return Ok(Some(CustomerEvent::Refused { client_id, reason }));
        }
        let conversation = self.conversation.id.clone();
        // The shop's policy, again: the pane checked for the customer, this is the boundary.
        let (text, masked) = match enforce(&self.shop, &text) {
            Enforced::Refuse { reason, blocked } => {
                tracing::info!(%conversation, ?blocked, "customer message refused by policy");
                return Ok(Some(CustomerEvent::Refused { client_id, reason }));
            }
            Enforced::Pass { text, masked } => {
                if !masked.is_empty() {
                    tracing::info!(%conversation, ?masked, "customer message masked by policy");
                }
                (text, masked)
            }
        };
        // What was masked is stored with the entry (categories only) for the transcript.
        let appended = self
            .state
            .store
            .append_masked_entry(&conversation, &text, &masked, &client_id, now_millis())
            .await?;
        let seq = appended.entry.seq;
        tracing::debug!(%conversation, seq, len = text.len(), is_new = appended.is_new, "customer message");
        if appended.is_new {
            let hub = &self.state.hub;
            // Every customer connection of the conversation (this one included) gets the
            // stored entry; the pane settles its pending copy with it.
            hub.to_customer(
                &conversation,
                CustomerEvent::Entry {
                    entry: appended.entry.clone(),
                },
            );
            hub.to_operators(
                None,
                OperatorEvent::Entry {
                    conversation: conversation.clone(),
                    entry: appended.entry,
                },
            );
            // The new unread count is news for consoles, not for the customer: the ack
            // does not wait for it.
            let state = self.state.clone();
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
        Ok(Some(CustomerEvent::Ack { client_id, seq }))
    }
}

fn bad_frame(message: &str) -> CustomerEvent {
    CustomerEvent::Error {
        code: ErrorCode::BadFrame,
        message: message.to_owned(),
    }
}

fn internal() -> CustomerEvent {
    CustomerEvent::Error {
        code: ErrorCode::Internal,
        message: "The chat failed; please try again.".to_owned(),
    }
}
