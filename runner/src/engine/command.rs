//! The classic script contract for command hooks: `SCW_EVENT` in the
//! environment, the `<ticket_info>` XML on standard input, and a result on
//! standard output that [`crate::command_output`] parses.

use wasmtime_wasi::WasiCtxBuilder;

use super::sandbox::HookFailure;
use crate::bindings::{Event, TicketInfo};
use crate::command_output::{self, CommandOutput};
use crate::event::event_name;

/// Gives a command hook its standard input and environment: the ticket info
/// exactly as SecureChange sent it, `SCW_EVENT`, and the hook's name as
/// `argv[0]`. Nothing else of hook-runner's environment reaches the hook.
pub(super) fn set_classic_contract(
    builder: &mut WasiCtxBuilder,
    hook: &str,
    event: Event,
    info: &TicketInfo,
) -> Vec<u8> {
    builder.env("SCW_EVENT", event_name(event));
    builder.arg(hook);
    info.raw_xml.clone().into_bytes()
}

/// Turns a finished command run into its result: the exit status must be 0,
/// standard output must be complete and must parse.
pub(super) fn finish(
    exit_status: i32,
    stdout: &[u8],
    output_limit: usize,
    stderr_line: Option<String>,
) -> Result<CommandOutput, HookFailure> {
    // Checked first: a program whose writes failed at the limit often exits
    // with an error, and the limit is the cause to report.
    if stdout.len() >= output_limit {
        return Err(HookFailure::InvalidOutput(format!(
            "the hook's standard output reached its limit of {} KiB (max_output_kib), \
             so the result is incomplete and was not parsed",
            output_limit >> 10
        )));
    }
    if exit_status != 0 {
        return Err(HookFailure::Exit {
            status: exit_status,
            stderr_line,
        });
    }
    command_output::parse(stdout).map_err(|error| HookFailure::InvalidOutput(error.to_string()))
}
