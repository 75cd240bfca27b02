//! Refresh tokens that were used, remembered so that a second use can be caught.
//!
//! A refresh token presented after it was rotated means that two parties hold it; the server
//! then revokes the whole chain (RFC 9700 section 4.14.2). The memory of used tokens is bounded
//! apart from the live grants: each client's last `cap` used tokens are kept, the oldest
//! forgotten first (the [`Ledger`] that bounds live grants). It does not end when the grant
//! that issued the token is evicted, because the chain it belongs to may still be alive in a
//! newer grant.

use std::collections::HashMap;
use std::sync::Arc;

use crate::token_ledger::Ledger;

/// A refresh token that was used: who it belonged to and its chain of rotations.
#[derive(Debug)]
pub(crate) struct Spent {
    pub(crate) client_id: Arc<str>,
    pub(crate) family: u64,
}

/// Used refresh tokens, at most `cap` per client.
#[derive(Debug)]
pub(crate) struct SpentTokens {
    by_token: HashMap<String, Spent>,
    order: Ledger<String>,
}

impl SpentTokens {
    /// An empty memory keeping `cap` used tokens per client (at least one).
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            by_token: HashMap::new(),
            order: Ledger::new(cap),
        }
    }

    /// Remembers that `token` was used; the client's oldest used token goes past the cap.
    pub(crate) fn insert(&mut self, token: String, spent: Spent) {
        for oldest in self.order.record(&spent.client_id, token.clone()) {
            self.by_token.remove(&oldest);
        }
        self.by_token.insert(token, spent);
    }

    /// The used token `token`, if it is remembered.
    pub(crate) fn get(&self, token: &str) -> Option<&Spent> {
        self.by_token.get(token)
    }

    /// How many used tokens are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_token.len()
    }

    /// The storage's capacity, to show that [`clear`](Self::clear) gives it back.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.by_token.capacity()
    }

    /// Forgets everything and gives back the storage.
    pub(crate) fn clear(&mut self) {
        self.by_token = HashMap::new();
        self.order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_cap_per_client() {
        let mut spent = SpentTokens::new(2);
        let a: Arc<str> = Arc::from("a");
        let b: Arc<str> = Arc::from("b");
        for (token, client) in [("a1", &a), ("b1", &b), ("a2", &a), ("a3", &a)] {
            let spent_token = Spent {
                client_id: client.clone(),
                family: 7,
            };
            spent.insert(token.to_string(), spent_token);
        }
        assert!(spent.get("a1").is_none(), "the oldest of a went");
        assert!(spent.get("a2").is_some() && spent.get("a3").is_some());
        assert!(spent.get("b1").is_some(), "b is counted apart");
        assert_eq!(spent.len(), 3);
        spent.clear();
        assert_eq!(spent.capacity(), 0);
    }
}
