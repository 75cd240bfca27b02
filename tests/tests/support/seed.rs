//! Seeds of random test input, printed so that a red run can be replayed exactly.

/// The seed for `name`'s random cases: `PROPTEST_RNG_SEED` if set (proptest reads it too), else
/// a fresh one. Printed either way; the test harness shows the line with a failure, and
/// `PROPTEST_RNG_SEED=<seed> cargo test <name>` draws the same cases in the same order.
pub fn proptest_seed(name: &str) -> u64 {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("{name}: seed {seed}; replay with PROPTEST_RNG_SEED={seed}");
    seed
}
