//! The context-word tables of `words`, indexed once so a scan finds every phrase in one
//! pass over the text's words, one typo allowed.
//!
//! Typos are found the SymSpell way: every keyword is stored with each of its one-byte
//! deletions, and a word of the text is looked up with each of its own; whatever both
//! share is confirmed with [`fuzzy_eq`]. That costs a few hash look-ups per word instead
//! of comparing every word with every keyword.

use std::hash::Hasher;

use super::words as w;

/// The context-word tables, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Table {
    Cvv,
    Expiry,
    Card,
    Passport,
    Birth,
    Password,
    AgeUnit,
    AgeLead,
    NameStrong,
    NameWeak,
    Address,
    Phone,
    Lookalike,
    Ssn,
    Bsn,
    Pesel,
    LtCode,
    SteuerId,
    NationalId,
}

const TABLES: [(Table, w::Words); 19] = [
    (Table::Cvv, w::CVV),
    (Table::Expiry, w::EXPIRY),
    (Table::Card, w::CARD),
    (Table::Passport, w::PASSPORT),
    (Table::Birth, w::BIRTH),
    (Table::Password, w::PASSWORD),
    (Table::AgeUnit, w::AGE_UNIT),
    (Table::AgeLead, w::AGE_LEAD),
    (Table::NameStrong, w::NAME_STRONG),
    (Table::NameWeak, w::NAME_WEAK),
    (Table::Address, w::ADDRESS),
    (Table::Phone, w::PHONE),
    (Table::Lookalike, w::LOOKALIKE),
    (Table::Ssn, w::SSN),
    (Table::Bsn, w::BSN),
    (Table::Pesel, w::PESEL),
    (Table::LtCode, w::LT_CODE),
    (Table::SteuerId, w::STEUER_ID),
    (Table::NationalId, w::NATIONAL_ID),
];

impl Table {
    /// The table's bit in a mask of tables.
    pub(super) fn bit(self) -> u32 {
        1 << self as u8
    }
}

/// FNV-1a: a small, fast hash for short keys; the keys are fixed words, not attacker
/// controlled, so no defence against flooding is needed.
#[derive(Default, Clone, Copy)]
pub(super) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Marks the end of a chain in [`Index`].
const NONE: u32 = u32::MAX;

/// Byte strings to keyword ids, several per key, in the order they were added: a chained
/// hash table on plain vectors, filled once when the lexicon is built and only read after.
/// The two `HashMap`s it replaces were a copy of hashbrown's generic code each in the pane
/// (docs/size.md); a look-up is as quick (a bucket holds about one key).
#[derive(Clone, Debug)]
struct Index {
    /// Each bucket's first link, or `NONE`.
    heads: Vec<u32>,
    links: Vec<Link>,
    /// Every key's bytes, back to back.
    keys: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
struct Link {
    start: u32,
    len: u32,
    id: u16,
    next: u32,
}

impl Index {
    /// An empty index with `1 << bits` buckets.
    fn new(bits: u32) -> Self {
        Index {
            heads: vec![NONE; 1 << bits],
            links: Vec::new(),
            keys: Vec::new(),
        }
    }

    fn bucket(&self, key: &[u8]) -> usize {
        let mut hash = Fnv::default();
        hash.write(key);
        hash.finish() as usize & (self.heads.len() - 1)
    }

    /// Adds `id` under `key` (at the front of its bucket until [`Index::finish`]).
    fn push(&mut self, key: &[u8], id: u16) {
        let bucket = self.bucket(key);
        self.links.push(Link {
            start: self.keys.len() as u32,
            len: key.len() as u32,
            id,
            next: self.heads[bucket],
        });
        self.keys.extend_from_slice(key);
        self.heads[bucket] = (self.links.len() - 1) as u32;
    }

    /// Puts every bucket in the order its links were added.
    fn finish(&mut self) {
        for head in &mut self.heads {
            let (mut previous, mut at) = (NONE, *head);
            while at != NONE {
                let link = &mut self.links[at as usize];
                (at, link.next, previous) = (link.next, previous, at);
            }
            *head = previous;
        }
    }

    /// The ids added under `key`, in the order they were added (once finished).
    fn get<'a>(&'a self, key: &'a [u8]) -> impl Iterator<Item = u16> + 'a {
        let mut at = self.heads[self.bucket(key)];
        std::iter::from_fn(move || {
            while at != NONE {
                let link = self.links[at as usize];
                at = link.next;
                let start = link.start as usize;
                if self.keys.get(start..start + link.len as usize) == Some(key) {
                    return Some(link.id);
                }
            }
            None
        })
    }
}

/// One phrase of a table, as keyword ids.
#[derive(Clone, Debug)]
struct Phrase {
    table: Table,
    words: Vec<u16>,
}

/// The most keyword ids one word of a text can stand for.
pub(super) const MAX_IDS: usize = 3;
/// Marks an unused slot in a word's ids.
pub(super) const NO_ID: u16 = u16::MAX;

/// All tables, indexed.
#[derive(Clone, Debug)]
pub(super) struct Lexicon {
    keywords: Vec<&'static str>,
    /// Every keyword under itself, and each keyword of four bytes or more under each of its
    /// one-byte deletions.
    index: Index,
    phrases: Vec<Phrase>,
    /// For each keyword id, the phrases that start with it.
    by_first: Vec<Vec<u32>>,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new()
    }
}

impl Lexicon {
    /// Indexes every table of `words`.
    pub(super) fn new() -> Self {
        let mut lexicon = Lexicon {
            keywords: Vec::new(),
            // About 13,000 keys: on average about one per bucket.
            index: Index::new(14),
            phrases: Vec::new(),
            by_first: Vec::new(),
        };
        for (table, phrases) in TABLES {
            for phrase in phrases.iter() {
                let words = phrase.split(' ').map(|part| lexicon.intern(part)).collect();
                lexicon.phrases.push(Phrase { table, words });
            }
        }
        lexicon.index.finish();
        lexicon.by_first = vec![Vec::new(); lexicon.keywords.len()];
        for (n, phrase) in lexicon.phrases.iter().enumerate() {
            if let Some(&first) = phrase.words.first() {
                lexicon.by_first[usize::from(first)].push(n as u32);
            }
        }
        lexicon
    }

    fn intern(&mut self, word: &'static str) -> u16 {
        let bytes = word.as_bytes();
        if let Some(id) = self.exact(bytes) {
            return id;
        }
        let id = self.keywords.len() as u16;
        self.keywords.push(word);
        self.index.push(bytes, id);
        if bytes.len() >= 4 {
            let mut key = Vec::with_capacity(bytes.len());
            for skip in 0..bytes.len() {
                key.clear();
                key.extend_from_slice(&bytes[..skip]);
                key.extend_from_slice(&bytes[skip + 1..]);
                self.index.push(&key, id);
            }
        }
        id
    }

    /// The id of the keyword `word` is, if it is one.
    fn exact(&self, word: &[u8]) -> Option<u16> {
        self.index
            .get(word)
            .find(|&id| self.keywords[usize::from(id)].as_bytes() == word)
    }

    /// The keyword ids `word` (lower case) stands for: its exact match and the keywords it
    /// is one typo away from.
    pub(super) fn ids(&self, word: &str) -> [u16; MAX_IDS] {
        let mut out = [NO_ID; MAX_IDS];
        let mut n = 0;
        let mut add = |id: u16, out: &mut [u16; MAX_IDS]| {
            if n < MAX_IDS && !out[..n].contains(&id) {
                out[n] = id;
                n += 1;
            }
        };
        let bytes = word.as_bytes();
        if let Some(id) = self.exact(bytes) {
            add(id, &mut out);
        }
        let has_digit = bytes.iter().any(u8::is_ascii_digit);
        if bytes.len() < 4 || bytes.len() > 40 || has_digit {
            return out;
        }
        // Whether the word is one never read as a typo: asked only once a typo would match,
        // since most words match nothing and the table is read in full.
        let mut never_fuzzy = None;
        let mut buf = [0u8; 40];
        for skip in 0..=bytes.len() {
            let key: &[u8] = if skip == bytes.len() {
                bytes
            } else {
                buf[..skip].copy_from_slice(&bytes[..skip]);
                buf[skip..bytes.len() - 1].copy_from_slice(&bytes[skip + 1..]);
                &buf[..bytes.len() - 1]
            };
            for id in self.index.get(key) {
                let keyword = self.keywords[usize::from(id)];
                if fuzzy_eq(bytes, keyword.as_bytes()) {
                    if *never_fuzzy.get_or_insert_with(|| w::NEVER_FUZZY.contains(word)) {
                        return out;
                    }
                    add(id, &mut out);
                }
            }
        }
        out
    }

    /// The month number of a month name or abbreviation in any language.
    pub(super) fn month(&self, word: &str) -> Option<u8> {
        if word.len() < 3 || word.len() > 14 {
            return None;
        }
        // A scan of the tables rather than a hash map: two maps less in the pane's wasm (each
        // a copy of the hashing code), and the check is rare (a word next to a number). No
        // name is listed under two months (a test holds it), so the order does not matter.
        (1..=12)
            .zip(w::MONTHS)
            .find(|(_, names)| names.contains(word))
            .map(|(month, _)| month)
    }

    /// Every phrase that starts at word `i`: calls `found(table, index after its last word)`.
    /// `ids` holds each word's keyword ids, `joined(k)` says whether word `k` and `k + 1`
    /// are close enough to belong to one phrase.
    pub(super) fn phrases_at(
        &self,
        i: usize,
        ids: &[[u16; MAX_IDS]],
        joined: impl Fn(usize) -> bool,
        mut found: impl FnMut(Table, usize),
    ) {
        for &first in ids[i].iter().take_while(|&&id| id != NO_ID) {
            for &p in &self.by_first[usize::from(first)] {
                let phrase = &self.phrases[p as usize];
                let mut k = i + 1;
                let matched = phrase.words[1..].iter().all(|id| {
                    let ok = k < ids.len() && joined(k - 1) && ids[k].contains(id);
                    k += 1;
                    ok
                });
                if matched {
                    found(phrase.table, i + phrase.words.len());
                }
            }
        }
    }
}

/// True when `word` equals `keyword`, allowing one typo: in keywords of five bytes or more
/// a changed, missing, extra or swapped letter; in four-byte keywords only a swapped or an
/// extra letter ("nmae", "naame" for "name"); shorter keywords must match exactly.
pub(super) fn fuzzy_eq(word: &[u8], keyword: &[u8]) -> bool {
    if word == keyword {
        return true;
    }
    if keyword.len() < 4 || (keyword.len() == 4 && word.len() < 4) {
        return false;
    }
    let (a, b) = (word, keyword);
    if a.len() == b.len() {
        let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
            return true;
        };
        let swapped =
            i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..];
        swapped || (keyword.len() > 4 && a[i + 1..] == b[i + 1..])
    } else if a.len() + 1 == b.len() || b.len() + 1 == a.len() {
        let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
        let i = short
            .iter()
            .zip(long)
            .position(|(x, y)| x != y)
            .unwrap_or(short.len());
        short[i..] == long[i + 1..]
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_eq_allows_one_typo_in_long_words() {
        assert!(fuzzy_eq(b"passsport", b"passport"));
        assert!(fuzzy_eq(b"pasport", b"passport"));
        assert!(fuzzy_eq(b"psasport", b"passport"));
        assert!(fuzzy_eq(b"pessport", b"passport"));
        assert!(fuzzy_eq(b"nmae", b"name"));
        assert!(!fuzzy_eq(b"nome", b"name"));
        assert!(!fuzzy_eq(b"cvc", b"cvv"));
        assert!(!fuzzy_eq(b"pssprt", b"passport"));
    }

    #[test]
    fn months_are_named_in_every_language_and_no_name_means_two() {
        let lexicon = Lexicon::new();
        for (name, month) in [("january", 1), ("märz", 3), ("mayo", 5), ("września", 9)] {
            assert_eq!(lexicon.month(name), Some(month), "{name}");
        }
        assert_eq!(lexicon.month("parcel"), None);
        for (a, first) in w::MONTHS.iter().enumerate() {
            for name in first.iter() {
                for second in &w::MONTHS[a + 1..] {
                    assert!(!second.contains(name), "{name} is listed under two months");
                }
            }
        }
    }

    #[test]
    fn lexicon_finds_typos_but_not_everyday_words() {
        let lexicon = Lexicon::new();
        let has = |word: &str, keyword: &str| {
            let id = lexicon.exact(keyword.as_bytes()).expect("a keyword");
            lexicon.ids(word).contains(&id)
        };
        assert!(has("passsport", "passport"));
        assert!(has("slpatažodis", "slaptažodis"));
        assert!(!has("passwort", "passport"));
        assert!(!has("hallo", "haslo"));
    }
}
