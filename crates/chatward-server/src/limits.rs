//! Limits per client address: how many WebSockets one address holds open, and how fast it
//! may open new ones, upload pictures and try operator logins. Over a limit, HTTP answers
//! 429 with `Retry-After`, a WebSocket gets `error limited` and is closed.
//!
//! The rates are GCRA buckets from `governor` (one state per address in a concurrent map,
//! swept of idle addresses as it goes); the open-socket count is a plain map whose entries
//! leave with their last socket.
//!
//! **Invariants:** the address is the TCP peer (`ConnectInfo`, which `chatward serve` sets
//! up), or the last `X-Forwarded-For` entry only when `trust_forwarded_for` is configured;
//! an IPv6 client counts by its /64 network, since one host usually has all of it.
//! Addresses are never logged.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock as _;
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::{Limits, Rate};
use crate::error::AppError;
use crate::state::AppState;

/// After this many rate checks, addresses idle long enough to be "fresh" again are dropped,
/// so the maps stay as large as the set of recently active addresses.
const SWEEP_EVERY: u64 = 4096;

/// What a client does that is limited by rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Opens a WebSocket (customer or operator).
    Connect,
    /// Sends a picture.
    Upload,
    /// Tries an operator login.
    Login,
}

/// Open sockets per address key, shared with the slots that give them back.
type OpenSockets = Arc<Mutex<HashMap<IpAddr, u32>>>;

/// The per-address limits of a running relay.
#[derive(Debug)]
pub struct AddressLimits {
    max_sockets: u32,
    sockets: OpenSockets,
    connections: Option<DefaultKeyedRateLimiter<IpAddr>>,
    uploads: Option<DefaultKeyedRateLimiter<IpAddr>>,
    logins: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
}

impl AddressLimits {
    /// Limits as configured.
    pub fn new(limits: &Limits) -> Self {
        Self {
            max_sockets: limits.sockets_per_address,
            sockets: Arc::default(),
            connections: limiter(limits.connections),
            uploads: limiter(limits.uploads),
            logins: limiter(limits.logins),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one `action` of `address`. `Err` says how long until it would be allowed.
    /// Without an address (no `ConnectInfo`) nothing is limited.
    pub fn check(&self, action: Action, address: Option<IpAddr>) -> Result<(), Duration> {
        let limiter = match action {
            Action::Connect => &self.connections,
            Action::Upload => &self.uploads,
            Action::Login => &self.logins,
        };
        let (Some(limiter), Some(address)) = (limiter, address) else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for limiter in [&self.connections, &self.uploads, &self.logins]
                .into_iter()
                .flatten()
            {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        limiter
            .check_key(&key(address))
            .map_err(|not_until| not_until.wait_time_from(limiter.clock().now()))
    }

    /// Takes one of `address`'s open-socket slots for as long as the returned slot lives;
    /// `None` when the address holds its maximum already.
    pub fn open_socket(&self, address: Option<IpAddr>) -> Option<SocketSlot> {
        let Some(address) = address.filter(|_| self.max_sockets > 0) else {
            return Some(SocketSlot { held: None });
        };
        let address = key(address);
        let mut sockets = lock(&self.sockets);
        let open = sockets.entry(address).or_insert(0);
        if *open >= self.max_sockets {
            return None;
        }
        *open += 1;
        Some(SocketSlot {
            held: Some((Arc::clone(&self.sockets), address)),
        })
    }

    /// How many addresses hold an open socket (for tests and metrics).
    pub fn addresses_with_sockets(&self) -> usize {
        lock(&self.sockets).len()
    }

    /// How many sockets `address` holds open (for tests and metrics).
    pub fn open_sockets(&self, address: IpAddr) -> u32 {
        lock(&self.sockets).get(&key(address)).copied().unwrap_or(0)
    }
}

/// One open WebSocket of an address; gives its slot back when dropped.
#[derive(Debug)]
pub struct SocketSlot {
    held: Option<(OpenSockets, IpAddr)>,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let Some((sockets, address)) = self.held.take() else {
            return;
        };
        let mut sockets = lock(&sockets);
        if let Some(open) = sockets.get_mut(&address) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                sockets.remove(&address);
            }
        }
    }
}

// Held only for a map update, never across an `.await`.
fn lock(sockets: &Mutex<HashMap<IpAddr, u32>>) -> std::sync::MutexGuard<'_, HashMap<IpAddr, u32>> {
    sockets
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn limiter(rate: Rate) -> Option<DefaultKeyedRateLimiter<IpAddr>> {
    let per_minute = NonZeroU32::new(rate.per_minute)?;
    let burst = NonZeroU32::new(rate.burst).unwrap_or(NonZeroU32::MIN);
    Some(DefaultKeyedRateLimiter::keyed(
        Quota::per_minute(per_minute).allow_burst(burst),
    ))
}

/// The key an address is limited by: IPv4 as is (also when mapped into IPv6), IPv6 by its
/// /64 network.
fn key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

/// The client's address: the last `X-Forwarded-For` entry when the relay is configured to
/// trust it (and it parses), else the TCP peer.
fn client_address(
    limits: &Limits,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Option<IpAddr> {
    if limits.trust_forwarded_for {
        // The proxy appends the peer it saw; entries before it are whatever the client sent.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| last.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|peer| peer.ip())
}

/// Extractor: the client's address as the limits see it; `None` when the server runs
/// without `ConnectInfo` (then per-address limits do not apply).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        Ok(Self(client_address(
            &state.config.limits,
            &parts.headers,
            peer,
        )))
    }
}

/// Middleware on `POST /api/upload`: the address's upload rate.
pub async fn uploads(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    request: Request,
    next: Next,
) -> Response {
    match state.per_address.check(Action::Upload, address) {
        Ok(()) => next.run(request).await,
        Err(wait) => refused(
            Action::Upload,
            "Too many pictures from your network; please wait a moment before sending more.",
            wait,
        ),
    }
}

/// Middleware on `POST /api/operator/login`: the address's login rate.
pub async fn logins(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    request: Request,
    next: Next,
) -> Response {
    match state.per_address.check(Action::Login, address) {
        Ok(()) => next.run(request).await,
        Err(wait) => refused(
            Action::Login,
            "Too many login attempts from your network; please wait a minute and try again.",
            wait,
        ),
    }
}

fn refused(action: Action, message: &'static str, wait: Duration) -> Response {
    tracing::info!(?action, wait_ms = wait.as_millis(), "limited per address");
    AppError::Limited {
        message,
        retry_after: wait,
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn limits(edit: impl FnOnce(&mut Limits)) -> Limits {
        let mut limits = Limits::default();
        edit(&mut limits);
        limits
    }

    #[test]
    fn a_burst_passes_then_the_rate_holds_per_address() {
        let limits = AddressLimits::new(&limits(|limits| {
            limits.uploads = Rate {
                per_minute: 1,
                burst: 3,
            }
        }));
        let one = Some("192.0.2.1".parse().unwrap());
        let two = Some("192.0.2.2".parse().unwrap());
        assert!((0..3).all(|_| limits.check(Action::Upload, one).is_ok()));
        let wait = limits.check(Action::Upload, one).unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(
            limits.check(Action::Upload, two).is_ok(),
            "others unaffected"
        );
        assert!(
            limits.check(Action::Login, one).is_ok(),
            "other actions unaffected"
        );
        assert!(
            limits.check(Action::Upload, None).is_ok(),
            "no address, no limit"
        );
    }

    #[test]
    fn a_zero_rate_is_no_limit() {
        let limits = AddressLimits::new(&limits(|limits| limits.logins = Rate::UNLIMITED));
        let one = Some("192.0.2.1".parse().unwrap());
        assert!((0..1000).all(|_| limits.check(Action::Login, one).is_ok()));
    }

    #[test]
    fn socket_slots_come_back_when_dropped() {
        let limits = AddressLimits::new(&limits(|limits| limits.sockets_per_address = 2));
        let one = Some("2001:db8::1".parse().unwrap());
        let same_network = Some("2001:db8::2".parse().unwrap());
        let first = limits.open_socket(one).unwrap();
        let _second = limits.open_socket(same_network).unwrap();
        assert!(
            limits.open_socket(one).is_none(),
            "a /64 counts as one client"
        );
        assert!(
            limits
                .open_socket(Some("2001:db9::1".parse().unwrap()))
                .is_some()
        );
        drop(first);
        let third = limits.open_socket(one);
        assert!(third.is_some());
        drop((third, _second));
        assert_eq!(
            limits.addresses_with_sockets(),
            0,
            "entries leave with their sockets"
        );
    }

    #[test]
    fn addresses_are_keyed_by_ipv4_or_ipv6_network() {
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
        assert_eq!(
            key("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn forwarded_for_is_used_only_when_trusted() {
        let peer = Some("10.0.0.1:4000".parse().unwrap());
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 198.51.100.4"),
        );
        let untrusting = Limits::default();
        assert_eq!(
            client_address(&untrusting, &headers, peer),
            Some("10.0.0.1".parse().unwrap())
        );
        let trusting = limits(|limits| limits.trust_forwarded_for = true);
        assert_eq!(
            client_address(&trusting, &headers, peer),
            Some("198.51.100.4".parse().unwrap()),
            "the entry the proxy added, not the client's own"
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(
            client_address(&trusting, &headers, peer),
            Some("10.0.0.1".parse().unwrap())
        );
    }
}
