//! What the pane does with a draft before it leaves the browser: find the personal data in
//! it, apply the shop's policy, and say what will be sent. Pure, so it is tested natively;
//! the relay runs the same core code again on what arrives.

use std::rc::Rc;

use chatward_core::{Action, Category, Policy, ScanOptions, Scanner, Verdict, mask};

/// The detector and the policy the pane judges drafts with, built once.
#[derive(Clone)]
pub struct Engine {
    scanner: Rc<Scanner>,
    policy: Rc<Policy>,
}

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scanner, &other.scanner) && self.policy == other.policy
    }
}

impl Engine {
    /// An engine for `policy`, never reporting the shop's own public contacts in `allow`.
    pub fn new(policy: Policy, allow: Vec<String>) -> Self {
        Self {
            scanner: Rc::new(Scanner::new(&ScanOptions { allow })),
            policy: Rc::new(policy),
        }
    }

    /// The same detector with another policy.
    pub fn with_policy(&self, policy: Policy) -> Self {
        Self {
            scanner: self.scanner.clone(),
            policy: Rc::new(policy),
        }
    }

    /// Judges a draft.
    pub fn check(&self, draft: &str) -> Check {
        let findings = self.scanner.scan(draft);
        let verdict = self.policy.judge(draft, &findings);
        let outgoing = match verdict.action {
            Action::Allow => draft.to_owned(),
            // Masked and blocked findings are hidden in what would be sent; a blocked draft
            // is not sent at all, but a warned one with masked parts still goes out masked.
            Action::Warn | Action::Mask | Action::Block => mask(draft, &findings, &self.policy),
        };
        Check { verdict, outgoing }
    }
}

/// The verdict on one draft and the text that would leave the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub verdict: Verdict,
    /// The draft as it would be sent: masked parts hidden.
    pub outgoing: String,
}

impl Check {
    /// Whether Send may be pressed; `confirmed` is the customer's "send anyway" for warnings.
    pub fn may_send(&self, confirmed: bool) -> bool {
        match self.verdict.action {
            Action::Allow | Action::Mask => true,
            Action::Warn => confirmed,
            Action::Block => false,
        }
    }

    /// Each category found once, with the strongest action taken on it, in text order.
    pub fn categories(&self) -> Vec<(Category, Action)> {
        let mut seen: Vec<(Category, Action)> = Vec::new();
        for judged in &self.verdict.findings {
            match seen
                .iter_mut()
                .find(|(category, _)| *category == judged.finding.category)
            {
                Some((_, action)) => *action = (*action).max(judged.action),
                None => seen.push((judged.finding.category, judged.action)),
            }
        }
        seen
    }

    /// True when what is sent differs from what was typed.
    pub fn is_masked(&self) -> bool {
        self.verdict
            .findings
            .iter()
            .any(|j| j.action == Action::Mask)
    }
}

/// The relay's policy made stricter by the page's `data-policy-*` settings. The relay
/// enforces its own policy whatever the page says, so a looser page setting would only let
/// the customer press Send on a message the relay then refuses: it is ignored.
pub fn stricter(relay: &Policy, page: &[(Category, Action)]) -> Policy {
    let mut policy = relay.clone();
    for &(category, action) in page {
        if action > policy.action(category) {
            policy.set(category, action);
        }
    }
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::new(Policy::default(), vec!["help@demo-shop.example".into()])
    }

    #[test]
    fn a_card_number_blocks_sending() {
        let check = engine().check("my card is 4111 1111 1111 1111 thanks");
        assert_eq!(check.verdict.action, Action::Block);
        assert!(!check.may_send(true));
        assert_eq!(check.categories(), [(Category::CreditCard, Action::Block)]);
        assert!(
            !check.outgoing.contains("4111 1111 1111"),
            "{}",
            check.outgoing
        );
    }

    #[test]
    fn an_iban_needs_confirmation() {
        let check = engine().check("refund to DE89 3704 0044 0532 0130 00 please");
        assert_eq!(check.verdict.action, Action::Warn);
        assert!(!check.may_send(false));
        assert!(check.may_send(true));
        assert_eq!(
            check.outgoing,
            "refund to DE89 3704 0044 0532 0130 00 please"
        );
    }

    #[test]
    fn a_masked_value_is_hidden_in_what_is_sent() {
        let policy = stricter(&Policy::default(), &[(Category::Iban, Action::Mask)]);
        let check = engine()
            .with_policy(policy)
            .check("IBAN DE89 3704 0044 0532 0130 00");
        assert_eq!(check.verdict.action, Action::Mask);
        assert!(check.may_send(false));
        assert!(check.is_masked());
        assert!(check.outgoing.contains("DE"), "{}", check.outgoing);
        assert!(
            check.outgoing.ends_with("3000") || check.outgoing.contains("30 00"),
            "{}",
            check.outgoing
        );
        assert!(!check.outgoing.contains("3704 0044"), "{}", check.outgoing);
    }

    #[test]
    fn plain_text_and_the_shops_own_contacts_pass_untouched() {
        for text in [
            "Where is order 100234567?",
            "I wrote to help@demo-shop.example",
        ] {
            let check = engine().check(text);
            assert_eq!(check.verdict.action, Action::Allow, "{text}");
            assert_eq!(check.outgoing, text);
        }
    }

    #[test]
    fn the_page_can_only_tighten_the_relays_policy() {
        let relay = Policy::default();
        let policy = stricter(
            &relay,
            &[
                (Category::CreditCard, Action::Allow),
                (Category::Email, Action::Warn),
            ],
        );
        assert_eq!(policy.action(Category::CreditCard), Action::Block);
        assert_eq!(policy.action(Category::Email), Action::Warn);
    }
}
