//! Uploading: pure planning, retry, validation, speed and resume logic, the job runner, and
//! the queue state that lives above the router so navigation never interrupts an upload.

pub mod cancel;
pub mod cover_check;
pub mod cover_checks;
pub mod cover_reading;
pub mod file_reads;
pub mod job;
pub mod new_upload;
pub mod plan;
pub mod protocol;
pub mod qr_read;
pub mod queue;
pub mod resume;
pub mod retry;
pub mod runner;
pub mod speed;
pub mod validate;
pub mod zip_scan;
