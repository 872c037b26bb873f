//! The relay's shared state: configuration, storage and the in-memory fan-out (`Hub`) that
//! carries new entries to the connected customers and operators.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use chatward_core::protocol::{CustomerEvent, Millis, OperatorEvent};
use tokio::sync::broadcast;

use crate::config::{Config, Shop};
use crate::store::Store;

/// Password checks that may run at once.
const PASSWORD_CHECKS: usize = 2;

/// Uploads read, checked and stored at once.
const UPLOADS_AT_ONCE: usize = 4;

/// Events buffered per conversation for its customer connections.
const CONVERSATION_CHANNEL: usize = 64;
/// Events buffered for operator consoles; a console that falls further behind is resynced.
const OPERATOR_CHANNEL: usize = 1024;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

/// The contents of [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// The validated configuration.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// Live fan-out to connected clients.
    pub hub: Hub,
    /// Password checks allowed at once: each argon2 check takes about 19 MiB and a core
    /// for a while, so a flood of logins queues here instead of exhausting the machine.
    pub password_checks: tokio::sync::Semaphore,
    /// Uploads in flight: each holds up to its shop's limit in memory (received and
    /// cleaned copies) and a core while checked, so a burst queues here.
    pub upload_slots: tokio::sync::Semaphore,
    /// Open sockets and rates per client address.
    pub per_address: crate::limits::AddressLimits,
    next_session: AtomicU64,
}

impl AppState {
    /// Builds the state from a configuration and an open store.
    pub fn new(config: Config, store: Store) -> Self {
        Self(Arc::new(Shared {
            per_address: crate::limits::AddressLimits::new(&config.limits),
            config,
            store,
            hub: Hub::new(),
            password_checks: tokio::sync::Semaphore::new(PASSWORD_CHECKS),
            upload_slots: tokio::sync::Semaphore::new(UPLOADS_AT_ONCE),
            next_session: AtomicU64::new(1),
        }))
    }

    /// The shop with this id, if configured.
    pub fn shop(&self, id: &str) -> Option<Arc<Shop>> {
        self.0.config.shops.get(id).cloned()
    }

    /// A process-unique id for a WebSocket session (used to not echo an operator's own
    /// replies back to it).
    pub fn next_session_id(&self) -> u64 {
        self.0.next_session.fetch_add(1, Ordering::Relaxed)
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The relay's clock: milliseconds since the Unix epoch.
pub fn now_millis() -> Millis {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Millis::try_from(since.as_millis()).unwrap_or(Millis::MAX)
}

/// An event for operator consoles, tagged with the session that caused it.
#[derive(Debug, Clone)]
pub struct OperatorBroadcast {
    /// The operator session that caused the event; it already knows and skips it.
    pub from_session: Option<u64>,
    /// The event.
    pub event: Arc<OperatorEvent>,
}

/// In-memory fan-out: one bounded broadcast channel for operator consoles and one per
/// conversation with a connected customer. Storage is the truth; these only carry news.
#[derive(Debug)]
pub struct Hub {
    operators: broadcast::Sender<OperatorBroadcast>,
    // Held only for map lookups, never across an `.await`.
    conversations: Mutex<HashMap<String, broadcast::Sender<Arc<CustomerEvent>>>>,
}

impl Hub {
    fn new() -> Self {
        Self {
            operators: broadcast::channel(OPERATOR_CHANNEL).0,
            conversations: Mutex::default(),
        }
    }

    /// Subscribes an operator console to all operator events.
    pub fn subscribe_operators(&self) -> broadcast::Receiver<OperatorBroadcast> {
        self.operators.subscribe()
    }

    /// Sends an event to every operator console (none connected is fine).
    pub fn to_operators(&self, from_session: Option<u64>, event: OperatorEvent) {
        let _nobody_listening = self.operators.send(OperatorBroadcast {
            from_session,
            event: Arc::new(event),
        });
    }

    /// Subscribes a customer connection to its conversation's events.
    pub fn subscribe_conversation(
        &self,
        conversation: &str,
    ) -> broadcast::Receiver<Arc<CustomerEvent>> {
        let mut map = self
            .conversations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(conversation.to_owned())
            .or_insert_with(|| broadcast::channel(CONVERSATION_CHANNEL).0)
            .subscribe()
    }

    /// Sends an event to the customer connections of a conversation, if any.
    pub fn to_customer(&self, conversation: &str, event: CustomerEvent) {
        let map = self
            .conversations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(sender) = map.get(conversation) {
            let _nobody_listening = sender.send(Arc::new(event));
        }
    }

    /// Forgets a conversation's channel once its last customer connection is gone.
    /// Call after dropping the receiver.
    pub fn release_conversation(&self, conversation: &str) {
        let mut map = self
            .conversations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map
            .get(conversation)
            .is_some_and(|sender| sender.receiver_count() == 0)
        {
            map.remove(conversation);
        }
    }

    /// How many conversations have a live customer channel (for tests and metrics).
    pub fn live_conversations(&self) -> usize {
        self.conversations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_channels_are_released_when_unused() {
        let hub = Hub::new();
        let receiver = hub.subscribe_conversation("c1");
        hub.release_conversation("c1");
        assert_eq!(hub.live_conversations(), 1, "still subscribed");
        drop(receiver);
        hub.release_conversation("c1");
        assert_eq!(hub.live_conversations(), 0);
    }

    #[test]
    fn customer_events_reach_only_their_conversation() {
        let hub = Hub::new();
        let mut one = hub.subscribe_conversation("one");
        let mut two = hub.subscribe_conversation("two");
        hub.to_customer("one", CustomerEvent::Typing { active: true });
        assert_eq!(
            *one.try_recv().unwrap(),
            CustomerEvent::Typing { active: true }
        );
        assert!(two.try_recv().is_err());
    }
}
