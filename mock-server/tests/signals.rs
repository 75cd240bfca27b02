//! The program stops cleanly on SIGTERM even when the signal comes as soon as its banner has
//! been read, which is when scripts consider it started.

mod support;

use support::program::Program;

#[tokio::test]
async fn sigterm_right_after_the_banner_is_a_clean_stop() {
    // A signal that beat the handlers would kill the program (no clean exit); the race is
    // narrow, so it is run a few times.
    for _ in 0..5 {
        let stopped = Program::start(&["--log-format", "off"]).await.stop().await;
        assert!(stopped.status.success(), "{:?}", stopped.status);
        assert_eq!(stopped.stderr, ["people-mock: shutting down"]);
    }
}
