//! Detection behaviour written down as data (`tests/data/detect/*.jsonl`, one case a line:
//! valid values, wrong checksums and look-alikes per category and locale), property tests
//! of every checksum against an obviously-correct naive version, and scanning arbitrary
//! input without panics.

use std::path::Path;

use chatward_core::{ScanOptions, Scanner, checks};
use proptest::prelude::*;

/// The shop contacts the data cases treat as allowed.
const ALLOW: &[&str] = &["1-800-555-0199", "support@shopwise.com"];

#[derive(serde::Deserialize)]
struct Case {
    text: String,
    expect: Vec<Expected>,
    note: String,
}

#[derive(serde::Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    #[serde(rename = "type")]
    category: String,
    value: String,
}

/// Runs every case of every data file; reports all failures at once.
#[test]
fn data_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/detect");
    let scanner = Scanner::new(&ScanOptions {
        allow: ALLOW.iter().map(|s| s.to_string()).collect(),
    });
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/detect exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no data files in {}", dir.display());
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable data file");
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let case: Case = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), n + 1));
            count += 1;
            let mut found: Vec<Expected> = scanner
                .scan(&case.text)
                .into_iter()
                .map(|f| Expected {
                    category: f.category.as_str().to_string(),
                    value: case.text[f.range].to_string(),
                })
                .collect();
            let mut expect = case.expect;
            found.sort();
            expect.sort();
            if found != expect {
                failures.push(format!(
                    "{}:{} ({}): expected {expect:?}, found {found:?}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    n + 1,
                    case.note
                ));
            }
        }
    }
    assert!(count > 50, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Naive versions, written straight from each scheme's definition.

fn digits(s: &str) -> Vec<u32> {
    s.chars().map(|c| c.to_digit(10).unwrap()).collect()
}

fn naive_luhn(s: &str) -> bool {
    // Double every second digit from the right, write the results out and add all digits.
    let written: String = s
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap();
            if i % 2 == 1 {
                (d * 2).to_string()
            } else {
                d.to_string()
            }
        })
        .collect();
    s.len() >= 2
        && written
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .sum::<u32>()
            % 10
            == 0
}

fn naive_mod97(s: &str) -> u32 {
    // Rearrange, spell letters as numbers, then reduce nine digits at a time.
    let moved = format!("{}{}", &s[4..], &s[..4]);
    let numeric: String = moved
        .chars()
        .map(|c| c.to_digit(36).unwrap().to_string())
        .collect();
    let mut rem: u64 = 0;
    for chunk in numeric.as_bytes().chunks(9) {
        let text = std::str::from_utf8(chunk).unwrap();
        rem = (rem * 10u64.pow(text.len() as u32) + text.parse::<u64>().unwrap()) % 97;
    }
    rem as u32
}

fn naive_pesel_check(s: &str) -> bool {
    let d = digits(s);
    let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3, 1];
    d.iter().zip(weights).map(|(a, w)| a * w).sum::<u32>() % 10 == 0
}

fn naive_lt_check(s: &str) -> u32 {
    let d = digits(s);
    let first: u32 = (0..10).map(|i| d[i] * (i as u32 % 9 + 1)).sum::<u32>() % 11;
    if first != 10 {
        return first;
    }
    let second: u32 = (0..10)
        .map(|i| d[i] * ((i as u32 + 2) % 9 + 1))
        .sum::<u32>()
        % 11;
    if second == 10 { 0 } else { second }
}

fn naive_bsn(s: &str) -> bool {
    let d = digits(s);
    let sum: i64 = (0..8).map(|i| (9 - i as i64) * d[i] as i64).sum::<i64>() - d[8] as i64;
    sum.rem_euclid(11) == 0 && d.iter().any(|&x| x != 0)
}

fn naive_steuer_check(s: &str) -> u32 {
    // ISO 7064 MOD 11,10 as the standard writes it.
    let d = digits(s);
    let mut p = 10;
    for &x in &d[..10] {
        let mut t = (x + p) % 10;
        if t == 0 {
            t = 10;
        }
        p = (2 * t) % 11;
    }
    if p == 1 { 0 } else { 11 - p }
}

fn naive_nir_key(s: &str) -> u64 {
    97 - s[..13].parse::<u64>().unwrap() % 97
}

fn naive_dni_letter(n: u32) -> char {
    "TRWAGMYFPDXBNJZSQVHLCKE"
        .chars()
        .nth((n % 23) as usize)
        .unwrap()
}

fn naive_cf_check(s: &str) -> char {
    let odd = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let mut total = 0;
    for (i, c) in s.chars().take(15).enumerate() {
        let v = if c.is_ascii_digit() {
            c as usize - '0' as usize
        } else {
            c as usize - 'A' as usize
        };
        // Positions count from one: odd positions use the table.
        total += if (i + 1) % 2 == 1 { odd[v] } else { v };
    }
    (b'A' + (total % 26) as u8) as char
}

fn is_leap(y: u32) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn naive_valid_date(y: u32, m: u32, d: u32) -> bool {
    let lengths = [
        31,
        if is_leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (1..=12).contains(&m) && d >= 1 && d <= lengths[(m - 1) as usize]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn luhn_agrees_with_naive(s in "[0-9]{2,19}") {
        prop_assert_eq!(checks::luhn(s.as_bytes()), naive_luhn(&s));
    }

    #[test]
    fn mod97_agrees_with_naive(s in "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}") {
        prop_assert_eq!(checks::mod97(s.as_bytes()), Some(naive_mod97(&s)));
    }

    #[test]
    fn iban_is_length_and_mod97(s in "(DE|GB|FR|NL|PL|LT|ES|IT)[0-9]{2}[A-Z0-9]{10,26}") {
        let expected = checks::iban_length(&s.as_bytes()[..2]) == Some(s.len()) && naive_mod97(&s) == 1;
        prop_assert_eq!(checks::iban(s.as_bytes()), expected);
    }

    #[test]
    fn pesel_checksum_agrees_with_naive(s in "[0-9]{11}") {
        if checks::pl_pesel(s.as_bytes()) {
            prop_assert!(naive_pesel_check(&s));
        }
    }

    #[test]
    fn lt_code_agrees_with_naive(s in "[3-6][0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{4}") {
        let expected = naive_lt_check(&s) == digits(&s)[10];
        prop_assert_eq!(checks::lt_asmens_kodas(s.as_bytes()), expected);
    }

    #[test]
    fn bsn_agrees_with_naive(s in "[0-9]{9}") {
        prop_assert_eq!(checks::nl_bsn(s.as_bytes()), naive_bsn(&s));
    }

    #[test]
    fn steuer_id_check_digit_agrees_with_naive(s in "[1-9][0-9]{10}") {
        if checks::de_steuer_id(s.as_bytes()) {
            prop_assert_eq!(naive_steuer_check(&s), digits(&s)[10]);
        }
    }

    #[test]
    fn nir_key_agrees_with_naive(s in "[12][0-9]{2}(0[1-9]|1[0-2])[0-9]{10}") {
        let key: u64 = s[13..].parse().unwrap();
        prop_assert_eq!(checks::fr_nir(s.as_bytes()), key == naive_nir_key(&s));
    }

    #[test]
    fn dni_letter_agrees_with_naive(n in 0u32..100_000_000, letter in "[A-Z]") {
        let value = format!("{n:08}{letter}");
        let expected = letter.starts_with(naive_dni_letter(n));
        prop_assert_eq!(checks::es_dni_or_nie(value.as_bytes()).is_some(), expected);
    }

    #[test]
    fn codice_fiscale_agrees_with_naive(s in "[A-Z]{6}[0-9]{2}[ABCDEHLMPRST][0-9]{2}[A-Z][0-9]{3}[A-Z]") {
        let expected = s.ends_with(naive_cf_check(&s));
        prop_assert_eq!(checks::it_codice_fiscale(s.as_bytes()), expected);
    }

    #[test]
    fn dates_agree_with_naive(y in 1800u32..2200, m in 0u32..14, d in 0u32..33) {
        prop_assert_eq!(checks::is_valid_date(y, m, d), naive_valid_date(y, m, d));
    }

    #[test]
    fn ipv4_agrees_with_parser(a in 0u32..300, b in 0u32..300, c in 0u32..300, d in 0u32..300) {
        let s = format!("{a}.{b}.{c}.{d}");
        prop_assert_eq!(checks::ipv4(s.as_bytes()), s.parse::<std::net::Ipv4Addr>().is_ok());
    }

    #[test]
    fn ipv6_full_form_agrees_with_parser(groups in proptest::collection::vec("[0-9a-f]{1,4}", 8)) {
        let s = groups.join(":");
        prop_assert_eq!(checks::ipv6(s.as_bytes()), s.parse::<std::net::Ipv6Addr>().is_ok());
    }

    #[test]
    fn scanning_text_never_panics_and_ranges_are_sound(s in "\\PC{0,300}") {
        assert_sound(&s);
    }

    #[test]
    fn scanning_lookalike_soup_never_panics(s in "([0-9]{1,5}|[A-Za-z]{1,8}|[ .,:/@+()\\-\\n]|ż|ą|€|😀){0,80}") {
        assert_sound(&s);
    }

    #[test]
    fn scanning_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        assert_sound(&String::from_utf8_lossy(&bytes));
    }
}

fn assert_sound(text: &str) {
    let scanner = Scanner::new(&ScanOptions {
        allow: vec!["+1 800 555 0199".into()],
    });
    let findings = scanner.scan(text);
    let mut last_end = 0;
    for f in &findings {
        assert!(f.range.start < f.range.end && f.range.end <= text.len());
        assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
        assert!(
            f.range.start >= last_end,
            "findings overlap or are unsorted"
        );
        last_end = f.range.end;
        let offsets = f.offsets(text);
        assert_eq!(offsets.chars.start, text[..f.range.start].chars().count());
        assert_eq!(
            offsets.utf16.end,
            text[..f.range.end].encode_utf16().count()
        );
    }
}
