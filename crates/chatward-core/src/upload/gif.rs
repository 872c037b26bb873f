//! GIF: walks the header, logical screen, colour tables, every extension and image block
//! with its sub-blocks, to the trailer, and copies only what display needs.
//!
//! Kept: header, logical screen, colour tables, graphic control extensions (delays,
//! transparency), images, and the NETSCAPE/ANIMEXTS looping extension rewritten in its
//! canonical form. Dropped: comments, plain-text extensions, other application extensions
//! (XMP, private data), and everything after the trailer.
//!
//! A GIF whose canvas width reads as `/*` or `//` is refused as a script: `GIF89a/*` is the
//! start of valid JavaScript, and the header cannot be cleaned without changing the canvas.

use super::bytes::{at, le16};
use super::metadata::Ledger;
use super::{RefusalReason, UploadLimits, Walked, check_pixels};

use RefusalReason::{Corrupt, Truncated};

const TRAILER: u8 = 0x3B;
const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const GRAPHIC_CONTROL: u8 = 0xF9;
const APPLICATION: u8 = 0xFF;

/// Walks and cleans a GIF that starts with `GIF87a` or `GIF89a`.
pub(super) fn clean(data: &[u8], limits: &UploadLimits) -> Result<Walked, RefusalReason> {
    let screen = at(data, 6, 7).ok_or(Truncated)?;
    if matches!(&screen[..2], b"/*" | b"//") {
        return Err(RefusalReason::Script);
    }
    let width = u32::from(le16(screen, 0).ok_or(Corrupt)?);
    let height = u32::from(le16(screen, 2).ok_or(Corrupt)?);
    check_pixels(width, height, limits)?;
    let mut pos = 13 + colour_table_len(screen[4]);
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(at(data, 0, pos).ok_or(Truncated)?);
    let mut ledger = Ledger::default();
    let mut frames = 0u32;
    loop {
        let block = *data.get(pos).ok_or(Truncated)?;
        match block {
            TRAILER => {
                if frames == 0 {
                    return Err(Corrupt);
                }
                out.push(TRAILER);
                ledger.drop_trailing(&data[pos + 1..]);
                return Ok(Walked {
                    bytes: out,
                    width,
                    height,
                    is_animated: frames > 1,
                    removed: ledger.removed,
                });
            }
            EXTENSION => {
                let label = *data.get(pos + 1).ok_or(Truncated)?;
                let start = pos;
                let end = sub_blocks_end(data, pos + 2)?;
                let subs = &data[pos + 2..end];
                match label {
                    GRAPHIC_CONTROL => {
                        if subs.first() != Some(&4) || subs.len() != 6 {
                            return Err(Corrupt);
                        }
                        out.extend_from_slice(&data[start..end]);
                    }
                    APPLICATION if is_looping(subs) => {
                        out.extend_from_slice(&[EXTENSION, APPLICATION, 11]);
                        out.extend_from_slice(&subs[1..12]);
                        out.extend_from_slice(&[3, 1, subs[14], subs[15], 0]);
                    }
                    _ => ledger.drop_block(subs),
                }
                pos = end;
            }
            IMAGE => {
                let descriptor = at(data, pos + 1, 9).ok_or(Truncated)?;
                let x = u32::from(le16(descriptor, 0).ok_or(Corrupt)?);
                let y = u32::from(le16(descriptor, 2).ok_or(Corrupt)?);
                let w = u32::from(le16(descriptor, 4).ok_or(Corrupt)?);
                let h = u32::from(le16(descriptor, 6).ok_or(Corrupt)?);
                check_pixels(w, h, limits)?;
                check_pixels((x + w).max(width), (y + h).max(height), limits)?;
                let table_end = pos + 10 + colour_table_len(descriptor[8]);
                let code_size = *data.get(table_end).ok_or(Truncated)?;
                if !(2..=8).contains(&code_size) {
                    return Err(Corrupt);
                }
                let end = sub_blocks_end(data, table_end + 1)?;
                if end == table_end + 2 {
                    return Err(Corrupt);
                }
                out.extend_from_slice(&data[pos..end]);
                frames += 1;
                pos = end;
            }
            _ => return Err(Corrupt),
        }
    }
}

/// Bytes of the colour table a packed field announces.
fn colour_table_len(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

/// The offset just after the zero-length block that ends the sub-blocks starting at `pos`.
fn sub_blocks_end(data: &[u8], mut pos: usize) -> Result<usize, RefusalReason> {
    loop {
        let size = usize::from(*data.get(pos).ok_or(Truncated)?);
        pos += 1 + size;
        if size == 0 {
            return Ok(pos);
        }
        if pos > data.len() {
            return Err(Truncated);
        }
    }
}

/// The NETSCAPE2.0 / ANIMEXTS1.0 loop count: exactly one 3-byte sub-block `01 lo hi`.
fn is_looping(subs: &[u8]) -> bool {
    subs.len() == 17
        && subs[0] == 11
        && matches!(&subs[1..12], b"NETSCAPE2.0" | b"ANIMEXTS1.0")
        && subs[12] == 3
        && subs[13] == 1
}
