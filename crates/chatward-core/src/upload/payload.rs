//! Payload markers: the first bytes of archives, documents, programs and web content that
//! must never travel inside a picture we send; and, for the final check of a cleaned copy,
//! location left where cleaning does not reach (an XMP GPS name or an EXIF block with GPS
//! tucked into a colour profile or the pixel data).
//!
//! [`find`] runs over the whole cleaned copy (5 MB for a photo, in the browser), so it does
//! not look at every byte. Every marker is at least [`PREFIX_LEN`] bytes long, so a byte that
//! occurs in no marker's first three bytes rules out a marker starting at it or at the two
//! bytes before it: the scan reads every third byte and looks closer only near the one in
//! nine that could belong to a marker's start.

/// Markers matched exactly.
const EXACT: &[&[u8]] = &[
    b"PK\x03\x04",
    b"%PDF-",
    b"This program cannot be run in DOS mode",
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
];

/// Tag names after `<`: a marker in lower case as written, or in any case when followed by
/// white space, `/` or `>` as in real markup. Matching any case without that would find
/// `<sVg` by chance in about one 8 MB picture in seventy.
const TAGS: &[&[u8]] = &[b"script", b"html", b"svg"];

/// How far a PHP short echo tag `<?=` may be from its closing `?>`.
const ECHO_SPAN: usize = 512;

use super::metadata;

/// Every marker is at least this long (`<?=` needs its `?>` too).
const PREFIX_LEN: usize = 3;

/// The first three bytes of every marker, in every case the matcher accepts.
const PREFIXES: &[&[u8; PREFIX_LEN]] = &[
    b"PK\x03", b"%PD", b"Thi", b"Rar", b"7z\xbc", b"\x7fEL", b"<?=", b"<?p", b"<?P", b"<sc",
    b"<sC", b"<Sc", b"<SC", b"<ht", b"<hT", b"<Ht", b"<HT", b"<sv", b"<sV", b"<Sv", b"<SV", b"GPS",
    b"Exi",
];

/// Bytes that can start a marker.
const FIRST: [bool; 256] = byte_set(0, 1);
/// Bytes that occur anywhere in a marker's first [`PREFIX_LEN`] bytes.
const IN_PREFIX: [bool; 256] = byte_set(0, PREFIX_LEN);

const fn byte_set(from: usize, to: usize) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < PREFIXES.len() {
        let mut k = from;
        while k < to {
            t[PREFIXES[i][k] as usize] = true;
            k += 1;
        }
        i += 1;
    }
    t
}

/// What [`find`] looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    /// Archives, documents, programs, scripts and markup.
    Payload,
    /// GPS location only (an XMP GPS name, an EXIF block with GPS).
    Location,
    /// All of it.
    PayloadOrLocation,
}

impl Look {
    fn payload(self) -> bool {
        matches!(self, Self::Payload | Self::PayloadOrLocation)
    }

    fn location(self) -> bool {
        matches!(self, Self::Location | Self::PayloadOrLocation)
    }
}

/// The offset of the first marker in `data`, if any.
pub(super) fn find(data: &[u8], look: Look) -> Option<usize> {
    // Starts before `checked` are ruled out or were looked at.
    let mut checked = 0;
    let mut probe = PREFIX_LEN - 1;
    while probe < data.len() {
        if IN_PREFIX[data[probe] as usize]
            && let Some(at) = find_from(data, checked, probe + 1, look)
        {
            return Some(at);
        }
        checked = probe + 1;
        probe += PREFIX_LEN;
    }
    find_from(data, checked, data.len(), look)
}

/// Whether `data` holds payload markers and whether it holds location, in about one pass.
pub(super) fn find_kinds(data: &[u8]) -> (bool, bool) {
    let (mut payload, mut location) = (false, false);
    let mut from = 0;
    loop {
        let look = match (payload, location) {
            (false, false) => Look::PayloadOrLocation,
            (true, false) => Look::Location,
            (false, true) => Look::Payload,
            (true, true) => return (true, true),
        };
        let Some(at) = find(&data[from..], look) else {
            return (payload, location);
        };
        if is_marker_at(&data[from + at..], Look::Location) {
            location = true;
        } else {
            payload = true;
        }
        from += at + 1;
    }
}

/// The first marker starting in `from..to`, looked for at each position.
fn find_from(data: &[u8], from: usize, to: usize, look: Look) -> Option<usize> {
    (from..to).find(|&i| FIRST[data[i] as usize] && is_marker_at(&data[i..], look))
}

fn is_marker_at(rest: &[u8], look: Look) -> bool {
    match rest[0] {
        b'G' => look.location() && metadata::is_xmp_gps_at(rest),
        b'E' => look.location() && metadata::is_exif_gps_at(rest),
        _ if !look.payload() => false,
        b'<' => is_tag(&rest[1..]),
        0x7F => is_elf(rest),
        _ => EXACT.iter().any(|m| rest.starts_with(m)),
    }
}

/// What follows a `<`: a PHP opening or echo tag, or an HTML or SVG element.
fn is_tag(after: &[u8]) -> bool {
    let starts_ci = |word: &[u8]| {
        after
            .get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
    };
    if starts_ci(b"?php") {
        return true;
    }
    if let Some(code) = after.strip_prefix(b"?=") {
        return closes_echo(code);
    }
    TAGS.iter().any(|tag| {
        after.starts_with(tag)
            || (starts_ci(tag)
                && after.get(tag.len()).is_some_and(|&b| {
                    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | b'/' | b'>')
                }))
    })
}

/// A `?>` within [`ECHO_SPAN`] bytes, with no control bytes before it. PHP refuses control
/// bytes in code, and compressed pixel data holds `<?=` and `?>` near each other by chance
/// (about once in 10 MB of PNG data) but almost never without control bytes between.
fn closes_echo(code: &[u8]) -> bool {
    let span = &code[..code.len().min(ECHO_SPAN + 2)];
    for (i, &b) in span.iter().enumerate() {
        if b == b'?' && span.get(i + 1) == Some(&b'>') {
            return true;
        }
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') || b == 0x7F {
            return false;
        }
    }
    false
}

fn is_elf(rest: &[u8]) -> bool {
    matches!(rest, [0x7F, b'E', b'L', b'F', 1 | 2, 1 | 2, 1, ..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_marker_anywhere() {
        let cases: &[&[u8]] = &[
            b"PK\x03\x04",
            b"%PDF-1.7",
            b"<?php system($_GET[1]);",
            b"<?PhP",
            b"<ScRiPt>",
            b"<html>",
            b"<svg/onload=x>",
            b"<?= `id` ?>",
            b"<?=$_GET[0]($_POST[1]);?>",
            b"<SVG/onload=x>",
            b"\x7fELF\x02\x01\x01\x00",
            b"Rar!\x1a\x07\x00",
            b"7z\xbc\xaf\x27\x1c",
            b"!This program cannot be run in DOS mode.",
        ];
        for case in cases {
            let mut data = vec![0xAAu8; 10];
            data.extend_from_slice(case);
            data.extend_from_slice(&[0x55; 10]);
            assert!(find(&data, Look::Payload).is_some(), "{case:?}");
        }
    }

    /// Looks at every position: obviously right, and what the skipping scan must agree with.
    fn naive(data: &[u8]) -> Option<usize> {
        (0..data.len()).find(|&i| is_marker_at(&data[i..], Look::PayloadOrLocation))
    }

    #[test]
    fn prefixes_cover_every_marker() {
        for marker in EXACT {
            assert!(
                PREFIXES.iter().any(|p| marker.starts_with(*p)),
                "{marker:?}"
            );
        }
        assert!(EXACT.iter().all(|m| m.len() >= PREFIX_LEN));
    }

    #[test]
    fn skipping_scan_agrees_with_looking_everywhere() {
        let markers: &[&[u8]] = &[
            b"GPSDestLatitude",
            b"PK\x03\x04",
            b"<sVg ",
            b"<?=`id`?>",
            b"\x7fELF\x01\x01\x01",
            b"<?PHP",
        ];
        const ALPHABET: &[u8] = b"<?=>PK\x03\x04svgSVGhH%PDF7z\x7fEL\x00 GPSLatitude";
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..3000 {
            let len = round % 97;
            let mut data: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly bytes that occur in markers, so near misses are common.
                    ALPHABET[(seed % ALPHABET.len() as u64) as usize]
                })
                .collect();
            if round % 3 == 0 && len > 0 {
                let m = markers[round % markers.len()];
                let at = (seed as usize) % len;
                data.splice(at..at, m.iter().copied());
            }
            assert_eq!(
                find(&data, Look::PayloadOrLocation),
                naive(&data),
                "{data:?}"
            );
        }
    }

    #[test]
    fn location_is_only_looked_for_when_asked() {
        let data = b"..GPSLatitude='48.85'..";
        assert_eq!(find(data, Look::Payload), None);
        assert_eq!(find(data, Look::PayloadOrLocation), Some(2));
        assert_eq!(find(data, Look::Location), Some(2));
        assert_eq!(find(b"<?php GPSAltitude", Look::Location), Some(6));
        assert_eq!(find_kinds(b"GPSLatitude <?php"), (true, true));
        assert_eq!(find_kinds(b"<?php <?php"), (true, false));
        assert_eq!(find_kinds(b"GPSLatitude GPSAltitude"), (false, true));
        assert_eq!(find_kinds(b"nothing"), (false, false));
        assert_eq!(
            find(b"GPSVersionID Exif\0\0MM\0*", Look::PayloadOrLocation),
            None
        );
    }

    #[test]
    fn leaves_ordinary_bytes_alone() {
        let cases: &[&[u8]] = &[
            b"",
            b"<",
            b"PK\x03",
            b"<?= never closed",
            b"<?=\x8d\xee;\x01\x02?>",
            b"<sVg\x8d",
            b"<HTMLx",
            b"\x7fELF\x03\x01\x01",
            b"<scrip",
            b"a perfectly ordinary comment",
        ];
        for case in cases {
            assert_eq!(find(case, Look::PayloadOrLocation), None, "{case:?}");
        }
    }
}
