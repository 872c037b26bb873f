//! The pane's settings, read from its own URL. The loader on the shop page validates the
//! `data-*` attributes and passes the good ones in the iframe URL's fragment (never sent to
//! the relay); the pane reads them again defensively, because anyone can open the pane's URL
//! with anything in it.

use chatward_core::protocol::OperatorProfile;
use chatward_core::{Action, Category};

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
    /// Reads the settings from decoded `(key, value)` pairs of the pane's URL fragment.
    /// Unknown keys and invalid values are ignored: the defaults apply.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut config = Self::default();
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "shop" if is_shop_id(value) => config.shop = value.into(),
                "title" if !value.is_empty() => config.title = clip(value, 80),
                "greeting" if !value.is_empty() => config.greeting = Some(clip(value, 400)),
                "color" if is_hex_color(value) => config.color = Some(value.to_ascii_lowercase()),
                "lang" if is_lang(value) => config.lang = value[..2].to_ascii_lowercase(),
                "theme" => {
                    config.theme = match value {
                        "light" => Theme::Light,
                        "dark" => Theme::Dark,
                        _ => Theme::Auto,
                    }
                }
                "operator-name" if !value.is_empty() => {
                    config.operator_name = Some(clip(value, 80));
                }
                "operator-photo" if is_photo(value) => config.operator_photo = Some(value.into()),
                "operator-email" if is_email(value) => config.operator_email = Some(value.into()),
                "social" => {
                    config.social = value
                        .split([' ', ','])
                        .filter(|url| is_https(url))
                        .take(5)
                        .map(Into::into)
                        .collect();
                }
                "privacy-url" if is_https(value) => config.privacy_url = Some(value.into()),
                "privacy-version" if !value.is_empty() => {
                    config.privacy_version = Some(clip(value, 40));
                }
                "max-upload-mb" => {
                    if let Some(mb) = parse_decimal(value)
                        && mb > 0.0
                        && mb <= 50.0
                    {
                        config.max_upload_bytes = (mb * 1024.0 * 1024.0) as u64;
                    }
                }
                key => {
                    let category = key.strip_prefix("policy-").and_then(Category::from_name);
                    if let (Some(category), Ok(action)) = (category, value.parse::<Action>()) {
                        config.policy.retain(|(known, _)| *known != category);
                        config.policy.push((category, action));
                    }
                }
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

/// A finite decimal number (`5`, `2.5`, `.5`, `+1e1`) as `str::parse::<f64>` reads it,
/// without linking Rust's float parser: its tables are about 17 KB of the pane's wasm (11.4
/// KB brotli, docs/size.md) for this one setting. Numbers of at most 15 significant digits
/// and a power of ten within ±22 (every sensible setting) are converted here exactly as
/// that parser's own fast path does: both operands are exact doubles and IEEE rounds the
/// one division or product correctly. Anything longer goes to the browser's `parseFloat`
/// (the grammar is checked here first), or natively to Rust's parser. `inf` and `nan`,
/// which Rust would read, give `None`: no setting takes them.
fn parse_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let (number, exponent) = match rest.iter().position(|b| matches!(b, b'e' | b'E')) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = match number.iter().position(|&b| b == b'.') {
        Some(at) => (&number[..at], &number[at + 1..]),
        None => (number, &[][..]),
    };
    let all_digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    // The power of ten written after `e`, saturated (a huge one is left to the fallback).
    let mut power: i64 = 0;
    if let Some(exponent) = exponent {
        let (sign, digits) = match exponent.first() {
            Some(b'-') => (-1, &exponent[1..]),
            Some(b'+') => (1, &exponent[1..]),
            _ => (1, exponent),
        };
        if digits.is_empty() || !all_digits(digits) {
            return None;
        }
        for &digit in digits {
            power = (power * 10 + i64::from(digit - b'0')).min(1_000_000);
        }
        power *= sign;
    }
    // The significant digits as an integer, scaled by a power of ten.
    let digits = whole.iter().chain(fraction).skip_while(|&&b| b == b'0');
    let mut mantissa: u64 = 0;
    let mut count = 0;
    let mut zeros = 0;
    for &digit in digits {
        if digit == b'0' {
            zeros += 1;
            continue;
        }
        count += zeros + 1;
        if count > 15 {
            return decimal_fallback(text);
        }
        for _ in 0..zeros {
            mantissa *= 10;
        }
        mantissa = mantissa * 10 + u64::from(digit - b'0');
        zeros = 0;
    }
    let power = power + zeros - fraction.len() as i64;
    let value = if mantissa == 0 {
        0.0
    } else if (-22..=22).contains(&power) {
        let mut scale = 1.0_f64;
        for _ in 0..power.unsigned_abs() {
            scale *= 10.0;
        }
        // Below 2^53, so exact.
        let mantissa = mantissa as f64;
        if power < 0 {
            mantissa / scale
        } else {
            mantissa * scale
        }
    } else {
        return decimal_fallback(text);
    };
    Some(if negative { -value } else { value })
}

/// A decimal number beyond the exact fast path of [`parse_decimal`] (its grammar checked).
fn decimal_fallback(text: &str) -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        // Both ECMAScript and Rust round a decimal to the nearest double.
        Some(js_sys::Number::parse_float(text)).filter(|number| number.is_finite())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.parse().ok().filter(|number: &f64| number.is_finite())
    }
}

fn clip(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_as_rust_reads_them() {
        let cases = [
            "5",
            "0",
            "-0",
            "+5",
            "2.5",
            ".5",
            "5.",
            ".",
            "",
            "+",
            "-",
            "e5",
            "1e",
            "1e+",
            "1e-1",
            "1E2",
            "0.1",
            "0.2",
            "0.3",
            "49.999999999999",
            "50",
            "50.0000000000001",
            "007.50",
            "1.5e-3",
            "12345678901234.5",
            "123456789012345",
            "1234567890123456",
            "0.000000000000000000000000001",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "5e-324",
            "1e999999999999",
            "1.0.0",
            "1e1.5",
            " 5",
            "5 ",
            "5mb",
            "0x10",
            "1_0",
            "١",
            "0.1000000000000000055511151231257827",
            "49.99999999999999999999999",
            "1.00000000000000000001",
        ];
        for case in cases {
            let rust = case.parse::<f64>().ok().filter(|n| n.is_finite());
            let ours = parse_decimal(case);
            assert_eq!(
                ours.map(f64::to_bits),
                rust.map(f64::to_bits),
                "{case:?}: {ours:?} vs {rust:?}"
            );
        }
        assert_eq!(parse_decimal("inf"), None);
        assert_eq!(parse_decimal("NaN"), None);
    }

    #[test]
    fn every_short_decimal_is_read_as_rust_reads_it() {
        // Every mantissa of up to four digits with the point anywhere, and some exponents.
        for mantissa in 0..10_000u32 {
            let digits = mantissa.to_string();
            for point in 0..=digits.len() {
                for exponent in ["", "e-7", "e3", "E+21", "e-22", "e-30"] {
                    let case = format!("{}.{}{exponent}", &digits[..point], &digits[point..]);
                    let rust = case.parse::<f64>().ok().map(f64::to_bits);
                    assert_eq!(parse_decimal(&case).map(f64::to_bits), rust, "{case}");
                }
            }
        }
    }

    #[test]
    fn good_values_are_taken() {
        let config = PaneConfig::from_pairs([
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
        let config = PaneConfig::from_pairs([
            ("shop", "../etc"),
            ("color", "red;background:url(x)"),
            ("lang", "1"),
            ("title", ""),
        ]);
        assert_eq!(config, PaneConfig::default());
    }

    #[test]
    fn operator_card_and_links_are_checked() {
        let config = PaneConfig::from_pairs([
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
        let photo =
            PaneConfig::from_pairs([("operator-photo", "data:image/png;base64,iVBORw0KGgo=")]);
        assert!(photo.operator_photo.is_some());
        let policy = PaneConfig::from_pairs([
            ("policy-IBAN", "block"),
            ("policy-NOPE", "warn"),
            ("policy-EMAIL", "shout"),
        ]);
        assert_eq!(policy.policy, [(Category::Iban, Action::Block)]);
        let bad = PaneConfig::from_pairs([("operator-email", "a@b"), ("max-upload-mb", "500")]);
        assert_eq!(bad.operator_email, None);
        assert_eq!(bad.max_upload_bytes, DEFAULT_MAX_UPLOAD_BYTES);
    }

    #[test]
    fn long_text_is_clipped_on_a_char_boundary() {
        let long = "é".repeat(500);
        let config = PaneConfig::from_pairs([("title", long.as_str())]);
        assert_eq!(config.title.chars().count(), 80);
    }
}
