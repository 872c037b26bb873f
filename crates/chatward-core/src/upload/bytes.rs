//! Bounds-checked reads of big- and little-endian numbers: every walker reads through these,
//! so a short or hostile file yields `None`, never a panic.

/// `len` bytes at `start`, if the slice holds them.
pub(super) fn at(data: &[u8], start: usize, len: usize) -> Option<&[u8]> {
    data.get(start..start.checked_add(len)?)
}

/// Big-endian `u16` at `start`.
pub(super) fn be16(data: &[u8], start: usize) -> Option<u16> {
    Some(u16::from_be_bytes(at(data, start, 2)?.try_into().ok()?))
}

/// Big-endian `u32` at `start`.
pub(super) fn be32(data: &[u8], start: usize) -> Option<u32> {
    Some(u32::from_be_bytes(at(data, start, 4)?.try_into().ok()?))
}

/// Little-endian `u16` at `start`.
pub(super) fn le16(data: &[u8], start: usize) -> Option<u16> {
    Some(u16::from_le_bytes(at(data, start, 2)?.try_into().ok()?))
}

/// Little-endian 24-bit number at `start`.
pub(super) fn le24(data: &[u8], start: usize) -> Option<u32> {
    let b = at(data, start, 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// Little-endian `u32` at `start`.
pub(super) fn le32(data: &[u8], start: usize) -> Option<u32> {
    Some(u32::from_le_bytes(at(data, start, 4)?.try_into().ok()?))
}

/// A `u32` length as `usize` (lossless on the 32- and 64-bit targets we build for).
pub(super) fn len(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fail_past_the_end_instead_of_panicking() {
        let d = [1, 2, 3, 4];
        assert_eq!(be16(&d, 2), Some(0x0304));
        assert_eq!(le16(&d, 2), Some(0x0403));
        assert_eq!(be32(&d, 0), Some(0x0102_0304));
        assert_eq!(le32(&d, 0), Some(0x0403_0201));
        assert_eq!(le24(&d, 1), Some(0x04_0302));
        assert_eq!(be16(&d, 3), None);
        assert_eq!(be32(&d, 1), None);
        assert_eq!(at(&d, usize::MAX, 2), None);
    }
}
