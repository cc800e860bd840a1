//! Storage of the later backend generation (contract §5.9): the result cache that `/recover`
//! rescues from, the upload options each batch was sent with, and the filtered list.
//!
//! The result cache stands in for the real server's Redis results (`omr:result:{sheet_id}`):
//! workers leave each sheet's result there and the batch writes them to MySQL at the end. When
//! a batch ends `failed` (a cancel, a processing failure) the results of the sheets already
//! processed stay in the cache and the sheet rows read `pending` again, which is how the real
//! UI came to show "0 processed" for batches whose sheets had all been read.

use super::{batch_from_row, Batch, Db, BATCH_COLUMNS};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The tables of this module, created with the others when the database opens.
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS result_cache(
  batch_id INTEGER NOT NULL, sequence_number INTEGER NOT NULL, status TEXT NOT NULL,
  error_message TEXT, processing_time_ms INTEGER, PRIMARY KEY(batch_id, sequence_number));
CREATE TABLE IF NOT EXISTS upload_options(
  owner TEXT PRIMARY KEY, profile_id INTEGER, alignment_mode TEXT);
";

/// The optional upload fields `profile_id` and `alignment_mode` as the server received them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UploadOptions {
    pub profile_id: Option<i64>,
    pub alignment_mode: Option<String>,
}

/// What `/recover` wrote back.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Recovered {
    /// Sheets whose cached result was written back.
    pub sheets: i64,
    /// Of those, the sheets that were read successfully (the ones with answers).
    pub completed: i64,
}

/// Moves the results of a batch's processed sheets into the cache and makes those sheets
/// `pending` again.
fn stash(conn: &Connection, batch_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO result_cache(batch_id, sequence_number, status, error_message, processing_time_ms)
         SELECT batch_id, sequence_number, status, error_message, processing_time_ms
         FROM sheets WHERE batch_id = ?1 AND status != 'pending'",
        params![batch_id],
    )?;
    conn.execute(
        "UPDATE sheets SET status = 'pending', error_message = NULL, processing_time_ms = NULL
         WHERE batch_id = ?1 AND status != 'pending'",
        params![batch_id],
    )?;
    Ok(())
}

impl Db {
    /// Ends a batch that is not yet `completed` or `failed` as `failed`, keeping the results of
    /// its processed sheets in the cache; false (and nothing changed) when it had already ended
    /// or is gone.
    pub fn fail_keeping_results(&self, batch_id: i64, error_message: &str, at: &str) -> rusqlite::Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let ended = tx.execute(
            "UPDATE batches SET status = 'failed', error_message = ?2, completed_at = ?3
             WHERE batch_id = ?1 AND status NOT IN ('completed', 'failed')",
            params![batch_id, error_message, at],
        )?;
        if ended == 0 {
            return Ok(false);
        }
        stash(&tx, batch_id)?;
        tx.commit()?;
        Ok(true)
    }

    /// Moves a seeded failed batch's processed results into the cache (demo data).
    pub fn stash_results(&self, batch_id: i64) -> rusqlite::Result<()> {
        stash(&self.conn(), batch_id)
    }

    /// How many sheet results of a batch wait in the cache.
    pub fn cached_results(&self, batch_id: i64) -> i64 {
        self.conn()
            .query_row("SELECT COUNT(*) FROM result_cache WHERE batch_id = ?1", params![batch_id], |row| row.get(0))
            .unwrap_or(0)
    }

    /// Writes the cached results back to their sheets, empties the cache and, when anything was
    /// written, marks the batch `completed` at `at`.
    pub fn recover_results(&self, batch_id: i64, at: &str) -> rusqlite::Result<Recovered> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let recovered = tx.query_row(
            "SELECT COUNT(*), COALESCE(SUM(status = 'completed'), 0) FROM result_cache WHERE batch_id = ?1",
            params![batch_id],
            |row| Ok(Recovered { sheets: row.get(0)?, completed: row.get(1)? }),
        )?;
        if recovered.sheets == 0 {
            return Ok(recovered);
        }
        tx.execute(
            "UPDATE sheets SET status = c.status, error_message = c.error_message, processing_time_ms = c.processing_time_ms
             FROM result_cache AS c
             WHERE sheets.batch_id = ?1 AND c.batch_id = ?1 AND c.sequence_number = sheets.sequence_number",
            params![batch_id],
        )?;
        tx.execute("DELETE FROM result_cache WHERE batch_id = ?1", params![batch_id])?;
        tx.execute(
            "UPDATE batches SET status = 'completed', completed_at = ?2 WHERE batch_id = ?1",
            params![batch_id, at],
        )?;
        tx.commit()?;
        Ok(recovered)
    }

    /// Merges options received for `owner` (a batch UUID, or a chunk session's upload id): a
    /// value present now replaces the stored one, an absent one keeps it.
    pub fn merge_upload_options(&self, owner: &str, options: &UploadOptions) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO upload_options(owner, profile_id, alignment_mode) VALUES (?1, ?2, ?3)
             ON CONFLICT(owner) DO UPDATE SET
               profile_id = COALESCE(excluded.profile_id, profile_id),
               alignment_mode = COALESCE(excluded.alignment_mode, alignment_mode)",
            params![owner, options.profile_id, options.alignment_mode],
        )?;
        Ok(())
    }

    /// Hands a completed chunk session's options to the batch it became.
    pub fn move_upload_options(&self, from: &str, to: &str) -> rusqlite::Result<()> {
        self.conn().execute("UPDATE upload_options SET owner = ?2 WHERE owner = ?1", params![from, to])?;
        Ok(())
    }

    /// The options recorded for a batch (both `None` when none were received).
    pub fn upload_options(&self, owner: &str) -> UploadOptions {
        self.conn()
            .query_row(
                "SELECT profile_id, alignment_mode FROM upload_options WHERE owner = ?1",
                params![owner],
                |row| Ok(UploadOptions { profile_id: row.get(0)?, alignment_mode: row.get(1)? }),
            )
            .optional()
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// One page of the batches whose file name contains `name` and whose uploader's username
    /// contains `username` (both ignoring case, every character literal), newest first, with
    /// the filtered total.
    ///
    /// Filtered in Rust: SQLite's `LIKE` and `lower()` fold ASCII only, and `%`, `_` and quotes
    /// typed into a search box are plain characters.
    pub fn list_batches_matching(
        &self,
        owner: Option<i64>,
        status: Option<&str>,
        name: Option<&str>,
        username: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> (Vec<Batch>, i64) {
        let sql = format!(
            "SELECT {BATCH_COLUMNS}, (SELECT username FROM users WHERE user_id = uploaded_by) FROM batches
             WHERE (?1 IS NULL OR uploaded_by = ?1) AND (?2 IS NULL OR status = ?2)
             ORDER BY created_at DESC, batch_id DESC"
        );
        let rows = self.query_all(&sql, params![owner, status], |row| {
            Ok((batch_from_row(row)?, row.get::<_, Option<String>>(15)?.unwrap_or_default()))
        });
        let contains =
            |text: &str, part: Option<&str>| part.is_none_or(|part| text.to_lowercase().contains(&part.to_lowercase()));
        let matching: Vec<Batch> = rows
            .into_iter()
            .filter(|(batch, uploader)| {
                contains(batch.batch_name.as_deref().unwrap_or_default(), name) && contains(uploader, username)
            })
            .map(|(batch, _)| batch)
            .collect();
        let total = matching.len() as i64;
        let page = matching.into_iter().skip(offset.max(0) as usize).take(limit.max(0) as usize).collect();
        (page, total)
    }
}
