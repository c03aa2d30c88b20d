//! The `hook-runner` executable that SecureChange runs.

use std::path::Path;
use std::process::ExitCode;

use hook_runner::cli::{Cli, Command, parse_arguments};
use hook_runner::config::{self, Config};
use hook_runner::exit_code::Status;
use hook_runner::failure::Failure;
use hook_runner::logging;

fn main() -> ExitCode {
    disable_library_backtraces();
    let cli = match parse_arguments(std::env::args().collect()) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    match execute(cli) {
        Ok(status) => status.into(),
        Err(failure) => {
            eprintln!("{}", failure.render());
            logging::record_failure(&failure);
            failure.status.into()
        }
    }
}

/// Stops errors from capturing Rust backtraces, which would otherwise reach
/// hooks inside `wasi:http` error texts and admins inside messages when
/// `RUST_BACKTRACE` is set. Panics still print theirs.
#[expect(
    unsafe_code,
    reason = "set_var is sound here: it runs first in main, before any other thread exists"
)]
fn disable_library_backtraces() {
    // SAFETY: no other thread has been started yet, so nothing reads the
    // environment concurrently.
    unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
}

fn execute(cli: Cli) -> Result<Status, Failure> {
    let command = cli.command.unwrap_or(Command::Run(cli.run));
    let exe = std::env::current_exe().ok();
    let env_value = std::env::var(config::CONFIG_ENV).ok();
    let path = config::locate(cli.config.as_deref(), env_value.as_deref(), exe.as_deref());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            Failure::new(
                Status::Internal,
                format!("failed to start the async runtime: {error}"),
            )
        })?;
    runtime.block_on(async {
        match command {
            Command::Run(run) => run.execute(&load_config(&path)?).await,
            Command::Test(test) => test.execute(&load_config(&path)?, &path).await,
            Command::Outbox(outbox) => outbox.execute(&load_config(&path)?).await,
            Command::Condition(condition) => condition.execute(&load_config(&path)?).await,
            Command::Assign(assign) => assign.execute(&load_config(&path)?).await,
            // `new` writes a project from templates and reads no configuration.
            Command::New(new) => new.execute(),
            Command::Completions(completions) => completions.execute(),
            Command::Man(man) => man.execute(),
            Command::Schema(schema) => schema.execute(),
            // `check` reports an invalid configuration in its own output.
            Command::Check(check) => check.execute(&path),
            Command::Compile(compile) => compile.execute(&load_config(&path)?),
            // `inspect` and `componentize` read only the files on their
            // command line.
            Command::Inspect(inspect) => inspect.execute(),
            Command::Componentize(componentize) => componentize.execute(),
        }
    })
}

/// Loads the configuration and starts logging with its `[log]` settings.
fn load_config(path: &Path) -> Result<Config, Failure> {
    let config = Config::load(path).map_err(|error| Failure::new(Status::Config, error))?;
    logging::init(&config.log).map_err(|error| Failure::new(Status::Config, error))?;
    Ok(config)
}
