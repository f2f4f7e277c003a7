//! The serde shape of a question pack (see `prompts/FORMAT.md`). Unknown keys are errors, so a
//! typo in a field name is reported instead of silently ignored.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::text::matcher::{Matcher, Spec};

/// One role's pack: the role, its assessment areas and its questions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub role: Role,
    pub areas: Vec<Area>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The area's general signals (communication, structure), shared by all its questions.
    #[serde(default)]
    pub rubric: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Concept,
    Design,
    Coding,
    Troubleshooting,
    Behavioral,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Concept, Kind::Design, Kind::Coding, Kind::Troubleshooting, Kind::Behavioral];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Concept => "concept",
            Kind::Design => "design",
            Kind::Coding => "coding",
            Kind::Troubleshooting => "troubleshooting",
            Kind::Behavioral => "behavioral",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub area: String,
    pub kind: Kind,
    pub difficulty: u8,
    #[serde(default = "default_minutes")]
    pub minutes: u8,
    pub prompt: String,
    #[serde(default)]
    pub follow_ups: Vec<String>,
    #[serde(default)]
    pub hints: Vec<String>,
    pub checklist: Vec<String>,
    /// Patterns of which one must match before any talking point counts.
    #[serde(default)]
    pub topic: Vec<String>,
    #[serde(default)]
    pub talking_points: Vec<TalkingPoint>,
    /// Common wrong claims that feedback points out.
    #[serde(default)]
    pub misconceptions: Vec<Misconception>,
    pub outline: String,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub complexity: Option<String>,
    /// The patterns above, compiled on first use.
    #[serde(skip)]
    pub matcher: OnceLock<Arc<Matcher>>,
}

fn default_minutes() -> u8 {
    5
}

/// An expected point of a good answer and the phrases that show it was covered.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TalkingPoint {
    pub point: String,
    pub phrases: Vec<String>,
}

/// A common wrong claim: the patterns that show it, what is true instead, and the points it cancels.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Misconception {
    pub claim: String,
    pub correction: String,
    pub phrases: Vec<String>,
    /// `point` names of this question's talking points that this claim contradicts.
    #[serde(default)]
    pub contradicts: Vec<String>,
}

impl Question {
    /// The question's patterns, compiled once.
    pub fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| {
            let index = |name: &String| self.talking_points.iter().position(|p| &p.point == name);
            let mut question = vec![self.prompt.as_str()];
            question.extend(self.follow_ups.iter().map(String::as_str));
            Arc::new(Matcher::new(Spec {
                topic: &self.topic,
                points: self.talking_points.iter().map(|p| p.phrases.as_slice()).collect(),
                misconceptions: self
                    .misconceptions
                    .iter()
                    .map(|m| (m.phrases.as_slice(), m.contradicts.iter().filter_map(index).collect()))
                    .collect(),
                question,
                hints: self.hints.iter().map(String::as_str).collect(),
            }))
        })
    }
}

impl Pack {
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}
