//! `hook-runner componentize`: wrap a WASI preview1 core module in a
//! component, so that hooks built by C, Zig or other core-module compilers
//! need no `wasm-tools` install.

use std::path::PathBuf;

use crate::componentize::{self, Adapter};
use crate::exit_code::Status;
use crate::failure::Failure;

/// Make a component from a WASI preview1 core module with a preview1
/// adapter of wasmtime 48.0.8. A program with a `main` function gets the
/// command adapter, and a library such as a C hook built against the
/// `trigger` world gets the reactor adapter.
#[derive(Debug, clap::Args)]
pub struct ComponentizeCommand {
    /// The core module (.wasm file) to wrap
    #[arg(value_name = "MODULE")]
    pub module: PathBuf,

    /// Output file for the component
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Use the reactor adapter [default: the command adapter when the module
    /// exports `_start`, else the reactor adapter]
    #[arg(long, conflicts_with = "command")]
    pub reactor: bool,

    /// Use the command adapter, which exports `wasi:cli/run` and calls the
    /// module's `_start`
    #[arg(long)]
    pub command: bool,
}

impl ComponentizeCommand {
    /// Runs the command and returns the exit status.
    pub fn execute(&self) -> Result<Status, Failure> {
        let module =
            crate::bounded_read::read_file(&self.module, crate::bounded_read::MAX_COMPONENT_BYTES)
                .map_err(|error| {
                    Failure::new(
                        Status::Config,
                        format!("failed to read `{}`: {error}", self.module.display()),
                    )
                })?;
        if !componentize::is_core_module(&module) {
            return Err(Failure::new(
                Status::Config,
                format!(
                    "`{}` is not a WebAssembly core module (it is a component or no WebAssembly \
                     at all); pass the .wasm file that the compiler wrote",
                    self.module.display()
                ),
            ));
        }
        let adapter = self.adapter(&module)?;
        let component = componentize::componentize(&module, adapter).map_err(|error| {
            Failure::new(
                Status::Config,
                format!("`{}`: {error}", self.module.display()),
            )
        })?;
        std::fs::write(&self.output, &component).map_err(|error| {
            Failure::new(
                Status::Config,
                format!("failed to write `{}`: {error}", self.output.display()),
            )
        })?;
        println!(
            "wrote `{}` ({} bytes) with the {} adapter",
            self.output.display(),
            component.len(),
            adapter.name()
        );
        Ok(Status::Success)
    }

    fn adapter(&self, module: &[u8]) -> Result<Adapter, Failure> {
        if self.reactor {
            return Ok(Adapter::Reactor);
        }
        if self.command {
            return Ok(Adapter::Command);
        }
        componentize::detect_adapter(module).map_err(|error| {
            Failure::new(
                Status::Config,
                format!("`{}`: {error}", self.module.display()),
            )
        })
    }
}
