//! The `custom_id`s of buttons, select menus and modals: what they carry and how they parse.
//! Question components carry the item and part they belong to, so a click on an old message is
//! recognised as stale instead of acting on the current question.

/// A parsed component or modal id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentId {
    /// A button on a question: `q:<action>:<session>:<item>:<part>`.
    Question {
        action: QuestionAction,
        session: String,
        item: usize,
        part: usize,
    },
    /// The checklist select or a rating button of the rubric: `r:<action>:<session>:<item>`.
    Rubric {
        action: RubricAction,
        session: String,
        item: usize,
    },
    /// The answer form: `m:<session>:<item>:<part>`.
    Form {
        session: String,
        item: usize,
        part: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionAction {
    Submit,
    Form,
    Hint,
    Skip,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RubricAction {
    Ticks,
    Rate(u8),
    SkipScore,
}

impl QuestionAction {
    fn code(self) -> &'static str {
        match self {
            QuestionAction::Submit => "submit",
            QuestionAction::Form => "form",
            QuestionAction::Hint => "hint",
            QuestionAction::Skip => "skip",
            QuestionAction::End => "end",
        }
    }
}

impl ComponentId {
    pub fn encode(&self) -> String {
        match self {
            ComponentId::Question {
                action,
                session,
                item,
                part,
            } => format!("q:{}:{session}:{item}:{part}", action.code()),
            ComponentId::Rubric {
                action,
                session,
                item,
            } => {
                let a = match action {
                    RubricAction::Ticks => "ticks".to_string(),
                    RubricAction::Rate(n) => format!("rate{n}"),
                    RubricAction::SkipScore => "skipscore".to_string(),
                };
                format!("r:{a}:{session}:{item}")
            }
            ComponentId::Form {
                session,
                item,
                part,
            } => format!("m:{session}:{item}:{part}"),
        }
    }

    pub fn parse(s: &str) -> Option<ComponentId> {
        let parts: Vec<&str> = s.split(':').collect();
        let num = |x: &str| x.parse::<usize>().ok();
        match parts.as_slice() {
            ["q", action, session, item, part] => {
                let action = match *action {
                    "submit" => QuestionAction::Submit,
                    "form" => QuestionAction::Form,
                    "hint" => QuestionAction::Hint,
                    "skip" => QuestionAction::Skip,
                    "end" => QuestionAction::End,
                    _ => return None,
                };
                Some(ComponentId::Question {
                    action,
                    session: session.to_string(),
                    item: num(item)?,
                    part: num(part)?,
                })
            }
            ["r", action, session, item] => {
                let action = match *action {
                    "ticks" => RubricAction::Ticks,
                    "skipscore" => RubricAction::SkipScore,
                    a => RubricAction::Rate(a.strip_prefix("rate")?.parse().ok()?),
                };
                Some(ComponentId::Rubric {
                    action,
                    session: session.to_string(),
                    item: num(item)?,
                })
            }
            ["m", session, item, part] => Some(ComponentId::Form {
                session: session.to_string(),
                item: num(item)?,
                part: num(part)?,
            }),
            _ => None,
        }
    }

    pub fn session(&self) -> &str {
        match self {
            ComponentId::Question { session, .. }
            | ComponentId::Rubric { session, .. }
            | ComponentId::Form { session, .. } => session,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_fit_discord() {
        let s = "0123456789abcdef0123456789abcdef".to_string();
        let ids = [
            ComponentId::Question {
                action: QuestionAction::Submit,
                session: s.clone(),
                item: 12,
                part: 3,
            },
            ComponentId::Question {
                action: QuestionAction::End,
                session: s.clone(),
                item: 0,
                part: 0,
            },
            ComponentId::Rubric {
                action: RubricAction::Rate(4),
                session: s.clone(),
                item: 2,
            },
            ComponentId::Rubric {
                action: RubricAction::Ticks,
                session: s.clone(),
                item: 2,
            },
            ComponentId::Rubric {
                action: RubricAction::SkipScore,
                session: s.clone(),
                item: 1,
            },
            ComponentId::Form {
                session: s,
                item: 5,
                part: 1,
            },
        ];
        for id in ids {
            let text = id.encode();
            assert!(text.len() <= 100, "custom_id over 100 characters: {text}");
            assert_eq!(ComponentId::parse(&text), Some(id));
        }
        assert_eq!(ComponentId::parse("q:explode:x:1:2"), None);
        assert_eq!(ComponentId::parse("r:rateX:x:1"), None);
        assert_eq!(ComponentId::parse("garbage"), None);
    }
}
