//! The journal's storage: the newest entries, bounded both by their number and by the bytes
//! they hold. When either bound would be passed, the oldest entries go first.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::journal_entry::JournalEntry;

/// Bytes counted for an entry beyond its text: the entry itself and its bookkeeping.
const ENTRY_OVERHEAD: usize = 128;
/// Bytes counted for each header beyond its name and value.
const HEADER_OVERHEAD: usize = 48;

/// The bytes an entry is counted for: its text plus a fixed overhead per entry and per header.
pub(crate) fn entry_bytes(entry: &JournalEntry) -> usize {
    let headers: usize = entry
        .headers
        .iter()
        .map(|(name, value)| name.len() + value.len() + HEADER_OVERHEAD)
        .sum();
    ENTRY_OVERHEAD
        + entry.method.len()
        + entry.path.len()
        + entry.query.as_ref().map_or(0, String::len)
        + headers
}

/// Entries oldest first, at most `capacity` of them and at most `max_bytes` in all (the newest
/// entry is kept even when it alone is larger).
#[derive(Debug)]
pub(crate) struct Ring {
    capacity: usize,
    max_bytes: usize,
    bytes: usize,
    entries: VecDeque<(Arc<JournalEntry>, usize)>,
}

impl Ring {
    pub(crate) fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            max_bytes,
            bytes: 0,
            entries: VecDeque::new(),
        }
    }

    /// Adds an entry, evicting the oldest ones as needed.
    pub(crate) fn push(&mut self, entry: JournalEntry) {
        if self.capacity == 0 {
            return;
        }
        let size = entry_bytes(&entry);
        while !self.entries.is_empty()
            && (self.entries.len() >= self.capacity
                || self.bytes.saturating_add(size) > self.max_bytes)
        {
            if let Some((_, evicted)) = self.entries.pop_front() {
                self.bytes -= evicted;
            }
        }
        self.bytes += size;
        self.entries.push_back((Arc::new(entry), size));
    }

    /// The entries, oldest first, shared rather than copied.
    pub(crate) fn shared(&self) -> Vec<Arc<JournalEntry>> {
        self.entries.iter().map(|(e, _)| e.clone()).collect()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &JournalEntry> {
        self.entries.iter().map(|(e, _)| &**e)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The bytes the entries are counted for.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Forgets every entry and gives back the storage; returns how many there were.
    pub(crate) fn clear(&mut self) -> usize {
        let count = self.entries.len();
        self.entries = VecDeque::new();
        self.bytes = 0;
        count
    }

    /// Room held for entries (for tests of the storage's release).
    #[cfg(test)]
    pub(crate) fn allocated(&self) -> usize {
        self.entries.capacity()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use http::{HeaderMap, HeaderValue};

    use super::*;

    fn entry(path: &str, header: usize) -> JournalEntry {
        let mut headers = HeaderMap::new();
        headers.insert("x-big", HeaderValue::from_str(&"h".repeat(header)).unwrap());
        JournalEntry::new("GET", path, None, &headers, Utc::now())
    }

    fn paths(ring: &Ring) -> Vec<String> {
        ring.iter().map(|e| e.path.clone()).collect()
    }

    #[test]
    fn bounded_by_count() {
        let mut ring = Ring::new(2, usize::MAX);
        for path in ["/a", "/b", "/c"] {
            ring.push(entry(path, 1));
        }
        assert_eq!(paths(&ring), ["/b", "/c"]);
    }

    #[test]
    fn bounded_by_bytes_oldest_out_first() {
        let one = entry_bytes(&entry("/a", 1000));
        let mut ring = Ring::new(1000, one * 3);
        for path in ["/a", "/b", "/c", "/d", "/e"] {
            ring.push(entry(path, 1000));
        }
        assert_eq!(paths(&ring), ["/c", "/d", "/e"]);
        assert_eq!(ring.bytes(), one * 3);
        // An entry larger than the whole bound replaces everything and is kept alone.
        ring.push(entry("/huge", 4000));
        assert_eq!(paths(&ring), ["/huge"]);
    }

    #[test]
    fn clear_gives_the_storage_back() {
        let mut ring = Ring::new(10_000, usize::MAX);
        for _ in 0..5000 {
            ring.push(entry("/a", 1));
        }
        assert!(ring.allocated() >= 5000);
        assert_eq!(ring.clear(), 5000);
        assert_eq!((ring.len(), ring.bytes(), ring.allocated()), (0, 0, 0));
    }
}
