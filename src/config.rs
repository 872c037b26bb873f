//! The pane's settings, read from its own URL. The loader on the shop page validates the
//! `data-*` attributes and passes the good ones in the iframe's query string; the pane reads
//! them again defensively, because anyone can open the pane's URL with any query.

/// Settings that change how the pane looks and which shop it talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneConfig {
    /// The shop id known to the relay.
    pub shop: String,
    pub title: String,
    pub greeting: Option<String>,
    /// Accent colour as `#rrggbb`.
    pub color: Option<String>,
    pub lang: String,
}

impl Default for PaneConfig {
    fn default() -> Self {
        Self {
            shop: "demo".into(),
            title: "Chat with us".into(),
            greeting: None,
            color: None,
            lang: "en".into(),
        }
    }
}

impl PaneConfig {
    /// Reads the settings from decoded `(key, value)` pairs of the pane's query string.
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
                _ => {}
            }
        }
        config
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

fn clip(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn long_text_is_clipped_on_a_char_boundary() {
        let long = "é".repeat(500);
        let config = PaneConfig::from_pairs([("title", long.as_str())]);
        assert_eq!(config.title.chars().count(), 80);
    }
}
