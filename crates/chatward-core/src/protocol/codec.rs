//! The pane's side of the wire without serde: [`CustomerFrame::to_json`] writes exactly what
//! `serde_json::to_string` writes, [`CustomerEvent::from_json`] accepts exactly the frames
//! `serde_json::from_str` accepts and reads them the same. The tests below hold both to
//! serde, so the derives above stay the definition of the format (one leniency of serde's
//! is not copied: a frame or struct written as an array of its fields, which the relay
//! never writes, is refused). Every struct is built
//! and taken apart field by field (no `..`), so a new field does not compile until it is
//! handled here too.

use super::{
    Attachment, Author, ConsentRecord, CustomerEvent, CustomerFrame, Entry, ErrorCode,
    OperatorProfile, Resume, Statement,
};
use crate::json::{Malformed, Value, write_str};
use crate::{Category, Policy};

impl CustomerFrame {
    /// The frame as compact JSON, byte for byte as `serde_json::to_string` writes it.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"type\":");
        match self {
            CustomerFrame::Hello { v, resume } => {
                write_str(&mut out, "hello");
                number(&mut out, "v", u64::from(*v));
                if let Some(Resume {
                    conversation,
                    token,
                    last_seq,
                }) = resume
                {
                    out.push_str(",\"resume\":{");
                    key(&mut out, "conversation", true);
                    write_str(&mut out, conversation);
                    text(&mut out, "token", token);
                    number(&mut out, "last_seq", *last_seq);
                    out.push('}');
                }
            }
            CustomerFrame::Consent {
                statement_version,
                statement_hash,
                widget_version,
            } => {
                write_str(&mut out, "consent");
                text(&mut out, "statement_version", statement_version);
                text(&mut out, "statement_hash", statement_hash);
                text(&mut out, "widget_version", widget_version);
            }
            CustomerFrame::Message {
                client_id,
                text: body,
            } => {
                write_str(&mut out, "message");
                text(&mut out, "client_id", client_id);
                text(&mut out, "text", body);
            }
            CustomerFrame::Typing { active } => {
                write_str(&mut out, "typing");
                key(&mut out, "active", false);
                out.push_str(if *active { "true" } else { "false" });
            }
            CustomerFrame::Read { seq } => {
                write_str(&mut out, "read");
                number(&mut out, "seq", *seq);
            }
        }
        out.push('}');
        out
    }
}

/// `,"name":` (without the comma for the first member of an object).
fn key(out: &mut String, name: &str, first: bool) {
    if !first {
        out.push(',');
    }
    write_str(out, name);
    out.push(':');
}

fn text(out: &mut String, name: &str, value: &str) {
    key(out, name, false);
    write_str(out, value);
}

fn number(out: &mut String, name: &str, value: u64) {
    key(out, name, false);
    out.push_str(&value.to_string());
}

impl CustomerEvent {
    /// Reads a frame from the relay; `None` for anything `serde_json::from_str` would refuse
    /// (not JSON, an unknown `type`, a missing or mistyped field), so the pane skips it.
    pub fn from_json(text: &str) -> Option<CustomerEvent> {
        event(&Value::parse(text)?).ok()
    }
}

type Read<T> = Result<T, Malformed>;

fn event(frame: &Value) -> Read<CustomerEvent> {
    let tag = required(frame, "type")?.as_str().ok_or(Malformed)?;
    Ok(match tag {
        "welcome" => CustomerEvent::Welcome {
            v: u32_field(frame, "v")?,
            conversation: string_field(frame, "conversation")?,
            token: string_field(frame, "token")?,
            statement: statement(required(frame, "statement")?)?,
            consent: optional(frame, "consent", consent)?,
            operator: operator(required(frame, "operator")?)?,
            policy: defaulted(frame, "policy", policy)?,
            allow: defaulted(frame, "allow", |v| list(v, string))?,
        },
        "consent_recorded" => CustomerEvent::ConsentRecorded {
            consent: consent(required(frame, "consent")?)?,
        },
        "entry" => CustomerEvent::Entry {
            entry: entry(required(frame, "entry")?)?,
        },
        "ack" => CustomerEvent::Ack {
            client_id: string_field(frame, "client_id")?,
            seq: u64_field(frame, "seq")?,
        },
        "refused" => CustomerEvent::Refused {
            client_id: string_field(frame, "client_id")?,
            reason: string_field(frame, "reason")?,
        },
        "typing" => CustomerEvent::Typing {
            active: required(frame, "active")?.as_bool().ok_or(Malformed)?,
        },
        "read" => CustomerEvent::Read {
            seq: u64_field(frame, "seq")?,
        },
        "error" => CustomerEvent::Error {
            code: error_code(required(frame, "code")?)?,
            message: string_field(frame, "message")?,
        },
        "closed" => CustomerEvent::Closed {
            by: author(required(frame, "by")?)?,
        },
        "deleted" => CustomerEvent::Deleted,
        _ => return Err(Malformed),
    })
}

fn statement(value: &Value) -> Read<Statement> {
    Ok(Statement {
        version: string_field(value, "version")?,
        text: string_field(value, "text")?,
        url: optional(value, "url", string)?,
        hash: string_field(value, "hash")?,
    })
}

fn consent(value: &Value) -> Read<ConsentRecord> {
    Ok(ConsentRecord {
        statement_version: string_field(value, "statement_version")?,
        statement_hash: string_field(value, "statement_hash")?,
        accepted_at: required(value, "accepted_at")?.as_i64().ok_or(Malformed)?,
        widget_version: string_field(value, "widget_version")?,
    })
}

fn operator(value: &Value) -> Read<OperatorProfile> {
    Ok(OperatorProfile {
        name: string_field(value, "name")?,
        email: optional(value, "email", string)?,
        photo: optional(value, "photo", string)?,
    })
}

fn entry(value: &Value) -> Read<Entry> {
    Ok(Entry {
        seq: u64_field(value, "seq")?,
        author: author(required(value, "author")?)?,
        text: string_field(value, "text")?,
        at: required(value, "at")?.as_i64().ok_or(Malformed)?,
        client_id: optional(value, "client_id", string)?,
        attachment: optional(value, "attachment", attachment)?,
        masked: defaulted(value, "masked", |v| {
            list(v, |c| {
                Category::from_name(c.as_str().ok_or(Malformed)?).ok_or(Malformed)
            })
        })?,
    })
}

fn attachment(value: &Value) -> Read<Attachment> {
    Ok(Attachment {
        id: string_field(value, "id")?,
        mime: string_field(value, "mime")?,
        width: u32_field(value, "width")?,
        height: u32_field(value, "height")?,
        size: u64_field(value, "size")?,
    })
}

/// `{"CREDIT_CARD": "block", ...}` as `Policy`'s own `Deserialize` reads it: every value a
/// string, then into a map sorted by key (a repeated key keeps its last value), then the
/// overrides in key order. A sorted `Vec` rather than a `BTreeMap`, which would be the only
/// one in the pane (14 KB).
fn policy(value: &Value) -> Read<Policy> {
    let members = value.as_object().ok_or(Malformed)?;
    if members.iter().any(|(_, action)| action.as_str().is_none()) {
        return Err(Malformed);
    }
    let map = value.map_entries().ok_or(Malformed)?;
    let overrides = map
        .into_iter()
        .filter_map(|(name, action)| Some((name, action.as_str()?)));
    Policy::with_overrides(overrides).map_err(|_| Malformed)
}

fn author(value: &Value) -> Read<Author> {
    Ok(match value.as_str().ok_or(Malformed)? {
        "customer" => Author::Customer,
        "operator" => Author::Operator,
        "system" => Author::System,
        _ => return Err(Malformed),
    })
}

fn error_code(value: &Value) -> Read<ErrorCode> {
    Ok(match value.as_str().ok_or(Malformed)? {
        "bad_frame" => ErrorCode::BadFrame,
        "unsupported_version" => ErrorCode::UnsupportedVersion,
        "consent_required" => ErrorCode::ConsentRequired,
        "unknown_conversation" => ErrorCode::UnknownConversation,
        "limited" => ErrorCode::Limited,
        "internal" => ErrorCode::Internal,
        _ => return Err(Malformed),
    })
}

/// A field that must be there (`null` is a value here, refused by every reader but
/// [`optional`]'s).
fn required<'a>(object: &'a Value, name: &str) -> Read<&'a Value> {
    object.field(name)?.ok_or(Malformed)
}

/// An `Option` field: absent or `null` is `None`.
fn optional<T>(object: &Value, name: &str, read: impl Fn(&Value) -> Read<T>) -> Read<Option<T>> {
    match object.field(name)? {
        None | Some(Value::Null) => Ok(None),
        Some(value) => read(value).map(Some),
    }
}

/// A `#[serde(default)]` field: absent is the default, present must be valid.
fn defaulted<T: Default>(object: &Value, name: &str, read: impl Fn(&Value) -> Read<T>) -> Read<T> {
    object.field(name)?.map_or_else(|| Ok(T::default()), read)
}

fn list<T>(value: &Value, read: impl Fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    match value {
        Value::Array(items) => items.iter().map(read).collect(),
        _ => Err(Malformed),
    }
}

fn string(value: &Value) -> Read<String> {
    value.as_str().map(str::to_owned).ok_or(Malformed)
}

fn string_field(object: &Value, name: &str) -> Read<String> {
    string(required(object, name)?)
}

fn u64_field(object: &Value, name: &str) -> Read<u64> {
    required(object, name)?.as_u64().ok_or(Malformed)
}

fn u32_field(object: &Value, name: &str) -> Read<u32> {
    u32::try_from(u64_field(object, name)?).map_err(|_| Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames() -> Vec<CustomerFrame> {
        let awkward = "quote \" backslash \\ tab \t nl \n nul \u{0} del \u{7f} é 😀 </script>";
        vec![
            CustomerFrame::Hello { v: 1, resume: None },
            CustomerFrame::Hello {
                v: u32::MAX,
                resume: Some(Resume {
                    conversation: "k1".into(),
                    token: awkward.into(),
                    last_seq: u64::MAX,
                }),
            },
            CustomerFrame::Consent {
                statement_version: "2026-11".into(),
                statement_hash: "ab12".into(),
                widget_version: awkward.into(),
            },
            CustomerFrame::Message {
                client_id: "c1".into(),
                text: awkward.into(),
            },
            CustomerFrame::Message {
                client_id: String::new(),
                text: String::new(),
            },
            CustomerFrame::Typing { active: true },
            CustomerFrame::Typing { active: false },
            CustomerFrame::Read { seq: 0 },
        ]
    }

    fn events() -> Vec<CustomerEvent> {
        let mut policy = Policy::default();
        policy.set(Category::Email, crate::Action::Block);
        let consent = ConsentRecord {
            statement_version: "2026-11".into(),
            statement_hash: "ab12".into(),
            accepted_at: -5,
            widget_version: "0.1.0".into(),
        };
        vec![
            CustomerEvent::Welcome {
                v: 1,
                conversation: "k1".into(),
                token: "t".into(),
                statement: Statement {
                    version: "2026-11".into(),
                    text: "We keep \"chats\" 30 days.\nÉté 😀".into(),
                    url: Some("https://shop.example/privacy".into()),
                    hash: "ab12".into(),
                },
                consent: Some(consent.clone()),
                operator: OperatorProfile {
                    name: "Ana".into(),
                    email: Some("ana@shop.example".into()),
                    photo: None,
                },
                policy,
                allow: vec!["help@shop.example".into()],
            },
            CustomerEvent::Welcome {
                v: 1,
                conversation: "k1".into(),
                token: "t".into(),
                statement: Statement {
                    version: String::new(),
                    text: String::new(),
                    url: None,
                    hash: String::new(),
                },
                consent: None,
                operator: OperatorProfile::default(),
                policy: Policy::default(),
                allow: Vec::new(),
            },
            CustomerEvent::ConsentRecorded { consent },
            CustomerEvent::Entry {
                entry: Entry {
                    seq: 1,
                    author: Author::Customer,
                    text: "hi".into(),
                    at: 1_700_000_000_000,
                    client_id: Some("c1".into()),
                    attachment: None,
                    masked: vec![Category::Email, Category::NationalId],
                },
            },
            CustomerEvent::Entry {
                entry: Entry {
                    seq: u64::MAX,
                    author: Author::System,
                    text: String::new(),
                    at: i64::MIN,
                    client_id: None,
                    attachment: Some(Attachment {
                        id: "a1".into(),
                        mime: "image/png".into(),
                        width: u32::MAX,
                        height: 0,
                        size: 12,
                    }),
                    masked: Vec::new(),
                },
            },
            CustomerEvent::Ack {
                client_id: "c1".into(),
                seq: 2,
            },
            CustomerEvent::Refused {
                client_id: "c1".into(),
                reason: "blocked".into(),
            },
            CustomerEvent::Typing { active: true },
            CustomerEvent::Read { seq: 3 },
            CustomerEvent::Error {
                code: ErrorCode::UnknownConversation,
                message: "gone".into(),
            },
            CustomerEvent::Closed {
                by: Author::Operator,
            },
            CustomerEvent::Deleted,
        ]
    }

    /// Our reading and serde's of the same text: both refuse it, or both give one frame.
    fn same_reading(text: &str) {
        let theirs = serde_json::from_str::<CustomerEvent>(text).ok();
        assert_eq!(CustomerEvent::from_json(text), theirs, "{text}");
    }

    #[test]
    fn frames_are_written_byte_for_byte_as_serde_json_writes_them() {
        for frame in frames() {
            assert_eq!(frame.to_json(), serde_json::to_string(&frame).unwrap());
        }
    }

    #[test]
    fn every_event_serde_writes_is_read_back() {
        for event in events() {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(
                CustomerEvent::from_json(&json).as_ref(),
                Some(&event),
                "{json}"
            );
            let pretty = serde_json::to_string_pretty(&event).unwrap();
            same_reading(&pretty);
        }
    }

    #[test]
    fn odd_frames_are_read_or_refused_as_serde_reads_them() {
        let cases = [
            "",
            "null",
            "[]",
            r#"{"type":"deleted"}"#,
            r#"{"type":"deleted","extra":[1,{"a":null}]}"#,
            r#"{"type":"nope"}"#,
            r#"{"type":3}"#,
            r#"{"type":"ack","type":"ack","client_id":"c","seq":1}"#,
            r#"{"type":"ack","client_id":"c","seq":1,"seq":2}"#,
            r#"{"type":"ack","client_id":"c","seq":1,"unknown":true}"#,
            r#"{"type":"ack","client_id":"c","seq":1.0}"#,
            r#"{"type":"ack","client_id":"c","seq":1e0}"#,
            r#"{"type":"ack","client_id":"c","seq":-1}"#,
            r#"{"type":"ack","client_id":"c","seq":-0}"#,
            r#"{"type":"ack","client_id":"c","seq":18446744073709551616}"#,
            r#"{"type":"ack","client_id":null,"seq":1}"#,
            r#"{"type":"ack","seq":1}"#,
            r#"{"seq":1,"client_id":"c","type":"ack"}"#,
            r#"{"type":"ack","client_id":"c","seq":1} x"#,
            r#"{"type":"typing","active":1}"#,
            r#"{"type":"typing","active":false}"#,
            r#"{"type":"closed","by":"Operator"}"#,
            r#"{"type":"closed","by":"system"}"#,
            r#"{"type":"error","code":"limited","message":"slow down"}"#,
            r#"{"type":"error","code":"other","message":"x"}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"operator","text":"hi","at":-0}}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"operator","text":"hi","at":-3}}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"operator","text":"hi","at":5,"client_id":null,"attachment":null}}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"operator","text":"hi","at":5,"masked":null}}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"operator","text":"hi","at":5,"masked":["EMAIL","email"]}}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"operator","text":"hi","at":5,"masked":["AGE"]}}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"customer","text":"","at":5,"attachment":{"id":"a","mime":"image/gif","width":4294967296,"height":1,"size":2}}}"#,
            r#"{"type":"entry","entry":{"seq":1,"author":"customer","text":"","at":5,"attachment":{"id":"a","mime":"image/gif","width":4294967295,"height":1,"size":2}}}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"}}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h","url":null},"operator":{"name":"A","email":null},"consent":null,"policy":{},"allow":[]}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"},"policy":{"credit-card":"allow","CREDIT_CARD":"warn"}}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"},"policy":{"EMAIL":"block","EMAIL":"warn"}}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"},"policy":{"EMAIL":"never"}}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"},"policy":{"SHOE_SIZE":"warn"}}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"},"policy":null}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"},"allow":["a",2]}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x"},"operator":{"name":"A"}}"#,
            r#"{"type":"welcome","v":1,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"}}"#,
            r#"{"type":"welcome","v":4294967296,"conversation":"k","token":"t","statement":{"version":"1","text":"x","hash":"h"},"operator":{"name":"A"}}"#,
            r#"{"type":"consent_recorded","consent":{"statement_version":"1","statement_hash":"h","accepted_at":9223372036854775807,"widget_version":"w"}}"#,
            r#"{"type":"consent_recorded","consent":{"statement_version":"1","statement_hash":"h","accepted_at":9223372036854775808,"widget_version":"w"}}"#,
        ];
        for case in cases {
            same_reading(case);
        }
    }

    /// serde also reads a frame or a struct written as a JSON array of its fields. The relay
    /// never writes one, and the pane refuses it: the only place the two readers differ.
    #[test]
    fn frames_as_arrays_are_the_one_leniency_not_copied() {
        for case in [
            r#"["ack","c1",2]"#,
            r#"{"type":"entry","entry":[1,"operator","hi",5,null,null,[]]}"#,
        ] {
            assert!(
                serde_json::from_str::<CustomerEvent>(case).is_ok(),
                "{case}"
            );
            assert_eq!(CustomerEvent::from_json(case), None, "{case}");
        }
    }
}
