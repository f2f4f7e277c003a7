//! The serde shape of a question pack (see `prompts/FORMAT.md`). Unknown keys are errors, so a
//! typo in a field name is reported instead of silently ignored.

use serde::{Deserialize, Serialize};

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
    #[serde(default)]
    pub talking_points: Vec<TalkingPoint>,
    pub outline: String,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub complexity: Option<String>,
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

impl Pack {
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}
