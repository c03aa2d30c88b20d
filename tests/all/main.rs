//! End-to-end tests: the real `hook-runner` binary, real compiled guests and
//! the SecureChange API emulator over HTTP on 127.0.0.1.

mod assignment;
mod audit;
mod bad_input;
mod c_hooks;
mod cache;
mod command_hooks;
mod commands;
mod componentize;
mod concurrency;
mod conditions;
mod crash;
mod faults;
mod hostile;
mod http_attacks;
mod install;
mod javascript;
mod logging;
mod new_project;
mod outbox_support;
mod policy;
mod python;
mod schema;
mod test_command;
mod test_event;
mod trigger;
mod write_errors;
