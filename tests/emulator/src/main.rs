//! The `scw-emulator` binary: serves a data directory of SecureChange
//! tickets on a local address until Ctrl-C or SIGTERM.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use scw_emulator::{Emulator, EmulatorConfig};
use tracing_subscriber::EnvFilter;

/// A SecureChange REST API emulator for hook-runner's tests and demo.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Directory of ticket XML files (files whose root is <ticket>).
    #[arg(long)]
    data: PathBuf,
    /// HTTP Basic user name the API accepts. The default is for tests only.
    #[arg(long, default_value = "admin")]
    user: String,
    /// HTTP Basic password the API accepts. The default is for tests only.
    #[arg(long, default_value = "tufin")]
    password: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "failed to start the tokio runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = EmulatorConfig {
        data_dir: cli.data,
        username: cli.user,
        password: cli.password,
    };
    let emulator = Emulator::load(config).map_err(|error| error.to_string())?;
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|error| format!("failed to listen on {}: {error}", cli.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|error| format!("failed to read the bound address: {error}"))?;
    announce(addr).map_err(|error| format!("failed to write to stdout: {error}"))?;
    emulator
        .serve(listener, shutdown_signal())
        .await
        .map_err(|error| error.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

/// Prints the address on stdout, flushed, so a parent process can read it.
fn announce(addr: SocketAddr) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{addr}")?;
    stdout.flush()
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "failed to listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "failed to listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, stopping"),
        () = terminate => tracing::info!("SIGTERM received, stopping"),
    }
}
