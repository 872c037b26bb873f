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
                // A frame whose codes describe fewer pixels than it covers was cut short,
                // even when a trailer was added after the cut.
                let pixels = lzw_pixels(&data[table_end + 1..end], code_size)?;
                if pixels < u64::from(w) * u64::from(h) {
                    return Err(Truncated);
                }
                out.extend_from_slice(&data[pos..end]);
                frames += 1;
                pos = end;
            }
            _ => return Err(Corrupt),
        }
    }
}

/// Largest LZW code width in GIF.
const MAX_CODE_BITS: u32 = 12;

/// Follows an image's LZW code stream (given as its sub-blocks) without producing pixels:
/// checks every code is one the decoder could know and counts the pixels the codes stand
/// for, up to the end-of-information code.
fn lzw_pixels(sub_blocks: &[u8], min_code_size: u8) -> Result<u64, RefusalReason> {
    let clear = 1u32 << min_code_size;
    let end_code = clear + 1;
    // Length of the string each code stands for; literal codes stand for one pixel.
    let mut lengths = [1u16; 1 << MAX_CODE_BITS];
    let mut width = u32::from(min_code_size) + 1;
    let mut next = end_code + 1;
    let mut previous: Option<u32> = None;
    let mut pixels = 0u64;
    let mut input = SubBlockBytes {
        data: sub_blocks,
        pos: 0,
        left: 0,
    };
    let (mut bits, mut held) = (0u32, 0u32);
    loop {
        while held < width {
            match input.next_byte()? {
                Some(byte) => {
                    bits |= u32::from(byte) << held;
                    held += 8;
                }
                None => return Ok(pixels),
            }
        }
        let code = bits & ((1 << width) - 1);
        bits >>= width;
        held -= width;
        if code == clear {
            width = u32::from(min_code_size) + 1;
            next = end_code + 1;
            previous = None;
            continue;
        }
        if code == end_code {
            return Ok(pixels);
        }
        let length = match previous {
            None if code < clear => 1,
            None => return Err(Corrupt),
            Some(prev) => {
                let grown = lengths[prev as usize].saturating_add(1);
                let length = match code {
                    c if c < next => lengths[c as usize],
                    c if c == next => grown,
                    _ => return Err(Corrupt),
                };
                if next < 1 << MAX_CODE_BITS {
                    lengths[next as usize] = grown;
                    next += 1;
                    if next == 1 << width && width < MAX_CODE_BITS {
                        width += 1;
                    }
                }
                length
            }
        };
        pixels += u64::from(length);
        previous = Some(code);
    }
}

/// The data bytes of a run of sub-blocks, one at a time.
struct SubBlockBytes<'a> {
    data: &'a [u8],
    pos: usize,
    left: usize,
}

impl SubBlockBytes<'_> {
    /// The next data byte; `None` at the terminating empty sub-block.
    fn next_byte(&mut self) -> Result<Option<u8>, RefusalReason> {
        while self.left == 0 {
            let size = usize::from(*self.data.get(self.pos).ok_or(Truncated)?);
            if size == 0 {
                return Ok(None);
            }
            self.left = size;
            self.pos += 1;
        }
        let byte = *self.data.get(self.pos).ok_or(Truncated)?;
        self.pos += 1;
        self.left -= 1;
        Ok(Some(byte))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The 10×10 sample image of "What's in a GIF" (Matthew Flickinger): minimum code size
    /// 2, one 22-byte sub-block, 100 pixels.
    const SAMPLE: [u8; 24] = [
        0x16, 0x8C, 0x2D, 0x99, 0x87, 0x2A, 0x1C, 0xDC, 0x33, 0xA0, 0x02, 0x75, 0xEC, 0x95, 0xFA,
        0xA8, 0xDE, 0x60, 0x8C, 0x04, 0x91, 0x4C, 0x01, 0x00,
    ];

    #[test]
    fn counts_the_pixels_an_lzw_stream_stands_for() {
        assert_eq!(lzw_pixels(&SAMPLE, 2), Ok(100));
    }

    #[test]
    fn a_stream_cut_and_re_terminated_stands_for_fewer_pixels() {
        let mut cut = SAMPLE[..12].to_vec();
        cut[0] = 11;
        cut.push(0);
        assert!(lzw_pixels(&cut, 2).is_ok_and(|n| n < 100));
    }

    #[test]
    fn codes_the_decoder_cannot_know_are_corrupt() {
        // Clear (4), then code 7: beyond the first free entry (6) with nothing before it.
        assert_eq!(lzw_pixels(&[1, 0b111_100, 0], 2), Err(Corrupt));
    }

    #[test]
    fn canvas_width_that_opens_a_script_comment_is_refused() {
        let gif = b"GIF89a/*\x01\x00\x00\x00\x00,\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0;";
        assert!(matches!(
            clean(gif, &UploadLimits::default()),
            Err(RefusalReason::Script)
        ));
    }
}
