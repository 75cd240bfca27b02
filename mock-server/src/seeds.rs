//! The people present on start and after a reset, and the names of generated ones.

/// The three people present on start and after a reset.
pub(crate) const SEEDS: [(&str, &str); 3] = [
    ("Doug", "Farrell"),
    ("Kent", "Brockman"),
    ("Bunny", "Easter"),
];

const FIRST_NAMES: [&str; 12] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "Niklaus",
    "Radia", "Tony",
];
const LAST_NAMES: [&str; 12] = [
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen",
    "Wirth", "Perlman", "Hoare",
];

/// The fname and lname of the `i`-th generated person (from 0): a computing pioneer, the
/// lname numbered so that every one is unique (`Lovelace1`, `Lovelace2`, …).
pub(crate) fn generated(i: usize) -> (&'static str, String) {
    let fname = FIRST_NAMES[i % FIRST_NAMES.len()];
    let lname = format!(
        "{}{}",
        LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()],
        i + 1
    );
    (fname, lname)
}
