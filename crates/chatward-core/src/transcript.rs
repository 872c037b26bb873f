//! Tamper-evident transcripts: what was said in a conversation, chained entry by entry with
//! SHA-256 so that either side of a dispute can show a changed, removed or reordered entry.
//!
//! The chain starts from the hash of the header (conversation, shop, statement, consents):
//! `header_hash = sha256(canonical header)`, then for each entry
//! `hash = sha256(prev_hash || canonical entry)` with `prev_hash` the raw 32 bytes of the
//! previous hash (the header's for the first entry). Canonical bytes are a domain tag followed
//! by every field, each length-prefixed (u64 big-endian), so no two different entries share
//! them. Hashes travel as lowercase hex.
//!
//! **Limits:** the chain shows that the entries present are the ones sealed, in that order;
//! cutting entries off the end of a copy is only visible against another copy (compare the
//! last hash). Whoever seals can seal anything: the chain proves integrity, not authorship,
//! so an edit to the relay's database before a download is resealed and verifies. What shows
//! it is an earlier copy: [`compare`] checks, by content, that a later download still holds
//! everything an earlier one did (hashes alone differ once the header changed, for example
//! after a new consent). `docs/protocol.md` ("Transcripts") describes the format.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Category;
use crate::protocol::{Attachment, Author, ConsentRecord, Entry, Millis, Statement};

/// The transcript format this build writes and verifies.
pub const TRANSCRIPT_FORMAT: u32 = 1;

const HEADER_TAG: &[u8] = b"chatward-transcript-header-v1";
const ENTRY_TAG: &[u8] = b"chatward-transcript-entry-v1";

/// Who and what a transcript is about; hashed to start the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptHeader {
    /// The conversation's id.
    pub conversation: String,
    /// The shop's id.
    pub shop: String,
    /// When the conversation started (its first consent).
    pub started_at: Millis,
    /// The shop's privacy statement at the time of the download, when the relay knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<Statement>,
    /// Every consent the customer gave, oldest first.
    pub consents: Vec<ConsentRecord>,
}

/// One entry of a transcript with its place in the chain.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptEntry {
    /// Position in the conversation, from 1.
    pub seq: u64,
    /// Who wrote it.
    pub author: Author,
    /// When the relay stored it.
    pub at: Millis,
    /// The text as stored (already masked where the shop's policy masks).
    pub text: String,
    /// The picture's metadata, for picture entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// What the relay masked in the entry by the shop's policy: categories, never values.
    /// Sealed as their names joined by `,` (see the module docs); absent when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<Category>,
    /// `sha256(previous hash || canonical bytes of this entry)`, lowercase hex.
    pub hash: String,
}

impl fmt::Debug for TranscriptEntry {
    // Message text is personal data: never print it, only its length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TranscriptEntry")
            .field("seq", &self.seq)
            .field("author", &self.author)
            .field("at", &self.at)
            .field("text_len", &self.text.len())
            .field("attachment", &self.attachment)
            .field("masked", &self.masked)
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

/// A sealed transcript: header, its hash, and the chained entries. Serialised as the JSON
/// download that `chatward transcript verify` checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// Always [`TRANSCRIPT_FORMAT`] for transcripts this build writes.
    pub format: u32,
    /// Conversation, shop, statement and consents.
    pub header: TranscriptHeader,
    /// `sha256(canonical header)`, lowercase hex: the start of the chain.
    pub header_hash: String,
    /// The entries, oldest first.
    pub entries: Vec<TranscriptEntry>,
}

/// Why a transcript does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriptError {
    /// The file names a format this build does not know.
    UnsupportedFormat(u32),
    /// The header (conversation, statement or consents) does not match its hash.
    Header,
    /// The first entry whose hash does not match: `index` from 0 in the file, `seq` as written.
    Entry {
        /// Position in the `entries` list, from 0.
        index: usize,
        /// The entry's sequence number as the file gives it.
        seq: u64,
    },
}

impl fmt::Display for TranscriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedFormat(format) => {
                write!(f, "unsupported transcript format {format}")
            }
            Self::Header => f.write_str("the header (conversation or consents) was changed"),
            Self::Entry { index, seq } => write!(
                f,
                "entry {} (seq {seq}) does not match the chain: it or an earlier entry was \
                 changed, removed or moved",
                index + 1
            ),
        }
    }
}

impl std::error::Error for TranscriptError {}

impl Transcript {
    /// Seals a conversation's entries (oldest first) into a chained transcript.
    pub fn seal(header: TranscriptHeader, entries: &[Entry]) -> Self {
        let header_hash = header_hash(&header);
        let mut prev = header_hash;
        let entries = entries
            .iter()
            .map(|entry| {
                let mut sealed = TranscriptEntry {
                    seq: entry.seq,
                    author: entry.author,
                    at: entry.at,
                    text: entry.text.clone(),
                    attachment: entry.attachment.clone(),
                    masked: entry.masked.clone(),
                    hash: String::new(),
                };
                prev = entry_hash(&prev, &sealed);
                sealed.hash = hex(&prev);
                sealed
            })
            .collect();
        Self {
            format: TRANSCRIPT_FORMAT,
            header,
            header_hash: hex(&header_hash),
            entries,
        }
    }

    /// The last hash of the chain (the header's when there are no entries): two copies with
    /// the same last hash hold the same conversation.
    pub fn last_hash(&self) -> &str {
        self.entries
            .last()
            .map_or(&self.header_hash, |entry| &entry.hash)
    }
}

/// Recomputes the chain and names the first place it breaks.
pub fn verify(transcript: &Transcript) -> Result<(), TranscriptError> {
    if transcript.format != TRANSCRIPT_FORMAT {
        return Err(TranscriptError::UnsupportedFormat(transcript.format));
    }
    let mut prev = header_hash(&transcript.header);
    if hex(&prev) != transcript.header_hash {
        return Err(TranscriptError::Header);
    }
    for (index, entry) in transcript.entries.iter().enumerate() {
        prev = entry_hash(&prev, entry);
        if hex(&prev) != entry.hash {
            return Err(TranscriptError::Entry {
                index,
                seq: entry.seq,
            });
        }
    }
    Ok(())
}

/// How a later download of a conversation relates to an earlier one, entry by entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Continuity {
    /// The later copy holds every consent and entry of the earlier one unchanged, and
    /// `added` entries more.
    Extends {
        /// Entries in the later copy after the earlier one's last.
        added: usize,
    },
    /// The copies are of different conversations.
    OtherConversation,
    /// A consent of the earlier copy is missing or different in the later one.
    ConsentChanged,
    /// The entry with this `seq` reads differently in the later copy.
    Changed {
        /// The entry's sequence number.
        seq: u64,
    },
    /// The earlier copy's entry with this `seq` is not in the later copy.
    Missing {
        /// The entry's sequence number.
        seq: u64,
    },
}

impl fmt::Display for Continuity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Extends { added } => write!(
                f,
                "holds every entry of the earlier copy unchanged, and {added} more"
            ),
            Self::OtherConversation => f.write_str("the copies are of different conversations"),
            Self::ConsentChanged => {
                f.write_str("a consent of the earlier copy is missing or different")
            }
            Self::Changed { seq } => write!(f, "entry seq {seq} differs from the earlier copy"),
            Self::Missing { seq } => {
                write!(f, "entry seq {seq} of the earlier copy is missing")
            }
        }
    }
}

/// Compares a later download with an earlier one by content, not by hash: hashes differ
/// between downloads whenever the header did (a new consent, a changed statement), but
/// entries and consents only ever grow, so everything in the earlier copy must be in the
/// later one, unchanged and in the same place. Verify both chains first.
pub fn compare(earlier: &Transcript, later: &Transcript) -> Continuity {
    if earlier.header.conversation != later.header.conversation
        || earlier.header.shop != later.header.shop
    {
        return Continuity::OtherConversation;
    }
    if !later.header.consents.starts_with(&earlier.header.consents)
        || earlier.header.started_at != later.header.started_at
    {
        return Continuity::ConsentChanged;
    }
    for (index, old) in earlier.entries.iter().enumerate() {
        let Some(new) = later.entries.get(index) else {
            return Continuity::Missing { seq: old.seq };
        };
        let same = old.seq == new.seq
            && old.author == new.author
            && old.at == new.at
            && old.text == new.text
            && old.attachment == new.attachment
            && old.masked == new.masked;
        if !same {
            // A removed entry shows as the next one in its place: name the earlier seq
            // that is gone when the later copy skips it.
            if new.seq > old.seq {
                return Continuity::Missing { seq: old.seq };
            }
            return Continuity::Changed { seq: old.seq };
        }
    }
    Continuity::Extends {
        added: later.entries.len() - earlier.entries.len(),
    }
}

fn header_hash(header: &TranscriptHeader) -> [u8; 32] {
    let mut bytes = Canonical::new(HEADER_TAG);
    bytes.str(&header.conversation);
    bytes.str(&header.shop);
    bytes.i64(header.started_at);
    match &header.statement {
        None => bytes.flag(false),
        Some(statement) => {
            bytes.flag(true);
            bytes.str(&statement.version);
            bytes.str(&statement.text);
            bytes.optional_str(statement.url.as_deref());
            bytes.str(&statement.hash);
        }
    }
    bytes.u64(header.consents.len() as u64);
    for consent in &header.consents {
        bytes.str(&consent.statement_version);
        bytes.str(&consent.statement_hash);
        bytes.i64(consent.accepted_at);
        bytes.str(&consent.widget_version);
    }
    Sha256::digest(&bytes.0).into()
}

fn entry_hash(prev: &[u8; 32], entry: &TranscriptEntry) -> [u8; 32] {
    let mut bytes = Canonical::new(ENTRY_TAG);
    bytes.u64(entry.seq);
    bytes.str(author_name(entry.author));
    bytes.i64(entry.at);
    bytes.str(&entry.text);
    match &entry.attachment {
        None => bytes.flag(false),
        Some(attachment) => {
            bytes.flag(true);
            bytes.str(&attachment.id);
            bytes.str(&attachment.mime);
            bytes.u64(attachment.width.into());
            bytes.u64(attachment.height.into());
            bytes.u64(attachment.size);
        }
    }
    // Written as an optional string (absent, or the names joined by `,`), the shape this
    // field was sealed in before it held categories, so earlier transcripts still verify.
    if entry.masked.is_empty() {
        bytes.flag(false);
    } else {
        let names: Vec<&str> = entry
            .masked
            .iter()
            .map(|category| category.as_str())
            .collect();
        bytes.flag(true);
        bytes.str(&names.join(","));
    }
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(&bytes.0);
    hasher.finalize().into()
}

/// Unambiguous bytes: a domain tag, then fields with fixed widths or length prefixes.
struct Canonical(Vec<u8>);

impl Canonical {
    fn new(tag: &[u8]) -> Self {
        let mut bytes = Self(Vec::with_capacity(256));
        bytes.bytes(tag);
        bytes
    }
    fn bytes(&mut self, value: &[u8]) {
        self.u64(value.len() as u64);
        self.0.extend_from_slice(value);
    }
    fn str(&mut self, value: &str) {
        self.bytes(value.as_bytes());
    }
    fn optional_str(&mut self, value: Option<&str>) {
        self.flag(value.is_some());
        if let Some(value) = value {
            self.str(value);
        }
    }
    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_be_bytes());
    }
    fn i64(&mut self, value: i64) {
        self.0.extend_from_slice(&value.to_be_bytes());
    }
    fn flag(&mut self, value: bool) {
        self.0.push(u8::from(value));
    }
}

fn author_name(author: Author) -> &'static str {
    match author {
        Author::Customer => "customer",
        Author::Operator => "operator",
        Author::System => "system",
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// `YYYY-MM-DD HH:MM:SS UTC` for milliseconds since the epoch (proleptic Gregorian).
fn utc(millis: Millis) -> String {
    let secs = millis.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// A category in plain words, for people reading a transcript.
fn plain_words(category: Category) -> &'static str {
    match category {
        Category::Email => "e-mail address",
        Category::Phone => "phone number",
        Category::CreditCard => "card number",
        Category::CardCvv => "card security code",
        Category::CardExpiry => "card expiry date",
        Category::Iban => "bank account number (IBAN)",
        Category::UsSsn => "Social Security number",
        Category::NationalId => "national ID or tax number",
        Category::Passport => "passport number",
        Category::IpAddress => "IP address",
        Category::DateOfBirth => "date of birth",
        Category::StreetAddress => "street address",
        Category::Password => "password",
        Category::PersonName => "name",
        Category::Age => "age",
    }
}

/// `e-mail address, national ID or tax number`.
fn masked_words(masked: &[Category]) -> String {
    let words: Vec<&str> = masked
        .iter()
        .map(|category| plain_words(*category))
        .collect();
    words.join(", ")
}

fn attachment_line(attachment: &Attachment) -> String {
    format!(
        "[picture {} {}x{}, {} bytes, id {}]",
        attachment.mime, attachment.width, attachment.height, attachment.size, attachment.id
    )
}

/// The transcript as plain text, one entry per paragraph, ending with the chain's last hash.
pub fn render_text(transcript: &Transcript) -> String {
    let header = &transcript.header;
    let mut out = String::new();
    let _ = writeln!(out, "Chatward transcript");
    let _ = writeln!(out, "Conversation: {}", header.conversation);
    let _ = writeln!(out, "Shop: {}", header.shop);
    let _ = writeln!(out, "Started: {}", utc(header.started_at));
    for consent in &header.consents {
        let _ = writeln!(
            out,
            "Consent: statement {} (sha256 {}) accepted {} with widget {}",
            consent.statement_version,
            consent.statement_hash,
            utc(consent.accepted_at),
            consent.widget_version
        );
    }
    let _ = writeln!(out, "Header hash: {}", transcript.header_hash);
    for entry in &transcript.entries {
        let _ = writeln!(
            out,
            "\n#{} {} {}",
            entry.seq,
            author_name(entry.author),
            utc(entry.at)
        );
        if !entry.text.is_empty() {
            let _ = writeln!(out, "{}", entry.text);
        }
        if let Some(attachment) = &entry.attachment {
            let _ = writeln!(out, "{}", attachment_line(attachment));
        }
        if !entry.masked.is_empty() {
            let _ = writeln!(out, "(masked: {})", masked_words(&entry.masked));
        }
        let _ = writeln!(out, "hash {}", entry.hash);
    }
    let _ = writeln!(out, "\nLast hash: {}", transcript.last_hash());
    out
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;\
padding:0 1rem;color:#222}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\
dt{font-weight:600}.entry{border-left:4px solid #ccc;margin:1rem 0;padding:.3rem .8rem}\
.customer{border-color:#2a6fdb}.operator{border-color:#1f9d55}.system{border-color:#999}\
.meta{font-size:13px;color:#555}.text{white-space:pre-wrap;overflow-wrap:anywhere}\
code{font-size:12px;overflow-wrap:anywhere}";

/// The transcript as a self-contained HTML page: every text escaped, no scripts, no external
/// resources, inline CSS only.
pub fn render_html(transcript: &Transcript) -> String {
    let header = &transcript.header;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Chatward transcript {id}</title><style>{STYLE}</style></head><body>\
         <h1>Chatward transcript</h1><dl><dt>Conversation</dt><dd><code>{id}</code></dd>\
         <dt>Shop</dt><dd>{shop}</dd><dt>Started</dt><dd>{started}</dd>",
        id = escape(&header.conversation),
        shop = escape(&header.shop),
        started = utc(header.started_at),
    );
    for consent in &header.consents {
        let _ = write!(
            out,
            "<dt>Consent</dt><dd>statement {} accepted {} with widget {}<br>\
             <code>sha256 {}</code></dd>",
            escape(&consent.statement_version),
            utc(consent.accepted_at),
            escape(&consent.widget_version),
            escape(&consent.statement_hash),
        );
    }
    let _ = write!(
        out,
        "<dt>Header hash</dt><dd><code>{}</code></dd></dl>",
        escape(&transcript.header_hash)
    );
    for entry in &transcript.entries {
        let author = author_name(entry.author);
        let _ = write!(
            out,
            "<div class=\"entry {author}\"><div class=\"meta\">#{} {author} {}</div>",
            entry.seq,
            utc(entry.at)
        );
        if !entry.text.is_empty() {
            let _ = write!(out, "<div class=\"text\">{}</div>", escape(&entry.text));
        }
        if let Some(attachment) = &entry.attachment {
            let _ = write!(
                out,
                "<div class=\"meta\">{}</div>",
                escape(&attachment_line(attachment))
            );
        }
        if !entry.masked.is_empty() {
            let _ = write!(
                out,
                "<div class=\"meta\">masked: {}</div>",
                escape(&masked_words(&entry.masked))
            );
        }
        let _ = write!(
            out,
            "<div class=\"meta\"><code>{}</code></div></div>",
            escape(&entry.hash)
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">Last hash: <code>{}</code>. Check the JSON download with \
         <code>chatward transcript verify FILE</code>.</p></body></html>",
        escape(transcript.last_hash())
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sample()`'s hashes, computed by an independent (Python) implementation of the
    /// format as the module docs and `docs/protocol.md` describe it.
    const PINNED_HEADER_HASH: &str =
        "6bd6aff876276448b36b58c8583eaeb512c9a1e1618e642963cbbe270ae0e44b";
    const PINNED_LAST_HASH: &str =
        "eda03787c82c414769a616669518c7b12cfee8a36fd6ec2c52e0a49efe8c3600";

    fn sample() -> Transcript {
        let header = TranscriptHeader {
            conversation: "c1".into(),
            shop: "demo".into(),
            started_at: 1_764_000_000_000,
            statement: None,
            consents: vec![ConsentRecord {
                statement_version: "2026-11".into(),
                statement_hash: "ab".repeat(32),
                accepted_at: 1_764_000_000_000,
                widget_version: "0.1.0".into(),
            }],
        };
        let entry = |seq, author, text: &str| Entry {
            seq,
            author,
            text: text.into(),
            at: 1_764_000_000_000 + i64::try_from(seq).unwrap() * 1000,
            client_id: None,
            attachment: None,
            masked: Vec::new(),
        };
        Transcript::seal(
            header,
            &[
                entry(1, Author::Customer, "Where is my parcel?"),
                entry(2, Author::Operator, "It left <today> & arrives soon."),
                entry(3, Author::Customer, "Thanks"),
            ],
        )
    }

    #[test]
    fn a_sealed_transcript_verifies_after_a_json_round_trip() {
        let transcript = sample();
        assert_eq!(verify(&transcript), Ok(()));
        let json = serde_json::to_string(&transcript).unwrap();
        let back: Transcript = serde_json::from_str(&json).unwrap();
        assert_eq!(back, transcript);
        assert_eq!(verify(&back), Ok(()));
    }

    #[test]
    fn a_changed_word_is_named() {
        let mut transcript = sample();
        transcript.entries[1].text = transcript.entries[1].text.replace("soon", "never");
        assert_eq!(
            verify(&transcript),
            Err(TranscriptError::Entry { index: 1, seq: 2 })
        );
    }

    #[test]
    fn a_removed_entry_breaks_the_next_link() {
        let mut transcript = sample();
        transcript.entries.remove(1);
        assert_eq!(
            verify(&transcript),
            Err(TranscriptError::Entry { index: 1, seq: 3 })
        );
    }

    #[test]
    fn reordered_entries_are_detected() {
        let mut transcript = sample();
        transcript.entries.swap(0, 1);
        assert_eq!(
            verify(&transcript),
            Err(TranscriptError::Entry { index: 0, seq: 2 })
        );
    }

    #[test]
    fn a_changed_consent_or_author_is_detected() {
        let mut transcript = sample();
        transcript.header.consents[0].statement_version = "2020-01".into();
        assert_eq!(verify(&transcript), Err(TranscriptError::Header));

        let mut transcript = sample();
        transcript.entries[2].author = Author::Operator;
        assert_eq!(
            verify(&transcript),
            Err(TranscriptError::Entry { index: 2, seq: 3 })
        );

        let mut transcript = sample();
        transcript.format = 2;
        assert_eq!(
            verify(&transcript),
            Err(TranscriptError::UnsupportedFormat(2))
        );
    }

    /// The entries a transcript was sealed from.
    fn entries_of(transcript: &Transcript) -> Vec<Entry> {
        transcript
            .entries
            .iter()
            .map(|sealed| Entry {
                seq: sealed.seq,
                author: sealed.author,
                text: sealed.text.clone(),
                at: sealed.at,
                client_id: None,
                attachment: sealed.attachment.clone(),
                masked: sealed.masked.clone(),
            })
            .collect()
    }

    #[test]
    fn masked_categories_are_sealed_and_shown_in_plain_words() {
        let mut transcript = sample();
        let mut entries = entries_of(&transcript);
        entries[0].text = "My PESEL is ●●●●●●●●●●●".into();
        entries[0].masked = vec![Category::Email, Category::NationalId];
        transcript = Transcript::seal(transcript.header, &entries);
        assert_eq!(verify(&transcript), Ok(()));
        let json = serde_json::to_string(&transcript).unwrap();
        assert!(
            json.contains(r#""masked":["EMAIL","NATIONAL_ID"]"#),
            "{json}"
        );
        assert_eq!(json.matches("masked").count(), 1, "absent when empty");
        let back: Transcript = serde_json::from_str(&json).unwrap();
        assert_eq!(verify(&back), Ok(()));

        let words = "masked: e-mail address, national ID or tax number";
        assert!(render_text(&transcript).contains(&format!("({words})")));
        assert!(render_html(&transcript).contains(words));

        // Dropping the note, or claiming something else was masked, breaks the chain.
        let mut dropped = transcript.clone();
        dropped.entries[0].masked.clear();
        assert_eq!(
            verify(&dropped),
            Err(TranscriptError::Entry { index: 0, seq: 1 })
        );
        let mut other = transcript;
        other.entries[0].masked = vec![Category::Phone];
        assert_eq!(
            verify(&other),
            Err(TranscriptError::Entry { index: 0, seq: 1 })
        );
    }

    #[test]
    fn the_chain_format_is_pinned() {
        // Hashes written by format 1 must keep verifying: a change here needs a new format.
        let transcript = sample();
        assert_eq!(transcript.header_hash, PINNED_HEADER_HASH);
        assert_eq!(transcript.last_hash(), PINNED_LAST_HASH);
    }

    #[test]
    fn a_later_copy_is_compared_with_an_earlier_one_by_content() {
        let earlier = sample();
        assert_eq!(
            compare(&earlier, &earlier),
            Continuity::Extends { added: 0 }
        );

        // A new consent changes every hash, yet the earlier entries are all still there.
        let mut header = earlier.header.clone();
        header.consents.push(ConsentRecord {
            statement_version: "2027-01".into(),
            statement_hash: "cd".repeat(32),
            accepted_at: 1_764_000_009_000,
            widget_version: "0.2.0".into(),
        });
        let mut entries = entries_of(&earlier);
        entries.push(Entry {
            seq: 4,
            author: Author::Operator,
            text: "Anything else?".into(),
            at: 1_764_000_010_000,
            client_id: None,
            attachment: None,
            masked: Vec::new(),
        });
        let later = Transcript::seal(header, &entries);
        assert_eq!(verify(&later), Ok(()));
        assert_ne!(later.entries[0].hash, earlier.entries[0].hash);
        assert_eq!(compare(&earlier, &later), Continuity::Extends { added: 1 });

        // A changed entry, resealed by whoever changed it: its chain is fine, the
        // comparison is not.
        let mut changed = entries_of(&earlier);
        changed[1].text = "It never left.".into();
        let resealed = Transcript::seal(earlier.header.clone(), &changed);
        assert_eq!(verify(&resealed), Ok(()));
        assert_eq!(compare(&earlier, &resealed), Continuity::Changed { seq: 2 });

        let mut removed = entries_of(&earlier);
        removed.remove(1);
        let removed = Transcript::seal(earlier.header.clone(), &removed);
        assert_eq!(compare(&earlier, &removed), Continuity::Missing { seq: 2 });
        let mut cut = entries_of(&earlier);
        cut.pop();
        let cut = Transcript::seal(earlier.header.clone(), &cut);
        assert_eq!(compare(&earlier, &cut), Continuity::Missing { seq: 3 });

        let mut header = earlier.header.clone();
        header.consents.clear();
        let unconsented = Transcript::seal(header, &entries_of(&earlier));
        assert_eq!(compare(&earlier, &unconsented), Continuity::ConsentChanged);
        let mut header = earlier.header.clone();
        header.conversation = "c2".into();
        let other = Transcript::seal(header, &entries_of(&earlier));
        assert_eq!(compare(&earlier, &other), Continuity::OtherConversation);
    }

    #[test]
    fn sha256_matches_the_standard_vector() {
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn times_render_in_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_764_072_000_500), "2025-11-25 12:00:00 UTC");
    }

    #[test]
    fn renderings_carry_the_text_and_escape_html() {
        let transcript = sample();
        let text = render_text(&transcript);
        assert!(text.contains("It left <today> & arrives soon."));
        assert!(text.contains("statement 2026-11"));
        let html = render_html(&transcript);
        assert!(html.contains("It left &lt;today&gt; &amp; arrives soon."));
        assert!(!html.contains("<today>"));
        assert!(!html.contains("<script"));
        assert!(html.contains(transcript.last_hash()));
    }
}
