//! The pane's components: the privacy gate, the conversation, the composer. Data flows down
//! as props, events flow up as callbacks; the one state lives in [`crate::state`].
//!
//! Only parts with their own hooks (state, effects, node refs) are components; the others
//! are plain functions returning `Html`, given the customer's words. Each component costs
//! the pane about 330 bytes of brotli in Yew's machinery (docs/size.md).

use std::cell::RefCell;
use std::rc::Rc;

use chatward_core::protocol::{
    Author, CustomerEvent, CustomerFrame, Entry, OperatorProfile, PROTOCOL_VERSION, Resume,
    Statement,
};
use chatward_core::{Action as PolicyAction, Category};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::config::PaneConfig;
use crate::i18n::{self, Texts};
use crate::net::{self, Relay};
use crate::privacy::{Check, Engine, stricter};
use crate::state::{
    Action, Deletion, Gate, Link, Pending, Removed, Session, Standing, State, Upload, UploadStage,
};

/// The version recorded with every consent.
const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: PaneConfig,
    /// The customer's language; English when absent.
    #[prop_or_else(Texts::english)]
    pub texts: Rc<Texts>,
}

/// Asks the loader on the shop page to hide the pane.
fn ask_to_close() {
    // Let go of the focus, so that opening the pane again starts from its first control.
    if let Some(active) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = active.blur();
    }
    tell_page("chatward:close");
}

/// Tells the page around the pane (the loader, which checks the sender) that something
/// happened, for the shop's `Chatward.on` listeners: `chatward:close` (the customer closed
/// the pane), `chatward:consent` (the relay recorded the acceptance), `chatward:message`
/// (the operator's answer arrived). Only that name crosses: the page, which the pane's frame
/// keeps out of the conversation, never learns what was written.
fn tell_page(what: &str) {
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let _ = parent.post_message(&what.into(), "*");
    }
}

/// The chat pane.
#[component]
pub fn App(props: &AppProps) -> Html {
    let config = &props.config;
    let state = use_reducer(State::default);
    let relay: Rc<RefCell<Option<Relay>>> = use_mut_ref(|| None);
    // The detector is built once; the policy is the relay's, tightened by the page.
    let engine = use_memo(
        (state.shop_rules.clone(), config.policy.clone()),
        |(shop, page)| Engine::new(stricter(&shop.policy, page), shop.allow.clone()),
    );

    // Once, when the pane appears: connect to the relay, and keep the keyboard in the pane
    // (Escape closes it, Tab cycles through its controls, and opening it, when the loader
    // focuses the frame, starts at its first control). Both end when the pane goes away: the
    // relay handle closes the socket, the listeners are removed.
    let main_ref = use_element_ref();
    {
        let relay = relay.clone();
        let dispatcher = state.dispatcher();
        let shop = config.shop.clone();
        let expected = config.privacy_version.clone();
        let main_ref = main_ref.clone();
        use_effect_with((), move |()| {
            let window = web_sys::window();
            let url = window
                .as_ref()
                .and_then(|window| net::customer_socket_url(&window.location(), &shop));
            match url {
                Some(url) => {
                    let warned = RefCell::new(None);
                    let on_action = Callback::from(move |action: Action| {
                        if let Action::Received(event) = &action {
                            tell_outside(event, expected.as_deref(), &warned);
                        }
                        dispatcher.dispatch(action);
                    });
                    *relay.borrow_mut() = Some(Relay::connect(url, on_action));
                }
                None => dispatcher.dispatch(Action::LinkLost),
            }
            let listeners = window
                .as_ref()
                .and_then(|window| keep_keyboard(window, &main_ref));
            move || {
                drop(relay.borrow_mut().take());
                drop(listeners);
            }
        });
    }

    // Speak to the relay as the state changes, in one effect that compares with the state it
    // saw last (four effects were four copies of yew's effect machinery):
    // - every time the link opens, say hello (resuming the conversation if there is one);
    // - after each welcome (a resume keeps the same session, and must re-send), finish an
    //   acceptance the dropped link interrupted, and send again, in order, what was never
    //   acknowledged;
    // - tell the operator what the customer has seen: everything shown in the open pane;
    // - once deleted, let go of the link: the relay closes it after telling the pane, and
    //   nothing is resumed or reconnected, so no conversation starts behind the customer's
    //   back.
    {
        let relay = relay.clone();
        let seen = use_mut_ref(|| None::<RelayWatch>);
        // The state this render shows, read only when a frame is due.
        let state = state.clone();
        let now = RelayWatch {
            link: state.link,
            welcomes: state.welcomes,
            read: (
                state.last_seq(),
                state.can_chat() && state.link == Link::Open,
            ),
            standing: state.standing,
        };
        use_effect_with(now, move |now| {
            let before = seen.borrow_mut().replace(*now);
            let changed = |same: fn(&RelayWatch, &RelayWatch) -> bool| {
                before.as_ref().is_none_or(|before| !same(before, now))
            };
            if changed(|a, b| a.link == b.link) && now.link == Link::Open {
                let resume = state.session.as_ref().map(|session| Resume {
                    conversation: session.conversation.clone(),
                    token: session.token.clone(),
                    last_seq: state.last_seq(),
                });
                send(
                    &relay,
                    &CustomerFrame::Hello {
                        v: PROTOCOL_VERSION,
                        resume,
                    },
                );
            }
            if changed(|a, b| a.welcomes == b.welcomes) && now.welcomes > 0 {
                match &state.gate {
                    Gate::Recording(statement) => send(&relay, &consent_frame(statement)),
                    Gate::Accepted(_) => {
                        for pending in state.pending.iter().filter(|p| p.refused.is_none()) {
                            send(
                                &relay,
                                &CustomerFrame::Message {
                                    client_id: pending.client_id.clone(),
                                    text: pending.text.clone(),
                                },
                            );
                        }
                    }
                    _ => {}
                }
            }
            let (seq, shown) = now.read;
            if changed(|a, b| a.read == b.read) && shown && seq > 0 {
                send(&relay, &CustomerFrame::Read { seq });
            }
            if changed(|a, b| a.standing == b.standing) && now.standing == Standing::Deleted {
                drop(relay.borrow_mut().take());
            }
        });
    }

    // Changing screens starts at the new screen's first control.
    {
        let main_ref = main_ref.clone();
        use_effect_with(Screen::of(&state), move |screen| {
            // "Connecting…" and the moment the consent is recorded pass by themselves: the
            // focus waits for the screen that follows instead of landing on the close button.
            if !matches!(screen, Screen::Connecting | Screen::Recording)
                && let Some(main) = main_ref.cast::<Element>()
            {
                focus_start(&main, Refocus::Always);
            }
        });
    }

    // The conversation keeps its newest entry in view, and the deletion question takes the
    // focus on its safe choice, so Enter never deletes by accident.
    let refs = Refs {
        log: use_element_ref(),
        keep: use_element_ref(),
    };
    {
        let log = refs.log.clone();
        use_effect_with(state.entries.len() + state.pending.len(), move |_| {
            if let Some(element) = log.cast::<Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }
    {
        let keep = refs.keep.clone();
        use_effect_with(state.deletion, move |deletion| {
            if *deletion == Deletion::Confirming
                && let Some(button) = keep.cast::<HtmlElement>()
            {
                let _ = button.focus();
            }
        });
    }

    // A click that only reports itself (one closure type for all of them).
    let click = |action: fn() -> Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(action()))
    };
    let on_delete_ask = click(|| Action::DeleteAsked);
    let on_delete_cancel = click(|| Action::DeleteCancelled);
    let on_delete_confirm = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(session) = state.session.clone() else {
                return;
            };
            state.dispatch(Action::DeleteConfirmed);
            let dispatcher = state.dispatcher();
            net::delete_conversation(
                "/api/conversation",
                &session.conversation,
                &session.token,
                Callback::from(move |deleted: bool| {
                    dispatcher.dispatch(if deleted {
                        Action::DeleteSucceeded
                    } else {
                        Action::DeleteFailed
                    });
                }),
            );
        })
    };

    let on_accept = {
        let relay = relay.clone();
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Gate::Pending(statement) = &state.gate {
                send(&relay, &consent_frame(statement));
                state.dispatch(Action::PrivacyAccepted);
            }
        })
    };
    let on_decline = click(|| Action::PrivacyDeclined);
    let on_send = {
        let relay = relay.clone();
        let state = state.clone();
        Callback::from(move |text: String| {
            let client_id = new_client_id();
            send(
                &relay,
                &CustomerFrame::Message {
                    client_id: client_id.clone(),
                    text: text.clone(),
                },
            );
            state.dispatch(Action::MessageQueued { client_id, text });
        })
    };

    let on_files = {
        let state = state.clone();
        let next_id = use_mut_ref(|| 0u32);
        let max_bytes = config.max_upload_bytes;
        Callback::from(move |files: Vec<web_sys::File>| {
            let Some(session) = state.session.clone().filter(|_| state.can_chat()) else {
                return;
            };
            for file in files {
                let id = {
                    let mut next = next_id.borrow_mut();
                    *next += 1;
                    *next
                };
                let dispatcher = state.dispatcher();
                let session = session.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    send_file(id, file, max_bytes, &session, dispatcher).await;
                });
            }
        })
    };
    let on_dragover = Callback::from(|event: DragEvent| event.prevent_default());
    let on_drop = {
        let on_files = on_files.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            let files = event.data_transfer().and_then(|data| data.files());
            on_files.emit(file_list(files));
        })
    };
    let on_dismiss = {
        let state = state.clone();
        Callback::from(move |id: u32| state.dispatch(Action::UploadDismissed { id }))
    };
    let on_typing = {
        let relay = relay.clone();
        Callback::from(move |active: bool| send(&relay, &CustomerFrame::Typing { active }))
    };
    let style = config
        .color
        .as_ref()
        .map(|color| format!("--cw-accent: {color};"));
    let operator = config.operator_card(&state.operator);
    html! {
        <main ref={main_ref} class="cw-pane" data-theme={config.theme.name()} aria-label={config.title.clone()} {style} ondragover={on_dragover} ondrop={on_drop}>
            { header(&props.texts, &config.title, &operator, &config.social) }
            { link_banner(&props.texts, state.link) }
            if let Some(error) = &state.error {
                <p class="cw-error" role="alert">{ error }</p>
            }
            <div class="cw-content">
                { body(&props.texts, &state, config, &operator, &engine, &refs, Callbacks {
                    on_accept, on_decline, on_send, on_typing, on_files, on_dismiss,
                    on_delete_ask, on_delete_cancel, on_delete_confirm,
                }) }
            </div>
        </main>
    }
}

/// What the pane tells the relay depends on, as the effect that tells it last saw it.
#[derive(Clone, Copy, PartialEq)]
struct RelayWatch {
    link: Link,
    welcomes: u32,
    /// The newest entry's sequence number, and whether the customer sees it.
    read: (u64, bool),
    standing: Standing,
}

/// Elements the pane's effects reach.
struct Refs {
    /// The conversation's list, kept scrolled to its newest entry.
    log: NodeRef,
    /// The deletion question's safe choice, focused when it is asked.
    keep: NodeRef,
}

/// What the pane's parts report back up.
struct Callbacks {
    on_accept: Callback<MouseEvent>,
    on_decline: Callback<MouseEvent>,
    on_send: Callback<String>,
    on_typing: Callback<bool>,
    on_files: Callback<Vec<web_sys::File>>,
    on_dismiss: Callback<u32>,
    on_delete_ask: Callback<MouseEvent>,
    on_delete_cancel: Callback<MouseEvent>,
    on_delete_confirm: Callback<MouseEvent>,
}

/// A reference to an element, kept across renders. yew's `use_node_ref` keeps it in a
/// `use_state`, whose reducer machinery is compiled once more for each type it holds; a memo
/// holds it just as well for a fraction of the code (docs/size.md).
#[hook]
fn use_element_ref() -> NodeRef {
    (*use_memo((), |()| NodeRef::default())).clone()
}

/// What the outside hears of an event from the relay, before the pane applies it: the page
/// (for the shop's `Chatward.on`) that the consent was recorded or the operator answered,
/// and the shop's developer that the relay serves another statement version than the page
/// expects (`data-privacy-version`; the relay's is the one shown and recorded), once per
/// version: `warned` is the version last warned about.
fn tell_outside(event: &CustomerEvent, expected: Option<&str>, warned: &RefCell<Option<String>>) {
    match event {
        CustomerEvent::ConsentRecorded { .. } => tell_page("chatward:consent"),
        CustomerEvent::Entry { entry } if entry.author == Author::Operator => {
            tell_page("chatward:message");
        }
        CustomerEvent::Welcome { statement, .. } => {
            let served = statement.version.as_str();
            let Some(expected) = expected.filter(|expected| *expected != served) else {
                return;
            };
            if warned.borrow().as_deref() == Some(served) {
                return;
            }
            web_sys::console::warn_1(
                &format!(
                    "Chatward: data-privacy-version is \"{expected}\" but the relay's statement \
                     is \"{served}\"; the relay's statement is shown and recorded."
                )
                .into(),
            );
            *warned.borrow_mut() = Some(served.to_owned());
        }
        _ => {}
    }
}

/// The pane's keyboard listeners: Escape asks to close it, Tab cycles through its controls
/// in `main`, and the frame getting the focus puts it on the first control.
fn keep_keyboard(
    window: &web_sys::Window,
    main_ref: &NodeRef,
) -> Option<(gloo::events::EventListener, gloo::events::EventListener)> {
    let document = window.document()?;
    let on_key = {
        let main_ref = main_ref.clone();
        gloo::events::EventListener::new(&document, "keydown", move |event| {
            let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            match event.key().as_str() {
                "Escape" => ask_to_close(),
                "Tab" => {
                    if let Some(main) = main_ref.cast::<Element>() {
                        keep_focus_within(&main, event);
                    }
                }
                _ => {}
            }
        })
    };
    let main_ref = main_ref.clone();
    let on_focus = gloo::events::EventListener::new(window, "focus", move |_| {
        if let Some(main) = main_ref.cast::<Element>() {
            focus_start(&main, Refocus::IfOnNothing);
        }
    });
    Some((on_key, on_focus))
}

/// What the keyboard can reach; the pane sets no positive `tabindex`, so this is tab order.
const FOCUSABLE: &str = "a[href], button:not([disabled]), textarea:not([disabled]), \
    input:not([disabled]):not([tabindex='-1']), summary, [tabindex='0']";

/// The controls in `root` a person can reach now (not inside a closed `details` or hidden).
fn focusable(root: &Element, selector: &str) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.item(index)?.dyn_into::<HtmlElement>().ok())
        .filter(|element| element.offset_width() > 0 || element.offset_height() > 0)
        .collect()
}

fn active_element() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// Tab from the last control goes to the first and Shift+Tab from the first to the last, so
/// the focus stays in the open pane instead of wandering off to the shop page behind it.
fn keep_focus_within(root: &Element, event: &web_sys::KeyboardEvent) {
    let controls = focusable(root, FOCUSABLE);
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = active_element();
    let at = controls
        .iter()
        .position(|control| active.as_ref() == Some(control.unchecked_ref::<Element>()));
    let target = match (event.shift_key(), at) {
        (false, None) => Some(first),
        (false, Some(at)) if at + 1 == controls.len() => Some(first),
        (true, None | Some(0)) => Some(last),
        _ => None,
    };
    if let Some(target) = target {
        event.prevent_default();
        let _ = target.focus();
    }
}

/// What the pane shows as a whole; a new screen puts the focus on its first control.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Screen {
    Connecting,
    Gate,
    Declined,
    Recording,
    Chat,
    Deleted,
}

impl Screen {
    fn of(state: &State) -> Self {
        if state.standing == Standing::Deleted {
            return Self::Deleted;
        }
        match state.gate {
            Gate::Loading => Self::Connecting,
            Gate::Pending(_) => Self::Gate,
            Gate::Declined => Self::Declined,
            Gate::Recording(_) => Self::Recording,
            Gate::Accepted(_) => Self::Chat,
        }
    }
}

/// Whether moving the focus may take it off the control the customer is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refocus {
    /// A new screen: what had the focus is gone or no longer the point.
    Always,
    /// The pane was opened again: the customer's place is kept if they had one.
    IfOnNothing,
}

/// Puts the focus on the screen's first control (the message box when chatting). Does
/// nothing while the pane is not the focused frame, so a hidden pane never steals the focus
/// from the shop page.
fn focus_start(root: &Element, refocus: Refocus) {
    let has_focus = root
        .owner_document()
        .is_some_and(|document| document.has_focus().unwrap_or(false));
    if !has_focus {
        return;
    }
    let on_control = active_element()
        .is_some_and(|active| root.contains(Some(&active)) && !root.is_same_node(Some(&active)));
    if on_control && refocus == Refocus::IfOnNothing {
        return;
    }
    let target = focusable(root, "#cw-draft:not([disabled])")
        .into_iter()
        .chain(focusable(
            root,
            ".cw-content a[href], .cw-content button:not([disabled])",
        ))
        .chain(focusable(root, FOCUSABLE))
        .next();
    if let Some(target) = target {
        let _ = target.focus();
    }
}

fn body(
    texts: &Rc<Texts>,
    state: &State,
    config: &PaneConfig,
    operator: &OperatorProfile,
    engine: &Engine,
    refs: &Refs,
    callbacks: Callbacks,
) -> Html {
    if state.standing == Standing::Deleted {
        return deleted(texts);
    }
    match &state.gate {
        Gate::Loading => connecting(texts),
        Gate::Pending(statement) => {
            let mut statement = statement.clone();
            if statement.url.is_none() {
                statement.url.clone_from(&config.privacy_url);
            }
            let Callbacks {
                on_accept,
                on_decline,
                ..
            } = callbacks;
            privacy_gate(texts, &statement, on_accept, on_decline)
        }
        Gate::Declined => declined(texts, operator.email.as_deref()),
        Gate::Recording(_) | Gate::Accepted(_) => html! {
            <>
                if let Some(session) = &state.session {
                    { chat_tools(texts, session, state.deletion, &refs.keep, &callbacks) }
                }
                if state.standing == Standing::Closed {
                    { shop_closed(texts) }
                }
                { conversation(texts, state, config.greeting.as_deref(), &operator.name, &refs.log) }
                { uploads(texts, &state.uploads, &callbacks.on_dismiss) }
                <Composer
                    texts={texts.clone()}
                    enabled={state.can_chat()}
                    engine={engine.clone()}
                    on_send={callbacks.on_send}
                    on_typing={callbacks.on_typing}
                    on_files={callbacks.on_files}
                />
            </>
        },
    }
}

fn consent_frame(statement: &Statement) -> CustomerFrame {
    CustomerFrame::Consent {
        statement_version: statement.version.clone(),
        statement_hash: statement.hash.clone(),
        widget_version: WIDGET_VERSION.into(),
    }
}

fn send(relay: &Rc<RefCell<Option<Relay>>>, frame: &CustomerFrame) {
    if let Some(relay) = relay.borrow().as_ref() {
        // Not sent now means sent after the next welcome: the message stays pending.
        relay.send(frame);
    }
}

/// A message id unique within the conversation, so a re-sent message is stored once.
fn new_client_id() -> String {
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}

/// The pane's title, the operator's card and the close button.
fn header(texts: &Texts, title: &str, operator: &OperatorProfile, social: &[String]) -> Html {
    let on_close = Callback::from(|_: MouseEvent| ask_to_close());
    html! {
        <header class="cw-header">
            if let Some(photo) = &operator.photo {
                <img class="cw-photo" src={photo.clone()} alt="" width="40" height="40" />
            }
            <div class="cw-heading">
                <h1>{ title }</h1>
                if !operator.name.is_empty() {
                    <p class="cw-operator">
                        { operator.name.clone() }
                        if let Some(email) = &operator.email {
                            { " · " }<a href={format!("mailto:{email}")}>{ email }</a>
                        }
                    </p>
                }
                if !social.is_empty() {
                    <ul class="cw-social" aria-label={texts.get("social").to_owned()}>
                        { for social.iter().map(|url| html! {
                            <li><a href={url.clone()} target="_blank" rel="noopener noreferrer">{ host_of(url) }</a></li>
                        }) }
                    </ul>
                }
            </div>
            <button class="cw-close" type="button" aria-label={texts.get("close").to_owned()} onclick={on_close}>{ "×" }</button>
        </header>
    }
}

/// `https://social.example/shop` -> `social.example`: a short, honest link label.
fn host_of(url: &str) -> String {
    let rest = url.split_once(':').map_or(url, |(_, rest)| rest);
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let host = rest.split('/').next().unwrap_or(rest);
    host.strip_prefix("www.").unwrap_or(host).to_owned()
}

fn connecting(texts: &Texts) -> Html {
    html! { <p class="cw-status" role="status">{ texts.get("connecting") }</p> }
}

fn declined(texts: &Texts, email: Option<&str>) -> Html {
    html! {
        <div class="cw-declined" role="status">
            <p>{ texts.get("declined.body") }</p>
            if let Some(email) = email {
                <p>{ sentence_with_link(texts, "declined.email", "email", email, &format!("mailto:{email}")) }</p>
            }
        </div>
    }
}

/// The notice after the conversation was deleted; nothing of it is left in the pane.
fn deleted(texts: &Texts) -> Html {
    html! {
        <div class="cw-declined" role="status">
            <p>{ texts.get("deleted") }</p>
        </div>
    }
}

/// The banner while the shop has closed the chat; writing again reopens it.
fn shop_closed(texts: &Texts) -> Html {
    html! { <p class="cw-banner" role="status">{ texts.get("closed") }</p> }
}

/// The customer's own controls over the conversation: download its transcript, delete it.
/// `keep` is the confirmation's safe choice, which the pane focuses (see [`App`]).
fn chat_tools(
    texts: &Texts,
    session: &Session,
    deletion: Deletion,
    keep: &NodeRef,
    callbacks: &Callbacks,
) -> Html {
    // Plain same-origin links: the pane is served by the relay, so `download` works inside
    // the shop's cross-origin iframe without fetching the file into memory first.
    let query = format!(
        "conversation={}&token={}",
        js_sys::encode_uri_component(&session.conversation),
        js_sys::encode_uri_component(&session.token),
    );
    let delete = match deletion {
        Deletion::Idle | Deletion::Failed => html! {
            <button type="button" class="cw-quiet" onclick={callbacks.on_delete_ask.clone()}>{ texts.get("delete") }</button>
        },
        Deletion::Confirming => html! {
            <div class="cw-confirm-delete" role="group" aria-labelledby="cw-delete-question">
                <p id="cw-delete-question">{ texts.get("delete.confirm") }</p>
                <div class="cw-actions">
                    <button type="button" class="cw-danger" onclick={callbacks.on_delete_confirm.clone()}>{ texts.get("delete.yes") }</button>
                    <button type="button" ref={keep.clone()} onclick={callbacks.on_delete_cancel.clone()}>{ texts.get("delete.no") }</button>
                </div>
            </div>
        },
        Deletion::Deleting => html! { <p role="status">{ texts.get("delete.deleting") }</p> },
    };
    html! {
        <section class="cw-tools" aria-label={texts.get("tools").to_owned()}>
            <details class="cw-transcript">
                <summary>{ texts.get("transcript") }</summary>
                <a href={format!("/api/transcript?format=html&{query}")} download="">{ texts.get("transcript.html") }</a>
                <a href={format!("/api/transcript?format=text&{query}")} download="">{ texts.get("transcript.text") }</a>
            </details>
            { delete }
            if deletion == Deletion::Failed {
                <p class="cw-reason" role="alert">{ texts.get("delete.failed") }</p>
            }
        </section>
    }
}

/// A translated sentence with one placeholder shown as a link.
fn sentence_with_link(texts: &Texts, key: &str, name: &str, label: &str, href: &str) -> Html {
    let (before, after) = texts.around(key, name);
    html! { <>{ before.to_owned() }<a href={href.to_owned()}>{ label.to_owned() }</a>{ after.to_owned() }</> }
}

fn link_banner(texts: &Texts, link: Link) -> Html {
    match link {
        Link::Lost => html! {
            <p class="cw-banner" role="status">{ texts.get("link.lost") }</p>
        },
        Link::Connecting | Link::Open => html! {},
    }
}

/// The shop's privacy statement with Accept and Decline: nothing can be written before Accept.
fn privacy_gate(
    texts: &Texts,
    statement: &Statement,
    on_accept: Callback<MouseEvent>,
    on_decline: Callback<MouseEvent>,
) -> Html {
    html! {
        <section class="cw-gate" aria-labelledby="cw-gate-title">
            <h2 id="cw-gate-title">{ texts.get("gate.title") }</h2>
            <p class="cw-statement" dir="auto">{ statement.text.clone() }</p>
            if let Some(url) = &statement.url {
                <p><a href={url.clone()} target="_blank" rel="noopener noreferrer">{ texts.get("gate.full") }</a></p>
            }
            <p class="cw-version">{ texts.fill("gate.version", &[("version", &statement.version)]) }</p>
            <div class="cw-actions">
                <button type="button" class="cw-primary" onclick={on_accept}>{ texts.get("gate.accept") }</button>
                <button type="button" onclick={on_decline}>{ texts.get("gate.decline") }</button>
            </div>
        </section>
    }
}

/// The conversation: the greeting, every entry with its marks, the messages not yet
/// acknowledged, and whether the operator is typing. `log` is the list the pane keeps
/// scrolled to its newest entry (see [`App`]).
fn conversation(
    texts: &Texts,
    state: &State,
    greeting: Option<&str>,
    operator_name: &str,
    log: &NodeRef,
) -> Html {
    // The last customer entry carries the delivered or read mark.
    let last_customer = state
        .entries
        .iter()
        .rev()
        .find(|e| e.author == Author::Customer)
        .map(|e| e.seq);
    let name = if operator_name.is_empty() {
        texts.get("the_shop")
    } else {
        operator_name
    };
    let token = state.session.as_ref().map(|session| session.token.as_str());
    html! {
        <>
            <div class="cw-log" role="log" aria-label={texts.get("conversation").to_owned()} ref={log.clone()}><ol class="cw-entries">
                if let Some(greeting) = greeting {
                    <li class="cw-entry cw-from-operator" dir="auto">{ greeting }</li>
                }
                { for state.entries.iter().map(|entry| {
                    let mark = (Some(entry.seq) == last_customer).then(|| {
                        if entry.seq <= state.operator_read { texts.get("read") } else { texts.get("delivered") }
                    });
                    entry_view(entry, mark, token, texts)
                }) }
                { for state.pending.iter().map(|pending| pending_view(pending, texts)) }
            </ol></div>
            if state.operator_typing {
                <p class="cw-typing" role="status">{ texts.fill("typing", &[("name", name)]) }</p>
            }
        </>
    }
}

fn entry_view(entry: &Entry, mark: Option<&str>, token: Option<&str>, texts: &Texts) -> Html {
    let class = match entry.author {
        Author::Customer => "cw-entry cw-from-customer",
        Author::Operator => "cw-entry cw-from-operator",
        Author::System => "cw-entry cw-from-system",
    };
    html! {
        <li key={entry.seq.to_string()} {class}>
            if let (Some(attachment), Some(token)) = (&entry.attachment, token) {
                <img
                    class="cw-picture"
                    src={format!("/api/attachments/{}?token={token}", attachment.id)}
                    alt={texts.get("upload.in_chat").to_owned()}
                    width={attachment.width.to_string()}
                    height={attachment.height.to_string()}
                />
            }
            if !entry.text.is_empty() {
                <span dir="auto">{ entry.text.clone() }</span>
            }
            if let Some(mark) = mark {
                <span class="cw-mark">{ mark.to_owned() }</span>
            }
        </li>
    }
}

fn pending_view(pending: &Pending, texts: &Texts) -> Html {
    let (class, note) = match &pending.refused {
        None => (
            "cw-entry cw-from-customer cw-pending",
            html! { <span class="cw-mark">{ texts.get("sending") }</span> },
        ),
        Some(reason) => (
            "cw-entry cw-from-customer cw-refused",
            html! {
                <span class="cw-reason" role="alert">{ texts.fill("not_sent", &[("reason", reason)]) }</span>
            },
        ),
    };
    html! {
        <li key={pending.client_id.clone()} {class}>
            <span dir="auto">{ pending.text.clone() }</span>
            { note }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ComposerProps {
    texts: Rc<Texts>,
    enabled: bool,
    /// Judges each draft against the shop's policy.
    engine: Engine,
    /// Called with the text to send: already masked where the policy says so.
    on_send: Callback<String>,
    /// Typing started (`true`) or stopped (`false`).
    on_typing: Callback<bool>,
    /// Files chosen with the picker or pasted.
    on_files: Callback<Vec<web_sys::File>>,
}

/// How long after the last keystroke the operator stops seeing "typing…".
const TYPING_IDLE_MS: u32 = 3_000;
/// How long the customer pauses before the privacy check is announced to screen readers.
const ANNOUNCE_AFTER_MS: u32 = 600;

#[component]
fn Composer(props: &ComposerProps) -> Html {
    let texts = &props.texts;
    let draft = use_state(String::new);
    // The draft the customer confirmed to send despite a warning; editing it asks again.
    // Empty when nothing is confirmed: an empty draft is never sent anyway.
    let confirmed_for = use_state(String::new);
    // The draft as it stood at the last pause: what the live region announces.
    let settled = use_state(String::new);
    // While the timer runs the operator sees "typing…"; it ends the indicator when it fires.
    let typing: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let pause: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);

    // Derived, never stored: the check follows the draft on every render.
    let check = use_memo(
        ((*draft).clone(), props.engine.clone()),
        |(draft, engine)| engine.check(draft),
    );
    let announced = use_memo(
        ((*settled).clone(), props.engine.clone()),
        |(draft, engine)| engine.check(draft),
    );
    let confirmed = !draft.is_empty() && *confirmed_for == *draft;

    let on_input = {
        let draft = draft.clone();
        let settled = settled.clone();
        let typing = typing.clone();
        let on_typing = props.on_typing.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            let value = area.value();
            draft.set(value.clone());
            let settled = settled.clone();
            *pause.borrow_mut() = Some(Timeout::new(ANNOUNCE_AFTER_MS, move || settled.set(value)));
            if typing.borrow().is_none() {
                on_typing.emit(true);
            }
            let on_typing = on_typing.clone();
            let typing_done = typing.clone();
            *typing.borrow_mut() = Some(Timeout::new(TYPING_IDLE_MS, move || {
                typing_done.borrow_mut().take();
                on_typing.emit(false);
            }));
        })
    };
    let submit = {
        let draft = draft.clone();
        let settled = settled.clone();
        let engine = props.engine.clone();
        let on_send = props.on_send.clone();
        let on_typing = props.on_typing.clone();
        move || {
            let text = draft.trim();
            // Judged again at the moment of sending, on exactly what is in the box.
            let check = engine.check(text);
            if text.is_empty() || !check.may_send(confirmed) {
                return;
            }
            if typing.borrow_mut().take().is_some() {
                on_typing.emit(false);
            }
            on_send.emit(check.outgoing);
            draft.set(String::new());
            settled.set(String::new());
        }
    };
    let on_submit = {
        let submit = submit.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            submit();
        })
    };
    let on_keydown = Callback::from(move |event: KeyboardEvent| {
        // Enter sends, Shift+Enter starts a new line.
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            submit();
        }
    });
    let on_confirm = {
        let draft = draft.clone();
        let confirmed_for = confirmed_for.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            confirmed_for.set(if input.checked() {
                (*draft).clone()
            } else {
                String::new()
            });
        })
    };
    let picker = use_element_ref();
    let on_attach = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_picked = {
        let on_files = props.on_files.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            on_files.emit(file_list(input.files()));
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let on_paste = {
        let on_files = props.on_files.clone();
        Callback::from(move |event: Event| {
            let files = event
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|event| event.clipboard_data())
                .and_then(|data| data.files());
            let files = file_list(files);
            if !files.is_empty() {
                event.prevent_default();
                on_files.emit(files);
            }
        })
    };
    let can_send = props.enabled && !draft.trim().is_empty() && check.may_send(confirmed);
    let has_notes = check
        .categories()
        .iter()
        .any(|(_, action)| *action > PolicyAction::Allow);
    html! {
        <form class="cw-composer" onsubmit={on_submit}>
            if has_notes {
                { privacy_notes(texts, &draft, &check, confirmed, on_confirm) }
            }
            <p class="cw-visually-hidden" role="status">{ summary(texts, &announced) }</p>
            <div class="cw-compose-row">
                <label for="cw-draft" class="cw-visually-hidden">{ texts.get("message") }</label>
                <textarea
                    id="cw-draft"
                    rows="2"
                    dir="auto"
                    placeholder={texts.get("placeholder").to_owned()}
                    value={(*draft).clone()}
                    disabled={!props.enabled}
                    aria-describedby={has_notes.then_some("cw-privacy")}
                    oninput={on_input}
                    onkeydown={on_keydown}
                    onpaste={on_paste}
                />
                <input
                    ref={picker}
                    type="file"
                    class="cw-visually-hidden"
                    tabindex="-1"
                    aria-hidden="true"
                    accept="image/png,image/jpeg,image/gif,image/webp"
                    multiple=true
                    onchange={on_picked}
                />
                <button type="button" class="cw-attach" aria-label={texts.get("attach").to_owned()} disabled={!props.enabled} onclick={on_attach}>
                    { "+" }
                </button>
                <button
                    type="submit"
                    class="cw-primary"
                    disabled={!can_send}
                    aria-describedby={has_notes.then_some("cw-privacy")}
                >
                    { texts.get("send") }
                </button>
            </div>
        </form>
    }
}

/// One sentence for screen readers about the draft as it stood at the last pause.
fn summary(texts: &Texts, check: &Check) -> String {
    let mut sentence = String::new();
    for (category, action) in check.categories() {
        if action > PolicyAction::Allow {
            for words in [
                texts.get(category_key(category)),
                texts.get(action_key(action)),
            ] {
                if !sentence.is_empty() {
                    sentence.push(' ');
                }
                sentence.push_str(words);
            }
        }
    }
    sentence
}

fn category_key(category: Category) -> &'static str {
    match category {
        Category::Email => "found.EMAIL",
        Category::Phone => "found.PHONE",
        Category::CreditCard => "found.CREDIT_CARD",
        Category::CardCvv => "found.CARD_CVV",
        Category::CardExpiry => "found.CARD_EXPIRY",
        Category::Iban => "found.IBAN",
        Category::UsSsn => "found.US_SSN",
        Category::NationalId => "found.NATIONAL_ID",
        Category::Passport => "found.PASSPORT",
        Category::IpAddress => "found.IP_ADDRESS",
        Category::DateOfBirth => "found.DATE_OF_BIRTH",
        Category::StreetAddress => "found.STREET_ADDRESS",
        Category::Password => "found.PASSWORD",
        Category::PersonName => "found.PERSON_NAME",
        Category::Age => "found.AGE",
    }
}

fn action_key(action: PolicyAction) -> &'static str {
    match action {
        // Allowed findings get no note.
        PolicyAction::Allow => "",
        PolicyAction::Warn => "action.warn",
        PolicyAction::Mask => "action.mask",
        PolicyAction::Block => "action.block",
    }
}

/// The found data highlighted and explained in plain words, with what the policy does.
fn privacy_notes(
    texts: &Texts,
    draft: &str,
    check: &Check,
    confirmed: bool,
    on_confirm: Callback<Event>,
) -> Html {
    let notes = check
        .categories()
        .into_iter()
        .filter(|(_, action)| *action > PolicyAction::Allow);
    html! {
        <div class="cw-privacy" id="cw-privacy" aria-label={texts.get("privacy").to_owned()} role="region">
            <p class="cw-highlight" aria-hidden="true" dir="auto">{ highlighted(draft, check) }</p>
            <ul>
                { for notes.map(|(category, action)| html! {
                    <li class="cw-note" data-action={action.as_str()}>
                        <strong>{ texts.get(category_key(category)) }</strong>{ " " }{ texts.get(action_key(action)) }
                    </li>
                }) }
            </ul>
            if check.verdict.action == PolicyAction::Mask || (check.is_masked() && check.verdict.action == PolicyAction::Warn) {
                <p class="cw-outgoing">{ texts.get("will_send") }{ " " }<q dir="auto">{ check.outgoing.clone() }</q></p>
            }
            if check.verdict.action == PolicyAction::Warn {
                <label class="cw-confirm">
                    <input type="checkbox" checked={confirmed} onchange={on_confirm} />
                    { " " }{ texts.get("confirm") }
                </label>
            }
        </div>
    }
}

/// The draft with every finding the policy acts on marked.
fn highlighted(draft: &str, check: &Check) -> Html {
    let mut parts = Vec::new();
    let mut at = 0;
    for judged in check
        .verdict
        .findings
        .iter()
        .filter(|j| j.action > PolicyAction::Allow)
    {
        let range = judged.finding.range.clone();
        if range.start < at || draft.get(range.clone()).is_none() {
            continue;
        }
        parts.push(html! { { draft[at..range.start].to_owned() } });
        parts.push(html! { <mark>{ draft[range.clone()].to_owned() }</mark> });
        at = range.end;
    }
    parts.push(html! { { draft[at..].to_owned() } });
    parts.into_iter().collect()
}

/// The files of a file list, in order.
fn file_list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(files) = files else {
        return Vec::new();
    };
    (0..files.length())
        .filter_map(|index| files.item(index))
        .collect()
}

/// Judges a file in the browser, and sends its cleaned copy when it is a genuine picture.
/// Nothing of a refused file leaves the browser, nor of a file the guard could not judge
/// because it could not be loaded (`crate::guard`).
async fn send_file(
    id: u32,
    file: web_sys::File,
    max_bytes: u64,
    session: &crate::state::Session,
    dispatcher: UseReducerDispatcher<State>,
) {
    use crate::guard::{self, Checked};
    use chatward_core::RefusalReason;

    let name = file.name();
    let refuse = |reason: RefusalReason| {
        dispatcher.dispatch(Action::FileRefused {
            id,
            name: name.clone(),
            reason,
        });
    };
    // A huge file is refused before it is read into memory.
    if file.size() > max_bytes as f64 {
        refuse(RefusalReason::TooLarge);
        return;
    }
    // Shown at once: reading the file and, for the first picture, loading the guard take a
    // moment on a slow connection.
    dispatcher.dispatch(Action::FileChosen {
        id,
        name: name.clone(),
    });
    let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else {
        refuse(RefusalReason::Empty);
        return;
    };
    let clean = match guard::check(&js_sys::Uint8Array::new(&buffer), max_bytes).await {
        Ok(Checked::Clean(clean)) => clean,
        Ok(Checked::Refused(reason)) => {
            refuse(reason);
            return;
        }
        Err(guard::Unavailable) => {
            dispatcher.dispatch(Action::FileUnchecked {
                id,
                name: name.clone(),
            });
            return;
        }
    };
    let removed = Removed {
        location: clean.removed.gps,
        details: clean.removed.metadata,
        hidden_data: clean.removed.trailing_data || clean.removed.hidden_payload,
    };
    let thumbnail = object_url(&clean.bytes, &clean.mime_type).unwrap_or_default();
    dispatcher.dispatch(Action::FileAccepted {
        id,
        name: name.clone(),
        thumbnail,
        removed,
    });
    // The pane is served by the relay, so its upload endpoint is a path on the same origin.
    let target = net::UploadTarget {
        url: "/api/upload".into(),
        conversation: session.conversation.clone(),
        token: session.token.clone(),
        client_id: new_client_id(),
    };
    let on_progress = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |percent| dispatcher.dispatch(Action::UploadProgressed { id, percent }))
    };
    let on_done = Callback::from(move |result: Result<(), Option<String>>| match result {
        Ok(()) => dispatcher.dispatch(Action::UploadFinished { id }),
        Err(reason) => dispatcher.dispatch(Action::UploadFailed {
            id,
            reason: reason.unwrap_or_default(),
        }),
    });
    net::upload(
        &target,
        &clean.bytes,
        &clean.mime_type,
        on_progress,
        on_done,
    );
}

/// A `blob:` URL showing `bytes` (the cleaned copy: the thumbnail is what is sent).
fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The pictures chosen in this pane: refused ones with the reason, the others with their
/// thumbnail, progress and what was removed.
fn uploads(texts: &Texts, uploads: &[Upload], on_dismiss: &Callback<u32>) -> Html {
    if uploads.is_empty() {
        return html! {};
    }
    let item = |upload: &Upload| {
        let alt = || texts.fill("upload.picture", &[("name", &upload.name)]);
        // Refused, unchecked or failed: nothing (more) was sent; the customer is told why
        // and may dismiss the note.
        let not_sent = |thumbnail: Option<&String>, why: String| {
            let dismiss = {
                let on_dismiss = on_dismiss.clone();
                let id = upload.id;
                Callback::from(move |_: MouseEvent| on_dismiss.emit(id))
            };
            html! {
                <li key={upload.id} class="cw-upload cw-upload-refused">
                    if let Some(thumbnail) = thumbnail {
                        <img src={thumbnail.clone()} alt={alt()} />
                    }
                    <p role="alert">{ texts.fill("upload.refused", &[("name", &upload.name)]) }{ " " }{ why }</p>
                    <button type="button" class="cw-dismiss" onclick={dismiss}
                        aria-label={texts.fill("upload.dismiss", &[("name", &upload.name)])}>{ "×" }</button>
                </li>
            }
        };
        match &upload.stage {
            UploadStage::Checking => html! {
                <li key={upload.id} class="cw-upload">
                    <p role="status">{ texts.fill("upload.checking", &[("name", &upload.name)]) }</p>
                </li>
            },
            UploadStage::Refused { reason } => not_sent(None, i18n::refusal(texts, *reason)),
            UploadStage::Unchecked => not_sent(None, texts.get("upload.unchecked").to_owned()),
            UploadStage::Sending {
                percent, thumbnail, ..
            } => html! {
                <li key={upload.id} class="cw-upload">
                    <img src={thumbnail.clone()} alt={alt()} />
                    <label>
                        { texts.get("upload.sending") }
                        <progress max="100" value={percent.to_string()} />
                    </label>
                </li>
            },
            UploadStage::Sent { thumbnail, removed } => html! {
                <li key={upload.id} class="cw-upload">
                    <img src={thumbnail.clone()} alt={alt()} />
                    <p role="status">{ texts.get("upload.sent") }{ removed_note(texts, *removed) }</p>
                </li>
            },
            UploadStage::Failed { thumbnail, reason } => {
                let why = if reason.is_empty() {
                    texts.get("upload.failed").to_owned()
                } else {
                    reason.clone()
                };
                not_sent(Some(thumbnail), why)
            }
        }
    };
    html! {
        <ul class="cw-uploads" aria-label={texts.get("upload.list").to_owned()}>
            { for uploads.iter().map(item) }
        </ul>
    }
}

/// " Location removed." and the like, for what cleaning took out.
fn removed_note(texts: &Texts, removed: Removed) -> String {
    let mut note = String::new();
    for (is_removed, key) in [
        (removed.location, "upload.removed_location"),
        (removed.details, "upload.removed_details"),
        (removed.hidden_data, "upload.removed_hidden"),
    ] {
        if is_removed {
            note.push(' ');
            note.push_str(texts.get(key));
        }
    }
    note
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn a_social_link_is_labelled_with_its_host() {
        assert_eq!(host_of("https://www.social.example/shop"), "social.example");
        assert_eq!(host_of("https://social.example"), "social.example");
        assert_eq!(
            host_of("https://shop.example:8443/a/b"),
            "shop.example:8443"
        );
        assert_eq!(host_of("https://www2.example/x"), "www2.example");
    }
}
