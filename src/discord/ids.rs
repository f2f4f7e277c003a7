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
    Form { session: String, item: usize, part: usize },
    /// A lobby button of a peer review: `l:<action>:<session>`.
    Lobby { action: LobbyAction, session: String },
    /// Peer scoring of an answer: `p:<action>:<session>:<item>:<message>`, where `message` is the
    /// public "Score this answer" message whose progress line is updated (0 when unknown).
    Peer {
        action: PeerAction,
        session: String,
        item: usize,
        message: u64,
    },
    /// A reviewer's note form: `n:<session>:<item>:<message>`.
    Note { session: String, item: usize, message: u64 },
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobbyAction {
    Join,
    Leave,
    Start,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerAction {
    /// Opens the private rubric.
    Score,
    /// The host closes scoring.
    Close,
    Ticks,
    Rate(u8),
    /// Opens the note form.
    Note,
}

const QUESTION: [(&str, QuestionAction); 5] = [
    ("submit", QuestionAction::Submit),
    ("form", QuestionAction::Form),
    ("hint", QuestionAction::Hint),
    ("skip", QuestionAction::Skip),
    ("end", QuestionAction::End),
];
const LOBBY: [(&str, LobbyAction); 3] = [
    ("join", LobbyAction::Join),
    ("leave", LobbyAction::Leave),
    ("start", LobbyAction::Start),
];

fn code<T: PartialEq + Copy>(table: &[(&'static str, T)], v: T) -> &'static str {
    table
        .iter()
        .find(|(_, x)| *x == v)
        .map(|(c, _)| *c)
        .expect("every action has a code")
}

fn lookup<T: Copy>(table: &[(&str, T)], c: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == c).map(|(_, v)| *v)
}

fn rubric_code(a: RubricAction) -> String {
    match a {
        RubricAction::Ticks => "ticks".into(),
        RubricAction::Rate(n) => format!("rate{n}"),
        RubricAction::SkipScore => "skipscore".into(),
    }
}

fn peer_code(a: PeerAction) -> String {
    match a {
        PeerAction::Score => "score".into(),
        PeerAction::Close => "close".into(),
        PeerAction::Ticks => "ticks".into(),
        PeerAction::Rate(n) => format!("rate{n}"),
        PeerAction::Note => "note".into(),
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
            } => format!("q:{}:{session}:{item}:{part}", code(&QUESTION, *action)),
            ComponentId::Rubric { action, session, item } => format!("r:{}:{session}:{item}", rubric_code(*action)),
            ComponentId::Form { session, item, part } => format!("m:{session}:{item}:{part}"),
            ComponentId::Lobby { action, session } => format!("l:{}:{session}", code(&LOBBY, *action)),
            ComponentId::Peer {
                action,
                session,
                item,
                message,
            } => format!("p:{}:{session}:{item}:{message}", peer_code(*action)),
            ComponentId::Note { session, item, message } => format!("n:{session}:{item}:{message}"),
        }
    }

    pub fn parse(s: &str) -> Option<ComponentId> {
        let parts: Vec<&str> = s.split(':').collect();
        let num = |x: &str| x.parse::<usize>().ok();
        let rate = |a: &str| a.strip_prefix("rate").and_then(|n| n.parse::<u8>().ok());
        let session = |x: &str| x.to_string();
        Some(match parts.as_slice() {
            ["q", a, s, item, part] => ComponentId::Question {
                action: lookup(&QUESTION, a)?,
                session: session(s),
                item: num(item)?,
                part: num(part)?,
            },
            ["r", a, s, item] => {
                let action = match *a {
                    "ticks" => RubricAction::Ticks,
                    "skipscore" => RubricAction::SkipScore,
                    a => RubricAction::Rate(rate(a)?),
                };
                ComponentId::Rubric {
                    action,
                    session: session(s),
                    item: num(item)?,
                }
            }
            ["m", s, item, part] => ComponentId::Form {
                session: session(s),
                item: num(item)?,
                part: num(part)?,
            },
            ["l", a, s] => ComponentId::Lobby {
                action: lookup(&LOBBY, a)?,
                session: session(s),
            },
            ["p", a, s, item, message] => {
                let action = match *a {
                    "score" => PeerAction::Score,
                    "close" => PeerAction::Close,
                    "ticks" => PeerAction::Ticks,
                    "note" => PeerAction::Note,
                    a => PeerAction::Rate(rate(a)?),
                };
                ComponentId::Peer {
                    action,
                    session: session(s),
                    item: num(item)?,
                    message: message.parse().ok()?,
                }
            }
            ["n", s, item, message] => ComponentId::Note {
                session: session(s),
                item: num(item)?,
                message: message.parse().ok()?,
            },
            _ => return None,
        })
    }

    pub fn session(&self) -> &str {
        match self {
            ComponentId::Question { session, .. }
            | ComponentId::Rubric { session, .. }
            | ComponentId::Form { session, .. }
            | ComponentId::Lobby { session, .. }
            | ComponentId::Peer { session, .. }
            | ComponentId::Note { session, .. } => session,
        }
    }
}

/// The buttons of `/interview forget-me`: `f:yes:<user>` deletes, `f:no:<user>` cancels; only
/// `user` may press them.
pub fn forget_id(confirm: bool, user: u64) -> String {
    format!("f:{}:{user}", if confirm { "yes" } else { "no" })
}

/// (confirm, user) of a forget-me button.
pub fn parse_forget(s: &str) -> Option<(bool, u64)> {
    let rest = s.strip_prefix("f:")?;
    let (choice, user) = rest.split_once(':')?;
    let confirm = match choice {
        "yes" => true,
        "no" => false,
        _ => return None,
    };
    Some((confirm, user.parse().ok()?))
}

/// The buttons of a peer-review invitation: `v:yes:<token>` accepts, `v:no:<token>` declines.
pub fn invitation_id(accept: bool, token: &str) -> String {
    format!("v:{}:{token}", if accept { "yes" } else { "no" })
}

/// (accept, token) of an invitation button.
pub fn parse_invitation(s: &str) -> Option<(bool, &str)> {
    let (choice, token) = s.strip_prefix("v:")?.split_once(':')?;
    let accept = match choice {
        "yes" => true,
        "no" => false,
        _ => return None,
    };
    (!token.is_empty() && token.chars().all(|c| c.is_ascii_hexdigit())).then_some((accept, token))
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
                session: s.clone(),
                item: 5,
                part: 1,
            },
            ComponentId::Lobby {
                action: LobbyAction::Start,
                session: s.clone(),
            },
            ComponentId::Peer {
                action: PeerAction::Rate(3),
                session: s.clone(),
                item: 23,
                message: u64::MAX,
            },
            ComponentId::Peer {
                action: PeerAction::Note,
                session: s.clone(),
                item: 0,
                message: 0,
            },
            ComponentId::Note {
                session: s,
                item: 4,
                message: 1_234_567_890_123_456_789,
            },
        ];
        for id in ids {
            let text = id.encode();
            assert!(text.len() <= 100, "custom_id over 100 characters: {text}");
            assert_eq!(ComponentId::parse(&text), Some(id));
        }
        assert_eq!(ComponentId::parse("q:explode:x:1:2"), None);
        assert_eq!(ComponentId::parse("r:rateX:x:1"), None);
        assert_eq!(ComponentId::parse("p:rate:x:1:2"), None);
        assert_eq!(ComponentId::parse("garbage"), None);
    }
}
