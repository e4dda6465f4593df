//! Where to connect and with which credentials. A connection is a libpq URL or
//! separate fields; whatever is left out falls back to libpq's own environment
//! variables and `~/.pgpass`, exactly as pg_dump would do by itself. A password
//! reaches the tools only through a temporary 0600 `PGPASSFILE`.

use crate::error::EngineError;
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::Write;

pub use crate::secret::Secret;

/// Connection fields; `None` means "libpq's default" (PGHOST, PGPORT, …).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionSpec {
    /// Host name, IP address, or a unix-socket folder (starts with `/`).
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    /// Never serialised back out.
    #[serde(skip_serializing)]
    pub password: Option<Secret>,
    /// libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full.
    pub sslmode: Option<String>,
    /// Seconds to wait for the server to answer a connection (libpq's
    /// `connect_timeout`); `None`: `PGCONNECT_TIMEOUT`, else
    /// [`DEFAULT_CONNECT_TIMEOUT`]. A server that accepts and never answers
    /// must not hang a job.
    pub connect_timeout: Option<u32>,
}

/// Seconds a tool waits for the server to answer before giving up.
pub const DEFAULT_CONNECT_TIMEOUT: u32 = 10;

const SSL_MODES: &[&str] = &[
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

impl ConnectionSpec {
    /// Parses `postgresql://user:password@host:port/db?sslmode=…&host=/socket/dir`.
    pub fn from_url(text: &str) -> Result<Self, EngineError> {
        let bad = |why: &str| {
            EngineError::InvalidConnection(format!(
                "{why}: expected postgresql://user@host:5432/database"
            ))
        };
        let url =
            url::Url::parse(text.trim()).map_err(|e| bad(&format!("not a valid URL ({e})")))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(bad(&format!(
                "the scheme is `{}`, not postgresql",
                url.scheme()
            )));
        }
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        let mut spec = ConnectionSpec {
            host: url.host_str().map(decode).and_then(non_empty),
            port: url.port(),
            database: non_empty(decode(url.path().trim_start_matches('/'))),
            user: non_empty(decode(url.username())),
            password: url.password().map(|p| Secret::new(decode(p))),
            sslmode: None,
            connect_timeout: None,
        };
        for (key, value) in url.query_pairs() {
            let value = value.into_owned();
            match key.as_ref() {
                "host" => spec.host = Some(value),
                "port" => {
                    spec.port = Some(value.parse().map_err(|_| bad(&format!("port `{value}` is not a number")))?)
                }
                "dbname" => spec.database = Some(value),
                "user" => spec.user = Some(value),
                "password" => spec.password = Some(Secret::new(value)),
                "sslmode" => spec.sslmode = Some(value),
                "connect_timeout" => {
                    spec.connect_timeout = Some(value.parse().map_err(|_| {
                        bad(&format!("connect_timeout `{value}` is not a number of seconds"))
                    })?)
                }
                other => {
                    return Err(bad(&format!(
                        "the URL parameter `{other}` is not supported (host, port, dbname, user, password, sslmode, connect_timeout are)"
                    )))
                }
            }
        }
        spec.validate()?;
        Ok(spec)
    }

    pub fn validate(&self) -> Result<(), EngineError> {
        if let Some(mode) = &self.sslmode {
            if !SSL_MODES.contains(&mode.as_str()) {
                return Err(EngineError::InvalidConnection(format!(
                    "sslmode `{mode}` is not one of {}",
                    SSL_MODES.join(", ")
                )));
            }
        }
        if self.port == Some(0) {
            return Err(EngineError::InvalidConnection(
                "port 0 is not a valid port".into(),
            ));
        }
        if self.connect_timeout == Some(0) {
            return Err(EngineError::InvalidConnection(
                "a connect timeout of 0 would wait forever for a server that does not answer: use 1 second or more".into(),
            ));
        }
        Ok(())
    }

    /// The same connection to another database.
    pub fn with_database(&self, database: &str) -> Self {
        ConnectionSpec {
            database: Some(database.to_string()),
            ..self.clone()
        }
    }

    /// The database this connects to: the field, else PGDATABASE, else the user
    /// name, as libpq decides.
    pub fn effective_database(&self) -> String {
        self.database
            .clone()
            .or_else(|| std::env::var("PGDATABASE").ok())
            .unwrap_or_else(|| self.effective_user())
    }

    fn effective_user(&self) -> String {
        self.user
            .clone()
            .or_else(|| std::env::var("PGUSER").ok())
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "postgres".into())
    }

    /// A URL for display: everything but the password.
    pub fn display_url(&self) -> String {
        let host = self.host.clone().unwrap_or_default();
        let user = self
            .user
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        let (host_part, socket) = if host.starts_with('/') {
            (String::new(), format!("?host={host}"))
        } else {
            (host, String::new())
        };
        format!(
            "postgresql://{user}{host_part}{port}/{}{socket}",
            self.database.as_deref().unwrap_or("")
        )
    }

    /// libpq connection switches for pg_dump, pg_restore, psql and pg_dumpall.
    /// `-w` is always there: a missing password must fail, never wait for a
    /// prompt on the terminal.
    pub fn tool_args(&self, database_flag: bool) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["-w".into()];
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(v) = value {
                args.push(flag.into());
                args.push(v.into());
            }
        };
        push("-h", self.host.clone());
        push("-p", self.port.map(|p| p.to_string()));
        push("-U", self.user.clone());
        if database_flag {
            push("-d", self.database.as_deref().map(dbname_arg));
        }
        args
    }

    /// Environment for the tools. The password file must outlive the process.
    pub fn tool_env(&self, app_name: &str) -> Result<ToolEnv, EngineError> {
        let mut vars = vec![("PGAPPNAME".to_string(), app_name.to_string())];
        if let Some(mode) = &self.sslmode {
            vars.push(("PGSSLMODE".into(), mode.clone()));
        }
        let timeout = self.connect_timeout.or_else(|| {
            std::env::var("PGCONNECT_TIMEOUT")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .filter(|&t: &u32| t > 0)
        });
        vars.push((
            "PGCONNECT_TIMEOUT".into(),
            timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT).to_string(),
        ));
        let passfile = match &self.password {
            Some(secret) => Some(write_passfile(secret)?),
            None => None,
        };
        if let Some(file) = &passfile {
            vars.push(("PGPASSFILE".into(), file.path().display().to_string()));
        }
        Ok(ToolEnv {
            vars,
            passfile,
            secrets: self
                .password
                .iter()
                .map(|s| s.expose().to_string())
                .collect(),
        })
    }
}

/// Environment handed to a tool, holding the temporary password file alive.
pub struct ToolEnv {
    pub vars: Vec<(String, String)>,
    passfile: Option<tempfile::NamedTempFile>,
    secrets: Vec<String>,
}

impl ToolEnv {
    pub fn apply(&self, cmd: &mut tokio::process::Command) {
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
    }

    pub fn apply_std(&self, cmd: &mut std::process::Command) {
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
    }

    pub fn has_password(&self) -> bool {
        self.passfile.is_some()
    }

    /// Replaces every occurrence of the password in `text`.
    pub fn scrub(&self, text: &str) -> String {
        scrub(text, &self.secrets)
    }

    pub fn secrets(&self) -> &[String] {
        &self.secrets
    }

    /// No variables, no password: for tools that connect to nothing.
    #[cfg(test)]
    pub(crate) fn empty() -> ToolEnv {
        ToolEnv {
            vars: Vec::new(),
            passfile: None,
            secrets: Vec::new(),
        }
    }
}

pub fn scrub(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(text.to_string(), |acc, s| {
            acc.replace(s.as_str(), "********")
        })
}

const PASSFILE_PREFIX: &str = "tusk-pgpass-";

/// A `~/.pgpass`-format file matching any host, port, database and user, in
/// the private runtime folder, named after this process so that one a
/// killed process left can be told and removed.
fn write_passfile(secret: &Secret) -> Result<tempfile::NamedTempFile, EngineError> {
    let escaped = secret.expose().replace('\\', "\\\\").replace(':', "\\:");
    let io = |e: std::io::Error| {
        EngineError::Io(format!("cannot write the temporary password file: {e}"))
    };
    let folder = crate::paths::runtime_dir();
    crate::paths::private_dir(&folder).map_err(io)?;
    // The file is named after this process; another Tusk sweeping stale
    // files must see this one as running (the portable layer's lock file).
    let (pid, _) = crate::platform::this_process();
    // NamedTempFile creates the file with mode 0600.
    let mut file = tempfile::Builder::new()
        .prefix(&format!("{PASSFILE_PREFIX}{pid}-"))
        .tempfile_in(&folder)
        .map_err(io)?;
    writeln!(file, "*:*:*:*:{escaped}").map_err(io)?;
    file.flush().map_err(io)?;
    Ok(file)
}

/// Removes the password files of processes that are gone (killed before
/// they could remove their own). Called when the app or the CLI starts.
pub fn sweep_stale_passfiles() {
    let Ok(entries) = std::fs::read_dir(crate::paths::runtime_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PASSFILE_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !crate::platform::process_alive(pid, 0) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether libpq would read `dbname` as a connection string (a URI, or
/// `key=value` pairs) instead of a database name.
fn looks_like_conninfo(dbname: &str) -> bool {
    let lower = dbname.to_ascii_lowercase();
    lower.starts_with("postgresql://") || lower.starts_with("postgres://") || dbname.contains('=')
}

/// The `-d` value that names exactly `dbname`: libpq expands a value that
/// looks like a connection string, so such a name is wrapped in one,
/// `dbname='…'`, whose own value is never expanded again. Any name
/// PostgreSQL accepts reaches the server as it is, and none can add a host
/// or other setting to the connection.
pub fn dbname_arg(dbname: &str) -> String {
    if looks_like_conninfo(dbname) {
        format!(
            "dbname='{}'",
            dbname.replace('\\', "\\\\").replace('\'', "\\'")
        )
    } else {
        dbname.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn url_with_socket_folder_and_password() {
        let spec = ConnectionSpec::from_url(
            "postgresql://bob:p%40ss%3Aw@%2Ftmp%2Fsock:5433/my%20db?sslmode=disable",
        )
        .unwrap();
        assert_eq!(spec.host.as_deref(), Some("/tmp/sock"));
        assert_eq!(spec.port, Some(5433));
        assert_eq!(spec.database.as_deref(), Some("my db"));
        assert_eq!(spec.user.as_deref(), Some("bob"));
        assert_eq!(spec.password.as_ref().unwrap().expose(), "p@ss:w");
        assert!(!format!("{spec:?}").contains("p@ss"));
        assert!(!serde_json::to_string(&spec).unwrap().contains("p@ss"));
        assert!(!spec.display_url().contains("p@ss"));
    }

    #[test]
    fn bad_urls_say_why() {
        let err = ConnectionSpec::from_url("mysql://x/y")
            .unwrap_err()
            .to_string();
        assert!(err.contains("scheme is `mysql`"), "{err}");
        let err = ConnectionSpec::from_url("postgresql://h/db?sslmode=sometimes")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sslmode `sometimes`"), "{err}");
        let err = ConnectionSpec::from_url("postgresql://h/db?colour=red")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`colour`"), "{err}");
    }

    #[test]
    fn a_database_name_that_looks_like_a_connection_string_stays_a_name() {
        assert_eq!(dbname_arg("shop"), "shop");
        assert_eq!(dbname_arg("my shop: 2024"), "my shop: 2024");
        assert_eq!(dbname_arg("a=b"), "dbname='a=b'");
        assert_eq!(
            dbname_arg("postgresql:///other"),
            "dbname='postgresql:///other'"
        );
        assert_eq!(dbname_arg("Postgres://x"), "dbname='Postgres://x'");
        assert_eq!(
            dbname_arg("it's a \\ =name"),
            "dbname='it\\'s a \\\\ =name'"
        );
        let spec = ConnectionSpec {
            database: Some("host=evil dbname=x".into()),
            ..Default::default()
        };
        assert!(spec.validate().is_ok());
        let args: Vec<String> = spec
            .tool_args(true)
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["-w", "-d", "dbname='host=evil dbname=x'"]);
    }

    #[test]
    fn connect_timeout_has_a_default_and_comes_from_the_url() {
        let timeout = |spec: &ConnectionSpec| {
            let env = spec.tool_env("t").unwrap();
            env.vars
                .iter()
                .find(|(k, _)| k == "PGCONNECT_TIMEOUT")
                .map(|(_, v)| v.clone())
        };
        let spec = ConnectionSpec::from_url("postgresql://h/db?connect_timeout=3").unwrap();
        assert_eq!(spec.connect_timeout, Some(3));
        assert_eq!(timeout(&spec).as_deref(), Some("3"));
        if std::env::var_os("PGCONNECT_TIMEOUT").is_none() {
            assert_eq!(
                timeout(&ConnectionSpec::default()),
                Some(DEFAULT_CONNECT_TIMEOUT.to_string())
            );
        }
        let zero = ConnectionSpec::from_url("postgresql://h/db?connect_timeout=0");
        assert!(zero.unwrap_err().to_string().contains("wait forever"));
    }

    #[test]
    fn passfile_is_private_escaped_and_removed() {
        let spec = ConnectionSpec {
            password: Some(Secret::new("a:b\\c")),
            ..Default::default()
        };
        let env = spec.tool_env("t").unwrap();
        let path = env
            .vars
            .iter()
            .find(|(k, _)| k == "PGPASSFILE")
            .unwrap()
            .1
            .clone();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(path.as_ref()), 0o600);
        let folder = std::path::Path::new(&path).parent().unwrap();
        assert_eq!(folder, crate::paths::runtime_dir());
        assert_eq!(mode(folder), 0o700, "in a folder of this user's only");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "*:*:*:*:a\\:b\\\\c\n"
        );
        assert_eq!(env.scrub("x a:b\\c y"), "x ******** y");
        drop(env);
        assert!(!std::path::Path::new(&path).exists());
    }
}
