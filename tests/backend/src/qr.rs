//! Reading the images of a QR ZIP as the server does (contract §4.3): each is decoded and
//! searched for a QR code; one whose text holds an 8-digit task id is a cover sheet.

use image::GrayImage;

/// The longest side, in pixels, that an image is scaled down to (by a whole factor) for the
/// first look for a code: a 40 mm code keeps modules of several pixels there, and the search
/// takes a third of the time it takes at full resolution.
pub const FIRST_LOOK_PIXELS: u32 = 1200;

/// Entries larger than this are not decoded (no scanned page comes near it): read as not a picture.
pub const MAX_PICTURE_BYTES: u64 = 64 << 20;

/// What one image of a QR ZIP turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    /// Bytes that are no JPEG or PNG at all (the placeholder bytes of most tests, a damaged
    /// file): such an image keeps the older rule, its 8-digit top folder is its task.
    NotAPicture,
    /// A picture whose QR code holds this task id: a cover sheet, starting that task's group.
    Cover(String),
    /// Any other picture (no code, an unreadable one, or one without a task id): a sheet.
    Sheet,
}

/// True when `head` (the first bytes of a file) starts like a JPEG or a PNG.
pub fn looks_like_a_picture(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xD8, 0xFF]) || head.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// Decodes an image and looks for a cover sheet's QR code: first scaled down to at most
/// [`FIRST_LOOK_PIXELS`]; at full resolution only when that look found a code but read no task
/// id from it. A page where the first look found no code at all is not looked at again: a
/// cover's code has modules of several pixels even scaled down, and the second look would
/// cost every answer sheet half as much time again (55 ms on top of 80 ms to decode and 15 ms
/// to look, measured in a release build).
pub fn scan(bytes: &[u8]) -> Scan {
    let Ok(picture) = image::load_from_memory(bytes) else {
        return Scan::NotAPicture;
    };
    let grey = picture.into_luma8();
    let factor = grey.width().max(grey.height()).div_ceil(FIRST_LOOK_PIXELS);
    if factor > 1 {
        let (task, codes) = look(&shrink(&grey, factor));
        if task.is_some() || codes == 0 {
            return task.map_or(Scan::Sheet, Scan::Cover);
        }
    }
    look(&grey).0.map_or(Scan::Sheet, Scan::Cover)
}

/// The image scaled down by a whole `factor`, each pixel the mean of a `factor`-square block:
/// ten times faster than the image crate's general resampling, and as good for finding codes.
fn shrink(image: &GrayImage, factor: u32) -> GrayImage {
    let (width, height) = (image.width() / factor, image.height() / factor);
    let source = image.as_raw();
    let stride = image.width() as usize;
    let (f, area) = (factor as usize, factor * factor);
    let mut sums = vec![0u32; width as usize];
    let mut shrunk = Vec::with_capacity(width as usize * height as usize);
    for y in 0..height as usize {
        sums.fill(0);
        for row in source.chunks_exact(stride).skip(y * f).take(f) {
            for (sum, block) in sums.iter_mut().zip(row.chunks_exact(f)) {
                *sum += block.iter().map(|&value| u32::from(value)).sum::<u32>();
            }
        }
        shrunk.extend(sums.iter().map(|&sum| (sum / area) as u8));
    }
    GrayImage::from_raw(width, height, shrunk).expect("the buffer has width × height pixels")
}

/// The task id of the first QR code in the image whose text holds one, and how many codes
/// were found, read or not.
fn look(image: &GrayImage) -> (Option<String>, usize) {
    let (width, height) = (image.width() as usize, image.height() as usize);
    let pixels = image.as_raw();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = prepared.detect_grids();
    let task = grids.iter().filter_map(|grid| grid.decode().ok()).find_map(|(_, text)| task_in(&text));
    (task, grids.len())
}

/// The first run of exactly eight ASCII digits in a QR code's text (`14900113`,
/// `TASK:14900113`), as the server takes the task id from a cover; longer runs are not task ids.
pub fn task_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 8).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_id_is_a_run_of_exactly_eight_digits() {
        assert_eq!(task_in("14900113").as_deref(), Some("14900113"));
        assert_eq!(task_in("task=14900113;room=3").as_deref(), Some("14900113"));
        assert_eq!(task_in("149001130 then 12345678").as_deref(), Some("12345678"));
        assert_eq!(task_in("1490011"), None);
        assert_eq!(task_in("๑๔๙๐๐๑๑๓"), None, "Thai digits are not read as a task id");
        assert_eq!(task_in(""), None);
    }

    #[test]
    fn pictures_are_told_by_their_first_bytes() {
        assert!(looks_like_a_picture(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(looks_like_a_picture(b"\x89PNG\r\n\x1a\n...."));
        assert!(!looks_like_a_picture(b"fake jpeg 1"));
        assert!(!looks_like_a_picture(&[0, 0, 0, 0]));
    }

    #[test]
    fn covers_sheets_and_placeholders_are_told_apart() {
        assert_eq!(scan(&omr_scans::cover_jpeg("TASK 14900113", 1)), Scan::Cover("14900113".into()));
        assert_eq!(scan(&omr_scans::cover_jpeg("hello", 2)), Scan::Sheet, "a code without a task id");
        assert_eq!(scan(&omr_scans::damaged_cover_jpeg(3)), Scan::Sheet);
        assert_eq!(scan(&omr_scans::answer_sheet_jpeg(4)), Scan::Sheet);
        assert_eq!(scan(b"fake jpeg 1"), Scan::NotAPicture);
        assert_eq!(scan(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Scan::NotAPicture, "a cut JPEG");
    }
}
