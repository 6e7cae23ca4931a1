//! The SDKs' standard retry mode: a bounded number of attempts, exponential backoff with
//! full jitter, and a deadline that no attempt or pause may cross.

use crate::local::env::Env;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// The default number of attempts in the standard retry mode.
pub const DEFAULT_ATTEMPTS: u32 = 3;
/// The most one `get` spends on network calls, retries included.
pub const TOTAL_BUDGET: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// What one attempt gave.
pub enum Attempt<T, E> {
    Done(T),
    /// Failed in a way the standard mode retries (5xx, throttling, connection errors).
    Retry(E),
    Fail(E),
}

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_attempts: u32,
    pub deadline: Instant,
}

impl Policy {
    /// `AWS_MAX_ATTEMPTS` (at least 1), or 3.
    pub fn from_env(env: &Env, deadline: Instant) -> Policy {
        let max_attempts = env
            .get("AWS_MAX_ATTEMPTS")
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(DEFAULT_ATTEMPTS);
        Policy {
            max_attempts,
            deadline,
        }
    }
}

/// Runs `attempt` (given the 1-based attempt number) until it is done, fails for good, the
/// attempts run out, or the next pause would cross the deadline.
pub fn run<T, E>(policy: Policy, mut attempt: impl FnMut(u32) -> Attempt<T, E>) -> Result<T, E> {
    let mut n = 1;
    loop {
        match attempt(n) {
            Attempt::Done(t) => return Ok(t),
            Attempt::Fail(e) => return Err(e),
            Attempt::Retry(e) => {
                if n >= policy.max_attempts {
                    return Err(e);
                }
                let pause = backoff(n);
                if Instant::now() + pause >= policy.deadline {
                    return Err(e);
                }
                std::thread::sleep(pause);
                n += 1;
            }
        }
    }
}

/// `random[0,1) × 2^(n-1)` seconds, at most 20 s.
fn backoff(n: u32) -> Duration {
    let ceiling = Duration::from_secs(1u64 << (n - 1).min(5)).min(MAX_BACKOFF);
    ceiling.mul_f64(random_unit())
}

/// A number in [0, 1) from the standard library's randomly keyed hasher: jitter needs no
/// more than that, and it spares a dependency.
fn random_unit() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(n: u32) -> Policy {
        Policy {
            max_attempts: n,
            deadline: Instant::now() + Duration::from_secs(60),
        }
    }

    #[test]
    fn stops_at_max_attempts() {
        let mut calls = 0;
        let r: Result<(), u32> = run(policy(1), |n| {
            calls += 1;
            Attempt::Retry(n)
        });
        assert_eq!((r, calls), (Err(1), 1));
    }

    #[test]
    fn fail_is_not_retried_and_done_returns() {
        let mut calls = 0;
        let r: Result<(), &str> = run(policy(3), |_| {
            calls += 1;
            Attempt::Fail("no")
        });
        assert_eq!((r, calls), (Err("no"), 1));
        let r: Result<u32, ()> = run(policy(3), Attempt::Done);
        assert_eq!(r, Ok(1));
    }

    #[test]
    fn deadline_cuts_retries_short() {
        let p = Policy {
            max_attempts: 10,
            deadline: Instant::now(),
        };
        let mut calls = 0;
        let r: Result<(), ()> = run(p, |_| {
            calls += 1;
            Attempt::Retry(())
        });
        assert_eq!((r, calls), (Err(()), 1));
    }

    #[test]
    fn backoff_is_bounded() {
        for n in 1..10 {
            let b = backoff(n);
            assert!(b < Duration::from_secs(1 << (n - 1).min(5)).min(MAX_BACKOFF));
        }
        let env = Env::from_pairs([("AWS_MAX_ATTEMPTS", "5")]);
        assert_eq!(Policy::from_env(&env, Instant::now()).max_attempts, 5);
        let env = Env::from_pairs([("AWS_MAX_ATTEMPTS", "0")]);
        assert_eq!(Policy::from_env(&env, Instant::now()).max_attempts, 3);
    }
}
