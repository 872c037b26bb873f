//! The shop's policy enforced on every customer message, whatever the browser did: a
//! blocked category refuses the message, a masked one is stored and delivered masked.
//!
//! **Invariant:** what the policy says to mask never reaches storage or an operator
//! unmasked; the pane's own check is for the customer, this one is the security boundary.

use chatward_core::{Action, Category, mask};

use crate::config::Shop;

/// What becomes of one customer message.
#[derive(Clone, PartialEq, Eq)]
pub enum Enforced {
    /// Store and deliver this text: the message as written, or with values masked.
    Pass {
        /// The text to store.
        text: String,
        /// Categories that were masked, for the log and, stored with the entry, the
        /// transcript.
        masked: Vec<Category>,
    },
    /// Refuse the message; `reason` is shown to the customer.
    Refuse {
        /// Words for the customer.
        reason: String,
        /// The blocked categories, for the log.
        blocked: Vec<Category>,
    },
}

impl std::fmt::Debug for Enforced {
    // The text is the customer's message: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Pass { text, masked } => f
                .debug_struct("Pass")
                .field("text_len", &text.len())
                .field("masked", masked)
                .finish(),
            Self::Refuse { blocked, .. } => f
                .debug_struct("Refuse")
                .field("blocked", blocked)
                .finish_non_exhaustive(),
        }
    }
}

/// Scans `text` and applies the shop's policy.
pub fn enforce(shop: &Shop, text: &str) -> Enforced {
    let findings = shop.scanner.scan(text);
    let verdict = shop.policy.judge(text, &findings);
    let with_action = |action: Action| {
        let mut categories: Vec<Category> = verdict
            .findings
            .iter()
            .filter(|judged| judged.action == action)
            .map(|judged| judged.finding.category)
            .collect();
        categories.sort();
        categories.dedup();
        categories
    };
    match verdict.action {
        Action::Block => {
            let blocked = with_action(Action::Block);
            let names: Vec<&str> = blocked.iter().map(|category| describe(*category)).collect();
            let reason = format!(
                "Not sent: this message contains {}, which {} must not receive in chat. \
                 Please remove it and send the message again.",
                names.join(" and "),
                shop.operator.name,
            );
            Enforced::Refuse { reason, blocked }
        }
        Action::Mask => Enforced::Pass {
            text: mask(text, &findings, &shop.policy),
            masked: with_action(Action::Mask),
        },
        Action::Allow | Action::Warn => Enforced::Pass {
            text: text.to_owned(),
            masked: Vec::new(),
        },
    }
}

/// The category in words for the customer.
fn describe(category: Category) -> &'static str {
    match category {
        Category::Email => "an e-mail address",
        Category::Phone => "a phone number",
        Category::CreditCard => "a card number",
        Category::CardCvv => "a card security code",
        Category::CardExpiry => "a card expiry date",
        Category::Iban => "a bank account number (IBAN)",
        Category::UsSsn => "a Social Security number",
        Category::NationalId => "a national ID or tax number",
        Category::Passport => "a passport number",
        Category::IpAddress => "an IP address",
        Category::DateOfBirth => "a date of birth",
        Category::StreetAddress => "a street address",
        Category::Password => "a password",
        Category::PersonName => "a name",
        Category::Age => "an age",
    }
}

#[cfg(test)]
mod tests {
    use chatward_core::Policy;

    use super::*;
    use crate::config::{Config, DEFAULT_SHOP};

    fn demo_with(policy: Policy) -> Shop {
        let mut shop = Config::demo().shops[DEFAULT_SHOP].as_ref().clone();
        shop.policy = policy;
        shop
    }

    #[test]
    fn card_numbers_are_refused_by_default_with_a_reason() {
        let shop = demo_with(Policy::default());
        match enforce(&shop, "my card is 4111 1111 1111 1111") {
            Enforced::Refuse { reason, blocked } => {
                assert_eq!(blocked, [Category::CreditCard]);
                assert!(reason.contains("a card number"), "{reason}");
                assert!(
                    !reason.contains("4111"),
                    "the reason never repeats the value"
                );
            }
            other => panic!("expected refuse, got {other:?}"),
        }
    }

    #[test]
    fn masked_categories_never_pass_unmasked() {
        let policy = Policy::with_overrides([("EMAIL", "mask")]).unwrap();
        let shop = demo_with(policy);
        match enforce(&shop, "write to jane.doe@example.org please") {
            Enforced::Pass { text, masked } => {
                assert_eq!(masked, [Category::Email]);
                assert!(!text.contains("jane.doe@example.org"), "{text}");
                assert!(
                    text.starts_with("write to ") && text.ends_with(" please"),
                    "{text}"
                );
            }
            other => panic!("expected pass, got {other:?}"),
        }
    }

    #[test]
    fn plain_messages_and_the_shops_own_address_pass_as_written() {
        let policy = Policy::with_overrides([("EMAIL", "block")]).unwrap();
        let shop = demo_with(policy);
        let text = "hello, is help@demo-shop.example the right address?";
        let expected = Enforced::Pass {
            text: text.to_owned(),
            masked: Vec::new(),
        };
        assert_eq!(enforce(&shop, text), expected);
        assert_eq!(
            enforce(&shop, "hello"),
            Enforced::Pass {
                text: "hello".to_owned(),
                masked: Vec::new()
            }
        );
    }
}
