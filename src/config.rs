//! The pane's settings, read from its own URL. The loader on the shop page validates the
//! `data-*` attributes and passes the good ones in the iframe URL's fragment (never sent to
//! the relay); the pane reads them again defensively, because anyone can open the pane's URL
//! with anything in it.

use chatward_core::protocol::OperatorProfile;
use chatward_core::{Action, Category, whole_number};

/// Settings that change how the pane looks and which shop it talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneConfig {
    /// The shop id known to the relay.
    pub shop: String,
    pub title: String,
    pub greeting: Option<String>,
    /// Accent colour as `#rrggbb`.
    pub color: Option<String>,
    pub theme: Theme,
    pub lang: String,
    /// Overrides for the operator card; the relay's profile fills what is not set here.
    pub operator_name: Option<String>,
    pub operator_photo: Option<String>,
    pub operator_email: Option<String>,
    /// The shop's social profiles, shown on the operator card.
    pub social: Vec<String>,
    /// A link to the full privacy statement, when the relay's statement has none.
    pub privacy_url: Option<String>,
    /// The statement version the shop page expects; the relay's statement is the one shown
    /// and recorded, and a mismatch is reported to the shop's developer in the console.
    pub privacy_version: Option<String>,
    /// The largest upload the shop accepts, in bytes.
    pub max_upload_bytes: u64,
    /// The page's `data-policy-*` settings; they can only make the relay's policy stricter.
    pub policy: Vec<(Category, Action)>,
}

/// The pane's colours: the light or dark scheme, or the customer's system setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    Light,
    Dark,
    #[default]
    Auto,
}

impl Theme {
    /// The pane's `data-theme`, which selects the colours (`Auto` follows the system). An
    /// attribute rather than a class: a computed class list is yew's `Classes`, an ordered
    /// set that costs the pane about 1 KB of brotli.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
            Theme::Auto => None,
        }
    }
}

/// The default upload limit: 10 MB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

impl Default for PaneConfig {
    fn default() -> Self {
        Self {
            shop: "demo".into(),
            title: "Chat with us".into(),
            greeting: None,
            color: None,
            theme: Theme::Auto,
            lang: "en".into(),
            operator_name: None,
            operator_photo: None,
            operator_email: None,
            social: Vec::new(),
            privacy_url: None,
            privacy_version: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            policy: Vec::new(),
        }
    }
}

impl PaneConfig {
    /// Reads the settings by name: `setting("title")` is the decoded value the pane's URL
    /// fragment gives for `title`, if any. Invalid values are ignored: the defaults apply.
    /// Asking for each setting by name, rather than walking the fragment's pairs, spares
    /// the pane the JavaScript iteration of `URLSearchParams` (0.45 KB of brotli).
    pub fn read(setting: impl Fn(&str) -> Option<String>) -> Self {
        let value = |key: &str| setting(key).map(|value| value.trim().to_owned());
        let text = |key: &str| value(key).filter(|value| !value.is_empty());
        let mut config = Self::default();
        if let Some(shop) = value("shop").filter(|v| is_shop_id(v)) {
            config.shop = shop;
        }
        if let Some(title) = text("title") {
            config.title = clip(&title, 80);
        }
        config.greeting = text("greeting").map(|greeting| clip(&greeting, 400));
        config.color = value("color")
            .filter(|v| is_hex_color(v))
            .map(|color| color.to_ascii_lowercase());
        if let Some(lang) = value("lang").filter(|v| is_lang(v)) {
            config.lang = lang[..2].to_ascii_lowercase();
        }
        config.theme = match value("theme").as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::Auto,
        };
        config.operator_name = text("operator-name").map(|name| clip(&name, 80));
        config.operator_photo = value("operator-photo").filter(|v| is_photo(v));
        config.operator_email = value("operator-email").filter(|v| is_email(v));
        if let Some(social) = value("social") {
            config.social = social
                .split([' ', ','])
                .filter(|url| is_https(url))
                .take(5)
                .map(Into::into)
                .collect();
        }
        config.privacy_url = value("privacy-url").filter(|v| is_https(v));
        config.privacy_version = text("privacy-version").map(|version| clip(&version, 40));
        if let Some(bytes) = value("max-upload-mb").and_then(|v| upload_limit(&v)) {
            config.max_upload_bytes = bytes;
        }
        for category in Category::ALL {
            let key = format!("policy-{}", category.as_str());
            if let Some(action) = value(&key).and_then(|v| v.parse::<Action>().ok()) {
                config.policy.push((category, action));
            }
        }
        config
    }
}

impl PaneConfig {
    /// The operator card: the page's overrides over the relay's profile.
    pub fn operator_card(&self, relay: &OperatorProfile) -> OperatorProfile {
        OperatorProfile {
            name: self
                .operator_name
                .clone()
                .unwrap_or_else(|| relay.name.clone()),
            email: self.operator_email.clone().or_else(|| relay.email.clone()),
            photo: self.operator_photo.clone().or_else(|| relay.photo.clone()),
        }
    }
}

fn is_shop_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_hex_color(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_lang(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 2
        && bytes[..2].iter().all(u8::is_ascii_alphabetic)
        && (bytes.len() == 2 || bytes[2] == b'-' || bytes[2] == b'_')
}

/// https, or http on the machine itself (for development).
fn is_https(value: &str) -> bool {
    let rest = value.strip_prefix("https://").or_else(|| {
        ["http://localhost", "http://127.0.0.1"]
            .into_iter()
            .find(|prefix| value.starts_with(prefix))
            .map(|prefix| &value[prefix.len()..])
            .filter(|rest| rest.is_empty() || rest.starts_with([':', '/']))
    });
    rest.is_some_and(|rest| !rest.contains(['"', '<', '>', ' ', '\\']))
}

fn is_photo(value: &str) -> bool {
    is_https(value)
        || ["png", "jpeg", "gif", "webp"].iter().any(|kind| {
            value
                .strip_prefix(&format!("data:image/{kind};base64,"))
                .is_some_and(|data| {
                    data.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                })
        })
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let clean = |part: &str| {
        !part.is_empty()
            && !part.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '@'))
    };
    value.len() <= 254
        && clean(local)
        && clean(domain)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// `max-upload-mb` in bytes: megabytes written as the loader accepts them (one or two
/// digits, then decimals if any: `5`, `2.5`), above 0 and at most 50; `None` otherwise.
/// Whole-number arithmetic, so the pane links no float parser (Rust's is 11.4 KB brotli,
/// docs/size.md); decimals finer than a byte are dropped.
fn upload_limit(value: &str) -> Option<u64> {
    const MB: u64 = 1024 * 1024;
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    if whole.len() > 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A megabyte has seven digits, so nine decimals are finer than a byte.
    let precise = fraction.len().min(9);
    let part = whole_number(&fraction[..precise])?;
    let bytes = whole_number(whole)? * MB + part * MB / 10u64.pow(precise as u32);
    (1..=50 * MB).contains(&bytes).then_some(bytes)
}

fn clip(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings read from `pairs`, as the pane reads them from its URL fragment.
    fn from_pairs<const N: usize>(pairs: [(&str, &str); N]) -> PaneConfig {
        PaneConfig::read(|key| {
            let (_, value) = pairs.iter().find(|(name, _)| *name == key)?;
            Some((*value).to_owned())
        })
    }

    #[test]
    fn upload_limits_are_read_as_the_loader_writes_them() {
        const MB: u64 = 1024 * 1024;
        let cases = [
            ("5", Some(5 * MB)),
            ("50", Some(50 * MB)),
            ("50.000", Some(50 * MB)),
            ("2.5", Some(2 * MB + MB / 2)),
            ("0.5", Some(MB / 2)),
            // As `(0.1 * 1024.0 * 1024.0) as u64` had it: the part below a byte dropped.
            ("0.1", Some(104_857)),
            ("0.3", Some(314_572)),
            ("07", Some(7 * MB)),
            ("49.999999999999999999", Some(50 * MB - 1)),
            ("1.999999999999999999999999", Some(2 * MB - 1)),
            ("1.0000000001", Some(MB)),
            ("0.000001", Some(1)),
            // Nothing, or less than a byte.
            ("0", None),
            ("0.0", None),
            ("0.0000001", None),
            // More than 50 MB, or not the loader's form.
            ("50.01", None),
            ("51", None),
            ("100", None),
            ("", None),
            (".", None),
            ("5.", None),
            (".5", None),
            ("+5", None),
            ("-5", None),
            ("1e1", None),
            ("5mb", None),
            ("5 ", None),
            ("1.2.3", None),
            ("١", None),
        ];
        for (value, bytes) in cases {
            assert_eq!(upload_limit(value), bytes, "{value:?}");
        }
    }

    #[test]
    fn good_values_are_taken() {
        let config = from_pairs([
            ("shop", "acme-shop"),
            ("title", " Help "),
            ("color", "#A0B1C2"),
            ("lang", "de-AT"),
            ("greeting", "Hi!"),
        ]);
        assert_eq!(config.shop, "acme-shop");
        assert_eq!(config.title, "Help");
        assert_eq!(config.color.as_deref(), Some("#a0b1c2"));
        assert_eq!(config.lang, "de");
        assert_eq!(config.greeting.as_deref(), Some("Hi!"));
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let config = from_pairs([
            ("shop", "../etc"),
            ("color", "red;background:url(x)"),
            ("lang", "1"),
            ("title", ""),
        ]);
        assert_eq!(config, PaneConfig::default());
    }

    #[test]
    fn operator_card_and_links_are_checked() {
        let config = from_pairs([
            ("operator-name", "Ada"),
            ("operator-photo", "javascript:alert(1)"),
            ("operator-email", "ada@shop.example"),
            (
                "social",
                "https://social.example/shop, http://evil.example/x https://b.example",
            ),
            ("privacy-url", "https://shop.example/privacy"),
            ("theme", "dark"),
            ("max-upload-mb", "5"),
        ]);
        assert_eq!(config.operator_name.as_deref(), Some("Ada"));
        assert_eq!(config.operator_photo, None);
        assert_eq!(config.operator_email.as_deref(), Some("ada@shop.example"));
        assert_eq!(
            config.social,
            ["https://social.example/shop", "https://b.example"]
        );
        assert_eq!(
            config.privacy_url.as_deref(),
            Some("https://shop.example/privacy")
        );
        assert_eq!(config.theme, Theme::Dark);
        assert_eq!(config.max_upload_bytes, 5 * 1024 * 1024);
        let photo = from_pairs([("operator-photo", "data:image/png;base64,iVBORw0KGgo=")]);
        assert!(photo.operator_photo.is_some());
        let policy = from_pairs([
            ("policy-IBAN", "block"),
            ("policy-NOPE", "warn"),
            ("policy-EMAIL", "shout"),
        ]);
        assert_eq!(policy.policy, [(Category::Iban, Action::Block)]);
        let bad = from_pairs([("operator-email", "a@b"), ("max-upload-mb", "500")]);
        assert_eq!(bad.operator_email, None);
        assert_eq!(bad.max_upload_bytes, DEFAULT_MAX_UPLOAD_BYTES);
    }

    #[test]
    fn long_text_is_clipped_on_a_char_boundary() {
        let long = "é".repeat(500);
        let config = from_pairs([("title", long.as_str())]);
        assert_eq!(config.title.chars().count(), 80);
    }
}
