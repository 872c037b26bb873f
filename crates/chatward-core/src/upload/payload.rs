//! Payload markers: the first bytes of archives, documents, programs and web content that
//! must never travel inside a picture we send.
//!
//! [`find`] runs over the whole cleaned copy, so it is one pass with a 256-entry table of
//! possible first bytes; only those few positions are compared further.

/// Markers matched exactly.
const EXACT: &[&[u8]] = &[
    b"PK\x03\x04",
    b"%PDF-",
    b"This program cannot be run in DOS mode",
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
];

/// Markers after `<`, matched without regard to ASCII case: PHP, HTML and SVG openers.
const TAGS: &[&[u8]] = &[b"?php", b"script", b"html", b"svg"];

/// How far a PHP short echo tag `<?=` may be from its closing `?>`.
const ECHO_SPAN: usize = 512;

const FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < EXACT.len() {
        t[EXACT[i][0] as usize] = true;
        i += 1;
    }
    t[b'<' as usize] = true;
    t[0x7F] = true;
    t
};

/// The offset of the first payload marker in `data`, if any.
pub(super) fn find(data: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(skip) = data[i..].iter().position(|&b| FIRST[b as usize]) {
        i += skip;
        if is_marker_at(&data[i..]) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn is_marker_at(rest: &[u8]) -> bool {
    match rest[0] {
        b'<' => {
            let after = &rest[1..];
            TAGS.iter().any(|tag| {
                after
                    .get(..tag.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(tag))
            }) || (after.starts_with(b"?=") && closes_echo(&after[2..]))
        }
        0x7F => is_elf(rest),
        _ => EXACT.iter().any(|m| rest.starts_with(m)),
    }
}

fn closes_echo(rest: &[u8]) -> bool {
    let span = &rest[..rest.len().min(ECHO_SPAN + 2)];
    span.windows(2).any(|w| w == b"?>")
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
            b"\x7fELF\x02\x01\x01\x00",
            b"Rar!\x1a\x07\x00",
            b"7z\xbc\xaf\x27\x1c",
            b"!This program cannot be run in DOS mode.",
        ];
        for case in cases {
            let mut data = vec![0xAAu8; 10];
            data.extend_from_slice(case);
            data.extend_from_slice(&[0x55; 10]);
            assert!(find(&data).is_some(), "{case:?}");
        }
    }

    #[test]
    fn leaves_ordinary_bytes_alone() {
        let cases: &[&[u8]] = &[
            b"",
            b"<",
            b"PK\x03",
            b"<?= never closed",
            b"\x7fELF\x03\x01\x01",
            b"<scrip",
            b"a perfectly ordinary comment",
        ];
        for case in cases {
            assert_eq!(find(case), None, "{case:?}");
        }
    }
}
