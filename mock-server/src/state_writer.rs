//! The state writer: one thread of its own that applies the store's changes to the state file
//! and acknowledges each once it is committed, so the async workers never wait on the disk.
//!
//! Changes queue on a channel in the order the store made them. The writer takes every change
//! waiting (up to [`MAX_BATCH`]) into one transaction and commits it durably (fsync) before it
//! acknowledges any of them: under concurrent writes one commit carries many, which is what
//! keeps durable writes within a small factor of in-memory ones.

use std::sync::mpsc;
use std::thread::JoinHandle;

use redb::{Database, ReadableTable, WriteTransaction};
use tokio::sync::oneshot;

use crate::changes::{Change, PersonValues};
use crate::snapshot::{StoreSnapshot, attachment_number};
use crate::state_records::{
    ATTACHMENT_IDS, ATTACHMENTS, FORMAT, META, PEOPLE, PHOTOS, encode_attachment, encode_person,
    encode_photo,
};

/// The most changes one transaction carries.
const MAX_BATCH: usize = 4096;

type Reply = oneshot::Sender<Result<(), String>>;

/// A failed write, boxed: redb's error is large and the writer passes it up several calls.
#[derive(Debug)]
struct WriteError(Box<redb::Error>);

impl<E: Into<redb::Error>> From<E> for WriteError {
    fn from(err: E) -> Self {
        Self(Box::new(err.into()))
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The handle of the writer thread; dropping it lets the thread finish what is queued, close
/// the file (releasing its lock) and end, and waits for that.
#[derive(Debug)]
pub(crate) struct StateWriter {
    sender: Option<mpsc::Sender<(Change, Reply)>>,
    thread: Option<JoinHandle<()>>,
}

impl StateWriter {
    /// Starts the writer on `db`; `next_order` is the first free attachment order.
    pub(crate) fn start(db: Database, next_order: u64) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("people-mock-state".into())
            .spawn(move || run(db, receiver, next_order))?;
        Ok(Self {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Queues `change`; the receiver completes once it is on disk.
    pub(crate) fn submit(&self, change: Change) -> oneshot::Receiver<Result<(), String>> {
        let (reply, done) = oneshot::channel();
        if let Some(sender) = &self.sender {
            // A send fails only when the thread has ended; `done` then reports it stopped.
            let _ = sender.send((change, reply));
        }
        done
    }
}

impl Drop for StateWriter {
    fn drop(&mut self) {
        self.sender.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(db: Database, receiver: mpsc::Receiver<(Change, Reply)>, mut next_order: u64) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        drain(&receiver, &mut batch);
        // Once more after giving up the CPU: the workers, woken with the first change, are
        // often about to queue others (on one CPU they cannot until this thread yields), and
        // each change that joins this commit saves a commit of its own.
        std::thread::yield_now();
        drain(&receiver, &mut batch);
        let (changes, replies): (Vec<Change>, Vec<Reply>) = batch.into_iter().unzip();
        let outcome = commit(&db, &changes, &mut next_order).map_err(|e| e.to_string());
        for reply in replies {
            let _ = reply.send(outcome.clone());
        }
    }
}

/// Moves what is queued into `batch`, up to [`MAX_BATCH`].
fn drain(receiver: &mpsc::Receiver<(Change, Reply)>, batch: &mut Vec<(Change, Reply)>) {
    while batch.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(more) => batch.push(more),
            Err(_) => break,
        }
    }
}

fn commit(db: &Database, changes: &[Change], next_order: &mut u64) -> Result<(), WriteError> {
    let txn = db.begin_write()?;
    for change in changes {
        apply(&txn, change, next_order)?;
    }
    let attachment_ids = highest_attachment(changes);
    if attachment_ids > 0 {
        let mut meta = txn.open_table(META)?;
        raise(&mut meta, ATTACHMENT_IDS, attachment_ids)?;
    }
    txn.commit()?;
    Ok(())
}

/// The highest attachment number among `changes` (0: none).
fn highest_attachment(changes: &[Change]) -> u64 {
    let mut ids = 0;
    let mut see_attachments = |added: &[std::sync::Arc<crate::files::Attachment>]| {
        for a in added {
            ids = ids.max(attachment_number(&a.id).unwrap_or(0));
        }
    };
    for change in changes {
        match change {
            Change::PutAttachments { added, .. } => see_attachments(added),
            Change::ReplaceAll(snapshot) => {
                for person in &snapshot.people {
                    see_attachments(&person.attachments);
                }
            }
            _ => {}
        }
    }
    ids
}

/// Sets the counter `key` to `value` when that is higher.
fn raise(meta: &mut redb::Table<&str, &str>, key: &str, value: u64) -> Result<(), WriteError> {
    let current = match meta.get(key)? {
        Some(text) => text.value().parse().unwrap_or(0),
        None => 0,
    };
    if value > current {
        meta.insert(key, value.to_string().as_str())?;
    }
    Ok(())
}

fn apply(txn: &WriteTransaction, change: &Change, next_order: &mut u64) -> Result<(), WriteError> {
    match change {
        Change::PutPerson { lname, values } => {
            txn.open_table(PEOPLE)?
                .insert(lname.as_str(), encode_person(Some(values)).as_slice())?;
        }
        Change::DeletePerson { lname } => {
            txn.open_table(PEOPLE)?
                .insert(lname.as_str(), encode_person(None).as_slice())?;
            txn.open_table(PHOTOS)?.remove(lname.as_str())?;
            remove_attachments(txn, lname)?;
        }
        Change::PutPhoto { lname, photo } => {
            txn.open_table(PHOTOS)?
                .insert(lname.as_str(), encode_photo(photo).as_slice())?;
        }
        Change::DeletePhoto { lname } => {
            txn.open_table(PHOTOS)?.remove(lname.as_str())?;
        }
        Change::PutAttachments { lname, added } => {
            let mut table = txn.open_table(ATTACHMENTS)?;
            for attachment in added {
                let record = encode_attachment(*next_order, attachment);
                *next_order += 1;
                table.insert((lname.as_str(), attachment.id.as_str()), record.as_slice())?;
            }
        }
        Change::DeleteAttachment { lname, id } => {
            txn.open_table(ATTACHMENTS)?
                .remove((lname.as_str(), id.as_str()))?;
        }
        Change::ReplaceAll(snapshot) => replace_all(txn, snapshot, next_order)?,
    }
    Ok(())
}

fn remove_attachments(txn: &WriteTransaction, lname: &str) -> Result<(), WriteError> {
    let mut table = txn.open_table(ATTACHMENTS)?;
    let mut ids = Vec::new();
    for entry in table.range((lname, "")..)? {
        let (key, _) = entry?;
        let (owner, id) = key.value();
        if owner != lname {
            break;
        }
        ids.push(id.to_string());
    }
    for id in ids {
        table.remove((lname, id.as_str()))?;
    }
    Ok(())
}

/// Empties every table and writes `snapshot`, with the format marker (the first data a new
/// state file gets is written this way).
fn replace_all(
    txn: &WriteTransaction,
    snapshot: &StoreSnapshot,
    next_order: &mut u64,
) -> Result<(), WriteError> {
    txn.delete_table(PEOPLE)?;
    txn.delete_table(PHOTOS)?;
    txn.delete_table(ATTACHMENTS)?;
    let mut table = txn.open_table(PEOPLE)?;
    let mut photos = txn.open_table(PHOTOS)?;
    let mut attachments = txn.open_table(ATTACHMENTS)?;
    for lname in &snapshot.gone {
        table.insert(lname.as_str(), encode_person(None).as_slice())?;
    }
    for person in &snapshot.people {
        let lname = person.lname.as_str();
        let values = PersonValues {
            fname: person.fname.clone(),
            timestamp: person.timestamp,
        };
        table.insert(lname, encode_person(Some(&values)).as_slice())?;
        if let Some(photo) = &person.photo {
            photos.insert(lname, encode_photo(photo).as_slice())?;
        }
        for attachment in &person.attachments {
            let record = encode_attachment(*next_order, attachment);
            *next_order += 1;
            attachments.insert((lname, attachment.id.as_str()), record.as_slice())?;
        }
    }
    txn.open_table(META)?.insert("format", FORMAT)?;
    Ok(())
}
