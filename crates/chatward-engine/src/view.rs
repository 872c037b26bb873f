//! The engine's answers as plain Rust values, before they become JavaScript objects: names
//! instead of enums, UTF-16 offsets instead of byte ranges. Pure, so tested natively.

use std::fmt;

use chatward_core::{
    CleanImage, Confidence, Finding, OffsetMap, Policy, PolicyError, Refusal, Removed,
    UploadLimits, Verdict,
};

/// One finding as JavaScript sees it: names and JS string indices, never the value itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingView {
    /// The category's name (`"CREDIT_CARD"`).
    pub category: &'static str,
    /// A finer kind where known (`"VISA"`, `"PL_PESEL"`).
    pub subtype: Option<&'static str>,
    /// Start, in UTF-16 code units.
    pub start: u32,
    /// End (exclusive), in UTF-16 code units.
    pub end: u32,
    /// `"possible"`, `"likely"` or `"certain"`.
    pub confidence: &'static str,
    /// What the policy does about it (`"block"`), when judged.
    pub action: Option<&'static str>,
}

/// The name of a confidence level in the JavaScript API.
pub fn confidence_name(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::Possible => "possible",
        Confidence::Likely => "likely",
        Confidence::Certain => "certain",
    }
}

/// JS string indices beyond `u32` cannot exist (strings are shorter); saturate anyway.
fn index(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// The findings of `text` with UTF-16 offsets.
pub fn findings(text: &str, findings: &[Finding]) -> Vec<FindingView> {
    let map = OffsetMap::new(text);
    findings
        .iter()
        .map(|finding| {
            let utf16 = map.convert(finding.range.clone()).utf16;
            FindingView {
                category: finding.category.as_str(),
                subtype: finding.subtype,
                start: index(utf16.start),
                end: index(utf16.end),
                confidence: confidence_name(finding.confidence),
                action: None,
            }
        })
        .collect()
}

/// The policy's answer for a draft, as JavaScript sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgeView {
    /// The strongest action: `"allow"`, `"warn"`, `"mask"` or `"block"`.
    pub action: &'static str,
    /// Every finding with its own action.
    pub findings: Vec<FindingView>,
    /// The draft with masked and blocked values hidden, for a preview.
    pub masked: String,
}

/// Converts a verdict on `text`; `masked` is the draft as `chatward_core::mask` hides it.
pub fn judged(text: &str, verdict: &Verdict, masked: String) -> JudgeView {
    let raw: Vec<Finding> = verdict.findings.iter().map(|j| j.finding.clone()).collect();
    let mut views = findings(text, &raw);
    for (view, judged) in views.iter_mut().zip(&verdict.findings) {
        view.action = Some(judged.action.as_str());
    }
    JudgeView {
        action: verdict.action.as_str(),
        findings: views,
        masked,
    }
}

/// Why options from JavaScript could not be used.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionError {
    /// `maxBytes` is not a whole number of bytes of zero or more.
    MaxBytes(f64),
    /// The policy is not an object.
    PolicyShape,
    /// A policy entry whose action is not a string.
    PolicyValue(String),
    /// An unknown category or action in the policy.
    Policy(PolicyError),
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::MaxBytes(value) => {
                write!(f, "maxBytes must be a whole number of bytes, not {value}")
            }
            OptionError::PolicyShape => {
                f.write_str("the policy must be an object like {CREDIT_CARD: \"block\"}")
            }
            OptionError::PolicyValue(category) => write!(
                f,
                "the policy's action for {category} must be \"allow\", \"warn\", \"mask\" or \"block\""
            ),
            OptionError::Policy(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for OptionError {}

/// Upload limits with `maxBytes` from JavaScript (a number, or absent for the default).
pub fn limits(max_bytes: Option<f64>) -> Result<UploadLimits, OptionError> {
    let mut limits = UploadLimits::default();
    if let Some(value) = max_bytes {
        if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0) {
            return Err(OptionError::MaxBytes(value));
        }
        // Saturating: a limit above what memory can hold means "no practical limit".
        let bytes = value.min(usize::MAX as f64) as usize;
        limits.max_bytes = bytes;
    }
    Ok(limits)
}

/// The upload guard's answer, as JavaScript sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadView {
    /// A genuine image; send `cleaned` instead of the original.
    Allow {
        /// `"jpeg"`, `"png"`, `"gif"` or `"webp"`.
        format: &'static str,
        /// The MIME type to send the cleaned copy with.
        mime_type: &'static str,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// More than one frame.
        animated: bool,
        /// The cleaned bytes.
        cleaned: Vec<u8>,
        /// What cleaning removed.
        removed: Removed,
    },
    /// Refused: say `message` to the customer.
    Block {
        /// What the bytes looked like (`"pe"`, `"zip"`, `"unknown"`).
        format: &'static str,
        /// A stable code (`"executable"`).
        reason: &'static str,
        /// The sentence for the customer, with the way forward.
        message: String,
    },
}

/// Converts the upload guard's result.
pub fn upload(result: Result<CleanImage, Refusal>) -> UploadView {
    match result {
        Ok(image) => UploadView::Allow {
            format: image.format.as_str(),
            mime_type: image.format.mime_type(),
            width: image.width,
            height: image.height,
            animated: image.is_animated,
            cleaned: image.bytes,
            removed: image.removed,
        },
        Err(refusal) => UploadView::Block {
            format: refusal.format,
            reason: refusal.reason.as_str(),
            message: refusal.to_string(),
        },
    }
}

/// A policy from `(category, action)` pairs read off a JavaScript object; an entry whose
/// value was not a string arrives as `None`.
pub fn policy<'a>(
    entries: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Result<Policy, OptionError> {
    let mut pairs = Vec::new();
    for (category, action) in entries {
        let action = action.ok_or_else(|| OptionError::PolicyValue(category.to_string()))?;
        pairs.push((category, action));
    }
    Policy::with_overrides(pairs).map_err(OptionError::Policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatward_core::{Action, ScanOptions, check_upload, mask, scan};

    const CARD: &str = "4111 1111 1111 1111";

    #[test]
    fn offsets_count_utf16_units_like_javascript() {
        // "ü" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
        let text = format!("Grüße 😀 card {CARD}");
        let found = scan(&text, &ScanOptions::default());
        let views = findings(&text, &found);
        let card = views
            .iter()
            .find(|v| v.category == "CREDIT_CARD")
            .expect("the card is found");
        let js_start = text.find('4').map(|b| text[..b].encode_utf16().count());
        assert_eq!(Some(card.start as usize), js_start);
        assert_eq!(card.end - card.start, CARD.encode_utf16().count() as u32);
        assert_eq!(card.confidence, "certain");
        assert_eq!(card.subtype, Some("VISA"));
        assert_eq!(card.action, None);
    }

    #[test]
    fn judged_findings_carry_their_action_and_the_masked_preview() {
        let text = format!("my card is {CARD}");
        let found = scan(&text, &ScanOptions::default());
        let policy = Policy::default();
        let verdict = policy.judge(&text, &found);
        let view = judged(&text, &verdict, mask(&text, &found, &policy));
        assert_eq!(view.action, "block");
        assert_eq!(view.findings.len(), 1);
        assert_eq!(view.findings[0].action, Some("block"));
        assert!(view.masked.ends_with("1111"));
        assert!(!view.masked.contains(CARD));
    }

    #[test]
    fn a_policy_reads_names_and_refuses_what_it_does_not_know() {
        let policy = policy([("credit-card", Some("warn"))]).expect("valid");
        assert_eq!(
            policy.action(chatward_core::Category::CreditCard),
            Action::Warn
        );
        assert!(super::policy([("CREDIT_CARD", Some("shred"))]).is_err());
        assert!(super::policy([("SHOE_SIZE", Some("block"))]).is_err());
        let error = super::policy([("IBAN", None)]).expect_err("not a string");
        assert_eq!(error, OptionError::PolicyValue("IBAN".into()));
        assert!(error.to_string().contains("IBAN"), "{error}");
    }

    #[test]
    fn max_bytes_must_be_a_whole_number() {
        assert_eq!(limits(None), Ok(UploadLimits::default()));
        assert_eq!(limits(Some(1024.0)).map(|l| l.max_bytes), Ok(1024));
        assert_eq!(limits(Some(0.0)).map(|l| l.max_bytes), Ok(0));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(limits(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_executable_is_blocked_with_the_customer_sentence() {
        let mut program = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
        program.resize(512, 0);
        match upload(check_upload(&program, &UploadLimits::default())) {
            UploadView::Block {
                reason, message, ..
            } => {
                assert_eq!(reason, "executable");
                assert!(message.contains("program"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_genuine_png_is_allowed_with_its_cleaned_bytes() {
        let png = tiny_png();
        match upload(check_upload(&png, &UploadLimits::default())) {
            UploadView::Allow {
                format,
                mime_type,
                width,
                height,
                cleaned,
                ..
            } => {
                assert_eq!((format, mime_type), ("png", "image/png"));
                assert_eq!((width, height), (1, 1));
                assert!(!cleaned.is_empty());
            }
            other => panic!("expected a clean image, got {other:?}"),
        }
    }

    /// A 1×1 grey PNG (signature, IHDR, IDAT, IEND with real CRCs).
    fn tiny_png() -> Vec<u8> {
        vec![
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
            0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
            0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
            0x9c, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x77, 0xcd, 0x72, 0xb6, 0x00,
            0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
        ]
    }
}
