//! Receivers for the notification tests, on loopback: an HTTP listener that
//! keeps every request it gets (and answers what the test says), and an SMTP
//! server that takes mail with STARTTLS or TLS from the first byte, checks a
//! user name and password, and keeps each message. Their TLS certificate is
//! signed by a certificate authority made for the test, written to a PEM
//! file the client is told to trust.

use base64::Engine as _;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the HTTP listener got.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: String,
    /// The path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// An HTTP/1.1 listener on 127.0.0.1 that answers 200, or the statuses
/// queued with [`HttpSink::answer_next`].
pub struct HttpSink {
    pub port: u16,
    requests: Arc<Mutex<Vec<HttpRequest>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

impl HttpSink {
    pub fn start() -> HttpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the HTTP listener");
        let port = listener.local_addr().expect("its port").port();
        let requests: Arc<Mutex<Vec<HttpRequest>>> = Arc::default();
        let answers: Arc<Mutex<VecDeque<u16>>> = Arc::default();
        let (kept, queued) = (requests.clone(), answers.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (kept, queued) = (kept.clone(), queued.clone());
                std::thread::spawn(move || {
                    let _ = serve_http(stream, &kept, &queued);
                });
            }
        });
        HttpSink {
            port,
            requests,
            answers,
        }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next request is answered `status` (then 200 again).
    pub fn answer_next(&self, status: u16) {
        self.answers.lock().unwrap().push_back(status);
    }

    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits (up to `timeout`) until `count` requests arrived.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<HttpRequest> {
        wait_until(timeout, || {
            let got = self.requests();
            (got.len() >= count).then_some(got)
        })
        .unwrap_or_else(|| self.requests())
    }
}

fn wait_until<T>(timeout: Duration, mut ready: impl FnMut() -> Option<T>) -> Option<T> {
    let until = Instant::now() + timeout;
    loop {
        if let Some(t) = ready() {
            return Some(t);
        }
        if Instant::now() > until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn read_line(stream: &mut dyn Read) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if stream.read(&mut byte)? == 0 {
            return Ok((!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned()));
        }
        line.push(byte[0]);
        if line.ends_with(b"\r\n") {
            line.truncate(line.len() - 2);
            return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
        }
    }
}

fn serve_http(
    mut stream: TcpStream,
    kept: &Mutex<Vec<HttpRequest>>,
    queued: &Mutex<VecDeque<u16>>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    loop {
        let Some(request_line) = read_line(&mut stream)? else {
            return Ok(());
        };
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        while let Some(line) = read_line(&mut stream)? {
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        stream.read_exact(&mut body)?;
        kept.lock().unwrap().push(HttpRequest {
            method,
            target,
            headers,
            body,
        });
        let status = queued.lock().unwrap().pop_front().unwrap_or(200);
        let text = if status == 200 { "ok" } else { "no_service" };
        write!(
            stream,
            "HTTP/1.1 {status} {}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n{text}",
            if status == 200 { "OK" } else { "Test Answer" },
            text.len()
        )?;
        stream.flush()?;
    }
}

/// The certificate authority of a test run, and a server certificate for
/// `localhost` and 127.0.0.1 it signed.
pub struct TestCa {
    /// The authority's certificate (PEM), for the client to trust.
    pub ca_file: PathBuf,
    server: Arc<rustls::ServerConfig>,
    _dir: tempfile::TempDir,
}

impl TestCa {
    pub fn new() -> TestCa {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Tusk test authority");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::CrlSign,
        ];
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let mut leaf =
            CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf.use_authority_key_identifier_extension = true;
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();

        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("test-ca.pem");
        std::fs::write(&ca_file, ca_cert.pem()).unwrap();
        // ring's, as the engine uses (deprecated by rustls for lacking
        // post-quantum key exchange, which a loopback test does not need).
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf_cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
            )
            .unwrap();
        TestCa {
            ca_file,
            server: Arc::new(server),
            _dir: dir,
        }
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}

/// How the SMTP server speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Offers STARTTLS, and AUTH only once TLS is on.
    StartTls,
    /// TLS from the first byte.
    Implicit,
    /// None offered.
    Plain,
}

/// One message the SMTP server took.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Who signed in (AUTH), if anyone.
    pub user: Option<String>,
    /// Whether the message came over TLS.
    pub over_tls: bool,
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body).
    pub data: String,
}

/// An SMTP server on 127.0.0.1.
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// `login`: the user name and password it takes (then required).
    pub fn start(tls: SmtpTls, ca: &TestCa, login: Option<(&str, &str)>) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP server");
        let port = listener.local_addr().expect("its port").port();
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let kept = mails.clone();
        let config = ca.server.clone();
        let login = login.map(|(u, p)| (u.to_string(), p.to_string()));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (kept, config, login) = (kept.clone(), config.clone(), login.clone());
                std::thread::spawn(move || {
                    let _ = serve_smtp(stream, tls, config, login, &kept);
                });
            }
        });
        SmtpSink { port, mails }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits (up to `timeout`) until `count` messages arrived.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Mail> {
        wait_until(timeout, || {
            let got = self.mails();
            (got.len() >= count).then_some(got)
        })
        .unwrap_or_else(|| self.mails())
    }
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
    Gone,
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
            Conn::Gone => Ok(0),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
            Conn::Gone => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
            Conn::Gone => Ok(()),
        }
    }
}

impl Conn {
    fn secure(self, config: &Arc<rustls::ServerConfig>) -> io::Result<Conn> {
        match self {
            Conn::Plain(tcp) => {
                let session =
                    rustls::ServerConnection::new(config.clone()).map_err(io::Error::other)?;
                Ok(Conn::Tls(Box::new(rustls::StreamOwned::new(session, tcp))))
            }
            other => Ok(other),
        }
    }

    fn say(&mut self, line: &str) -> io::Result<()> {
        self.write_all(format!("{line}\r\n").as_bytes())?;
        self.flush()
    }
}

/// `<a@example.com> BODY=8BITMIME` → `a@example.com`.
fn address(text: &str) -> String {
    let text = text.trim();
    match text.strip_prefix('<') {
        Some(rest) => rest.split('>').next().unwrap_or_default().to_string(),
        None => text.split(' ').next().unwrap_or_default().to_string(),
    }
}

fn serve_smtp(
    stream: TcpStream,
    mode: SmtpTls,
    config: Arc<rustls::ServerConfig>,
    login: Option<(String, String)>,
    kept: &Mutex<Vec<Mail>>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut conn = Conn::Plain(stream);
    if mode == SmtpTls::Implicit {
        conn = conn.secure(&config)?;
    }
    conn.say("220 localhost Tusk test SMTP")?;
    let mut user: Option<String> = None;
    let mut from = String::new();
    let mut to = Vec::new();
    while let Some(line) = read_line(&mut conn)? {
        let upper = line.to_ascii_uppercase();
        let over_tls = matches!(conn, Conn::Tls(_));
        if upper.starts_with("EHLO") {
            let mut lines = vec!["250-localhost".to_string()];
            if mode == SmtpTls::StartTls && !over_tls {
                lines.push("250-STARTTLS".into());
            }
            if login.is_some() && (over_tls || mode == SmtpTls::Plain) {
                lines.push("250-AUTH PLAIN LOGIN".into());
            }
            lines.push("250 8BITMIME".into());
            conn.say(&lines.join("\r\n"))?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            conn.say("250 ok")?;
        } else if upper == "STARTTLS" && mode == SmtpTls::StartTls && !over_tls {
            conn.say("220 go ahead")?;
            conn = std::mem::replace(&mut conn, Conn::Gone).secure(&config)?;
        } else if let Some(rest) = upper.strip_prefix("AUTH PLAIN") {
            let given = if rest.trim().is_empty() {
                conn.say("334 ")?;
                read_line(&mut conn)?.unwrap_or_default()
            } else {
                line["AUTH PLAIN".len()..].trim().to_string()
            };
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(given.trim())
                .unwrap_or_default();
            let mut fields = decoded.split(|b| *b == 0).skip(1);
            let name = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
            let password = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
            if login.as_ref() == Some(&(name.clone(), password)) {
                user = Some(name);
                conn.say("235 2.7.0 Authentication successful")?;
            } else {
                conn.say("535 5.7.8 Authentication credentials invalid")?;
            }
        } else if upper.starts_with("MAIL FROM:") {
            if login.is_some() && user.is_none() {
                conn.say("530 5.7.0 Authentication required")?;
                continue;
            }
            from = address(&line[10..]);
            to.clear();
            conn.say("250 ok")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&line[8..]));
            conn.say("250 ok")?;
        } else if upper == "DATA" {
            conn.say("354 end with <CR><LF>.<CR><LF>")?;
            let mut data = String::new();
            while let Some(line) = read_line(&mut conn)? {
                if line == "." {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                data.push('\n');
            }
            kept.lock().unwrap().push(Mail {
                user: user.clone(),
                over_tls,
                from: from.clone(),
                to: to.clone(),
                data,
            });
            conn.say("250 queued")?;
        } else if upper == "RSET" {
            conn.say("250 ok")?;
        } else if upper == "QUIT" {
            conn.say("221 bye")?;
            return Ok(());
        } else {
            conn.say("502 command not implemented")?;
        }
    }
    Ok(())
}
