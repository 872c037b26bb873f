//! A small JSON reader and writer for the chat pane.
//!
//! The relay speaks JSON through serde; the pane used to as well, but serde_json and the
//! derived (de)serializers of the frames were about 160 KB of the pane's wasm (40 KB
//! brotli), a fifth of it. The pane reads one frame type ([`crate::protocol::CustomerEvent`]),
//! writes another ([`crate::protocol::CustomerFrame`]) and reads two flat objects (its
//! translations, an upload refusal), which this module does in a few kilobytes. The frame
//! codecs in `protocol/codec.rs` are tested against serde_json, so both sides of the wire
//! stay byte for byte the same.
//!
//! The reader is strict like serde_json: RFC 8259 grammar, no trailing characters, control
//! characters only escaped, no lone surrogates, fewer than [`MAX_DEPTH`] levels of nested
//! arrays and objects. Any fault gives `None`, never a panic.

/// Arrays and objects may nest fewer than this many levels deep, as with serde_json's
/// default recursion limit.
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value. Numbers keep their text, so integers of any size are read exactly
/// and nothing needs float formatting.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number as written (already checked against the JSON grammar).
    Number(String),
    String(String),
    Array(Vec<Value>),
    /// Members in document order, duplicates kept (see [`Value::get`] and [`Value::field`]).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Parses a whole document; `None` if it is not exactly one JSON value.
    pub fn parse(text: &str) -> Option<Value> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = reader.value(0)?;
        reader.skip_space();
        (reader.at == reader.bytes.len()).then_some(value)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The value of `key` in an object, the last one if it repeats (as a map keeps it).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// An object's members as a map reads them: sorted by key, a repeated key keeping its
    /// last value. `None` if this is not an object.
    pub fn map_entries(&self) -> Option<Vec<(&str, &Value)>> {
        let mut map: Vec<(&str, &Value)> = Vec::new();
        for (key, value) in self.as_object()? {
            match map.binary_search_by(|(known, _)| (*known).cmp(key.as_str())) {
                Ok(at) => map[at].1 = value,
                Err(at) => map.insert(at, (key, value)),
            }
        }
        Some(map)
    }

    /// A struct field: `Ok(None)` when absent, `Err` when this is not an object or the
    /// field repeats (serde refuses a duplicate field).
    pub fn field(&self, key: &str) -> Result<Option<&Value>, Malformed> {
        let members = self.as_object().ok_or(Malformed)?;
        let mut found = members.iter().filter(|(k, _)| k == key).map(|(_, v)| v);
        let first = found.next();
        match found.next() {
            Some(_) => Err(Malformed),
            None => Ok(first),
        }
    }

    /// The number as an unsigned integer, if it is written as one and fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            // Only plain digits: a fraction or an exponent make it a float, which serde
            // refuses for an integer field.
            Value::Number(text) => crate::whole_number(text),
            _ => None,
        }
    }

    /// The number as a signed integer, if it is written as one and fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            // serde_json reads `-0` as a float.
            Value::Number(text) if text == "-0" => None,
            Value::Number(text) => match text.strip_prefix('-') {
                // Down to i64::MIN, whose magnitude is one more than i64::MAX.
                Some(digits) => {
                    let magnitude = crate::whole_number(digits)?;
                    (magnitude <= i64::MIN.unsigned_abs())
                        .then(|| 0i64.wrapping_sub_unsigned(magnitude))
                }
                None => i64::try_from(crate::whole_number(text)?).ok(),
            },
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// A value is not what the reader of a frame expects (wrong type, missing or repeated
/// field); which rule failed does not matter to the pane, which skips the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Option<Value> {
        let end = self.at.checked_add(word.len())?;
        (self.bytes.get(self.at..end)? == word).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        self.skip_space();
        match self.peek()? {
            b'n' => self.literal(b"null", Value::Null),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'[' => {
                let depth = nest(depth)?;
                self.items(b']', |reader| reader.value(depth))
                    .map(Value::Array)
            }
            b'{' => {
                let depth = nest(depth)?;
                self.items(b'}', |reader| {
                    reader.skip_space();
                    if reader.peek() != Some(b'"') {
                        return None;
                    }
                    let key = reader.string()?;
                    if !reader.eat(b':') {
                        return None;
                    }
                    Some((key, reader.value(depth)?))
                })
                .map(Value::Object)
            }
            _ => self.number(),
        }
    }

    /// The comma-separated items of an array or object, at its opening bracket, up to and
    /// including `close`.
    fn items<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.at += 1;
        let mut items = Vec::new();
        if self.eat(close) {
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat(close) {
                return Some(items);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        Some(Value::Number(text.to_owned()))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }

    /// A string starting at its opening quote.
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.at += 1;
            }
            // The input is a `&str` and the run stops only at ASCII bytes, so it is whole
            // UTF-8.
            out.push_str(std::str::from_utf8(&self.bytes[start..self.at]).ok()?);
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = self.peek()?;
                    self.at += 1;
                    out.push(match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                // An unescaped control character.
                _ => return None,
            }
        }
    }

    /// The character of a `\uXXXX` escape (its `\u` already read), joining a surrogate
    /// pair; a lone surrogate is refused, as serde_json does.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xDC00..0xE000).contains(&first) {
            return None;
        }
        if !(0xD800..0xDC00).contains(&first) {
            return char::from_u32(first);
        }
        if self.bytes.get(self.at..self.at + 2)? != b"\\u" {
            return None;
        }
        self.at += 2;
        let second = self.hex4()?;
        if !(0xDC00..0xE000).contains(&second) {
            return None;
        }
        char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        let mut value = 0;
        for &digit in digits {
            value = value * 16 + char::from(digit).to_digit(16)?;
        }
        self.at += 4;
        Some(value)
    }
}

fn nest(depth: usize) -> Option<usize> {
    (depth + 1 < MAX_DEPTH).then_some(depth + 1)
}

/// Appends `text` as a JSON string, escaped exactly as serde_json escapes it: `"` and `\`,
/// the short escapes `\b \t \n \f \r`, other control characters as `\u00xx`; everything
/// else (`/`, DEL, non-ASCII) as it is.
pub fn write_str(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let short = match byte {
            b'"' => '"',
            b'\\' => '\\',
            0x08 => 'b',
            b'\t' => 't',
            b'\n' => 'n',
            0x0C => 'f',
            b'\r' => 'r',
            0x00..=0x1F => 'u',
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push('\\');
        out.push(short);
        if short == 'u' {
            out.push_str("00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether serde_json accepts `text` as any JSON value.
    fn serde_accepts(text: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(text).is_ok()
    }

    #[test]
    fn accepts_and_refuses_what_serde_json_does() {
        let cases = [
            "null",
            " true ",
            "false",
            "0",
            "-0",
            "01",
            "1.",
            ".5",
            "1.5e3",
            "1E+2",
            "1e",
            "-",
            "+1",
            "123456789012345678901234567890",
            "\"\"",
            "\"a\\u00e9\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83dx\"",
            "\"\\x\"",
            "\"tab\there\"",
            "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
            "[]",
            "[1,]",
            "[,1]",
            "[1 2]",
            "{}",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":[{\"b\":null}]}",
            "{} x",
            "",
            "   ",
            "nul",
            "truex",
            "\"unterminated",
            "[\"é\", \"日本\", \"😀\"]",
        ];
        for case in cases {
            assert_eq!(
                Value::parse(case).is_some(),
                serde_accepts(case),
                "{case:?}"
            );
        }
    }

    #[test]
    fn integers_read_as_serde_json_reads_them() {
        let cases = [
            "0",
            "-0",
            "7",
            "-7",
            "123",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "1.0",
            "-1.5",
            "1e2",
            "-2E-3",
        ];
        for case in cases {
            let ours = Value::parse(case).expect("a JSON number");
            let theirs: serde_json::Value = serde_json::from_str(case).unwrap();
            assert_eq!(ours.as_u64(), theirs.as_u64(), "{case} as u64");
            assert_eq!(ours.as_i64(), theirs.as_i64(), "{case} as i64");
        }
    }

    #[test]
    fn strings_and_numbers_read_as_serde_json_reads_them() {
        let text = r#"{"s":"a\u00e9\ud83d\ude00\n\"/","n":-12,"u":18446744073709551615,"f":1.5}"#;
        let ours = Value::parse(text).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours.get("s").unwrap().as_str(), theirs["s"].as_str());
        assert_eq!(ours.get("n").unwrap().as_i64(), theirs["n"].as_i64());
        assert_eq!(ours.get("u").unwrap().as_u64(), theirs["u"].as_u64());
        assert_eq!(ours.get("f").unwrap().as_u64(), None);
        assert_eq!(ours.get("n").unwrap().as_u64(), None);
        assert_eq!(Value::parse("-0").unwrap().as_i64(), None);
        assert_eq!(Value::parse("1e2").unwrap().as_u64(), None);
        assert_eq!(Value::parse("18446744073709551616").unwrap().as_u64(), None);
    }

    #[test]
    fn nesting_is_limited_like_serde_json() {
        for depth in [127, 128, 129, 10_000] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(
                Value::parse(&text).is_some(),
                serde_accepts(&text),
                "{depth}"
            );
        }
    }

    #[test]
    fn map_entries_are_sorted_and_a_repeated_key_keeps_its_last_value() {
        let value = Value::parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        let three = Value::Number("3".into());
        let two = Value::Number("2".into());
        assert_eq!(value.map_entries(), Some(vec![("a", &two), ("b", &three)]));
        assert_eq!(Value::parse("[1]").unwrap().map_entries(), None);
    }

    #[test]
    fn a_repeated_key_is_the_last_for_get_and_an_error_for_field() {
        let value = Value::parse(r#"{"a":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(value.get("a"), Some(&Value::Number("2".into())));
        assert_eq!(value.field("a"), Err(Malformed));
        assert_eq!(value.field("b"), Ok(Some(&Value::Number("3".into()))));
        assert_eq!(value.field("c"), Ok(None));
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all_ascii: String = (0u8..0x80).map(char::from).collect();
        for text in [
            "",
            "plain",
            "quote \" backslash \\ slash /",
            "é 日本 😀 \u{2028}",
            &all_ascii,
        ] {
            let mut ours = String::new();
            write_str(&mut ours, text);
            assert_eq!(ours, serde_json::to_string(text).unwrap());
            assert_eq!(Value::parse(&ours).unwrap().as_str(), Some(text));
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_and_read_back(text in ".*") {
            let mut ours = String::new();
            write_str(&mut ours, &text);
            proptest::prop_assert_eq!(&ours, &serde_json::to_string(&text).unwrap());
            let back = Value::parse(&ours);
            proptest::prop_assert_eq!(back.as_ref().and_then(Value::as_str), Some(text.as_str()));
        }

        #[test]
        fn any_short_text_is_accepted_exactly_when_serde_json_accepts_it(
            text in r#"[\[\]{}",:0-9eE.+\- a-z\\u]{0,12}"#
        ) {
            proptest::prop_assert_eq!(Value::parse(&text).is_some(), serde_accepts(&text));
        }
    }
}
