//! A minimal HTTP/1.1 client over a plain TCP connection: GET for the deploy checks, and the
//! other methods with a body for the WebDriver client, with no client library to install on
//! the machine running the deploy.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Status, headers (names lower-cased) and body of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Splits `http://host:port/path` into host, port and path.
pub fn split_url(url: &str) -> Result<(String, u16, String), String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| format!("only http:// URLs are checked: {url}"))?;
    let (authority, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().map_err(|_| format!("bad port in {url}"))?),
        None => (authority, 80),
    };
    Ok((host.to_string(), port, path))
}

/// Parses a complete (connection-closed) HTTP/1.x answer; chunked bodies are left encoded.
pub fn parse_answer(raw: &[u8]) -> Result<Answer, String> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status =
        lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).ok_or("no status line")?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Answer { status, headers, body: raw[split + 4..].to_vec() })
}

/// GETs `url` with extra request headers; 10 s limit.
pub fn get(url: &str, extra_headers: &[(&str, &str)]) -> Result<Answer, String> {
    request("GET", url, extra_headers, &[], Duration::from_secs(10))
}

/// Sends `method` to `url` with extra headers and `body` (a `Content-Length` is added when there
/// is one) on a fresh connection, waiting at most `limit` for each read. The answer ends at its
/// `Content-Length`, or where the server closes the connection.
pub fn request(
    method: &str,
    url: &str,
    extra_headers: &[(&str, &str)],
    body: &[u8],
    limit: Duration,
) -> Result<Answer, String> {
    let (host, port, path) = split_url(url)?;
    let address = (host.as_str(), port).to_socket_addrs().map_err(|e| e.to_string())?.next().ok_or("no address")?;
    let mut stream =
        TcpStream::connect_timeout(&address, Duration::from_secs(10)).map_err(|e| format!("{url}: {e}"))?;
    stream.set_read_timeout(Some(limit)).map_err(|e| e.to_string())?;
    let authority = if port == 80 { host.clone() } else { format!("{host}:{port}") };
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).map_err(|e| format!("{url}: {e}"))?;
    // Some servers (chromedriver) keep the connection open after the answer despite `close`:
    // stop reading once the announced body is in.
    let mut raw = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        if complete_length(&raw).is_some_and(|length| raw.len() >= length) {
            break;
        }
        match stream.read(&mut buffer).map_err(|e| format!("{url}: {e}"))? {
            0 => break,
            n => raw.extend_from_slice(&buffer[..n]),
        }
    }
    parse_answer(&raw)
}

/// The full length of an answer whose headers are in and name a `Content-Length`.
fn complete_length(raw: &[u8]) -> Option<usize> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let answer = parse_answer(&raw[..split + 4]).ok()?;
    Some(split + 4 + answer.header("content-length")?.parse::<usize>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split() {
        assert_eq!(split_url("http://gt-omr-web-1/").unwrap(), ("gt-omr-web-1".into(), 80, "/".into()));
        assert_eq!(
            split_url("http://127.0.0.1:8081/config.json").unwrap(),
            ("127.0.0.1".into(), 8081, "/config.json".into())
        );
        assert_eq!(split_url("http://h:1").unwrap().2, "/");
        assert!(split_url("https://h/").is_err());
    }

    #[test]
    fn answers_parse() {
        let answer = parse_answer(b"HTTP/1.1 200 OK\r\nContent-Type: application/wasm\r\nX: y\r\n\r\nbody").unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/wasm"));
        assert_eq!(answer.body, b"body");
        assert!(parse_answer(b"garbage").is_err());
    }

    #[test]
    fn an_answer_is_complete_at_its_content_length() {
        assert_eq!(complete_length(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbo"), Some(42));
        assert_eq!(complete_length(b"HTTP/1.1 200 OK\r\nContent-Le"), None, "headers not in yet");
        assert_eq!(complete_length(b"HTTP/1.1 200 OK\r\n\r\nbody"), None, "read until closed");
    }
}
