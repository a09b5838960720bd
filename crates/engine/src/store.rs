//! `.rampart` files: one SQLite database per model (SQLite as an application file format).
//!
//! The only module that writes SQL. Every committed operation writes its records and its
//! history entry in one transaction (WAL, `synchronous=FULL`), before the call returns, so a
//! kill at any moment loses nothing that was acknowledged. A file is checked from its raw
//! header before SQLite opens it, so a foreign, truncated or newer file is refused without a
//! single byte of it changing.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::document::{Document, Record, RecordKind};
use crate::error::{Error, Result};
use crate::patch::Patch;

/// SQLite `application_id` of a `.rampart` file: "RAMP".
pub const APPLICATION_ID: i32 = 0x5241_4D50;

/// Schema migrations, in order. The file's `user_version` counts those applied.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE records (
        kind TEXT NOT NULL,
        id   TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    CREATE TABLE history (
        seq          INTEGER PRIMARY KEY,
        label        TEXT NOT NULL,
        patch        TEXT NOT NULL,
        undone       INTEGER NOT NULL DEFAULT 0,
        coalesce_key TEXT,
        created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
", "
    -- Undo, redo and their labels look up the newest done or oldest undone step.
    CREATE INDEX history_by_state ON history (undone, seq);
", "
    -- No table changes: version 3 adds the `dismissal` record kind. A build that does not
    -- know it then says the file is from a newer Rampart, instead of calling it corrupt.
"];

/// The schema version this engine writes, and the newest it reads.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

const LATEST_DONE: &str = "SELECT seq, patch FROM history WHERE undone = 0 ORDER BY seq DESC LIMIT 1";
const EARLIEST_UNDONE: &str = "SELECT seq, patch FROM history WHERE undone = 1 ORDER BY seq ASC LIMIT 1";

/// An open `.rampart` file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What the undo and redo menu items say.
#[derive(serde::Serialize, Clone, Debug, PartialEq, Default, ts_rs::TS)]
#[ts(export)]
pub struct HistoryState {
    pub undo: Option<String>,
    pub redo: Option<String>,
}

impl Store {
    /// Create a new file holding `doc`. Refuses to overwrite. The file appears complete or
    /// not at all: it is written under a temporary name and renamed.
    pub fn create(path: &Path, doc: &Document) -> Result<Store> {
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.to_path_buf() });
        }
        let tmp = path.with_extension("rampart-new");
        let _ = std::fs::remove_file(&tmp);
        {
            let mut conn = Connection::open(&tmp).map_err(|e| Error::sqlite(&tmp, e))?;
            let sql = |e| Error::sqlite(&tmp, e);
            // The header (application id, schema version) must reach the main file, not
            // only the WAL, so that the raw header check on open can trust it.
            conn.pragma_update(None, "journal_mode", "DELETE").map_err(sql)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID).map_err(sql)?;
            migrate(&mut conn).map_err(sql)?;
            let tx = conn.transaction().map_err(sql)?;
            for record in doc.records() {
                put_record(&tx, &record).map_err(|e| Error::sqlite(&tmp, e))?;
            }
            tx.commit().map_err(sql)?;
        }
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
        let (store, _) = Store::open(path)?;
        Ok(store)
    }

    /// Open an existing file and load its document.
    pub fn open(path: &Path) -> Result<(Store, Document)> {
        check_header(path)?;
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| Error::sqlite(path, e))?;
        let mut store = Store { conn, path: path.to_path_buf() };
        store.configure()?;
        let doc = store.load()?;
        Ok((store, doc))
    }

    /// Read the document of a file without changing the file in any way: no migration, no
    /// journal mode switch, a read-only connection. For the CLI and for conversions.
    pub fn read(path: &Path) -> Result<Document> {
        check_header(path)?;
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| Error::sqlite(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(2)).map_err(|e| Error::sqlite(path, e))?;
        let store = Store { conn, path: path.to_path_buf() };
        store.check_integrity()?;
        store.load()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| Error::sqlite(&self.path, e)
    }

    fn configure(&mut self) -> Result<()> {
        let path = self.path.clone();
        let sql = |e| Error::sqlite(&path, e);
        self.conn.busy_timeout(std::time::Duration::from_secs(2)).map_err(sql)?;
        self.conn.pragma_update(None, "journal_mode", "WAL").map_err(sql)?;
        self.conn.pragma_update(None, "synchronous", "FULL").map_err(sql)?;
        self.check_integrity()?;
        migrate(&mut self.conn).map_err(sql)?;
        Ok(())
    }

    fn check_integrity(&self) -> Result<()> {
        let check: String = self.conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| corrupt(&self.path, e.to_string()))?;
        if check != "ok" {
            return Err(corrupt(&self.path, check));
        }
        Ok(())
    }

    fn load(&self) -> Result<Document> {
        let mut doc = Document::default();
        let mut stmt = self.conn.prepare("SELECT kind, id, body FROM records").map_err(self.sql())?;
        let mut rows = stmt.query([]).map_err(self.sql())?;
        while let Some(row) = rows.next().map_err(|e| corrupt(&self.path, e.to_string()))? {
            let kind: String = row.get(0).map_err(self.sql())?;
            let id: String = row.get(1).map_err(self.sql())?;
            let body: String = row.get(2).map_err(self.sql())?;
            let kind = RecordKind::parse(&kind).ok_or_else(|| corrupt(&self.path, format!("unknown record kind “{kind}”")))?;
            let record = Record::from_body_json(kind, &body)
                .map_err(|e| corrupt(&self.path, format!("{} {id}: {e}", kind.as_str())))?;
            if record.id().to_string() != id {
                return Err(corrupt(&self.path, format!("{} {id} holds the record of {}", kind.as_str(), record.id())));
            }
            doc.put(record);
        }
        Ok(doc)
    }

    /// Persist an applied operation and its history entry in one transaction. With a
    /// `coalesce` key equal to the latest entry's, the two become one undo step (a typing
    /// burst, a slider drag).
    pub fn commit(&mut self, patch: &Patch, label: &str, coalesce: Option<&str>) -> Result<()> {
        let path = self.path.clone();
        let sql = |e| Error::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        write_changes(&tx, patch).map_err(sql)?;
        // A new step after an undo drops the redo entries, and never merges into an older step.
        let discarded_redo = tx.execute("DELETE FROM history WHERE undone = 1", []).map_err(sql)? > 0;
        let previous: Option<(i64, String, Option<String>)> = tx
            .query_row("SELECT seq, patch, coalesce_key FROM history ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(sql)?;
        match previous {
            Some((seq, old, Some(key))) if !discarded_redo && coalesce == Some(key.as_str()) => {
                let old: Patch = serde_json::from_str(&old).map_err(|e| corrupt(&path, format!("history entry {seq}: {e}")))?;
                let merged = old.then(patch);
                if merged.is_empty() {
                    // The burst ended where it began: no step is left to undo.
                    tx.execute("DELETE FROM history WHERE seq = ?1", params![seq]).map_err(sql)?;
                } else {
                    tx.execute(
                        "UPDATE history SET patch = ?1, label = ?2 WHERE seq = ?3",
                        params![serde_json::to_string(&merged)?, label, seq],
                    )
                    .map_err(sql)?;
                }
            }
            _ => {
                tx.execute(
                    "INSERT INTO history (label, patch, coalesce_key) VALUES (?1, ?2, ?3)",
                    params![label, serde_json::to_string(patch)?, coalesce],
                )
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }

    /// Undo the latest step: returns the patch to apply to the document, already persisted.
    pub fn undo(&mut self) -> Result<Option<Patch>> {
        self.step(LATEST_DONE, 1, true)
    }

    /// Redo the earliest undone step.
    pub fn redo(&mut self) -> Result<Option<Patch>> {
        self.step(EARLIEST_UNDONE, 0, false)
    }

    fn step(&mut self, select: &str, mark: i64, reverse: bool) -> Result<Option<Patch>> {
        let path = self.path.clone();
        let sql = |e| Error::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let entry: Option<(i64, String)> =
            tx.query_row(select, [], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(sql)?;
        let Some((seq, patch)) = entry else { return Ok(None) };
        let patch: Patch = serde_json::from_str(&patch).map_err(|e| corrupt(&path, format!("history entry {seq}: {e}")))?;
        let patch = if reverse { patch.reversed() } else { patch };
        write_changes(&tx, &patch).map_err(sql)?;
        // An undone step is never merged into: coalescing stops at an undo.
        tx.execute("UPDATE history SET undone = ?1, coalesce_key = NULL WHERE seq = ?2", params![mark, seq])
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(Some(patch))
    }

    /// The patch the next undo (or redo) would replay, as recorded, without replaying it.
    pub fn peek(&self, undo: bool) -> Result<Option<Patch>> {
        let select = if undo { LATEST_DONE } else { EARLIEST_UNDONE };
        let entry: Option<(i64, String)> =
            self.conn.query_row(select, [], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(self.sql())?;
        entry
            .map(|(seq, p)| serde_json::from_str(&p).map_err(|e| corrupt(&self.path, format!("history entry {seq}: {e}"))))
            .transpose()
    }

    pub fn history(&self) -> Result<HistoryState> {
        let label = |select: &str| -> Result<Option<String>> {
            self.conn.query_row(select, [], |r| r.get(0)).optional().map_err(self.sql())
        };
        Ok(HistoryState {
            undo: label("SELECT label FROM history WHERE undone = 0 ORDER BY seq DESC LIMIT 1")?,
            redo: label("SELECT label FROM history WHERE undone = 1 ORDER BY seq ASC LIMIT 1")?,
        })
    }

    /// Copy the whole file, history included, to a new path.
    pub fn save_as(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.to_path_buf() });
        }
        let target = path.to_str().ok_or_else(|| Error::io(path, std::io::Error::other("the path is not valid UTF-8")))?;
        self.conn.execute("VACUUM INTO ?1", [target]).map_err(|e| Error::sqlite(path, e))?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" for a healthy file.
    pub fn integrity_check(&self) -> Result<String> {
        self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(self.sql())
    }
}

fn corrupt(path: &Path, reason: String) -> Error {
    Error::Corrupt { path: path.to_path_buf(), reason }
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn put_record(tx: &rusqlite::Transaction, record: &Record) -> rusqlite::Result<()> {
    let body = record.body_json().map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.prepare_cached("INSERT OR REPLACE INTO records (kind, id, body) VALUES (?1, ?2, ?3)")?
        .execute(params![record.kind().as_str(), record.id().to_string(), body])?;
    Ok(())
}

fn write_changes(tx: &rusqlite::Transaction, patch: &Patch) -> rusqlite::Result<()> {
    for change in &patch.changes {
        match &change.after {
            Some(record) => put_record(tx, record)?,
            None => {
                tx.prepare_cached("DELETE FROM records WHERE kind = ?1 AND id = ?2")?
                    .execute(params![change.key.kind.as_str(), change.key.id.to_string()])?;
            }
        }
    }
    Ok(())
}

/// Read the 100-byte SQLite header and refuse, without opening the file in SQLite, what is
/// not a `.rampart` this engine can read.
fn check_header(path: &Path) -> Result<()> {
    let not_model = |reason: &str| Error::NotAModel { path: path.to_path_buf(), reason: reason.to_string() };
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut header = Vec::with_capacity(100);
    file.by_ref().take(100).read_to_end(&mut header).map_err(|e| Error::io(path, e))?;
    if len == 0 {
        return Err(not_model("the file is empty"));
    }
    if !header.starts_with(b"SQLite format 3\0") {
        return Err(not_model("not an SQLite database"));
    }
    if header.len() < 100 {
        return Err(Error::Truncated { path: path.to_path_buf(), reason: format!("only {len} bytes") });
    }
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    if be32(68) as i32 != APPLICATION_ID {
        return Err(not_model("an SQLite database of another application"));
    }
    let version = be32(60);
    if version > SCHEMA_VERSION {
        return Err(Error::NewerFormat { path: path.to_path_buf(), found: version, supported: SCHEMA_VERSION });
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(be32(28));
    let pages_valid = be32(92) == be32(24);
    // A kill during a checkpoint can leave the main file shorter than its header already
    // says, while the WAL beside it still holds every page: SQLite recovers that file.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_has_frames = std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0);
    if pages_valid && len < page_size * pages && !wal_has_frames {
        return Err(Error::Truncated {
            path: path.to_path_buf(),
            reason: format!("{len} bytes where the header promises {}", page_size * pages),
        });
    }
    if page_size > 0 && len % page_size != 0 {
        return Err(Error::Truncated { path: path.to_path_buf(), reason: format!("{len} bytes is not a whole number of pages") });
    }
    Ok(())
}
