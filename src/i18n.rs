//! The pane's words in the customer's language. English is compiled in; every other language
//! is a JSON file (`i18n/<lang>.json` next to the pane) fetched only when it is needed. A
//! missing key falls back to English, so a partial translation never shows a blank.

use std::rc::Rc;

use chatward_core::RefusalReason;
use chatward_core::json::Value;

/// The languages shipped with the pane (besides English, compiled in).
pub const LANGUAGES: [&str; 8] = ["en", "de", "fr", "es", "it", "nl", "pl", "lt"];

/// English, the fallback for every key.
const ENGLISH: &[(&str, &str)] = &[
    ("connecting", "Connecting…"),
    ("gate.title", "Before we chat"),
    ("gate.version", "Statement version {version}"),
    ("gate.full", "Read the full privacy statement"),
    ("gate.accept", "Accept"),
    ("gate.decline", "Decline"),
    (
        "declined.body",
        "No problem: nothing was sent and the chat stays closed.",
    ),
    ("declined.email", "You can also write to us at {email}."),
    ("close", "Close chat"),
    ("conversation", "Conversation"),
    ("message", "Message"),
    ("placeholder", "Write a message…"),
    ("send", "Send"),
    ("sending", "sending…"),
    ("delivered", "delivered"),
    ("read", "read"),
    ("not_sent", "Not sent: {reason}"),
    ("typing", "{name} is typing…"),
    ("the_shop", "The shop"),
    ("social", "Find us on"),
    ("privacy", "Privacy check"),
    ("attach", "Attach a picture"),
    ("upload.list", "Pictures"),
    ("upload.picture", "Picture {name}"),
    ("upload.checking", "Checking {name}…"),
    ("upload.sending", "Sending the picture…"),
    ("upload.sent", "Picture sent."),
    ("upload.in_chat", "Picture"),
    ("upload.refused", "{name} was not sent."),
    (
        "upload.failed",
        "It could not be sent. Please check your connection and try again.",
    ),
    (
        "upload.unchecked",
        "It could not be checked, so nothing of it was sent. Please check your connection and try again.",
    ),
    ("upload.dismiss", "Dismiss the note about {name}"),
    ("upload.removed_location", "Its location was removed."),
    ("upload.removed_details", "Camera details were removed."),
    ("upload.removed_hidden", "Hidden data was removed."),
    ("will_send", "Will be sent as:"),
    ("confirm", "Send it anyway"),
    (
        "action.warn",
        "Please make sure you want to share it with the shop.",
    ),
    (
        "action.mask",
        "It will be hidden before your message is sent.",
    ),
    (
        "action.block",
        "The shop never needs it in chat, so this message can't be sent. Please remove it.",
    ),
    ("found.EMAIL", "This looks like an e-mail address."),
    ("found.PHONE", "This looks like a phone number."),
    ("found.CREDIT_CARD", "This looks like a card number."),
    ("found.CARD_CVV", "This looks like a card security code."),
    ("found.CARD_EXPIRY", "This looks like a card expiry date."),
    (
        "found.IBAN",
        "This looks like a bank account number (IBAN).",
    ),
    ("found.US_SSN", "This looks like a Social Security number."),
    (
        "found.NATIONAL_ID",
        "This looks like a national ID or tax number.",
    ),
    ("found.PASSPORT", "This looks like a passport number."),
    ("found.IP_ADDRESS", "This looks like an IP address."),
    ("found.DATE_OF_BIRTH", "This looks like a date of birth."),
    ("found.STREET_ADDRESS", "This looks like a home address."),
    ("found.PASSWORD", "This looks like a password."),
    ("found.PERSON_NAME", "This looks like your name."),
    ("found.AGE", "This looks like your age."),
    (
        "link.lost",
        "Connection lost. Reconnecting… Your messages are kept and will be sent.",
    ),
    ("tools", "This chat"),
    ("transcript", "Transcript"),
    ("transcript.html", "Download as a web page (HTML)"),
    ("transcript.text", "Download as plain text"),
    ("delete", "Delete this chat"),
    (
        "delete.confirm",
        "Delete this chat with its messages and pictures for good? Only the record that you accepted the privacy statement is kept.",
    ),
    ("delete.yes", "Delete for good"),
    ("delete.no", "Keep the chat"),
    ("delete.deleting", "Deleting…"),
    (
        "delete.failed",
        "The chat could not be deleted. Please check your connection and try again.",
    ),
    (
        "deleted",
        "Your chat was deleted: its messages and pictures are gone, and this window has forgotten it. Only the record that you accepted the privacy statement is kept. Thank you for writing to us.",
    ),
    (
        "closed",
        "The shop closed this chat. You can still write: a new message opens it again.",
    ),
    ("refusal.empty", "This file is empty."),
    (
        "refusal.too-large",
        "This file is larger than this shop accepts.",
    ),
    (
        "refusal.executable",
        "This file is a program, not a picture.",
    ),
    ("refusal.script", "This file is a script, not a picture."),
    ("refusal.html", "This file is a web page, not a picture."),
    (
        "refusal.svg",
        "This file is an SVG drawing, which we cannot show safely.",
    ),
    (
        "refusal.document",
        "This file is a document, not a picture.",
    ),
    ("refusal.archive", "This file is an archive, not a picture."),
    ("refusal.font", "This file is a font, not a picture."),
    (
        "refusal.media",
        "This file is sound or video, not a picture.",
    ),
    (
        "refusal.text",
        "This file is text, not a picture. You can paste the text into the chat.",
    ),
    (
        "refusal.unsupported-image",
        "This picture's format is not one we can show.",
    ),
    (
        "refusal.truncated",
        "This picture is incomplete; it may not have finished downloading.",
    ),
    (
        "refusal.corrupt",
        "This picture is damaged or only looks like a picture.",
    ),
    (
        "refusal.too-many-pixels",
        "This picture has too many pixels to show safely.",
    ),
    (
        "refusal.hidden-payload",
        "This picture carries hidden content we cannot remove.",
    ),
    ("refusal.unrecognised", "We cannot tell what this file is."),
    (
        "refusal.way_forward",
        "Send a screenshot or photo as PNG or JPEG.",
    ),
];

/// The words of one language, with English behind them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts {
    lang: String,
    /// `(key, words)` sorted by key, each key once. A sorted `Vec` rather than a `HashMap`:
    /// the pane's only map with the standard hasher would bring its own copy of the hashing
    /// code (about 1 KB brotli), and a look-up by binary search is as quick at this size.
    words: Vec<(String, String)>,
}

impl Texts {
    /// English only.
    pub fn english() -> Rc<Self> {
        Rc::new(Self {
            lang: "en".into(),
            words: Vec::new(),
        })
    }

    /// A language from its JSON file (`{"key": "words", ...}`). Values that are not strings
    /// are ignored; an unreadable file gives English.
    pub fn from_json(lang: &str, json: &str) -> Rc<Self> {
        // As a map reads the object: a repeated key keeps its last value (even one that is
        // not a string, which then hides the earlier words).
        let parsed = Value::parse(json);
        let words = parsed
            .as_ref()
            .and_then(Value::map_entries)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(key, value)| Some((key.to_owned(), value.as_str()?.to_owned())))
            .collect();
        Rc::new(Self {
            lang: lang.into(),
            words,
        })
    }

    /// The language code, for the page's `lang` attribute.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The words for `key`; the key itself if even English lacks it, so a mistake is visible.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.words
            .binary_search_by(|(known, _)| known.as_str().cmp(key))
            .ok()
            .map(|at| self.words[at].1.as_str())
            .or_else(|| ENGLISH.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
            .unwrap_or(key)
    }

    /// The words for `key` before and after its `{name}` placeholder (all of them before,
    /// if it has none), for a sentence that shows the value as a link.
    pub fn around<'a>(&'a self, key: &'a str, name: &str) -> (&'a str, &'a str) {
        let sentence = self.get(key);
        let mut from = 0;
        while let Some((open, found)) = next_placeholder(&sentence[from..]) {
            let open = from + open;
            if found == name {
                return (&sentence[..open], &sentence[open + name.len() + 2..]);
            }
            from = open + 1;
        }
        (sentence, "")
    }

    /// The words for `key` with `{name}` placeholders filled in, in one pass: a value that
    /// itself holds braces (a picture named `{reason}.jpg`) is inserted as it is, and an
    /// unknown placeholder stays as written.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut rest = self.get(key);
        let mut text = String::with_capacity(rest.len());
        while let Some((open, name)) = next_placeholder(rest) {
            text.push_str(&rest[..open]);
            match values.iter().find(|(known, _)| *known == name) {
                Some((_, value)) => {
                    text.push_str(value);
                    rest = &rest[open + name.len() + 2..];
                }
                None => {
                    text.push('{');
                    rest = &rest[open + 1..];
                }
            }
        }
        text.push_str(rest);
        text
    }
}

/// The first `{...}` in `text`: where its `{` is, and the name between the braces.
fn next_placeholder(text: &str) -> Option<(usize, &str)> {
    let open = text.find('{')?;
    let (name, _) = text[open + 1..].split_once('}')?;
    Some((open, name))
}

/// Why a file was refused and what to do instead, in the customer's language: the core's
/// reason kind picks the words, so every language explains every kind.
pub fn refusal(texts: &Texts, reason: RefusalReason) -> String {
    // The keys follow the reason's stable code (`refusal.too-large`, ...).
    let key = format!("refusal.{}", reason.as_str());
    format!("{} {}", texts.get(&key), texts.get("refusal.way_forward"))
}

/// The shipped language closest to `requested` (`de-AT` gives `de`), or English.
pub fn supported(requested: &str) -> &'static str {
    let primary = requested.get(..2).unwrap_or("").to_ascii_lowercase();
    LANGUAGES
        .iter()
        .copied()
        .find(|lang| *lang == primary)
        .unwrap_or("en")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn a_repeated_key_keeps_its_last_value_as_a_map_does() {
        let texts = Texts::from_json("de", r#"{"send": "A", "close": "Zu", "send": "B"}"#);
        assert_eq!(texts.get("send"), "B");
        assert_eq!(texts.get("close"), "Zu");
        let hidden = Texts::from_json("de", r#"{"send": "A", "send": 3}"#);
        assert_eq!(hidden.get("send"), "Send");
        assert_eq!(
            Texts::from_json("de", r#"{"a": "1", "b": "2"}"#),
            Texts::from_json("de", r#"{"b": "2", "a": "1"}"#)
        );
        assert_eq!(Texts::from_json("de", "[1]").get("send"), "Send");
    }

    #[test]
    fn a_translation_overrides_english_and_falls_back_for_missing_keys() {
        let texts = Texts::from_json("de", r#"{"send": "Senden", "bogus": 3}"#);
        assert_eq!(texts.get("send"), "Senden");
        assert_eq!(texts.get("gate.accept"), "Accept");
        assert_eq!(texts.get("no.such.key"), "no.such.key");
    }

    #[test]
    fn placeholders_are_filled() {
        let texts = Texts::english();
        assert_eq!(texts.fill("typing", &[("name", "Ada")]), "Ada is typing…");
        // A value is inserted as it is, never filled in again.
        assert_eq!(
            texts.fill("not_sent", &[("reason", "{reason} {x")]),
            "Not sent: {reason} {x"
        );
        let texts = Texts::from_json("de", r#"{"a": "{name} {unknown} {b {name}}"}"#);
        assert_eq!(
            texts.fill("a", &[("name", "N{b}"), ("b", "B")]),
            "N{b} {unknown} {b N{b}}"
        );
        assert_eq!(texts.fill("a", &[]), "{name} {unknown} {b {name}}");
    }

    #[test]
    fn a_placeholder_splits_its_sentence() {
        let texts = Texts::from_json("de", r#"{"a": "Mail {x} or {email}, {email}!", "b": "{e"}"#);
        assert_eq!(texts.around("a", "email"), ("Mail {x} or ", ", {email}!"));
        assert_eq!(
            texts.around("a", "e"),
            ("Mail {x} or {email}, {email}!", "")
        );
        assert_eq!(texts.around("b", "e"), ("{e", ""));
    }

    #[test]
    fn a_broken_file_gives_english() {
        assert_eq!(Texts::from_json("fr", "{not json").get("send"), "Send");
    }

    #[test]
    fn every_refusal_reads_in_english_as_the_core_says_it() {
        let texts = Texts::english();
        for reason in RefusalReason::ALL {
            // The core's English sentence is the reference the translations start from.
            assert_eq!(refusal(&texts, reason), reason.to_string(), "{reason:?}");
        }
    }

    #[test]
    fn every_refusal_is_translated_with_its_way_forward() {
        let json =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/web/i18n/de.json"))
                .expect("de.json");
        let texts = Texts::from_json("de", &json);
        let english = Texts::english();
        for reason in RefusalReason::ALL {
            let german = refusal(&texts, reason);
            assert_ne!(german, refusal(&english, reason), "{reason:?}");
            assert!(german.contains("PNG"), "{reason:?}: {german}");
        }
    }

    #[test]
    fn languages_resolve_to_what_is_shipped() {
        assert_eq!(supported("de-AT"), "de");
        assert_eq!(supported("LT"), "lt");
        assert_eq!(supported("ja"), "en");
        assert_eq!(supported(""), "en");
    }

    #[test]
    fn every_shipped_translation_has_exactly_the_english_keys() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/web/i18n");
        for lang in LANGUAGES.iter().filter(|lang| **lang != "en") {
            let path = format!("{folder}/{lang}.json");
            let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let words: HashMap<String, String> =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{path}: {e}"));
            for (key, english) in ENGLISH {
                let text = words
                    .get(*key)
                    .unwrap_or_else(|| panic!("{lang} lacks {key}"));
                for placeholder in english
                    .split('{')
                    .skip(1)
                    .filter_map(|s| s.split('}').next())
                {
                    assert!(
                        text.contains(&format!("{{{placeholder}}}")),
                        "{lang} {key} lacks {{{placeholder}}}"
                    );
                }
            }
            for key in words.keys() {
                assert!(
                    ENGLISH.iter().any(|(k, _)| k == key),
                    "{lang} has unknown key {key}"
                );
            }
        }
    }
}
