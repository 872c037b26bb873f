//! The WebSocket to the relay that reconnects by itself, with backoff: the one link the chat
//! pane and the operator console both keep. It knows nothing of frames: it hands each app
//! the text that arrives and says when the link opens and drops; each app reads its own
//! frames and keeps what it has not yet seen acknowledged.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

/// Longest wait between two reconnection attempts.
pub const MAX_BACKOFF_MS: u32 = 15_000;

/// What happens on a link, in the order it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// The socket is open: the first time, or again after it dropped.
    Opened,
    /// A text frame arrived.
    Message(String),
    /// The socket closed or could not be opened; the next attempt is scheduled.
    Lost,
}

/// A live link. Dropping it closes the socket and stops reconnecting.
pub struct Link {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    url: String,
    on_event: Rc<dyn Fn(LinkEvent)>,
    socket: Option<WebSocket>,
    /// Kept alive as long as the socket may call them.
    handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    retry: Option<Timeout>,
    attempts: u32,
}

impl Link {
    /// Connects to `url` and keeps reconnecting with backoff when the link drops.
    pub fn connect(url: String, on_event: impl Fn(LinkEvent) + 'static) -> Self {
        Self::adopt(url, None, on_event)
    }

    /// Like [`Link::connect`], but starts with `early` when given: a socket to `url` that
    /// the page opened before the app started (still connecting or already open). Later
    /// connections are the link's own.
    pub fn adopt(
        url: String,
        early: Option<WebSocket>,
        on_event: impl Fn(LinkEvent) + 'static,
    ) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            url,
            on_event: Rc::new(on_event),
            socket: None,
            handlers: Vec::new(),
            retry: None,
            attempts: 0,
        }));
        open(&inner, early);
        Self { inner }
    }

    /// Sends a text frame if the link is open; returns whether it was handed to the socket.
    /// Callers keep what was not sent, and send it again after the link reopens.
    pub fn send(&self, text: &str) -> bool {
        let inner = self.inner.borrow();
        let Some(socket) = inner.socket.as_ref() else {
            return false;
        };
        socket.ready_state() == WebSocket::OPEN && socket.send_with_str(text).is_ok()
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        inner.retry = None;
        if let Some(socket) = inner.socket.take() {
            detach(&socket);
            let _ = socket.close();
        }
        inner.handlers.clear();
    }
}

fn detach(socket: &WebSocket) {
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
}

fn open(inner_rc: &Rc<RefCell<Inner>>, early: Option<WebSocket>) {
    let mut inner = inner_rc.borrow_mut();
    let on_event = inner.on_event.clone();
    let is_open = early
        .as_ref()
        .is_some_and(|socket| socket.ready_state() == WebSocket::OPEN);
    let socket = match early.map_or_else(|| WebSocket::new(&inner.url), Ok) {
        Ok(socket) => socket,
        Err(_) => {
            drop(inner);
            on_event(LinkEvent::Lost);
            schedule_retry(inner_rc);
            return;
        }
    };

    let weak = Rc::downgrade(inner_rc);
    let on_open = {
        let on_event = on_event.clone();
        let weak = weak.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().attempts = 0;
            }
            on_event(LinkEvent::Opened);
        })
    };
    let on_message = {
        let on_event = on_event.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let Some(text) = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            {
                on_event(LinkEvent::Message(text));
            }
        })
    };
    let on_close = {
        let weak: Weak<RefCell<Inner>> = weak;
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                let on_event = inner.borrow().on_event.clone();
                on_event(LinkEvent::Lost);
                schedule_retry(&inner);
            }
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    if let Some(old) = inner.socket.replace(socket) {
        detach(&old);
    }
    inner.handlers = vec![on_open, on_message, on_close];
    drop(inner);
    // An adopted socket that is already open had its `open` event before these handlers.
    if is_open {
        on_event(LinkEvent::Opened);
    }
}

fn schedule_retry(inner_rc: &Rc<RefCell<Inner>>) {
    let mut inner = inner_rc.borrow_mut();
    inner.attempts = inner.attempts.saturating_add(1);
    let delay = backoff_ms(inner.attempts);
    let weak = Rc::downgrade(inner_rc);
    inner.retry = Some(Timeout::new(delay, move || {
        if let Some(inner) = weak.upgrade() {
            open(&inner, None);
        }
    }));
}

/// 250 ms, 500 ms, 1 s, ... up to [`MAX_BACKOFF_MS`].
fn backoff_ms(attempt: u32) -> u32 {
    250u32
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(MAX_BACKOFF_MS)
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(1), 250);
        assert_eq!(backoff_ms(2), 500);
        assert_eq!(backoff_ms(3), 1000);
        assert_eq!(backoff_ms(30), 15_000);
    }
}
