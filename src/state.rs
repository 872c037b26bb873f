//! The pane's one state type and its reducer: every change is an [`Action`] named after the
//! event that caused it. Pure Rust, so it is tested natively like any function.

use std::rc::Rc;

use chatward_core::protocol::{
    Author, ConsentRecord, CustomerEvent, Entry, OperatorProfile, Statement,
};
use chatward_core::{Policy, RefusalReason};
use yew::Reducible;

/// Where the customer stands with the shop's privacy statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    /// Waiting for the relay to say which statement applies.
    Loading,
    /// The statement is shown; nothing can be typed or sent yet.
    Pending(Statement),
    /// Accepted: the consent is being recorded by the relay.
    Recording(Statement),
    /// Accepted and recorded.
    Accepted(ConsentRecord),
    /// The customer declined; the pane offers the shop's e-mail instead.
    Declined,
}

/// The state of the connection to the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Open,
    /// The connection dropped; the pane is trying again. Unsent messages are kept.
    Lost,
}

/// Where the conversation stands for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Open,
    /// The shop closed it; the customer may still write, which reopens it.
    Closed,
    /// Deleted: the pane forgot the conversation and its token and says so.
    Deleted,
}

/// The steps of "Delete this chat".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// Nothing asked.
    Idle,
    /// The customer asked; the pane asks them to confirm.
    Confirming,
    /// Confirmed; the relay is deleting.
    Deleting,
    /// The relay could not delete it; the customer may try again.
    Failed,
}

/// A message the customer sent that the relay has not acknowledged yet.
#[derive(Clone, PartialEq)]
pub struct Pending {
    pub client_id: String,
    pub text: String,
    /// Set when the relay refused the message; the reason is shown to the customer.
    pub refused: Option<String>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("client_id", &self.client_id)
            .field("text_len", &self.text.len())
            .field("refused", &self.refused.is_some())
            .finish()
    }
}

/// A picture the customer chose, from the browser's check to the relay's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// The pane's own id for it.
    pub id: u32,
    /// The file's name as the customer's system gave it (shown only to the customer).
    pub name: String,
    pub stage: UploadStage,
}

/// Where an upload stands.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadStage {
    /// Chosen and being checked in the browser (the first picture also waits for the guard
    /// module to load); nothing was sent yet.
    Checking,
    /// The check in the browser refused it; nothing was sent. Shown in the customer's
    /// language from the reason's kind.
    Refused { reason: RefusalReason },
    /// The browser could not check it (the guard module did not load); nothing was sent.
    Unchecked,
    /// Checked and cleaned; the cleaned copy is on its way.
    Sending {
        percent: u8,
        thumbnail: String,
        removed: Removed,
    },
    /// The relay stored it.
    Sent { thumbnail: String, removed: Removed },
    /// The relay refused it or the connection failed.
    Failed { thumbnail: String, reason: String },
}

/// What cleaning removed from a picture before it left the browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub location: bool,
    /// Camera details, owner, comments and other metadata.
    pub details: bool,
    /// Data hidden after the end of the picture or inside it.
    pub hidden_data: bool,
}

/// What the relay enforces for this shop: the pane warns by the same rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopRules {
    pub policy: Policy,
    /// The shop's own public contacts, never reported.
    pub allow: Vec<String>,
}

/// The conversation this pane belongs to, as handed out by the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub conversation: String,
    pub token: String,
}

/// Everything the pane shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub gate: Gate,
    pub link: Link,
    pub session: Option<Session>,
    pub standing: Standing,
    pub deletion: Deletion,
    /// How many `welcome`s arrived: each one (a reconnect too) re-sends what is unsent.
    pub welcomes: u32,
    pub operator: OperatorProfile,
    /// The shop's policy and public contacts as the relay announced them.
    pub shop_rules: ShopRules,
    /// Stored entries in `seq` order, without duplicates.
    pub entries: Vec<Entry>,
    /// Sent but not yet acknowledged, in the order the customer wrote them.
    pub pending: Vec<Pending>,
    pub operator_typing: bool,
    /// The operator has read the customer's entries up to this `seq`.
    pub operator_read: u64,
    /// Pictures chosen in this pane, newest last.
    pub uploads: Vec<Upload>,
    /// The last error the relay reported, shown until the next successful step.
    pub error: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            gate: Gate::Loading,
            link: Link::Connecting,
            session: None,
            standing: Standing::Open,
            deletion: Deletion::Idle,
            welcomes: 0,
            operator: OperatorProfile::default(),
            shop_rules: ShopRules::default(),
            entries: Vec::new(),
            pending: Vec::new(),
            operator_typing: false,
            operator_read: 0,
            uploads: Vec::new(),
            error: None,
        }
    }
}

impl State {
    /// The highest `seq` the pane holds; a reconnect asks for everything after it.
    pub fn last_seq(&self) -> u64 {
        self.entries.last().map_or(0, |entry| entry.seq)
    }

    /// True when the customer may type and send.
    pub fn can_chat(&self) -> bool {
        matches!(self.gate, Gate::Accepted(_)) && self.standing != Standing::Deleted
    }

    /// Forgets the conversation: its token, its entries, what was unsent and the pictures.
    fn forget_conversation(&mut self) {
        self.session = None;
        self.standing = Standing::Deleted;
        self.deletion = Deletion::Idle;
        self.entries.clear();
        self.pending.clear();
        self.uploads.clear();
        self.operator_typing = false;
        self.operator_read = 0;
        self.error = None;
    }

    /// The upload `id` moves to `stage`; one not shown yet is added at the end.
    fn settle_upload(&mut self, id: u32, name: String, stage: UploadStage) {
        match self.stage_of(id) {
            Some(at) => *at = stage,
            None => self.uploads.push(Upload { id, name, stage }),
        }
    }

    fn stage_of(&mut self, id: u32) -> Option<&mut UploadStage> {
        self.uploads
            .iter_mut()
            .find(|upload| upload.id == id)
            .map(|upload| &mut upload.stage)
    }

    /// Adds an entry in `seq` order, once, settling its pending copy.
    fn insert_entry(&mut self, entry: Entry) {
        if let Some(client_id) = &entry.client_id {
            self.pending
                .retain(|pending| &pending.client_id != client_id);
        }
        match self
            .entries
            .binary_search_by_key(&entry.seq, |known| known.seq)
        {
            Ok(_) => {} // Replayed after a reconnect: already shown.
            Err(at) => self.entries.insert(at, entry),
        }
    }
}

/// Everything that can happen to the pane.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    LinkOpened,
    LinkLost,
    /// A frame arrived from the relay.
    Received(Box<CustomerEvent>),
    PrivacyAccepted,
    PrivacyDeclined,
    /// The customer sent a message; it stays pending until the relay acknowledges it.
    MessageQueued {
        client_id: String,
        text: String,
    },
    /// The customer chose a file; the browser's check starts.
    FileChosen {
        id: u32,
        name: String,
    },
    /// The browser's check refused a file.
    FileRefused {
        id: u32,
        name: String,
        reason: RefusalReason,
    },
    /// The browser's check could not be loaded, so the file was not judged and not sent.
    FileUnchecked {
        id: u32,
        name: String,
    },
    /// The browser's check accepted a file; its cleaned copy is being sent.
    FileAccepted {
        id: u32,
        name: String,
        thumbnail: String,
        removed: Removed,
    },
    UploadProgressed {
        id: u32,
        percent: u8,
    },
    UploadFinished {
        id: u32,
    },
    UploadFailed {
        id: u32,
        reason: String,
    },
    /// The customer dismissed a refused or failed upload.
    UploadDismissed {
        id: u32,
    },
    /// The customer pressed "Delete this chat"; the pane asks to confirm.
    DeleteAsked,
    /// The customer changed their mind.
    DeleteCancelled,
    /// The customer confirmed; the request is on its way.
    DeleteConfirmed,
    /// The relay answered 204: the conversation is gone.
    DeleteSucceeded,
    /// The relay refused or could not be reached.
    DeleteFailed,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::LinkOpened => next.link = Link::Open,
            Action::LinkLost => {
                next.link = Link::Lost;
                next.operator_typing = false;
            }
            Action::PrivacyAccepted => {
                if let Gate::Pending(statement) = &next.gate {
                    next.gate = Gate::Recording(statement.clone());
                }
            }
            Action::PrivacyDeclined => next.gate = Gate::Declined,
            Action::MessageQueued { client_id, text } => {
                // Writing in a closed chat reopens it (the relay does the same).
                if next.standing == Standing::Closed {
                    next.standing = Standing::Open;
                }
                next.pending.push(Pending {
                    client_id,
                    text,
                    refused: None,
                });
            }
            Action::Received(event) => apply(&mut next, *event),
            Action::FileChosen { id, name } => next.settle_upload(id, name, UploadStage::Checking),
            Action::FileRefused { id, name, reason } => {
                next.settle_upload(id, name, UploadStage::Refused { reason });
            }
            Action::FileUnchecked { id, name } => {
                next.settle_upload(id, name, UploadStage::Unchecked);
            }
            Action::FileAccepted {
                id,
                name,
                thumbnail,
                removed,
            } => {
                let stage = UploadStage::Sending {
                    percent: 0,
                    thumbnail,
                    removed,
                };
                next.settle_upload(id, name, stage);
            }
            Action::UploadProgressed { id, percent } => {
                if let Some(UploadStage::Sending { percent: at, .. }) = next.stage_of(id) {
                    *at = (*at).max(percent.min(100));
                }
            }
            Action::UploadFinished { id } => {
                if let Some(stage) = next.stage_of(id)
                    && let UploadStage::Sending {
                        thumbnail, removed, ..
                    } = stage
                {
                    *stage = UploadStage::Sent {
                        thumbnail: thumbnail.clone(),
                        removed: *removed,
                    };
                }
            }
            Action::UploadFailed { id, reason } => {
                if let Some(stage) = next.stage_of(id)
                    && let UploadStage::Sending { thumbnail, .. } = stage
                {
                    *stage = UploadStage::Failed {
                        thumbnail: thumbnail.clone(),
                        reason,
                    };
                }
            }
            Action::UploadDismissed { id } => next.uploads.retain(|upload| upload.id != id),
            Action::DeleteAsked if next.session.is_some() => next.deletion = Deletion::Confirming,
            Action::DeleteCancelled => next.deletion = Deletion::Idle,
            Action::DeleteConfirmed if next.deletion == Deletion::Confirming => {
                next.deletion = Deletion::Deleting;
            }
            Action::DeleteSucceeded => next.forget_conversation(),
            Action::DeleteFailed if next.deletion == Deletion::Deleting => {
                next.deletion = Deletion::Failed;
            }
            Action::DeleteAsked | Action::DeleteConfirmed | Action::DeleteFailed => {}
        }
        Rc::new(next)
    }
}

fn apply(state: &mut State, event: CustomerEvent) {
    match event {
        CustomerEvent::Welcome {
            conversation,
            token,
            statement,
            consent,
            operator,
            policy,
            allow,
            ..
        } => {
            // Once deleted, nothing more is shown: the relay closes the link after `deleted`.
            if state.standing == Standing::Deleted {
                return;
            }
            state.shop_rules = ShopRules { policy, allow };
            state.welcomes = state.welcomes.wrapping_add(1);
            // A different conversation (the old one expired) starts from nothing, but
            // unsent messages stay so they are sent in the new one.
            if state
                .session
                .as_ref()
                .is_some_and(|s| s.conversation != conversation)
            {
                state.entries.clear();
                state.standing = Standing::Open;
            }
            state.session = Some(Session {
                conversation,
                token,
            });
            state.operator = operator;
            state.error = None;
            state.gate = match (consent, &state.gate) {
                (Some(record), _) if record.statement_version == statement.version => {
                    Gate::Accepted(record)
                }
                // Accepted before the link dropped: send the consent again on reconnect.
                (_, Gate::Recording(_)) => Gate::Recording(statement),
                (_, Gate::Declined) => Gate::Declined,
                _ => Gate::Pending(statement),
            };
        }
        CustomerEvent::ConsentRecorded { consent } => state.gate = Gate::Accepted(consent),
        CustomerEvent::Entry { entry } => {
            if entry.author == Author::Operator {
                state.operator_typing = false;
            }
            state.insert_entry(entry);
        }
        CustomerEvent::Ack { client_id, seq } => {
            // The entry itself follows or came already; the ack only settles the pending copy
            // when the entry was seen.
            if state.entries.iter().any(|entry| entry.seq == seq) {
                state
                    .pending
                    .retain(|pending| pending.client_id != client_id);
            }
        }
        CustomerEvent::Refused { client_id, reason } => {
            if let Some(pending) = state.pending.iter_mut().find(|p| p.client_id == client_id) {
                pending.refused = Some(reason);
            }
        }
        CustomerEvent::Typing { active } => state.operator_typing = active,
        CustomerEvent::Read { seq } => state.operator_read = state.operator_read.max(seq),
        CustomerEvent::Error { message, .. } => state.error = Some(message),
        CustomerEvent::Closed { .. } if state.standing == Standing::Open => {
            state.standing = Standing::Closed;
            state.operator_typing = false;
        }
        CustomerEvent::Closed { .. } => {}
        CustomerEvent::Deleted => state.forget_conversation(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatward_core::protocol::PROTOCOL_VERSION;

    fn statement(version: &str) -> Statement {
        Statement {
            version: version.into(),
            text: "We keep your data safe.".into(),
            url: None,
            hash: "h".into(),
        }
    }

    fn welcome(conversation: &str, consent: Option<ConsentRecord>) -> Action {
        Action::Received(Box::new(CustomerEvent::Welcome {
            v: PROTOCOL_VERSION,
            conversation: conversation.into(),
            token: "t".into(),
            statement: statement("2026-11"),
            consent,
            operator: OperatorProfile {
                name: "Ada".into(),
                ..Default::default()
            },
            policy: Policy::default(),
            allow: Vec::new(),
        }))
    }

    fn record(version: &str) -> ConsentRecord {
        ConsentRecord {
            statement_version: version.into(),
            statement_hash: "h".into(),
            accepted_at: 1,
            widget_version: "0.1.0".into(),
        }
    }

    fn entry(seq: u64, author: Author, client_id: Option<&str>) -> Action {
        Action::Received(Box::new(CustomerEvent::Entry {
            entry: Entry {
                seq,
                author,
                text: format!("m{seq}"),
                at: 0,
                client_id: client_id.map(Into::into),
                attachment: None,
                masked: Vec::new(),
            },
        }))
    }

    fn run(actions: impl IntoIterator<Item = Action>) -> State {
        let mut state = Rc::new(State::default());
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    #[test]
    fn nothing_can_be_sent_before_the_statement_is_accepted_and_recorded() {
        let state = run([Action::LinkOpened, welcome("c1", None)]);
        assert!(matches!(state.gate, Gate::Pending(_)));
        assert!(!state.can_chat());
        let state = run([
            Action::LinkOpened,
            welcome("c1", None),
            Action::PrivacyAccepted,
        ]);
        assert!(matches!(state.gate, Gate::Recording(_)));
        assert!(!state.can_chat());
        let state = run([
            welcome("c1", None),
            Action::PrivacyAccepted,
            Action::Received(Box::new(CustomerEvent::ConsentRecorded {
                consent: record("2026-11"),
            })),
        ]);
        assert!(state.can_chat());
    }

    #[test]
    fn a_consent_for_an_older_statement_asks_again() {
        let state = run([welcome("c1", Some(record("2025-01")))]);
        assert!(matches!(state.gate, Gate::Pending(_)));
        let state = run([welcome("c1", Some(record("2026-11")))]);
        assert!(state.can_chat());
    }

    #[test]
    fn declining_is_kept_across_a_reconnect() {
        let state = run([
            welcome("c1", None),
            Action::PrivacyDeclined,
            Action::LinkLost,
            welcome("c1", None),
        ]);
        assert_eq!(state.gate, Gate::Declined);
    }

    #[test]
    fn replayed_entries_are_shown_once_and_in_order() {
        let state = run([
            welcome("c1", None),
            entry(2, Author::Operator, None),
            entry(1, Author::Customer, None),
            entry(2, Author::Operator, None),
        ]);
        let seqs: Vec<u64> = state.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2]);
        assert_eq!(state.last_seq(), 2);
    }

    #[test]
    fn a_pending_message_settles_when_its_entry_arrives_and_survives_a_dropped_link() {
        let queued = Action::MessageQueued {
            client_id: "a".into(),
            text: "hello".into(),
        };
        let state = run([
            welcome("c1", Some(record("2026-11"))),
            queued.clone(),
            Action::LinkLost,
        ]);
        assert_eq!(state.link, Link::Lost);
        assert_eq!(state.pending.len(), 1, "unsent message kept while offline");
        let resumed = run([
            welcome("c1", Some(record("2026-11"))),
            Action::LinkLost,
            welcome("c1", Some(record("2026-11"))),
        ]);
        assert_eq!(
            resumed.welcomes, 2,
            "a resume of the same conversation is a new welcome"
        );
        let state = run([
            welcome("c1", Some(record("2026-11"))),
            queued,
            entry(1, Author::Customer, Some("a")),
        ]);
        assert!(state.pending.is_empty());
        assert_eq!(state.entries.len(), 1);
    }

    #[test]
    fn a_refused_message_keeps_its_reason() {
        let state = run([
            welcome("c1", Some(record("2026-11"))),
            Action::MessageQueued {
                client_id: "a".into(),
                text: "x".into(),
            },
            Action::Received(Box::new(CustomerEvent::Refused {
                client_id: "a".into(),
                reason: "No card numbers".into(),
            })),
        ]);
        assert_eq!(state.pending[0].refused.as_deref(), Some("No card numbers"));
    }

    #[test]
    fn an_upload_goes_from_sending_to_sent_and_progress_never_goes_back() {
        let removed = Removed {
            location: true,
            ..Removed::default()
        };
        let state = run([
            Action::FileAccepted {
                id: 1,
                name: "p.jpg".into(),
                thumbnail: "blob:1".into(),
                removed,
            },
            Action::UploadProgressed { id: 1, percent: 60 },
            Action::UploadProgressed { id: 1, percent: 40 },
        ]);
        assert!(matches!(
            state.uploads[0].stage,
            UploadStage::Sending { percent: 60, .. }
        ));
        let state = run([
            Action::FileAccepted {
                id: 1,
                name: "p.jpg".into(),
                thumbnail: "blob:1".into(),
                removed,
            },
            Action::UploadFinished { id: 1 },
            Action::UploadFailed {
                id: 1,
                reason: "late".into(),
            },
        ]);
        assert_eq!(
            state.uploads[0].stage,
            UploadStage::Sent {
                thumbnail: "blob:1".into(),
                removed
            }
        );
    }

    #[test]
    fn a_chosen_file_shows_as_checking_then_takes_its_verdict_in_place() {
        let chosen = |id: u32, name: &str| Action::FileChosen {
            id,
            name: name.into(),
        };
        let state = run([chosen(1, "a.jpg"), chosen(2, "b.exe.jpg")]);
        assert_eq!(state.uploads.len(), 2);
        assert!(
            state
                .uploads
                .iter()
                .all(|u| u.stage == UploadStage::Checking)
        );
        let state = run([
            chosen(1, "a.jpg"),
            chosen(2, "b.exe.jpg"),
            Action::FileRefused {
                id: 2,
                name: "b.exe.jpg".into(),
                reason: RefusalReason::Executable,
            },
            Action::FileAccepted {
                id: 1,
                name: "a.jpg".into(),
                thumbnail: "blob:1".into(),
                removed: Removed::default(),
            },
        ]);
        // One entry each, in the order chosen, whatever order the checks finished in.
        let names: Vec<&str> = state.uploads.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["a.jpg", "b.exe.jpg"]);
        assert!(matches!(
            state.uploads[0].stage,
            UploadStage::Sending { .. }
        ));
        assert_eq!(
            state.uploads[1].stage,
            UploadStage::Refused {
                reason: RefusalReason::Executable
            }
        );
    }

    #[test]
    fn refused_uploads_keep_their_reason_until_dismissed() {
        let refused = Action::FileRefused {
            id: 7,
            name: "x.jpg".into(),
            reason: RefusalReason::Executable,
        };
        let state = run([refused.clone()]);
        assert_eq!(
            state.uploads[0].stage,
            UploadStage::Refused {
                reason: RefusalReason::Executable
            }
        );
        let state = run([refused, Action::UploadDismissed { id: 7 }]);
        assert!(state.uploads.is_empty());
    }

    #[test]
    fn an_unchecked_file_is_shown_as_not_sent_until_dismissed() {
        let unchecked = Action::FileUnchecked {
            id: 8,
            name: "photo.jpg".into(),
        };
        let state = run([unchecked.clone()]);
        assert_eq!(state.uploads[0].stage, UploadStage::Unchecked);
        assert_eq!(state.uploads[0].name, "photo.jpg");
        // Progress or an answer for it cannot turn it into a sent picture.
        let state = run([
            unchecked.clone(),
            Action::UploadProgressed { id: 8, percent: 50 },
            Action::UploadFinished { id: 8 },
        ]);
        assert_eq!(state.uploads[0].stage, UploadStage::Unchecked);
        let state = run([unchecked, Action::UploadDismissed { id: 8 }]);
        assert!(state.uploads.is_empty());
    }

    #[test]
    fn read_marks_only_move_forward() {
        let state = run([
            welcome("c1", None),
            Action::Received(Box::new(CustomerEvent::Read { seq: 3 })),
            Action::Received(Box::new(CustomerEvent::Read { seq: 2 })),
        ]);
        assert_eq!(state.operator_read, 3);
    }

    #[test]
    fn an_operator_entry_ends_the_typing_indicator() {
        let state = run([
            welcome("c1", None),
            Action::Received(Box::new(CustomerEvent::Typing { active: true })),
            entry(1, Author::Operator, None),
        ]);
        assert!(!state.operator_typing);
    }

    fn chatting() -> Vec<Action> {
        vec![
            welcome("c1", Some(record("2026-11"))),
            entry(1, Author::Customer, None),
            entry(2, Author::Operator, None),
            Action::MessageQueued {
                client_id: "a".into(),
                text: "unsent".into(),
            },
        ]
    }

    #[test]
    fn deleting_asks_first_then_forgets_the_conversation_and_its_token() {
        let mut actions = chatting();
        actions.push(Action::DeleteAsked);
        assert_eq!(run(actions.clone()).deletion, Deletion::Confirming);
        actions.push(Action::DeleteConfirmed);
        let state = run(actions.clone());
        assert_eq!(state.deletion, Deletion::Deleting);
        assert!(state.session.is_some(), "kept until the relay confirms");
        actions.push(Action::DeleteSucceeded);
        let state = run(actions);
        assert_eq!(state.standing, Standing::Deleted);
        assert_eq!(state.session, None);
        assert!(state.entries.is_empty() && state.pending.is_empty());
        assert!(!state.can_chat());
    }

    #[test]
    fn confirming_without_asking_or_after_cancelling_deletes_nothing() {
        let mut actions = chatting();
        actions.push(Action::DeleteConfirmed);
        assert_eq!(run(actions.clone()).deletion, Deletion::Idle);
        actions.extend([
            Action::DeleteAsked,
            Action::DeleteCancelled,
            Action::DeleteConfirmed,
        ]);
        let state = run(actions);
        assert_eq!(state.deletion, Deletion::Idle);
        assert_eq!(state.entries.len(), 2);
    }

    #[test]
    fn a_failed_deletion_keeps_the_chat_and_may_be_tried_again() {
        let mut actions = chatting();
        actions.extend([
            Action::DeleteAsked,
            Action::DeleteConfirmed,
            Action::DeleteFailed,
        ]);
        let state = run(actions.clone());
        assert_eq!(state.deletion, Deletion::Failed);
        assert_eq!(state.standing, Standing::Open);
        assert!(state.session.is_some() && state.can_chat());
        actions.push(Action::DeleteAsked);
        assert_eq!(run(actions).deletion, Deletion::Confirming);
    }

    #[test]
    fn a_deleted_event_forgets_the_session_and_a_later_welcome_does_not_bring_it_back() {
        let mut actions = chatting();
        actions.push(Action::Received(Box::new(CustomerEvent::Deleted)));
        let state = run(actions.clone());
        assert_eq!(state.standing, Standing::Deleted);
        assert_eq!(state.session, None);
        actions.push(welcome("c2", Some(record("2026-11"))));
        let state = run(actions);
        assert_eq!(state.standing, Standing::Deleted);
        assert_eq!(state.session, None);
        assert!(!state.can_chat());
    }

    #[test]
    fn a_chat_closed_by_the_shop_reopens_when_the_customer_writes() {
        let mut actions = chatting();
        actions.push(Action::Received(Box::new(CustomerEvent::Closed {
            by: Author::Operator,
        })));
        let state = run(actions.clone());
        assert_eq!(state.standing, Standing::Closed);
        assert!(state.can_chat(), "the customer may still write");
        actions.push(Action::MessageQueued {
            client_id: "b".into(),
            text: "one more thing".into(),
        });
        assert_eq!(run(actions).standing, Standing::Open);
    }

    #[test]
    fn a_closed_event_after_deletion_changes_nothing() {
        let mut actions = chatting();
        actions.push(Action::Received(Box::new(CustomerEvent::Deleted)));
        actions.push(Action::Received(Box::new(CustomerEvent::Closed {
            by: Author::Operator,
        })));
        assert_eq!(run(actions).standing, Standing::Deleted);
    }
}
