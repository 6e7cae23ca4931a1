//! A SOCKS5 proxy on loopback (no authentication, CONNECT only) that sends every tunnel to
//! one upstream address and records each destination as the client gave it: `name:port` for
//! a name the proxy was asked to resolve, `ip a.b.c.d:port` for an address resolved by the
//! client.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct SocksProxy {
    pub addr: SocketAddr,
    destinations: Arc<Mutex<Vec<String>>>,
}

impl SocksProxy {
    pub fn start(upstream: SocketAddr) -> SocksProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let p = SocksProxy {
            addr: listener.local_addr().unwrap(),
            destinations: Arc::default(),
        };
        let destinations = p.destinations.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let destinations = destinations.clone();
                std::thread::spawn(move || {
                    let _ = serve(conn, upstream, &destinations);
                });
            }
        });
        p
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.destinations.lock().unwrap())
    }
}

fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    destinations: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut head = [0u8; 2];
    client.read_exact(&mut head)?;
    let mut methods = vec![0u8; head[1] as usize];
    client.read_exact(&mut methods)?;
    if head[0] != 5 || !methods.contains(&0) {
        return client.write_all(&[5, 0xff]);
    }
    client.write_all(&[5, 0])?;
    let mut req = [0u8; 4];
    client.read_exact(&mut req)?;
    let host = match req[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip)?;
            format!("ip {}", IpAddr::from(ip))
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len)?;
            let mut name = vec![0u8; len[0] as usize];
            client.read_exact(&mut name)?;
            String::from_utf8_lossy(&name).into_owned()
        }
        4 => {
            let mut ip = [0u8; 16];
            client.read_exact(&mut ip)?;
            format!("ip {}", IpAddr::from(ip))
        }
        _ => return client.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0]),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port)?;
    destinations
        .lock()
        .unwrap()
        .push(format!("{host}:{}", u16::from_be_bytes(port)));
    if req[1] != 1 {
        return client.write_all(&[5, 7, 0, 1, 0, 0, 0, 0, 0, 0]);
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        return client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
    };
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    let (mut c2, mut s2) = (client.try_clone()?, server.try_clone()?);
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut s2);
        let _ = s2.shutdown(std::net::Shutdown::Write);
    });
    let mut server = server;
    let _ = std::io::copy(&mut server, &mut client);
    let _ = client.shutdown(std::net::Shutdown::Both);
    let _ = up.join();
    Ok(())
}
