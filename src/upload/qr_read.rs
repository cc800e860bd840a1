//! Finding and decoding the QR code of one page (pure): grey pixels in, [`Found`] out, with
//! `rqrr`. Used by the cover check's worker (`cover_worker`) on pages scaled to
//! [`READ_LONG_SIDE`]; a code found there but not decoded is tried once more at full
//! resolution around where it was found ([`retry_region`]).

/// The long side, in pixels, pages are read at: a 40 mm code on an A4 page at 200 dpi keeps
/// about 4 px a module, which rqrr reads, and the page costs a quarter of its full size.
pub const READ_LONG_SIDE: u32 = 1_200;

/// What a page holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A decoded QR code's text.
    Text(String),
    /// A QR code was found within these bounds (x0, y0, x1, y1 in the read pixels) but could
    /// not be decoded.
    Unreadable { bounds: (u32, u32, u32, u32) },
    /// No QR code.
    Nothing,
}

/// Looks for QR codes in a `width`×`height` page whose grey level at (x, y) is `grey(x, y)`;
/// the first decoded code wins.
pub fn find_qr(width: u32, height: u32, grey: impl FnMut(usize, usize) -> u8) -> Found {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width as usize, height as usize, grey);
    let grids = image.detect_grids();
    let mut unreadable = None;
    for grid in &grids {
        match grid.decode() {
            Ok((_, text)) => return Found::Text(text),
            Err(_) if unreadable.is_none() => {
                let xs = grid.bounds.iter().map(|p| p.x.max(0) as u32);
                let ys = grid.bounds.iter().map(|p| p.y.max(0) as u32);
                let (x0, x1) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(0));
                let (y0, y1) = (ys.clone().min().unwrap_or(0), ys.max().unwrap_or(0));
                unreadable = Some(Found::Unreadable { bounds: (x0, y0, x1, y1) });
            }
            Err(_) => {}
        }
    }
    unreadable.unwrap_or(Found::Nothing)
}

/// The grey level of an RGBA pixel (ITU-R BT.601 weights in integers).
pub fn luma(rgba: &[u8], at: usize) -> u8 {
    match rgba.get(at..at + 3) {
        Some(&[r, g, b]) => ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)) >> 8) as u8,
        _ => 0,
    }
}

/// Reads a `width`×`height` page: scaled down to [`READ_LONG_SIDE`], then, for a code found
/// there but not decoded, once more at full size around it, and, should that fail too, the whole
/// page at full size (a rare, slow last try: about 45 ms more). `draw(region, size)` gives the
/// RGBA pixels of `region` (x, y, width, height of the page) drawn at `size` (the worker draws
/// on an `OffscreenCanvas`; the native tests resample decoded JPEGs).
pub fn read_page<E>(
    width: u32,
    height: u32,
    mut draw: impl FnMut((u32, u32, u32, u32), (u32, u32)) -> Result<Vec<u8>, E>,
) -> Result<Found, E> {
    let mut read = |region: (u32, u32, u32, u32), size: (u32, u32)| -> Result<Found, E> {
        let rgba = draw(region, size)?;
        let row = size.0 as usize * 4;
        Ok(find_qr(size.0, size.1, |x, y| luma(&rgba, y * row + x * 4)))
    };
    let scale = read_scale(width, height);
    let scaled = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    match read((0, 0, width, height), (scaled(width), scaled(height)))? {
        Found::Unreadable { bounds } if scale < 1.0 => {
            let region = retry_region(bounds, scale, width, height);
            match read(region, (region.2.max(1), region.3.max(1)))? {
                Found::Text(text) => Ok(Found::Text(text)),
                // The code may reach past the region (found at an odd angle at the small size).
                _ => match read((0, 0, width, height), (width, height))? {
                    Found::Nothing => Ok(Found::Unreadable { bounds }),
                    found => Ok(found),
                },
            }
        }
        found => Ok(found),
    }
}

/// The scale a `width`×`height` page is read at: down to [`READ_LONG_SIDE`], never up.
pub fn read_scale(width: u32, height: u32) -> f64 {
    let long = width.max(height).max(1);
    (f64::from(READ_LONG_SIDE) / f64::from(long)).min(1.0)
}

/// The full-resolution region (x, y, width, height) to read again after a code was found at
/// `bounds` on the page read at `scale`: the code and half its size again on every side,
/// within the `width`×`height` page.
pub fn retry_region(bounds: (u32, u32, u32, u32), scale: f64, width: u32, height: u32) -> (u32, u32, u32, u32) {
    let full = |v: u32| (f64::from(v) / scale.max(1e-6)).round();
    let (x0, y0, x1, y1) = (full(bounds.0), full(bounds.1), full(bounds.2), full(bounds.3));
    let margin = ((x1 - x0).max(y1 - y0) / 2.0).max(16.0);
    let clamp = |v: f64, max: u32| v.clamp(0.0, f64::from(max)) as u32;
    let (left, top) = (clamp(x0 - margin, width), clamp(y0 - margin, height));
    let (right, bottom) = (clamp(x1 + margin, width), clamp(y1 + margin, height));
    (left, top, right - left, bottom - top)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod hit_rate;
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_page_holds_nothing() {
        assert_eq!(find_qr(200, 300, |_, _| 255), Found::Nothing);
        assert_eq!(find_qr(0, 0, |_, _| 0), Found::Nothing);
    }

    #[test]
    fn grey_levels_follow_the_usual_weights() {
        assert_eq!(luma(&[255, 255, 255, 255], 0), 255);
        assert_eq!(luma(&[0, 0, 0, 255], 0), 0);
        assert!(luma(&[0, 255, 0, 255], 0) > luma(&[255, 0, 0, 255], 0));
        assert_eq!(luma(&[1, 2], 0), 0, "a short buffer reads as black, never panics");
    }

    #[test]
    fn pages_are_scaled_down_to_the_read_size_only() {
        assert!((read_scale(1654, 2339) - 1200.0 / 2339.0).abs() < 1e-9);
        assert_eq!(read_scale(800, 600), 1.0);
        assert_eq!(read_scale(0, 0), 1.0);
    }

    #[test]
    fn the_retry_region_is_the_code_and_a_margin_at_full_size_within_the_page() {
        // A code at (100..200, 50..150) on a page read at half size: (200..400, 100..300) in
        // full, plus 100 px on each side.
        assert_eq!(retry_region((100, 50, 200, 150), 0.5, 2000, 3000), (100, 0, 400, 400));
        // At the page's edge the region stops there.
        assert_eq!(retry_region((900, 10, 1000, 100), 1.0, 1000, 1000), (850, 0, 150, 150));
    }
}
