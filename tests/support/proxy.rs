//! A CONNECT proxy on loopback that sends every tunnel to one upstream address and records
//! the host:port each client asked for.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct ConnectProxy {
    pub addr: SocketAddr,
    connects: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start(upstream: SocketAddr) -> ConnectProxy {
        Self::start_with_auth(upstream, None)
    }

    /// A proxy that answers 407 unless `Proxy-Authorization` carries `user:password`.
    pub fn start_with_auth(upstream: SocketAddr, auth: Option<String>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let p = ConnectProxy {
            addr: listener.local_addr().unwrap(),
            connects: Arc::default(),
        };
        let connects = p.connects.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let connects = connects.clone();
                let auth = auth.clone();
                std::thread::spawn(move || tunnel(conn, upstream, &connects, auth.as_deref()));
            }
        });
        p
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.connects.lock().unwrap())
    }
}

fn tunnel(
    client: TcpStream,
    upstream: SocketAddr,
    connects: &Mutex<Vec<String>>,
    auth: Option<&str>,
) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
        let _ = (&client).write_all(b"HTTP/1.1 405 Only CONNECT\r\n\r\n");
        return;
    };
    let mut authorized = auth.is_none();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let (Some(want), Some((name, value))) = (auth, h.split_once(':'))
            && name.eq_ignore_ascii_case("proxy-authorization")
        {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(want);
            authorized = value.trim() == format!("Basic {encoded}");
        }
    }
    if !authorized {
        let _ = (&client).write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n",
        );
        return;
    }
    connects.lock().unwrap().push(target.to_string());
    let Ok(server) = TcpStream::connect(upstream) else {
        let _ = (&client).write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    if (&client)
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut reader, &mut s2);
        let _ = s2.shutdown(std::net::Shutdown::Write);
    });
    let mut server = server;
    let _ = std::io::copy(&mut server, &mut c2);
    let _ = c2.shutdown(std::net::Shutdown::Both);
    let _ = up.join();
}
