//! Check digits and structure rules, one small pure function per scheme.
//!
//! Every function takes the value already compacted (separators removed, letters upper-case
//! where the scheme has letters) and answers whether the real thing could look like this.
//! None of them allocates or panics, whatever the input.

/// The card networks told apart by their issuer ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CardNetwork {
    /// Visa: starts with 4, 13, 16 or 19 digits.
    Visa,
    /// Mastercard: 51–55 and 2221–2720, 16 digits.
    Mastercard,
    /// American Express: 34 or 37, 15 digits.
    Amex,
    /// Discover: 6011, 644–649, 65, 16–19 digits.
    Discover,
    /// Diners Club: 300–305, 36, 38, 39, 14–19 digits.
    Diners,
    /// JCB: 3528–3589, 16–19 digits.
    Jcb,
    /// Maestro: 50, 56–58, 6 (outside the ranges above), 12–19 digits.
    Maestro,
    /// UnionPay: 62, 16–19 digits.
    UnionPay,
}

impl CardNetwork {
    /// The network's name in upper case, as the benchmark's subtypes spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            CardNetwork::Visa => "VISA",
            CardNetwork::Mastercard => "MASTERCARD",
            CardNetwork::Amex => "AMEX",
            CardNetwork::Discover => "DISCOVER",
            CardNetwork::Diners => "DINERS",
            CardNetwork::Jcb => "JCB",
            CardNetwork::Maestro => "MAESTRO",
            CardNetwork::UnionPay => "UNIONPAY",
        }
    }
}

/// Reads the leading `n` digits of `digits` as a number (`digits` must be ASCII digits).
fn prefix(digits: &[u8], n: usize) -> u32 {
    digits
        .iter()
        .take(n)
        .fold(0, |acc, d| acc * 10 + u32::from(d.wrapping_sub(b'0')))
}

fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// The Luhn (mod 10) check used by payment cards and IMEIs: true when `digits` (ASCII
/// digits only, at least two) sum to a multiple of ten with every second digit from the
/// right doubled.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.len() < 2 || !all_digits(digits) {
        return false;
    }
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// The network whose issuer range and length fit `digits`, ignoring the Luhn check.
pub fn card_network(digits: &[u8]) -> Option<CardNetwork> {
    if !all_digits(digits) {
        return None;
    }
    let len = digits.len();
    let p1 = prefix(digits, 1);
    let p2 = prefix(digits, 2);
    let p3 = prefix(digits, 3);
    let p4 = prefix(digits, 4);
    let network = if p1 == 4 && matches!(len, 13 | 16 | 19) {
        CardNetwork::Visa
    } else if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        CardNetwork::Mastercard
    } else if (p2 == 34 || p2 == 37) && len == 15 {
        CardNetwork::Amex
    } else if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&len) {
        CardNetwork::Discover
    } else if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39)
        && (14..=19).contains(&len)
    {
        CardNetwork::Diners
    } else if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        CardNetwork::Jcb
    } else if p2 == 62 && (16..=19).contains(&len) {
        CardNetwork::UnionPay
    } else if (p2 == 50 || (56..=58).contains(&p2) || p1 == 6) && (12..=19).contains(&len) {
        CardNetwork::Maestro
    } else {
        return None;
    };
    Some(network)
}

/// A payment card number: an issuer range and length that exist, and a valid Luhn digit.
pub fn card(digits: &[u8]) -> Option<CardNetwork> {
    card_network(digits).filter(|_| luhn(digits))
}

/// The IBAN length of each country that issues them (ISO 13616 registry).
const IBAN_LENGTHS: &[(&[u8; 2], u8)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

/// The IBAN length a country prescribes, if it issues IBANs (`country` upper case).
pub fn iban_length(country: &[u8]) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| c.as_slice() == country)
        .map(|&(_, len)| usize::from(len))
}

/// ISO 7064 mod 97-10 over an IBAN-like string (upper-case letters and digits), with the
/// first four characters moved to the end: the remainder a valid IBAN leaves is 1.
pub fn mod97(value: &[u8]) -> Option<u32> {
    if value.len() < 5 {
        return None;
    }
    let mut rem = 0u32;
    for &c in value[4..].iter().chain(&value[..4]) {
        rem = match c {
            b'0'..=b'9' => (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(c - b'A' + 10)) % 97,
            _ => return None,
        };
    }
    Some(rem)
}

/// An IBAN (compact, upper case): a known country, its exact length, check digits, and
/// mod-97 remainder 1.
pub fn iban(value: &[u8]) -> bool {
    value.len() >= 5
        && value[..2].iter().all(u8::is_ascii_uppercase)
        && all_digits(&value[2..4])
        && value[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && iban_length(&value[..2]) == Some(value.len())
        && mod97(value) == Some(1)
}

/// True when day, month and year name a real calendar day (Gregorian, leap years included).
pub fn is_valid_date(year: u32, month: u32, day: u32) -> bool {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A UK National Insurance number (compact, upper case): two prefix letters allowed by HMRC,
/// six digits, suffix A–D.
pub fn uk_nino(value: &[u8]) -> bool {
    if value.len() != 9 {
        return false;
    }
    let (a, b) = (value[0], value[1]);
    let letters_ok = a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !b"DFIQUV".contains(&a)
        && !b"DFIOQUV".contains(&b);
    let prefix_ok = !matches!(
        &value[..2],
        b"BG" | b"GB" | b"NK" | b"KN" | b"TN" | b"NT" | b"ZZ"
    );
    letters_ok && prefix_ok && all_digits(&value[2..8]) && (b'A'..=b'D').contains(&value[8])
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// A Spanish DNI (eight digits and a letter) or NIE (X, Y or Z, seven digits and a letter)
/// whose letter matches the number mod 23.
pub fn es_dni_or_nie(value: &[u8]) -> Option<&'static str> {
    if value.len() != 9 {
        return None;
    }
    let (lead, kind) = match value[0] {
        b'X' => (0, "ES_NIE"),
        b'Y' => (1, "ES_NIE"),
        b'Z' => (2, "ES_NIE"),
        b'0'..=b'9' => (u32::from(value[0] - b'0'), "ES_DNI"),
        _ => return None,
    };
    if !all_digits(&value[1..8]) {
        return None;
    }
    let number = value[1..8]
        .iter()
        .fold(lead, |acc, d| acc * 10 + u32::from(d - b'0'));
    (DNI_LETTERS[(number % 23) as usize] == value[8]).then_some(kind)
}

/// The values of characters in odd positions (1st, 3rd...) of an Italian codice fiscale.
const CF_ODD: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// An Italian codice fiscale (16 characters, upper case): the letter/digit layout (with
/// omocodia letters allowed in digit places) and the final check letter.
pub fn it_codice_fiscale(value: &[u8]) -> bool {
    if value.len() != 16 {
        return false;
    }
    const OMOCODIA: &[u8] = b"LMNPQRSTUV";
    let layout_ok = value.iter().enumerate().all(|(i, &c)| match i {
        0..=5 | 8 | 11 | 15 => c.is_ascii_uppercase(),
        _ => c.is_ascii_digit() || OMOCODIA.contains(&c),
    });
    if !layout_ok || !b"ABCDEHLMPRST".contains(&value[8]) {
        return false;
    }
    let mut sum = 0;
    for (i, &c) in value[..15].iter().enumerate() {
        let idx = if c.is_ascii_digit() {
            c - b'0'
        } else {
            c - b'A'
        } as usize;
        sum += if i % 2 == 0 { CF_ODD[idx] } else { idx as u32 };
    }
    value[15] == b'A' + (sum % 26) as u8
}

fn digit_values<const N: usize>(value: &[u8]) -> Option<[u32; N]> {
    if value.len() != N || !all_digits(value) {
        return None;
    }
    let mut out = [0; N];
    for (o, d) in out.iter_mut().zip(value) {
        *o = u32::from(d - b'0');
    }
    Some(out)
}

/// A Polish PESEL: eleven digits, a real birth date (the month carries the century) and the
/// weighted check digit.
pub fn pl_pesel(value: &[u8]) -> bool {
    let Some(d) = digit_values::<11>(value) else {
        return false;
    };
    const W: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = d.iter().zip(W).map(|(a, w)| a * w).sum();
    let check_ok = (10 - sum % 10) % 10 == d[10];
    let yy = d[0] * 10 + d[1];
    let mm = d[2] * 10 + d[3];
    let (century, month) = match mm {
        1..=12 => (1900, mm),
        21..=32 => (2000, mm - 20),
        41..=52 => (2100, mm - 40),
        61..=72 => (2200, mm - 60),
        81..=92 => (1800, mm - 80),
        _ => return false,
    };
    check_ok && is_valid_date(century + yy, month, d[4] * 10 + d[5])
}

/// A Lithuanian asmens kodas: eleven digits, a first digit 1–6 giving sex and century, a
/// real birth date and the two-pass weighted check digit.
pub fn lt_asmens_kodas(value: &[u8]) -> bool {
    let Some(d) = digit_values::<11>(value) else {
        return false;
    };
    let century = match d[0] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return false,
    };
    let date_ok = is_valid_date(
        century + d[1] * 10 + d[2],
        d[3] * 10 + d[4],
        d[5] * 10 + d[6],
    );
    let weighted = |w: [u32; 10]| d.iter().zip(w).map(|(a, w)| a * w).sum::<u32>() % 11;
    let mut check = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    if check == 10 {
        check = weighted([3, 4, 5, 6, 7, 8, 9, 1, 2, 3]);
        if check == 10 {
            check = 0;
        }
    }
    date_ok && check == d[10]
}

/// A French NIR (numéro de sécurité sociale): 13 characters (digits, or 2A/2B for Corsica in
/// the department) and a two-digit key equal to 97 minus the number mod 97.
pub fn fr_nir(value: &[u8]) -> bool {
    if value.len() != 15 || !matches!(value[0], b'1' | b'2' | b'3' | b'7' | b'8') {
        return false;
    }
    let corsica = match &value[5..7] {
        b"2A" => Some(19),
        b"2B" => Some(18),
        _ => None,
    };
    if !all_digits(&value[..5])
        || !all_digits(&value[7..])
        || (corsica.is_none() && !all_digits(&value[5..7]))
    {
        return false;
    }
    let mm = u32::from(value[3] - b'0') * 10 + u32::from(value[4] - b'0');
    if !(1..=12).contains(&mm) && !(20..=42).contains(&mm) && mm != 99 {
        return false;
    }
    let mut n: u64 = 0;
    for (i, &c) in value[..13].iter().enumerate() {
        let v = if (5..7).contains(&i) && corsica.is_some() {
            0
        } else {
            u64::from(c - b'0')
        };
        n = n * 10 + v;
    }
    if let Some(sub) = corsica {
        // 2A and 2B are read as 19 and 18 with the rest of the number shifted accordingly.
        let dept_pos = 10u64.pow(6);
        n += sub * dept_pos;
    }
    let key = u64::from(value[13] - b'0') * 10 + u64::from(value[14] - b'0');
    key == 97 - n % 97
}

/// A German Steuer-Identifikationsnummer: eleven digits, no leading zero, one digit in the
/// first ten appearing two or three times (and no more than one such digit), and the ISO
/// 7064 mod 11,10 check digit.
pub fn de_steuer_id(value: &[u8]) -> bool {
    let Some(d) = digit_values::<11>(value) else {
        return false;
    };
    if d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[x as usize] += 1;
    }
    let repeated = counts.iter().filter(|&&c| c > 1).count();
    let max = counts.iter().copied().max().unwrap_or(0);
    if repeated != 1 || max > 3 {
        return false;
    }
    let mut product = 10;
    for &x in &d[..10] {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == d[10]
}

/// A Dutch BSN: nine digits passing the "11-test" (weights 9..2 and -1), not all zero.
pub fn nl_bsn(value: &[u8]) -> bool {
    let Some(d) = digit_values::<9>(value) else {
        return false;
    };
    let sum: i64 = d[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&a, w)| i64::from(a) * w)
        .sum::<i64>()
        - i64::from(d[8]);
    d.iter().any(|&x| x != 0) && sum % 11 == 0
}

/// A US Social Security number's structure: area not 000, 666 or 900–999, group not 00,
/// serial not 0000.
pub fn us_ssn(value: &[u8]) -> bool {
    let Some(d) = digit_values::<9>(value) else {
        return false;
    };
    let area = d[0] * 100 + d[1] * 10 + d[2];
    let group = d[3] * 10 + d[4];
    let serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8];
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// A dotted-quad IPv4 address: four decimal parts 0–255 without leading zeros.
pub fn ipv4(value: &[u8]) -> bool {
    let mut parts = 0;
    for part in value.split(|&c| c == b'.') {
        parts += 1;
        if part.is_empty()
            || part.len() > 3
            || !all_digits(part)
            || (part.len() > 1 && part[0] == b'0')
        {
            return false;
        }
        if prefix(part, 3) > 255 {
            return false;
        }
    }
    parts == 4
}

/// An IPv6 address in colon-hex form: eight groups of 1–4 hex digits, or fewer with one
/// `::` standing for the missing zero groups.
pub fn ipv6(value: &[u8]) -> bool {
    if value.len() < 2 || value.len() > 39 {
        return false;
    }
    let compressed = value.windows(2).filter(|w| w == b"::").count();
    if compressed > 1 {
        return false;
    }
    let mut groups = 0;
    let rest = value;
    if compressed == 1 {
        // Split once around "::" and check each side as plain groups.
        let at = value.windows(2).position(|w| w == b"::").unwrap_or(0);
        let (left, right) = (&value[..at], &value[at + 2..]);
        let count = |s: &[u8]| -> Option<usize> {
            if s.is_empty() {
                return Some(0);
            }
            let mut n = 0;
            for g in s.split(|&c| c == b':') {
                if g.is_empty() || g.len() > 4 || !g.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                n += 1;
            }
            Some(n)
        };
        return match (count(left), count(right)) {
            (Some(l), Some(r)) => l + r <= 7,
            _ => false,
        };
    }
    for g in rest.split(|&c| c == b':') {
        if g.is_empty() || g.len() > 4 || !g.iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        groups += 1;
    }
    groups == 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_known_test_cards() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"79927398713"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b"1"));
    }

    #[test]
    fn card_networks_follow_issuer_ranges() {
        assert_eq!(card(b"4111111111111111"), Some(CardNetwork::Visa));
        assert_eq!(card(b"5555555555554444"), Some(CardNetwork::Mastercard));
        assert_eq!(card(b"2221000000000009"), Some(CardNetwork::Mastercard));
        assert_eq!(card(b"378282246310005"), Some(CardNetwork::Amex));
        assert_eq!(card(b"6011111111111117"), Some(CardNetwork::Discover));
        assert_eq!(card(b"30569309025904"), Some(CardNetwork::Diners));
        assert_eq!(card(b"3530111333300000"), Some(CardNetwork::Jcb));
        // Luhn-valid but no issuer starts with 1.
        assert_eq!(card(b"1234567812345670"), None);
    }

    #[test]
    fn iban_checks_length_and_mod97() {
        assert!(iban(b"DE89370400440532013000"));
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(!iban(b"DE89370400440532013001"));
        assert!(!iban(b"DE8937040044053201300"));
        // Creditor references use mod 97 too but RF is no country.
        assert!(!iban(b"RF18539007547034"));
    }

    #[test]
    fn national_ids_accept_known_examples() {
        assert!(uk_nino(b"AB123456C"));
        assert!(!uk_nino(b"GB123456C"));
        assert_eq!(es_dni_or_nie(b"12345678Z"), Some("ES_DNI"));
        assert_eq!(es_dni_or_nie(b"X1234567L"), Some("ES_NIE"));
        assert_eq!(es_dni_or_nie(b"12345678A"), None);
        assert!(it_codice_fiscale(b"RSSMRA85T10A562S"));
        assert!(!it_codice_fiscale(b"RSSMRA85T10A562T"));
        assert!(pl_pesel(b"44051401359"));
        assert!(!pl_pesel(b"44051401358"));
        assert!(lt_asmens_kodas(b"33309240064"));
        assert!(!lt_asmens_kodas(b"33309240065"));
        assert!(fr_nir(b"164098519118597"));
        assert!(!fr_nir(b"164098519118598"));
        assert!(de_steuer_id(b"86095742719"));
        assert!(!de_steuer_id(b"86095742718"));
        assert!(nl_bsn(b"111222333"));
        assert!(!nl_bsn(b"111222334"));
        assert!(us_ssn(b"123456789"));
        assert!(!us_ssn(b"666456789"));
        assert!(!us_ssn(b"900456789"));
    }

    #[test]
    fn dates_and_addresses() {
        assert!(is_valid_date(2000, 2, 29));
        assert!(!is_valid_date(1900, 2, 29));
        assert!(!is_valid_date(2024, 13, 1));
        assert!(ipv4(b"192.168.0.1"));
        assert!(!ipv4(b"192.168.0.256"));
        assert!(!ipv4(b"1.2.3"));
        assert!(ipv6(b"2001:db8:0:0:0:0:2:1"));
        assert!(ipv6(b"2001:db8::1"));
        assert!(!ipv6(b"2001:db8::1::2"));
        assert!(!ipv6(b"12:30"));
    }
}
