//! A real HTTP/1.1 server on 127.0.0.1 for the fetch tests: serves what a handler returns, with
//! real headers, and injects faults (a reset mid-body, a slow answer). Every request is recorded.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Request {
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// When its head was read.
    pub at: std::time::Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub enum Fault {
    None,
    /// Close the connection after half the body.
    ResetMidBody,
    /// Wait this long before answering.
    Delay(Duration),
    /// Send the head, then the body one byte at a time, this long apart.
    Trickle(Duration),
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub fault: Fault,
}

impl Reply {
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.into(),
            fault: Fault::None,
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            fault: Fault::None,
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

pub struct Server {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Start serving; `handler(request, n)` gets the request and how many requests for the same
    /// target came before it. The server thread lives as long as the test process.
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Server { port, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The targets requested so far, in order.
    pub fn targets(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.target.clone())
            .collect()
    }

    pub fn count(&self, target: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.target == target)
            .count()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let req = Request {
            target,
            headers,
            at: std::time::Instant::now(),
        };
        let n = {
            let mut log = log.lock().unwrap();
            let n = log.iter().filter(|r| r.target == req.target).count();
            log.push(req.clone());
            n
        };
        let reply = handler(&req, n);
        if let Fault::Delay(d) = reply.fault {
            std::thread::sleep(d);
        }
        let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
        head.push_str("Date: Sun, 29 Nov 2026 03:23:18 GMT\r\n");
        for (k, v) in &reply.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
        // Head and body in one write: two small writes would meet Nagle's algorithm and the
        // peer's delayed ACK, and time the server instead of the client.
        let mut msg = head.into_bytes();
        if let Fault::ResetMidBody = reply.fault {
            msg.extend_from_slice(&reply.body[..reply.body.len() / 2]);
            let _ = stream.write_all(&msg);
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
        if let Fault::Trickle(gap) = reply.fault {
            if stream.write_all(&msg).is_err() {
                return;
            }
            for b in &reply.body {
                std::thread::sleep(gap);
                if stream.write_all(&[*b]).is_err() {
                    return;
                }
            }
            continue;
        }
        msg.extend_from_slice(&reply.body);
        if stream.write_all(&msg).is_err() {
            return;
        }
    }
}
