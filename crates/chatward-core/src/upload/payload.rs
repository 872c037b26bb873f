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

/// Tag names after `<`: a marker in lower case as written, or in any case when followed by
/// white space, `/` or `>` as in real markup. Matching any case without that would find
/// `<sVg` by chance in about one 8 MB picture in seventy.
const TAGS: &[&[u8]] = &[b"script", b"html", b"svg"];

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
            b"<?=\x8d\xee;\x01\x02?>",
            b"<sVg\x8d",
            b"<HTMLx",
            b"\x7fELF\x03\x01\x01",
            b"<scrip",
            b"a perfectly ordinary comment",
        ];
        for case in cases {
            assert_eq!(find(case), None, "{case:?}");
        }
    }
}
