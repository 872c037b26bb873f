//! Requests for personal data in an operator's draft: "could you send me your card number?",
//! "wie lautet Ihr Passwort?", "podaj numer karty". The console uses [`requested`] to nudge an
//! operator who asks for data the shop's policy does not want in chat; the customer's own
//! messages are scanned for values by `detect`, which is a different question.
//!
//! How it works: the text is folded (lower case, accents dropped) and split into words;
//! sentences end at `.`, `!`, `?`, `¿`, `¡` and line breaks, clauses also at `,`, `;`, `:`.
//! A sentence asks for a category when it holds
//! - a *target* naming the data item ([`TARGETS`]: "card number", "mot de passe", "IBAN"),
//! - a *request* cue anywhere in the sentence ([`REQUESTS`]: "send", "what is", "podaj"),
//! - and no *negation* in the target's clause ([`NEGATIONS`]: "never", "nicht", "jamais"),
//!   so "we never ask for your password" stays quiet while "don't worry, just send me your
//!   PIN" does not.
//!
//! The detector's context words (`detect/words.rs`) are not reused: they introduce a value
//! the customer types ("exp 12/27", "pas 4111..."), so short words like "exp", "pas" or
//! "gültig" would make the nudge fire on "the offer expires". A request names the item.
//!
//! Phrases are written folded, words separated by one space. A word ending in `*` matches
//! any word it begins (Polish and Lithuanian inflect: `hasl*` is hasło, hasła, hasłem).
//! Between the words of a target the text may hold [`FILLERS`] (possessives, articles), so
//! "numero carta" also matches "numero della sua carta".

use crate::detect::Category;

/// Phrases naming a data item, per category. Languages: en, de, fr, es, it, nl, pl, lt.
pub const TARGETS: &[(Category, &[&str])] = &[
    (
        Category::CreditCard,
        &[
            "card number*",
            "card nr",
            "card detail*",
            "card data",
            "card digits",
            "card info*",
            "long number on card",
            "number on card",
            "numbers on card",
            "photo of card",
            "picture of card",
            "both sides of card",
            "front of card",
            "kartennummer*",
            "kreditkartennummer*",
            "kartendaten",
            "kreditkartendaten",
            "nummer karte",
            "numero carte",
            "numero de carte",
            "chiffres de carte",
            "donnees de carte",
            "informations de carte",
            "numero de tarjeta",
            "numero tarjeta",
            "datos de tarjeta",
            "numero di carta",
            "numero carta",
            "dati carta",
            "dati di carta",
            "kaartnummer*",
            "creditcardnummer*",
            "kaartgegevens",
            "creditcardgegevens",
            "nummer van kaart",
            "numer* karty",
            "dane karty",
            "danych karty",
            "korteles numer*",
            "korteles duomen*",
        ],
    ),
    (
        Category::CardCvv,
        &[
            "cvv",
            "cvc",
            "cvv2",
            "cvc2",
            "security code",
            "card code",
            "3 digit code",
            "three digit code",
            "digits on back",
            "numbers on back",
            "code on back",
            "card verification*",
            "prufziffer",
            "prufnummer",
            "kartenprufnummer",
            "sicherheitscode",
            "cryptogramme",
            "code de securite",
            "chiffres au dos",
            "code au dos",
            "codigo de seguridad",
            "digitos de atras",
            "codice di sicurezza",
            "cifre sul retro",
            "beveiligingscode",
            "cijfers op achterkant",
            "kod* bezpieczenstwa",
            "kod* zabezpieczajac*",
            "kod* z tylu",
            "saugos kod*",
            "apsaugos kod*",
        ],
    ),
    (
        Category::CardExpiry,
        &[
            "expiry date",
            "expiration date",
            "exp date",
            "valid thru",
            "ablaufdatum",
            "gultig bis",
            "date d expiration",
            "date de validite",
            "fecha de caducidad",
            "fecha de vencimiento",
            "data di scadenza",
            "vervaldatum",
            "dat* waznosci",
            "termin* waznosci",
            "galiojimo dat*",
            "galiojimo pabaig*",
        ],
    ),
    (
        Category::Password,
        &[
            "password*",
            "passcode",
            "pin",
            "pin code",
            "pin number",
            "login details",
            "login credentials",
            "credentials",
            "passwort*",
            "kennwort*",
            "geheimzahl",
            "zugangsdaten",
            "mot de passe",
            "mots de passe",
            "mdp",
            "code secret",
            "identifiants",
            "contrasena*",
            "clave de acceso",
            "clave secreta",
            "parola d ordine",
            "credenziali",
            "wachtwoord*",
            "pincode",
            "inloggegevens",
            "hasl*",
            "dane logowania",
            "danych logowania",
            "slaptazod*",
            "prisijungimo duomen*",
        ],
    ),
    (
        Category::Iban,
        &[
            "iban",
            "bank account*",
            "bank details",
            "account number at bank",
            "kontonummer",
            "bankverbindung",
            "bankdaten",
            "rib",
            "coordonnees bancaires",
            "numero de compte",
            "cuenta bancaria",
            "numero de cuenta",
            "coordinate bancarie",
            "numero di conto",
            "conto corrente",
            "rekeningnummer",
            "bankrekening*",
            "numer* konta",
            "numer* rachunku",
            "saskaitos numer*",
            "banko saskait*",
        ],
    ),
    (
        Category::UsSsn,
        &["social security number", "social security", "ssn"],
    ),
    (
        Category::NationalId,
        &[
            "national id*",
            "national insurance number",
            "id number",
            "id card",
            "identity card",
            "identity number",
            "personal id*",
            "tax id",
            "tax number",
            "personalausweis*",
            "ausweisnummer",
            "steuer id",
            "steueridentifikationsnummer",
            "steuernummer",
            "carte d identite",
            "numero d identite",
            "numero de securite sociale",
            "numero fiscal",
            "dni",
            "nif",
            "documento de identidad",
            "numero de identidad",
            "codice fiscale",
            "carta d identita",
            "bsn",
            "burgerservicenummer",
            "pesel",
            "dowod* osobist*",
            "numer* dowodu",
            "asmens kod*",
            "asmens tapatybes*",
        ],
    ),
    (
        Category::Passport,
        &[
            "passport*",
            "reisepass*",
            "passnummer",
            "passeport",
            "pasaporte",
            "passaporto",
            "paspoort*",
            "paszport*",
            "paso numer*",
            "paso duomen*",
        ],
    ),
    (
        Category::DateOfBirth,
        &[
            "date of birth",
            "birth date",
            "birthdate",
            "dob",
            "geburtsdatum",
            "date de naissance",
            "fecha de nacimiento",
            "data di nascita",
            "geboortedatum",
            "data* urodzenia",
            "gimimo dat*",
        ],
    ),
];

/// Words and phrases that make a sentence a request: verbs of giving and telling, "what is",
/// "I need".
pub const REQUESTS: &[&str] = &[
    // en
    "send",
    "give",
    "tell",
    "provide",
    "share",
    "type",
    "enter",
    "write",
    "need",
    "require",
    "confirm",
    "forward",
    "paste",
    "post",
    "spell",
    "dictate",
    "upload",
    "read me",
    "read out",
    "ask for",
    "asking for",
    "let me know",
    "let me have",
    "can i have",
    "could i have",
    "may i have",
    "can i get",
    "could i get",
    "what is",
    "what s",
    "whats",
    "what are",
    "what was",
    "which is",
    // de
    "senden",
    "sende",
    "schicken",
    "schick",
    "schicke",
    "zusenden",
    "zuschicken",
    "geben",
    "gib",
    "gebe",
    "nennen",
    "nenne",
    "nenn",
    "mitteilen",
    "teilen",
    "teile",
    "sagen",
    "sag",
    "sage",
    "schreiben",
    "schreib",
    "schreibe",
    "angeben",
    "eingeben",
    "bestatigen",
    "durchgeben",
    "ubermitteln",
    "brauche",
    "brauchen",
    "brauchte",
    "brauchten",
    "benotige",
    "benotigen",
    "wie lautet",
    "wie lauten",
    "was ist",
    "wie ist",
    // fr
    "envoyer",
    "envoyez",
    "envoie",
    "envoies",
    "donner",
    "donnez",
    "donne",
    "communiquer",
    "communiquez",
    "indiquer",
    "indiquez",
    "indique",
    "transmettre",
    "transmettez",
    "ecrire",
    "ecrivez",
    "dire",
    "dites",
    "confirmer",
    "confirmez",
    "fournir",
    "fournissez",
    "saisir",
    "saisissez",
    "besoin",
    "quel est",
    "quelle est",
    "quels sont",
    // es
    "envia",
    "envie",
    "enviar",
    "enviame",
    "envieme",
    "mandar",
    "manda",
    "mande",
    "mandame",
    "dame",
    "deme",
    "dar",
    "dime",
    "digame",
    "decir",
    "indique",
    "indicame",
    "indiqueme",
    "proporcione",
    "proporcionar",
    "facilite",
    "facilitar",
    "facilitame",
    "escriba",
    "escribe",
    "confirme",
    "confirma",
    "comparta",
    "compartir",
    "necesito",
    "necesitamos",
    "necesitaria",
    "cual es",
    "cuales son",
    // it
    "invia",
    "invii",
    "inviami",
    "inviarmi",
    "inviare",
    "mandami",
    "mandare",
    "dammi",
    "dare",
    "dia",
    "dimmi",
    "dica",
    "indica",
    "indichi",
    "indicare",
    "comunica",
    "comunichi",
    "comunicare",
    "fornisca",
    "fornisci",
    "fornire",
    "scrivi",
    "scriva",
    "conferma",
    "confermi",
    "bisogno",
    "serve",
    "servirebbe",
    "qual e",
    "quale e",
    "quali sono",
    // nl
    "stuur",
    "stuurt",
    "sturen",
    "opsturen",
    "geef",
    "geeft",
    "geven",
    "doorgeven",
    "zeg",
    "zeggen",
    "vertel",
    "vertellen",
    "noem",
    "noemen",
    "deel",
    "delen",
    "typ",
    "vul",
    "invullen",
    "bevestig",
    "bevestigen",
    "nodig",
    "wat is",
    "wat zijn",
    // pl
    "wyslij",
    "wyslac",
    "przyslij",
    "przeslij",
    "przeslac",
    "podaj",
    "podac",
    "poda",
    "napisz",
    "napisac",
    "powiedz",
    "przekaz",
    "udostepnij",
    "potwierdz",
    "potrzebuje",
    "potrzebujemy",
    "prosze o",
    "jaki jest",
    "jaka jest",
    "jakie jest",
    "jakie sa",
    // lt
    "atsiuskite",
    "atsiusk",
    "siuskite",
    "nusiuskite",
    "parasykite",
    "parasyk",
    "pasakykite",
    "pasakyk",
    "nurodykite",
    "nurodyk",
    "pateikite",
    "pateik",
    "duokite",
    "duok",
    "patvirtinkite",
    "iveskite",
    "reikia",
    "reikes",
    "koks",
    "kokia",
];

/// Words and phrases that turn a request around: "we never ask for", "bitte nicht senden".
pub const NEGATIONS: &[&str] = &[
    // en
    "never",
    "not",
    "no",
    "nobody",
    "no one",
    "don t",
    "dont",
    "doesn t",
    "didn t",
    "won t",
    "can t",
    "cannot",
    "shouldn t",
    "mustn t",
    "isn t",
    "aren t",
    "wouldn t",
    "without",
    // de
    "nie",
    "niemals",
    "nicht",
    "kein",
    "keine",
    "keinen",
    "keinesfalls",
    "ohne",
    // fr
    "ne",
    "n",
    "jamais",
    "pas",
    "sans",
    // es
    "nunca",
    "jamas",
    "sin",
    // it
    "non",
    "mai",
    "senza",
    // nl
    "niet",
    "nooit",
    "geen",
    "zonder",
    // pl (nie, above)
    "nigdy",
    "bez",
    // lt: negation is a prefix of the verb, so the common negated verbs are listed.
    "niekada",
    "niekam",
    "nesiuskite",
    "nesiusk",
    "nesakykite",
    "nesakyk",
    "nerasykite",
    "nerasyk",
    "neduokite",
    "neduok",
    "nepateikite",
    "nenurodykite",
    "nereikia",
];

/// Words that may stand between the words of a target: possessives, articles and
/// prepositions ("the number on *your* card", "numéro de *votre* carte").
pub const FILLERS: &[&str] = &[
    "your", "the", "a", "my", "of", "ihre", "ihrer", "ihr", "deine", "deiner", "dein", "der",
    "die", "von", "la", "le", "votre", "ta", "ton", "tes", "vos", "de", "du", "des", "su", "tu",
    "sus", "tus", "el", "della", "sua", "tua", "di", "del", "uw", "je", "jouw", "van", "twojej",
    "twoj", "twoja", "twoje", "swojej", "swoj", "swoja", "swoje", "pana", "pani", "panskiej",
    "jusu", "tavo", "savo",
];

/// The categories `text` asks the reader to give, in [`Category::ALL`] order, each once.
/// Pure and linear in the text (times the size of the phrase tables); never fails.
///
/// ```
/// use chatward_core::{Category, requested};
///
/// assert_eq!(requested("Could you send me your card number?"), [Category::CreditCard]);
/// assert!(requested("Could you send me your order number?").is_empty());
/// assert!(requested("We never ask for your password.").is_empty());
/// ```
pub fn requested(text: &str) -> Vec<Category> {
    let mut found = Vec::new();
    for sentence in split(text, is_sentence_end) {
        let words = fold_words(sentence);
        if !contains_any(&words, REQUESTS) {
            continue;
        }
        for clause in split(sentence, |c| {
            is_sentence_end(c) || matches!(c, ',' | ';' | ':')
        }) {
            let words = fold_words(clause);
            if contains_any(&words, NEGATIONS) {
                continue;
            }
            for (category, targets) in TARGETS {
                if !found.contains(category) && targets.iter().any(|t| find(&words, t, FILLERS)) {
                    found.push(*category);
                }
            }
        }
    }
    found.sort_by_key(|c| Category::ALL.iter().position(|a| a == c));
    found
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '¿' | '¡' | '\n' | '\r')
}

fn split(text: &str, at: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    text.split(at).filter(|part| !part.trim().is_empty())
}

/// The words of `text` (runs of letters and digits), lower case, accents dropped.
fn fold_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                word.push(fold(lower));
            }
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A lower-case letter without its accent, for the letters of the eight languages.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ė' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'į' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ś' | 'š' => 's',
        'ù' | 'ú' | 'û' | 'ü' | 'ų' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

fn contains_any(words: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|phrase| find(words, phrase, &[]))
}

/// Whether `phrase` occurs in `words`, with any of `fillers` allowed between its words.
fn find(words: &[String], phrase: &str, fillers: &[&str]) -> bool {
    let pattern: Vec<&str> = phrase.split(' ').collect();
    let Some((first, rest)) = pattern.split_first() else {
        return false;
    };
    'start: for start in 0..words.len() {
        if !word_matches(&words[start], first) {
            continue;
        }
        let mut at = start + 1;
        for want in rest {
            loop {
                let Some(word) = words.get(at) else {
                    continue 'start;
                };
                at += 1;
                if word_matches(word, want) {
                    break;
                }
                if !fillers.contains(&word.as_str()) {
                    continue 'start;
                }
            }
        }
        return true;
    }
    false
}

/// `word` equals `pattern`, or begins with it when the pattern ends in `*`.
fn word_matches(word: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The behaviour as data: `CATEGORY[,CATEGORY] <tab> text`, `-` for "asks for nothing".
    const CASES: &str = include_str!("../tests/data/ask/requests.tsv");

    #[test]
    fn data_cases() {
        let mut failures = Vec::new();
        let mut count = 0;
        for (n, line) in CASES.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (expect, text) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("requests.tsv:{}: no tab", n + 1));
            let expect: Vec<Category> = match expect.trim() {
                "-" => Vec::new(),
                names => names
                    .split(',')
                    .map(|name| {
                        Category::from_name(name.trim())
                            .unwrap_or_else(|| panic!("requests.tsv:{}: {name}?", n + 1))
                    })
                    .collect(),
            };
            count += 1;
            let found = requested(text);
            if found != expect {
                failures.push(format!(
                    "requests.tsv:{}: {text:?}: expected {expect:?}, found {found:?}",
                    n + 1
                ));
            }
        }
        assert!(count >= 60, "only {count} cases");
        assert!(
            failures.is_empty(),
            "{} of {count} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn every_phrase_is_written_folded() {
        let tables = TARGETS
            .iter()
            .flat_map(|(_, t)| t.iter())
            .chain(REQUESTS)
            .chain(NEGATIONS)
            .chain(FILLERS);
        for phrase in tables {
            let bare = phrase.replace('*', "");
            assert_eq!(
                fold_words(&bare).join(" "),
                bare,
                "{phrase:?} must be lower case, without accents, one space between words"
            );
        }
    }

    #[test]
    fn a_target_is_found_across_fillers_but_not_other_words() {
        let words = fold_words("le numéro de votre carte");
        assert!(find(&words, "numero de carte", FILLERS));
        let words = fold_words("le numéro de commande et la carte");
        assert!(!find(&words, "numero de carte", FILLERS));
        assert!(!find(&[], "card", FILLERS));
    }

    #[test]
    fn odd_input_is_quiet() {
        for text in ["", " ", "?!.,", "\u{0}\u{ffff}", "send", "password"] {
            assert!(requested(text).is_empty(), "{text:?}");
        }
    }
}
