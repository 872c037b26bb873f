//! Relay configuration: the TOML file format, the embedded demo defaults, and the validated
//! [`Config`] the relay runs with.
//!
//! Raw values are read once (file, then flags and `CHATWARD_*` variables on top, see
//! `cli/serve.rs`) and converted here into a checked `Config`; the rest of the relay never
//! sees raw configuration.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chatward_core::protocol::{OperatorProfile, Statement};
use chatward_core::{Policy, ScanOptions, Scanner};
use serde::Deserialize;

use crate::auth::sha256_hex;

/// The shop id used when a client names none.
pub const DEFAULT_SHOP: &str = "demo";

/// The demo shop's privacy statement (version `2026-11`).
pub const DEMO_STATEMENT: &str = "Demo Shop answers your questions in this chat. We keep the \
conversation for 30 days to help you and then delete it. Please do not send card numbers, bank \
details, passwords or ID documents: we never need them here. You can ask us to delete the \
conversation at any time.";

/// The configuration file as written by people: every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Address the relay listens on.
    pub listen: Option<String>,
    /// Database URL.
    pub database: Option<String>,
    /// Folder with the built widget (`cargo xtask dist` output).
    pub static_dir: Option<PathBuf>,
    /// Folder for uploads.
    pub upload_dir: Option<PathBuf>,
    /// Size and time limits.
    #[serde(default)]
    pub limits: FileLimits,
    /// Shops by id. Without any, the embedded demo shop is used.
    #[serde(default)]
    pub shops: BTreeMap<String, FileShop>,
}

/// Limits as written in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    /// Largest WebSocket message in bytes.
    pub max_frame_bytes: Option<usize>,
    /// Longest chat message in characters.
    pub max_message_chars: Option<usize>,
    /// Seconds without any frame before a WebSocket is closed.
    pub idle_timeout_secs: Option<u64>,
    /// Frames a connection may send at once before being limited.
    pub frame_burst: Option<u32>,
    /// Frames per second a connection may send in the long run.
    pub frames_per_second: Option<u32>,
    /// WebSockets one client address may hold open at once; 0 turns the limit off.
    pub sockets_per_address: Option<u32>,
    /// New WebSocket connections per minute and address, in the long run; 0: no limit.
    pub connections_per_minute: Option<u32>,
    /// New WebSocket connections one address may open at once.
    pub connection_burst: Option<u32>,
    /// Uploads per minute and address, in the long run; 0: no limit.
    pub uploads_per_minute: Option<u32>,
    /// Uploads one address may send at once.
    pub upload_burst: Option<u32>,
    /// Operator login attempts per minute and address, in the long run; 0: no limit.
    pub logins_per_minute: Option<u32>,
    /// Login attempts one address may make at once.
    pub login_burst: Option<u32>,
    /// Take the client's address from the last `X-Forwarded-For` entry instead of the TCP
    /// peer. Only behind exactly one reverse proxy that sets it; off by default, because
    /// anyone can send the header.
    pub trust_forwarded_for: Option<bool>,
}

/// One shop as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileShop {
    /// Page origins allowed to embed the pane, e.g. `https://shop.example` or
    /// `http://127.0.0.1:*`.
    pub allowed_origins: Vec<String>,
    /// The privacy statement customers accept.
    pub statement: FileStatement,
    /// The profile shown on the customer's operator card.
    pub operator: OperatorProfile,
    /// What to do per category of personal data (`CREDIT_CARD = "block"`...); categories
    /// left out keep the careful defaults of `chatward_core::Policy`.
    #[serde(default)]
    pub policy: Policy,
    /// Largest upload in bytes.
    #[serde(default = "default_upload_limit")]
    pub upload_limit_bytes: u64,
    /// Conversations older than this many days are deleted.
    #[serde(default = "default_retention_days")]
    pub retention_days: u32,
}

/// A privacy statement as written in the file; its hash is computed, not written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileStatement {
    /// The shop's version label.
    pub version: String,
    /// The text shown in the gate.
    pub text: String,
    /// Link to the full statement.
    pub url: Option<String>,
}

fn default_upload_limit() -> u64 {
    5 * 1024 * 1024
}

fn default_retention_days() -> u32 {
    30
}

/// Size and time limits, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest WebSocket message in bytes.
    pub max_frame_bytes: usize,
    /// Longest chat message in characters.
    pub max_message_chars: usize,
    /// A WebSocket without any frame for this long is closed.
    pub idle_timeout: Duration,
    /// Frames a connection may send at once before being limited.
    pub frame_burst: u32,
    /// Frames per second a connection may send in the long run.
    pub frames_per_second: u32,
    /// WebSockets one client address may hold open at once; 0: no limit. Generous, since
    /// many customers can share an address (offices, mobile carriers).
    pub sockets_per_address: u32,
    /// New WebSocket connections per client address.
    pub connections: Rate,
    /// Uploads per client address.
    pub uploads: Rate,
    /// Operator login attempts per client address.
    pub logins: Rate,
    /// Whether the client address comes from the last `X-Forwarded-For` entry (set by the
    /// one reverse proxy in front of the relay) rather than from the TCP peer.
    pub trust_forwarded_for: bool,
}

/// A rate per client address: `burst` at once, refilled at `per_minute`. A `per_minute` of
/// 0 turns the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Long-run allowance per minute.
    pub per_minute: u32,
    /// How many may come at once (at least 1).
    pub burst: u32,
}

impl Rate {
    /// No limit.
    pub const UNLIMITED: Self = Self {
        per_minute: 0,
        burst: 1,
    };

    fn from_file(per_minute: Option<u32>, burst: Option<u32>, default: Self) -> Self {
        Self {
            per_minute: per_minute.unwrap_or(default.per_minute),
            burst: burst.unwrap_or(default.burst).max(1),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 16 * 1024,
            max_message_chars: 2000,
            idle_timeout: Duration::from_secs(300),
            frame_burst: 30,
            frames_per_second: 5,
            sockets_per_address: 64,
            // A pane reconnects after a lost link, a page opens a few; 30 at once then one
            // a second is far beyond people and well below a flood.
            connections: Rate {
                per_minute: 60,
                burst: 30,
            },
            uploads: Rate {
                per_minute: 20,
                burst: 10,
            },
            // Argon2 checks are expensive and passwords are guessed: few and slow.
            logins: Rate {
                per_minute: 6,
                burst: 10,
            },
            trust_forwarded_for: false,
        }
    }
}

/// A shop the relay serves, checked.
#[derive(Debug, Clone)]
pub struct Shop {
    /// The id clients name in `?shop=`.
    pub id: String,
    /// Origins allowed to embed the pane (CSP `frame-ancestors` sources).
    pub allowed_origins: Vec<String>,
    /// The statement with its SHA-256.
    pub statement: Statement,
    /// The operator card.
    pub operator: OperatorProfile,
    /// What to do per category of personal data.
    pub policy: Policy,
    /// The detector, built once; the shop's own e-mail address is never reported.
    pub scanner: Scanner,
    /// Largest upload in bytes.
    pub upload_limit_bytes: u64,
    /// Retention in days.
    pub retention_days: u32,
}

/// The validated configuration the relay runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (port 0 picks a free one).
    pub listen: SocketAddr,
    /// Database URL.
    pub database: String,
    /// Folder with the built widget.
    pub static_dir: PathBuf,
    /// Folder for uploads.
    pub upload_dir: PathBuf,
    /// Limits.
    pub limits: Limits,
    /// Shops by id.
    pub shops: BTreeMap<String, Arc<Shop>>,
}

/// Why a configuration was rejected; the text says which field to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The TOML did not parse.
    Syntax(String),
    /// The listen address is not `HOST:PORT`.
    Listen(String),
    /// A shop is unusable; the text names the shop and the field.
    Shop(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(why) => write!(f, "configuration file: {why}"),
            Self::Listen(value) => write!(
                f,
                "listen address {value:?} is not HOST:PORT, e.g. 127.0.0.1:8080"
            ),
            Self::Shop(why) => write!(f, "shop configuration: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl FileConfig {
    /// Parses a TOML configuration file's text.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|error| ConfigError::Syntax(error.to_string()))
    }

    /// Checks the values and fills in defaults, giving the relay's configuration.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let listen_text = self.listen.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let listen = listen_text
            .parse()
            .map_err(|_| ConfigError::Listen(listen_text.clone()))?;
        let defaults = Limits::default();
        let limits = Limits {
            max_frame_bytes: self
                .limits
                .max_frame_bytes
                .unwrap_or(defaults.max_frame_bytes),
            max_message_chars: self
                .limits
                .max_message_chars
                .unwrap_or(defaults.max_message_chars),
            idle_timeout: self
                .limits
                .idle_timeout_secs
                .map_or(defaults.idle_timeout, Duration::from_secs),
            frame_burst: self
                .limits
                .frame_burst
                .unwrap_or(defaults.frame_burst)
                .max(1),
            frames_per_second: self
                .limits
                .frames_per_second
                .unwrap_or(defaults.frames_per_second)
                .max(1),
            sockets_per_address: self
                .limits
                .sockets_per_address
                .unwrap_or(defaults.sockets_per_address),
            connections: Rate::from_file(
                self.limits.connections_per_minute,
                self.limits.connection_burst,
                defaults.connections,
            ),
            uploads: Rate::from_file(
                self.limits.uploads_per_minute,
                self.limits.upload_burst,
                defaults.uploads,
            ),
            logins: Rate::from_file(
                self.limits.logins_per_minute,
                self.limits.login_burst,
                defaults.logins,
            ),
            trust_forwarded_for: self
                .limits
                .trust_forwarded_for
                .unwrap_or(defaults.trust_forwarded_for),
        };
        let file_shops = if self.shops.is_empty() {
            demo_shops()
        } else {
            self.shops
        };
        let mut shops = BTreeMap::new();
        for (id, shop) in file_shops {
            shops.insert(id.clone(), Arc::new(check_shop(id, shop)?));
        }
        Ok(Config {
            listen,
            database: self
                .database
                .unwrap_or_else(|| "sqlite://chatward.db".to_owned()),
            static_dir: self.static_dir.unwrap_or_else(|| PathBuf::from("dist")),
            upload_dir: self.upload_dir.unwrap_or_else(|| PathBuf::from("uploads")),
            limits,
            shops,
        })
    }
}

impl Config {
    /// The embedded demo configuration, as `chatward serve` uses without a file.
    pub fn demo() -> Self {
        FileConfig::default()
            .into_config()
            .expect("the embedded demo configuration is valid")
    }
}

fn check_shop(id: String, shop: FileShop) -> Result<Shop, ConfigError> {
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !id_ok {
        return Err(ConfigError::Shop(format!(
            "shop id {id:?} must be 1-64 letters, digits, '-' or '_'"
        )));
    }
    for origin in &shop.allowed_origins {
        // These strings go verbatim into a CSP header: refuse anything that could end the
        // directive or the header.
        let is_source = (origin.starts_with("https://") || origin.starts_with("http://"))
            && !origin
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b == b';' || b == b',' || b.is_ascii_control());
        if !is_source {
            return Err(ConfigError::Shop(format!(
                "shop {id}: allowed origin {origin:?} must look like https://shop.example"
            )));
        }
    }
    if shop.statement.version.trim().is_empty() || shop.statement.text.trim().is_empty() {
        return Err(ConfigError::Shop(format!(
            "shop {id}: statement needs a version and a text"
        )));
    }
    let hash = sha256_hex(shop.statement.text.as_bytes());
    let scanner = Scanner::new(&ScanOptions {
        allow: shop.operator.email.iter().cloned().collect(),
    });
    Ok(Shop {
        statement: Statement {
            version: shop.statement.version,
            text: shop.statement.text,
            url: shop.statement.url,
            hash,
        },
        id,
        allowed_origins: shop.allowed_origins,
        operator: shop.operator,
        scanner,
        policy: shop.policy,
        upload_limit_bytes: shop.upload_limit_bytes,
        retention_days: shop.retention_days,
    })
}

fn demo_shops() -> BTreeMap<String, FileShop> {
    let demo = FileShop {
        allowed_origins: vec![
            "http://127.0.0.1:*".to_owned(),
            "http://localhost:*".to_owned(),
        ],
        statement: FileStatement {
            version: "2026-11".to_owned(),
            text: DEMO_STATEMENT.to_owned(),
            url: None,
        },
        operator: OperatorProfile {
            name: "Ada from Demo Shop".to_owned(),
            email: Some("help@demo-shop.example".to_owned()),
            photo: None,
        },
        policy: Policy::default(),
        upload_limit_bytes: default_upload_limit(),
        retention_days: default_retention_days(),
    };
    BTreeMap::from([(DEFAULT_SHOP.to_owned(), demo)])
}

#[cfg(test)]
mod tests {
    use chatward_core::{Action, Category};

    use super::*;

    #[test]
    fn demo_defaults_match_the_contract() {
        let config = Config::demo();
        assert_eq!(config.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.database, "sqlite://chatward.db");
        let demo = &config.shops[DEFAULT_SHOP];
        assert_eq!(demo.statement.version, "2026-11");
        assert_eq!(demo.statement.hash, sha256_hex(DEMO_STATEMENT.as_bytes()));
        assert_eq!(demo.operator.name, "Ada from Demo Shop");
        assert_eq!(
            demo.allowed_origins,
            ["http://127.0.0.1:*", "http://localhost:*"]
        );
    }

    #[test]
    fn a_file_replaces_the_demo_shop() {
        let text = r#"
            listen = "0.0.0.0:9000"
            [limits]
            max_message_chars = 10
            [shops.acme]
            allowed_origins = ["https://acme.example"]
            statement = { version = "v1", text = "We keep chats 7 days." }
            operator = { name = "Acme support" }
            retention_days = 7
            [shops.acme.policy]
            EMAIL = "mask"
        "#;
        let config = FileConfig::parse(text).unwrap().into_config().unwrap();
        assert_eq!(config.listen.port(), 9000);
        assert_eq!(config.limits.max_message_chars, 10);
        assert_eq!(config.shops.keys().collect::<Vec<_>>(), ["acme"]);
        assert_eq!(config.shops["acme"].retention_days, 7);
        let policy = &config.shops["acme"].policy;
        assert_eq!(policy.action(Category::Email), Action::Mask);
        assert_eq!(
            policy.action(Category::CreditCard),
            Action::Block,
            "defaults stay"
        );
    }

    #[test]
    fn origins_that_could_break_the_csp_are_refused() {
        for origin in [
            "https://a.example; script-src *",
            "javascript:alert(1)",
            "https://a b",
        ] {
            let text = format!(
                "[shops.x]\nallowed_origins = [{origin:?}]\nstatement = {{ version = \"1\", text = \"t\" }}\noperator = {{ name = \"n\" }}\n"
            );
            let error = FileConfig::parse(&text).unwrap().into_config().unwrap_err();
            assert!(matches!(error, ConfigError::Shop(_)), "{origin}: {error}");
        }
    }

    #[test]
    fn unknown_policy_categories_are_errors() {
        let text = "[shops.x]\nallowed_origins = []\nstatement = { version = \"1\", text = \"t\" }\noperator = { name = \"n\" }\npolicy = { SHOE_SIZE = \"block\" }\n";
        assert!(FileConfig::parse(text).is_err());
    }

    #[test]
    fn per_address_limits_come_from_the_file() {
        let text = "[limits]\nsockets_per_address = 3\nuploads_per_minute = 0\n\
                    login_burst = 0\ntrust_forwarded_for = true\n";
        let limits = FileConfig::parse(text)
            .unwrap()
            .into_config()
            .unwrap()
            .limits;
        assert_eq!(limits.sockets_per_address, 3);
        assert_eq!(limits.uploads.per_minute, 0, "0 turns it off");
        assert_eq!(limits.logins.burst, 1, "a burst is at least 1");
        assert_eq!(limits.connections, Limits::default().connections);
        assert!(limits.trust_forwarded_for);
        assert!(
            !Limits::default().trust_forwarded_for,
            "off unless asked for"
        );
    }

    #[test]
    fn unknown_fields_are_errors() {
        assert!(FileConfig::parse("listne = \"x\"").is_err());
    }
}
