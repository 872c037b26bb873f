//! Wire types: the versioned JSON frames exchanged over the customer and operator WebSockets.
//!
//! Every frame is a JSON object with a `"type"` tag. Customers and operators speak different
//! frame sets, so a customer can never send an operator frame by accident or on purpose.
//! `docs/protocol.md` describes the conversation flow.

use serde::{Deserialize, Serialize};

// `CustomerFrame::to_json` and `CustomerEvent::from_json`: the pane's codec without serde.
mod codec;

/// The protocol version this build speaks; sent in `hello` and `welcome`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Milliseconds since the Unix epoch, as set by the relay's clock.
pub type Millis = i64;

/// Who wrote an entry of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Operator,
    /// Notices from the relay itself (consent recorded, conversation closed).
    System,
}

/// The shop's privacy statement as the customer must accept it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The shop's own version label, for example `"2026-11"`.
    pub version: String,
    /// The statement text shown in the gate.
    pub text: String,
    /// A link to the full statement on the shop's site, when the shop has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// SHA-256 of `text`, hex; recorded with the consent so the shop can prove which words
    /// were accepted.
    pub hash: String,
}

/// The record that a customer accepted a statement version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub statement_version: String,
    pub statement_hash: String,
    pub accepted_at: Millis,
    pub widget_version: String,
}

/// The operator profile shown on the customer's operator card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorProfile {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

/// One stored entry of a conversation, as both sides see it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the conversation, from 1, without gaps.
    pub seq: u64,
    pub author: Author,
    pub text: String,
    pub at: Millis,
    /// The sender's own id for the message, echoed so it can match its pending copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// A picture the customer sent (then `text` is empty), stored by the relay after its
    /// own upload check. Absent for plain messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// What the relay masked in this entry by the shop's policy: the categories, never the
    /// values (those are gone). Empty, and then absent from the JSON, for most entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<crate::Category>,
}

/// A stored picture attached to an entry; its bytes are served at
/// `GET /api/attachments/<id>` to the conversation's customer and to operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Random id of the stored file (never the customer's file name).
    pub id: String,
    /// MIME type of the cleaned picture (`image/png`, `image/jpeg`, `image/gif`, `image/webp`).
    pub mime: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the stored (cleaned) file in bytes.
    pub size: u64,
}

impl std::fmt::Debug for Entry {
    // Message text is personal data: never print it, only its length.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("seq", &self.seq)
            .field("author", &self.author)
            .field("text_len", &self.text.len())
            .field("at", &self.at)
            .field("client_id", &self.client_id)
            .field("attachment", &self.attachment)
            .field("masked", &self.masked)
            .finish()
    }
}

/// A frame the customer's pane sends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerFrame {
    /// First frame on every connection. `resume` continues an earlier conversation.
    Hello {
        v: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<Resume>,
    },
    /// The customer pressed Accept on the privacy gate.
    Consent {
        statement_version: String,
        statement_hash: String,
        widget_version: String,
    },
    /// A message to the shop. `client_id` makes re-sending idempotent.
    Message { client_id: String, text: String },
    /// The customer started or stopped typing.
    Typing { active: bool },
    /// The customer has seen everything up to `seq`.
    Read { seq: u64 },
}

impl std::fmt::Debug for CustomerFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Message { client_id, text } => f
                .debug_struct("Message")
                .field("client_id", client_id)
                .field("text_len", &text.len())
                .finish(),
            Self::Hello { v, resume } => f
                .debug_struct("Hello")
                .field("v", v)
                .field("resume", &resume.as_ref().map(|r| r.last_seq))
                .finish(),
            Self::Consent {
                statement_version, ..
            } => f
                .debug_struct("Consent")
                .field("statement_version", statement_version)
                .finish(),
            Self::Typing { active } => f.debug_struct("Typing").field("active", active).finish(),
            Self::Read { seq } => f.debug_struct("Read").field("seq", seq).finish(),
        }
    }
}

/// What a reconnecting customer presents to continue its conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    pub conversation: String,
    /// The conversation's secret, handed out in `welcome`.
    pub token: String,
    /// The last `seq` the pane has; the relay replays everything after it.
    pub last_seq: u64,
}

/// A frame the relay sends to a customer's pane.
// `welcome` is the large one and is sent once per connection; boxing it would only make
// every match on it clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerEvent {
    /// Answer to `hello`.
    Welcome {
        v: u32,
        conversation: String,
        token: String,
        statement: Statement,
        /// Present when the current statement version was already accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consent: Option<ConsentRecord>,
        operator: OperatorProfile,
        /// The shop's policy, which the relay enforces: the pane warns by the same rules.
        #[serde(default)]
        policy: crate::Policy,
        /// Values never reported as personal data: the shop's own public contacts.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        allow: Vec<String>,
    },
    /// The consent was recorded; chatting may start.
    ConsentRecorded { consent: ConsentRecord },
    /// A new or replayed entry of the conversation.
    Entry { entry: Entry },
    /// The customer's message `client_id` was stored as `seq`.
    Ack { client_id: String, seq: u64 },
    /// The customer's message was not accepted; `reason` is shown to the customer.
    Refused { client_id: String, reason: String },
    /// The operator started or stopped typing.
    Typing { active: bool },
    /// The operator has read everything up to `seq`.
    Read { seq: u64 },
    /// Something went wrong; `message` is meant for the customer.
    Error { code: ErrorCode, message: String },
    /// The conversation was closed, by the shop's operator (`by: operator`). The customer
    /// may still write: a new message reopens it.
    Closed { by: Author },
    /// The conversation was deleted (at the customer's request or by an operator): its
    /// entries and pictures are gone. The pane forgets its session (conversation and token)
    /// and tells the customer; the relay closes the connection after this frame.
    Deleted,
}

/// Machine-readable error kinds carried by `error` frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame was not valid JSON or not a frame this side may send.
    BadFrame,
    /// The client speaks a protocol version the relay does not.
    UnsupportedVersion,
    /// Chatting before the privacy statement was accepted.
    ConsentRequired,
    /// The conversation or its token is unknown.
    UnknownConversation,
    /// Too many frames, or a frame too large.
    Limited,
    /// The relay failed; the client may retry.
    Internal,
}

/// A frame an operator's console sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OperatorFrame {
    /// Answer a customer.
    Reply {
        conversation: String,
        client_id: String,
        text: String,
    },
    /// Ask for a conversation's entries after `after_seq`.
    Open {
        conversation: String,
        after_seq: u64,
    },
    Typing {
        conversation: String,
        active: bool,
    },
    Read {
        conversation: String,
        seq: u64,
    },
    /// Close a conversation: the customer is told, the console lists it as closed. The
    /// customer's next message reopens it.
    Close {
        conversation: String,
    },
}

/// A conversation as listed in the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: String,
    pub shop: String,
    pub started_at: Millis,
    pub last_seq: u64,
    pub unread: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentRecord>,
    /// An operator closed the conversation and the customer has not written since.
    #[serde(default)]
    pub closed: bool,
    /// The policy of the conversation's shop, so the console can nudge an operator who asks
    /// for data it blocks or masks. Sent in the `conversations` list; `None` in updates
    /// means "as before".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::Policy>,
}

/// A frame the relay sends to an operator's console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OperatorEvent {
    /// Sent on connect: the open conversations.
    Conversations {
        conversations: Vec<ConversationSummary>,
    },
    /// A conversation started or changed (new consent, new unread count).
    Conversation {
        conversation: ConversationSummary,
    },
    /// A new or requested entry.
    Entry {
        conversation: String,
        entry: Entry,
    },
    Ack {
        conversation: String,
        client_id: String,
        seq: u64,
    },
    Typing {
        conversation: String,
        active: bool,
    },
    Read {
        conversation: String,
        seq: u64,
    },
    Error {
        code: ErrorCode,
        message: String,
    },
    /// The conversation was deleted; consoles drop it from their list.
    Removed {
        conversation: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_tagged_snake_case_json() {
        let frame = CustomerFrame::Message {
            client_id: "c1".into(),
            text: "hello".into(),
        };
        let json = serde_json::to_string(&frame).unwrap();
        assert_eq!(
            json,
            r#"{"type":"message","client_id":"c1","text":"hello"}"#
        );
        let back: CustomerFrame = serde_json::from_str(&json).unwrap();
        assert_eq!(back, frame);
    }

    #[test]
    fn debug_never_shows_message_text() {
        let frame = CustomerFrame::Message {
            client_id: "c1".into(),
            text: "4111 1111".into(),
        };
        let shown = format!("{frame:?}");
        assert!(!shown.contains("4111"), "{shown}");
        assert!(shown.contains("text_len: 9"), "{shown}");
        let entry = Entry {
            seq: 1,
            author: Author::Customer,
            text: "secret".into(),
            at: 0,
            client_id: None,
            attachment: None,
            masked: Vec::new(),
        };
        assert!(!format!("{entry:?}").contains("secret"));
    }

    #[test]
    fn close_delete_and_remove_frames_round_trip() {
        let close = OperatorFrame::Close {
            conversation: "k1".into(),
        };
        let json = serde_json::to_string(&close).unwrap();
        assert_eq!(json, r#"{"type":"close","conversation":"k1"}"#);
        assert_eq!(serde_json::from_str::<OperatorFrame>(&json).unwrap(), close);

        let closed = CustomerEvent::Closed {
            by: Author::Operator,
        };
        let json = serde_json::to_string(&closed).unwrap();
        assert_eq!(json, r#"{"type":"closed","by":"operator"}"#);
        assert_eq!(
            serde_json::from_str::<CustomerEvent>(&json).unwrap(),
            closed
        );

        let json = serde_json::to_string(&CustomerEvent::Deleted).unwrap();
        assert_eq!(json, r#"{"type":"deleted"}"#);
        assert_eq!(
            serde_json::from_str::<CustomerEvent>(&json).unwrap(),
            CustomerEvent::Deleted
        );

        let removed = OperatorEvent::Removed {
            conversation: "k1".into(),
        };
        let json = serde_json::to_string(&removed).unwrap();
        assert_eq!(json, r#"{"type":"removed","conversation":"k1"}"#);
        assert_eq!(
            serde_json::from_str::<OperatorEvent>(&json).unwrap(),
            removed
        );
    }

    #[test]
    fn summaries_without_closed_read_as_open() {
        let json = r#"{"id":"k1","shop":"default","started_at":5,"last_seq":2,"unread":1}"#;
        let summary: ConversationSummary = serde_json::from_str(json).unwrap();
        assert!(!summary.closed);
        let closed = ConversationSummary {
            closed: true,
            ..summary
        };
        let json = serde_json::to_string(&closed).unwrap();
        assert!(json.contains(r#""closed":true"#), "{json}");
        assert_eq!(
            serde_json::from_str::<ConversationSummary>(&json).unwrap(),
            closed
        );
    }

    #[test]
    fn masked_categories_travel_by_name_and_are_absent_when_empty() {
        let mut entry = Entry {
            seq: 3,
            author: Author::Customer,
            text: "My PESEL is ●●●●●●●●●●●".into(),
            at: 7,
            client_id: None,
            attachment: None,
            masked: Vec::new(),
        };
        let json = serde_json::to_string(&entry).unwrap();
        assert!(!json.contains("masked"), "{json}");
        entry.masked = vec![crate::Category::Email, crate::Category::NationalId];
        let json = serde_json::to_string(&entry).unwrap();
        assert!(
            json.contains(r#""masked":["EMAIL","NATIONAL_ID"]"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), entry);
    }

    #[test]
    fn hello_without_resume_omits_it() {
        let json = serde_json::to_string(&CustomerFrame::Hello { v: 1, resume: None }).unwrap();
        assert_eq!(json, r#"{"type":"hello","v":1}"#);
    }
}
