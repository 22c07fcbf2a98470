//! A minimal SOCKS5 proxy on 127.0.0.1 (no authentication, CONNECT only) for the proxy tests:
//! it records where each client asked to go, connects there and pipes bytes both ways.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub struct Socks {
    pub port: u16,
    /// `host:port` of every CONNECT, in order.
    pub connects: Arc<Mutex<Vec<String>>>,
}

impl Socks {
    pub fn start() -> Socks {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let connects: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = connects.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || {
                    let _ = relay(client, &log);
                });
            }
        });
        Socks { port, connects }
    }
}

fn relay(mut c: TcpStream, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    // Greeting: VER, NMETHODS, METHODS; we pick "no authentication".
    let mut head = [0u8; 2];
    c.read_exact(&mut head)?;
    let mut methods = vec![0u8; head[1] as usize];
    c.read_exact(&mut methods)?;
    c.write_all(&[5, 0])?;
    // Request: VER CMD RSV ATYP DST.ADDR DST.PORT
    let mut req = [0u8; 4];
    c.read_exact(&mut req)?;
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            c.read_exact(&mut a)?;
            std::net::Ipv4Addr::from(a).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            c.read_exact(&mut len)?;
            let mut name = vec![0u8; len[0] as usize];
            c.read_exact(&mut name)?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return Ok(()),
    };
    let mut port = [0u8; 2];
    c.read_exact(&mut port)?;
    let dest = format!("{host}:{}", u16::from_be_bytes(port));
    log.lock().unwrap().push(dest.clone());
    // Every destination is served by the loopback test server the test named.
    let upstream = TcpStream::connect(if host == "localhost" {
        format!("127.0.0.1:{}", u16::from_be_bytes(port))
    } else {
        dest
    })?;
    c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    let (mut c2, mut u2) = (c.try_clone()?, upstream.try_clone()?);
    let mut upstream = upstream;
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(std::net::Shutdown::Write);
    });
    std::io::copy(&mut upstream, &mut c)?;
    Ok(())
}
