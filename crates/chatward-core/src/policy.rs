//! A shop's policy: what to do about each category of personal data a customer is about to
//! send (allow, warn, mask or block), the verdict on one draft, and masking that keeps only
//! what an operator may legitimately need.
//!
//! What is detected lives in `detect`; what to do about it lives here, so a shop can change
//! its mind without touching detection.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::detect::{Category, Finding};

/// What happens to a message holding a category of personal data. Ordered from mildest to
/// strongest, so the verdict on a message is the maximum over its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Send as written, without a word.
    Allow,
    /// Tell the customer what the message holds; they may still send it.
    Warn,
    /// Send it with the value masked (a card keeps its last four digits).
    Mask,
    /// Do not send it; ask the customer to remove the value.
    Block,
}

impl Action {
    /// The action's name in policy files: `allow`, `warn`, `mask` or `block`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Mask => "mask",
            Action::Block => "block",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = PolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "allow" => Ok(Action::Allow),
            "warn" => Ok(Action::Warn),
            "mask" => Ok(Action::Mask),
            "block" => Ok(Action::Block),
            _ => Err(PolicyError::UnknownAction {
                category: String::new(),
                action: s.to_string(),
            }),
        }
    }
}

/// Why a policy could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyError {
    /// The name is none of the categories (`CREDIT_CARD`, `IBAN`...).
    UnknownCategory(String),
    /// The action is none of `allow`, `warn`, `mask`, `block`.
    UnknownAction {
        /// The category the action was given for.
        category: String,
        /// The action as written.
        action: String,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::UnknownCategory(name) => write!(
                f,
                "unknown category \"{name}\": use one of {}",
                Category::ALL.map(Category::as_str).join(", ")
            ),
            PolicyError::UnknownAction { category, action } => write!(
                f,
                "unknown action \"{action}\" for {category}: use allow, warn, mask or block"
            ),
        }
    }
}

impl std::error::Error for PolicyError {}

/// The action for every category. [`Policy::default`] holds the careful defaults; a shop
/// overrides single categories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    actions: [Action; Category::ALL.len()],
}

fn index(category: Category) -> usize {
    Category::ALL
        .iter()
        .position(|&c| c == category)
        .unwrap_or(0)
}

/// The default action of a category, and why.
fn default_action(category: Category) -> Action {
    match category {
        // A shop never needs a card number, its security code or its expiry in chat: card
        // data belongs in the payment form, and holding it in chat logs breaks PCI DSS.
        Category::CreditCard | Category::CardCvv | Category::CardExpiry => Action::Block,
        // No operator should ever learn a customer's password; support resets it instead.
        Category::Password => Action::Block,
        // A Social Security number opens the door to identity theft and no shop needs it
        // in chat; credit checks use their own forms.
        Category::UsSsn => Action::Block,
        // National ID and tax numbers are needed now and then (financing, invoices), so the
        // message goes through with the number masked; the shop asks for it by a safer way.
        Category::NationalId => Action::Mask,
        // Passports are sometimes asked for by customs; the customer is warned and decides.
        Category::Passport => Action::Warn,
        // An IBAN is what a refund needs, but it is still bank data: warn before sending.
        Category::Iban => Action::Warn,
        // A birth date is asked for by age checks, but it is identifying: warn.
        Category::DateOfBirth => Action::Warn,
        // E-mail, phone, address and name are what support works with every day.
        Category::Email | Category::Phone | Category::StreetAddress | Category::PersonName => {
            Action::Allow
        }
        // An IP address only helps to unblock a customer; an age alone identifies nobody.
        Category::IpAddress | Category::Age => Action::Allow,
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            actions: Category::ALL.map(default_action),
        }
    }
}

impl Policy {
    /// The action for `category`.
    pub fn action(&self, category: Category) -> Action {
        self.actions[index(category)]
    }

    /// Sets the action for `category`.
    pub fn set(&mut self, category: Category, action: Action) {
        self.actions[index(category)] = action;
    }

    /// The defaults with overrides given as `(category name, action name)` pairs, as a
    /// policy file or the widget's `data-policy-*` attributes write them. Names are
    /// case-insensitive; `-` may stand for `_` (`credit-card`).
    pub fn with_overrides<'a, I>(overrides: I) -> Result<Policy, PolicyError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut policy = Policy::default();
        for (name, action) in overrides {
            let normal = name.trim().to_ascii_uppercase().replace('-', "_");
            let category = Category::from_name(&normal)
                .ok_or_else(|| PolicyError::UnknownCategory(name.to_string()))?;
            let action = action
                .parse::<Action>()
                .map_err(|_| PolicyError::UnknownAction {
                    category: category.as_str().to_string(),
                    action: action.to_string(),
                })?;
            policy.set(category, action);
        }
        Ok(policy)
    }

    /// Judges a draft: the action for each finding and the strongest of them.
    pub fn judge(&self, text: &str, findings: &[Finding]) -> Verdict {
        let judged: Vec<Judged> = findings
            .iter()
            .filter(|f| f.range.end <= text.len())
            .map(|f| Judged {
                finding: f.clone(),
                action: self.action(f.category),
            })
            .collect();
        let action = judged
            .iter()
            .map(|j| j.action)
            .max()
            .unwrap_or(Action::Allow);
        Verdict {
            action,
            findings: judged,
        }
    }
}

impl serde::Serialize for Policy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Category::ALL.len()))?;
        for category in Category::ALL {
            map.serialize_entry(category.as_str(), self.action(category).as_str())?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Policy {
    /// Reads `{"CREDIT_CARD": "block", ...}`; categories left out keep their defaults.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(deserializer)?;
        Policy::with_overrides(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(serde::de::Error::custom)
    }
}

/// One finding with the action the policy gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    /// The finding.
    pub finding: Finding,
    /// What the policy says to do about it.
    pub action: Action,
}

/// The policy's answer for one draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The strongest action over all findings (`Allow` when there are none).
    pub action: Action,
    /// Every finding with its own action.
    pub findings: Vec<Judged>,
}

/// The character that stands for a hidden one.
const HIDDEN: char = '•';

/// `text` with every finding the policy masks or blocks hidden. A card keeps its last four
/// digits and its layout (`•••• •••• •••• 1234`), an IBAN its country and last four
/// characters; a password or CVV becomes a fixed `•••` that does not even give away its
/// length; anything else keeps only its separators.
pub fn mask(text: &str, findings: &[Finding], policy: &Policy) -> String {
    let mut sorted: Vec<&Finding> = findings
        .iter()
        .filter(|f| policy.action(f.category) >= Action::Mask)
        .filter(|f| {
            f.range.start <= f.range.end
                && f.range.end <= text.len()
                && text.is_char_boundary(f.range.start)
                && text.is_char_boundary(f.range.end)
        })
        .collect();
    // Findings come sorted from the scanner; sorting keeps `mask` right for any caller.
    crate::sort_few(&mut sorted, &|a, b| a.range.start > b.range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for finding in sorted {
        if finding.range.start < at {
            continue; // overlaps the previous one, already hidden
        }
        out.push_str(&text[at..finding.range.start]);
        mask_value(&text[finding.range.clone()], finding.category, &mut out);
        at = finding.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// What `mask` hides: everything but spaces and ASCII punctuation (the separators that keep
/// a value's layout), so letters, digits and numerals of every script, and symbols.
fn is_hidden(c: char) -> bool {
    !c.is_whitespace() && !c.is_ascii_punctuation()
}

fn mask_value(value: &str, category: Category, out: &mut String) {
    let content = value.chars().filter(|&c| is_hidden(c)).count();
    let (keep_first, keep_last) = match category {
        Category::CreditCard => (0, 4),
        Category::Iban => (2, 4),
        Category::Password | Category::CardCvv => {
            out.push_str("•••");
            return;
        }
        _ => (0, 0),
    };
    // Never keep more than half of a value, whatever the rule says.
    let keep_last = keep_last.min(content / 2);
    let keep_first = keep_first.min(content / 2);
    let mut seen = 0;
    for c in value.chars() {
        if is_hidden(c) {
            seen += 1;
            if seen <= keep_first || seen > content - keep_last {
                out.push(c);
            } else {
                out.push(HIDDEN);
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Confidence;

    fn finding(category: Category, range: std::ops::Range<usize>) -> Finding {
        Finding {
            category,
            subtype: None,
            range,
            confidence: Confidence::Certain,
        }
    }

    #[test]
    fn defaults_block_card_data_and_passwords() {
        let policy = Policy::default();
        for c in [
            Category::CreditCard,
            Category::CardCvv,
            Category::CardExpiry,
            Category::Password,
        ] {
            assert_eq!(policy.action(c), Action::Block, "{c}");
        }
        assert_eq!(policy.action(Category::Email), Action::Allow);
    }

    #[test]
    fn judge_takes_the_strongest_action() {
        let text = "mail a@b.de card 4111 1111 1111 1111";
        let findings = [
            finding(Category::Email, 5..11),
            finding(Category::CreditCard, 17..36),
        ];
        let verdict = Policy::default().judge(text, &findings);
        assert_eq!(verdict.action, Action::Block);
        assert_eq!(verdict.findings[0].action, Action::Allow);
        assert_eq!(Policy::default().judge(text, &[]).action, Action::Allow);
    }

    #[test]
    fn masking_keeps_last_four_of_a_card_and_country_of_an_iban_in_any_order() {
        let mut policy = Policy::default();
        policy.set(Category::Iban, Action::Mask);
        let text = "card 4111 1111 1111 1234, iban DE89 3704 0044 0532 0130 00, pw hunter2";
        let card = finding(Category::CreditCard, 5..24);
        let iban = finding(Category::Iban, 31..58);
        let password = finding(Category::Password, 63..70);
        // As the scanner returns them (by position), and in another order.
        for findings in [
            [card.clone(), iban.clone(), password.clone()],
            [password, card, iban],
        ] {
            assert_eq!(
                mask(text, &findings, &policy),
                "card •••• •••• •••• 1234, iban DE•• •••• •••• •••• ••30 00, pw •••"
            );
        }
    }

    #[test]
    fn masking_hides_every_script_and_keeps_only_spaces_and_punctuation() {
        let mut policy = Policy::default();
        policy.set(Category::StreetAddress, Action::Mask);
        let text = "to ул. Ленина 5², Straße 7½ – Hof 12/٣ € ok";
        let start = text.find('у').unwrap();
        let end = text.find(" ok").unwrap();
        let masked = mask(
            text,
            &[finding(Category::StreetAddress, start..end)],
            &policy,
        );
        assert_eq!(masked, "to ••. •••••• ••, •••••• •• • ••• ••/• • ok");
    }

    #[test]
    fn masking_ignores_allowed_and_out_of_range_findings() {
        let text = "héllo";
        let findings = [
            finding(Category::Email, 0..5),
            finding(Category::Password, 2..9),
            finding(Category::Password, 1..2),
        ];
        assert_eq!(mask(text, &findings, &Policy::default()), "héllo");
    }

    #[test]
    fn policies_read_from_json_name_the_bad_entry() {
        let policy: Policy =
            serde_json::from_str(r#"{"CREDIT_CARD":"warn","email":"block"}"#).unwrap();
        assert_eq!(policy.action(Category::CreditCard), Action::Warn);
        assert_eq!(policy.action(Category::Email), Action::Block);
        assert_eq!(policy.action(Category::Password), Action::Block);
        let error = serde_json::from_str::<Policy>(r#"{"CARD":"block"}"#).unwrap_err();
        assert!(error.to_string().contains("\"CARD\""), "{error}");
        let error = serde_json::from_str::<Policy>(r#"{"IBAN":"shred"}"#).unwrap_err();
        assert!(error.to_string().contains("shred") && error.to_string().contains("IBAN"));
        let round: Policy = serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
        assert_eq!(round, policy);
    }
}
