//! The console's components: the login form, the conversation list, the open conversation
//! with its consent record, its actions (close, export, delete) and the reply box with the
//! "ask only for what you need" nudge. Data flows down as props, events flow up as
//! callbacks; the one state lives in [`crate::state`], the network in [`crate::net`].

use std::cell::RefCell;
use std::rc::Rc;

use chatward_core::Policy;
use chatward_core::protocol::{Author, ConsentRecord, ConversationSummary, Entry, OperatorFrame};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::net::{self, ExportFormat, OperatorLink};
use crate::state::{
    Action, Link, Operator, PendingReply, Session, State, format_utc, nudge, short_id,
};

type LinkSlot = Rc<RefCell<Option<OperatorLink>>>;

/// The operator console.
#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let link: LinkSlot = use_mut_ref(|| None);

    // On start, ask whether this browser's session cookie is still good.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            spawn_local(async move {
                dispatcher.dispatch(match net::current_operator().await {
                    Ok(Some(operator)) => Action::LoggedIn(operator),
                    Ok(None) => Action::SessionMissing,
                    Err(error) => Action::LoginFailed {
                        error: error.to_string(),
                    },
                });
            });
        });
    }

    // While logged in, hold the operator WebSocket; it closes when the session ends.
    {
        let link = link.clone();
        let dispatcher = state.dispatcher();
        let is_logged_in = state.operator().is_some();
        use_effect_with(is_logged_in, move |&is_logged_in| {
            if is_logged_in {
                let url = web_sys::window().and_then(|w| net::operator_socket_url(&w.location()));
                match url {
                    Some(url) => {
                        let on_action = Callback::from(move |action| dispatcher.dispatch(action));
                        *link.borrow_mut() = Some(OperatorLink::connect(url, on_action));
                    }
                    None => dispatcher.dispatch(Action::Failed(
                        "The console cannot tell which relay served it; reload the page.".into(),
                    )),
                }
            }
            move || drop(link.borrow_mut().take())
        });
    }

    // Each time the link opens: catch up on the open conversation and send again, in order,
    // the replies never acknowledged. When it drops, find out whether the session ended.
    {
        let link = link.clone();
        let dispatcher = state.dispatcher();
        let reopen = state.selected.as_ref().map(|id| OperatorFrame::Open {
            conversation: id.clone(),
            after_seq: state.contiguous_seq(id),
        });
        let unsent = state.pending.clone();
        use_effect_with(state.link, move |current| match current {
            Link::Open => {
                for frame in reopen
                    .into_iter()
                    .chain(unsent.into_iter().map(reply_frame))
                {
                    send(&link, &frame);
                }
            }
            Link::Lost => spawn_local(async move {
                // Unreachable means the relay is down: keep reconnecting, nothing to say.
                if let Ok(None) = net::current_operator().await {
                    dispatcher.dispatch(Action::SessionExpired);
                }
            }),
            Link::Connecting => {}
        });
    }

    // Tell the relay what the operator has seen in the open conversation.
    {
        let link = link.clone();
        let read = state
            .selected
            .as_ref()
            .map(|id| (id.clone(), state.last_seq(id)));
        use_effect_with((read, state.link), move |(read, current)| {
            if let (Some((conversation, seq)), Link::Open) = (read, current)
                && *seq > 0
            {
                send(
                    &link,
                    &OperatorFrame::Read {
                        conversation: conversation.clone(),
                        seq: *seq,
                    },
                );
            }
        });
    }

    let on_login = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(username, password): (String, String)| {
            let dispatcher = dispatcher.clone();
            dispatcher.dispatch(Action::LoginSubmitted);
            spawn_local(async move {
                let action = match net::log_in(&username, &password).await {
                    Ok(()) => match net::current_operator().await {
                        Ok(Some(operator)) => Action::LoggedIn(operator),
                        // Logged in but not known a moment later: fall back to the name.
                        Ok(None) | Err(_) => Action::LoggedIn(Operator {
                            display_name: username.clone(),
                            username,
                        }),
                    },
                    Err(error) => Action::LoginFailed {
                        error: error.to_string(),
                    },
                };
                dispatcher.dispatch(action);
            });
        })
    };
    let on_logout = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match net::log_out().await {
                    Ok(()) => dispatcher.dispatch(Action::LoggedOut),
                    Err(error) => {
                        dispatcher.dispatch(Action::Failed(format!("Logging out failed: {error}")))
                    }
                }
            });
        })
    };
    let on_open = {
        let link = link.clone();
        let state = state.clone();
        Callback::from(move |id: String| {
            let after_seq = state.contiguous_seq(&id);
            send(
                &link,
                &OperatorFrame::Open {
                    conversation: id.clone(),
                    after_seq,
                },
            );
            state.dispatch(Action::ConversationOpened(id));
        })
    };
    let on_reply = {
        let link = link.clone();
        let state = state.clone();
        Callback::from(move |text: String| {
            let Some(conversation) = state.selected.clone() else {
                return;
            };
            let reply = PendingReply {
                conversation,
                client_id: net::new_client_id(),
                text,
                at: net::now(),
            };
            // Not sent now means sent again when the link reopens: it stays pending.
            send(&link, &reply_frame(reply.clone()));
            state.dispatch(Action::ReplySent(reply));
        })
    };
    let on_close = {
        let link = link.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |conversation: String| {
            let frame = OperatorFrame::Close {
                conversation: conversation.clone(),
            };
            if send(&link, &frame) {
                dispatcher.dispatch(Action::CloseRequested(conversation));
            } else {
                dispatcher.dispatch(Action::Failed(
                    "Not connected to the relay: the conversation was not closed. Try again in a moment."
                        .into(),
                ));
            }
        })
    };
    let on_delete = {
        let dispatcher = state.dispatcher();
        Callback::from(move |conversation: String| {
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match net::delete_conversation(&conversation).await {
                    Ok(()) => dispatcher.dispatch(Action::ConversationRemoved(conversation)),
                    Err(error) => dispatcher.dispatch(Action::Failed(format!(
                        "The conversation was not deleted: {error}"
                    ))),
                }
            });
        })
    };
    let on_dismiss = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::NoticeDismissed))
    };
    html! {
        <Screen
            state={(*state).clone()}
            {on_login}
            {on_logout}
            {on_open}
            {on_reply}
            {on_close}
            {on_delete}
            {on_dismiss}
        />
    }
}

/// What [`Screen`] shows and where its events go.
#[derive(Properties, PartialEq)]
pub struct ScreenProps {
    pub state: State,
    /// The login form was submitted: `(username, password)`.
    pub on_login: Callback<(String, String)>,
    pub on_logout: Callback<()>,
    /// A conversation was picked from the list: its id.
    pub on_open: Callback<String>,
    /// A reply to the selected conversation was sent: its text.
    pub on_reply: Callback<String>,
    /// The operator closed a conversation: its id.
    pub on_close: Callback<String>,
    /// The operator confirmed deleting a conversation: its id.
    pub on_delete: Callback<String>,
    /// The operator dismissed the notice.
    pub on_dismiss: Callback<()>,
}

/// Everything the console draws for a state, without effects: the login form, or the
/// conversation list and the selected conversation.
#[component]
pub fn Screen(props: &ScreenProps) -> Html {
    let state = &props.state;
    match &state.session {
        // The form stays mounted while a login is under way, so what was typed survives a
        // refused attempt.
        Session::LoggedOut { .. } | Session::LoggingIn => {
            let (error, is_busy) = match &state.session {
                Session::LoggedOut { error } => (error.clone(), false),
                _ => (None, true),
            };
            html! { <LoginForm {error} {is_busy} on_login={props.on_login.clone()} /> }
        }
        Session::LoggedIn(operator) => {
            let on_logout = props.on_logout.reform(|_: MouseEvent| ());
            let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
            html! {
                <>
                    <header class="cw-topbar">
                        <h1>{ "Chatward console" }</h1>
                        <p class="cw-who">{ format!("Signed in as {}", operator.display_name) }</p>
                        <button type="button" onclick={on_logout}>{ "Log out" }</button>
                    </header>
                    <LinkBanner link={state.link} />
                    if let Some(notice) = &state.notice {
                        <div class="cw-notice" role="alert">
                            <p>{ notice }</p>
                            <button type="button" onclick={on_dismiss}>{ "Dismiss" }</button>
                        </div>
                    }
                    <div class="cw-layout">
                        <ConversationList
                            conversations={state.conversations.clone()}
                            selected={state.selected.clone()}
                            on_open={props.on_open.clone()}
                        />
                        <main class="cw-main">
                            { selected_view(state, props) }
                        </main>
                    </div>
                </>
            }
        }
    }
}

fn selected_view(state: &State, props: &ScreenProps) -> Html {
    let Some(summary) = state.selected_summary() else {
        return html! { <p class="cw-hint">{ "Choose a conversation to read and answer it." }</p> };
    };
    let entries: Vec<Entry> = state.entries_of(&summary.id).cloned().collect();
    let pending: Vec<PendingReply> = state.pending_of(&summary.id).cloned().collect();
    html! {
        <ConversationView
            key={summary.id.clone()}
            summary={summary.clone()}
            policy={state.policy_of(&summary.id)}
            {entries}
            {pending}
            on_reply={props.on_reply.clone()}
            on_close={props.on_close.clone()}
            on_delete={props.on_delete.clone()}
        />
    }
}

fn reply_frame(reply: PendingReply) -> OperatorFrame {
    OperatorFrame::Reply {
        conversation: reply.conversation,
        client_id: reply.client_id,
        text: reply.text,
    }
}

/// Hands `frame` to the socket; `false` when the link is not open.
fn send(link: &LinkSlot, frame: &OperatorFrame) -> bool {
    link.borrow().as_ref().is_some_and(|link| link.send(frame))
}

#[derive(Properties, PartialEq)]
struct LoginFormProps {
    error: Option<String>,
    /// A login (or the start-up session check) is under way.
    is_busy: bool,
    on_login: Callback<(String, String)>,
}

#[component]
fn LoginForm(props: &LoginFormProps) -> Html {
    let username = use_node_ref();
    let password = use_node_ref();
    let on_submit = {
        let username = username.clone();
        let password = password.clone();
        let on_login = props.on_login.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let value = |node: &NodeRef| {
                node.cast::<HtmlInputElement>()
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            let name = value(&username).trim().to_owned();
            let secret = value(&password);
            // A second submit while one is under way is harmless: the last answer wins.
            if !name.is_empty() && !secret.is_empty() {
                on_login.emit((name, secret));
            }
        })
    };
    html! {
        <main class="cw-login">
            <h1>{ "Chatward console" }</h1>
            <form class="cw-login-form" aria-labelledby="cw-login-title" onsubmit={on_submit}>
                <h2 id="cw-login-title">{ "Operator login" }</h2>
                if let Some(error) = &props.error {
                    <p class="cw-error" role="alert">{ error }</p>
                }
                <label for="cw-username">{ "Username" }</label>
                <input id="cw-username" ref={username} type="text" name="username"
                    autocomplete="username" required=true />
                <label for="cw-password">{ "Password" }</label>
                <input id="cw-password" ref={password} type="password" name="password"
                    autocomplete="current-password" required=true />
                <button type="submit" class="cw-primary">{ "Log in" }</button>
                if props.is_busy {
                    <p class="cw-hint" role="status">{ "Checking with the relay…" }</p>
                }
            </form>
        </main>
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
            <p class="cw-banner" role="status">
                { "Connection to the relay lost. Reconnecting… Unsent replies are kept and will be sent." }
            </p>
        },
        Link::Connecting => html! { <p class="cw-connecting" role="status">{ "Connecting…" }</p> },
        Link::Open => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct ConversationListProps {
    conversations: Vec<ConversationSummary>,
    selected: Option<String>,
    on_open: Callback<String>,
}

#[component]
fn ConversationList(props: &ConversationListProps) -> Html {
    let item = |summary: &ConversationSummary| {
        let id = summary.id.clone();
        let is_selected = props.selected.as_deref() == Some(id.as_str());
        let onclick = props.on_open.reform(move |_: MouseEvent| id.clone());
        let unread_class = if summary.unread > 0 {
            "cw-unread cw-has-unread"
        } else {
            "cw-unread"
        };
        html! {
            <li key={summary.id.clone()}>
                <button type="button" class="cw-conversation"
                    aria-current={is_selected.then_some("true")} {onclick}>
                    <span class="cw-id">{ format!("Conversation {}", short_id(&summary.id)) }</span>
                    { " " }
                    <span class={unread_class}>{ format!("{} unread", summary.unread) }</span>
                    if summary.closed {
                        { " " }<span class="cw-closed">{ "closed" }</span>
                    }
                </button>
            </li>
        }
    };
    html! {
        <nav class="cw-list" aria-labelledby="cw-list-title">
            <h2 id="cw-list-title">{ "Open conversations" }</h2>
            if props.conversations.is_empty() {
                <p class="cw-hint">{ "No open conversations yet." }</p>
            } else {
                <ul>{ for props.conversations.iter().map(item) }</ul>
            }
        </nav>
    }
}

#[derive(Properties, PartialEq)]
struct ConversationViewProps {
    summary: ConversationSummary,
    /// The shop's policy, for the nudge.
    policy: Policy,
    entries: Vec<Entry>,
    pending: Vec<PendingReply>,
    on_reply: Callback<String>,
    on_close: Callback<String>,
    on_delete: Callback<String>,
}

#[component]
fn ConversationView(props: &ConversationViewProps) -> Html {
    let summary = &props.summary;
    html! {
        <section class="cw-conversation-view" aria-labelledby="cw-conversation-title">
            <h2 id="cw-conversation-title">{ format!("Conversation {}", short_id(&summary.id)) }</h2>
            <p class="cw-meta">{ format!("Started {}", format_utc(summary.started_at)) }</p>
            if summary.closed {
                <p class="cw-status">
                    { "Closed. The customer was told; their next message reopens it." }
                </p>
            }
            <ConversationActions
                id={summary.id.clone()}
                is_closed={summary.closed}
                on_close={props.on_close.clone()}
                on_delete={props.on_delete.clone()}
            />
            <ConsentView consent={summary.consent.clone()} />
            // The log is a div around the list: a list element may not take the log role,
            // and its items must stay in a list (axe).
            <div role="log" aria-label="Messages" aria-live="polite">
                <ol class="cw-log">
                    { for props.entries.iter().map(entry_view) }
                    { for props.pending.iter().map(pending_view) }
                </ol>
            </div>
            <Composer policy={props.policy.clone()} on_reply={props.on_reply.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ConversationActionsProps {
    id: String,
    is_closed: bool,
    on_close: Callback<String>,
    on_delete: Callback<String>,
}

/// Whether the operator is being asked to confirm a deletion.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Deleting {
    Idle,
    Confirming,
}

/// Close, export and delete for one conversation. Deleting asks first: it cannot be undone.
#[component]
fn ConversationActions(props: &ConversationActionsProps) -> Html {
    let deleting = use_state(|| Deleting::Idle);
    let keep_button = use_node_ref();
    // Focus moves to the safe choice when the question appears, so Enter does no harm.
    {
        let keep_button = keep_button.clone();
        use_effect_with(*deleting, move |deleting| {
            if *deleting == Deleting::Confirming
                && let Some(button) = keep_button.cast::<web_sys::HtmlElement>()
            {
                let _ = button.focus();
            }
        });
    }
    let id = props.id.clone();
    let on_close = props.on_close.reform(move |_: MouseEvent| id.clone());
    let ask = {
        let deleting = deleting.clone();
        Callback::from(move |_: MouseEvent| deleting.set(Deleting::Confirming))
    };
    let keep = {
        let deleting = deleting.clone();
        Callback::from(move |_: MouseEvent| deleting.set(Deleting::Idle))
    };
    let confirm = {
        let deleting = deleting.clone();
        let id = props.id.clone();
        let on_delete = props.on_delete.clone();
        Callback::from(move |_: MouseEvent| {
            deleting.set(Deleting::Idle);
            on_delete.emit(id.clone());
        })
    };
    let export = |format: ExportFormat| {
        html! {
            <li>
                <a href={net::transcript_path(&props.id, format)} target="_blank" rel="noopener">
                    { format!("Transcript as {}", format.label()) }
                </a>
            </li>
        }
    };
    html! {
        <div class="cw-actions">
            if !props.is_closed {
                <button type="button" onclick={on_close}>{ "Close conversation" }</button>
            }
            <button type="button" class="cw-danger" onclick={ask}
                disabled={*deleting == Deleting::Confirming}>
                { "Delete conversation" }
            </button>
            <nav class="cw-export" aria-label="Export transcript">
                <ul>{ for ExportFormat::ALL.into_iter().map(export) }</ul>
            </nav>
            if *deleting == Deleting::Confirming {
                <div class="cw-confirm" role="group" aria-labelledby="cw-confirm-question">
                    <p id="cw-confirm-question">
                        { "Delete this conversation for good? Its messages and pictures are erased; \
                           the consent record is kept." }
                    </p>
                    <button type="button" class="cw-danger" onclick={confirm}>
                        { "Delete for good" }
                    </button>
                    <button type="button" ref={keep_button} onclick={keep}>{ "Keep it" }</button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ConsentViewProps {
    consent: Option<ConsentRecord>,
}

#[component]
fn ConsentView(props: &ConsentViewProps) -> Html {
    html! {
        <section class="cw-consent" aria-labelledby="cw-consent-title">
            <h3 id="cw-consent-title">{ "Consent record" }</h3>
            if let Some(consent) = &props.consent {
                <dl>
                    <dt>{ "Statement version" }</dt>
                    <dd>{ consent.statement_version.clone() }</dd>
                    <dt>{ "Accepted at" }</dt>
                    <dd>{ format_utc(consent.accepted_at) }</dd>
                    <dt>{ "Widget version" }</dt>
                    <dd>{ consent.widget_version.clone() }</dd>
                </dl>
            } else {
                <p>{ "No consent recorded yet." }</p>
            }
        </section>
    }
}

fn entry_view(entry: &Entry) -> Html {
    let (class, who) = match entry.author {
        Author::Customer => ("cw-entry cw-from-customer", "Customer"),
        Author::Operator => ("cw-entry cw-from-operator", "Operator"),
        Author::System => ("cw-entry cw-from-system", "Relay"),
    };
    html! {
        <li key={format!("s{}", entry.seq)} {class}>
            <span class="cw-who">{ who }</span>
            if let Some(attachment) = &entry.attachment {
                // Checked and cleaned twice (pane and relay), and served by the relay with
                // nosniff, as an attachment, under a CSP that allows nothing.
                <a class="cw-attachment" href={format!("/api/attachments/{}", attachment.id)}>
                    <img
                        src={format!("/api/attachments/{}", attachment.id)}
                        alt={format!("Picture from the customer, {}×{}", attachment.width, attachment.height)}
                        width={attachment.width.to_string()}
                        height={attachment.height.to_string()}
                    />
                    <span>{ format!("Download picture ({} KB)", attachment.size.div_ceil(1024)) }</span>
                </a>
            }
            if !entry.text.is_empty() {
                <span class="cw-text">{ entry.text.clone() }</span>
            }
            <span class="cw-at">{ format_utc(entry.at) }</span>
        </li>
    }
}

fn pending_view(reply: &PendingReply) -> Html {
    html! {
        <li key={format!("p{}", reply.client_id)} class="cw-entry cw-from-operator cw-pending">
            <span class="cw-who">{ "Operator" }</span>
            <span class="cw-text">{ reply.text.clone() }</span>
            <span class="cw-at">{ "sending…" }</span>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ComposerProps {
    /// The shop's policy: the nudge appears when the draft asks for what it does not want.
    policy: Policy,
    on_reply: Callback<String>,
}

#[component]
fn Composer(props: &ComposerProps) -> Html {
    let draft = use_state(String::new);
    // Derived from the draft on every change, never stored: it cannot go stale.
    let hint = use_memo(
        ((*draft).clone(), props.policy.clone()),
        |(draft, policy)| nudge(draft, policy),
    );
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            draft.set(area.value());
        })
    };
    let submit = {
        let draft = draft.clone();
        let on_reply = props.on_reply.clone();
        move || {
            let text = draft.trim().to_owned();
            if !text.is_empty() {
                on_reply.emit(text);
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
    html! {
        <form class="cw-composer" onsubmit={on_submit}>
            <label for="cw-reply">{ "Reply" }</label>
            <textarea id="cw-reply" rows="3" value={(*draft).clone()}
                aria-describedby={hint.is_some().then_some("cw-nudge")}
                oninput={on_input} onkeydown={on_keydown} />
            // The live region stays mounted so a screen reader announces the hint when it
            // appears; it never blocks sending.
            <div class="cw-nudge-slot" role="status">
                if let Some(text) = (*hint).clone() {
                    <p id="cw-nudge" class="cw-nudge">{ text }</p>
                }
            </div>
            <button type="submit" class="cw-primary">{ "Send" }</button>
        </form>
    }
}
