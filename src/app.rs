//! The pane's components: the privacy gate, the conversation, the composer. Data flows down
//! as props, events flow up as callbacks; the one state lives in [`crate::state`].

use std::cell::RefCell;
use std::rc::Rc;

use chatward_core::protocol::{
    Author, CustomerFrame, Entry, OperatorProfile, PROTOCOL_VERSION, Resume, Statement,
};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::config::PaneConfig;
use crate::net::{self, Relay};
use crate::state::{Action, Gate, Link, Pending, State};

/// The version recorded with every consent.
const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: PaneConfig,
}

/// The chat pane.
#[component]
pub fn App(props: &AppProps) -> Html {
    let config = &props.config;
    let state = use_reducer(State::default);
    let relay: Rc<RefCell<Option<Relay>>> = use_mut_ref(|| None);

    // Connect once; the relay handle closes the socket when the pane goes away.
    {
        let relay = relay.clone();
        let dispatcher = state.dispatcher();
        let shop = config.shop.clone();
        use_effect_with((), move |()| {
            let url = web_sys::window()
                .and_then(|window| net::customer_socket_url(&window.location(), &shop));
            match url {
                Some(url) => {
                    let on_action = Callback::from(move |action| dispatcher.dispatch(action));
                    *relay.borrow_mut() = Some(Relay::connect(url, on_action));
                }
                None => dispatcher.dispatch(Action::LinkLost),
            }
            move || drop(relay.borrow_mut().take())
        });
    }

    // Every time the link opens, say hello (resuming the conversation if there is one).
    {
        let relay = relay.clone();
        let resume = state.session.as_ref().map(|session| Resume {
            conversation: session.conversation.clone(),
            token: session.token.clone(),
            last_seq: state.last_seq(),
        });
        use_effect_with(state.link, move |link| {
            if *link == Link::Open {
                send(
                    &relay,
                    &CustomerFrame::Hello {
                        v: PROTOCOL_VERSION,
                        resume,
                    },
                );
            }
        });
    }

    // After each welcome: finish an acceptance the dropped link interrupted, and send again,
    // in order, what was never acknowledged.
    {
        let relay = relay.clone();
        let gate = state.gate.clone();
        let unsent: Vec<Pending> = state
            .pending
            .iter()
            .filter(|p| p.refused.is_none())
            .cloned()
            .collect();
        use_effect_with(state.session.clone(), move |session| {
            if session.is_some() {
                match gate {
                    Gate::Recording(statement) => send(&relay, &consent_frame(&statement)),
                    Gate::Accepted(_) => {
                        for pending in unsent {
                            send(
                                &relay,
                                &CustomerFrame::Message {
                                    client_id: pending.client_id,
                                    text: pending.text,
                                },
                            );
                        }
                    }
                    _ => {}
                }
            }
        });
    }

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
    let on_decline = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::PrivacyDeclined))
    };
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

    let style = config
        .color
        .as_ref()
        .map(|color| format!("--cw-accent: {color};"));
    html! {
        <section class="cw-pane" aria-label={config.title.clone()} {style}>
            <Header title={config.title.clone()} operator={state.operator.clone()} />
            <LinkBanner link={state.link} />
            if let Some(error) = &state.error {
                <p class="cw-error" role="alert">{ error }</p>
            }
            { body(&state, config, on_accept, on_decline, on_send) }
        </section>
    }
}

fn body(
    state: &State,
    config: &PaneConfig,
    on_accept: Callback<MouseEvent>,
    on_decline: Callback<MouseEvent>,
    on_send: Callback<String>,
) -> Html {
    match &state.gate {
        Gate::Loading => html! { <p class="cw-status" role="status">{ "Connecting…" }</p> },
        Gate::Pending(statement) => html! {
            <PrivacyGate statement={statement.clone()} {on_accept} {on_decline} />
        },
        Gate::Declined => html! {
            <div class="cw-declined" role="status">
                <p>{ "No problem: nothing was sent and the chat stays closed." }</p>
                if let Some(email) = &state.operator.email {
                    <p>{ "You can also write to us at " }<a href={format!("mailto:{email}")}>{ email }</a>{ "." }</p>
                }
            </div>
        },
        Gate::Recording(_) | Gate::Accepted(_) => html! {
            <>
                <Conversation
                    entries={state.entries.clone()}
                    pending={state.pending.clone()}
                    greeting={config.greeting.clone()}
                    operator_name={state.operator.name.clone()}
                    operator_typing={state.operator_typing}
                />
                <Composer enabled={state.can_chat()} {on_send} />
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

#[derive(Properties, PartialEq)]
struct HeaderProps {
    title: AttrValue,
    operator: OperatorProfile,
}

#[component]
fn Header(props: &HeaderProps) -> Html {
    let on_close = Callback::from(|_: MouseEvent| {
        // The loader on the shop page listens for this and hides the iframe.
        if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &"chatward:close".into());
            let _ = parent.post_message(&message, "*");
        }
    });
    let operator = &props.operator;
    html! {
        <header class="cw-header">
            if let Some(photo) = &operator.photo {
                <img class="cw-photo" src={photo.clone()} alt="" width="40" height="40" />
            }
            <div class="cw-heading">
                <h1>{ props.title.clone() }</h1>
                if !operator.name.is_empty() {
                    <p class="cw-operator">
                        { operator.name.clone() }
                        if let Some(email) = &operator.email {
                            { " · " }<a href={format!("mailto:{email}")}>{ email }</a>
                        }
                    </p>
                }
            </div>
            <button class="cw-close" type="button" aria-label="Close chat" onclick={on_close}>{ "×" }</button>
        </header>
    }
}

#[derive(Properties, PartialEq)]
struct LinkBannerProps {
    link: Link,
}

#[component]
fn LinkBanner(props: &LinkBannerProps) -> Html {
    match props.link {
        Link::Lost => html! {
            <p class="cw-banner" role="status">{ "Connection lost. Reconnecting… Your messages are kept and will be sent." }</p>
        },
        Link::Connecting | Link::Open => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct PrivacyGateProps {
    statement: Statement,
    on_accept: Callback<MouseEvent>,
    on_decline: Callback<MouseEvent>,
}

#[component]
fn PrivacyGate(props: &PrivacyGateProps) -> Html {
    let statement = &props.statement;
    html! {
        <section class="cw-gate" aria-labelledby="cw-gate-title">
            <h2 id="cw-gate-title">{ "Before we chat" }</h2>
            <p class="cw-statement">{ statement.text.clone() }</p>
            if let Some(url) = &statement.url {
                <p><a href={url.clone()} target="_blank" rel="noopener noreferrer">{ "Read the full privacy statement" }</a></p>
            }
            <p class="cw-version">{ format!("Statement version {}", statement.version) }</p>
            <div class="cw-actions">
                <button type="button" class="cw-primary" onclick={props.on_accept.clone()}>{ "Accept" }</button>
                <button type="button" onclick={props.on_decline.clone()}>{ "Decline" }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ConversationProps {
    entries: Vec<Entry>,
    pending: Vec<Pending>,
    greeting: Option<String>,
    operator_name: String,
    operator_typing: bool,
}

#[component]
fn Conversation(props: &ConversationProps) -> Html {
    html! {
        <>
            <ol class="cw-log" role="log" aria-label="Conversation" aria-live="polite">
                if let Some(greeting) = &props.greeting {
                    <li class="cw-entry cw-from-operator">{ greeting }</li>
                }
                { for props.entries.iter().map(entry_view) }
                { for props.pending.iter().map(pending_view) }
            </ol>
            if props.operator_typing {
                <p class="cw-typing" role="status">{ format!("{} is typing…", display_name(&props.operator_name)) }</p>
            }
        </>
    }
}

fn display_name(name: &str) -> &str {
    if name.is_empty() { "The shop" } else { name }
}

fn entry_view(entry: &Entry) -> Html {
    let class = match entry.author {
        Author::Customer => "cw-entry cw-from-customer",
        Author::Operator => "cw-entry cw-from-operator",
        Author::System => "cw-entry cw-from-system",
    };
    html! { <li key={entry.seq.to_string()} {class}>{ entry.text.clone() }</li> }
}

fn pending_view(pending: &Pending) -> Html {
    match &pending.refused {
        None => html! {
            <li key={pending.client_id.clone()} class="cw-entry cw-from-customer cw-pending">
                { pending.text.clone() }<span class="cw-mark">{ " (sending…)" }</span>
            </li>
        },
        Some(reason) => html! {
            <li key={pending.client_id.clone()} class="cw-entry cw-from-customer cw-refused">
                { pending.text.clone() }
                <span class="cw-reason" role="alert">{ format!("Not sent: {reason}") }</span>
            </li>
        },
    }
}

#[derive(Properties, PartialEq)]
struct ComposerProps {
    enabled: bool,
    on_send: Callback<String>,
}

#[component]
fn Composer(props: &ComposerProps) -> Html {
    let draft = use_state(String::new);
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            draft.set(area.value());
        })
    };
    let submit = {
        let draft = draft.clone();
        let on_send = props.on_send.clone();
        move || {
            let text = draft.trim().to_owned();
            if !text.is_empty() {
                on_send.emit(text);
                draft.set(String::new());
            }
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
    let can_send = props.enabled && !draft.trim().is_empty();
    html! {
        <form class="cw-composer" onsubmit={on_submit}>
            <label for="cw-draft" class="cw-visually-hidden">{ "Message" }</label>
            <textarea
                id="cw-draft"
                rows="2"
                placeholder="Write a message…"
                value={(*draft).clone()}
                disabled={!props.enabled}
                oninput={on_input}
                onkeydown={on_keydown}
            />
            <button type="submit" class="cw-primary" disabled={!can_send}>{ "Send" }</button>
        </form>
    }
}
