//! The engine's answers as plain Rust values, before they become JavaScript objects: names
//! instead of enums, UTF-16 offsets instead of byte ranges. Pure, so tested natively.

use std::fmt;

use chatward_core::{Confidence, Finding, OffsetMap, Policy, PolicyError, Verdict};

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
    use chatward_core::{Action, ScanOptions, mask, scan};

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
}
