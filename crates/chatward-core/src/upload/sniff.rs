//! Naming what a file's bytes are: one ordered table of signatures, then text heuristics.
//!
//! Only the four accepted formats go on to a structural walk; every other entry exists so a
//! refusal can say what the file is ("a program", "an archive") instead of a generic "no".

use super::{ImageFormat, RefusalReason};

/// What [`sniff`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sniffed {
    /// One of the accepted formats (not yet walked).
    Image(ImageFormat),
    /// Anything else, named.
    Foreign {
        reason: RefusalReason,
        name: &'static str,
    },
}

impl Sniffed {
    /// Short lowercase name for reports.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Image(format) => format.as_str(),
            Self::Foreign { name, .. } => name,
        }
    }
}

/// A signature: every `(offset, bytes)` part must match.
struct Signature {
    parts: &'static [(usize, &'static [u8])],
    sniffed: Sniffed,
}

const fn image(parts: &'static [(usize, &'static [u8])], format: ImageFormat) -> Signature {
    Signature {
        parts,
        sniffed: Sniffed::Image(format),
    }
}

const fn foreign(
    parts: &'static [(usize, &'static [u8])],
    reason: RefusalReason,
    name: &'static str,
) -> Signature {
    Signature {
        parts,
        sniffed: Sniffed::Foreign { reason, name },
    }
}

use RefusalReason::{
    Archive, Document, Executable, Font, Media, Script, Text, UnsupportedImage as Image,
};

/// Checked in order; the first match wins, so longer, more specific entries come first
/// (WebP before other RIFF, AVIF/HEIC brands before other ISO media).
const SIGNATURES: &[Signature] = &[
    // Accepted formats.
    image(&[(0, b"\xFF\xD8\xFF")], ImageFormat::Jpeg),
    image(&[(0, b"\x89PNG\r\n\x1A\n")], ImageFormat::Png),
    image(&[(0, b"GIF87a")], ImageFormat::Gif),
    image(&[(0, b"GIF89a")], ImageFormat::Gif),
    image(&[(0, b"RIFF"), (8, b"WEBP")], ImageFormat::Webp),
    // Programs. Java class files and universal Mach-O binaries share CAFEBABE; `refine`
    // tells them apart.
    foreign(&[(0, b"MZ")], Executable, "pe"),
    foreign(&[(0, b"\x7FELF")], Executable, "elf"),
    foreign(&[(0, b"\xCA\xFE\xBA\xBE")], Executable, "java-class"),
    foreign(&[(0, b"\xFE\xED\xFA\xCE")], Executable, "macho"),
    foreign(&[(0, b"\xFE\xED\xFA\xCF")], Executable, "macho"),
    foreign(&[(0, b"\xCE\xFA\xED\xFE")], Executable, "macho"),
    foreign(&[(0, b"\xCF\xFA\xED\xFE")], Executable, "macho"),
    foreign(&[(0, b"dex\n")], Executable, "dex"),
    foreign(&[(0, b"\0asm")], Executable, "wasm"),
    foreign(&[(0, b"L\0\0\0\x01\x14\x02\0")], Executable, "lnk"),
    foreign(&[(0, b"#!")], Script, "script"),
    // Archives and packages.
    foreign(&[(0, b"PK\x03\x04")], Archive, "zip"),
    foreign(&[(0, b"PK\x05\x06")], Archive, "zip"),
    foreign(&[(0, b"PK\x07\x08")], Archive, "zip"),
    foreign(&[(0, b"Rar!\x1A\x07")], Archive, "rar"),
    foreign(&[(0, b"7z\xBC\xAF\x27\x1C")], Archive, "7z"),
    foreign(&[(0, b"\x1F\x8B")], Archive, "gzip"),
    foreign(&[(0, b"BZh")], Archive, "bzip2"),
    foreign(&[(0, b"\xFD7zXZ\0")], Archive, "xz"),
    foreign(&[(0, b"\x28\xB5\x2F\xFD")], Archive, "zstd"),
    foreign(&[(0, b"\x04\x22\x4D\x18")], Archive, "lz4"),
    foreign(&[(0, b"MSCF")], Archive, "cab"),
    foreign(&[(0, b"!<arch>\n")], Archive, "ar"),
    foreign(&[(0, b"\xED\xAB\xEE\xDB")], Archive, "rpm"),
    foreign(&[(0, b"xar!")], Archive, "xar"),
    foreign(&[(257, b"ustar")], Archive, "tar"),
    foreign(&[(0x8001, b"CD001")], Archive, "iso"),
    // Documents.
    foreign(&[(0, b"%PDF")], Document, "pdf"),
    foreign(
        &[(0, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")],
        Document,
        "ole2",
    ),
    foreign(&[(0, b"{\\rtf")], Document, "rtf"),
    foreign(&[(0, b"%!PS")], Document, "postscript"),
    foreign(&[(0, b"AT&TFORM")], Document, "djvu"),
    foreign(&[(0, b"SQLite format 3\0")], Document, "sqlite"),
    // Fonts.
    foreign(&[(0, b"wOFF")], Font, "woff"),
    foreign(&[(0, b"wOF2")], Font, "woff2"),
    foreign(&[(0, b"\0\x01\0\0\0")], Font, "ttf"),
    foreign(&[(0, b"OTTO")], Font, "otf"),
    foreign(&[(0, b"ttcf")], Font, "ttc"),
    foreign(&[(0, b"true\0")], Font, "ttf"),
    // Other image formats. The ISO media brands must precede the generic `ftyp` entry.
    foreign(&[(4, b"ftypavif")], Image, "avif"),
    foreign(&[(4, b"ftypavis")], Image, "avif"),
    foreign(&[(4, b"ftypheic")], Image, "heic"),
    foreign(&[(4, b"ftypheix")], Image, "heic"),
    foreign(&[(4, b"ftypheim")], Image, "heic"),
    foreign(&[(4, b"ftypheis")], Image, "heic"),
    foreign(&[(4, b"ftyphevc")], Image, "heic"),
    foreign(&[(4, b"ftyphevx")], Image, "heic"),
    foreign(&[(4, b"ftypmif1")], Image, "heif"),
    foreign(&[(4, b"ftypmsf1")], Image, "heif"),
    foreign(&[(4, b"ftypcrx ")], Image, "cr3"),
    foreign(&[(0, b"\0\0\0\x0CjP  \r\n\x87\n")], Image, "jp2"),
    foreign(&[(0, b"\xFF\x4F\xFF\x51")], Image, "j2k"),
    foreign(&[(0, b"\0\0\0\x0CJXL \r\n\x87\n")], Image, "jxl"),
    foreign(&[(0, b"\xFF\x0A")], Image, "jxl"),
    foreign(&[(0, b"II*\0")], Image, "tiff"),
    foreign(&[(0, b"MM\0*")], Image, "tiff"),
    foreign(&[(0, b"II+\0")], Image, "tiff"),
    foreign(&[(0, b"MM\0+")], Image, "tiff"),
    foreign(&[(0, b"BM")], Image, "bmp"),
    foreign(&[(0, b"\0\0\x01\0")], Image, "ico"),
    foreign(&[(0, b"\0\0\x02\0")], Image, "cur"),
    foreign(&[(0, b"8BPS")], Image, "psd"),
    foreign(&[(0, b"qoif")], Image, "qoi"),
    foreign(&[(0, b"DDS ")], Image, "dds"),
    foreign(&[(0, b"gimp xcf")], Image, "xcf"),
    foreign(&[(0, b"\x76\x2F\x31\x01")], Image, "exr"),
    foreign(&[(0, b"#?RADIANCE")], Image, "hdr"),
    foreign(&[(0, b"FORM"), (8, b"ILBM")], Image, "iff"),
    foreign(&[(0, b"P1")], Image, "netpbm"),
    foreign(&[(0, b"P2")], Image, "netpbm"),
    foreign(&[(0, b"P3")], Image, "netpbm"),
    foreign(&[(0, b"P4")], Image, "netpbm"),
    foreign(&[(0, b"P5")], Image, "netpbm"),
    foreign(&[(0, b"P6")], Image, "netpbm"),
    foreign(&[(0, b"P7\n")], Image, "pam"),
    // Sound and video.
    foreign(&[(0, b"RIFF"), (8, b"WAVE")], Media, "wav"),
    foreign(&[(0, b"RIFF"), (8, b"AVI ")], Media, "avi"),
    foreign(&[(0, b"RIFF")], Media, "riff"),
    foreign(&[(4, b"ftyp")], Media, "mp4"),
    foreign(&[(0, b"OggS")], Media, "ogg"),
    foreign(&[(0, b"fLaC")], Media, "flac"),
    foreign(&[(0, b"ID3")], Media, "mp3"),
    foreign(&[(0, b"\x1A\x45\xDF\xA3")], Media, "matroska"),
    foreign(&[(0, b"FORM"), (8, b"AIFF")], Media, "aiff"),
    foreign(&[(0, b"MThd")], Media, "midi"),
    foreign(&[(0, b"\x30\x26\xB2\x75\x8E\x66\xCF\x11")], Media, "asf"),
    foreign(&[(0, b"FLV\x01")], Media, "flv"),
    foreign(&[(0, b".snd")], Media, "au"),
    foreign(&[(4, b"moov")], Media, "quicktime"),
    foreign(&[(4, b"mdat")], Media, "quicktime"),
];

/// Names the bytes. Never fails: unknown bytes are `Unrecognised` or text.
pub(super) fn sniff(data: &[u8]) -> Sniffed {
    if data.is_empty() {
        return Sniffed::Foreign {
            reason: RefusalReason::Empty,
            name: "empty",
        };
    }
    let found = SIGNATURES.iter().find(|sig| {
        sig.parts
            .iter()
            .all(|&(at, magic)| data.get(at..).is_some_and(|rest| rest.starts_with(magic)))
    });
    match found {
        Some(sig) => refine(sig.sniffed, data),
        None => sniff_text(data),
    }
}

/// Java class files and universal Mach-O binaries both start CAFEBABE; the next word is the
/// class file's minor and major version (major 45 and up) or the binary's architecture
/// count (a handful).
fn refine(sniffed: Sniffed, data: &[u8]) -> Sniffed {
    match sniffed {
        Sniffed::Foreign {
            name: "java-class", ..
        } if super::bytes::be32(data, 4).is_some_and(|n| n < 45) => Sniffed::Foreign {
            reason: Executable,
            name: "macho-fat",
        },
        other => other,
    }
}

/// How much of the start is read to decide what text is.
const TEXT_WINDOW: usize = 4096;

/// Text heuristics for files without a binary signature: markup, scripts, plain text.
fn sniff_text(data: &[u8]) -> Sniffed {
    let window = &data[..data.len().min(TEXT_WINDOW)];
    let body = strip_text_start(window);
    let lower: Vec<u8> = body.iter().map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    let starts = |prefix: &[u8]| lower.starts_with(prefix);
    let foreign = |reason, name| Sniffed::Foreign { reason, name };
    if starts(b"<?php") || starts(b"<?=") || has(b"<?php") {
        return foreign(Script, "php");
    }
    if starts(b"<svg") || starts(b"<!doctype svg") || (starts(b"<") && has(b"<svg")) {
        return foreign(RefusalReason::Svg, "svg");
    }
    const HTML_OPENERS: &[&[u8]] = &[
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<script",
        b"<iframe",
        b"<meta",
        b"<div",
        b"<form",
        b"<a ",
        b"<img",
        b"<style",
        b"<title",
        b"<!--",
    ];
    if HTML_OPENERS.iter().any(|o| starts(o)) || (starts(b"<") && has(b"<script")) {
        return foreign(RefusalReason::Html, "html");
    }
    if starts(b"<?xml") || starts(b"<") {
        return foreign(Document, "xml");
    }
    if !is_text(window) {
        return foreign(RefusalReason::Unrecognised, "unknown");
    }
    const SCRIPT_OPENERS: &[&[u8]] = &[
        b"@echo",
        b"echo ",
        b"rem ",
        b"powershell",
        b"set ",
        b"curl ",
        b"wget ",
        b"import ",
        b"function ",
        b"var ",
        b"const ",
        b"let ",
        b"$",
        b"sub ",
        b"dim ",
        b"on error",
        b"createobject",
    ];
    if SCRIPT_OPENERS.iter().any(|o| starts(o)) || has(b"| sh") || has(b"|sh") || has(b"| bash") {
        return foreign(Script, "script");
    }
    foreign(Text, "text")
}

/// Skips a byte-order mark and leading white space.
fn strip_text_start(data: &[u8]) -> &[u8] {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let start = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(data.len());
    &data[start..]
}

/// Printable UTF-8 (a cut multi-byte character at the window's end is fine), or UTF-16 with
/// a byte-order mark.
fn is_text(window: &[u8]) -> bool {
    if window.starts_with(b"\xFF\xFE") || window.starts_with(b"\xFE\xFF") {
        return true;
    }
    let valid = match std::str::from_utf8(window) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&window[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0C'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(data: &[u8]) -> Option<RefusalReason> {
        match sniff(data) {
            Sniffed::Image(_) => None,
            Sniffed::Foreign { reason, .. } => Some(reason),
        }
    }

    #[test]
    fn accepted_formats_are_named() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0"),
            Sniffed::Image(ImageFormat::Jpeg)
        );
        assert_eq!(sniff(b"GIF87a.."), Sniffed::Image(ImageFormat::Gif));
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Sniffed::Image(ImageFormat::Webp)
        );
    }

    #[test]
    fn foreign_files_are_named() {
        let cases: &[(&[u8], RefusalReason, &str)] = &[
            (b"", RefusalReason::Empty, "empty"),
            (b"MZ\x90\0", Executable, "pe"),
            (b"\xCA\xFE\xBA\xBE\0\0\0\x34", Executable, "java-class"),
            (b"\xCA\xFE\xBA\xBE\0\0\0\x02", Executable, "macho-fat"),
            (b"RIFF\0\0\0\0WAVEfmt ", Media, "wav"),
            (b"\0\0\0\x1CftypheicXXXX", Image, "heic"),
            (b"\0\0\0\x1Cftypisom", Media, "mp4"),
            (b"#!/bin/sh\nrm -rf /", Script, "script"),
            (b"  <?php echo 1;", Script, "php"),
            (b"<!DOCTYPE html><p>", RefusalReason::Html, "html"),
            (b"<?xml version='1.0'?>\n<svg>", RefusalReason::Svg, "svg"),
            (b"<?xml version='1.0'?>\n<x/>", Document, "xml"),
            (b"@echo off\r\ncurl x", Script, "script"),
            (b"Dear shop,\nmy parcel", Text, "text"),
            (
                b"\0\0\0\x01\x02\x03",
                RefusalReason::Unrecognised,
                "unknown",
            ),
        ];
        for &(data, want, name) in cases {
            assert_eq!(sniff(data).name(), name, "{data:?}");
            assert_eq!(reason(data), Some(want), "{data:?}");
        }
    }

    #[test]
    fn zeroed_jpeg_start_is_not_a_jpeg() {
        assert_eq!(
            reason(b"\0\0\0\xE0\0\x10JFIF"),
            Some(RefusalReason::Unrecognised)
        );
    }
}
