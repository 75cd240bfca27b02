//! Seeded random input: a [`TestRunner`] whose seed is printed, so a red run can be replayed.

use proptest::test_runner::{Config, RngSeed, TestRunner};

/// A runner for `name`'s random cases, seeded from `PROPTEST_RNG_SEED` if set (proptest reads it
/// too), else freshly. The seed is printed either way; the test harness shows the line with a
/// failure, and `PROPTEST_RNG_SEED=<seed> cargo test <name>` draws the same cases again.
pub fn seeded_runner(name: &str) -> TestRunner {
    TestRunner::new(seeded_config(name, Config::default().cases))
}

/// `cases` cases for `name`, from a printed seed chosen as [`seeded_runner`] chooses it; for
/// `proptest!`'s `#![proptest_config(…)]`, which keeps failures in `proptest-regressions/`.
pub fn seeded_config(name: &str, cases: u32) -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("{name}: seed {seed}; replay with PROPTEST_RNG_SEED={seed}");
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    }
}
