//! Peer-review rooms for the load generator: a host opens a review of a candidate in a channel
//! of its own, the candidate accepts, reviewers join, the candidate answers each question, every
//! reviewer opens the private rubric and scores, the candidate self-scores, on to the report.
//! Clicks go through `interact` (timed, counted); what the room shows is read from the thread.

use super::*;

/// Reviewers per room.
pub(super) const REVIEWERS: usize = 2;

fn has(label: &'static str) -> impl Fn(&Value) -> bool {
    move |m: &Value| components(m).iter().any(|(_, l)| l.starts_with(label))
}

impl Candidate {
    /// One room, with this candidate answering `questions` questions.
    pub(super) async fn review_room(&mut self, questions: usize) -> anyhow::Result<()> {
        let guild = self.fake.guild_id();
        let room = snowflake(); // its own channel, so its thread and invitation are its own
        let host = FakeUser::fresh(&format!("host{}", self.index));
        let reviewers: Vec<FakeUser> = (0..REVIEWERS).map(|i| FakeUser::fresh(&format!("rev{}-{i}", self.index))).collect();
        let areas = AREAS[..questions.clamp(1, AREAS.len())].join(",");
        let options = vec![opt::subcommand(
            "start",
            vec![
                opt::user("candidate", self.user.id),
                opt::string("areas", &areas),
                opt::integer("per_area", 1),
            ],
        )];
        let resolved = resolved_users(std::slice::from_ref(&self.user), true);
        self.interact(slash_command_resolved(
            &self.fake.in_channel(guild, room, &host),
            "review",
            options,
            resolved,
        ))
        .await?;
        let invitation = self.posted(room, &mut 0, "invitation", has("Accept")).await?;
        let here = self.fake.in_channel(guild, room, &self.user);
        self.interact(button_click(&here, &invitation, &custom_id(&invitation, "Accept")))
            .await?;
        let thread = self.thread_of(room).await?;
        let mut seen = 0;
        let lobby = self.posted(thread, &mut seen, "lobby", has("Join as reviewer")).await?;
        for r in &reviewers {
            let at = self.fake.in_thread(thread, r);
            self.interact(button_click(&at, &lobby, &custom_id(&lobby, "Join as reviewer")))
                .await?;
        }
        let start = button_click(&self.fake.in_thread(thread, &host), &lobby, &custom_id(&lobby, "Start interview"));
        self.interact(start).await?;
        let me = self.fake.in_thread(thread, &self.user);
        let mut q = self.posted(thread, &mut seen, "first question", has("Submit answer")).await?;
        let mut rated: Vec<String> = Vec::new();
        loop {
            // The main answer and each follow-up are typed, then submitted, until the answer is
            // up for scoring.
            let mut none = unbounded_channel().1;
            let mut part = q;
            let score = loop {
                self.fake.push_message(message_create(
                    &me.place,
                    &self.user,
                    "Measure first, then change one thing at a time.",
                ));
                self.submit_typed(&me, &part).await?;
                let next = self
                    .posted(thread, &mut seen, "follow-up or scoring", |m| {
                        has("Submit answer")(m) || has("Score this answer")(m)
                    })
                    .await?;
                if has("Score this answer")(&next) {
                    break next;
                }
                part = next;
            };
            for r in &reviewers {
                let at = self.fake.in_thread(thread, r);
                let ix = button_click(&at, &score, &custom_id(&score, "Score this answer"));
                let token = ix["token"].as_str().unwrap_or_default().to_owned();
                let (first, mut rx) = self.interact(ix).await?;
                let rubric = self.message(&first, &token, &mut rx, &mut none, has("3 ·")).await?;
                self.interact(button_click(&at, &rubric, &custom_id(&rubric, "3 ·"))).await?;
            }
            // The candidate's own rubric (it came with their last Submit, privately).
            let mut from_start = 0;
            let own = self
                .posted_any(thread, &mut from_start, "own rubric", |m| {
                    components(m).iter().any(|(id, _)| id.starts_with("r:rate1:")) && !rated.contains(&m["id"].to_string())
                })
                .await?;
            rated.push(own["id"].to_string());
            self.interact(button_click(&me, &own, &custom_id(&own, "3 ·"))).await?;
            self.tally.answered += 1;
            let after = self
                .posted(thread, &mut seen, "next question or report", |m| {
                    has("Submit answer")(m) || text_of(m).contains("Peer review report")
                })
                .await?;
            if !has("Submit answer")(&after) {
                return Ok(());
            }
            q = after;
        }
    }

    /// Submit; while the typed part is still on its way the draft is empty and Submit is
    /// refused ("Your answer is empty"), so it is pressed again a moment later.
    async fn submit_typed(&mut self, here: &Origin, q: &Value) -> anyhow::Result<()> {
        for _ in 0..50 {
            let ix = button_click(here, q, &custom_id(q, "Submit answer"));
            let (first, mut rx) = self.interact(ix).await?;
            let mut said = text_of(&first.body["data"]);
            // Deferred: the answer follows on the interaction's token.
            if matches!(first.body["type"].as_u64(), Some(5 | 6)) {
                if let Ok(Some(r)) = tokio::time::timeout(STEP_WAIT, rx.recv()).await {
                    said = text_of(&r.body);
                }
            }
            if !said.contains("Your answer is empty") {
                return Ok(());
            }
            self.tally.retries += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        anyhow::bail!("Submit was refused 50 times")
    }

    /// The first public message in `channel` after the `seen` first ones that `pick` accepts;
    /// `seen` moves past it.
    async fn posted(&self, channel: u64, seen: &mut usize, what: &str, pick: impl Fn(&Value) -> bool) -> anyhow::Result<Value> {
        self.find(channel, seen, what, true, pick).await
    }

    /// Like [`Candidate::posted`], private messages included.
    async fn posted_any(&self, channel: u64, seen: &mut usize, what: &str, pick: impl Fn(&Value) -> bool) -> anyhow::Result<Value> {
        self.find(channel, seen, what, false, pick).await
    }

    async fn find(
        &self,
        channel: u64,
        seen: &mut usize,
        what: &str,
        public_only: bool,
        pick: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Value> {
        let deadline = tokio::time::Instant::now() + STEP_WAIT;
        loop {
            let public: Vec<Value> = self
                .fake
                .messages_in(channel)
                .into_iter()
                .filter(|m| !public_only || m["flags"].as_u64().unwrap_or(0) & 64 == 0)
                .collect();
            if let Some(i) = public.iter().skip(*seen).position(&pick) {
                *seen += i + 1;
                return Ok(public[*seen - 1].clone());
            }
            if tokio::time::Instant::now() > deadline {
                anyhow::bail!("no {what} came in channel {channel}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The thread the bot opened under `parent`.
    async fn thread_of(&self, parent: u64) -> anyhow::Result<u64> {
        let deadline = tokio::time::Instant::now() + STEP_WAIT;
        loop {
            let created = self.fake.requests_matching("POST", &format!("/channels/{parent}/threads"));
            if let Some(id) = created.first().and_then(|r| r.response["id"].as_str()?.parse().ok()) {
                return Ok(id);
            }
            if tokio::time::Instant::now() > deadline {
                anyhow::bail!("no thread opened under {parent}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
