//! The QR cover check's worker, built by trunk into its own files (`index.html`,
//! `data-type="worker"`): see `omr_web::cover_worker`.

fn main() {
    omr_web::cover_worker::start();
}
