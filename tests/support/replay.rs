//! Replays the AWS SDK for Rust's recorded traffic (`http-traffic.json`) on loopback.
//!
//! The replayer is both an origin server (for IMDS and container endpoints, which are never
//! proxied and so are pointed here directly) and a proxy (for everything else: plain
//! `http://` requests in absolute form, and `CONNECT` for `https://`, where it terminates
//! TLS with a certificate of the test CA for the recorded host). Each request takes the next
//! recorded connection; its method and URI must match (query parameters in any order), and
//! the recorded `content-type` and `x-aws-ec2-metadata-token` headers must be sent.

use super::http::{read_request, write_response};
use super::standin::Stream;
use super::tls::TestCa;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn load(path: &std::path::Path) -> Vec<Exchange> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut by_conn: Vec<(u64, Exchange)> = Vec::new();
    for e in v["events"].as_array().unwrap() {
        let id = e["connection_id"].as_u64().unwrap();
        let a = &e["action"];
        let pos = match by_conn.iter().position(|(c, _)| *c == id) {
            Some(p) => p,
            None => {
                by_conn.push((
                    id,
                    Exchange {
                        method: String::new(),
                        uri: String::new(),
                        headers: vec![],
                        status: 0,
                        response_headers: vec![],
                        body: vec![],
                    },
                ));
                by_conn.len() - 1
            }
        };
        let x = &mut by_conn[pos].1;
        let headers = |h: &Value| -> Vec<(String, String)> {
            h.as_object()
                .map(|m| {
                    m.iter()
                        .flat_map(|(k, vs)| {
                            vs.as_array().unwrap().iter().map(move |v| {
                                (k.to_ascii_lowercase(), v.as_str().unwrap().to_string())
                            })
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(r) = a.get("Request") {
            x.method = r["request"]["method"].as_str().unwrap().to_string();
            x.uri = r["request"]["uri"].as_str().unwrap().to_string();
            x.headers = headers(&r["request"]["headers"]);
        } else if let Some(r) = a.get("Response") {
            let ok = &r["response"]["Ok"];
            x.status = ok["status"].as_u64().unwrap() as u16;
            x.response_headers = headers(&ok["headers"]);
        } else if let Some(d) = a.get("Data")
            && d["direction"] == "Response"
        {
            x.body
                .extend_from_slice(d["data"]["Utf8"].as_str().unwrap_or("").as_bytes());
        }
    }
    by_conn.sort_by_key(|(c, _)| *c);
    by_conn.into_iter().map(|(_, x)| x).collect()
}

fn split_uri(uri: &str) -> (String, Vec<String>) {
    let (base, query) = uri.split_once('?').unwrap_or((uri, ""));
    let base = match base.split_once("://") {
        Some((scheme, rest)) if !rest.contains('/') => format!("{scheme}://{rest}/"),
        _ => base.to_string(),
    };
    let mut q: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    q.sort();
    (base, q)
}

fn path_of(uri: &str) -> String {
    match uri.split_once("://") {
        Some((_, rest)) => rest
            .find('/')
            .map_or("/".to_string(), |i| rest[i..].to_string()),
        None => uri.to_string(),
    }
}

#[derive(Clone)]
pub struct Replayer {
    pub addr: SocketAddr,
    script: Arc<Mutex<(usize, Vec<Exchange>)>>,
    pub problems: Arc<Mutex<Vec<String>>>,
}

impl Replayer {
    pub fn start(exchanges: Vec<Exchange>, ca: &TestCa) -> Replayer {
        let mut hosts: Vec<String> = exchanges
            .iter()
            .filter_map(|x| x.uri.strip_prefix("https://"))
            .map(|r| r.split(['/', '?', ':']).next().unwrap().to_string())
            .collect();
        hosts.sort();
        hosts.dedup();
        let configs: HashMap<String, Arc<rustls::ServerConfig>> = hosts
            .iter()
            .map(|h| (h.clone(), ca.server_config(&[h.as_str()])))
            .collect();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let r = Replayer {
            addr: listener.local_addr().unwrap(),
            script: Arc::new(Mutex::new((0, exchanges))),
            problems: Arc::default(),
        };
        let me = r.clone();
        let configs = Arc::new(configs);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let me = me.clone();
                let configs = configs.clone();
                std::thread::spawn(move || me.serve(conn, &configs));
            }
        });
        r
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Recorded exchanges that no request asked for.
    pub fn unused(&self) -> usize {
        let s = self.script.lock().unwrap();
        s.1.len() - s.0
    }

    fn serve(&self, conn: TcpStream, configs: &HashMap<String, Arc<rustls::ServerConfig>>) {
        let mut plain: Box<dyn Stream> = Box::new(conn.try_clone().unwrap());
        let Some(first) = read_request(&mut plain) else {
            return;
        };
        let (mut stream, req, uri, direct) =
            if first.method == "CONNECT" && first.target.ends_with(":80") {
                // A tunnel for plain HTTP.
                let host = first.target.trim_end_matches(":80").to_string();
                let _ = plain.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let Some(req) = read_request(&mut plain) else {
                    return;
                };
                let uri = format!("http://{host}{}", req.target);
                (plain, req, uri, false)
            } else if first.method == "CONNECT" {
                let host = first.target.split(':').next().unwrap().to_string();
                let _ = plain.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let Some(config) = configs.get(&host) else {
                    self.problems
                        .lock()
                        .unwrap()
                        .push(format!("CONNECT to unrecorded host {host}"));
                    return;
                };
                let Ok(server) = rustls::ServerConnection::new(config.clone()) else {
                    return;
                };
                let mut tls: Box<dyn Stream> = Box::new(rustls::StreamOwned::new(server, conn));
                let Some(req) = read_request(&mut tls) else {
                    return;
                };
                let uri = format!("https://{host}{}", req.target);
                (tls, req, uri, false)
            } else if first.target.starts_with("http://") {
                let uri = first.target.clone();
                (plain, first, uri, false)
            } else {
                let uri = first.target.clone();
                (plain, first, uri, true)
            };
        let next = {
            let mut s = self.script.lock().unwrap();
            let i = s.0;
            s.0 += 1;
            s.1.get(i).cloned()
        };
        let Some(x) = next else {
            self.problems
                .lock()
                .unwrap()
                .push(format!("unrecorded request {} {uri}", req.method));
            let _ = write_response(&mut stream, 599, &[], b"not in the recording");
            return;
        };
        let matches = if direct {
            split_uri(&path_of(&x.uri)) == split_uri(&uri)
        } else {
            split_uri(&x.uri) == split_uri(&uri)
        };
        if x.method != req.method || !matches {
            self.problems.lock().unwrap().push(format!(
                "request {} {uri} where the recording has {} {}",
                req.method, x.method, x.uri
            ));
        }
        for name in ["content-type", "x-aws-ec2-metadata-token"] {
            if let Some((_, want)) = x.headers.iter().find(|(k, _)| k == name)
                && req.header(name) != Some(want.as_str())
            {
                self.problems.lock().unwrap().push(format!(
                    "{name} {:?} where the recording has {want:?} ({uri})",
                    req.header(name)
                ));
            }
        }
        let headers: Vec<(&str, String)> = x
            .response_headers
            .iter()
            .filter(|(k, _)| k != "content-length" && k != "transfer-encoding" && k != "connection")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        let _ = write_response(&mut stream, x.status, &headers, &x.body);
    }
}
