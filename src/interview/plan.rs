//! Plan selection: which questions (and follow-ups) an interview asks, chosen deterministically
//! from a seed so a session can be rebuilt and tests are repeatable.

use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::rejection::Rejection;
use crate::bank::Pack;

pub const MAX_PER_AREA: u8 = 5;
pub const MAX_FOLLOW_UPS: u8 = 4;

/// What the user asked for; validated against the pack by [`select`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Area ids; empty means every area of the role.
    pub areas: Vec<String>,
    pub per_area: u8,
    pub follow_ups: u8,
    pub seed: u64,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            areas: Vec::new(),
            per_area: 3,
            follow_ups: 1,
            seed: 0,
        }
    }
}

/// The ordered questions of one interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub role: String,
    pub items: PlanItems,
}

/// The items of a plan, shared between a session and every session `step` makes from it: a
/// plan never changes after `start`, so cloning a session (every step does) copies a pointer,
/// not three strings per question. Read like a slice, built with `collect()` or from a `Vec`,
/// serialised as the list of items.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanItems(Arc<[PlanItem]>);

impl Deref for PlanItems {
    type Target = [PlanItem];

    fn deref(&self) -> &[PlanItem] {
        &self.0
    }
}

impl From<Vec<PlanItem>> for PlanItems {
    fn from(v: Vec<PlanItem>) -> PlanItems {
        PlanItems(v.into())
    }
}

impl FromIterator<PlanItem> for PlanItems {
    fn from_iter<I: IntoIterator<Item = PlanItem>>(iter: I) -> PlanItems {
        PlanItems(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a PlanItems {
    type Item = &'a PlanItem;
    type IntoIter = std::slice::Iter<'a, PlanItem>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Serialize for PlanItems {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl<'de> Deserialize<'de> for PlanItems {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PlanItems, D::Error> {
        Vec::<PlanItem>::deserialize(d).map(PlanItems::from)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub question: String,
    pub area: String,
    /// Indices into the question's follow-ups, asked in this order after the main answer.
    pub follow_ups: Vec<usize>,
}

impl PlanItem {
    /// Number of answers this item takes: the main answer and each follow-up.
    pub fn parts(&self) -> usize {
        1 + self.follow_ups.len()
    }
}

/// Chooses the plan: areas in pack order, `per_area` questions from each, shuffled by the seed.
pub fn select(pack: &Pack, opts: &PlanOptions) -> Result<Plan, Rejection> {
    if !(1..=MAX_PER_AREA).contains(&opts.per_area) {
        return Err(Rejection::PerAreaOutOfRange {
            got: opts.per_area,
            max: MAX_PER_AREA,
        });
    }
    if opts.follow_ups > MAX_FOLLOW_UPS {
        return Err(Rejection::FollowUpsOutOfRange { max: MAX_FOLLOW_UPS });
    }
    let areas = chosen_areas(pack, &opts.areas)?;
    let mut rng = SplitMix64(opts.seed);
    let mut items = Vec::new();
    for area in areas {
        let mut pool: Vec<_> = pack.questions.iter().filter(|q| q.area == area).collect();
        shuffle(&mut pool, &mut rng);
        for q in pool.into_iter().take(opts.per_area as usize) {
            let n = q.follow_ups.len().min(opts.follow_ups as usize);
            items.push(PlanItem {
                question: q.id.clone(),
                area: area.to_string(),
                follow_ups: (0..n).collect(),
            });
        }
    }
    Ok(Plan {
        role: pack.role.id.clone(),
        items: items.into(),
    })
}

fn chosen_areas<'a>(pack: &'a Pack, wanted: &[String]) -> Result<Vec<&'a str>, Rejection> {
    if wanted.is_empty() {
        return Ok(pack.areas.iter().map(|a| a.id.as_str()).collect());
    }
    let unknown: Vec<String> = wanted.iter().filter(|w| pack.area(w).is_none()).cloned().collect();
    if !unknown.is_empty() {
        return Err(Rejection::UnknownArea {
            unknown,
            role: pack.role.name.clone(),
            available: pack.areas.iter().map(|a| a.id.clone()).collect(),
        });
    }
    // Pack order, so an interview flows the way the loop is designed, whatever order was typed.
    Ok(pack
        .areas
        .iter()
        .filter(|a| wanted.contains(&a.id))
        .map(|a| a.id.as_str())
        .collect())
}

/// A tiny, stable PRNG: plans must not change when a dependency's algorithm does.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn shuffle<T>(v: &mut [T], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}
