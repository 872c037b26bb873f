//! One operator console's WebSocket session: the conversation list on connect, `open` to
//! read a conversation, `reply` (stored once per `client_id`, acked, delivered to the
//! customer), typing and read marks, and live news from every customer.

use axum::extract::ws::Message;
use chatward_core::protocol::{Author, CustomerEvent, ErrorCode, OperatorEvent, OperatorFrame};
use futures_util::{Sink, Stream};
use tokio::sync::{broadcast, mpsc};

use super::{
    FLUSH_TIMEOUT, FrameBudget, Incoming, LIMITED, OUTBOX, is_valid_client_id, next_frame,
    ping_ticker, send_json, send_ping, text_problem,
};
use crate::state::{AppState, OperatorBroadcast, now_millis};
use crate::store::{Closing, OperatorAccount, StoreError};

/// How many conversations the console gets on connect.
const LIST_LIMIT: i64 = 200;

/// The system entry written when an operator closes a conversation.
const CLOSED_NOTICE: &str = "The shop closed this chat.";

/// Runs an operator session until the socket closes, fails or idles out.
pub async fn run<W, R, E>(state: AppState, account: OperatorAccount, mut sink: W, mut stream: R)
where
    W: Sink<Message> + Unpin + Send,
    R: Stream<Item = Result<Message, E>> + Unpin + Send,
{
    let session_id = state.next_session_id();
    let feed = state.hub.subscribe_operators();
    match conversations(&state).await {
        Ok(list) => {
            if send_json(&mut sink, &list).await.is_err() {
                return;
            }
        }
        Err(error) => {
            tracing::error!(%error, "operator list failed");
            let _ = send_json(&mut sink, &internal()).await;
            return;
        }
    }
    tracing::info!(session_id, "operator connected");
    let limits = &state.config.limits;
    let (idle, mut budget) = (
        limits.idle_timeout,
        FrameBudget::new(
            limits.frame_burst,
            limits.frames_per_second,
            std::time::Instant::now(),
        ),
    );
    let (outbox, inbox) = mpsc::channel::<OperatorEvent>(OUTBOX);
    let session = Session {
        state: state.clone(),
        session_id,
        _account: account,
    };
    let reader = async move {
        loop {
            let events = match next_frame::<OperatorFrame, _, _>(&mut stream, idle).await {
                Incoming::Gone => break,
                _ if !budget.try_take(std::time::Instant::now()) => {
                    vec![error(ErrorCode::Limited, LIMITED)]
                }
                Incoming::Malformed => vec![error(
                    ErrorCode::BadFrame,
                    "That was not an operator frame.",
                )],
                Incoming::Frame(frame) => session.handle(frame).await,
            };
            for event in events {
                if outbox.send(event).await.is_err() {
                    return;
                }
            }
        }
    };
    let writer = write_loop(&state, session_id, sink, inbox, feed);
    tokio::pin!(reader, writer);
    tokio::select! {
        () = &mut reader => {
            let _ = tokio::time::timeout(FLUSH_TIMEOUT, &mut writer).await;
        }
        () = &mut writer => {}
    }
    tracing::info!(session_id, "operator disconnected");
}

async fn conversations(state: &AppState) -> Result<OperatorEvent, StoreError> {
    let mut conversations = state.store.conversations(LIST_LIMIT).await?;
    // The console nudges operators by the shop's policy ("ask only for what you need").
    for summary in &mut conversations {
        summary.policy = state.shop(&summary.shop).map(|shop| shop.policy.clone());
    }
    Ok(OperatorEvent::Conversations { conversations })
}

async fn write_loop<W>(
    state: &AppState,
    session_id: u64,
    mut sink: W,
    mut inbox: mpsc::Receiver<OperatorEvent>,
    mut feed: broadcast::Receiver<OperatorBroadcast>,
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
            news = feed.recv() => match news {
                Ok(news) if news.from_session == Some(session_id) => Ok(()),
                Ok(news) => send_json(&mut sink, &*news.event).await,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    // Fell behind: send the whole list again so the console can resync.
                    tracing::debug!(missed, "operator feed lagged, resyncing");
                    match conversations(state).await {
                        Ok(list) => send_json(&mut sink, &list).await,
                        Err(error) => { tracing::error!(%error, "operator resync failed"); break }
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
    session_id: u64,
    // Kept for per-operator rights and audit entries, which come later.
    _account: OperatorAccount,
}

impl Session {
    async fn handle(&self, frame: OperatorFrame) -> Vec<OperatorEvent> {
        let result = match frame {
            OperatorFrame::Reply {
                conversation,
                client_id,
                text,
            } => self.reply(conversation, client_id, text).await,
            OperatorFrame::Open {
                conversation,
                after_seq,
            } => self.open(&conversation, after_seq).await,
            OperatorFrame::Typing {
                conversation,
                active,
            } => {
                self.state
                    .hub
                    .to_customer(&conversation, CustomerEvent::Typing { active });
                Ok(Vec::new())
            }
            OperatorFrame::Read { conversation, seq } => self.read(conversation, seq).await,
            OperatorFrame::Close { conversation } => self.close(&conversation).await,
        };
        result.unwrap_or_else(|error| {
            tracing::error!(%error, session_id = self.session_id, "operator frame failed");
            vec![internal()]
        })
    }

    async fn open(
        &self,
        conversation: &str,
        after_seq: u64,
    ) -> Result<Vec<OperatorEvent>, StoreError> {
        if self.state.store.conversation(conversation).await?.is_none() {
            return Ok(vec![unknown_conversation()]);
        }
        let entries = self
            .state
            .store
            .entries_after(conversation, after_seq)
            .await?;
        Ok(entries
            .into_iter()
            .map(|entry| OperatorEvent::Entry {
                conversation: conversation.to_owned(),
                entry,
            })
            .collect())
    }

    async fn reply(
        &self,
        conversation: String,
        client_id: String,
        text: String,
    ) -> Result<Vec<OperatorEvent>, StoreError> {
        if !is_valid_client_id(&client_id) {
            return Ok(vec![error(
                ErrorCode::BadFrame,
                "The message id must be 1 to 64 printable characters.",
            )]);
        }
        if let Some(reason) = text_problem(&text, self.state.config.limits.max_message_chars) {
            return Ok(vec![error(ErrorCode::BadFrame, &reason)]);
        }
        if self
            .state
            .store
            .conversation(&conversation)
            .await?
            .is_none()
        {
            return Ok(vec![unknown_conversation()]);
        }
        let appended = self
            .state
            .store
            .append_entry(
                &conversation,
                Author::Operator,
                &text,
                Some(&client_id),
                now_millis(),
            )
            .await?;
        let seq = appended.entry.seq;
        tracing::debug!(%conversation, seq, len = text.len(), is_new = appended.is_new, "operator reply");
        if appended.is_new {
            let hub = &self.state.hub;
            hub.to_customer(
                &conversation,
                CustomerEvent::Entry {
                    entry: appended.entry.clone(),
                },
            );
            hub.to_operators(
                Some(self.session_id),
                OperatorEvent::Entry {
                    conversation: conversation.clone(),
                    entry: appended.entry,
                },
            );
        }
        Ok(vec![OperatorEvent::Ack {
            conversation,
            client_id,
            seq,
        }])
    }

    /// Closes a conversation: a system entry in the log, `closed` to the customer's live
    /// sockets, the summary (now `closed`) to every console. Closing a closed conversation
    /// changes nothing and only answers its summary.
    async fn close(&self, conversation: &str) -> Result<Vec<OperatorEvent>, StoreError> {
        let store = &self.state.store;
        match store.close(conversation, now_millis()).await? {
            Closing::Unknown => return Ok(vec![unknown_conversation()]),
            Closing::AlreadyClosed => {
                let summary = store.summary(conversation).await?;
                return Ok(summary
                    .map(|summary| OperatorEvent::Conversation {
                        conversation: summary,
                    })
                    .into_iter()
                    .collect());
            }
            Closing::Closed => {}
        }
        tracing::info!(%conversation, session_id = self.session_id, "conversation closed");
        let appended = store
            .append_entry(
                conversation,
                Author::System,
                CLOSED_NOTICE,
                None,
                now_millis(),
            )
            .await?;
        let hub = &self.state.hub;
        hub.to_customer(
            conversation,
            CustomerEvent::Entry {
                entry: appended.entry.clone(),
            },
        );
        hub.to_customer(
            conversation,
            CustomerEvent::Closed {
                by: Author::Operator,
            },
        );
        hub.to_operators(
            None,
            OperatorEvent::Entry {
                conversation: conversation.to_owned(),
                entry: appended.entry,
            },
        );
        if let Some(summary) = store.summary(conversation).await? {
            hub.to_operators(
                None,
                OperatorEvent::Conversation {
                    conversation: summary,
                },
            );
        }
        Ok(Vec::new())
    }

    async fn read(&self, conversation: String, seq: u64) -> Result<Vec<OperatorEvent>, StoreError> {
        self.state
            .store
            .mark_operator_read(&conversation, seq)
            .await?;
        self.state
            .hub
            .to_customer(&conversation, CustomerEvent::Read { seq });
        if let Some(summary) = self.state.store.summary(&conversation).await? {
            self.state.hub.to_operators(
                None,
                OperatorEvent::Conversation {
                    conversation: summary,
                },
            );
        }
        Ok(Vec::new())
    }
}

fn error(code: ErrorCode, message: &str) -> OperatorEvent {
    OperatorEvent::Error {
        code,
        message: message.to_owned(),
    }
}

fn unknown_conversation() -> OperatorEvent {
    error(ErrorCode::UnknownConversation, "No such conversation.")
}

fn internal() -> OperatorEvent {
    error(ErrorCode::Internal, "The relay failed; please try again.")
}
