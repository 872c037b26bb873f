//! Browser tests of the console's screens, run in headless Chromium by `cargo xtask test`:
//! the names the end-to-end tests and screen readers rely on, and where events go.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use chatward_console::state::{Action, Operator, State};
use chatward_console::{Screen, ScreenProps};
use chatward_core::protocol::{Author, ConsentRecord, ConversationSummary, Entry};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::{Callback, Reducible};

wasm_bindgen_test_configure!(run_in_browser);

/// Everything the screen emitted, in order.
#[derive(Default, Clone)]
struct Emitted {
    events: Rc<RefCell<Vec<String>>>,
}

impl Emitted {
    fn record<T: 'static>(&self, show: impl Fn(T) -> String + 'static) -> Callback<T> {
        let events = self.events.clone();
        Callback::from(move |value| events.borrow_mut().push(show(value)))
    }

    fn taken(&self) -> Vec<String> {
        self.events.borrow_mut().drain(..).collect()
    }
}

fn state_after(actions: impl IntoIterator<Item = Action>) -> State {
    let mut state = Rc::new(State::default());
    for action in actions {
        state = state.reduce(action);
    }
    (*state).clone()
}

/// Mounts the screen for `state` into a fresh `div` and waits for the first render.
async fn mount(state: State, emitted: &Emitted) -> Element {
    let document = gloo::utils::document();
    let host = document
        .create_element("div")
        .expect("a div can be created");
    gloo::utils::body()
        .append_child(&host)
        .expect("the test page has a body");
    let props = ScreenProps {
        state,
        on_login: emitted
            .record(|(user, password): (String, String)| format!("login {user} {password}")),
        on_logout: emitted.record(|()| "logout".to_owned()),
        on_open: emitted.record(|id: String| format!("open {id}")),
        on_reply: emitted.record(|text: String| format!("reply {text}")),
        on_close: emitted.record(|id: String| format!("close {id}")),
        on_delete: emitted.record(|id: String| format!("delete {id}")),
        on_dismiss: emitted.record(|()| "dismiss".to_owned()),
    };
    yew::Renderer::<Screen>::with_root_and_props(host.clone(), props).render();
    yew::scheduler::flush().await;
    host
}

fn all(host: &Element, selector: &str) -> Vec<Element> {
    let list = host
        .query_selector_all(selector)
        .expect("the selector is valid");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}

fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

/// The button whose text (its accessible name) contains `name`.
fn button(host: &Element, name: &str) -> HtmlElement {
    all(host, "button")
        .into_iter()
        .find(|b| text(b).contains(name))
        .unwrap_or_else(|| panic!("no button named {name:?}"))
        .unchecked_into()
}

/// The control labelled exactly `label` through `<label for>`.
fn labelled(host: &Element, label: &str) -> Element {
    let label = all(host, "label")
        .into_iter()
        .find(|l| text(l) == label)
        .unwrap_or_else(|| panic!("no label {label:?}"));
    let id = label
        .get_attribute("for")
        .expect("the label names its control");
    host.query_selector(&format!("#{id}"))
        .expect("the selector is valid")
        .expect("the labelled control exists")
}

fn type_into(control: &Element, value: &str) {
    let event_init = web_sys::EventInit::new();
    event_init.set_bubbles(true);
    let input = web_sys::Event::new_with_event_init_dict("input", &event_init).expect("an event");
    if let Some(area) = control.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(value);
    } else if let Some(field) = control.dyn_ref::<HtmlInputElement>() {
        field.set_value(value);
    }
    control
        .dispatch_event(&input)
        .expect("the event is dispatched");
}

fn operator() -> Operator {
    Operator {
        username: "ada".into(),
        display_name: "Ada Lovelace".into(),
    }
}

fn conversation(
    id: &str,
    started_at: i64,
    unread: u64,
    consent: Option<ConsentRecord>,
) -> ConversationSummary {
    ConversationSummary {
        id: id.into(),
        shop: "demo".into(),
        started_at,
        last_seq: unread,
        unread,
        consent,
        closed: false,
        policy: None,
    }
}

fn chatting() -> State {
    let consent = ConsentRecord {
        statement_version: "2026-11".into(),
        statement_hash: "ab".into(),
        accepted_at: 1_795_598_130_000,
        widget_version: "0.1.0".into(),
    };
    state_after([
        Action::LoggedIn(operator()),
        Action::LinkOpened,
        Action::ConversationsListed(vec![
            conversation("0123abcd-first", 2, 0, Some(consent)),
            conversation("9876fedc-second", 1, 2, None),
        ]),
        Action::ConversationOpened("0123abcd-first".into()),
        Action::EntryArrived {
            conversation: "0123abcd-first".into(),
            entry: Entry {
                seq: 1,
                author: Author::Customer,
                text: "hello".into(),
                at: 0,
                client_id: None,
                attachment: None,
                masked: Vec::new(),
            },
        },
        Action::EntryArrived {
            conversation: "0123abcd-first".into(),
            entry: Entry {
                seq: 2,
                author: Author::Operator,
                text: "hi, how can I help?".into(),
                at: 0,
                client_id: None,
                attachment: None,
                masked: Vec::new(),
            },
        },
    ])
}

#[wasm_bindgen_test]
async fn the_login_form_has_labelled_fields_and_submits_them() {
    let emitted = Emitted::default();
    let host = mount(state_after([Action::SessionMissing]), &emitted).await;

    let username = labelled(&host, "Username");
    let password = labelled(&host, "Password");
    assert_eq!(password.get_attribute("type").as_deref(), Some("password"));
    type_into(&username, "ada");
    type_into(&password, "secret");
    button(&host, "Log in").click();
    yew::scheduler::flush().await;

    assert_eq!(emitted.taken(), ["login ada secret"]);
}

#[wasm_bindgen_test]
async fn a_refused_login_shows_the_relays_error() {
    let emitted = Emitted::default();
    let state = state_after([
        Action::SessionMissing,
        Action::LoginSubmitted,
        Action::LoginFailed {
            error: "Wrong username or password.".into(),
        },
    ]);
    let host = mount(state, &emitted).await;

    let alerts: Vec<String> = all(&host, "[role=alert]").iter().map(text).collect();
    assert_eq!(alerts, ["Wrong username or password."]);
    assert!(
        all(&host, "button")
            .iter()
            .all(|b| !text(b).contains("Log out"))
    );
}

#[wasm_bindgen_test]
async fn the_conversation_list_names_each_conversation_by_short_id_and_unread_count() {
    let emitted = Emitted::default();
    let host = mount(chatting(), &emitted).await;

    let nav = host
        .query_selector("nav")
        .expect("valid")
        .expect("the list is a navigation landmark");
    let names: Vec<String> = all(&nav, "button").iter().map(text).collect();
    assert_eq!(
        names,
        [
            "Conversation 0123abcd 0 unread",
            "Conversation 9876fedc 2 unread"
        ]
    );
    let current = all(&nav, "button[aria-current=true]");
    assert_eq!(current.len(), 1);
    assert_eq!(text(&current[0]), "Conversation 0123abcd 0 unread");

    button(&host, "9876fedc").click();
    yew::scheduler::flush().await;
    assert_eq!(emitted.taken(), ["open 9876fedc-second"]);
}

#[wasm_bindgen_test]
async fn the_open_conversation_shows_its_log_consent_and_reply_box() {
    let emitted = Emitted::default();
    let host = mount(chatting(), &emitted).await;

    assert!(
        host.query_selector("header").expect("valid").is_some(),
        "a banner landmark"
    );
    assert!(
        host.query_selector("main").expect("valid").is_some(),
        "a main landmark"
    );
    let log = host
        .query_selector("[role=log][aria-label=Messages]")
        .expect("valid")
        .expect("the messages are a log named Messages");
    let customer: Vec<String> = all(&log, ".cw-from-customer .cw-text")
        .iter()
        .map(text)
        .collect();
    let operator: Vec<String> = all(&log, ".cw-from-operator .cw-text")
        .iter()
        .map(text)
        .collect();
    assert_eq!(customer, ["hello"]);
    assert_eq!(operator, ["hi, how can I help?"]);

    let consent = text(
        &host
            .query_selector(".cw-consent")
            .expect("valid")
            .expect("a consent record"),
    );
    assert!(consent.contains("Statement version2026-11"), "{consent}");
    assert!(
        consent.contains("Accepted at2026-11-25 09:15 UTC"),
        "{consent}"
    );

    let reply = labelled(&host, "Reply");
    assert_eq!(reply.tag_name(), "TEXTAREA");
    type_into(&reply, "  your mug ships tomorrow ");
    yew::scheduler::flush().await;
    button(&host, "Send").click();
    yew::scheduler::flush().await;
    assert_eq!(emitted.taken(), ["reply your mug ships tomorrow"]);
    assert_eq!(
        reply.unchecked_ref::<HtmlTextAreaElement>().value(),
        "",
        "the box is emptied"
    );

    button(&host, "Log out").click();
    yew::scheduler::flush().await;
    assert_eq!(emitted.taken(), ["logout"]);
}

#[wasm_bindgen_test]
async fn a_lost_link_shows_a_reconnecting_banner() {
    let emitted = Emitted::default();
    let state = (*Rc::new(chatting()).reduce(Action::ConnectionLost)).clone();
    let host = mount(state, &emitted).await;

    let status: Vec<String> = all(&host, "[role=status]").iter().map(text).collect();
    assert!(
        status.iter().any(|s| s.contains("Reconnecting")),
        "{status:?}"
    );
}

#[wasm_bindgen_test]
async fn close_is_sent_and_a_closed_conversation_says_so() {
    let emitted = Emitted::default();
    let host = mount(chatting(), &emitted).await;
    button(&host, "Close conversation").click();
    yew::scheduler::flush().await;
    assert_eq!(emitted.taken(), ["close 0123abcd-first"]);

    let closed =
        (*Rc::new(chatting()).reduce(Action::CloseRequested("0123abcd-first".into()))).clone();
    let host = mount(closed, &emitted).await;
    let nav = host
        .query_selector("nav")
        .expect("valid")
        .expect("the list");
    let names: Vec<String> = all(&nav, "button").iter().map(text).collect();
    assert_eq!(names[0], "Conversation 0123abcd 0 unread closed");
    assert!(
        all(&host, "button")
            .iter()
            .all(|b| text(b) != "Close conversation"),
        "a closed conversation cannot be closed again"
    );
    let status = text(
        &host
            .query_selector(".cw-status")
            .expect("valid")
            .expect("a status line"),
    );
    assert!(status.starts_with("Closed."), "{status}");
}

#[wasm_bindgen_test]
async fn delete_asks_first_and_keeping_it_sends_nothing() {
    let emitted = Emitted::default();
    let host = mount(chatting(), &emitted).await;
    assert!(
        host.query_selector("[role=group]")
            .expect("valid")
            .is_none()
    );

    button(&host, "Delete conversation").click();
    yew::scheduler::flush().await;
    assert!(
        emitted.taken().is_empty(),
        "nothing is deleted before confirming"
    );
    let question = host
        .query_selector("[role=group]")
        .expect("valid")
        .expect("a confirmation");
    assert!(text(&question).contains("for good"), "{}", text(&question));

    button(&host, "Keep it").click();
    yew::scheduler::flush().await;
    assert!(emitted.taken().is_empty());
    assert!(
        host.query_selector("[role=group]")
            .expect("valid")
            .is_none()
    );

    button(&host, "Delete conversation").click();
    yew::scheduler::flush().await;
    button(&host, "Delete for good").click();
    yew::scheduler::flush().await;
    assert_eq!(emitted.taken(), ["delete 0123abcd-first"]);
}

#[wasm_bindgen_test]
async fn transcripts_are_offered_in_three_formats() {
    let emitted = Emitted::default();
    let host = mount(chatting(), &emitted).await;
    let export = host
        .query_selector("nav[aria-label='Export transcript']")
        .expect("valid")
        .expect("an export navigation");
    let links: Vec<(String, String)> = all(&export, "a")
        .iter()
        .map(|a| (text(a), a.get_attribute("href").unwrap_or_default()))
        .collect();
    assert_eq!(
        links,
        [
            (
                "Transcript as HTML".to_owned(),
                "/api/conversations/0123abcd-first/transcript?format=html".to_owned()
            ),
            (
                "Transcript as text".to_owned(),
                "/api/conversations/0123abcd-first/transcript?format=text".to_owned()
            ),
            (
                "Transcript as JSON".to_owned(),
                "/api/conversations/0123abcd-first/transcript?format=json".to_owned()
            ),
        ]
    );
}

#[wasm_bindgen_test]
async fn the_nudge_follows_the_draft_and_never_blocks_sending() {
    let emitted = Emitted::default();
    let host = mount(chatting(), &emitted).await;
    let reply = labelled(&host, "Reply");
    let nudges =
        |host: &Element| -> Vec<String> { all(host, ".cw-nudge").iter().map(text).collect() };

    type_into(&reply, "Could you send me your order number?");
    yew::scheduler::flush().await;
    assert!(nudges(&host).is_empty());
    assert_eq!(reply.get_attribute("aria-describedby"), None);

    type_into(&reply, "Could you send me your card number?");
    yew::scheduler::flush().await;
    assert_eq!(
        nudges(&host),
        ["Ask only for what you need: this shop's policy does not want card numbers in chat."]
    );
    assert_eq!(
        reply.get_attribute("aria-describedby").as_deref(),
        Some("cw-nudge")
    );
    assert!(
        host.query_selector("[role=status] .cw-nudge")
            .expect("valid")
            .is_some(),
        "announced politely"
    );

    button(&host, "Send").click();
    yew::scheduler::flush().await;
    assert_eq!(
        emitted.taken(),
        ["reply Could you send me your card number?"]
    );
    assert!(nudges(&host).is_empty(), "the emptied box asks for nothing");
}
