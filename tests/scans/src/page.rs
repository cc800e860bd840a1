//! Drawing pages: paper, printed text, bubbles, the QR code, scanner noise, then JPEG.
//!
//! Everything is drawn straight into one greyscale buffer with integer or simple float maths,
//! so that a page takes tens of milliseconds in an optimised build.

use crate::rng::SplitMix64;
use qrcode::{Color, EcLevel, QrCode};

/// Page width in pixels: A4 (210 mm) at 200 dpi.
pub const PAGE_WIDTH: usize = 1654;
/// Page height in pixels: A4 (297 mm) at 200 dpi.
pub const PAGE_HEIGHT: usize = 2339;

const PX_PER_MM: f64 = 200.0 / 25.4;
const QUALITY: u8 = 75;
/// Toner black: scanned print is never 0.
const INK: u8 = 30;
/// Pencil, in filled bubbles.
const PENCIL: u8 = 70;
/// Scanned paper white.
const PAPER: i32 = 234;
/// How far a cover's QR code is from the top of the page, in pixels, before jitter.
const QR_TOP: i64 = 300;
/// Scanner noise amplitudes (peak, in grey levels): they set the JPEG sizes (contract §5.1).
const COVER_NOISE: i32 = 4;
const SHEET_NOISE: i32 = 15;

/// A cover sheet; with `payload` `None` a damaged one (a blotted code with a seed-made task id).
pub fn cover(payload: Option<&str>, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let mut page = Canvas::paper(&mut rng);
    let margin = 150;
    page.text_line(&mut rng, margin, 120, PAGE_WIDTH as i64 - 3 * margin, 4);
    page.text_line(&mut rng, margin, 190, PAGE_WIDTH as i64 - 6 * margin, 2);
    page.rect(margin, 250, PAGE_WIDTH as i64 - 2 * margin, 4, INK);
    let task = format!("{:08}", 14_000_000 + rng.below(1_000_000));
    let code_bottom = page.qr(&mut rng, payload.unwrap_or(&task), payload.is_none());
    // The printed task id and school name under the code, then the instructions.
    let mut y = code_bottom + 60;
    page.text_line(&mut rng, 550, y, 550, 5);
    y += 100;
    for paragraph in 0..2 {
        for _ in 0..rng.between(3, 4) {
            page.text_line(
                &mut rng,
                margin + if paragraph == 1 { 60 } else { 0 },
                y,
                PAGE_WIDTH as i64 - 2 * margin,
                2,
            );
            y += 30;
        }
        y += 40;
    }
    // The room's signature table.
    let (rows, columns, row_height) = (8, 3, 58);
    let width = PAGE_WIDTH as i64 - 2 * margin;
    page.frame(margin, y, width, rows * row_height, 3);
    for row in 1..rows {
        page.rect(margin, y + row * row_height, width, 2, INK);
    }
    for column in 1..columns {
        page.rect(margin + column * width / columns, y, 2, rows * row_height, INK);
    }
    // Names in the first column; the signatures are still to come.
    for row in 0..rows {
        page.text_line(&mut rng, margin + 20, y + row * row_height + 18, width / columns - 40, 2);
    }
    page.text_line(&mut rng, margin, PAGE_HEIGHT as i64 - 130, 700, 2);
    page.scan(&mut rng, COVER_NOISE);
    page.jpeg()
}

/// An answer sheet: timing marks, a student-id grid, 120 questions of five bubbles.
pub fn answer_sheet(seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let mut page = Canvas::paper(&mut rng);
    // Timing marks down the left edge: the reader aligns the sheet with them.
    let mut y = 180;
    while y < PAGE_HEIGHT as i64 - 120 {
        page.rect(50, y, 56, 20, INK);
        y += 58;
    }
    page.text_line(&mut rng, 160, 100, 1300, 4);
    page.text_line(&mut rng, 160, 170, 900, 3);
    // Name and room lines.
    for line in 0..3 {
        let y = 260 + line * 70;
        page.text_line(&mut rng, 860, y - 30, 200, 2);
        page.rect(1080, y, 420, 2, INK);
    }
    // Student id: ten columns of the digits 0–9, one filled in each.
    let (left, top) = (170, 250);
    page.frame(left - 20, top - 20, 10 * 56 + 20, 10 * 38 + 20, 3);
    for column in 0..10 {
        let filled = rng.below(10) as i64;
        for digit in 0..10 {
            let (cx, cy) = (left + 18 + column * 56, top + 18 + digit * 38);
            page.ring(cx, cy, 13.0, 2.0);
            if digit == filled {
                page.pencil(&mut rng, cx, cy);
            }
        }
    }
    // Four columns of thirty questions, five choices each.
    let (grid_left, grid_top, row_height) = (150, 720, 50);
    page.frame(grid_left - 20, grid_top - 30, PAGE_WIDTH as i64 - grid_left - 80, 30 * row_height + 40, 3);
    for column in 0..4 {
        let x = grid_left + column * 360;
        for row in 0..30 {
            let y = grid_top + row * row_height;
            page.text_line(&mut rng, x, y - 12, 50, 2);
            let filled = rng.below(6) as i64; // 5: left blank.
            for choice in 0..5 {
                let cx = x + 90 + choice * 50;
                page.ring(cx, y, 15.0, 2.0);
                if choice == filled {
                    page.pencil(&mut rng, cx, y);
                } else if rng.chance(0.02) {
                    page.disc(cx as f64, y as f64, 12.0, 190); // An erased mark.
                }
            }
        }
    }
    page.text_line(&mut rng, 160, PAGE_HEIGHT as i64 - 90, 1000, 2);
    page.scan(&mut rng, SHEET_NOISE);
    page.jpeg()
}

/// One greyscale page, row by row.
struct Canvas {
    px: Vec<u8>,
}

impl Canvas {
    /// Blank paper, shaded as a scanner's lamp shades it: a little darker down the page and
    /// towards the edges.
    fn paper(rng: &mut SplitMix64) -> Canvas {
        let tilt = rng.between(3, 8) as i32;
        let mut px = vec![0u8; PAGE_WIDTH * PAGE_HEIGHT];
        let edge = |at: usize, size: usize| {
            let distance = at.min(size - 1 - at) as i32;
            (12 - distance / 8).max(0)
        };
        for (y, row) in px.chunks_exact_mut(PAGE_WIDTH).enumerate() {
            let shade = PAPER - tilt * y as i32 / PAGE_HEIGHT as i32 - edge(y, PAGE_HEIGHT);
            for (x, value) in row.iter_mut().enumerate() {
                *value = (shade - edge(x, PAGE_WIDTH)) as u8;
            }
        }
        Canvas { px }
    }

    /// Darkens a rectangle to `level` (ink over paper: the darker wins). Clipped to the page.
    fn rect(&mut self, x: i64, y: i64, width: i64, height: i64, level: u8) {
        let (x0, x1) = (x.clamp(0, PAGE_WIDTH as i64) as usize, (x + width).clamp(0, PAGE_WIDTH as i64) as usize);
        let (y0, y1) = (y.clamp(0, PAGE_HEIGHT as i64) as usize, (y + height).clamp(0, PAGE_HEIGHT as i64) as usize);
        for row in self.px.chunks_exact_mut(PAGE_WIDTH).take(y1).skip(y0) {
            for value in &mut row[x0..x1] {
                *value = (*value).min(level);
            }
        }
    }

    /// A printed box outline `thick` pixels wide.
    fn frame(&mut self, x: i64, y: i64, width: i64, height: i64, thick: i64) {
        self.rect(x, y, width, thick, INK);
        self.rect(x, y + height - thick, width, thick, INK);
        self.rect(x, y, thick, height, INK);
        self.rect(x + width - thick, y, thick, height, INK);
    }

    /// Blends `level` in where `coverage(dx, dy)` (0–1, offsets from the centre) says, within
    /// `reach` pixels of the centre.
    fn shape(&mut self, cx: f64, cy: f64, reach: f64, level: u8, coverage: impl Fn(f64, f64) -> f64) {
        let (x0, x1) = ((cx - reach).floor().max(0.0) as usize, ((cx + reach).ceil() as usize).min(PAGE_WIDTH - 1));
        let (y0, y1) = ((cy - reach).floor().max(0.0) as usize, ((cy + reach).ceil() as usize).min(PAGE_HEIGHT - 1));
        for y in y0..=y1 {
            for x in x0..=x1 {
                let c = coverage(x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
                if c > 0.0 {
                    let value = &mut self.px[y * PAGE_WIDTH + x];
                    *value = (f64::from(*value) + (f64::from(level) - f64::from(*value)) * c.min(1.0)) as u8;
                }
            }
        }
    }

    /// A printed bubble outline, anti-aliased.
    fn ring(&mut self, cx: i64, cy: i64, radius: f64, thick: f64) {
        self.shape(cx as f64, cy as f64, radius + thick, INK, |dx, dy| {
            let off = ((dx * dx + dy * dy).sqrt() - radius).abs();
            thick / 2.0 + 0.5 - off
        });
    }

    /// A filled disc, anti-aliased.
    fn disc(&mut self, cx: f64, cy: f64, radius: f64, level: u8) {
        self.shape(cx, cy, radius + 1.0, level, |dx, dy| radius + 0.5 - (dx * dx + dy * dy).sqrt());
    }

    /// A bubble filled in pencil: never quite centred nor quite round.
    fn pencil(&mut self, rng: &mut SplitMix64, cx: i64, cy: i64) {
        let (jx, jy) = (rng.unit() * 4.0 - 2.0, rng.unit() * 4.0 - 2.0);
        let radius = 10.0 + rng.unit() * 3.0;
        let level = PENCIL + rng.below(40) as u8;
        self.disc(cx as f64 + jx, cy as f64 + jy, radius, level);
    }

    /// A line of printed-looking words up to `width` pixels long: glyphs are random 5×7
    /// bitmaps, each dot `scale` pixels square.
    fn text_line(&mut self, rng: &mut SplitMix64, x: i64, y: i64, width: i64, scale: i64) {
        let mut at = x;
        let end = x + width * rng.between(70, 100) / 100;
        loop {
            let letters = rng.between(2, 9);
            if at + letters * 6 * scale > end {
                break;
            }
            for _ in 0..letters {
                let bits = rng.next_u64();
                for dot in 0..35 {
                    // About 40% of a glyph's dots are ink, as in a typical font.
                    let random = (bits >> dot) & 1 == 1 && (bits >> (dot + 29)) & 1 == 0;
                    // A left stem on most rows, as most letters have.
                    if random || (dot % 5 == 0 && dot < 30) {
                        let (column, row) = (dot % 5, dot / 5);
                        self.rect(at + column * scale, y + row * scale, scale, scale, INK);
                    }
                }
                at += 6 * scale;
            }
            at += 4 * scale;
        }
    }

    /// Draws the QR code of `payload` centred across the top third, about 40 mm wide and
    /// turned by up to ±3° with bilinear sampling; `blot` inks over most of its data (not its
    /// finder patterns) so that it cannot be decoded. Returns the lowest row it reaches.
    fn qr(&mut self, rng: &mut SplitMix64, payload: &str, blot: bool) -> i64 {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .expect("the layout parser keeps payloads short enough for a QR code");
        let modules = code.width();
        let module = ((40.0 * PX_PER_MM) / modules as f64).round().max(3.0) as usize;
        let size = modules * module;
        // Ink coverage of the unturned code, one value per pixel.
        let mut source = vec![0.0f32; size * size];
        for (index, value) in source.iter_mut().enumerate() {
            let (x, y) = (index % size / module, index / size / module);
            if code[(x, y)] == Color::Dark {
                *value = 1.0;
            }
        }
        if blot {
            blot_data(&mut source, size, module, rng);
        }
        let angle = (rng.unit() * 6.0 - 3.0).to_radians();
        let (sin, cos) = angle.sin_cos();
        let cx = PAGE_WIDTH as f64 / 2.0 + rng.between(-60, 60) as f64;
        let cy = (QR_TOP + rng.between(-30, 30)) as f64 + size as f64 / 2.0;
        let half = size as f64 / 2.0;
        let sample = |u: f64, v: f64| -> f64 {
            let (u0, v0) = (u.floor(), v.floor());
            let (fu, fv) = (u - u0, v - v0);
            let at = |x: f64, y: f64| -> f64 {
                if x < 0.0 || y < 0.0 || x >= size as f64 || y >= size as f64 {
                    0.0
                } else {
                    f64::from(source[y as usize * size + x as usize])
                }
            };
            let top = at(u0, v0) * (1.0 - fu) + at(u0 + 1.0, v0) * fu;
            let bottom = at(u0, v0 + 1.0) * (1.0 - fu) + at(u0 + 1.0, v0 + 1.0) * fu;
            top * (1.0 - fv) + bottom * fv
        };
        // The turned square's bounding box, then every pixel in it sampled back from the code.
        let reach = half * (cos.abs() + sin.abs()) + 2.0;
        self.shape(cx, cy, reach, INK, |dx, dy| {
            let u = cos * dx + sin * dy + half - 0.5;
            let v = -sin * dx + cos * dy + half - 0.5;
            sample(u, v)
        });
        (cy + reach) as i64
    }

    /// Scanner noise of peak `amplitude` (grey levels, triangular distribution) and a little dust.
    fn scan(&mut self, rng: &mut SplitMix64, amplitude: i32) {
        for quad in self.px.chunks_mut(4) {
            let bits = rng.next_u64();
            for (lane, value) in quad.iter_mut().enumerate() {
                let pair = bits >> (lane * 16);
                let noise = (pair & 0xFF) as i32 + ((pair >> 8) & 0xFF) as i32 - 255;
                *value = (i32::from(*value) + noise * amplitude / 255).clamp(0, 255) as u8;
            }
        }
        for _ in 0..rng.between(20, 60) {
            let (x, y) = (rng.below(PAGE_WIDTH as u64) as f64, rng.below(PAGE_HEIGHT as u64) as f64);
            self.disc(x, y, 0.5 + rng.unit() * 2.0, 60 + rng.below(100) as u8);
        }
    }

    /// The page as a baseline greyscale JPEG at quality 75, marked 200 dpi.
    fn jpeg(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 << 20);
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, QUALITY);
        encoder.set_density(jpeg_encoder::Density::Inch { x: 200, y: 200 });
        encoder
            .encode(&self.px, PAGE_WIDTH as u16, PAGE_HEIGHT as u16, jpeg_encoder::ColorType::Luma)
            .expect("encoding into memory cannot fail");
        out
    }
}

/// Inks over the data of a code `size` pixels square (modules of `module` pixels), sparing its
/// three finder patterns with their separators: far more than error correction can recover,
/// while a decoder still finds the code.
fn blot_data(source: &mut [f32], size: usize, module: usize, rng: &mut SplitMix64) {
    let corner = 8 * module;
    let finder =
        |x: usize, y: usize| (x < corner || x >= size - corner) && y < corner || x < corner && y >= size - corner;
    let s = size as f64;
    let blobs: Vec<(f64, f64, f64)> = (0..5)
        .map(|_| (s * (0.45 + rng.unit() * 0.25), s * (0.45 + rng.unit() * 0.25), s * (0.18 + rng.unit() * 0.1)))
        .collect();
    for (index, value) in source.iter_mut().enumerate() {
        let (x, y) = (index % size, index / size);
        if finder(x, y) {
            continue;
        }
        let (fx, fy) = (x as f64, y as f64);
        if blobs.iter().any(|&(bx, by, r)| (fx - bx).powi(2) + (fy - by).powi(2) < r * r) {
            *value = 1.0;
        }
    }
}
