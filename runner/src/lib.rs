//! hook-runner: runs WebAssembly hooks for Tufin SecureChange ticket events
//! in a sandbox, and writes their results back through the REST API.
//!
//! The binary in `main.rs` is a thin shell over [`cli`] and [`commands`].

#![deny(missing_docs)]

pub mod api;
pub mod audit;
pub mod audit_trail;
pub mod bindings;
pub mod bounded_read;
pub mod cli;
pub mod command_output;
pub mod commands;
pub mod componentize;
pub mod config;
pub mod egress;
pub mod engine;
pub mod event;
pub mod exit_code;
pub mod failure;
pub mod file_access;
pub mod hook_context;
pub mod hook_run;
pub mod logging;
pub mod outbox;
pub mod policy;
pub mod schema;
pub mod script_output;
pub mod selection;
pub mod self_test;
pub mod ticket;
pub mod ticket_info;
pub mod untrusted_text;
pub mod writeback;
pub mod xml_tree;
