//! End-to-end tests of the emulator over real HTTP on 127.0.0.1.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on bad input")]

mod auth;
mod comments;
mod faults;
mod reads;
mod support;
mod writes;
