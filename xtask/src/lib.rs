//! Project automation.
//!
//! * [`codegen`] (the default `codegen` feature): `sdk/src/generated.rs` from `spec/people.yaml`.
//! * [`public_api`]: the public API of `people-sdk` as a sorted listing, `sdk/public-api.txt`,
//!   from rustdoc's JSON output.

#[cfg(feature = "codegen")]
pub mod codegen;
pub mod public_api;
