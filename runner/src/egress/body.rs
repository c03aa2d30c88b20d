//! Body wrappers that cap the bytes a hook may send and receive, count what
//! was received, and end a response that stalls between frames.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use wasmtime_wasi_http::{Error, WasiBody};

/// A request body that fails once it passes `limit` bytes.
pub struct LimitedRequestBody {
    inner: WasiBody,
    sent: Arc<AtomicU64>,
    limit: u64,
}

impl LimitedRequestBody {
    /// Wraps `inner`, counting the bytes sent into `sent`.
    pub fn new(inner: WasiBody, sent: Arc<AtomicU64>, limit: u64) -> LimitedRequestBody {
        LimitedRequestBody { inner, sent, limit }
    }
}

impl Body for LimitedRequestBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let frame = std::task::ready!(Pin::new(&mut self.inner).poll_frame(context));
        if let Some(Ok(frame)) = &frame
            && let Some(data) = frame.data_ref()
        {
            let length = data.len() as u64;
            let total = self.sent.fetch_add(length, Ordering::Relaxed) + length;
            if total > self.limit {
                return Poll::Ready(Some(Err(Error::HttpRequestBodySize(Some(total)))));
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that counts bytes into `received`, fails past `limit`,
/// and fails when the whole request takes longer than its time limit, so a
/// server that sends one byte at a time cannot keep it open.
pub struct LimitedResponseBody {
    inner: hyper::body::Incoming,
    received: Arc<AtomicU64>,
    limit: u64,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl LimitedResponseBody {
    /// Wraps `inner`; the body fails at `deadline`, the end of the request's
    /// time limit.
    pub fn new(
        inner: hyper::body::Incoming,
        received: Arc<AtomicU64>,
        limit: u64,
        deadline: tokio::time::Instant,
    ) -> LimitedResponseBody {
        LimitedResponseBody {
            inner,
            received,
            limit,
            timer: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }
}

impl Body for LimitedResponseBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        match Pin::new(&mut self.inner).poll_frame(context) {
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(Error::from(error)))),
            Poll::Ready(Some(Ok(frame))) => {
                let length = frame.data_ref().map_or(0, |data| data.len() as u64);
                let total = self.received.fetch_add(length, Ordering::Relaxed) + length;
                if total > self.limit {
                    return Poll::Ready(Some(Err(Error::HttpResponseBodySize(Some(total)))));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => match self.timer.as_mut().poll(context) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Error::ConnectionReadTimeout))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
