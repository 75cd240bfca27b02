//! The bound on live tokens: per client, the grants issued, oldest first. When a client holds
//! its maximum and is issued another, its oldest grant (an access token and the refresh token
//! issued with it) is forgotten, so the token store's size is set by the configuration (clients
//! times the maximum), not by how often anyone asks for a token. The same per-client bound keeps
//! the memory of used refresh tokens (see [`spent_tokens`](crate::spent_tokens)).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// Default most live grants per client.
pub const DEFAULT_MAX_TOKENS_PER_CLIENT: usize = 1000;

/// One issue of the token endpoint: the tokens to forget when it is evicted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    pub(crate) access: String,
    pub(crate) refresh: String,
}

/// Every client's entries (issues, or used tokens), oldest first, at most `max` each.
#[derive(Debug)]
pub(crate) struct Ledger<T> {
    max: usize,
    issued: HashMap<Arc<str>, VecDeque<T>>,
}

impl<T> Ledger<T> {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max: max.max(1),
            issued: HashMap::new(),
        }
    }

    /// Records an entry for `client`; returns the entries that no longer fit, oldest first.
    pub(crate) fn record(&mut self, client: &Arc<str>, issue: T) -> Vec<T> {
        let queue = self.issued.entry(client.clone()).or_default();
        let mut evicted = Vec::new();
        while queue.len() >= self.max {
            evicted.extend(queue.pop_front());
        }
        queue.push_back(issue);
        evicted
    }

    /// Forgets every entry and gives back the storage.
    pub(crate) fn clear(&mut self) {
        self.issued = HashMap::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(n: u32) -> Issue {
        Issue {
            access: format!("at{n}"),
            refresh: format!("rt{n}"),
        }
    }

    #[test]
    fn the_oldest_issue_of_a_full_client_goes() {
        let mut ledger = Ledger::new(2);
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("a"), Arc::from("b"));
        assert!(ledger.record(&a, issue(1)).is_empty());
        assert!(ledger.record(&a, issue(2)).is_empty());
        assert!(ledger.record(&b, issue(3)).is_empty());
        assert_eq!(ledger.record(&a, issue(4)), vec![issue(1)]);
        assert_eq!(ledger.record(&a, issue(5)), vec![issue(2)]);
        ledger.clear();
        assert!(ledger.record(&a, issue(6)).is_empty());
    }
}
