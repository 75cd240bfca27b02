//! Seeded random input: a [`TestRunner`] whose seed is printed, so a red run can be replayed.

use proptest::test_runner::{Config, RngSeed, TestRunner};

/// A runner for `name`'s random cases, seeded from `PROPTEST_RNG_SEED` if set (proptest reads it
/// too), else freshly. The seed is printed either way; the test harness shows the line with a
/// failure, and `PROPTEST_RNG_SEED=<seed> cargo test <name>` draws the same cases again.
pub fn seeded_runner(name: &str) -> TestRunner {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("{name}: seed {seed}; replay with PROPTEST_RNG_SEED={seed}");
    TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    })
}
