//! Which interaction posted each open "Score this answer" message, kept in memory, so the one
//! edit the message gets when scoring closes goes through that interaction's webhook (exempt
//! from the global rate limit) while its token is valid, instead of a channel edit. After a
//! restart, or once the token is near the end of its 15 minutes, the edit is a channel edit.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// How long a token is used for: Discord's 15 minutes, with a margin.
const TOKEN_LIFE: Duration = Duration::from_secs(14 * 60);

/// (session id, item) -> the token of the interaction that posted its scoring message.
type Tokens = HashMap<(String, usize), (String, Instant)>;

static POSTED_BY: LazyLock<Mutex<Tokens>> = LazyLock::new(Mutex::default);

/// The scoring message of `item` in `session` was sent through the interaction `token`.
pub fn remember(session: &str, item: usize, token: &str) {
    let Ok(mut m) = POSTED_BY.lock() else { return };
    m.retain(|_, (_, at)| at.elapsed() < TOKEN_LIFE);
    m.insert((session.to_owned(), item), (token.to_owned(), Instant::now()));
}

/// The token to edit that message with, if still valid (once: the message is edited once).
pub fn take(session: &str, item: usize) -> Option<String> {
    let (token, at) = POSTED_BY.lock().ok()?.remove(&(session.to_owned(), item))?;
    (at.elapsed() < TOKEN_LIFE).then_some(token)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_token_is_taken_once() {
        super::remember("s-scoring-msgs", 1, "tok");
        assert_eq!(super::take("s-scoring-msgs", 0), None);
        assert_eq!(super::take("s-scoring-msgs", 1).as_deref(), Some("tok"));
        assert_eq!(super::take("s-scoring-msgs", 1), None);
    }
}
