//! The one configuration of the property tests (native test builds only): a fixed seed and
//! ChaCha, so CI runs the same cases every time and a failure found once is found again; no
//! failure files written into the work tree.

use proptest::test_runner::{Config, RngAlgorithm, RngSeed};

/// `cases` cases from the project's fixed seed.
pub fn seeded(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x0_4d52_2025),
        ..Config::default()
    }
}
