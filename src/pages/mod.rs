//! One component per route.

pub mod batch_details;
pub mod batches;
pub mod login;
pub mod not_found;
