//! Running the emulator: the async `serve` for the binary, and `spawn`,
//! which runs it on its own thread for in-process tests.

use std::future::Future;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::auth::Credentials;
use crate::faults::{FaultRule, Faults};
use crate::log::{RecordedRequest, RequestLog};
use crate::routes::{AppState, router};
use crate::store::Store;
use crate::{EmulatorConfig, Error};

/// A loaded emulator, ready to serve.
#[derive(Debug)]
pub struct Emulator {
    state: AppState,
    credentials: Credentials,
}

impl Emulator {
    /// Loads the tickets of the configured data directory.
    pub fn load(config: EmulatorConfig) -> Result<Self, Error> {
        let store = Store::load_dir(&config.data_dir)?;
        Ok(Self {
            state: AppState {
                store: Arc::new(store),
                log: Arc::new(RequestLog::default()),
                faults: Arc::new(Faults::default()),
            },
            credentials: Credentials {
                username: config.username,
                password: config.password,
            },
        })
    }

    /// Serves requests on `listener` until `shutdown` completes, then lets
    /// open requests finish.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let app = router(self.state, self.credentials);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(Error::Serve)
    }
}

/// A running emulator on its own thread; dropping it stops the server and
/// waits for the thread.
#[derive(Debug)]
pub struct EmulatorHandle {
    addr: SocketAddr,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the server on its own thread with its own tokio runtime; the
/// server stops when the handle drops. Loading and binding happen before
/// this returns, so their errors come back here.
pub fn spawn(listen: SocketAddr, config: EmulatorConfig) -> Result<EmulatorHandle, Error> {
    let emulator = Emulator::load(config)?;
    let state = emulator.state.clone();
    let listener = StdTcpListener::bind(listen).map_err(|source| Error::Bind {
        addr: listen,
        source,
    })?;
    let addr = listener.local_addr().map_err(|source| Error::Bind {
        addr: listen,
        source,
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| Error::Bind {
            addr: listen,
            source,
        })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let (shutdown, shutdown_signal) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(format!("scw-emulator {addr}"))
        .spawn(move || run_on_thread(&runtime, emulator, listener, shutdown_signal))
        .map_err(Error::Runtime)?;
    Ok(EmulatorHandle {
        addr,
        state,
        shutdown: Some(shutdown),
        thread: Some(thread),
    })
}

fn run_on_thread(
    runtime: &tokio::runtime::Runtime,
    emulator: Emulator,
    listener: StdTcpListener,
    shutdown_signal: oneshot::Receiver<()>,
) {
    runtime.block_on(async move {
        let listener = match TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(%error, "failed to register the listener with tokio");
                return;
            }
        };
        let shutdown = async {
            // An error means the handle was dropped without sending, which
            // is also a request to stop.
            let _ = shutdown_signal.await;
        };
        if let Err(error) = emulator.serve(listener, shutdown).await {
            tracing::error!(%error, "the emulator stopped with an error");
        }
    });
}

impl EmulatorHandle {
    /// Returns the address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns the server's base URL, such as `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Returns the current stored state of a ticket as an XML document.
    pub fn ticket_xml(&self, id: u64) -> Option<String> {
        self.state.store.ticket_xml(id)
    }

    /// Returns every API request handled so far: method, path, status.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.log.entries()
    }

    /// Adds a fault rule, as `POST /emulator/faults` does.
    pub fn add_fault(&self, rule: FaultRule) -> Result<(), String> {
        self.state.faults.add(rule)
    }

    /// Removes every fault rule and releases stalled requests.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Returns how many requests have entered a stall so far.
    pub fn stalled_requests(&self) -> u32 {
        self.state.faults.stalled()
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        // A stalled request would hold up the graceful shutdown.
        self.state.faults.clear();
        if let Some(shutdown) = self.shutdown.take() {
            // The server may already have stopped, so a closed channel is fine.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!(addr = %self.addr, "the emulator thread panicked");
        }
    }
}
