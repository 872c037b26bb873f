//! The console's one state type and its reducer: every change is an [`Action`] named after the
//! event that caused it. Pure Rust (no DOM, no clock), so it is tested natively.

use std::collections::BTreeMap;
use std::rc::Rc;

use chatward_core::protocol::{Author, ConversationSummary, Entry, Millis, OperatorEvent};
use chatward_core::{Category, Policy, requested};
use serde::Deserialize;
use yew::Reducible;

/// The operator signed in to the console, as `GET /api/operator/me` describes them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Operator {
    pub username: String,
    pub display_name: String,
}

/// Whether an operator is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// The login form is shown; `error` is what the relay said about the last attempt.
    LoggedOut {
        error: Option<String>,
    },
    /// Waiting for the relay: checking the session cookie on start, or a submitted login.
    LoggingIn,
    LoggedIn(Operator),
}

/// The state of the operator WebSocket while logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Open,
    /// The connection dropped; the console is trying again. Unsent replies are kept.
    Lost,
}

/// A reply the operator sent that the relay has not acknowledged yet.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingReply {
    pub conversation: String,
    pub client_id: String,
    pub text: String,
    /// When the operator pressed Send, by the browser's clock.
    pub at: Millis,
}

impl std::fmt::Debug for PendingReply {
    // Reply text is personal data: only its length is printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingReply")
            .field("conversation", &self.conversation)
            .field("client_id", &self.client_id)
            .field("text_len", &self.text.len())
            .finish()
    }
}

/// Everything the console shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub session: Session,
    pub link: Link,
    /// Open conversations, newest first.
    pub conversations: Vec<ConversationSummary>,
    /// The conversation shown in the main pane.
    pub selected: Option<String>,
    /// Entries per conversation id, keyed by `seq` so duplicates and replays collapse.
    pub entries: BTreeMap<String, BTreeMap<u64, Entry>>,
    /// Sent but not yet acknowledged, in the order the operator wrote them.
    pub pending: Vec<PendingReply>,
    /// The last problem to show the operator (relay error frame, failed request).
    pub notice: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            // The console starts by asking the relay whether the session cookie is still good.
            session: Session::LoggingIn,
            link: Link::Connecting,
            conversations: Vec::new(),
            selected: None,
            entries: BTreeMap::new(),
            pending: Vec::new(),
            notice: None,
        }
    }
}

/// Everything that can happen to the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The relay has no session for this browser (checked on start-up).
    SessionMissing,
    /// The session ended while the console was open (expired, or logged out elsewhere).
    SessionExpired,
    /// The operator submitted the login form.
    LoginSubmitted,
    /// The relay refused the login; `error` is its message.
    LoginFailed {
        error: String,
    },
    LoggedIn(Operator),
    LoggedOut,
    LinkOpened,
    ConnectionLost,
    ConversationsListed(Vec<ConversationSummary>),
    ConversationChanged(ConversationSummary),
    EntryArrived {
        conversation: String,
        entry: Entry,
    },
    /// The operator picked a conversation from the list.
    ConversationOpened(String),
    /// The operator closed a conversation; it is shown as closed at once (the relay's next
    /// summary confirms it, and a customer message reopens it).
    CloseRequested(String),
    /// The conversation was deleted, by this operator or elsewhere: it leaves the console.
    ConversationRemoved(String),
    ReplySent(PendingReply),
    Acked {
        conversation: String,
        client_id: String,
        seq: u64,
    },
    /// The relay reported a problem, or a request failed; shown until dismissed or replaced.
    Failed(String),
    NoticeDismissed,
}

impl Action {
    /// The action an operator frame from the relay stands for; `None` for frames the
    /// console does not show yet (typing, read receipts).
    pub fn from_event(event: OperatorEvent) -> Option<Self> {
        match event {
            OperatorEvent::Conversations { conversations } => {
                Some(Self::ConversationsListed(conversations))
            }
            OperatorEvent::Conversation { conversation } => {
                Some(Self::ConversationChanged(conversation))
            }
            OperatorEvent::Entry {
                conversation,
                entry,
            } => Some(Self::EntryArrived {
                conversation,
                entry,
            }),
            OperatorEvent::Ack {
                conversation,
                client_id,
                seq,
            } => Some(Self::Acked {
                conversation,
                client_id,
                seq,
            }),
            OperatorEvent::Error { message, .. } => Some(Self::Failed(message)),
            OperatorEvent::Removed { conversation } => {
                Some(Self::ConversationRemoved(conversation))
            }
            OperatorEvent::Typing { .. } | OperatorEvent::Read { .. } => None,
        }
    }
}

impl State {
    /// The logged-in operator, if any.
    pub fn operator(&self) -> Option<&Operator> {
        match &self.session {
            Session::LoggedIn(operator) => Some(operator),
            Session::LoggedOut { .. } | Session::LoggingIn => None,
        }
    }

    /// The summary of the selected conversation.
    pub fn selected_summary(&self) -> Option<&ConversationSummary> {
        let id = self.selected.as_deref()?;
        self.conversations.iter().find(|c| c.id == id)
    }

    /// The policy of `conversation`'s shop, as the relay sent it; the careful defaults when
    /// the relay did not say.
    pub fn policy_of(&self, conversation: &str) -> Policy {
        self.conversations
            .iter()
            .find(|c| c.id == conversation)
            .and_then(|c| c.policy.clone())
            .unwrap_or_default()
    }

    /// Stored entries of `conversation`, in `seq` order.
    pub fn entries_of(&self, conversation: &str) -> impl Iterator<Item = &Entry> {
        self.entries
            .get(conversation)
            .into_iter()
            .flat_map(|entries| entries.values())
    }

    /// Unacknowledged replies to `conversation`, in the order they were written.
    pub fn pending_of<'a>(
        &'a self,
        conversation: &'a str,
    ) -> impl Iterator<Item = &'a PendingReply> {
        self.pending
            .iter()
            .filter(move |p| p.conversation == conversation)
    }

    /// The highest `seq` up to which the console holds every entry of `conversation`
    /// without a gap: what `open` asks the relay to continue after.
    pub fn contiguous_seq(&self, conversation: &str) -> u64 {
        let mut last = 0;
        for &seq in self
            .entries
            .get(conversation)
            .into_iter()
            .flat_map(|e| e.keys())
        {
            if seq != last + 1 {
                break;
            }
            last = seq;
        }
        last
    }

    /// The highest `seq` the console holds for `conversation` (what the operator has seen
    /// once it is selected).
    pub fn last_seq(&self, conversation: &str) -> u64 {
        self.entries
            .get(conversation)
            .and_then(|entries| entries.keys().next_back().copied())
            .unwrap_or(0)
    }

    fn insert_entry(&mut self, conversation: &str, entry: Entry) {
        let seq = entry.seq;
        let author = entry.author;
        let is_new = self
            .entries
            .entry(conversation.to_owned())
            .or_default()
            .insert(seq, entry)
            .is_none();
        let is_selected = self.selected.as_deref() == Some(conversation);
        if let Some(summary) = self.conversations.iter_mut().find(|c| c.id == conversation) {
            // The relay's summary already counts entries up to its `last_seq`; only a customer
            // entry beyond it, in a conversation the operator is not looking at, is new unread.
            if is_new && seq > summary.last_seq {
                if author == Author::Customer && !is_selected {
                    summary.unread += 1;
                }
                summary.last_seq = seq;
            }
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SessionMissing => {
                next = State {
                    session: Session::LoggedOut { error: None },
                    ..State::default()
                };
            }
            Action::SessionExpired => {
                let error = Some("Your session has ended. Please log in again.".to_owned());
                next = State {
                    session: Session::LoggedOut { error },
                    ..State::default()
                };
            }
            Action::LoginSubmitted => next.session = Session::LoggingIn,
            Action::LoginFailed { error } => {
                next.session = Session::LoggedOut { error: Some(error) };
            }
            Action::LoggedIn(operator) => {
                next = State {
                    session: Session::LoggedIn(operator),
                    ..State::default()
                };
            }
            Action::LoggedOut => {
                next = State {
                    session: Session::LoggedOut { error: None },
                    ..State::default()
                };
            }
            Action::LinkOpened => next.link = Link::Open,
            Action::ConnectionLost => next.link = Link::Lost,
            Action::ConversationsListed(mut conversations) => {
                sort_newest_first(&mut conversations);
                let selected = next.selected.as_deref();
                if let Some(summary) = conversations
                    .iter_mut()
                    .find(|c| Some(c.id.as_str()) == selected)
                {
                    summary.unread = 0;
                }
                next.conversations = conversations;
            }
            Action::ConversationChanged(mut summary) => {
                if next.selected.as_deref() == Some(summary.id.as_str()) {
                    summary.unread = 0;
                }
                if summary.policy.is_none() {
                    // Updates leave the policy out: it is the shop's, known from the list.
                    summary.policy = next
                        .conversations
                        .iter()
                        .find(|c| c.shop == summary.shop && c.policy.is_some())
                        .and_then(|c| c.policy.clone());
                }
                match next.conversations.iter_mut().find(|c| c.id == summary.id) {
                    Some(known) => *known = summary,
                    None => {
                        next.conversations.push(summary);
                        sort_newest_first(&mut next.conversations);
                    }
                }
            }
            Action::EntryArrived {
                conversation,
                entry,
            } => {
                next.insert_entry(&conversation, entry);
            }
            Action::ConversationOpened(id) => {
                if let Some(summary) = next.conversations.iter_mut().find(|c| c.id == id) {
                    summary.unread = 0;
                }
                next.selected = Some(id);
            }
            Action::CloseRequested(id) => {
                if let Some(summary) = next.conversations.iter_mut().find(|c| c.id == id) {
                    summary.closed = true;
                }
            }
            Action::ConversationRemoved(id) => {
                next.conversations.retain(|c| c.id != id);
                next.entries.remove(&id);
                next.pending.retain(|p| p.conversation != id);
                if next.selected.as_deref() == Some(id.as_str()) {
                    next.selected = None;
                }
            }
            Action::ReplySent(reply) => next.pending.push(reply),
            Action::Acked {
                conversation,
                client_id,
                seq,
            } => {
                let position = next
                    .pending
                    .iter()
                    .position(|p| p.conversation == conversation && p.client_id == client_id);
                if let Some(position) = position {
                    let reply = next.pending.remove(position);
                    let entry = Entry {
                        seq,
                        author: Author::Operator,
                        text: reply.text,
                        at: reply.at,
                        client_id: Some(reply.client_id),
                        attachment: None,
                        masked: Vec::new(),
                    };
                    // The relay may also deliver the stored entry; the first copy wins.
                    let held = next
                        .entries
                        .get(&conversation)
                        .is_some_and(|e| e.contains_key(&seq));
                    if !held {
                        next.insert_entry(&conversation, entry);
                    }
                }
            }
            Action::Failed(message) => next.notice = Some(message),
            Action::NoticeDismissed => next.notice = None,
        }
        if next == *self { self } else { Rc::new(next) }
    }
}

fn sort_newest_first(conversations: &mut [ConversationSummary]) {
    conversations.sort_by_key(|c| std::cmp::Reverse(c.started_at));
}

/// The gentle hint for an operator whose draft asks the customer for data the shop's
/// policy blocks or masks ("ask only for what you need"); `None` when the draft asks for
/// nothing of the kind. It never stops the reply: the operator may have a good reason.
pub fn nudge(draft: &str, policy: &Policy) -> Option<String> {
    let unwanted: Vec<&str> = requested(draft)
        .into_iter()
        .filter(|&category| policy.action(category) >= chatward_core::Action::Mask)
        .map(plural)
        .collect();
    let listed = match unwanted.as_slice() {
        [] => return None,
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    Some(format!(
        "Ask only for what you need: this shop's policy does not want {listed} in chat."
    ))
}

/// A category as the nudge names it.
fn plural(category: Category) -> &'static str {
    match category {
        Category::CreditCard => "card numbers",
        Category::CardCvv => "card security codes",
        Category::CardExpiry => "card expiry dates",
        Category::Password => "passwords",
        Category::Iban => "bank account numbers",
        Category::UsSsn => "Social Security numbers",
        Category::NationalId => "national ID numbers",
        Category::Passport => "passport numbers",
        Category::DateOfBirth => "dates of birth",
        Category::Email => "e-mail addresses",
        Category::Phone => "phone numbers",
        Category::StreetAddress => "street addresses",
        Category::IpAddress => "IP addresses",
        Category::PersonName => "names",
        Category::Age => "ages",
    }
}

/// The short id shown for a conversation: its first eight characters.
pub fn short_id(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(end, _)| &id[..end])
}

/// A relay timestamp as `YYYY-MM-DD HH:MM UTC`, computed without a clock or time zone data.
pub fn format_utc(at: Millis) -> String {
    let seconds = at.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use chatward_core::protocol::ConsentRecord;

    use super::*;

    fn operator() -> Operator {
        Operator {
            username: "ada".into(),
            display_name: "Ada".into(),
        }
    }

    fn summary(id: &str, started_at: Millis, last_seq: u64, unread: u64) -> ConversationSummary {
        ConversationSummary {
            id: id.into(),
            shop: "demo".into(),
            started_at,
            last_seq,
            unread,
            consent: None,
            closed: false,
            policy: None,
        }
    }

    fn entry(seq: u64, author: Author, text: &str) -> Entry {
        Entry {
            seq,
            author,
            text: text.into(),
            at: 1000 * seq as i64,
            client_id: None,
            attachment: None,
            masked: Vec::new(),
        }
    }

    fn reply(conversation: &str, client_id: &str, text: &str) -> PendingReply {
        PendingReply {
            conversation: conversation.into(),
            client_id: client_id.into(),
            text: text.into(),
            at: 42,
        }
    }

    fn run(state: State, actions: impl IntoIterator<Item = Action>) -> State {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    fn logged_in_with(conversations: Vec<ConversationSummary>) -> State {
        run(
            State::default(),
            [
                Action::LoggedIn(operator()),
                Action::LinkOpened,
                Action::ConversationsListed(conversations),
            ],
        )
    }

    #[test]
    fn starts_by_checking_the_session_then_shows_the_form() {
        let state = State::default();
        assert_eq!(state.session, Session::LoggingIn);
        let state = run(state, [Action::SessionMissing]);
        assert_eq!(state.session, Session::LoggedOut { error: None });
    }

    #[test]
    fn failed_login_keeps_the_relays_error_for_the_form() {
        let state = run(
            State::default(),
            [
                Action::SessionMissing,
                Action::LoginSubmitted,
                Action::LoginFailed {
                    error: "invalid username or password".into(),
                },
            ],
        );
        assert_eq!(
            state.session,
            Session::LoggedOut {
                error: Some("invalid username or password".into())
            }
        );
        let state = run(
            state,
            [Action::LoginSubmitted, Action::LoggedIn(operator())],
        );
        assert_eq!(state.operator(), Some(&operator()));
        assert_eq!(state.link, Link::Connecting);
    }

    #[test]
    fn logging_out_forgets_every_conversation() {
        let mut state = logged_in_with(vec![summary("c1", 1, 1, 1)]);
        state = run(
            state,
            [
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(1, Author::Customer, "hello"),
                },
                Action::ConversationOpened("c1".into()),
                Action::LoggedOut,
            ],
        );
        assert_eq!(
            state,
            State {
                session: Session::LoggedOut { error: None },
                ..State::default()
            }
        );
    }

    #[test]
    fn an_expired_session_says_so_on_the_login_form() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        let state = run(state, [Action::ConnectionLost, Action::SessionExpired]);
        assert!(matches!(
            state.session,
            Session::LoggedOut { error: Some(_) }
        ));
        assert!(state.conversations.is_empty());
    }

    #[test]
    fn conversations_are_listed_newest_first() {
        let state = logged_in_with(vec![summary("old", 1, 0, 0), summary("new", 2, 0, 0)]);
        let ids: Vec<&str> = state.conversations.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["new", "old"]);
    }

    #[test]
    fn a_customer_entry_elsewhere_counts_as_unread_until_opened() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        let state = run(
            state,
            [Action::EntryArrived {
                conversation: "c1".into(),
                entry: entry(1, Author::Customer, "hello"),
            }],
        );
        assert_eq!(state.conversations[0].unread, 1);
        assert_eq!(state.conversations[0].last_seq, 1);
        let state = run(state, [Action::ConversationOpened("c1".into())]);
        assert_eq!(state.conversations[0].unread, 0);
        assert_eq!(state.selected.as_deref(), Some("c1"));
    }

    #[test]
    fn an_entry_already_counted_by_the_relay_is_not_counted_twice() {
        // The summary says seq 1 arrived and is unread; the entry itself then comes in.
        let state = logged_in_with(vec![summary("c1", 1, 1, 1)]);
        let state = run(
            state,
            [Action::EntryArrived {
                conversation: "c1".into(),
                entry: entry(1, Author::Customer, "hello"),
            }],
        );
        assert_eq!(state.conversations[0].unread, 1);
    }

    #[test]
    fn entries_in_the_open_conversation_are_read_at_once() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        let state = run(
            state,
            [
                Action::ConversationOpened("c1".into()),
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(1, Author::Customer, "hello"),
                },
                Action::ConversationChanged(summary("c1", 1, 1, 1)),
            ],
        );
        assert_eq!(state.conversations[0].unread, 0);
    }

    #[test]
    fn replayed_entries_are_stored_once_in_seq_order() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        let state = run(
            state,
            [
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(2, Author::Customer, "b"),
                },
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(1, Author::Customer, "a"),
                },
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(2, Author::Customer, "b"),
                },
            ],
        );
        let texts: Vec<&str> = state.entries_of("c1").map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"]);
    }

    #[test]
    fn each_new_customer_entry_counts_once() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        let state = run(
            state,
            [
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(1, Author::Customer, "a"),
                },
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(2, Author::Customer, "b"),
                },
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(2, Author::Customer, "b"),
                },
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(3, Author::Operator, "c"),
                },
            ],
        );
        assert_eq!(state.conversations[0].unread, 2);
        assert_eq!(state.conversations[0].last_seq, 3);
    }

    #[test]
    fn open_continues_after_the_last_entry_held_without_a_gap() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        assert_eq!(state.contiguous_seq("c1"), 0);
        let state = run(
            state,
            [
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(1, Author::Customer, "a"),
                },
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(2, Author::Customer, "b"),
                },
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(5, Author::Customer, "e"),
                },
            ],
        );
        assert_eq!(state.contiguous_seq("c1"), 2);
        assert_eq!(state.last_seq("c1"), 5);
    }

    #[test]
    fn an_acked_reply_becomes_an_operator_entry() {
        let state = logged_in_with(vec![summary("c1", 1, 1, 0)]);
        let state = run(
            state,
            [
                Action::ConversationOpened("c1".into()),
                Action::ReplySent(reply("c1", "r1", "hi there")),
            ],
        );
        assert_eq!(state.pending_of("c1").count(), 1);
        let state = run(
            state,
            [Action::Acked {
                conversation: "c1".into(),
                client_id: "r1".into(),
                seq: 2,
            }],
        );
        assert_eq!(state.pending.len(), 0);
        let stored: Vec<(u64, Author, &str)> = state
            .entries_of("c1")
            .map(|e| (e.seq, e.author, e.text.as_str()))
            .collect();
        assert_eq!(stored, [(2, Author::Operator, "hi there")]);
    }

    #[test]
    fn an_ack_for_an_unknown_reply_changes_nothing() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        let after = run(
            state.clone(),
            [Action::Acked {
                conversation: "c1".into(),
                client_id: "nope".into(),
                seq: 9,
            }],
        );
        assert_eq!(after, state);
    }

    #[test]
    fn a_lost_link_keeps_pending_replies_and_reopens() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0)]);
        let state = run(
            state,
            [
                Action::ReplySent(reply("c1", "r1", "x")),
                Action::ConnectionLost,
            ],
        );
        assert_eq!(state.link, Link::Lost);
        assert_eq!(state.pending.len(), 1);
        let state = run(state, [Action::LinkOpened]);
        assert_eq!(state.link, Link::Open);
    }

    #[test]
    fn relay_frames_map_to_event_named_actions() {
        let consent = ConsentRecord {
            statement_version: "2026-11".into(),
            statement_hash: "ab".into(),
            accepted_at: 0,
            widget_version: "0.1.0".into(),
        };
        let json = format!(
            r#"{{"type":"conversations","conversations":[{{"id":"c1","shop":"demo","started_at":0,"last_seq":0,"unread":0,"consent":{}}}]}}"#,
            serde_json::to_string(&consent).unwrap()
        );
        let event: OperatorEvent = serde_json::from_str(&json).unwrap();
        let Some(Action::ConversationsListed(list)) = Action::from_event(event) else {
            panic!("not a listing")
        };
        assert_eq!(list[0].consent.as_ref(), Some(&consent));
        let typing = OperatorEvent::Typing {
            conversation: "c1".into(),
            active: true,
        };
        assert_eq!(Action::from_event(typing), None);
    }

    #[test]
    fn closing_marks_the_conversation_closed_and_keeps_its_unread_count() {
        let state = logged_in_with(vec![summary("c1", 1, 3, 2), summary("c2", 2, 0, 0)]);
        let state = run(state, [Action::CloseRequested("c1".into())]);
        let c1 = state.conversations.iter().find(|c| c.id == "c1").unwrap();
        assert!(c1.closed);
        assert_eq!(c1.unread, 2);
        assert!(
            !state
                .conversations
                .iter()
                .find(|c| c.id == "c2")
                .unwrap()
                .closed
        );
        // A customer message reopens it: the relay sends the summary again.
        let state = run(state, [Action::ConversationChanged(summary("c1", 1, 4, 3))]);
        assert!(
            !state
                .conversations
                .iter()
                .find(|c| c.id == "c1")
                .unwrap()
                .closed
        );
    }

    #[test]
    fn a_removed_conversation_leaves_the_list_its_entries_and_the_selection() {
        let state = logged_in_with(vec![summary("c1", 1, 0, 0), summary("c2", 2, 0, 0)]);
        let state = run(
            state,
            [
                Action::ConversationOpened("c1".into()),
                Action::EntryArrived {
                    conversation: "c1".into(),
                    entry: entry(1, Author::Customer, "hello"),
                },
                Action::ReplySent(reply("c1", "r1", "hi")),
                Action::ReplySent(reply("c2", "r2", "hey")),
            ],
        );
        let event: OperatorEvent =
            serde_json::from_str(r#"{"type":"removed","conversation":"c1"}"#).unwrap();
        let removed = Action::from_event(event).expect("an action");
        let state = run(state, [removed]);
        let ids: Vec<&str> = state.conversations.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c2"]);
        assert_eq!(state.entries_of("c1").count(), 0);
        assert_eq!(state.pending_of("c1").count(), 0);
        assert_eq!(state.pending_of("c2").count(), 1);
        assert_eq!(state.selected, None);
        // Removing what is not there changes nothing.
        let again = run(state.clone(), [Action::ConversationRemoved("c1".into())]);
        assert_eq!(again, state);
    }

    #[test]
    fn the_shops_policy_is_kept_when_an_update_leaves_it_out() {
        let strict = Policy::with_overrides([("IBAN", "block")]).unwrap();
        let mut listed = summary("c1", 1, 0, 0);
        listed.policy = Some(strict.clone());
        let state = logged_in_with(vec![listed]);
        assert_eq!(state.policy_of("c1"), strict);
        let state = run(
            state,
            [
                Action::ConversationChanged(summary("c1", 1, 1, 1)),
                Action::ConversationChanged(summary("new", 5, 0, 0)),
            ],
        );
        assert_eq!(state.policy_of("c1"), strict);
        assert_eq!(state.policy_of("new"), strict, "same shop, same policy");
        assert_eq!(state.policy_of("unknown"), Policy::default());
    }

    #[test]
    fn the_nudge_names_what_the_policy_does_not_want() {
        let policy = Policy::default();
        assert_eq!(
            nudge("Could you send me your card number?", &policy).as_deref(),
            Some(
                "Ask only for what you need: this shop's policy does not want card numbers in chat."
            )
        );
        assert_eq!(nudge("Could you send me your order number?", &policy), None);
        assert_eq!(nudge("", &policy), None);
        assert_eq!(
            nudge(
                "Send me the card number, the CVV and your password.",
                &policy
            )
            .as_deref(),
            Some(
                "Ask only for what you need: this shop's policy does not want card numbers, \
                 card security codes or passwords in chat."
            )
        );
        // By default an IBAN only warns the customer: asking for a refund account is fine.
        assert_eq!(nudge("For the refund I need your IBAN.", &policy), None);
        let strict = Policy::with_overrides([("IBAN", "mask")]).unwrap();
        assert!(nudge("For the refund I need your IBAN.", &strict).is_some());
        let relaxed = Policy::with_overrides([("CREDIT_CARD", "warn")]).unwrap();
        assert_eq!(nudge("What is your card number?", &relaxed), None);
    }

    #[test]
    fn short_ids_are_eight_characters_at_most() {
        assert_eq!(short_id("0123456789abcdef"), "01234567");
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn timestamps_are_formatted_in_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        // 2026-11-25 09:15:30 UTC
        assert_eq!(format_utc(1_795_598_130_000), "2026-11-25 09:15 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(-1000), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn debug_never_shows_reply_text() {
        let shown = format!("{:?}", reply("c1", "r1", "my address is"));
        assert!(!shown.contains("address"), "{shown}");
    }
}
