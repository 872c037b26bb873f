//! Storage: every SQL statement of the relay lives in this module, behind one `Store` type.
//!
//! The queries go through sqlx's `Any` driver and use only SQL that SQLite and PostgreSQL
//! share (`$N` placeholders, `TEXT`/`BIGINT`, `RETURNING`), so `--database postgres://...`
//! runs the same code as the default SQLite file. Migrations are files in `migrations/`,
//! embedded in the binary and applied on start.

use std::fmt;
use std::str::FromStr;
use std::sync::Once;

use chatward_core::Category;
use chatward_core::protocol::{
    Attachment, Author, ConsentRecord, ConversationSummary, Entry, Millis,
};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Connection as _, Executor as _, Row};

/// Embedded migrations from `crates/chatward-server/migrations/`.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The console's view of a conversation: the latest consent and the customer entries the
/// operators have not read. Only conversations with a consent are listed. A macro, not a
/// `const`, so queries can `concat!` it and stay literal SQL.
macro_rules! summary_select {
    () => {
        "SELECT c.id, c.shop, c.started_at, c.last_seq, \
         (SELECT COUNT(*) FROM entries e WHERE e.conversation_id = c.id \
          AND e.author = 'customer' AND e.seq > c.operator_read_seq) AS unread, \
         k.statement_version, k.statement_hash, k.accepted_at, k.widget_version, c.closed_at \
         FROM conversations c JOIN consents k ON k.conversation_id = c.id \
         AND k.accepted_at = (SELECT MAX(k2.accepted_at) FROM consents k2 \
         WHERE k2.conversation_id = c.id) WHERE c.deleted_at IS NULL"
    };
}

/// The columns of an entry with its attachment, if any (`entries e LEFT JOIN attachments a`).
/// A macro, not a `const`, so queries can `concat!` it and stay literal SQL.
macro_rules! entry_select {
    () => {
        "SELECT e.seq, e.author, e.body, e.at, e.client_id, e.masked, a.id AS attachment_id, a.mime, \
         a.width, a.height, a.size FROM entries e LEFT JOIN attachments a \
         ON a.conversation_id = e.conversation_id AND a.seq = e.seq "
    };
}

/// The most entries one `entries_after` call returns.
pub const PAGE_LIMIT: i64 = 500;

/// What went wrong in storage. The text never contains message text or personal data.
#[derive(Debug)]
pub enum StoreError {
    /// The database URL is not one we support.
    UnsupportedUrl,
    /// Connecting or migrating failed.
    Open(String),
    /// A query failed.
    Query(sqlx::Error),
    /// A row held a value this version cannot read (for example an unknown author).
    Corrupt(&'static str),
    /// The conversation does not exist (any more): it was deleted while in use.
    Gone,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedUrl => {
                write!(
                    f,
                    "unsupported database URL: use sqlite://FILE or postgres://..."
                )
            }
            Self::Open(why) => write!(f, "cannot open the database: {why}"),
            Self::Query(error) => write!(f, "database query failed: {error}"),
            Self::Corrupt(what) => write!(f, "unreadable value in the database: {what}"),
            Self::Gone => write!(f, "the conversation was deleted"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self::Query(error)
    }
}

/// An operator account as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct OperatorAccount {
    /// Login name.
    pub username: String,
    /// The name shown to colleagues in the console.
    pub display_name: String,
    /// argon2 PHC string.
    pub password_hash: String,
}

impl fmt::Debug for OperatorAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperatorAccount")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A stored conversation's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    /// Public id.
    pub id: String,
    /// The shop it belongs to.
    pub shop: String,
    /// SHA-256 (hex) of the customer's secret token.
    pub token_hash: String,
    /// When the customer first consented.
    pub started_at: Millis,
    /// The highest `seq` handed out.
    pub last_seq: u64,
    /// Whether an operator closed it (and the customer has not written since).
    pub is_closed: bool,
}

/// The result of appending a message: the stored entry, and whether it was new or a resend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The entry as stored (for a resend: as stored the first time).
    pub entry: Entry,
    /// `false` when `client_id` had been stored before and nothing was written.
    pub is_new: bool,
}

/// A stored picture as the relay needs it to serve or delete the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    /// The attachment as entries carry it.
    pub attachment: Attachment,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// SHA-256 (hex) of that conversation's customer token.
    pub token_hash: String,
    /// The file's name inside the upload folder.
    pub file_name: String,
}

/// What [`Store::delete_inactive`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retired {
    /// How many conversations went.
    pub conversations: u64,
    /// Their ids, to tell connected clients.
    pub ids: Vec<String>,
    /// The upload-folder file names of their pictures, for the caller to delete.
    pub files: Vec<String>,
}

/// What [`Store::close`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// The conversation was open and is closed now.
    Closed,
    /// It was closed before; nothing changed.
    AlreadyClosed,
    /// No such conversation (or it was deleted).
    Unknown,
}

/// How [`Store::erase`] treats what a conversation leaves behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// Deleted on request at `at`: entries, pictures and the token go; the row stays,
    /// marked deleted, with its consents: the record that the privacy gate was passed.
    Requested {
        /// When it was deleted.
        at: Millis,
    },
    /// Retention: everything goes, consents and row included, provided nothing was written
    /// since `quiet_since` and it started before then.
    Expired {
        /// The retention cutoff.
        quiet_since: Millis,
    },
}

/// A pool of at most `max_connections` connections to the database of `options`.
async fn open_pool(
    options: sqlx::any::AnyConnectOptions,
    max_connections: u32,
    is_sqlite: bool,
) -> Result<AnyPool, StoreError> {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                if is_sqlite {
                    connection.execute("PRAGMA synchronous = NORMAL").await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|error| StoreError::Open(error.to_string()))
}

/// The relay's database.
#[derive(Clone, Debug)]
pub struct Store {
    /// Reads, from several connections at once.
    pool: AnyPool,
    /// Writes. On SQLite one connection: SQLite lets one writer in at a time, and writers
    /// racing for its lock wait in its busy handler, which sleeps 1 to 100 ms between tries;
    /// queued in this pool instead, the next writer starts the moment the last one commits,
    /// in order. On PostgreSQL the same pool as reads.
    writer: AnyPool,
}

impl Store {
    /// Opens (creating a SQLite file when missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let (url, max_connections) = if let Some(rest) = url.strip_prefix("sqlite:") {
            // SQLite writes one at a time anyway; a few connections serve concurrent reads.
            let url = if rest.contains("mode=") {
                url.to_owned()
            } else if rest.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (url, 4)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (url.to_owned(), 16)
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let options = sqlx::any::AnyConnectOptions::from_str(&url)
            .map_err(|error| StoreError::Open(error.to_string()))?;
        let is_sqlite = url.starts_with("sqlite:");
        if is_sqlite {
            // Write-ahead logging lets readers work while one connection writes, and with
            // `synchronous = NORMAL` (below) a commit needs no fsync of its own: the file
            // stays consistent on power loss, only the last commits may be lost. It is a
            // property of the file, so one connection sets it before the pool opens.
            let mut connection = sqlx::AnyConnection::connect_with(&options)
                .await
                .map_err(|error| StoreError::Open(error.to_string()))?;
            connection.execute("PRAGMA journal_mode = WAL").await?;
            connection.close().await?;
        }
        let pool = open_pool(options.clone(), max_connections, is_sqlite).await?;
        let writer = if is_sqlite {
            open_pool(options, 1, is_sqlite).await?
        } else {
            pool.clone()
        };
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|error| StoreError::Open(error.to_string()))?;
        Ok(Self { pool, writer })
    }

    // ---- operators ---------------------------------------------------------------------

    /// Creates an operator, or replaces the password and display name of an existing one.
    pub async fn put_operator(
        &self,
        account: &OperatorAccount,
        now: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO operators (username, display_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, \
             password_hash = excluded.password_hash",
        )
        .bind(&account.username)
        .bind(&account.display_name)
        .bind(&account.password_hash)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Looks an operator up by login name.
    pub async fn operator(&self, username: &str) -> Result<Option<OperatorAccount>, StoreError> {
        let row = sqlx::query(
            "SELECT username, display_name, password_hash FROM operators WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| read_operator(&row)).transpose()
    }

    /// Stores a new login session (by the hash of its token).
    pub async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO operator_sessions (token_hash, username, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(username)
        .bind(now)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The operator a live session belongs to; `None` when unknown or expired.
    pub async fn session_operator(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<OperatorAccount>, StoreError> {
        let row = sqlx::query(
            "SELECT o.username, o.display_name, o.password_hash \
             FROM operator_sessions s JOIN operators o ON o.username = s.username \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| read_operator(&row)).transpose()
    }

    /// Ends a session (logout). Unknown sessions are fine.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM operator_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    // ---- conversations and consent -----------------------------------------------------

    /// A conversation's header, if it exists and was not deleted.
    pub async fn conversation(&self, id: &str) -> Result<Option<ConversationRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, shop, token_hash, started_at, last_seq, closed_at FROM conversations \
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(ConversationRow {
                id: row.try_get("id")?,
                shop: row.try_get("shop")?,
                token_hash: row.try_get("token_hash")?,
                started_at: row.try_get("started_at")?,
                last_seq: to_seq(row.try_get("last_seq")?)?,
                is_closed: row.try_get::<Option<i64>, _>("closed_at")?.is_some(),
            })
        })
        .transpose()
    }

    /// Appends a consent, creating the conversation on its first consent.
    pub async fn record_consent(
        &self,
        conversation: &str,
        shop: &str,
        token_hash: &str,
        consent: &ConsentRecord,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO conversations (id, shop, token_hash, started_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(conversation)
        .bind(shop)
        .bind(token_hash)
        .bind(consent.accepted_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO consents (conversation_id, statement_version, statement_hash, \
             accepted_at, widget_version) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(conversation)
        .bind(&consent.statement_version)
        .bind(&consent.statement_hash)
        .bind(consent.accepted_at)
        .bind(&consent.widget_version)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The most recent consent of a conversation.
    pub async fn latest_consent(
        &self,
        conversation: &str,
    ) -> Result<Option<ConsentRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT statement_version, statement_hash, accepted_at, widget_version FROM consents \
             WHERE conversation_id = $1 ORDER BY accepted_at DESC LIMIT 1",
        )
        .bind(conversation)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| read_consent(&row)).transpose()
    }

    /// Every consent of a conversation, oldest first (for transcripts).
    pub async fn consents(&self, conversation: &str) -> Result<Vec<ConsentRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT statement_version, statement_hash, accepted_at, widget_version FROM consents \
             WHERE conversation_id = $1 ORDER BY accepted_at, statement_version",
        )
        .bind(conversation)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_consent).collect()
    }

    /// Conversations of the given shops that have a consent, newest first, for the console.
    pub async fn conversations(&self, limit: i64) -> Result<Vec<ConversationSummary>, StoreError> {
        let rows = sqlx::query(concat!(
            summary_select!(),
            " ORDER BY c.started_at DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_summary).collect()
    }

    /// One conversation as listed in the console.
    pub async fn summary(&self, id: &str) -> Result<Option<ConversationSummary>, StoreError> {
        let row = sqlx::query(concat!(summary_select!(), " AND c.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(read_summary).transpose()
    }

    /// Records that operators have read the conversation up to `seq`.
    pub async fn mark_operator_read(&self, conversation: &str, seq: u64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE conversations SET operator_read_seq = $2 \
             WHERE id = $1 AND operator_read_seq < $2 AND $2 <= last_seq",
        )
        .bind(conversation)
        .bind(from_seq(seq))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Marks a conversation closed by an operator at `at`. A customer's next entry reopens
    /// it (see `append`).
    pub async fn close(&self, id: &str, at: Millis) -> Result<Closing, StoreError> {
        let closed = sqlx::query(
            "UPDATE conversations SET closed_at = $2 \
             WHERE id = $1 AND deleted_at IS NULL AND closed_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(if closed > 0 {
            Closing::Closed
        } else if self.conversation(id).await?.is_some() {
            Closing::AlreadyClosed
        } else {
            Closing::Unknown
        })
    }

    /// Erases one conversation as `erasure` says, in one transaction: its entries and
    /// attachment rows always, its consents and row only when expired. Returns the
    /// upload-folder file names of its pictures, which the caller must delete, or `None`
    /// when there was nothing to erase (unknown, already deleted, or no longer quiet).
    pub async fn erase(
        &self,
        id: &str,
        erasure: Erasure,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let mut tx = self.writer.begin().await?;
        // The row first: that takes the write lock (SQLite) or the row lock (PostgreSQL), so
        // an append racing with the deletion either committed before, and is erased too (or,
        // for retention, keeps the conversation), or finds it deleted afterwards. The token
        // goes at once, so no customer session can be resumed with it.
        let found = match erasure {
            Erasure::Requested { at } => sqlx::query(
                "UPDATE conversations SET deleted_at = $2, closed_at = NULL, token_hash = '' \
                 WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            Erasure::Expired { quiet_since } => sqlx::query(
                "UPDATE conversations SET token_hash = '' WHERE id = $1 AND started_at < $2 \
                 AND NOT EXISTS (SELECT 1 FROM entries e \
                 WHERE e.conversation_id = conversations.id AND e.at >= $2)",
            )
            .bind(id)
            .bind(quiet_since)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if found == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let files =
            sqlx::query("DELETE FROM attachments WHERE conversation_id = $1 RETURNING file_name")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get("file_name"))
                .collect::<Result<Vec<String>, _>>()?;
        // Children before parents, so this does not depend on the database enforcing `ON
        // DELETE CASCADE` (SQLite only does with foreign keys switched on).
        sqlx::query("DELETE FROM entries WHERE conversation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Erasure::Expired { .. } = erasure {
            sqlx::query("DELETE FROM consents WHERE conversation_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM conversations WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(files))
    }

    /// Deletes the shop's conversations (with their consents, entries and attachment rows)
    /// that saw nothing new since `cutoff`, each by [`Store::erase`]; returns which went and
    /// the file names of their pictures, which the caller must delete from the upload
    /// folder. Retention: the shop keeps chats only as long as its statement says.
    pub async fn delete_inactive(&self, shop: &str, cutoff: Millis) -> Result<Retired, StoreError> {
        let quiet = sqlx::query(
            "SELECT id FROM conversations c WHERE c.shop = $1 AND c.started_at < $2 \
             AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.conversation_id = c.id \
             AND e.at >= $2)",
        )
        .bind(shop)
        .bind(cutoff)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<Result<Vec<String>, _>>()?;
        let mut retired = Retired::default();
        for id in quiet {
            let erasure = Erasure::Expired {
                quiet_since: cutoff,
            };
            if let Some(files) = self.erase(&id, erasure).await? {
                retired.conversations += 1;
                retired.ids.push(id);
                retired.files.extend(files);
            }
        }
        Ok(retired)
    }

    // ---- entries -----------------------------------------------------------------------

    /// Appends a message with the next `seq`. A `client_id` stored before for the same
    /// conversation and author returns the first entry with `is_new: false`.
    pub async fn append_entry(
        &self,
        conversation: &str,
        author: Author,
        text: &str,
        client_id: Option<&str>,
        now: Millis,
    ) -> Result<Appended, StoreError> {
        self.append(conversation, author, text, client_id, None, &[], now)
            .await
    }

    /// Appends a customer message in which the shop's policy masked `masked` (categories,
    /// never the values: `text` is already masked). Like [`Store::append_entry`] otherwise;
    /// the categories come back on the entry and in transcripts.
    pub async fn append_masked_entry(
        &self,
        conversation: &str,
        text: &str,
        masked: &[Category],
        client_id: &str,
        now: Millis,
    ) -> Result<Appended, StoreError> {
        self.append(
            conversation,
            Author::Customer,
            text,
            Some(client_id),
            None,
            masked,
            now,
        )
        .await
    }

    /// Appends a customer entry carrying a picture stored as `file_name` in the upload
    /// folder. Like [`Store::append_entry`], a `client_id` stored before returns the first
    /// entry with `is_new: false` and stores nothing (the caller then deletes its file).
    pub async fn append_attachment(
        &self,
        conversation: &str,
        client_id: &str,
        attachment: &Attachment,
        file_name: &str,
        now: Millis,
    ) -> Result<Appended, StoreError> {
        self.append(
            conversation,
            Author::Customer,
            "",
            Some(client_id),
            Some((attachment, file_name)),
            &[],
            now,
        )
        .await
    }

    // One private step behind the three public appends, each argument a column of the row.
    #[expect(clippy::too_many_arguments)]
    async fn append(
        &self,
        conversation: &str,
        author: Author,
        text: &str,
        client_id: Option<&str>,
        attachment: Option<(&Attachment, &str)>,
        masked: &[Category],
        now: Millis,
    ) -> Result<Appended, StoreError> {
        // A resend is rare: rather than looking for it first, let the unique index on
        // (conversation, author, client_id) refuse it and answer with the stored entry.
        let mut tx = self.writer.begin().await?;
        // Bumping the counter first takes the write lock (SQLite) or the row lock
        // (PostgreSQL), so concurrent appends to one conversation queue up and seq stays
        // gapless. A customer's entry reopens a closed conversation in the same statement.
        // A deleted conversation takes nothing more.
        let seq: i64 = sqlx::query(
            "UPDATE conversations SET last_seq = last_seq + 1, \
             closed_at = CASE WHEN $2 = 'customer' THEN NULL ELSE closed_at END \
             WHERE id = $1 AND deleted_at IS NULL RETURNING last_seq",
        )
        .bind(conversation)
        .bind(author_name(author))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Gone)?
        .try_get("last_seq")?;
        let inserted = sqlx::query(
            "INSERT INTO entries (conversation_id, seq, author, body, at, client_id, masked) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(conversation)
        .bind(seq)
        .bind(author_name(author))
        .bind(text)
        .bind(now)
        .bind(client_id)
        .bind(masked_names(masked))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {
                if let Some((attachment, file_name)) = attachment {
                    sqlx::query(
                        "INSERT INTO attachments (id, conversation_id, seq, mime, width, height, \
                         size, file_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&attachment.id)
                    .bind(conversation)
                    .bind(seq)
                    .bind(&attachment.mime)
                    .bind(i64::from(attachment.width))
                    .bind(i64::from(attachment.height))
                    .bind(i64::try_from(attachment.size).unwrap_or(i64::MAX))
                    .bind(file_name)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                let entry = Entry {
                    seq: to_seq(seq)?,
                    author,
                    text: text.to_owned(),
                    at: now,
                    client_id: client_id.map(str::to_owned),
                    attachment: attachment.map(|(attachment, _)| attachment.clone()),
                    masked: masked.to_vec(),
                };
                Ok(Appended {
                    entry,
                    is_new: true,
                })
            }
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                // The same message raced in on another connection: answer with that one.
                tx.rollback().await?;
                let entry = self
                    .entry_by_client_id(conversation, author, client_id)
                    .await?
                    .ok_or(StoreError::Corrupt(
                        "entry vanished after a unique violation",
                    ))?;
                Ok(Appended {
                    entry,
                    is_new: false,
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn entry_by_client_id(
        &self,
        conversation: &str,
        author: Author,
        client_id: Option<&str>,
    ) -> Result<Option<Entry>, StoreError> {
        let Some(client_id) = client_id else {
            return Ok(None);
        };
        let row = sqlx::query(concat!(
            entry_select!(),
            "WHERE e.conversation_id = $1 AND e.author = $2 AND e.client_id = $3"
        ))
        .bind(conversation)
        .bind(author_name(author))
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| read_entry(&row)).transpose()
    }

    /// Entries with `seq > after_seq`, oldest first, at most [`PAGE_LIMIT`].
    pub async fn entries_after(
        &self,
        conversation: &str,
        after_seq: u64,
    ) -> Result<Vec<Entry>, StoreError> {
        let rows = sqlx::query(concat!(
            entry_select!(),
            "WHERE e.conversation_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3"
        ))
        .bind(conversation)
        .bind(from_seq(after_seq))
        .bind(PAGE_LIMIT)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_entry).collect()
    }

    /// A stored picture with its conversation's token hash, if the id exists.
    pub async fn attachment(&self, id: &str) -> Result<Option<StoredAttachment>, StoreError> {
        let row = sqlx::query(
            "SELECT a.id AS attachment_id, a.mime, a.width, a.height, a.size, a.file_name, \
             a.conversation_id, c.token_hash FROM attachments a \
             JOIN conversations c ON c.id = a.conversation_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let attachment = read_attachment(&row)?.ok_or(StoreError::Corrupt("attachment id"))?;
        Ok(Some(StoredAttachment {
            attachment,
            conversation_id: row.try_get("conversation_id")?,
            token_hash: row.try_get("token_hash")?,
            file_name: row.try_get("file_name")?,
        }))
    }
}

fn read_operator(row: &AnyRow) -> Result<OperatorAccount, StoreError> {
    Ok(OperatorAccount {
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
    })
}

fn read_consent(row: &AnyRow) -> Result<ConsentRecord, StoreError> {
    Ok(ConsentRecord {
        statement_version: row.try_get("statement_version")?,
        statement_hash: row.try_get("statement_hash")?,
        accepted_at: row.try_get("accepted_at")?,
        widget_version: row.try_get("widget_version")?,
    })
}

fn read_summary(row: &AnyRow) -> Result<ConversationSummary, StoreError> {
    Ok(ConversationSummary {
        id: row.try_get("id")?,
        shop: row.try_get("shop")?,
        started_at: row.try_get("started_at")?,
        last_seq: to_seq(row.try_get("last_seq")?)?,
        unread: to_seq(row.try_get("unread")?)?,
        consent: Some(read_consent(row)?),
        closed: row.try_get::<Option<i64>, _>("closed_at")?.is_some(),
        policy: None,
    })
}

fn read_entry(row: &AnyRow) -> Result<Entry, StoreError> {
    let author: String = row.try_get("author")?;
    Ok(Entry {
        seq: to_seq(row.try_get("seq")?)?,
        author: parse_author(&author).ok_or(StoreError::Corrupt("entry author"))?,
        text: row.try_get("body")?,
        at: row.try_get("at")?,
        client_id: row.try_get("client_id")?,
        attachment: read_attachment(row)?,
        masked: read_masked(row.try_get("masked")?)?,
    })
}

/// The `masked` column: category names joined by `,`, or NULL when nothing was masked.
fn masked_names(masked: &[Category]) -> Option<String> {
    if masked.is_empty() {
        return None;
    }
    let names: Vec<&str> = masked.iter().map(|category| category.as_str()).collect();
    Some(names.join(","))
}

fn read_masked(column: Option<String>) -> Result<Vec<Category>, StoreError> {
    column
        .iter()
        .flat_map(|names| names.split(','))
        .map(|name| Category::from_name(name).ok_or(StoreError::Corrupt("masked category")))
        .collect()
}

/// The attachment columns of a row (`attachment_id`, `mime`, `width`, `height`, `size`);
/// `None` when the entry has none.
fn read_attachment(row: &AnyRow) -> Result<Option<Attachment>, StoreError> {
    let Some(id) = row.try_get::<Option<String>, _>("attachment_id")? else {
        return Ok(None);
    };
    let dimension = |name| -> Result<u32, StoreError> {
        u32::try_from(row.try_get::<i64, _>(name)?)
            .map_err(|_| StoreError::Corrupt("attachment dimension"))
    };
    Ok(Some(Attachment {
        id,
        mime: row.try_get("mime")?,
        width: dimension("width")?,
        height: dimension("height")?,
        size: u64::try_from(row.try_get::<i64, _>("size")?)
            .map_err(|_| StoreError::Corrupt("attachment size"))?,
    }))
}

fn author_name(author: Author) -> &'static str {
    match author {
        Author::Customer => "customer",
        Author::Operator => "operator",
        Author::System => "system",
    }
}

fn parse_author(name: &str) -> Option<Author> {
    [Author::Customer, Author::Operator, Author::System]
        .into_iter()
        .find(|author| author_name(*author) == name)
}

fn to_seq(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt("negative sequence number"))
}

fn from_seq(seq: u64) -> i64 {
    // Sequence numbers beyond i64::MAX cannot exist in the database; clamping keeps a
    // hostile `after_seq` from wrapping around to a negative number.
    i64::try_from(seq).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_names_round_trip() {
        for author in [Author::Customer, Author::Operator, Author::System] {
            assert_eq!(parse_author(author_name(author)), Some(author));
        }
        assert_eq!(parse_author("admin"), None);
    }

    #[test]
    fn huge_sequence_numbers_clamp() {
        assert_eq!(from_seq(u64::MAX), i64::MAX);
        assert_eq!(from_seq(7), 7);
        assert!(to_seq(-1).is_err());
    }
}
