//! The configuration of every property test in this crate: a seed that is printed, so that a
//! failure can be replayed exactly.
//!
//! proptest draws a fresh seed for each run and does not show it. Here the seed is drawn (or
//! taken from `PROPTEST_RNG_SEED`, which proptest itself reads too), printed, and fixed for the
//! run; the test harness shows the print with a failure. `PROPTEST_RNG_SEED=<seed> cargo test
//! <name>` then runs the same cases in the same order. Failures are also kept in
//! `proptest-regressions/` (proptest's default) and replayed first by every later run.

use proptest::test_runner::{Config, RngSeed};

/// `cases` cases from a printed seed, with proptest's other defaults.
pub(crate) fn config(cases: u32) -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("proptest seed {seed}; replay with PROPTEST_RNG_SEED={seed}");
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}
