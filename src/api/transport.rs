//! The connection under the router: gives hyper's own error answers the API's JSON body.
//!
//! hyper answers some requests before the router ever sees them, with a status and an
//! empty body: 414 for a URI over 64 KiB (the most `http::Uri` holds), 431 for a request
//! head over its buffer, 400 for a request that is not HTTP/1.x. No hook changes those
//! answers, so [`JsonErrors`] wraps each accepted connection and, when hyper writes such a
//! head (a 4xx or 5xx status line, `content-length: 0`, nothing after the head: our own
//! errors always have a JSON body, so never match), writes the same head with a
//! `{"error": {...}}` body instead. Everything else passes through untouched.

use super::error::{ErrorBody, ErrorDetail};
use axum::serve::Listener;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections answer hyper's parse errors in JSON.
pub struct JsonErrors(pub TcpListener);

impl Listener for JsonErrors {
    type Io = JsonErrorsIo<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = Listener::accept(&mut self.0).await;
        (
            JsonErrorsIo {
                io,
                pending: Vec::new(),
            },
            addr,
        )
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// One connection (see the module docs).
pub struct JsonErrorsIo<T> {
    io: T,
    /// Bytes of a rewritten answer not yet written.
    pending: Vec<u8>,
}

/// The code and message for a status hyper answers by itself.
fn detail(status: u16) -> (&'static str, &'static str) {
    match status {
        414 => ("uri_too_long", "the URI is longer than this server accepts"),
        431 => (
            "headers_too_large",
            "the request's headers are larger than this server accepts",
        ),
        400 => ("malformed_request", "the request is not valid HTTP/1.1"),
        _ => ("http_error", "the request could not be handled"),
    }
}

/// The answer to write instead of `buf`, when `buf` is exactly one bodiless error head.
pub fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    if !(buf.starts_with(b"HTTP/1.1 ") || buf.starts_with(b"HTTP/1.0 ")) || !buf.ends_with(b"\r\n\r\n") {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?;
    // Exactly one head and nothing after it.
    if head.find("\r\n\r\n") != Some(head.len() - 4) {
        return None;
    }
    let status: u16 = head.get(9..12)?.parse().ok()?;
    let lines: Vec<&str> = head.trim_end_matches("\r\n").split("\r\n").collect();
    let is = |l: &&str, name: &str| {
        l.split_once(':')
            .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name))
    };
    let empty = lines
        .iter()
        .any(|l| is(l, "content-length") && l.split_once(':').is_some_and(|(_, v)| v.trim() == "0"));
    // One head only: a second status line means several answers in one write.
    if status < 400 || !empty || lines.iter().skip(1).any(|l| l.starts_with("HTTP/")) {
        return None;
    }
    let (code, message) = detail(status);
    let body = serde_json::to_string(&ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message: message.into(),
            path: None,
            kind: None,
            rows: None,
        },
    })
    .ok()?;
    let mut out = String::with_capacity(head.len() + body.len() + 64);
    out.push_str(lines[0]);
    out.push_str("\r\n");
    for l in &lines[1..] {
        if !is(l, "content-length") && !is(l, "content-type") {
            out.push_str(l);
            out.push_str("\r\n");
        }
    }
    out.push_str(&format!(
        "content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ));
    Some(out.into_bytes())
}

impl<T: AsyncWrite + Unpin> JsonErrorsIo<T> {
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..n);
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrorsIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrorsIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(answer) = rewrite(buf) {
            // The whole of hyper's head is taken; ours goes out now or on the next flush.
            self.pending = answer;
            if let Poll::Ready(Err(e)) = self.poll_pending(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    // Not vectored: hyper then puts a head and its body in one buffer, so a bodiless
    // head arrives alone in one write and an answer with a body never looks like one.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_error_heads_are_rewritten() {
        let hyper =
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 18:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(hyper).expect("rewritten")).expect("utf-8");
        let (head, body) = out.split_once("\r\n\r\n").expect("head");
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        assert!(head.contains("date: Tue"), "{out}");
        assert!(head.contains(&format!("content-length: {}", body.len())), "{out}");
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(v["error"]["code"], "uri_too_long");
        for keep in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n",
            b"{\"error\": 1}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
        ] {
            assert!(rewrite(keep).is_none(), "{}", String::from_utf8_lossy(keep));
        }
        let bad = rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").expect("400");
        assert!(String::from_utf8_lossy(&bad).contains("malformed_request"));
    }
}
