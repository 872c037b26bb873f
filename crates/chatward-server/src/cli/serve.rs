//! `chatward serve`: reads the configuration (file, then flags and `CHATWARD_*` variables on
//! top), sets up tracing, opens the database and serves the relay (and the demo shop page).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::config::FileConfig;
use crate::store::{OperatorAccount, Store};
use crate::{AppState, app, demo_shop_app};

/// Arguments of `chatward serve`. Each flag can also be set by the `CHATWARD_*` variable
/// named beside it; flags and variables win over the configuration file.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// TOML configuration file (shops, statements, limits). Without one, the demo shop.
    #[arg(long, env = "CHATWARD_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port [default: 127.0.0.1:8080].
    #[arg(long, env = "CHATWARD_LISTEN")]
    listen: Option<String>,
    /// Database URL: sqlite://FILE (created if missing) or postgres://...
    /// [default: sqlite://chatward.db].
    #[arg(long, env = "CHATWARD_DATABASE")]
    database: Option<String>,
    /// Folder with the built widget, from `cargo xtask dist` [default: dist].
    #[arg(long, env = "CHATWARD_STATIC_DIR")]
    static_dir: Option<PathBuf>,
    /// Folder for uploaded files [default: uploads].
    #[arg(long, env = "CHATWARD_UPLOAD_DIR")]
    upload_dir: Option<PathBuf>,
    /// Also serve the demo shop page on this address (a different origin from the relay).
    #[arg(long, env = "CHATWARD_DEMO_SHOP")]
    demo_shop: Option<SocketAddr>,
    /// Create (or reset) the operator `demo` with password `demo`. For demos only.
    #[arg(long)]
    demo_operator: bool,
}

/// Runs `chatward serve`.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Logs go to stderr: stdout carries only the "listening" lines that scripts parse.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CHATWARD_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("chatward_server=info,tower_http=warn")
            }),
        )
        .init();
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the configuration file {}", path.display())
            })?;
            FileConfig::parse(&text)?
        }
        None => FileConfig::default(),
    };
    file.listen = args.listen.or(file.listen);
    file.database = args.database.or(file.database);
    file.static_dir = args.static_dir.or(file.static_dir);
    file.upload_dir = args.upload_dir.or(file.upload_dir);
    let config = file.into_config()?;

    let store = Store::connect(&config.database).await?;
    if args.demo_operator {
        let password_hash = tokio::task::spawn_blocking(|| crate::hash_password("demo"))
            .await?
            .map_err(|error| anyhow::anyhow!("cannot hash the demo password: {error}"))?;
        let account = OperatorAccount {
            username: "demo".to_owned(),
            display_name: "Demo operator".to_owned(),
            password_hash,
        };
        store
            .put_operator(&account, crate::state::now_millis())
            .await?;
    }
    if !config.static_dir.is_dir() {
        tracing::warn!(dir = %config.static_dir.display(), "static folder missing; run `cargo xtask dist`");
    }

    let relay = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let relay_origin = format!("http://{}", relay.local_addr()?);
    println!("chatward: relay listening on {relay_origin}");
    let demo = match args.demo_shop {
        Some(address) => {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on {address} for the demo shop"))?;
            println!("chatward: demo shop on http://{}", listener.local_addr()?);
            Some((
                listener,
                demo_shop_app(&config.static_dir, relay_origin.clone()),
            ))
        }
        None => None,
    };
    if args.demo_operator {
        println!("chatward: demo operator login demo / demo");
    }

    let state = AppState::new(config, store);
    tokio::spawn(retention(state.clone()));
    // Each connection's address feeds the per-address limits (see `limits.rs`).
    let relay_app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let relay_server =
        axum::serve(crate::without_delay(relay), relay_app).with_graceful_shutdown(shutdown());
    match demo {
        Some((listener, demo_app)) => {
            let demo_server = axum::serve(crate::without_delay(listener), demo_app)
                .with_graceful_shutdown(shutdown());
            tokio::try_join!(relay_server.into_future(), demo_server.into_future())?;
        }
        None => relay_server.await?,
    }
    tracing::info!("stopped");
    Ok(())
}

/// How often expired conversations are looked for.
const RETENTION_PERIOD: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Deletes each shop's conversations older than its retention, on start and every hour.
async fn retention(state: AppState) {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    let mut ticker = tokio::time::interval(RETENTION_PERIOD);
    loop {
        ticker.tick().await;
        for shop in state.config.shops.values() {
            let cutoff = crate::state::now_millis() - i64::from(shop.retention_days) * DAY_MS;
            match crate::delete_inactive(&state, &shop.id, cutoff).await {
                Ok(0) => {}
                Ok(deleted) => {
                    tracing::info!(shop = %shop.id, deleted, "expired conversations deleted")
                }
                Err(error) => tracing::error!(%error, shop = %shop.id, "retention failed"),
            }
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
