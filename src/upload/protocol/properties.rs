//! Property tests of the chunk protocol (fixed seed, see `crate::property_tests`): whatever the
//! server answers, in whatever order the answers come, the state machine sends one final chunk
//! at a time and only after every other chunk of its session, restarts at most once and never
//! sends under a session it abandoned, and always ends.

use super::*;
use crate::api::NetworkFailure;
use proptest::prelude::*;

/// What the server does with one request.
#[derive(Clone, Copy, Debug)]
enum Reply {
    Accept,
    /// Accepts the completing chunk but the answer lacks `batch_id`.
    AcceptWithoutBatch,
    Network,
    Server500,
    SessionLost,
    Unreadable,
    Refused400,
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        6 => Just(Reply::Accept),
        1 => Just(Reply::AcceptWithoutBatch),
        2 => Just(Reply::Network),
        1 => Just(Reply::Server500),
        1 => Just(Reply::SessionLost),
        1 => Just(Reply::Unreadable),
        1 => Just(Reply::Refused400),
    ]
}

/// What the server has seen of the protocol's commands, checked as they come.
#[derive(Default)]
struct Server {
    pending: Vec<Request>,
    /// Sessions minted so far, and those minted since the last restart.
    minted: u32,
    current: Vec<String>,
    restarts: u32,
    looking: bool,
    ended: bool,
}

impl Server {
    fn take(&mut self, commands: Vec<Command>) -> Result<(), TestCaseError> {
        for command in commands {
            prop_assert!(!self.ended, "a command after the end: {:?}", command);
            match command {
                Command::Send { request, .. } => {
                    if let Request::Chunk { upload_id: Some(id), .. } = &request {
                        prop_assert!(self.current.contains(id), "{} is a session abandoned or never minted", id);
                    }
                    if let Request::Chunk { is_final: true, .. } = &request {
                        prop_assert!(self.pending.is_empty(), "the final chunk beside others: {:?}", self.pending);
                    }
                    self.pending.push(request);
                }
                Command::Tell(Note::Restarted { .. }) => {
                    self.restarts += 1;
                    prop_assert!(self.restarts <= 1, "a second restart");
                    prop_assert!(self.pending.is_empty(), "a new session beside the old one's requests");
                    self.current.clear();
                }
                // The runner abandons what is in flight while it looks for the batch.
                Command::LookUp { .. } => {
                    self.looking = true;
                    self.pending.clear();
                }
                Command::Finish(_) => self.ended = true,
                Command::Save | Command::Tell(_) => {}
            }
        }
        Ok(())
    }

    /// The `upload_id` an accepted request gets: its own, or a new session's for chunk 0.
    fn session_of(&mut self, request: &Request) -> String {
        match request {
            Request::Chunk { upload_id: Some(id), .. } => id.clone(),
            _ => {
                self.minted += 1;
                let id = format!("up-{}", self.minted);
                self.current.push(id.clone());
                id
            }
        }
    }
}

proptest! {
    #![proptest_config(crate::property_tests::seeded(256))]

    #[test]
    fn one_final_chunk_at_a_time_at_most_one_restart_and_always_an_end(
        total in 1u32..7,
        concurrency in 1u32..5,
        replies in prop::collection::vec((reply(), any::<prop::sample::Index>()), 1..400),
        found in prop::collection::vec(any::<bool>(), 1..20),
    ) {
        let mut protocol = Protocol::chunked(total, concurrency, 1_000);
        let mut server = Server::default();
        server.take(protocol.start(Resume::default()))?;
        let (mut steps, mut lookups) = (0, 0usize);
        let mut replies = replies.iter().cycle();
        while !server.ended {
            steps += 1;
            prop_assert!(steps < 2_000, "no end after {} steps", steps);
            if server.looking {
                server.looking = false;
                let batch = found[lookups % found.len()].then(|| "b-found".to_string());
                lookups += 1;
                server.take(protocol.handle(Event::LookedUp(Ok(batch))))?;
                continue;
            }
            // Only requests in flight can be answered; with none, the protocol must be waiting
            // for a look-up or be over.
            prop_assert!(!server.pending.is_empty(), "stuck: nothing in flight, no look-up, no end");
            let (reply, pick) = replies.next().copied().expect("a non-empty list cycled");
            let request = server.pending.remove(pick.index(server.pending.len()));
            let completing = matches!(request, Request::Chunk { is_final: true, .. });
            let answer = match reply {
                Reply::Accept | Reply::AcceptWithoutBatch => Answer::Accepted {
                    upload_id: Some(server.session_of(&request)),
                    complete: completing,
                    batch_id: (completing && matches!(reply, Reply::Accept)).then(|| "b-1".to_string()),
                },
                Reply::Network => Answer::Failed(ApiError::Network(NetworkFailure::Interrupted)),
                Reply::Server500 => Answer::Failed(ApiError::Server { status: 500, detail: None }),
                Reply::SessionLost => {
                    Answer::Failed(ApiError::UploadSessionLost("Upload up-1 not found. Please restart upload.".into()))
                }
                Reply::Unreadable => Answer::Failed(ApiError::Undecodable("eof".into())),
                Reply::Refused400 => Answer::Failed(ApiError::Rejected { status: 400, message: "no".into() }),
            };
            server.take(protocol.handle(Event::Answered { index: request.index(), answer, jitter: 0.5 }))?;
        }
    }
}
