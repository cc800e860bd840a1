//! The reader's hit rate on 200 generated scanner-like covers (tests/scans: A4 at 200 dpi,
//! greyscale JPEG q75, the code turned by up to ±3°, noise), read the way the worker reads them
//! ([`read_page`]: 1,200 px, then full size around a code found but not decoded). The browser's
//! `drawImage` is stood in for by bilinear resampling of the decoded JPEG.

use super::*;

/// Bilinear resampling of `region` of a grey page to `size`, as RGBA.
fn resample(grey: &image::GrayImage, region: (u32, u32, u32, u32), size: (u32, u32)) -> Vec<u8> {
    let (x0, y0, w, h) = (f64::from(region.0), f64::from(region.1), f64::from(region.2), f64::from(region.3));
    let (max_x, max_y) = (grey.width() - 1, grey.height() - 1);
    let mut rgba = Vec::with_capacity(size.0 as usize * size.1 as usize * 4);
    for dy in 0..size.1 {
        let sy = (y0 + (f64::from(dy) + 0.5) * h / f64::from(size.1) - 0.5).clamp(0.0, f64::from(max_y));
        let (top, fy) = (sy.floor() as u32, sy.fract());
        for dx in 0..size.0 {
            let sx = (x0 + (f64::from(dx) + 0.5) * w / f64::from(size.0) - 0.5).clamp(0.0, f64::from(max_x));
            let (left, fx) = (sx.floor() as u32, sx.fract());
            let at = |x: u32, y: u32| f64::from(grey.get_pixel(x.min(max_x), y.min(max_y)).0[0]);
            let upper = at(left, top) * (1.0 - fx) + at(left + 1, top) * fx;
            let lower = at(left, top + 1) * (1.0 - fx) + at(left + 1, top + 1) * fx;
            let v = (upper * (1.0 - fy) + lower * fy).round() as u8;
            rgba.extend_from_slice(&[v, v, v, 255]);
        }
    }
    rgba
}

fn read_jpeg(jpeg: &[u8]) -> Found {
    let grey = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).unwrap().to_luma8();
    let read: Result<Found, ()> =
        read_page(grey.width(), grey.height(), |region, size| Ok(resample(&grey, region, size)));
    read.unwrap()
}

#[test]
fn at_least_99_of_200_generated_covers_are_read_and_no_answer_sheet_is() {
    const COVERS: u64 = 200;
    let read_covers = |first: u64| {
        (first..COVERS)
            .step_by(2)
            .filter(|&n| {
                let task = format!("{}", 14_900_000 + n * 37);
                read_jpeg(&omr_scans::cover_jpeg(&task, 1_000 + n)) == Found::Text(task)
            })
            .count()
    };
    // Both cores: each thread reads every other cover.
    let hits = std::thread::scope(|scope| {
        let other = scope.spawn(|| read_covers(1));
        read_covers(0) + other.join().unwrap()
    });
    println!("QR covers read: {hits} of {COVERS}");
    assert!(hits * 100 >= 99 * COVERS as usize, "only {hits} of {COVERS} covers read");
    for seed in 0..10 {
        assert_eq!(read_jpeg(&omr_scans::answer_sheet_jpeg(seed)), Found::Nothing, "answer sheet {seed}");
    }
    // A damaged cover's code is found but not read, at either size (the full-size retry included).
    assert!(matches!(read_jpeg(&omr_scans::damaged_cover_jpeg(3)), Found::Unreadable { .. }));
}
