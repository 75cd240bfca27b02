//! A state directory: where [`state`](crate::PeopleMockBuilder::state) keeps the people, their
//! photos and attachments, in one file, [`STATE_FILE`], a [redb](https://www.redb.org) database.
//!
//! Opening it takes an exclusive lock on the file (`flock`), held while the server runs: a
//! second server on the same directory is refused with a [`StateError`] saying so. The lock
//! belongs to the open file, so the kernel releases it when the process ends, however it ends:
//! a server killed with SIGKILL leaves no stale lock behind.
//!
//! A file that is not a state file of this format, or whose records cannot be read, is refused
//! with an error naming it; it is never rewritten. That includes files on which redb itself
//! fails an assertion (a file cut short): the panic is caught and becomes the error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{Database, DatabaseError, ReadableTable, ReadableTableMetadata, TableError};

use crate::changes::PersonValues;
use crate::files::{Attachment, Photo};
use crate::snapshot::{PersonRecord, StoreSnapshot};
use crate::state_records::{
    ATTACHMENT_IDS, ATTACHMENTS, FORMAT, META, PEOPLE, PHOTOS, decode_attachment, decode_person,
    decode_photo,
};

/// The state file's name inside the state directory.
pub const STATE_FILE: &str = "people.redb";

/// redb's page cache. Reads are served from memory, not from the file, which is read once at
/// start and then only written: a small cache keeps the resident set near that of a server in
/// memory (redb's default is 1 GiB, which would keep the whole file resident).
const CACHE_BYTES: usize = 4 << 20;

/// A state directory that cannot be used, naming the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError {
    path: PathBuf,
    problem: String,
    busy: bool,
}

impl StateError {
    pub(crate) fn new(path: &Path, problem: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            problem: problem.into(),
            busy: false,
        }
    }

    /// The file or directory concerned.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// Whether another process has the state open (the only error that waiting can cure).
    pub fn is_busy(&self) -> bool {
        self.busy
    }
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for StateError {}

impl From<StateError> for std::io::Error {
    fn from(err: StateError) -> Self {
        let kind = if err.busy {
            std::io::ErrorKind::ResourceBusy
        } else {
            std::io::ErrorKind::InvalidData
        };
        std::io::Error::new(kind, err)
    }
}

/// What a state file held when opened.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// Every person by lname; `None` for a gone one.
    pub(crate) people: Vec<(String, Option<PersonValues>)>,
    pub(crate) photos: Vec<(String, Photo)>,
    /// Each attachment with its person and its order among them.
    pub(crate) attachments: Vec<(String, u64, Attachment)>,
    /// The highest attachment number given out (deleted attachments' included).
    pub(crate) attachment_ids: u64,
}

impl Loaded {
    /// The first attachment order not yet used.
    pub(crate) fn next_order(&self) -> u64 {
        self.attachments
            .iter()
            .map(|(_, order, _)| order + 1)
            .max()
            .unwrap_or(0)
    }

    /// What the file held, as the store takes it: people with their photos and attachments (in
    /// upload order), and the deleted keys.
    pub(crate) fn into_snapshot(self) -> StoreSnapshot {
        let mut photos: BTreeMap<String, Photo> = self.photos.into_iter().collect();
        let mut attachments = self.attachments;
        attachments.sort_by_key(|(_, order, _)| *order);
        let mut by_person: BTreeMap<String, Vec<Arc<Attachment>>> = BTreeMap::new();
        for (lname, _, attachment) in attachments {
            by_person
                .entry(lname)
                .or_default()
                .push(Arc::new(attachment));
        }
        let mut snapshot = StoreSnapshot::default();
        for (lname, values) in self.people {
            match values {
                Some(values) => snapshot.people.push(PersonRecord {
                    fname: values.fname,
                    timestamp: values.timestamp,
                    photo: photos.remove(&lname).map(Arc::new),
                    attachments: by_person.remove(&lname).unwrap_or_default(),
                    lname,
                }),
                None => snapshot.gone.push(lname),
            }
        }
        snapshot
    }
}

/// An open state file and what it held; `loaded` is `None` for a new one, to be seeded.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) db: Database,
    pub(crate) loaded: Option<Loaded>,
}

/// Opens (creating if need be) the state file in `dir` and reads all it holds.
pub(crate) fn open(dir: &Path) -> Result<Opened, StateError> {
    crate::quiet_panic::catch(|| open_file(dir)).unwrap_or_else(|message| {
        Err(StateError::new(
            &dir.join(STATE_FILE),
            format!("is damaged; it could not be read (left untouched): {message}"),
        ))
    })
}

fn open_file(dir: &Path) -> Result<Opened, StateError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| StateError::new(dir, format!("cannot be used as a state directory: {e}")))?;
    let path = dir.join(STATE_FILE);
    // Only a file this call creates may be taken as new: an existing file without the format
    // marker is someone else's, or damaged (redb falls back to the commit before a damaged
    // one, which for a young file is the empty one), and seeding it would overwrite it.
    let existed = std::fs::metadata(&path).is_ok_and(|m| m.len() > 0);
    let db = Database::builder()
        .set_cache_size(CACHE_BYTES)
        .create(&path)
        .map_err(|e| open_error(&path, e))?;
    let loaded = load(&db, &path, existed)?;
    if loaded.is_none() {
        mark_new(&db).map_err(|e| StateError::new(&path, format!("cannot be written: {e}")))?;
    }
    Ok(Opened { db, loaded })
}

/// Writes the format marker into a new file at once, so that a file without it is never one
/// this server made (the seed data follows in the writer's first transaction).
fn mark_new(db: &Database) -> Result<(), String> {
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let txn = db.begin_write().map_err(|e| text(&e))?;
    txn.open_table(META)
        .map_err(|e| text(&e))?
        .insert("format", FORMAT)
        .map_err(|e| text(&e))?;
    txn.commit().map_err(|e| text(&e))
}

fn open_error(path: &Path, err: DatabaseError) -> StateError {
    match err {
        DatabaseError::DatabaseAlreadyOpen => StateError {
            busy: true,
            ..StateError::new(
                path,
                "in use by another process (a people-mock or people on the same state directory)",
            )
        },
        DatabaseError::Storage(redb::StorageError::Io(e))
            if !matches!(
                e.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            StateError::new(path, format!("cannot be opened: {e}"))
        }
        other => StateError::new(
            path,
            format!("is not a readable people-mock state file (left untouched): {other}"),
        ),
    }
}

fn load(db: &Database, path: &Path, existed: bool) -> Result<Option<Loaded>, StateError> {
    let fail = |e: &dyn std::fmt::Display| StateError::new(path, format!("cannot be read: {e}"));
    let txn = db.begin_read().map_err(|e| fail(&e))?;
    let format = match txn.open_table(META) {
        Ok(meta) => meta
            .get("format")
            .map_err(|e| fail(&e))?
            .map(|v| v.value().to_string()),
        Err(TableError::TableDoesNotExist(_)) => None,
        Err(e) => return Err(foreign(path, &e)),
    };
    match format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(StateError::new(
                path,
                format!("holds state of another format ('{other}'; this server reads '{FORMAT}')"),
            ));
        }
        None => {
            let tables = txn.list_tables().map_err(|e| fail(&e))?.count();
            if tables == 0 && !existed {
                return Ok(None);
            }
            return Err(StateError::new(
                path,
                "is not a people-mock state file, or is damaged (no format marker); left \
                 untouched: move it away to start over",
            ));
        }
    }
    let mut loaded = Loaded::default();
    let meta = txn.open_table(META).map_err(|e| foreign(path, &e))?;
    let counter = |key: &str| -> Result<u64, StateError> {
        match meta.get(key).map_err(|e| fail(&e))? {
            None => Ok(0),
            Some(text) => text
                .value()
                .parse()
                .map_err(|_| StateError::new(path, format!("the counter '{key}' is damaged"))),
        }
    };
    loaded.attachment_ids = counter(ATTACHMENT_IDS)?;
    let damaged =
        |what: String, e: String| StateError::new(path, format!("{what} is damaged: {e}"));
    let people = txn.open_table(PEOPLE).map_err(|e| foreign(path, &e))?;
    loaded.people.reserve(people.len().unwrap_or(0) as usize);
    for entry in people.iter().map_err(|e| fail(&e))? {
        let (key, value) = entry.map_err(|e| fail(&e))?;
        let lname = key.value().to_string();
        let record = decode_person(value.value())
            .map_err(|e| damaged(format!("the record of person '{lname}'"), e))?;
        loaded.people.push((lname, record));
    }
    let photos = txn.open_table(PHOTOS).map_err(|e| foreign(path, &e))?;
    for entry in photos.iter().map_err(|e| fail(&e))? {
        let (key, value) = entry.map_err(|e| fail(&e))?;
        let lname = key.value().to_string();
        let photo = decode_photo(value.value())
            .map_err(|e| damaged(format!("the photo of person '{lname}'"), e))?;
        loaded.photos.push((lname, photo));
    }
    let attachments = txn.open_table(ATTACHMENTS).map_err(|e| foreign(path, &e))?;
    for entry in attachments.iter().map_err(|e| fail(&e))? {
        let (key, value) = entry.map_err(|e| fail(&e))?;
        let (lname, id) = key.value();
        let (order, attachment) = decode_attachment(value.value())
            .map_err(|e| damaged(format!("attachment '{id}' of person '{lname}'"), e))?;
        loaded
            .attachments
            .push((lname.to_string(), order, attachment));
    }
    Ok(Some(loaded))
}

fn foreign(path: &Path, err: &TableError) -> StateError {
    StateError::new(
        path,
        format!("does not have the tables of a people-mock state file: {err}"),
    )
}
