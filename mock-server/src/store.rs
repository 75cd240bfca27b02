//! The in-memory data: people, with their photos and attachments (see [`files`](crate::files)).
//!
//! One `RwLock` guards the map of people; it is held only for the few
//! instructions of a read or a write and never across an `.await`.
//!
//! Reads are served from memory alone. Every change also goes, under the write lock (so in
//! the order memory saw it), to the store's [`WriteThrough`]; a changing method returns once
//! the change is on disk when there is a state directory, at once otherwise.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::changes::PersonValues;
use crate::clock::Clock;
use crate::errors::ApiError;
use crate::etag::{IfMatch, quoted_hex};
use crate::files::{Attachment, Photo};
use crate::json_form::PersonJson;
use crate::seeds::SEEDS;
use crate::snapshot::{PersonRecord, StoreSnapshot, attachment_number};
use crate::sync::{read, write};
use crate::write_through::{Ack, WriteThrough};

/// A live person.
#[derive(Debug)]
pub(crate) struct Person {
    fname: String,
    timestamp: DateTime<Utc>,
    /// The ETag of this version, computed on first use.
    etag: OnceLock<String>,
    photo: Option<Arc<Photo>>,
    attachments: Vec<Arc<Attachment>>,
}

#[derive(Debug)]
enum Slot {
    Live(Box<Person>),
    Gone,
}

/// A copy of a person's public fields and ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonView {
    pub(crate) fname: String,
    pub(crate) lname: String,
    pub(crate) timestamp: DateTime<Utc>,
    /// The ETag; empty in the views of a list or a snapshot, which show none.
    pub(crate) etag: String,
}

impl PersonView {
    /// The person's JSON form.
    pub(crate) fn json(&self) -> PersonJson<'_> {
        PersonJson::new(&self.fname, &self.lname, &self.timestamp)
    }
}

/// The sort keys of `GET /people`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortBy {
    Lname,
    Fname,
    Timestamp,
}

/// What `GET /people` asks of the store.
#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub(crate) sort: SortBy,
    pub(crate) descending: bool,
    pub(crate) fname: Option<String>,
    pub(crate) lname: Option<String>,
    pub(crate) offset: usize,
    pub(crate) limit: usize,
}

/// The people, their photos and attachments.
#[derive(Debug, Default)]
pub(crate) struct Store {
    people: RwLock<BTreeMap<String, Slot>>,
    /// How many slots of `people` are live; changed only under its write lock.
    live: AtomicUsize,
    attachment_ids: AtomicU64,
    /// Counts the times `people` was taken for writing: what a list page rendered at one
    /// generation shows holds until the next (see `page_cache`).
    generation: AtomicU64,
    /// The time of creations and changes.
    clock: Clock,
    /// Where changes are written; nowhere by default.
    through: WriteThrough,
}

impl Person {
    /// What a state file keeps of the person besides the key and the files.
    fn values(&self) -> PersonValues {
        PersonValues {
            fname: self.fname.clone(),
            timestamp: self.timestamp,
        }
    }
}

fn lookup_error(slot: Option<&Slot>, lname: &str) -> ApiError {
    match slot {
        Some(Slot::Gone) => ApiError::person_gone(lname),
        _ => ApiError::person_not_found(lname),
    }
}

fn check_if_match(if_match: Option<&IfMatch>, etag: &str) -> Result<(), ApiError> {
    match if_match {
        Some(condition) if !condition.matches(etag) => Err(ApiError::precondition_failed()),
        _ => Ok(()),
    }
}

impl Store {
    /// An empty store whose people are created and changed at `clock`'s time, and whose
    /// changes go through `through`.
    pub(crate) fn new(clock: Clock, through: WriteThrough) -> Self {
        Self {
            clock,
            through,
            ..Self::default()
        }
    }

    /// The count of writes so far; a page rendered under the read lock at one generation is
    /// what the store shows until the count moves.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// `people` for writing; moves the generation while the lock is held, so no reader
    /// renders a page at the new generation from the old contents.
    fn people_mut(&self) -> RwLockWriteGuard<'_, BTreeMap<String, Slot>> {
        let guard = write(&self.people);
        self.generation.fetch_add(1, Ordering::AcqRel);
        guard
    }

    /// A new attachment id, unique for the life of the server.
    pub(crate) fn next_attachment_id(&self) -> String {
        let n = self.attachment_ids.fetch_add(1, Ordering::Relaxed) + 1;
        format!("att_{n:08x}")
    }

    /// The ETag: a hash of what the person's JSON shows. Every change moves the timestamp
    /// forward, so every change gives a new ETag, and the same person loaded from a snapshot
    /// has the same ETag as where it was exported.
    fn etag(&self, lname: &str, person: &Person) -> String {
        person
            .etag
            .get_or_init(|| {
                let mut hasher = Sha256::new();
                hasher.update(person.timestamp.timestamp_micros().to_le_bytes());
                hasher.update(lname.as_bytes());
                hasher.update([0]);
                hasher.update(person.fname.as_bytes());
                quoted_hex(&hasher.finalize()[..16])
            })
            .clone()
    }

    fn view(&self, lname: &str, person: &Person) -> PersonView {
        PersonView {
            fname: person.fname.clone(),
            lname: lname.to_string(),
            timestamp: person.timestamp,
            etag: self.etag(lname, person),
        }
    }

    /// A view without the ETag, for lists (no hashing, and no ETag cached).
    fn listed(&self, lname: &str, person: &Person) -> PersonView {
        PersonView {
            fname: person.fname.clone(),
            lname: lname.to_string(),
            timestamp: person.timestamp,
            etag: String::new(),
        }
    }

    fn new_person(&self, fname: &str, timestamp: DateTime<Utc>) -> Box<Person> {
        Box::new(Person {
            fname: fname.to_string(),
            timestamp,
            etag: OnceLock::new(),
            photo: None,
            attachments: Vec::new(),
        })
    }

    /// Replaces everything with the seed people plus `extra` generated ones; the returned
    /// [`Ack`] completes when that is on disk.
    pub(crate) fn seed(&self, extra: usize) -> Ack {
        let now = self.clock.now();
        let seeded = |fname: &str, lname: String, i: usize| PersonRecord {
            fname: fname.to_string(),
            lname,
            timestamp: now + chrono::Duration::microseconds(i as i64),
            photo: None,
            attachments: Vec::new(),
        };
        let mut snapshot = StoreSnapshot::default();
        for (i, (fname, lname)) in SEEDS.iter().enumerate() {
            snapshot.people.push(seeded(fname, lname.to_string(), i));
        }
        // An unchecked setting above the bound (see `PeopleMockBuilder::into_parts`) gets the bound.
        for i in 0..extra.min(crate::MAX_GENERATED_PEOPLE) {
            let (fname, lname) = crate::seeds::generated(i);
            snapshot.people.push(seeded(fname, lname, i + SEEDS.len()));
        }
        self.replace_all(snapshot)
    }

    /// Replaces everything with `snapshot`, at once: a reader sees the old people or the new,
    /// never a mix. The snapshot is checked before (see [`Fixture`](crate::Fixture)); later
    /// attachment ids continue after the highest one it holds. The returned [`Ack`] completes
    /// when the replacement is on disk.
    pub(crate) fn replace_all(&self, snapshot: StoreSnapshot) -> Ack {
        // The files are shared, not copied: the copy for the disk costs the names only.
        let for_disk = self.through.is_durable().then(|| snapshot.clone());
        let (map, highest) = self.slots(snapshot);
        let mut people = self.people_mut();
        let ack = match for_disk {
            Some(snapshot) => self.through.replace_all(snapshot),
            None => Ack::ready(),
        };
        self.install(&mut people, map, highest);
        ack
    }

    /// Replaces everything with what a state file held (nothing is written back); attachment
    /// ids continue after `attachment_ids`, the highest one the file has seen given out.
    pub(crate) fn load(&self, snapshot: StoreSnapshot, attachment_ids: u64) {
        let (map, highest) = self.slots(snapshot);
        let mut people = self.people_mut();
        self.install(&mut people, map, highest.max(attachment_ids));
    }

    /// The slots `snapshot` describes, and the highest attachment number among them.
    fn slots(&self, snapshot: StoreSnapshot) -> (BTreeMap<String, Slot>, u64) {
        let mut map = BTreeMap::new();
        let mut highest = 0;
        for gone in snapshot.gone {
            map.insert(gone, Slot::Gone);
        }
        for record in snapshot.people {
            for attachment in &record.attachments {
                highest = highest.max(attachment_number(&attachment.id).unwrap_or(0));
            }
            let mut person = self.new_person(&record.fname, record.timestamp);
            person.photo = record.photo;
            person.attachments = record.attachments;
            map.insert(record.lname, Slot::Live(person));
        }
        (map, highest)
    }

    /// Puts `map` in place of the people held by `people` (the write lock).
    fn install(
        &self,
        people: &mut BTreeMap<String, Slot>,
        map: BTreeMap<String, Slot>,
        highest_attachment: u64,
    ) {
        let live = map.values().filter(|s| matches!(s, Slot::Live(_))).count();
        *people = map;
        self.live.store(live, Ordering::Relaxed);
        self.attachment_ids
            .fetch_max(highest_attachment, Ordering::Relaxed);
    }

    /// Everything the store holds, as values (files shared, not copied).
    pub(crate) fn export(&self) -> StoreSnapshot {
        let map = read(&self.people);
        let mut snapshot = StoreSnapshot::default();
        for (lname, slot) in map.iter() {
            match slot {
                Slot::Live(p) => snapshot.people.push(PersonRecord {
                    fname: p.fname.clone(),
                    lname: lname.clone(),
                    timestamp: p.timestamp,
                    photo: p.photo.clone(),
                    attachments: p.attachments.clone(),
                }),
                Slot::Gone => snapshot.gone.push(lname.clone()),
            }
        }
        snapshot
    }

    /// All live people, by lname (without ETags).
    pub(crate) fn snapshot(&self) -> Vec<PersonView> {
        let map = read(&self.people);
        map.iter()
            .filter_map(|(lname, slot)| match slot {
                Slot::Live(p) => Some(self.listed(lname, p)),
                Slot::Gone => None,
            })
            .collect()
    }

    /// One live person.
    pub(crate) fn get(&self, lname: &str) -> Result<PersonView, ApiError> {
        let map = read(&self.people);
        match map.get(lname) {
            Some(Slot::Live(p)) => Ok(self.view(lname, p)),
            other => Err(lookup_error(other, lname)),
        }
    }

    /// A page of people (without ETags) and the number of people matching the filters.
    #[cfg(test)]
    pub(crate) fn list(&self, query: &ListQuery) -> (usize, Vec<PersonView>) {
        let map = read(&self.people);
        let (total, page) = self.page(&map, query);
        let page = page.into_iter().map(|(l, p)| self.listed(l, p)).collect();
        (total, page)
    }

    /// Calls `f` with the store's generation, the number of people matching the filters and
    /// the JSON forms of a page of them, read in place (under the read lock, no copies).
    pub(crate) fn list_with<R>(
        &self,
        query: &ListQuery,
        f: impl FnOnce(u64, usize, Vec<PersonJson<'_>>) -> R,
    ) -> R {
        let map = read(&self.people);
        // Writers move it only under the write lock: stable while `map` is held.
        let generation = self.generation();
        let (total, page) = self.page(&map, query);
        let page = page
            .into_iter()
            .map(|(lname, p)| PersonJson::new(&p.fname, lname, &p.timestamp))
            .collect();
        f(generation, total, page)
    }

    /// The people of a page and the number of people matching the filters.
    fn page<'m>(
        &self,
        map: &'m BTreeMap<String, Slot>,
        query: &ListQuery,
    ) -> (usize, Vec<(&'m String, &'m Person)>) {
        if query.sort == SortBy::Lname && query.fname.is_none() && query.lname.is_none() {
            // The map is in lname order and the live ones are counted: the page is
            // read straight off the map, without collecting every person first.
            let live = map.iter().filter_map(|(lname, slot)| match slot {
                Slot::Live(p) => Some((lname, p.as_ref())),
                Slot::Gone => None,
            });
            let page = if query.descending {
                live.rev().skip(query.offset).take(query.limit).collect()
            } else {
                live.skip(query.offset).take(query.limit).collect()
            };
            return (self.live.load(Ordering::Relaxed), page);
        }
        let mut matching: Vec<(&String, &Person)> = map
            .iter()
            .filter_map(|(lname, slot)| match slot {
                Slot::Live(p) => Some((lname, p.as_ref())),
                Slot::Gone => None,
            })
            .filter(|(lname, p)| {
                query
                    .lname
                    .as_deref()
                    .is_none_or(|want| want == lname.as_str())
                    && query.fname.as_deref().is_none_or(|want| want == p.fname)
            })
            .collect();
        // The map is ordered by lname already (code point order).
        match (query.sort, query.descending) {
            (SortBy::Lname, false) => {}
            (SortBy::Lname, true) => matching.reverse(),
            (SortBy::Fname, desc) => matching.sort_by(|a, b| {
                let key = a.1.fname.cmp(&b.1.fname);
                let key = if desc { key.reverse() } else { key };
                key.then_with(|| a.0.cmp(b.0))
            }),
            (SortBy::Timestamp, desc) => matching.sort_by(|a, b| {
                let key = a.1.timestamp.cmp(&b.1.timestamp);
                let key = if desc { key.reverse() } else { key };
                key.then_with(|| a.0.cmp(b.0))
            }),
        }
        let total = matching.len();
        let page = matching
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .collect();
        (total, page)
    }

    /// Creates a person (also over a deleted one); 409 if the lname is live.
    pub(crate) async fn create(&self, fname: &str, lname: &str) -> Result<PersonView, ApiError> {
        let (view, ack) = {
            let mut map = self.people_mut();
            if let Some(Slot::Live(_)) = map.get(lname) {
                return Err(ApiError::person_exists(lname));
            }
            let person = self.new_person(fname, self.clock.now());
            let view = self.view(lname, &person);
            let ack = self.through.insert_person(lname, person.values());
            map.insert(lname.to_string(), Slot::Live(person));
            self.live.fetch_add(1, Ordering::Relaxed);
            (view, ack)
        };
        ack.done().await?;
        Ok(view)
    }

    /// Sets the fname of a live person (PUT, PATCH); `None` leaves it unchanged.
    pub(crate) async fn update(
        &self,
        lname: &str,
        fname: Option<&str>,
        if_match: Option<&IfMatch>,
    ) -> Result<PersonView, ApiError> {
        let (view, ack) = self.update_now(lname, fname, if_match)?;
        ack.done().await?;
        Ok(view)
    }

    fn update_now(
        &self,
        lname: &str,
        fname: Option<&str>,
        if_match: Option<&IfMatch>,
    ) -> Result<(PersonView, Ack), ApiError> {
        let mut map = self.people_mut();
        let person = match map.get_mut(lname) {
            Some(Slot::Live(p)) => p,
            other => return Err(lookup_error(other.map(|s| &*s), lname)),
        };
        check_if_match(if_match, &self.etag(lname, person))?;
        let mut ack = Ack::ready();
        if let Some(fname) = fname {
            person.fname = fname.to_string();
            person.etag = OnceLock::new();
            let now = self.clock.now();
            person.timestamp = if now > person.timestamp {
                now
            } else {
                person.timestamp + chrono::Duration::microseconds(1)
            };
            ack = self.through.replace_person(lname, person.values());
        }
        Ok((self.view(lname, person), ack))
    }

    /// Deletes a live person with its photo and attachments; the key then reads as gone.
    pub(crate) async fn delete(
        &self,
        lname: &str,
        if_match: Option<&IfMatch>,
    ) -> Result<(), ApiError> {
        let ack = {
            let mut map = self.people_mut();
            match map.get(lname) {
                Some(Slot::Live(p)) => check_if_match(if_match, &self.etag(lname, p))?,
                other => return Err(lookup_error(other, lname)),
            }
            let ack = self.through.delete_person(lname);
            map.insert(lname.to_string(), Slot::Gone);
            self.live.fetch_sub(1, Ordering::Relaxed);
            ack
        };
        ack.done().await
    }

    fn with_live<T>(
        &self,
        lname: &str,
        f: impl FnOnce(&Person) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let map = read(&self.people);
        match map.get(lname) {
            Some(Slot::Live(p)) => f(p),
            other => Err(lookup_error(other, lname)),
        }
    }

    fn with_live_mut<T>(
        &self,
        lname: &str,
        f: impl FnOnce(&mut Person) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut map = self.people_mut();
        match map.get_mut(lname) {
            Some(Slot::Live(p)) => f(p),
            other => Err(lookup_error(other.map(|s| &*s), lname)),
        }
    }

    /// Replaces the photo of a live person.
    pub(crate) async fn set_photo(&self, lname: &str, photo: Photo) -> Result<String, ApiError> {
        let photo = Arc::new(photo);
        let etag = photo.etag();
        let ack = self.with_live_mut(lname, |p| {
            let ack = self.through.put_photo(lname, photo.clone());
            p.photo = Some(photo);
            Ok(ack)
        })?;
        ack.done().await?;
        Ok(etag)
    }

    /// The photo of a live person.
    pub(crate) fn photo(&self, lname: &str) -> Result<Arc<Photo>, ApiError> {
        self.with_live(lname, |p| {
            p.photo
                .clone()
                .ok_or_else(|| ApiError::photo_not_found(lname))
        })
    }

    /// Removes the photo of a live person.
    pub(crate) async fn delete_photo(
        &self,
        lname: &str,
        if_match: Option<&IfMatch>,
    ) -> Result<(), ApiError> {
        let ack = self.with_live_mut(lname, |p| {
            let etag = match &p.photo {
                Some(photo) => photo.etag(),
                None => return Err(ApiError::photo_not_found(lname)),
            };
            check_if_match(if_match, &etag)?;
            p.photo = None;
            Ok(self.through.delete_photo(lname))
        })?;
        ack.done().await
    }

    /// Appends attachments to a live person, all or none.
    pub(crate) async fn add_attachments(
        &self,
        lname: &str,
        attachments: Vec<Attachment>,
    ) -> Result<Vec<Arc<Attachment>>, ApiError> {
        let attachments: Vec<Arc<Attachment>> = attachments.into_iter().map(Arc::new).collect();
        let ack = self.with_live_mut(lname, |p| {
            p.attachments.extend(attachments.iter().cloned());
            Ok(self.through.put_attachments(lname, attachments.clone()))
        })?;
        ack.done().await?;
        Ok(attachments)
    }

    /// The attachments of a live person, in upload order.
    pub(crate) fn attachments(&self, lname: &str) -> Result<Vec<Arc<Attachment>>, ApiError> {
        self.with_live(lname, |p| Ok(p.attachments.clone()))
    }

    /// One attachment of a live person.
    pub(crate) fn attachment(&self, lname: &str, id: &str) -> Result<Arc<Attachment>, ApiError> {
        self.with_live(lname, |p| {
            p.attachments
                .iter()
                .find(|a| a.id == id)
                .cloned()
                .ok_or_else(|| ApiError::attachment_not_found(id))
        })
    }

    /// Removes one attachment of a live person.
    pub(crate) async fn delete_attachment(
        &self,
        lname: &str,
        id: &str,
        if_match: Option<&IfMatch>,
    ) -> Result<(), ApiError> {
        let ack = self.with_live_mut(lname, |p| {
            let index = p
                .attachments
                .iter()
                .position(|a| a.id == id)
                .ok_or_else(|| ApiError::attachment_not_found(id))?;
            check_if_match(if_match, &p.attachments[index].etag())?;
            p.attachments.remove(index);
            Ok(self.through.delete_attachment(lname, id))
        })?;
        ack.done().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(sort: SortBy, descending: bool) -> ListQuery {
        ListQuery {
            sort,
            descending,
            fname: None,
            lname: None,
            offset: 0,
            limit: 100,
        }
    }

    #[tokio::test]
    async fn seeds_sorted_by_lname() {
        let store = Store::default();
        let _ = store.seed(0);
        let (total, page) = store.list(&query(SortBy::Lname, false));
        assert_eq!(total, 3);
        let names: Vec<_> = page.iter().map(|p| p.lname.as_str()).collect();
        assert_eq!(names, ["Brockman", "Easter", "Farrell"]);
    }

    #[tokio::test]
    async fn fname_sort_desc_and_generated() {
        let store = Store::default();
        let _ = store.seed(20);
        let (total, page) = store.list(&query(SortBy::Fname, true));
        assert_eq!(total, 23);
        assert!(page.windows(2).all(|w| w[0].fname >= w[1].fname));
    }

    #[tokio::test]
    async fn delete_then_gone_then_recreate() {
        let store = Store::default();
        let _ = store.seed(0);
        store.delete("Farrell", None).await.unwrap();
        assert_eq!(store.get("Farrell").unwrap_err().code, 410_001);
        assert_eq!(store.get("Nobody").unwrap_err().code, 404_001);
        store.create("Doug", "Farrell").await.unwrap();
        assert!(store.get("Farrell").is_ok());
    }

    #[tokio::test]
    async fn lname_pages_match_the_general_path() {
        let store = Store::default();
        let _ = store.seed(40);
        store.delete("Lovelace7", None).await.unwrap();
        store.delete("Farrell", None).await.unwrap();
        store.create("Ada", "Aaron").await.unwrap();
        store.create("Doug", "Farrell").await.unwrap();
        store.delete("Hopper20", None).await.unwrap();
        let all: Vec<String> = store.snapshot().into_iter().map(|p| p.lname).collect();
        assert_eq!(all.len(), 42);
        for descending in [false, true] {
            let mut expected = all.clone();
            if descending {
                expected.reverse();
            }
            for (offset, limit) in [(0, 7), (5, 10), (35, 10), (41, 3), (100, 5)] {
                let mut q = query(SortBy::Lname, descending);
                (q.offset, q.limit) = (offset, limit);
                let (total, page) = store.list(&q);
                assert_eq!(total, 42);
                let names: Vec<String> = page.into_iter().map(|p| p.lname).collect();
                let want: Vec<String> = expected.iter().skip(offset).take(limit).cloned().collect();
                assert_eq!(names, want, "descending {descending}, offset {offset}");
            }
        }
        let _ = store.seed(0);
        assert_eq!(store.list(&query(SortBy::Lname, false)).0, 3);
    }

    #[tokio::test]
    async fn etag_is_stable_until_a_change() {
        let store = Store::default();
        let _ = store.seed(0);
        let first = store.get("Farrell").unwrap().etag;
        assert_eq!(first.len(), 34);
        assert!(first.starts_with('"') && first.ends_with('"'));
        assert!(
            first[1..33]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(store.get("Farrell").unwrap().etag, first);
        let changed = store
            .update("Farrell", Some("Douglas"), None)
            .await
            .unwrap()
            .etag;
        assert_ne!(changed, first);
        assert_eq!(store.get("Farrell").unwrap().etag, changed);
    }

    #[tokio::test]
    async fn etag_changes_on_update() {
        let store = Store::default();
        let _ = store.seed(0);
        let before = store.get("Easter").unwrap();
        let after = store.update("Easter", Some("Bunny"), None).await.unwrap();
        assert_ne!(before.etag, after.etag);
        assert!(after.timestamp > before.timestamp);
        let same = store.update("Easter", None, None).await.unwrap();
        assert_eq!(same, after);
    }
}
