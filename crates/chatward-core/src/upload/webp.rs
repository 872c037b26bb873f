//! WebP: walks the RIFF container and every chunk (also inside animation frames), checks
//! each bitstream header against the canvas, and rebuilds the file from the chunks display
//! needs, with the VP8X flags and RIFF size fixed to match.
//!
//! Kept: VP8X, ICCP, ANIM, ANMF frames (with their ALPH and VP8/VP8L), ALPH, VP8, VP8L.
//! Dropped: EXIF (its orientation is rewritten alone), XMP, unknown chunks, and anything
//! beyond the RIFF size.

use super::bytes::{at, le16, le24, le32, len};
use super::metadata::Ledger;
use super::{RefusalReason, UploadLimits, Walked, check_pixels};

use RefusalReason::{Corrupt, Truncated};

const FLAG_ANIMATION: u8 = 0x02;
const FLAG_XMP: u8 = 0x04;
const FLAG_EXIF: u8 = 0x08;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_ICC: u8 = 0x20;

/// One chunk as read: its code and body (without padding).
#[derive(Clone, Copy)]
struct Chunk<'a> {
    code: &'a [u8; 4],
    body: &'a [u8],
}

/// Reads the chunks of `data` in order; an error stops the walk.
fn chunks(data: &[u8]) -> impl Iterator<Item = Result<Chunk<'_>, RefusalReason>> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        if pos >= data.len() {
            return None;
        }
        let read = || -> Result<(Chunk<'_>, usize), RefusalReason> {
            let code: &[u8; 4] = at(data, pos, 4)
                .and_then(|c| c.try_into().ok())
                .ok_or(Corrupt)?;
            let size = len(le32(data, pos + 4).ok_or(Corrupt)?);
            let body = at(data, pos + 8, size).ok_or(Corrupt)?;
            // The last chunk's padding byte may be missing; everything else must be whole.
            let next = (pos + 8 + size + (size & 1)).min(data.len());
            Ok((Chunk { code, body }, next))
        };
        Some(read().map(|(chunk, next)| {
            pos = next;
            chunk
        }))
    })
}

fn put_chunk(out: &mut Vec<u8>, code: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(code);
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
    if body.len() % 2 == 1 {
        out.push(0);
    }
}

/// Walks and cleans a WebP that starts with `RIFF....WEBP`.
pub(super) fn clean(data: &[u8], limits: &UploadLimits) -> Result<Walked, RefusalReason> {
    // `RIFF/*` opens a JavaScript comment, as with GIF headers.
    if matches!(at(data, 4, 2), Some(b"/*" | b"//")) {
        return Err(RefusalReason::Script);
    }
    let riff_end = len(le32(data, 4).ok_or(Truncated)?)
        .checked_add(8)
        .ok_or(Corrupt)?;
    if riff_end > data.len() {
        return Err(Truncated);
    }
    if riff_end < 12 + 8 {
        return Err(Corrupt);
    }
    let mut ledger = Ledger::default();
    ledger.drop_trailing(&data[riff_end..]);
    let body = &data[12..riff_end];
    let mut walk = chunks(body);
    let first = walk.next().ok_or(Corrupt)??;
    let mut out = Vec::with_capacity(riff_end);
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let (width, height, is_animated) = match first.code {
        b"VP8 " | b"VP8L" => {
            let (w, h) = bitstream_size(first)?;
            check_pixels(w, h, limits)?;
            put_chunk(&mut out, first.code, first.body);
            // A simple file is one bitstream; anything after it is not part of the picture.
            for chunk in walk {
                ledger.drop_block(chunk?.body);
            }
            (w, h, false)
        }
        b"VP8X" => extended(first.body, walk, &mut out, &mut ledger, limits)?,
        _ => return Err(Corrupt),
    };
    let riff_size = u32::try_from(out.len() - 8).map_err(|_| RefusalReason::TooLarge)?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    Ok(Walked {
        bytes: out,
        width,
        height,
        is_animated,
        removed: ledger.removed,
    })
}

/// The extended format: VP8X, then optional ICCP, then ANIM + ANMF frames or one image.
fn extended<'a>(
    vp8x: &[u8],
    walk: impl Iterator<Item = Result<Chunk<'a>, RefusalReason>>,
    out: &mut Vec<u8>,
    ledger: &mut Ledger,
    limits: &UploadLimits,
) -> Result<(u32, u32, bool), RefusalReason> {
    if vp8x.len() < 10 {
        return Err(Corrupt);
    }
    let flags = vp8x[0];
    let width = le24(vp8x, 4).ok_or(Corrupt)? + 1;
    let height = le24(vp8x, 7).ok_or(Corrupt)? + 1;
    check_pixels(width, height, limits)?;
    let is_animated = flags & FLAG_ANIMATION != 0;

    let mut icc: Option<&[u8]> = None;
    let mut anim: Option<&[u8]> = None;
    let mut image = Vec::with_capacity(64);
    let mut frames = 0u32;
    let mut still: Option<(u32, u32)> = None;
    let mut alpha: Option<&[u8]> = None;
    for chunk in walk {
        let chunk = chunk?;
        match chunk.code {
            b"ICCP" if icc.is_none() && frames == 0 && still.is_none() => icc = Some(chunk.body),
            b"ANIM" if is_animated && anim.is_none() => {
                if chunk.body.len() != 6 {
                    return Err(Corrupt);
                }
                anim = Some(chunk.body);
            }
            b"ANMF" if is_animated && anim.is_some() => {
                frame(chunk.body, width, height, &mut image, ledger, limits)?;
                frames += 1;
            }
            b"ALPH" if !is_animated && still.is_none() && alpha.is_none() => {
                check_alpha(chunk.body)?;
                alpha = Some(chunk.body);
            }
            b"VP8 " | b"VP8L" if !is_animated && still.is_none() => {
                let size = bitstream_size(chunk)?;
                if size != (width, height) || (alpha.is_some() && chunk.code == b"VP8L") {
                    return Err(Corrupt);
                }
                if let Some(alpha) = alpha {
                    put_chunk(&mut image, b"ALPH", alpha);
                }
                put_chunk(&mut image, chunk.code, chunk.body);
                still = Some(size);
            }
            b"EXIF" => ledger.drop_exif(chunk.body),
            // XMP and unknown chunks; also misplaced image chunks, which decoders ignore.
            code if !is_image_chunk(code) => ledger.drop_block(chunk.body),
            _ => return Err(Corrupt),
        }
    }
    if (is_animated && frames == 0) || (!is_animated && still.is_none()) {
        return Err(Corrupt);
    }
    let exif = ledger.orientation_tiff();
    let mut new_flags = flags & (FLAG_ALPHA | FLAG_ANIMATION);
    new_flags &= !(FLAG_XMP | FLAG_EXIF | FLAG_ICC);
    if icc.is_some() {
        new_flags |= FLAG_ICC;
    }
    if exif.is_some() {
        new_flags |= FLAG_EXIF;
    }
    let mut header = [0u8; 10];
    header.copy_from_slice(&vp8x[..10]);
    header[0] = new_flags;
    header[1..4].fill(0);
    put_chunk(out, b"VP8X", &header);
    if let Some(icc) = icc {
        put_chunk(out, b"ICCP", icc);
    }
    if let Some(anim) = anim {
        put_chunk(out, b"ANIM", anim);
    }
    out.extend_from_slice(&image);
    if let Some(tiff) = exif {
        put_chunk(out, b"EXIF", &tiff);
    }
    Ok((width, height, frames > 1))
}

fn is_image_chunk(code: &[u8; 4]) -> bool {
    matches!(
        code,
        b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH" | b"ANIM" | b"ANMF" | b"ICCP"
    )
}

/// One ANMF frame: checked against the canvas and rebuilt with only its image chunks.
fn frame(
    body: &[u8],
    canvas_w: u32,
    canvas_h: u32,
    out: &mut Vec<u8>,
    ledger: &mut Ledger,
    limits: &UploadLimits,
) -> Result<(), RefusalReason> {
    let head = at(body, 0, 16).ok_or(Corrupt)?;
    let x = le24(head, 0).ok_or(Corrupt)? * 2;
    let y = le24(head, 3).ok_or(Corrupt)? * 2;
    let w = le24(head, 6).ok_or(Corrupt)? + 1;
    let h = le24(head, 9).ok_or(Corrupt)? + 1;
    check_pixels(w, h, limits)?;
    if x + w > canvas_w || y + h > canvas_h {
        return Err(Corrupt);
    }
    let mut rebuilt = Vec::with_capacity(body.len());
    rebuilt.extend_from_slice(head);
    let mut alpha: Option<&[u8]> = None;
    let mut has_bitstream = false;
    for chunk in chunks(&body[16..]) {
        let chunk = chunk?;
        match chunk.code {
            b"ALPH" if alpha.is_none() && !has_bitstream => {
                check_alpha(chunk.body)?;
                alpha = Some(chunk.body);
            }
            b"VP8 " | b"VP8L" if !has_bitstream => {
                if bitstream_size(chunk)? != (w, h) || (alpha.is_some() && chunk.code == b"VP8L") {
                    return Err(Corrupt);
                }
                if let Some(alpha) = alpha {
                    put_chunk(&mut rebuilt, b"ALPH", alpha);
                }
                put_chunk(&mut rebuilt, chunk.code, chunk.body);
                has_bitstream = true;
            }
            code if !is_image_chunk(code) => ledger.drop_block(chunk.body),
            _ => return Err(Corrupt),
        }
    }
    if !has_bitstream {
        return Err(Corrupt);
    }
    put_chunk(out, b"ANMF", &rebuilt);
    Ok(())
}

/// Width and height from a VP8 key frame or VP8L header, after checking its fixed fields.
fn bitstream_size(chunk: Chunk<'_>) -> Result<(u32, u32), RefusalReason> {
    let b = chunk.body;
    let (w, h) = if chunk.code == b"VP8 " {
        let tag = le24(b, 0).ok_or(Corrupt)?;
        let is_key_frame = tag & 1 == 0;
        let version = (tag >> 1) & 7;
        let first_partition = len(tag >> 5);
        if !is_key_frame || version > 3 || at(b, 3, 3) != Some(b"\x9D\x01\x2A") {
            return Err(Corrupt);
        }
        if first_partition > b.len().saturating_sub(10) {
            return Err(Corrupt);
        }
        let w = u32::from(le16(b, 6).ok_or(Corrupt)? & 0x3FFF);
        let h = u32::from(le16(b, 8).ok_or(Corrupt)? & 0x3FFF);
        (w, h)
    } else {
        let bits = le32(b, 1).ok_or(Corrupt)?;
        if b[0] != 0x2F || bits >> 29 != 0 || b.len() < 6 {
            return Err(Corrupt);
        }
        ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    };
    if w == 0 || h == 0 {
        return Err(Corrupt);
    }
    Ok((w, h))
}

/// ALPH header: compression 0 (raw) or 1 (lossless), pre-processing 0 or 1, reserved 0.
fn check_alpha(body: &[u8]) -> Result<(), RefusalReason> {
    let head = *body.first().ok_or(Corrupt)?;
    if head & 0x03 > 1 || (head >> 4) & 0x03 > 1 || head >> 6 != 0 || body.len() < 2 {
        return Err(Corrupt);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitstream_headers_give_the_size() {
        // Key frame, version 0, shown, first partition 18 bytes; 16×12.
        let mut vp8 = b"\x50\x02\x00\x9D\x01\x2A\x10\x00\x0C\x00".to_vec();
        vp8.resize(10 + 18, 0);
        let chunk = Chunk {
            code: b"VP8 ",
            body: &vp8,
        };
        assert_eq!(bitstream_size(chunk), Ok((16, 12)));
        let short = Chunk {
            code: b"VP8 ",
            body: &vp8[..27],
        };
        assert_eq!(bitstream_size(short), Err(Corrupt));
        let not_key = Chunk {
            code: b"VP8 ",
            body: b"\x51\x02\x00\x9D\x01\x2A\x10\x00\x0C\x00",
        };
        assert_eq!(bitstream_size(not_key), Err(Corrupt));
        // VP8L: 0x2F, then 14 bits width-1 (15), 14 bits height-1 (11), alpha, version 0.
        let bits: u32 = 15 | (11 << 14);
        let mut vp8l = vec![0x2F];
        vp8l.extend(bits.to_le_bytes());
        vp8l.push(0);
        let chunk = Chunk {
            code: b"VP8L",
            body: &vp8l,
        };
        assert_eq!(bitstream_size(chunk), Ok((16, 12)));
        vp8l[4] |= 0x20;
        let chunk = Chunk {
            code: b"VP8L",
            body: &vp8l,
        };
        assert_eq!(bitstream_size(chunk), Err(Corrupt));
    }

    #[test]
    fn chunks_are_read_with_padding_and_bounds() {
        let data = b"ABCD\x03\0\0\0xyz\0EFGH\x01\0\0\0q";
        let read: Vec<_> = chunks(data).map(|c| c.map(|c| (*c.code, c.body))).collect();
        assert_eq!(
            read,
            vec![Ok((*b"ABCD", &b"xyz"[..])), Ok((*b"EFGH", &b"q"[..]))]
        );
        assert!(chunks(b"ABCD\x09\0\0\0xyz").any(|c| c.is_err()));
    }

    #[test]
    fn alpha_header_is_checked() {
        assert_eq!(check_alpha(b"\x01\x00"), Ok(()));
        assert_eq!(check_alpha(b"\x02\x00"), Err(Corrupt));
        assert_eq!(check_alpha(b"\x40\x00"), Err(Corrupt));
        assert_eq!(check_alpha(b"\x00"), Err(Corrupt));
    }
}
