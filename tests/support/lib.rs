//! Helpers shared by the integration tests in `tests/all/`.

/// Paths of the guest components that `build.rs` compiles from `guests/`.
///
/// Each constant is the absolute path of one `.wasm` component, named after
/// its package in upper snake case (`risk-scorer` is `RISK_SCORER`).
pub mod guests {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

pub mod components;
pub mod http_service;
pub mod scenario;
pub mod ticket_state;
