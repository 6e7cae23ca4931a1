//! A loopback stand-in for the AWS endpoints the helper calls (ECR, ECR Public, STS, SSO,
//! IMDS, container credentials): it checks every SigV4 signature with the verifier in
//! `sigv4.rs` (a signed request with a bad signature gets AWS's 403), records each request,
//! and answers from a script.

use super::http::{HttpRequest, read_request, write_response};
use super::sigv4::{self, Verified};
use base64::Engine;
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};

/// What the stand-in answers to the next request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A successful GetAuthorizationToken for `user:password`, expiring in 12 hours.
    Token(String),
    /// Any status and body.
    Raw {
        status: u16,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Accept the request and never answer (until the client hangs up).
    Hang,
    /// Answer with the inner reply after a delay: a slow service.
    Slow(std::time::Duration, Box<Reply>),
    /// Send the status line and half the declared body, then close.
    Truncated(String),
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub request: HttpRequest,
    pub verified: Result<Verified, String>,
}

pub trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

#[derive(Clone)]
pub struct StandIn {
    pub addr: SocketAddr,
    pub tls: bool,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    replies: Arc<Mutex<VecDeque<Reply>>>,
    /// Answered when no reply is scripted (the benchmark's endless stream of misses).
    fallback: Arc<Mutex<Option<Reply>>>,
    recording: Arc<Mutex<bool>>,
    /// How many requests have come in, for tests that act once one has (no sleeps).
    arrived: Arc<(Mutex<usize>, Condvar)>,
    /// How many connections were accepted (a TLS retry would show as a second).
    connections: Arc<std::sync::atomic::AtomicUsize>,
}

impl StandIn {
    /// Starts on 127.0.0.1 on a free port; with `tls`, it serves HTTPS with that config.
    pub fn start(
        secrets: HashMap<String, String>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = StandIn {
            addr: listener.local_addr().unwrap(),
            tls: tls.is_some(),
            recorded: Arc::default(),
            replies: Arc::default(),
            fallback: Arc::default(),
            recording: Arc::new(Mutex::new(true)),
            arrived: Arc::default(),
            connections: Arc::default(),
        };
        let me = s.clone();
        let secrets = Arc::new(secrets);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                me.connections
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let me = me.clone();
                let secrets = secrets.clone();
                let tls = tls.clone();
                std::thread::spawn(move || me.serve(conn, &secrets, tls));
            }
        });
        s
    }

    pub fn url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://{}", self.addr)
        }
    }

    pub fn set_fallback(&self, reply: Reply) {
        *self.fallback.lock().unwrap() = Some(reply);
    }

    /// Forgets what it recorded (a long run would otherwise keep every request).
    pub fn set_recording(&self, on: bool) {
        if !on {
            self.take();
        }
        *self.recording.lock().unwrap() = on;
    }

    pub fn push(&self, reply: Reply) {
        self.replies.lock().unwrap().push_back(reply);
    }

    /// The requests seen since the last call.
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.recorded.lock().unwrap())
    }

    /// Waits until `n` requests in all have come in (read, before the reply), at most
    /// `timeout`; whether they did.
    pub fn wait_for_requests(&self, n: usize, timeout: std::time::Duration) -> bool {
        let (count, arrived) = &*self.arrived;
        let guard = count.lock().unwrap();
        let (guard, _) = arrived
            .wait_timeout_while(guard, timeout, |c| *c < n)
            .unwrap();
        *guard >= n
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn unused_replies(&self) -> usize {
        self.replies.lock().unwrap().len()
    }

    fn serve(
        &self,
        conn: TcpStream,
        secrets: &HashMap<String, String>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) {
        let mut stream: Box<dyn Stream> = match tls {
            Some(config) => {
                let Ok(server) = rustls::ServerConnection::new(config) else {
                    return;
                };
                Box::new(rustls::StreamOwned::new(server, conn))
            }
            None => Box::new(conn),
        };
        let Some(request) = read_request(&mut stream) else {
            return;
        };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let signed = request
            .header("authorization")
            .is_some_and(|a| a.starts_with("AWS4-"));
        let verified = match signed {
            true => sigv4::verify(&request, secrets, now),
            false => Err("unsigned".to_string()),
        };
        let reply = match &verified {
            Err(e) if signed => Reply::Raw {
                status: 403,
                body: format!(
                    r#"{{"__type":"InvalidSignatureException","message":"stand-in: {}"}}"#,
                    e.replace('"', "'")
                ),
                headers: vec![],
            },
            _ => self
                .replies
                .lock()
                .unwrap()
                .pop_front()
                .or_else(|| self.fallback.lock().unwrap().clone())
                .unwrap_or(Reply::Raw {
                    status: 599,
                    body: r#"{"message":"the stand-in had no reply scripted"}"#.into(),
                    headers: vec![],
                }),
        };
        if *self.recording.lock().unwrap() {
            self.recorded.lock().unwrap().push(Recorded {
                request: request.clone(),
                verified: verified.clone(),
            });
        }
        {
            let (count, arrived) = &*self.arrived;
            *count.lock().unwrap() += 1;
            arrived.notify_all();
        }
        let reply = match reply {
            Reply::Slow(delay, inner) => {
                // Simulated service latency, not synchronisation: the client just waits.
                std::thread::sleep(delay);
                *inner
            }
            other => other,
        };
        if let Reply::Truncated(body) = &reply {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len() * 2
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            let _ = stream.flush();
            return;
        }
        let (status, body, headers) = match reply {
            Reply::Token(user_pass) => (200, token_body(&request, &verified, &user_pass), vec![]),
            Reply::Raw {
                status,
                body,
                headers,
            } => (status, body, headers),
            Reply::Slow(..) | Reply::Truncated(_) => unreachable!("handled above"),
            Reply::Hang => {
                // Hold the connection, unanswered, until the client gives up.
                let mut sink = [0u8; 64];
                while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                return;
            }
        };
        let mut hs: Vec<(&str, String)> =
            vec![("Content-Type", "application/x-amz-json-1.1".into())];
        for (k, v) in &headers {
            hs.push((k.as_str(), v.clone()));
        }
        let _ = write_response(&mut stream, status, &hs, body.as_bytes());
    }
}

/// The GetAuthorizationToken answer, shaped for ECR or ECR Public by the request's target.
fn token_body(req: &HttpRequest, verified: &Result<Verified, String>, user_pass: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(user_pass);
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() as f64 + 12.0 * 3600.0;
    if req
        .header("x-amz-target")
        .unwrap_or("")
        .starts_with("SpencerFrontendService")
    {
        return format!(
            r#"{{"authorizationData":{{"authorizationToken":"{token}","expiresAt":{expires}}}}}"#
        );
    }
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
    let id = body["registryIds"][0].as_str().unwrap_or("000000000000");
    let region = verified
        .as_ref()
        .map(|v| v.region.clone())
        .unwrap_or_default();
    format!(
        r#"{{"authorizationData":[{{"authorizationToken":"{token}","expiresAt":{expires},"proxyEndpoint":"https://{id}.dkr.ecr.{region}.amazonaws.com"}}]}}"#
    )
}
