//! Where each stem occurs in a text: an open-addressing table built in one pass, so matching a
//! pattern costs what it finds, not the length of the answer.

use super::{Stem, Word};

/// An open-addressing table from stem to its first position, with the later positions of the
/// same stem chained through `next`: built in one pass, no allocation per word.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    slots: Vec<(Stem, u32)>,
    next: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Index {
    pub(super) fn new(words: &[Word]) -> Index {
        let cap = (words.len() * 2).next_power_of_two().max(8);
        let mut index = Index {
            slots: vec![(0, NONE); cap],
            next: vec![NONE; words.len()],
        };
        // Backwards, so that each chain lists positions in order.
        for (i, w) in words.iter().enumerate().rev() {
            let slot = index.slot(w.stem);
            let (key, head) = &mut index.slots[slot];
            *key = w.stem;
            index.next[i] = *head;
            *head = i as u32;
        }
        index
    }

    /// The slot holding `stem`, or the empty slot where it would go.
    fn slot(&self, stem: Stem) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (stem as usize) & mask;
        while self.slots[i].1 != NONE && self.slots[i].0 != stem {
            i = (i + 1) & mask;
        }
        i
    }

    pub(super) fn positions(&self, stem: Stem) -> impl Iterator<Item = usize> + '_ {
        let head = if self.slots.is_empty() {
            NONE
        } else {
            self.slots[self.slot(stem)].1
        };
        std::iter::successors((head != NONE).then_some(head), |&p| {
            let n = self.next[p as usize];
            (n != NONE).then_some(n)
        })
        .map(|p| p as usize)
    }
}
