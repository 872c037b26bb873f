//! Load generator over loopback: holds many consented customer conversations open, sends
//! messages at a fixed rate from some of them while one operator console listens, and prints
//! connections held and latencies (customer send -> ack, customer send -> operator entry).
//!
//! `cargo bench -p chatward-server --bench load`; sizes from the environment:
//! `LOAD_CONNECTIONS` (default 2000), `LOAD_RATE` messages per second (default 500),
//! `LOAD_SECONDS` (default 5), `LOAD_SENDERS` (default 100). The relay runs in a child
//! process (this same binary), so each side needs `ulimit -n` above the connection count.
//! Prints figures; asserts nothing about speed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chatward_core::protocol::{CustomerEvent, CustomerFrame, OperatorEvent, PROTOCOL_VERSION};
use chatward_server::{AppState, FileConfig, OperatorAccount, Rate, Store, app, hash_password};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

async fn recv_customer(socket: &mut Socket) -> CustomerEvent {
    loop {
        match socket
            .next()
            .await
            .expect("relay closed")
            .expect("socket failed")
        {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            _ => continue,
        }
    }
}

async fn send(socket: &mut Socket, frame: &CustomerFrame) {
    socket
        .send(Message::text(serde_json::to_string(frame).unwrap()))
        .await
        .unwrap();
}

/// A small read buffer per socket, as the relay uses: tungstenite reserves 128 KiB per socket
/// by default, which for 10,000 sockets would weigh more than the relay under test.
fn small_buffers() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(8 * 1024)
}

/// Opens a customer connection and consents; returns the socket and its conversation id.
async fn open_customer(addr: std::net::SocketAddr) -> (Socket, String) {
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(
        format!("ws://{addr}/ws/customer?shop=demo"),
        Some(small_buffers()),
        true, // TCP_NODELAY, as a browser sets it
    )
    .await
    .expect("connect (raise `ulimit -n`?)");
    send(
        &mut socket,
        &CustomerFrame::Hello {
            v: PROTOCOL_VERSION,
            resume: None,
        },
    )
    .await;
    let CustomerEvent::Welcome {
        statement,
        conversation,
        ..
    } = recv_customer(&mut socket).await
    else {
        panic!("expected welcome")
    };
    let consent = CustomerFrame::Consent {
        statement_version: statement.version,
        statement_hash: statement.hash,
        widget_version: "load".into(),
    };
    send(&mut socket, &consent).await;
    let CustomerEvent::ConsentRecorded { .. } = recv_customer(&mut socket).await else {
        panic!("expected consent_recorded")
    };
    (socket, conversation)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        percentile(&samples, 50.0).as_secs_f64() * 1000.0,
        percentile(&samples, 99.0).as_secs_f64() * 1000.0,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

/// Set in the child process that runs the relay.
const RELAY_ROLE: &str = "CHATWARD_LOAD_RELAY";

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    if std::env::var_os(RELAY_ROLE).is_some() {
        runtime.block_on(relay());
    } else {
        runtime.block_on(generate());
    }
}

/// The relay under load, in its own process so that each side has its own file descriptor
/// budget (10,000 connections need 10,000 sockets on each side). Prints its address on the
/// first line of stdout and serves until killed.
async fn relay() {
    let dir = tempfile::tempdir().unwrap();
    let file = FileConfig {
        database: Some(format!("sqlite://{}", dir.path().join("load.db").display())),
        ..FileConfig::default()
    };
    let mut config = file.into_config().unwrap();
    // The generator sends faster than any person, all from 127.0.0.1: lift the
    // per-connection budget and the per-address limits.
    config.limits.frame_burst = u32::MAX;
    config.limits.frames_per_second = u32::MAX;
    config.limits.sockets_per_address = 0;
    config.limits.connections = Rate::UNLIMITED;
    config.limits.logins = Rate::UNLIMITED;
    let store = Store::connect(&config.database).await.unwrap();
    let account = OperatorAccount {
        username: "load".into(),
        display_name: "Load".into(),
        password_hash: hash_password("load-password").unwrap(),
    };
    store.put_operator(&account, 0).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("{}", listener.local_addr().unwrap());
    let service =
        app(AppState::new(config, store)).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(chatward_server::without_delay(listener), service)
        .await
        .unwrap();
}

/// The resident memory of process `pid` in KiB, where Linux's `/proc` tells it.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Kills the relay process when the generator ends, however it ends.
struct RelayProcess(std::process::Child);

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_relay() -> (RelayProcess, SocketAddr) {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .env(RELAY_ROLE, "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let relay = RelayProcess(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .parse()
        .expect("the relay prints its address first");
    (relay, addr)
}

async fn generate() {
    let connections = env_or("LOAD_CONNECTIONS", 2000).max(1);
    let rate = env_or("LOAD_RATE", 500).max(1);
    let seconds = env_or("LOAD_SECONDS", 5).max(1);
    let senders = env_or("LOAD_SENDERS", 100).clamp(1, connections);
    let (relay, addr) = start_relay();

    // The operator console, logged in through the API like a browser.
    let login = reqwest::Client::new()
        .post(format!("http://{addr}/api/operator/login"))
        .json(&serde_json::json!({ "username": "load", "password": "load-password" }))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut request = format!("ws://{addr}/ws/operator")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    let (mut operator, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(small_buffers()), true)
            .await
            .unwrap();

    let opening = Instant::now();
    let mut sockets = Vec::with_capacity(connections as usize);
    for _ in 0..connections {
        sockets.push(open_customer(addr).await);
    }
    let open_time = opening.elapsed();
    println!(
        "connections held: {connections} customer + 1 operator (opened and consented in {:.1} s, {:.0}/s)",
        open_time.as_secs_f64(),
        connections as f64 / open_time.as_secs_f64()
    );
    if let Some(rss) = resident_kib(relay.0.id()) {
        println!(
            "relay memory: {:.0} MiB resident, {:.1} KiB per connection",
            rss as f64 / 1024.0,
            rss as f64 / connections as f64
        );
    }

    // The operator side records when each message's entry arrives.
    let sent_at: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let total = rate * seconds;
    let delivered = {
        let sent_at = sent_at.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(total as usize);
            while (latencies.len() as u64) < total {
                let Ok(Some(Ok(message))) =
                    tokio::time::timeout(Duration::from_secs(10), operator.next()).await
                else {
                    break;
                };
                let Message::Text(text) = message else {
                    continue;
                };
                if let Ok(OperatorEvent::Entry { entry, .. }) = serde_json::from_str(text.as_str())
                    && let Some(client_id) = entry.client_id
                    && let Some(start) = sent_at.lock().await.get(&client_id)
                {
                    latencies.push(start.elapsed());
                }
            }
            latencies
        })
    };

    // Senders: each sends at rate/senders per second and waits for its acks. Their clocks
    // are spread over one interval, so messages arrive evenly, as from independent
    // customers, not all senders in the same millisecond.
    let per_sender = total / senders;
    let interval = Duration::from_secs_f64(senders as f64 / rate as f64);
    let first_tick = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for (index, (mut socket, _)) in sockets.drain(..senders as usize).enumerate() {
        let sent_at = sent_at.clone();
        let offset = interval.mul_f64(index as f64 / senders as f64);
        tasks.push(tokio::spawn(async move {
            let mut acks = Vec::with_capacity(per_sender as usize);
            let mut ticker = tokio::time::interval_at(first_tick + offset, interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for n in 0..per_sender {
                ticker.tick().await;
                let client_id = format!("s{index}-{n}");
                let start = Instant::now();
                sent_at.lock().await.insert(client_id.clone(), start);
                let frame = CustomerFrame::Message {
                    client_id: client_id.clone(),
                    text: "load test message".into(),
                };
                send(&mut socket, &frame).await;
                loop {
                    if let CustomerEvent::Ack {
                        client_id: acked, ..
                    } = recv_customer(&mut socket).await
                        && acked == client_id
                    {
                        acks.push(start.elapsed());
                        break;
                    }
                }
            }
            (acks, socket)
        }));
    }
    let sending = Instant::now();
    let mut acks = Vec::new();
    for task in tasks {
        let (mut latencies, _socket) = task.await.unwrap();
        acks.append(&mut latencies);
    }
    let send_time = sending.elapsed();
    let delivered = delivered.await.unwrap();
    println!(
        "messages: {} in {:.2} s = {:.0}/s (target {rate}/s) from {senders} conversations",
        acks.len(),
        send_time.as_secs_f64(),
        acks.len() as f64 / send_time.as_secs_f64()
    );
    report("customer send -> ack", acks);
    report("customer send -> operator entry", delivered);
    drop(sockets);
    drop(relay);
}
