//! Concept patterns, the language talking points are written in: groups joined by ` + ` that must
//! all occur in one clause, each group a list of alternatives joined by ` | `, each alternative a
//! word or a phrase of consecutive words. `prompts/FORMAT.md` documents them for authors.

use std::ops::Range;

use super::{stem_ids, Doc, Stem, WINDOW};

/// A parsed pattern, ready to match.
#[derive(Debug, Clone)]
pub struct Pattern {
    groups: Vec<Vec<Alt>>,
}

#[derive(Debug, Clone)]
struct Alt {
    stems: Vec<Stem>,
    /// The alternative contains a negation ("not thread safe", "did not"): the negation is part
    /// of its meaning, not a denial of it.
    negative: bool,
}

/// Where a pattern matched: the clause and, per group, the word range that satisfied it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub clause: usize,
    pub words: Vec<Range<usize>>,
}

impl Pattern {
    /// Parses `source`; the error says what is wrong, for pack validation.
    pub fn parse(source: &str) -> Result<Pattern, String> {
        let mut groups = Vec::new();
        for group in source.split('+') {
            let mut alts = Vec::new();
            for alt in group.split('|') {
                let stems = stem_ids(alt);
                if stems.is_empty() {
                    let what = if alt.trim().is_empty() {
                        "an empty alternative"
                    } else {
                        "an alternative without words"
                    };
                    return Err(format!("pattern '{source}' has {what} ('{}')", alt.trim()));
                }
                let negative = stems.iter().any(|s| super::NEGATIONS.iter().any(|n| super::stem_id(n) == *s));
                alts.push(Alt { stems, negative });
            }
            groups.push(alts);
        }
        Ok(Pattern { groups })
    }

    /// The first place in `doc` where every group occurs in one clause, within `WINDOW` words of
    /// the first group's word. Occurrences made only of echo words (`echo[i]` true) do not count,
    /// nor negated ones, unless the negation belongs to another group's negative alternative
    /// ("does not copy + nested": the `not` is the first group's, not a denial of `nested`).
    pub fn find(&self, doc: &Doc, echo: &[bool]) -> Option<Hit> {
        // Most patterns fail because a group is absent: stop at the first such group. The
        // groups' occurrences share one buffer, group `g` ending at `ends[g]`.
        let mut found: Vec<Occ> = Vec::new();
        let mut ends: Vec<usize> = Vec::new();
        for g in &self.groups {
            let before = found.len();
            occurrences(g, doc, echo, &mut found);
            if found.len() == before {
                return None;
            }
            if ends.is_empty() {
                // Allocated only once a group is found, at its final size.
                ends.reserve_exact(self.groups.len());
            }
            ends.push(found.len());
        }
        let negatives: Vec<&Range<usize>> = found.iter().filter(|o| o.negative).map(|o| &o.words).collect();
        let counts = |o: &Occ| o.negated_by.is_none_or(|n| negatives.iter().any(|r| r.contains(&n)));
        let first = &found[..*ends.first()?];
        let rest = ends.windows(2).map(|w| &found[w[0]..w[1]]);
        first.iter().filter(|o| counts(o)).find_map(|anchor| {
            let clause = doc.clause_of[anchor.words.start] as usize;
            let mut words = Vec::with_capacity(ends.len());
            words.push(anchor.words.clone());
            for occ in rest.clone() {
                // Each group needs words of its own: one word cannot make two ideas.
                let near = occ.iter().find(|o| {
                    counts(o)
                        && doc.clause_of[o.words.start] as usize == clause
                        && o.words.start.abs_diff(anchor.words.start) <= WINDOW
                        && words.iter().all(|w| w.end <= o.words.start || o.words.end <= w.start)
                })?;
                words.push(near.words.clone());
            }
            Some(Hit { clause, words })
        })
    }
}

/// Occurrences a pattern's buffer first has room for.
const OCC_ROOM: usize = 16;

/// One place where an alternative of a group stands.
struct Occ {
    words: Range<usize>,
    /// The alternative contains a negation ("not thread safe", "did not").
    negative: bool,
    /// The negation word that denies it, if any.
    negated_by: Option<usize>,
}

/// Places in `doc` where any alternative of `group` stands, echo excluded, added to `out`.
fn occurrences(group: &[Alt], doc: &Doc, echo: &[bool], out: &mut Vec<Occ>) {
    for alt in group {
        for p in doc.positions(alt.stems[0]) {
            let end = p + alt.stems.len();
            if end > doc.words.len() {
                continue;
            }
            let same = doc.words[p..end].iter().zip(&alt.stems).all(|(w, s)| w.stem == *s);
            let one_clause = doc.clause_of[p] == doc.clause_of[end - 1];
            if !same || !one_clause || echo[p..end].iter().all(|e| *e) {
                continue;
            }
            if out.capacity() == 0 {
                // Room for a few occurrences at once, not grown one doubling at a time.
                out.reserve(OCC_ROOM);
            }
            out.push(Occ {
                words: p..end,
                negative: alt.negative,
                negated_by: if alt.negative { None } else { doc.negated_by(p) },
            });
        }
    }
}
