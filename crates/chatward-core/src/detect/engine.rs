//! The scanning engine: splits a text into words once, then runs every rule over them.

use super::checksum as ck;
use super::lexicon::{Lexicon, MAX_IDS, NO_ID, Table};
use super::words as w;
use super::{Category, Confidence, Finding};

/// A word: a run of letters and digits, as a byte range of the text.
#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
    /// Every byte is an ASCII digit.
    digits: bool,
    /// Every byte is ASCII.
    ascii: bool,
    /// Some byte is an ASCII digit.
    has_digit: bool,
}

/// A candidate finding before overlaps are settled.
#[derive(Clone, Debug)]
struct Candidate {
    category: Category,
    subtype: Option<&'static str>,
    start: usize,
    end: usize,
    confidence: Confidence,
}

struct Ctx<'a> {
    text: &'a str,
    /// `text` lower-cased character by character where that keeps byte lengths equal, so
    /// offsets in one are offsets in the other.
    lower: String,
    words: Vec<Word>,
    lexicon: &'a Lexicon,
    /// Phrases found: (first word, table, index after the last word), by first word.
    starts: Vec<(u32, u8, u32)>,
    /// For each word, the tables with a phrase ending at it.
    ends: Vec<u32>,
    out: Vec<Candidate>,
}

/// Finds every category in `text`.
pub(super) fn scan<'a>(text: &'a str, lexicon: &'a Lexicon) -> Vec<Finding> {
    let mut ctx = Ctx::new(text, lexicon);
    ctx.emails();
    ctx.ip_addresses();
    ctx.numbers();
    ctx.after_keywords();
    ctx.dates();
    ctx.addresses_by_shape();
    ctx.settle()
}

/// `text` with its Latin capitals in lower case (see [`lower_latin`]); every letter keeps its
/// length in bytes, so ranges into the lowered text are ranges into `text`. The allow-list
/// is compared in the same folding.
pub(crate) fn lower_same_length(text: &str) -> String {
    text.chars().map(lower_latin).collect()
}

/// The lower case of a capital of Basic Latin, Latin-1 or Latin Extended-A, exactly as
/// `char::to_lowercase` gives it (`İ`, whose lower case is two characters, stays as it is);
/// any other character unchanged. Every word the detector knows is written in these
/// letters, so lowering other scripts could not make a word match. The standard library's
/// full Unicode case tables cost the pane 5.2 KB of brotli (docs/size.md); a test holds this
/// function to them.
pub(crate) fn lower_latin(c: char) -> char {
    let u = u32::from(c);
    let lower = match u {
        0x41..=0x5A => u + 0x20,
        0xC0..=0xDE if u != 0xD7 => u + 0x20,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u % 2 == 0 => u + 1,
        0x139..=0x148 | 0x179..=0x17E if u % 2 == 1 => u + 1,
        0x178 => 0xFF,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// Whether `text` holds `part`. The gaps between words are a few bytes long, and this keeps
/// the standard library's substring searcher (two-way, ~0.8 KB brotli) out of the pane.
fn has(text: &str, part: &str) -> bool {
    text.as_bytes()
        .windows(part.len())
        .any(|w| w == part.as_bytes())
}

/// A character of a word: a letter of any script or a digit 0 to 9, the digits every
/// recogniser reads. Other numerals (`²`, `½`, `٣`) separate words, as punctuation does;
/// leaving out Unicode's table of numerals is 0.4 KB of the pane's brotli size.
fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_ascii_digit()
}

/// A run of the digits 0 to 9 as a number, if it fits in a `u32` (as `str::parse` would read
/// a word of digits).
fn number(digits: &str) -> Option<u32> {
    u32::try_from(crate::whole_number(digits)?).ok()
}

fn is_sep_gap(gap: &str, allowed: &[u8], max: usize) -> bool {
    !gap.is_empty() && gap.len() <= max && gap.bytes().all(|b| allowed.contains(&b))
}

impl<'a> Ctx<'a> {
    fn new(text: &'a str, lexicon: &'a Lexicon) -> Self {
        let lower = lower_same_length(text);
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            if is_word_char(c) {
                if start.is_none() {
                    start = Some(i);
                }
            } else if let Some(s) = start.take() {
                words.push(Self::word(text, s, i));
            }
        }
        if let Some(s) = start {
            words.push(Self::word(text, s, text.len()));
        }
        let ids: Vec<[u16; MAX_IDS]> = words
            .iter()
            .map(|word| lexicon.ids(&lower[word.start..word.end]))
            .collect();
        let mut starts = Vec::new();
        let mut ends = vec![0u32; words.len()];
        for i in 0..words.len() {
            if ids[i][0] == NO_ID {
                continue;
            }
            let joined = |k: usize| words[k + 1].start - words[k].end <= 3;
            lexicon.phrases_at(i, &ids, joined, |table, end| {
                starts.push((i as u32, table as u8, end as u32));
                ends[end - 1] |= table.bit();
            });
        }
        Ctx {
            text,
            lower,
            words,
            lexicon,
            starts,
            ends,
            out: Vec::new(),
        }
    }

    fn word(text: &str, start: usize, end: usize) -> Word {
        let bytes = &text.as_bytes()[start..end];
        Word {
            start,
            end,
            digits: bytes.iter().all(u8::is_ascii_digit),
            ascii: bytes.is_ascii(),
            has_digit: bytes.iter().any(u8::is_ascii_digit),
        }
    }

    fn has_digit(&self, i: usize) -> bool {
        self.words[i].has_digit
    }

    fn lw(&self, i: usize) -> &str {
        &self.lower[self.words[i].start..self.words[i].end]
    }

    fn raw(&self, i: usize) -> &'a str {
        &self.text[self.words[i].start..self.words[i].end]
    }

    /// The text between word `i` and word `i + 1`.
    fn gap(&self, i: usize) -> &'a str {
        let end = self.words.get(i + 1).map_or(self.text.len(), |w| w.start);
        &self.text[self.words[i].end..end]
    }

    /// The text before word `i` back to the previous word.
    fn gap_before(&self, i: usize) -> &'a str {
        let start = if i == 0 { 0 } else { self.words[i - 1].end };
        &self.text[start..self.words[i].start]
    }

    fn push(
        &mut self,
        category: Category,
        subtype: Option<&'static str>,
        start: usize,
        end: usize,
        confidence: Confidence,
    ) {
        if start < end && end <= self.text.len() {
            self.out.push(Candidate {
                category,
                subtype,
                start,
                end,
                confidence,
            });
        }
    }

    /// The phrase of `table` starting at word `i`, as the index after it (longest phrase
    /// wins).
    fn table_at(&self, i: usize, table: Table) -> Option<usize> {
        let from = self.starts.partition_point(|m| (m.0 as usize) < i);
        self.starts[from..]
            .iter()
            .take_while(|m| m.0 as usize == i)
            .filter(|m| m.1 == table as u8)
            .map(|m| m.2 as usize)
            .max()
    }

    /// How many words lie between the closest phrase of `table` and word `i`, looking at
    /// most `back` words back and not across a line break.
    fn distance_back(&self, i: usize, table: Table, back: usize) -> Option<usize> {
        for dist in 0..back.min(i) {
            let end = i - dist; // the phrase's last word is `end - 1`
            let newline = self.gap_before(end).contains('\n');
            if newline && dist > 0 {
                return None;
            }
            if self.ends[end - 1] & table.bit() != 0 {
                return Some(dist);
            }
            if newline {
                return None;
            }
        }
        None
    }

    /// True when the gap after word `i` ends a sentence.
    fn sentence_ends_after(&self, i: usize) -> bool {
        let gap = self.gap(i);
        gap.contains('\n')
            || gap.contains(['!', '?', ';'])
            || (gap.starts_with('.') && (gap.len() > 1 || i + 1 >= self.words.len()))
    }

    // ----------------------------------------------------------------------------------
    // E-mail and IP addresses: found from their punctuation.

    fn emails(&mut self) {
        let bytes = self.text.as_bytes();
        let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
        let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
        let mut from = 0;
        while let Some(at) = bytes[from..]
            .iter()
            .position(|&c| c == b'@')
            .map(|p| p + from)
        {
            from = at + 1;
            let mut s = at;
            while s > 0 && local(bytes[s - 1]) {
                s -= 1;
            }
            while s < at && !bytes[s].is_ascii_alphanumeric() {
                s += 1;
            }
            let mut e = at + 1;
            while e < bytes.len() && domain(bytes[e]) {
                e += 1;
            }
            while e > at + 1 && !bytes[e - 1].is_ascii_alphanumeric() {
                e -= 1;
            }
            let host = &bytes[at + 1..e];
            let Some(dot) = host.iter().rposition(|&c| c == b'.') else {
                continue;
            };
            let tld = &host[dot + 1..];
            if s < at && dot > 0 && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic) {
                self.push(Category::Email, None, s, e, Confidence::Certain);
            }
        }
    }

    fn ip_addresses(&mut self) {
        let bytes = self.text.as_bytes();
        // IPv4: four digit words joined by single dots.
        let n = self.words.len();
        for i in 0..n.saturating_sub(3) {
            if !(i..i + 4).all(|k| self.words[k].digits) || !(i..i + 3).all(|k| self.gap(k) == ".")
            {
                continue;
            }
            let (s, e) = (self.words[i].start, self.words[i + 3].end);
            let before_ok = s == 0 || !matches!(bytes[s - 1], b'.' | b'-' | b'/' | b':');
            let after_ok = !(e + 1 < bytes.len()
                && matches!(bytes[e], b'.' | b'-')
                && bytes[e + 1].is_ascii_digit());
            if before_ok
                && after_ok
                && ck::ipv4(&bytes[s..e])
                && self.distance_back(i, Table::Lookalike, 3).is_none()
            {
                self.push(Category::IpAddress, Some("IPv4"), s, e, Confidence::Certain);
            }
        }
        // IPv6: runs of hex digits and colons with at least two colons.
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_hexdigit() || bytes[i] == b':' {
                let s = i;
                while i < bytes.len() && (bytes[i].is_ascii_hexdigit() || bytes[i] == b':') {
                    i += 1;
                }
                let before_ok = s == 0 || !bytes[s - 1].is_ascii_alphanumeric();
                let after_ok = i >= bytes.len() || !bytes[i].is_ascii_alphanumeric();
                let run = &bytes[s..i];
                if before_ok
                    && after_ok
                    && run.iter().filter(|&&c| c == b':').count() >= 2
                    && ck::ipv6(run)
                {
                    self.push(Category::IpAddress, Some("IPv6"), s, i, Confidence::Certain);
                }
            } else {
                i += 1;
            }
        }
    }

    // ----------------------------------------------------------------------------------
    // Numbers with structure: runs of adjacent words tried against every scheme.

    fn numbers(&mut self) {
        let n = self.words.len();
        let mut buf = [0u8; 40];
        for i in 0..n {
            let first = self.words[i];
            // Values with structure start with a digit group, or with one or two letters (a
            // UK National Insurance number written "AB 12 34 56 C", a NIE "X-1234567-L").
            if !first.ascii || !(first.has_digit || first.end - first.start <= 2) {
                continue;
            }
            let mut len = 0;
            let mut groups: [usize; 8] = [0; 8];
            let mut seps: [&str; 8] = [""; 8];
            let mut j = i;
            let mut all_digits = true;
            let mut best_phone: Option<(usize, usize)> = None;
            loop {
                let word = self.words[j];
                let bytes = &self.text.as_bytes()[word.start..word.end];
                if !word.ascii || len + bytes.len() > buf.len() {
                    break;
                }
                for &b in bytes {
                    buf[len] = b.to_ascii_uppercase();
                    len += 1;
                }
                let count = j - i;
                groups[count] = bytes.len();
                all_digits &= word.digits;
                self.try_value(
                    i,
                    j,
                    &buf[..len],
                    &groups[..=count],
                    &seps[..count],
                    all_digits,
                );
                if all_digits
                    && let Some(len_phone) = self.phone_shape(i, &buf[..len], &seps[..count])
                {
                    best_phone = Some((j, len_phone));
                }
                if count + 1 >= groups.len() || j + 1 >= n {
                    break;
                }
                let gap = self.gap(j);
                if !is_sep_gap(gap, b" -./()", 3) || has(gap, "..") {
                    break;
                }
                let next = self.words[j + 1];
                if !next.has_digit && next.end - next.start > 4 {
                    break;
                }
                seps[count] = gap;
                j += 1;
            }
            if let Some((j, _)) = best_phone {
                self.accept_phone(i, j);
            }
        }
    }

    /// The word before `i` continues the same run (so `i` is not where a value starts).
    fn continues_before(&self, i: usize, sep: Option<&str>) -> bool {
        if i == 0 {
            return false;
        }
        let gap = self.gap_before(i);
        let prev = self.words[i - 1];
        match sep {
            Some(s) => gap == s && prev.digits,
            None => prev.ascii && is_sep_gap(gap, b"-./", 1),
        }
    }

    /// The word after `j` continues the run with the same separator and, for grouped
    /// numbers, the same group length.
    fn continues_after(&self, j: usize, sep: Option<&str>, group: Option<usize>) -> bool {
        if j + 1 >= self.words.len() {
            return false;
        }
        let gap = self.gap(j);
        let next = self.words[j + 1];
        match sep {
            Some(s) => gap == s && next.digits && group.is_none_or(|g| next.end - next.start == g),
            None => next.ascii && is_sep_gap(gap, b"-./", 1),
        }
    }

    /// Validates the compact value of words `i..=j` against every scheme with structure.
    fn try_value(
        &mut self,
        i: usize,
        j: usize,
        v: &[u8],
        groups: &[usize],
        seps: &[&str],
        all_digits: bool,
    ) {
        let (s, e) = (self.words[i].start, self.words[j].end);
        let uniform_sep = seps
            .first()
            .copied()
            .filter(|f| seps.iter().all(|x| x == f));
        if !seps.is_empty() && uniform_sep.is_none() && !all_digits {
            // Mixed separators only inside numbers like "73.678.866-E"; handled below.
        }
        let first_sep = seps.first().copied();
        if self.continues_before(i, first_sep) {
            return;
        }
        if all_digits {
            self.try_digits(i, j, v, groups, uniform_sep);
        } else {
            self.try_alnum(i, j, v, groups, seps);
        }
        let _ = (s, e);
    }

    fn lookalike_wins(&self, i: usize, positive: Table) -> bool {
        match self.distance_back(i, Table::Lookalike, 5) {
            None => false,
            Some(neg) => self
                .distance_back(i, positive, 5)
                .is_none_or(|pos| neg <= pos),
        }
    }

    fn try_digits(&mut self, i: usize, j: usize, v: &[u8], groups: &[usize], sep: Option<&str>) {
        let (s, e) = (self.words[i].start, self.words[j].end);
        let n = groups.len();
        let group_len = (n > 1).then(|| groups[0]);
        if self.continues_after(j, sep, group_len) && n > 1 {
            return;
        }
        if n == 1 && self.continues_after(j, None, None) {
            return;
        }
        // Payment cards: 4-4-4-4(-3), 4-6-5, 4-6-4, or one block.
        if (13..=19).contains(&v.len()) {
            let shape_ok = n == 1
                || groups[..n - 1].iter().all(|&g| g == 4) && groups[n - 1] <= 4
                || groups == [4, 6, 5]
                || groups == [4, 6, 4];
            // A trailing group of three continues a 19-digit number (gift cards), unless it
            // is the start of a date.
            let three_more = n > 1
                && j + 1 < self.words.len()
                && sep == Some(self.gap(j))
                && self.words[j + 1].digits
                && {
                    let next = self.words[j + 1];
                    next.end - next.start == 3
                        && !self.text[next.end..].starts_with(['/', '-', '.'])
                };
            // Thirteen digits is also the length of an EAN barcode: only with card context.
            let ean_length_ok = v.len() != 13 || self.distance_back(i, Table::Card, 4).is_some();
            if shape_ok
                && !three_more
                && ean_length_ok
                && let Some(network) = ck::card(v)
                && !self.lookalike_wins(i, Table::Card)
            {
                self.push(
                    Category::CreditCard,
                    Some(network.as_str()),
                    s,
                    e,
                    Confidence::Certain,
                );
            }
        }
        let ctx = |t: Table| self.distance_back(i, t, 5).is_some();
        match v.len() {
            9 => {
                let dashed = groups == [3, 2, 4];
                if ck::us_ssn(v)
                    && (ctx(Table::Ssn) || (dashed && !self.lookalike_wins(i, Table::Ssn)))
                {
                    self.push(Category::UsSsn, None, s, e, Confidence::Likely);
                } else if ck::nl_bsn(v) && ctx(Table::Bsn) {
                    self.push(
                        Category::NationalId,
                        Some("NL_BSN"),
                        s,
                        e,
                        Confidence::Likely,
                    );
                }
            }
            11 => {
                if ck::pl_pesel(v) && ctx(Table::Pesel) {
                    self.push(
                        Category::NationalId,
                        Some("PL_PESEL"),
                        s,
                        e,
                        Confidence::Certain,
                    );
                } else if ck::lt_asmens_kodas(v) && ctx(Table::LtCode) {
                    self.push(
                        Category::NationalId,
                        Some("LT_ASMENS_KODAS"),
                        s,
                        e,
                        Confidence::Certain,
                    );
                } else if ck::de_steuer_id(v) && ctx(Table::SteuerId) {
                    self.push(
                        Category::NationalId,
                        Some("DE_STEUER_ID"),
                        s,
                        e,
                        Confidence::Certain,
                    );
                } else if (ck::pl_pesel(v) || ck::lt_asmens_kodas(v) || ck::de_steuer_id(v))
                    && ctx(Table::NationalId)
                {
                    self.push(Category::NationalId, None, s, e, Confidence::Likely);
                }
            }
            15 if ck::fr_nir(v) && !self.lookalike_wins(i, Table::NationalId) => {
                self.push(
                    Category::NationalId,
                    Some("FR_NIR"),
                    s,
                    e,
                    Confidence::Certain,
                );
            }
            _ => {}
        }
    }

    fn try_alnum(&mut self, i: usize, j: usize, v: &[u8], groups: &[usize], seps: &[&str]) {
        let (s, e) = (self.words[i].start, self.words[j].end);
        let n = groups.len();
        if n == 1 && self.continues_after(j, None, None) {
            return;
        }
        let spaces_only = seps.iter().all(|g| *g == " ");
        // IBAN: country letters, check digits, the country's length, mod 97.
        if v.len() >= 15
            && v[..2].iter().all(u8::is_ascii_alphabetic)
            && v[2..4].iter().all(u8::is_ascii_digit)
            && spaces_only
            && ck::iban(v)
        {
            let next_is_more = j + 1 < self.words.len()
                && self.gap(j) == " "
                && self.words[j + 1].ascii
                && self.words[j + 1].end - self.words[j + 1].start <= 4
                && self.words[j + 1].digits
                && n > 1
                && groups[n - 1] == 4;
            if !next_is_more {
                let country = std::str::from_utf8(&v[..2]).ok().and_then(country_name);
                self.push(Category::Iban, country, s, e, Confidence::Certain);
            }
        }
        match v.len() {
            9 => {
                if ck::uk_nino(v) && spaces_only && !self.lookalike_wins(i, Table::NationalId) {
                    self.push(
                        Category::NationalId,
                        Some("UK_NINO"),
                        s,
                        e,
                        Confidence::Certain,
                    );
                } else if let Some(kind) = ck::es_dni_or_nie(v)
                    && !self.lookalike_wins(i, Table::NationalId)
                {
                    self.push(Category::NationalId, Some(kind), s, e, Confidence::Certain);
                }
            }
            15 if ck::fr_nir(v) && !self.lookalike_wins(i, Table::NationalId) => {
                self.push(
                    Category::NationalId,
                    Some("FR_NIR"),
                    s,
                    e,
                    Confidence::Certain,
                );
            }
            16 if n == 1 && ck::it_codice_fiscale(v) => {
                self.push(
                    Category::NationalId,
                    Some("IT_CODICE_FISCALE"),
                    s,
                    e,
                    Confidence::Certain,
                );
            }
            _ => {}
        }
    }

    /// If words `i..=j` (all digits) look like a phone number, its digit count.
    fn phone_shape(&self, i: usize, v: &[u8], seps: &[&str]) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let s = self.words[i].start;
        let plus = s > 0 && bytes[s - 1] == b'+';
        let paren = s > 0 && bytes[s - 1] == b'(';
        if seps.iter().any(|g| g.contains('.') && g.len() > 1) {
            return None;
        }
        let len = v.len();
        let ok = if plus {
            (10..=15).contains(&len)
        } else if v.starts_with(b"00") {
            (11..=15).contains(&len) && v[2] != b'0'
        } else if paren {
            (10..=12).contains(&len) && seps.first().is_some_and(|g| g.starts_with(')'))
        } else {
            (9..=12).contains(&len)
        };
        ok.then_some(len)
    }

    fn accept_phone(&mut self, i: usize, j: usize) {
        let bytes = self.text.as_bytes();
        let mut s = self.words[i].start;
        let e = self.words[j].end;
        if self.continues_before(i, None) || self.continues_after(j, None, None) {
            return;
        }
        // Only a whole run of digit groups is a phone number, never a part of a longer one.
        if j + 1 < self.words.len()
            && self.words[j + 1].digits
            && is_sep_gap(self.gap(j), b" -./()", 3)
        {
            return;
        }
        let groups: Vec<usize> = self.words[i..=j].iter().map(|x| x.end - x.start).collect();
        let card_like = groups.len() >= 3 && groups[..groups.len() - 1].iter().all(|&g| g == 4);
        if i > 0
            && self.words[i - 1].digits
            && is_sep_gap(self.gap_before(i), b" ", 1)
            && self.words[i - 1].end - self.words[i - 1].start <= 4
        {
            // Part of a longer number written in groups.
            return;
        }
        let strong = s > 0 && matches!(bytes[s - 1], b'+' | b'(')
            || bytes[s] == b'0' && bytes.get(s + 1) == Some(&b'0');
        if s > 0 && matches!(bytes[s - 1], b'+' | b'(') {
            s -= 1;
        }
        let dotted = (i..j).any(|k| self.gap(k).contains('.'));
        let has_context = self.distance_back(i, Table::Phone, 6).is_some();
        // A number labelled as an ID (SSN, PESEL, passport...) is not a phone number even
        // when the ID check failed.
        let id_label = [
            Table::Ssn,
            Table::NationalId,
            Table::Pesel,
            Table::Bsn,
            Table::LtCode,
            Table::SteuerId,
            Table::Passport,
        ]
        .iter()
        .any(|&t| self.distance_back(i, t, 5).is_some());
        let lookalike = self.lookalike_wins(i, Table::Phone) || (id_label && !has_context);
        let grouped = j > i;
        let confidence = if strong && !lookalike {
            Confidence::Certain
        } else if has_context && !lookalike {
            Confidence::Likely
        } else if (!grouped
            && !lookalike
            && (10..=11).contains(&(e - s))
            && bytes[s] == b'0'
            && bytes[s + 1] != b'0')
            || (grouped && !dotted && !card_like && !lookalike)
        {
            // Unlabelled: a national number with its trunk zero, or digits grouped as
            // phone numbers are written.
            Confidence::Possible
        } else {
            return;
        };
        self.push(Category::Phone, None, s, e, confidence);
    }

    // ----------------------------------------------------------------------------------
    // Values introduced by context words.

    fn after_keywords(&mut self) {
        let n = self.words.len();
        for i in 0..n {
            if let Some(k) = self.table_at(i, Table::Cvv) {
                self.cvv_after(k);
            }
            if let Some(k) = self.table_at(i, Table::Expiry) {
                self.expiry_after(k, 4);
            }
            if let Some(k) = self.table_at(i, Table::Passport) {
                self.passport_after(k);
            }
            if let Some(k) = self.table_at(i, Table::Password) {
                self.password_after(i, k);
            }
            if let Some(k) = self.table_at(i, Table::AgeLead) {
                self.age_after(k);
            }
            if let Some(k) = self.table_at(i, Table::NameStrong) {
                self.name_after(i, k, true);
            } else if let Some(k) = self.table_at(i, Table::NameWeak) {
                self.name_after(i, k, false);
            }
            if i > 0
                && matches!(
                    self.lw(i),
                    "here" | "heree" | "hier" | "ici" | "aquí" | "qui"
                )
            {
                self.name_before(i);
            }
            if let Some(k) = self.table_at(i, Table::Address) {
                self.address_after(k);
            }
        }
        // An expiry date also follows a card number directly.
        let cards: Vec<usize> = self
            .out
            .iter()
            .filter(|c| c.category == Category::CreditCard)
            .map(|c| c.end)
            .collect();
        for end in cards {
            let k = self.words.partition_point(|x| x.start < end);
            self.expiry_after(k, 2);
        }
    }

    /// The first word holding a digit from `k` on, within `max` words and the sentence.
    fn digit_word(&self, k: usize, max: usize) -> Option<usize> {
        let mut i = k;
        while i < self.words.len() && i < k + max {
            if i > k && self.sentence_ends_after(i - 1) {
                return None;
            }
            if self.has_digit(i) {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    fn cvv_after(&mut self, k: usize) {
        let Some(i) = self.digit_word(k, 6) else {
            return;
        };
        let word = self.words[i];
        let len = word.end - word.start;
        if word.digits
            && (3..=4).contains(&len)
            && !self.continues_after(i, None, None)
            && !(i + 1 < self.words.len() && self.gap(i) == " " && self.words[i + 1].digits)
        {
            self.push(
                Category::CardCvv,
                None,
                word.start,
                word.end,
                Confidence::Likely,
            );
        }
    }

    fn expiry_after(&mut self, k: usize, max: usize) {
        let mut i = k;
        while i < self.words.len() && i < k + max {
            if let Some(end) = self.expiry_at(i) {
                self.push(
                    Category::CardExpiry,
                    None,
                    self.words[i].start,
                    end,
                    Confidence::Likely,
                );
                return;
            }
            if i > k && self.sentence_ends_after(i - 1) {
                return;
            }
            i += 1;
        }
    }

    /// `MM/YY`, `MM/YYYY`, `MM-YY`, `MM.YY`, `MM / YY` at word `i`: the byte end.
    fn expiry_at(&self, i: usize) -> Option<usize> {
        let a = self.words[i];
        let b = *self.words.get(i + 1)?;
        if !a.digits || !b.digits || a.end - a.start > 2 {
            return None;
        }
        if i > 0 && self.words[i - 1].digits && matches!(self.gap_before(i), "/" | "-" | ".") {
            return None;
        }
        let month = number(self.raw(i))?;
        let year_len = b.end - b.start;
        let gap = self.gap(i).trim_matches(' ');
        let gap_ok = matches!(gap, "/" | "-" | ".") && self.gap(i).len() <= 3;
        if !(1..=12).contains(&month) || !gap_ok || !(year_len == 2 || year_len == 4) {
            return None;
        }
        if year_len == 4 && !self.raw(i + 1).starts_with("20") {
            return None;
        }
        // A third part makes it a full date, not an expiry.
        if i + 2 < self.words.len()
            && self.words[i + 2].digits
            && matches!(self.gap(i + 1), "/" | "-" | ".")
        {
            return None;
        }
        Some(b.end)
    }

    fn passport_after(&mut self, k: usize) {
        let Some(i) = self.digit_word(k, 5) else {
            return;
        };
        let word = self.words[i];
        let raw = self.raw(i);
        let len = raw.len();
        let digit_count = raw.bytes().filter(u8::is_ascii_digit).count();
        if word.ascii
            && (6..=10).contains(&len)
            && digit_count >= 1
            && !self.continues_after(i, None, None)
        {
            self.push(
                Category::Passport,
                None,
                word.start,
                word.end,
                Confidence::Likely,
            );
        }
    }

    fn password_after(&mut self, first: usize, k: usize) {
        // "ww" and "pw" are too short to trust without a colon or a preceding login.
        let bytes = self.text.as_bytes();
        let mut i = k;
        while i < self.words.len()
            && i < k + 3
            && matches!(
                self.lw(i),
                "is" | "ist"
                    | "est"
                    | "es"
                    | "è"
                    | "to"
                    | "jest"
                    | "yra"
                    | "c"
                    | "was"
                    | "e"
                    | "now"
                    | "teraz"
                    | "dabar"
            )
        {
            i += 1;
        }
        let mut s = self.words.get(i.saturating_sub(1)).map_or(0, |x| x.end);
        if i == k {
            s = self.words[k - 1].end;
        }
        while s < bytes.len() && matches!(bytes[s], b' ' | b':' | b'=' | b'"' | b'\'' | b'\t') {
            s += 1;
        }
        let gap_text = &self.text[self.words[k - 1].end..s];
        if gap_text.contains('\n') || s >= bytes.len() {
            return;
        }
        let mut e = s;
        while e < bytes.len() && !bytes[e].is_ascii_whitespace() {
            e += 1;
        }
        while e > s && matches!(bytes[e - 1], b'.' | b',' | b';' | b'"' | b'\'' | b')') {
            e -= 1;
        }
        while !self.text.is_char_boundary(e) {
            e += 1;
        }
        let value = &self.text[s..e];
        let has_digit = value.bytes().any(|c| c.is_ascii_digit());
        let has_symbol = value.chars().any(|c| !is_word_char(c));
        let mixed =
            value.chars().skip(1).any(char::is_uppercase) && value.chars().any(char::is_lowercase);
        let short_kw = self.lw(first).len() <= 3;
        let explicit = gap_text.contains(':') || gap_text.contains('=') || i > k;
        let is_email = value
            .split_once('@')
            .is_some_and(|(_, host)| host.contains('.'));
        if value.chars().count() < 4
            || is_email
            || !(has_digit || has_symbol || mixed)
            || (short_kw && !explicit && !has_digit)
        {
            return;
        }
        if value.starts_with("http") || value.chars().all(|c| c.is_ascii_digit()) && value.len() > 8
        {
            return;
        }
        self.push(Category::Password, None, s, e, Confidence::Likely);
    }

    fn age_after(&mut self, k: usize) {
        let Some(word) = self.words.get(k).copied() else {
            return;
        };
        if !word.digits || word.end - word.start > 3 {
            return;
        }
        if k > 0 && self.gap(k - 1).contains(['\n', '.', ',']) {
            return;
        }
        let Some(age) = number(self.raw(k)) else {
            return;
        };
        if !(1..=120).contains(&age) {
            return;
        }
        let unit = k + 1 < self.words.len()
            && self.gap(k).len() <= 2
            && self.table_at(k + 1, Table::AgeUnit).is_some();
        let english_lead = k >= 1 && matches!(self.lw(k - 1), "m" | "am" | "im");
        let bare_end = k + 1 >= self.words.len()
            || self.gap(k).trim_start().starts_with([',', '.', '!', ';'])
            || (self.gap(k) == " " && matches!(self.lw(k + 1), "and" | "now" | "but" | "so"));
        if unit || (english_lead && bare_end && age >= 13) {
            self.push(
                Category::Age,
                None,
                word.start,
                word.end,
                Confidence::Likely,
            );
        }
    }

    fn name_after(&mut self, first: usize, k: usize, strong: bool) {
        let _ = first;
        let mut i = k;
        let mut taken = 0;
        let mut end = 0;
        let mut all_capital = true;
        while i < self.words.len() && taken < 4 {
            let gap = if i == k { "" } else { self.gap(i - 1) };
            if i > k && !(gap == " " || gap == "-" || gap == "'") {
                break;
            }
            if i == k {
                let lead = self.gap(k - 1);
                if lead.len() > 3 || lead.contains('\n') {
                    return;
                }
            }
            let word = self.lw(i);
            let raw = self.raw(i);
            if !raw.chars().all(char::is_alphabetic) || raw.chars().count() < 2 {
                if taken == 0 || raw.chars().count() < 2 && raw.chars().all(char::is_alphabetic) {
                    // Allow a single letter only as an initial "J." is rare; stop.
                }
                break;
            }
            if taken == 0 && (w::NOT_NAME.contains(word) || w::AFTER_NAME.contains(word)) {
                return;
            }
            if taken > 0 && w::AFTER_NAME.contains(word) && !w::NAME_PARTICLES.contains(word) {
                break;
            }
            if taken > 0 && w::NOT_NAME.contains(word) && !w::NAME_PARTICLES.contains(word) {
                break;
            }
            if w::NAME_PARTICLES.contains(word) {
                // A particle only inside a name, followed by a capitalised or alphabetic word.
                if taken == 0 || i + 1 >= self.words.len() || self.gap(i) != " " {
                    break;
                }
            } else {
                all_capital &= raw.chars().next().is_some_and(char::is_uppercase);
                end = i;
            }
            taken += 1;
            i += 1;
        }
        if taken == 0 || end < k {
            return;
        }
        let count = end - k + 1;
        let ends_clean = end + 1 >= self.words.len() || {
            let g = self.gap(end);
            g.contains([',', '.', '!', '?', ';', '\n', ')', ':'])
                || g.trim().is_empty()
                    && end + 1 < self.words.len()
                    && w::AFTER_NAME.contains(self.lw(end + 1))
        };
        let lower_text = !self.text.chars().any(char::is_uppercase);
        let ok = if strong {
            all_capital || ends_clean || count >= 2
        } else {
            (all_capital || lower_text) && ends_clean && (count >= 2 || all_capital)
        };
        if ok {
            let confidence = if strong {
                Confidence::Likely
            } else {
                Confidence::Possible
            };
            self.push(
                Category::PersonName,
                None,
                self.words[k].start,
                self.words[end].end,
                confidence,
            );
        }
    }

    /// "Hi, Jessica Phillips here": one to three name words right before word `h`, after a
    /// greeting or at the start of a sentence.
    fn name_before(&mut self, h: usize) {
        if self.gap(h - 1) != " " {
            return;
        }
        let mut first = h;
        while first > 0 && h - first < 3 {
            let k = first - 1;
            let raw = self.raw(k);
            let word = self.lw(k);
            if raw.chars().count() < 2
                || !raw.chars().all(char::is_alphabetic)
                || w::NOT_NAME.contains(word)
                || w::AFTER_NAME.contains(word)
            {
                break;
            }
            first = k;
            let gap = self.gap_before(k);
            if k == 0 || gap.contains([',', '.', '!', '\n']) {
                break;
            }
            if gap != " " {
                return;
            }
        }
        if first == h {
            return;
        }
        let boundary = first == 0 || self.gap_before(first).contains([',', '.', '!', '\n']);
        let capital =
            (first..h).all(|k| self.raw(k).chars().next().is_some_and(char::is_uppercase));
        let lower_text = !self.text.chars().any(char::is_uppercase);
        if boundary
            && (capital || lower_text || h - first >= 2)
            && !(first > 0 && matches!(self.lw(first - 1), "from" | "von" | "de" | "da"))
        {
            self.push(
                Category::PersonName,
                None,
                self.words[first].start,
                self.words[h - 1].end,
                Confidence::Possible,
            );
        }
    }

    fn address_after(&mut self, k: usize) {
        let mut i = k;
        // A colon within the next words marks where the address starts.
        while i < self.words.len()
            && i < k + 4
            && (w::ADDRESS_FILLER.contains(self.lw(i))
                || !self.words[i].digits && self.gap(i).starts_with(':') && i < k + 3)
        {
            if self.gap(i).contains(':') {
                i += 1;
                break;
            }
            i += 1;
        }
        if i >= self.words.len()
            || self.gap_before(i).contains('\n')
                && !self
                    .gap_before(i)
                    .trim_start_matches([' ', ':'])
                    .starts_with('\n')
        {
            return;
        }
        let start = self.words[i].start;
        let mut last = i;
        let mut has_digit = false;
        let mut j = i;
        while j < self.words.len() && j < i + 11 {
            let word = self.lw(j);
            if j > i && w::ADDRESS_TAIL.contains(word) {
                break;
            }
            has_digit |= self.raw(j).bytes().any(|b| b.is_ascii_digit());
            last = j;
            let gap = self.gap(j);
            let abbreviation = gap.starts_with('.') && w::ADDRESS_ABBREVIATIONS.contains(word);
            // "Flat 2" or "Studio 6" on a line of its own continues on the next line.
            let first_line = gap == "\n"
                && j - i == 1
                && self.words[j].digits.then_some(()).or(Some(())).is_some()
                && self.raw(j).bytes().any(|b| b.is_ascii_digit());
            if !first_line
                && (gap.contains(['!', '?', ';', '(', '\n'])
                    || (gap.starts_with('.') && !abbreviation)
                    || has(gap, " - "))
            {
                break;
            }
            if j + 1 < self.words.len()
                && (self.words[j + 1].start - self.words[j].end > 3 || has(gap, "  "))
            {
                break;
            }
            j += 1;
        }
        let end = self.words[last].end;
        let has_name = self.words[i..=last].iter().enumerate().any(|(n, x)| {
            let raw = self.raw(i + n);
            raw.chars().count() >= 3 && raw.chars().all(char::is_alphabetic) && !x.digits
        });
        if has_digit && has_name && end - start >= 6 {
            self.push(
                Category::StreetAddress,
                None,
                start,
                end,
                Confidence::Possible,
            );
        }
    }

    // ----------------------------------------------------------------------------------
    // Street addresses by their shape, without a label: a street type, a name and a house
    // number, then perhaps a postcode and a town.

    fn is_house_number(&self, i: usize) -> bool {
        let raw = self.raw(i);
        let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
        (1..=5).contains(&digits) && raw.len() - digits <= 1
    }

    fn is_name_word(&self, i: usize) -> bool {
        let raw = self.raw(i);
        raw.chars().all(char::is_alphabetic)
            && (raw.chars().next().is_some_and(char::is_uppercase)
                || w::NAME_PARTICLES.contains(self.lw(i)))
    }

    fn addresses_by_shape(&mut self) {
        let n = self.words.len();
        for i in 0..n {
            let word = self.lw(i);
            let mut found: Option<(usize, usize)> = None;
            if (self.raw(i).chars().next().is_some_and(char::is_uppercase)
                || self.gap(i).starts_with('.'))
                && w::STREET_BEFORE.contains(word)
            {
                // Type, one to four name words, house number.
                let mut k = i + 1;
                while k < n
                    && k <= i + 4
                    && self.is_name_word(k)
                    && !self.gap(k - 1).contains(['\n', ',', ';'])
                {
                    k += 1;
                }
                if k > i + 1
                    && k < n
                    && self.is_house_number(k)
                    && self.gap(k - 1).trim_start_matches(',').trim().is_empty()
                    && self.gap(k - 1).len() <= 3
                {
                    found = Some((i, k));
                }
            } else if self.words[i].has_digit && self.is_house_number(i) && i + 2 < n {
                // House number first: "23, rue de Hebert", "221B Baker Street".
                let gap = self.gap(i);
                if gap.trim_start_matches(',').trim().is_empty() && gap.len() <= 3 {
                    let k = i + 1;
                    if w::STREET_BEFORE.contains(self.lw(k))
                        && self.words[k].end - self.words[k].start >= 3
                    {
                        let mut e = k + 1;
                        while e + 1 < n
                            && e < k + 4
                            && self.gap(e) == " "
                            && self.is_name_word(e + 1)
                        {
                            e += 1;
                        }
                        if e > k && self.is_name_word(e) {
                            found = Some((i, e));
                        }
                    } else {
                        let mut e = k;
                        while e < n
                            && e < k + 3
                            && self.is_name_word(e)
                            && (e == k || self.gap(e - 1) == " ")
                        {
                            if e > k
                                && w::STREET_AFTER.contains(self.lw(e))
                                && self.lw(e).len() >= 4
                            {
                                found = Some((i, e));
                                break;
                            }
                            e += 1;
                        }
                    }
                }
            } else if i + 1 < n && self.is_house_number(i + 1) && self.gap(i).len() <= 3 {
                // Name with a street ending, then the number: "Hauptstraße 5", "Pylimo g. 31".
                let hyphenated = i > 0 && self.gap_before(i) == "-" && self.is_name_word(i - 1);
                let compound = (w::STREET_SUFFIXES
                    .iter()
                    .any(|suffix| word.len() > suffix.len() + 2 && word.ends_with(suffix))
                    && self.raw(i).chars().next().is_some_and(char::is_uppercase))
                    || (hyphenated && w::STREET_SUFFIXES.contains(word));
                let typed = w::STREET_AFTER.contains(word)
                    && i > 0
                    && self.is_name_word(i - 1)
                    && self.gap(i - 1) == " ";
                if compound
                    || (typed && word.len() <= 2 && self.gap(i).starts_with('.'))
                    || (typed && word.len() > 3)
                {
                    let mut start = i;
                    while start > 0
                        && start + 3 > i
                        && matches!(self.gap_before(start), "-" | " ")
                        && self.is_name_word(start - 1)
                        && !(compound && self.gap_before(start) == " ")
                    {
                        start -= 1;
                    }
                    if typed {
                        start = i - 1;
                    }
                    found = Some((start, i + 1));
                }
            }
            let Some((start, mut end)) = found else {
                continue;
            };
            if self.distance_back(start, Table::Lookalike, 2).is_some() {
                continue;
            }
            // "/37" or "-78" flat numbers.
            if end + 1 < n && matches!(self.gap(end), "/" | "-") && self.words[end + 1].has_digit {
                end += 1;
            }
            // A postcode and a town.
            if end + 1 < n && matches!(self.gap(end), ", " | " ") && self.words[end + 1].has_digit {
                let mut k = end + 1;
                if k + 1 < n && self.words[k + 1].has_digit && matches!(self.gap(k), "-" | " ") {
                    k += 1;
                }
                let mut town = k;
                while town + 1 < n
                    && town < k + 3
                    && matches!(self.gap(town), " " | "-")
                    && self.is_name_word(town + 1)
                {
                    town += 1;
                }
                if town > k {
                    end = town;
                }
            }
            self.push(
                Category::StreetAddress,
                None,
                self.words[start].start,
                self.words[end].end,
                Confidence::Possible,
            );
        }
    }

    // ----------------------------------------------------------------------------------
    // Dates of birth: any real date near a birth word.

    fn dates(&mut self) {
        let n = self.words.len();
        let mut i = 0;
        while i < n {
            if let Some((last, end, year)) = self.date_at(i) {
                let before = self.distance_back(i, Table::Birth, 6).is_some();
                let after = (last + 1..(last + 3).min(n)).any(|x| {
                    matches!(
                        self.lw(x),
                        "geboren"
                            | "born"
                            | "urodzony"
                            | "urodzona"
                            | "nato"
                            | "nata"
                            | "né"
                            | "née"
                            | "gimiau"
                            | "gimęs"
                            | "gimusi"
                    )
                });
                if (before || after) && (1900..=2026).contains(&year) {
                    self.push(
                        Category::DateOfBirth,
                        None,
                        self.words[i].start,
                        end,
                        Confidence::Likely,
                    );
                }
                i = last + 1;
            } else {
                i += 1;
            }
        }
    }

    fn month_at(&self, i: usize) -> Option<u32> {
        if i >= self.words.len() {
            return None;
        }
        self.lexicon.month(self.lw(i)).map(u32::from)
    }

    fn number_at(&self, i: usize, max_len: usize) -> Option<u32> {
        let word = self.words.get(i)?;
        if !word.digits || word.end - word.start > max_len {
            return None;
        }
        number(self.raw(i))
    }

    /// A date starting at word `i`: (last word, byte end, year).
    fn date_at(&self, i: usize) -> Option<(usize, usize, u32)> {
        let n = self.words.len();
        let near = |a: usize| a + 1 < n && self.gap(a).len() <= 4 && !self.gap(a).contains('\n');
        let full_year = |y: u32, len: usize| {
            if len == 2 {
                if y <= 26 { 2000 + y } else { 1900 + y }
            } else {
                y
            }
        };
        let word = self.words[i];
        if word.digits {
            let len = word.end - word.start;
            let a = self.number_at(i, 4)?;
            if !near(i) {
                return None;
            }
            if let Some(b) = self.number_at(i + 1, 2) {
                // Numeric: d.m.y, m/d/y, y-m-d.
                let sep = self.gap(i).trim();
                if !matches!(sep, "." | "/" | "-") || !near(i + 1) || self.gap(i + 1).trim() != sep
                {
                    return None;
                }
                let c_word = self.words[i + 2];
                let c_len = c_word.end - c_word.start;
                let c = self.number_at(i + 2, 4)?;
                let end = c_word.end;
                if len == 4 && c_len <= 2 {
                    return ck::is_valid_date(a, b, c).then_some((i + 2, end, a));
                }
                if len > 2 || !(c_len == 2 || c_len == 4) {
                    return None;
                }
                let y = full_year(c, c_len);
                if ck::is_valid_date(y, b, a) || ck::is_valid_date(y, a, b) {
                    let mut end = end;
                    let rest = &self.lower[end..];
                    if rest.starts_with(" r.") {
                        end += 3;
                    }
                    return Some((i + 2, end, y));
                }
                return None;
            }
            if len == 4 {
                // 2006 m. rugpjūčio 24 d.
                let mut k = i + 1;
                if self.lw(k) == "m" {
                    k += 1;
                }
                let day = self.number_at(k + 1, 2)?;
                let month = self.month_at(k)?;
                let mut last = k + 1;
                if last + 1 < n && self.lw(last + 1) == "d" && self.gap(last) == " " {
                    last += 1;
                }
                let mut end = self.words[last].end;
                if self.lw(last) == "d" && self.text[end..].starts_with('.') {
                    end += 1;
                }
                return ck::is_valid_date(a, month, day).then_some((last, end, a));
            }
            // 14 de mayo de 1980, 22. Mai 1980, 8 Feb 1961, 3rd of May 1990
            let mut k = i + 1;
            if matches!(self.lw(k), "de" | "of") && near(k) {
                k += 1;
            }
            if !near(k) {
                return None;
            }
            let mut y_at = k + 1;
            if matches!(self.lw(y_at), "de" | "del") && near(y_at) {
                y_at += 1;
            }
            let year = self
                .number_at(y_at, 4)
                .filter(|_| self.words[y_at].end - self.words[y_at].start == 4)?;
            let month = self.month_at(k)?;
            return ck::is_valid_date(year, month, a).then_some((y_at, self.words[y_at].end, year));
        }
        // 3rd of May 1985
        let ordinal = self.lw(i);
        let digits = ordinal.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=2).contains(&digits)
            && matches!(&ordinal[digits..], "st" | "nd" | "rd" | "th" | "er" | "e")
        {
            let day = number(&ordinal[..digits])?;
            let mut k = i + 1;
            if k < n && matches!(self.lw(k), "of" | "de") && near(i) {
                k += 1;
            }
            let year = self
                .number_at(k + 1, 4)
                .filter(|_| self.words[k + 1].end - self.words[k + 1].start == 4)?;
            let month = self.month_at(k).filter(|_| near(k - 1) && near(k))?;
            return ck::is_valid_date(year, month, day).then_some((
                k + 1,
                self.words[k + 1].end,
                year,
            ));
        }
        // May 23, 2005 / January 6 1977 / May 23rd 2005. Here and above, the numbers are
        // checked before the month: they rule out most words, and the month tables are read
        // in full.
        if !near(i) {
            return None;
        }
        let day_raw = self.lw(i + 1);
        let digits_end = day_raw.bytes().take_while(u8::is_ascii_digit).count();
        if digits_end == 0
            || digits_end > 2
            || !matches!(&day_raw[digits_end..], "" | "st" | "nd" | "rd" | "th")
        {
            return None;
        }
        let month = self.month_at(i)?;
        let day = number(&day_raw[..digits_end])?;
        if !near(i + 1) {
            return None;
        }
        let year = self
            .number_at(i + 2, 4)
            .filter(|_| self.words[i + 2].end - self.words[i + 2].start == 4)?;
        ck::is_valid_date(year, month, day).then_some((i + 2, self.words[i + 2].end, year))
    }

    // ----------------------------------------------------------------------------------

    /// Settles overlaps (higher confidence, then longer, wins) and sorts by start.
    fn settle(mut self) -> Vec<Finding> {
        crate::sort_few(&mut self.out, &|a, b| {
            b.confidence
                .cmp(&a.confidence)
                .then(rank(a.category).cmp(&rank(b.category)))
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(a.start.cmp(&b.start))
                .is_gt()
        });
        let mut kept: Vec<Candidate> = Vec::with_capacity(self.out.len());
        for c in self.out {
            if kept.iter().all(|k| c.end <= k.start || c.start >= k.end) {
                kept.push(c);
            }
        }
        crate::sort_few(&mut kept, &|a, b| a.start > b.start);
        kept.into_iter()
            .map(|c| Finding {
                category: c.category,
                subtype: c.subtype,
                range: c.start..c.end,
                confidence: c.confidence,
            })
            .collect()
    }
}

/// Which category wins a tie: the ones named by their own context words first, the
/// generic phone number last.
fn rank(category: Category) -> u8 {
    match category {
        Category::Phone => 3,
        Category::StreetAddress | Category::PersonName => 2,
        Category::Age => 1,
        _ => 0,
    }
}

/// The IBAN country code as a `'static` subtype.
fn country_name(code: &str) -> Option<&'static str> {
    const CODES: &[&str] = &[
        "AD", "AE", "AL", "AT", "AZ", "BA", "BE", "BG", "BH", "BR", "BY", "CH", "CR", "CY", "CZ",
        "DE", "DK", "DO", "EE", "EG", "ES", "FI", "FO", "FR", "GB", "GE", "GI", "GL", "GR", "GT",
        "HR", "HU", "IE", "IL", "IQ", "IS", "IT", "JO", "KW", "KZ", "LB", "LC", "LI", "LT", "LU",
        "LV", "MC", "MD", "ME", "MK", "MR", "MT", "MU", "NL", "NO", "PK", "PL", "PS", "PT", "QA",
        "RO", "RS", "SA", "SC", "SE", "SI", "SK", "SM", "ST", "SV", "TL", "TN", "TR", "UA", "VA",
        "VG", "XK",
    ];
    CODES.iter().copied().find(|c| c.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::lower_latin;

    /// The lower case the standard library gives, where it is one character of the same
    /// length in UTF-8; otherwise the character itself.
    fn std_lower(c: char) -> char {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(x), None) if x.len_utf8() == c.len_utf8() => x,
            _ => c,
        }
    }

    #[test]
    fn latin_letters_lower_as_the_standard_library_lowers_them() {
        for c in '\0'..='\u{17F}' {
            assert_eq!(lower_latin(c), std_lower(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn other_characters_stay_or_lower_as_the_standard_library_does() {
        for c in '\u{180}'..=char::MAX {
            let lower = lower_latin(c);
            assert!(
                lower == c || lower == std_lower(c),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn every_letter_keeps_its_length() {
        for c in '\0'..=char::MAX {
            assert_eq!(
                lower_latin(c).len_utf8(),
                c.len_utf8(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }
}
