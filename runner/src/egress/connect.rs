//! Opens the connection for a checked request: TCP to one of the checked
//! addresses, then TLS for `https` with the public web roots.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use wasmtime_wasi_http::Error;

/// A connected byte stream, plain or TLS.
pub trait Stream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Stream for T {}

/// Connects to the first of `addresses` that accepts, within `timeout` for
/// each, and starts TLS when `tls` is set, verifying the certificate for
/// `host`. Returns the stream and the address it reached.
pub async fn open(
    addresses: &[IpAddr],
    port: u16,
    host: &str,
    tls: bool,
    timeout: Duration,
) -> Result<(Box<dyn Stream>, IpAddr), Error> {
    let mut last_error = Error::DestinationNotFound;
    for address in addresses {
        let socket = SocketAddr::new(*address, port);
        match tokio::time::timeout(timeout, TcpStream::connect(socket)).await {
            Err(_) => last_error = Error::ConnectionTimeout,
            Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
                last_error = Error::ConnectionRefused;
            }
            Ok(Err(error)) => last_error = Error::Connect(error),
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                if !tls {
                    return Ok((Box::new(stream), *address));
                }
                let stream = start_tls(stream, host, timeout).await?;
                return Ok((stream, *address));
            }
        }
    }
    Err(last_error)
}

async fn start_tls(
    stream: TcpStream,
    host: &str,
    timeout: Duration,
) -> Result<Box<dyn Stream>, Error> {
    let server_name = match host.parse::<IpAddr>() {
        Ok(address) => rustls::pki_types::ServerName::from(address),
        Err(_) => rustls::pki_types::ServerName::try_from(host.to_string())
            .map_err(|_| Error::HttpRequestUriInvalid)?,
    };
    let connector = tokio_rustls::TlsConnector::from(client_config());
    match tokio::time::timeout(timeout, connector.connect(server_name, stream)).await {
        Err(_) => Err(Error::ConnectionTimeout),
        Ok(Err(error)) => Err(Error::Tls(error)),
        Ok(Ok(stream)) => Ok(Box::new(stream)),
    }
}

/// Returns the TLS settings for guests' requests, built once: the public web
/// roots, no client certificate.
fn client_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|builder| builder.with_root_certificates(roots).with_no_client_auth());
            match config {
                Ok(config) => Arc::new(config),
                Err(error) => {
                    // The ring provider supports the default versions, so this
                    // branch only runs if rustls changes that.
                    tracing::error!(%error, "failed to set up TLS for hooks' requests");
                    Arc::new(
                        rustls::ClientConfig::builder()
                            .with_root_certificates(rustls::RootCertStore::empty())
                            .with_no_client_auth(),
                    )
                }
            }
        })
        .clone()
}
