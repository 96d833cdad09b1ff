//! A token bucket for the whole server: `rate` tokens a second, at most
//! `burst` saved up. Anonymous password checks (argon2id, tens of
//! milliseconds of CPU each) take one token each, so `POST /login` cannot be
//! used to keep the processors busy; the per-login lock-out
//! (`opora_store::auth`) still stops guessing one account.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct TokenBucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    pub fn new(per_second: u32, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        TokenBucket {
            rate: f64::from(per_second.max(1)),
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Takes a token now, or says how long until one is available.
    pub fn try_take(&self) -> Result<(), Duration> {
        self.try_take_at(Instant::now())
    }

    fn try_take_at(&self, now: Instant) -> Result<(), Duration> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, last) = *s;
        let tokens = (tokens + now.saturating_duration_since(last).as_secs_f64() * self.rate)
            .min(self.burst);
        if tokens >= 1.0 {
            *s = (tokens - 1.0, now);
            Ok(())
        } else {
            *s = (tokens, now);
            Err(Duration::from_secs_f64((1.0 - tokens) / self.rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_served_then_the_rate() {
        let b = TokenBucket::new(2, 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.try_take_at(t0).is_ok());
        }
        let wait = b.try_take_at(t0).unwrap_err();
        assert!(
            wait <= Duration::from_millis(500) && wait > Duration::from_millis(400),
            "{wait:?}"
        );
        assert!(
            b.try_take_at(t0 + Duration::from_millis(250)).is_err(),
            "half a token is not a token"
        );
        assert!(
            b.try_take_at(t0 + Duration::from_millis(500)).is_ok(),
            "one token after 1/rate seconds"
        );
        assert!(b.try_take_at(t0 + Duration::from_millis(500)).is_err());
        // A long pause saves up no more than the burst.
        let later = t0 + Duration::from_secs(60);
        for _ in 0..3 {
            assert!(b.try_take_at(later).is_ok());
        }
        assert!(b.try_take_at(later).is_err());
    }
}
