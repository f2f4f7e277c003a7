//! How the terminal names what the core's sentences point at: its `/commands`.

use crate::interview::{Action, Vocabulary};

/// The terminal adapter's [`Vocabulary`].
pub struct Terminal;

pub const TERMINAL: Terminal = Terminal;

impl Vocabulary for Terminal {
    fn action(&self, a: Action) -> String {
        match a {
            Action::End => "`/end`",
            // The terminal has no history command; sessions stay in the database.
            Action::History => "the sessions kept in the database",
            // Peer review runs on Discord only.
            Action::JoinAsReviewer => "Join as reviewer (on Discord)",
            Action::Status => "`/status`",
        }
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::TERMINAL;
    use crate::discord::words::DISCORD;
    use crate::interview::Rejection;

    #[test]
    fn each_adapter_names_its_own_commands_in_the_same_sentence() {
        let r = Rejection::NotFinished;
        assert_eq!(
            r.explain(&DISCORD),
            "Only a finished interview can be shared for review; end it first with `/interview end`."
        );
        assert_eq!(
            r.explain(&TERMINAL),
            "Only a finished interview can be shared for review; end it first with `/end`."
        );
        assert!(!r.to_string().contains("/interview"), "{r}");
    }

    #[test]
    fn discord_sees_the_wording_it_always_had() {
        assert_eq!(
            Rejection::NotJoined.explain(&DISCORD),
            "Only joined reviewers can score. Press **Join as reviewer** first."
        );
        assert_eq!(
            Rejection::PackChanged.explain(&DISCORD),
            "This interview's question pack changed since it started, so it can't go on. Its answers are kept (see `/interview history`); start a new interview."
        );
        let inner = Rejection::UnknownRole {
            role: "x".into(),
            available: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            Rejection::PackNotHere(Box::new(inner)).explain(&DISCORD),
            "That interview's question pack is not available in this server (Unknown role 'x'. Roles here: a, b.)."
        );
    }
}
