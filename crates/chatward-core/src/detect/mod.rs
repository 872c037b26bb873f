//! Sensitive-data detection: finds card numbers, IBANs, national IDs, passwords and the
//! other categories of personal data in a chat draft, without flagging the order numbers,
//! prices and product codes shops see all day.
//!
//! How it works: the text is split once into words (runs of letters and digits). Values
//! with structure (cards, IBANs, national IDs, phones, e-mails, IP addresses) are found by
//! trying runs of adjacent words and validating them with the checks in `checksum`; values
//! without structure (CVV, expiry, passport, birth date, password, age, name, address) are
//! found after the context words of `words`. Overlaps are settled by confidence, then an
//! allow-list of the shop's own contacts is applied. Everything is linear in the text.

mod checksum;
mod engine;
mod lexicon;
mod words;

use std::ops::Range;

pub use checksum::CardNetwork;

/// The kinds of personal data the detector knows, named as the benchmark names them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    /// An e-mail address.
    Email,
    /// A telephone number (subtype `mobile` or `landline` is not distinguished: `None`).
    Phone,
    /// A payment card number (subtype: the network, e.g. `VISA`).
    CreditCard,
    /// A card's security code (CVV/CVC).
    CardCvv,
    /// A card's expiry date.
    CardExpiry,
    /// An international bank account number (subtype: the country).
    Iban,
    /// A US Social Security number.
    UsSsn,
    /// A national identity or tax number (subtype: which one, e.g. `PL_PESEL`).
    NationalId,
    /// A passport number.
    Passport,
    /// An IP address (subtype `IPv4` or `IPv6`).
    IpAddress,
    /// A date of birth.
    DateOfBirth,
    /// A street address.
    StreetAddress,
    /// A password.
    Password,
    /// A person's name, given in a self-introduction.
    PersonName,
    /// A person's age.
    Age,
}

impl Category {
    /// Every category, in a fixed order.
    pub const ALL: [Category; 15] = [
        Category::Email,
        Category::Phone,
        Category::CreditCard,
        Category::CardCvv,
        Category::CardExpiry,
        Category::Iban,
        Category::UsSsn,
        Category::NationalId,
        Category::Passport,
        Category::IpAddress,
        Category::DateOfBirth,
        Category::StreetAddress,
        Category::Password,
        Category::PersonName,
        Category::Age,
    ];

    /// The category's name as the benchmark and the policy files write it (`CREDIT_CARD`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Email => "EMAIL",
            Category::Phone => "PHONE",
            Category::CreditCard => "CREDIT_CARD",
            Category::CardCvv => "CARD_CVV",
            Category::CardExpiry => "CARD_EXPIRY",
            Category::Iban => "IBAN",
            Category::UsSsn => "US_SSN",
            Category::NationalId => "NATIONAL_ID",
            Category::Passport => "PASSPORT",
            Category::IpAddress => "IP_ADDRESS",
            Category::DateOfBirth => "DATE_OF_BIRTH",
            Category::StreetAddress => "STREET_ADDRESS",
            Category::Password => "PASSWORD",
            Category::PersonName => "PERSON_NAME",
            Category::Age => "AGE",
        }
    }

    /// The category a name written as by [`Category::as_str`] stands for.
    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the detector is about a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// The shape fits and some context supports it.
    Possible,
    /// The shape fits and the context names the category.
    Likely,
    /// A checksum or an unambiguous structure confirms it.
    Certain,
}

/// One piece of personal data found in a text: what it is and where, never the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What kind of personal data.
    pub category: Category,
    /// A finer kind where one is known: the card network, the ID scheme, the IBAN country.
    pub subtype: Option<&'static str>,
    /// Byte range in the scanned text (always on character boundaries).
    pub range: Range<usize>,
    /// How sure the detector is.
    pub confidence: Confidence,
}

impl Finding {
    /// The finding's range in other units of the same text: Unicode code points (Python
    /// string indices) and UTF-16 code units (JavaScript string indices).
    pub fn offsets(&self, text: &str) -> Offsets {
        Offsets::of(text, self.range.clone())
    }
}

/// A range expressed in code points and in UTF-16 code units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offsets {
    /// Range in Unicode code points.
    pub chars: Range<usize>,
    /// Range in UTF-16 code units.
    pub utf16: Range<usize>,
}

impl Offsets {
    /// Converts a byte range of `text` (clamped to the text) into code points and UTF-16
    /// units. Linear in the text; for many findings use [`OffsetMap`].
    pub fn of(text: &str, range: Range<usize>) -> Offsets {
        OffsetMap::new(text).convert(range)
    }
}

/// Converts many byte ranges of one text into code-point and UTF-16 offsets in one pass
/// over the text each.
#[derive(Debug)]
pub struct OffsetMap<'a> {
    text: &'a str,
}

impl<'a> OffsetMap<'a> {
    /// Prepares conversions for `text`.
    pub fn new(text: &'a str) -> Self {
        OffsetMap { text }
    }

    fn at(&self, byte: usize) -> (usize, usize) {
        let mut end = byte.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &self.text[..end];
        (
            prefix.chars().count(),
            prefix.chars().map(char::len_utf16).sum(),
        )
    }

    /// The range `range` (bytes) in code points and UTF-16 units.
    pub fn convert(&self, range: Range<usize>) -> Offsets {
        let (cs, us) = self.at(range.start);
        let (ce, ue) = self.at(range.end);
        Offsets {
            chars: cs..ce,
            utf16: us..ue,
        }
    }
}

/// What a scan should leave alone.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Values never reported: the shop's own public e-mail addresses and phone numbers.
    /// E-mails compare case-insensitively, phones by their digits.
    pub allow: Vec<String>,
}

/// A detector built once from its options and used for many texts.
#[derive(Clone, Default)]
pub struct Scanner {
    allow_text: Vec<String>,
    allow_digits: Vec<String>,
    lexicon: lexicon::Lexicon,
}

impl Scanner {
    /// Builds a scanner; the allow-list is normalised once here.
    pub fn new(options: &ScanOptions) -> Self {
        let mut allow_text = Vec::new();
        let mut allow_digits = Vec::new();
        for value in &options.allow {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            allow_text.push(engine::lower_same_length(value));
            let digits = national_digits(value);
            if digits.len() >= 6 && !value.contains('@') {
                allow_digits.push(digits);
            }
        }
        Scanner {
            allow_text,
            allow_digits,
            lexicon: lexicon::Lexicon::new(),
        }
    }

    /// Finds personal data in `text`. Never fails or panics; findings are sorted by start
    /// and do not overlap.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut findings = engine::scan(text, &self.lexicon);
        findings.retain(|f| !self.is_allowed(&text[f.range.clone()], f.category));
        findings
    }

    fn is_allowed(&self, value: &str, category: Category) -> bool {
        match category {
            Category::Phone => self.allow_digits.contains(&national_digits(value)),
            _ => self.allow_text.contains(&engine::lower_same_length(value)),
        }
    }
}

impl std::fmt::Debug for Scanner {
    /// Counts only: the word index is large and says nothing useful.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("allowed_values", &self.allow_text.len())
            .finish_non_exhaustive()
    }
}

/// The digits of a phone number without its international or trunk prefix, so
/// `+370 5 219 9900`, `8 5 219 9900` and `0037052199900` compare equal.
fn national_digits(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    // Compare by the last nine digits: long enough to tell numbers apart, short enough to
    // ignore country codes and trunk prefixes.
    let skip = digits.len().saturating_sub(9);
    digits[skip..].to_string()
}

/// Finds personal data in `text` with `options`. Building the detector's word index takes
/// longer than a scan: to scan many texts, build a [`Scanner`] once and reuse it.
pub fn scan(text: &str, options: &ScanOptions) -> Vec<Finding> {
    Scanner::new(options).scan(text)
}

/// Exposed for the property tests and benchmarks: the checksum functions, one per scheme.
pub mod checks {
    pub use super::checksum::{
        card, card_network, de_steuer_id, es_dni_or_nie, fr_nir, iban, iban_length, ipv4, ipv6,
        is_valid_date, it_codice_fiscale, lt_asmens_kodas, luhn, mod97, nl_bsn, pl_pesel, uk_nino,
        us_ssn,
    };
}
