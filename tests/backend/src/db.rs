//! SQLite storage: users, their task assignments, tokens, batches, sheets, the per-batch event
//! log and received files.
//!
//! One connection behind a mutex: every call is short and never held across an await.
//! The later generation's tables live in [`later`].

mod later;
pub use later::{Recovered, UploadOptions};

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A user as the auth endpoints describe it (`UserInfo`).
#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub user_id: i64,
    pub username: String,
    #[serde(skip)]
    pub password: String,
    pub email: String,
    pub full_name: String,
    pub is_admin: bool,
    pub role_hierarchy: i64,
    pub school_id: Option<i64>,
    pub class_id: Option<i64>,
    pub scopes: Vec<serde_json::Value>,
}

/// One row of `omr_batches`.
#[derive(Clone, Debug)]
pub struct Batch {
    pub batch_id: i64,
    pub batch_uuid: String,
    pub batch_name: Option<String>,
    /// DB spelling: `zip_qr`, `zip_no_qr` or `images`.
    pub upload_type: String,
    pub status: String,
    pub sheet_count: i64,
    pub file_size_bytes: i64,
    pub uploaded_by: i64,
    pub task_id: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    pub processing_started_at: Option<String>,
    pub completed_at: Option<String>,
    pub error_message: Option<String>,
    /// Where the received upload lies (a ZIP, one image, or a directory of images).
    pub stored_path: Option<String>,
}

/// What a new batch starts with.
pub struct NewBatch<'a> {
    pub batch_uuid: &'a str,
    pub batch_name: &'a str,
    pub upload_type: &'a str,
    pub file_size_bytes: i64,
    pub uploaded_by: i64,
    pub task_id: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub created_at: &'a str,
    pub stored_path: Option<&'a str>,
}

/// One answer sheet of a batch.
#[derive(Clone, Debug, Serialize)]
pub struct Sheet {
    pub sheet_uuid: String,
    pub sequence_number: i64,
    pub image_path: String,
    pub task_id: Option<String>,
    pub status: String,
    pub error_message: Option<String>,
    pub processing_time_ms: Option<i64>,
}

/// One stored stream event of a batch.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub seq: i64,
    pub name: String,
    pub data: String,
    pub unix_time: f64,
}

/// A file as the backend received it: proof of byte-exact reassembly for tests.
#[derive(Clone, Debug, Serialize)]
pub struct ReceivedFile {
    pub batch_uuid: String,
    pub name: String,
    pub size: i64,
    pub sha256: String,
}

/// Counts of a batch's sheets by status.
#[derive(Clone, Copy, Debug, Default)]
pub struct SheetCounts {
    pub total: i64,
    pub completed: i64,
    pub failed: i64,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users(
  user_id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, password TEXT NOT NULL,
  email TEXT NOT NULL, full_name TEXT NOT NULL, is_admin INTEGER NOT NULL, role_hierarchy INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  token TEXT PRIMARY KEY, user_id INTEGER NOT NULL, kind TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS batches(
  batch_id INTEGER PRIMARY KEY AUTOINCREMENT, batch_uuid TEXT UNIQUE NOT NULL, batch_name TEXT,
  upload_type TEXT NOT NULL, status TEXT NOT NULL, sheet_count INTEGER NOT NULL DEFAULT 0,
  file_size_bytes INTEGER NOT NULL DEFAULT 0, uploaded_by INTEGER NOT NULL, task_id TEXT, notes TEXT,
  created_at TEXT NOT NULL, processing_started_at TEXT, completed_at TEXT, error_message TEXT,
  stored_path TEXT);
CREATE TABLE IF NOT EXISTS sheets(
  sheet_id INTEGER PRIMARY KEY, sheet_uuid TEXT NOT NULL, batch_id INTEGER NOT NULL,
  sequence_number INTEGER NOT NULL, image_path TEXT NOT NULL, task_id TEXT, status TEXT NOT NULL,
  error_message TEXT, processing_time_ms INTEGER);
CREATE INDEX IF NOT EXISTS sheets_by_batch ON sheets(batch_id, sequence_number);
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, batch_id INTEGER NOT NULL, name TEXT NOT NULL,
  data TEXT NOT NULL, unix_time REAL NOT NULL);
CREATE TABLE IF NOT EXISTS task_assignments(
  user_id INTEGER NOT NULL, task_id TEXT NOT NULL, PRIMARY KEY(user_id, task_id));
CREATE TABLE IF NOT EXISTS received_files(
  id INTEGER PRIMARY KEY, batch_uuid TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,
  sha256 TEXT NOT NULL);
";

const BATCH_COLUMNS: &str = "batch_id, batch_uuid, batch_name, upload_type, status, sheet_count, \
    file_size_bytes, uploaded_by, task_id, notes, created_at, processing_started_at, completed_at, \
    error_message, stored_path";

/// The database handle shared by all handlers.
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (creating if needed) the database file and its schema.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(later::SCHEMA)?;
        Ok(Db { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the data valid (every write is one statement).
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every row of a query, mapped; a failing query reads as no rows (as a missing table would).
    fn query_all<T>(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
        map: impl FnMut(&Row) -> rusqlite::Result<T>,
    ) -> Vec<T> {
        let conn = self.conn();
        let rows =
            conn.prepare(sql).and_then(|mut stmt| stmt.query_map(args, map)?.collect::<rusqlite::Result<Vec<T>>>());
        rows.unwrap_or_default()
    }

    /// Inserts a user unless one with that name exists.
    pub fn ensure_user(&self, user: &User) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO users(user_id, username, password, email, full_name, is_admin, role_hierarchy)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                user.user_id,
                user.username,
                user.password,
                user.email,
                user.full_name,
                user.is_admin,
                user.role_hierarchy
            ],
        )?;
        Ok(())
    }

    /// Looks a user up by name.
    pub fn user_by_name(&self, username: &str) -> Option<User> {
        self.user_where("username = ?1", params![username])
    }

    /// Looks a user up by id.
    pub fn user_by_id(&self, user_id: i64) -> Option<User> {
        self.user_where("user_id = ?1", params![user_id])
    }

    fn user_where(&self, condition: &str, args: impl rusqlite::Params) -> Option<User> {
        let sql = format!(
            "SELECT user_id, username, password, email, full_name, is_admin, role_hierarchy FROM users WHERE {condition}"
        );
        self.conn()
            .query_row(&sql, args, |row| {
                Ok(User {
                    user_id: row.get(0)?,
                    username: row.get(1)?,
                    password: row.get(2)?,
                    email: row.get(3)?,
                    full_name: row.get(4)?,
                    is_admin: row.get(5)?,
                    role_hierarchy: row.get(6)?,
                    school_id: None,
                    class_id: None,
                    scopes: Vec::new(),
                })
            })
            .optional()
            .unwrap_or(None)
    }

    /// Assigns a task to a user; false when it already was.
    pub fn assign_task(&self, user_id: i64, task_id: &str) -> rusqlite::Result<bool> {
        let added = self.conn().execute(
            "INSERT OR IGNORE INTO task_assignments(user_id, task_id) VALUES (?1, ?2)",
            params![user_id, task_id],
        )?;
        Ok(added > 0)
    }

    /// The tasks a user is assigned to, sorted.
    pub fn assigned_tasks(&self, user_id: i64) -> Vec<String> {
        self.query_all(
            "SELECT task_id FROM task_assignments WHERE user_id = ?1 ORDER BY task_id",
            params![user_id],
            |row| row.get(0),
        )
    }

    /// Stores an issued token.
    pub fn insert_token(&self, token: &str, user_id: i64, kind: &str, expires_at: i64) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO tokens(token, user_id, kind, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![token, user_id, kind, expires_at],
        )?;
        Ok(())
    }

    /// The user and expiry of a token of the given kind, if it was ever issued.
    pub fn token(&self, token: &str, kind: &str) -> Option<(i64, i64)> {
        self.conn()
            .query_row(
                "SELECT user_id, expires_at FROM tokens WHERE token = ?1 AND kind = ?2",
                params![token, kind],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .unwrap_or(None)
    }

    /// Makes every access token expired as of `now` (the test fault "expire all tokens").
    pub fn expire_access_tokens(&self, now: i64) -> rusqlite::Result<usize> {
        self.conn().execute("UPDATE tokens SET expires_at = ?1 WHERE kind = 'access' AND expires_at > ?1", params![now])
    }

    /// Creates a batch with status `uploaded` and returns its integer id.
    pub fn insert_batch(&self, b: &NewBatch) -> rusqlite::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO batches(batch_uuid, batch_name, upload_type, status, file_size_bytes, uploaded_by,
               task_id, notes, created_at, stored_path)
             VALUES (?1, ?2, ?3, 'uploaded', ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                b.batch_uuid,
                b.batch_name,
                b.upload_type,
                b.file_size_bytes,
                b.uploaded_by,
                b.task_id,
                b.notes,
                b.created_at,
                b.stored_path
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Writes a complete batch row as-is (demo seeding).
    pub fn insert_batch_row(&self, b: &Batch) -> rusqlite::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO batches(batch_uuid, batch_name, upload_type, status, sheet_count, file_size_bytes,
               uploaded_by, task_id, notes, created_at, processing_started_at, completed_at, error_message, stored_path)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                b.batch_uuid,
                b.batch_name,
                b.upload_type,
                b.status,
                b.sheet_count,
                b.file_size_bytes,
                b.uploaded_by,
                b.task_id,
                b.notes,
                b.created_at,
                b.processing_started_at,
                b.completed_at,
                b.error_message,
                b.stored_path
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Number of batches stored.
    pub fn batch_total(&self) -> i64 {
        self.conn().query_row("SELECT COUNT(*) FROM batches", [], |row| row.get(0)).unwrap_or(0)
    }

    /// A batch by its public UUID.
    pub fn batch_by_uuid(&self, uuid: &str) -> Option<Batch> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE batch_uuid = ?1");
        self.conn().query_row(&sql, params![uuid], batch_from_row).optional().unwrap_or(None)
    }

    /// A batch by its integer key.
    pub fn batch_by_id(&self, batch_id: i64) -> Option<Batch> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM batches WHERE batch_id = ?1");
        self.conn().query_row(&sql, params![batch_id], batch_from_row).optional().unwrap_or(None)
    }

    /// Batches still to be processed (after a restart their simulation is started again).
    pub fn unfinished_batches_with_files(&self) -> Vec<Batch> {
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM batches WHERE status IN ('uploaded','validating','processing') AND stored_path IS NOT NULL"
        );
        self.query_all(&sql, [], batch_from_row)
    }

    /// One page of batches, newest first, with the total matching the filter.
    pub fn list_batches(&self, owner: Option<i64>, status: Option<&str>, limit: i64, offset: i64) -> (Vec<Batch>, i64) {
        let filter = "(?1 IS NULL OR uploaded_by = ?1) AND (?2 IS NULL OR status = ?2)";
        let total = self
            .conn()
            .query_row(&format!("SELECT COUNT(*) FROM batches WHERE {filter}"), params![owner, status], |row| {
                row.get(0)
            })
            .unwrap_or(0);
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM batches WHERE {filter} ORDER BY created_at DESC, batch_id DESC LIMIT ?3 OFFSET ?4"
        );
        (self.query_all(&sql, params![owner, status, limit, offset], batch_from_row), total)
    }

    /// Sets the status, and optionally the error message and timestamps, of a batch.
    pub fn update_status(&self, batch_id: i64, status: &str) -> rusqlite::Result<()> {
        self.conn().execute("UPDATE batches SET status = ?2 WHERE batch_id = ?1", params![batch_id, status])?;
        Ok(())
    }

    /// Marks processing as started with `sheet_count` sheets.
    pub fn start_processing(&self, batch_id: i64, sheet_count: i64, at: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE batches SET status = 'processing', sheet_count = ?2, processing_started_at = ?3 WHERE batch_id = ?1",
            params![batch_id, sheet_count, at],
        )?;
        Ok(())
    }

    /// Ends a batch as `completed` or `failed`; both set `completed_at`.
    pub fn finish(&self, batch_id: i64, status: &str, error_message: Option<&str>, at: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE batches SET status = ?2, error_message = ?3, completed_at = ?4 WHERE batch_id = ?1",
            params![batch_id, status, error_message, at],
        )?;
        Ok(())
    }

    /// Deletes a batch with its sheets and events; false when it did not exist.
    pub fn delete_batch(&self, batch_id: i64) -> rusqlite::Result<bool> {
        let conn = self.conn();
        conn.execute("DELETE FROM sheets WHERE batch_id = ?1", params![batch_id])?;
        conn.execute("DELETE FROM events WHERE batch_id = ?1", params![batch_id])?;
        conn.execute("DELETE FROM result_cache WHERE batch_id = ?1", params![batch_id])?;
        Ok(conn.execute("DELETE FROM batches WHERE batch_id = ?1", params![batch_id])? > 0)
    }

    /// Replaces a batch's sheets by `pending` rows for the given image names and task ids.
    pub fn create_sheets(
        &self,
        batch_id: i64,
        batch_uuid: &str,
        images: &[(String, Option<String>)],
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM sheets WHERE batch_id = ?1", params![batch_id])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO sheets(sheet_uuid, batch_id, sequence_number, image_path, task_id, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
            )?;
            for (index, (image, task)) in images.iter().enumerate() {
                let sheet_uuid = uuid::Uuid::new_v4().to_string();
                insert.execute(params![
                    sheet_uuid,
                    batch_id,
                    index as i64 + 1,
                    format!("{batch_uuid}/{image}"),
                    task
                ])?;
            }
        }
        tx.commit()
    }

    /// Finishes sheets `from..=to` (sequence numbers): names containing FAIL fail, the rest complete.
    pub fn finish_sheets(&self, batch_id: i64, from: i64, to: i64) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE sheets SET
               status = CASE WHEN image_path LIKE '%FAIL%' THEN 'failed' ELSE 'completed' END,
               error_message = CASE WHEN image_path LIKE '%FAIL%' THEN 'Could not read the answer grid' ELSE NULL END,
               processing_time_ms = 180 + (sequence_number * 37) % 120
             WHERE batch_id = ?1 AND sequence_number BETWEEN ?2 AND ?3",
            params![batch_id, from, to],
        )?;
        Ok(())
    }

    /// Counts of sheets by status.
    pub fn sheet_counts(&self, batch_id: i64) -> SheetCounts {
        self.conn()
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(status = 'completed'), 0), COALESCE(SUM(status = 'failed'), 0)
                 FROM sheets WHERE batch_id = ?1",
                params![batch_id],
                |row| Ok(SheetCounts { total: row.get(0)?, completed: row.get(1)?, failed: row.get(2)? }),
            )
            .unwrap_or_default()
    }

    /// The first `limit` sheets of a batch in sequence order.
    pub fn sheets(&self, batch_id: i64, limit: i64) -> Vec<Sheet> {
        self.query_all(
            "SELECT sheet_uuid, sequence_number, image_path, task_id, status, error_message, processing_time_ms
             FROM sheets WHERE batch_id = ?1 ORDER BY sequence_number LIMIT ?2",
            params![batch_id, limit],
            |row| {
                Ok(Sheet {
                    sheet_uuid: row.get(0)?,
                    sequence_number: row.get(1)?,
                    image_path: row.get(2)?,
                    task_id: row.get(3)?,
                    status: row.get(4)?,
                    error_message: row.get(5)?,
                    processing_time_ms: row.get(6)?,
                })
            },
        )
    }

    /// Task ids that already have sheets in batches other than `batch_id` (duplicate detection).
    pub fn tasks_with_sheets(&self, batch_id: i64) -> Vec<String> {
        self.query_all(
            "SELECT DISTINCT task_id FROM sheets WHERE task_id IS NOT NULL AND batch_id != ?1",
            params![batch_id],
            |row| row.get(0),
        )
    }

    /// Appends an event to a batch's log and returns its sequence number.
    pub fn append_event(&self, batch_id: i64, name: &str, data: &str, unix_time: f64) -> rusqlite::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO events(batch_id, name, data, unix_time) VALUES (?1, ?2, ?3, ?4)",
            params![batch_id, name, data, unix_time],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// The stored log of a batch, oldest first, at most 1000 entries (the real server's cap).
    pub fn events(&self, batch_id: i64) -> Vec<StoredEvent> {
        self.query_all(
            "SELECT seq, name, data, unix_time FROM events WHERE batch_id = ?1 ORDER BY seq LIMIT 1000",
            params![batch_id],
            |row| Ok(StoredEvent { seq: row.get(0)?, name: row.get(1)?, data: row.get(2)?, unix_time: row.get(3)? }),
        )
    }

    /// Records a received file's name, size and SHA-256.
    pub fn record_file(&self, file: &ReceivedFile) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO received_files(batch_uuid, name, size, sha256) VALUES (?1, ?2, ?3, ?4)",
            params![file.batch_uuid, file.name, file.size, file.sha256],
        )?;
        Ok(())
    }

    /// Files received for a batch.
    pub fn received_files(&self, batch_uuid: &str) -> Vec<ReceivedFile> {
        self.query_all(
            "SELECT batch_uuid, name, size, sha256 FROM received_files WHERE batch_uuid = ?1 ORDER BY id",
            params![batch_uuid],
            |row| {
                Ok(ReceivedFile { batch_uuid: row.get(0)?, name: row.get(1)?, size: row.get(2)?, sha256: row.get(3)? })
            },
        )
    }
}

fn batch_from_row(row: &Row) -> rusqlite::Result<Batch> {
    Ok(Batch {
        batch_id: row.get(0)?,
        batch_uuid: row.get(1)?,
        batch_name: row.get(2)?,
        upload_type: row.get(3)?,
        status: row.get(4)?,
        sheet_count: row.get(5)?,
        file_size_bytes: row.get(6)?,
        uploaded_by: row.get(7)?,
        task_id: row.get(8)?,
        notes: row.get(9)?,
        created_at: row.get(10)?,
        processing_started_at: row.get(11)?,
        completed_at: row.get(12)?,
        error_message: row.get(13)?,
        stored_path: row.get(14)?,
    })
}
