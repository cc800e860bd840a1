//! Cancel requests for running pipelines, like the real server's Redis flag
//! `batch:{uuid}:cancel` that workers check before each sheet.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// The cancel flag of one running pipeline.
#[derive(Default)]
pub struct CancelSignal {
    requested: AtomicBool,
    wake: Notify,
}

impl CancelSignal {
    /// True once a cancel was requested.
    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Sleeps for `duration`, or less when a cancel is requested meanwhile, so a slow pipeline
    /// stops at once instead of after its current pause.
    pub async fn sleep(&self, duration: Duration) {
        if self.requested() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(duration) => {}
            _ = self.wake.notified() => {}
        }
    }
}

/// The pipelines running now, by batch id.
#[derive(Default)]
pub struct Pipelines {
    running: Mutex<HashMap<i64, Arc<CancelSignal>>>,
}

/// Keeps a pipeline registered until dropped (when its task ends, however it ends).
pub struct Registration {
    pipelines: Arc<Pipelines>,
    batch_id: i64,
    /// The flag the pipeline checks.
    pub signal: Arc<CancelSignal>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.pipelines.lock().remove(&self.batch_id);
    }
}

impl Pipelines {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<CancelSignal>>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers the pipeline of a batch.
    pub fn register(self: &Arc<Self>, batch_id: i64) -> Registration {
        let signal = Arc::new(CancelSignal::default());
        self.lock().insert(batch_id, signal.clone());
        Registration { pipelines: self.clone(), batch_id, signal }
    }

    /// Asks the batch's pipeline to stop; false when none is running (the caller then ends the
    /// batch itself).
    pub fn request_cancel(&self, batch_id: i64) -> bool {
        let running = self.lock();
        let Some(signal) = running.get(&batch_id) else { return false };
        signal.requested.store(true, Ordering::SeqCst);
        // `notify_one` keeps a permit when the pipeline is not sleeping right now.
        signal.wake.notify_one();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cancel_wakes_a_sleeping_pipeline() {
        let pipelines = Arc::new(Pipelines::default());
        let registration = pipelines.register(7);
        let signal = registration.signal.clone();
        let sleeper = tokio::spawn(async move { signal.sleep(Duration::from_secs(60)).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(pipelines.request_cancel(7));
        tokio::time::timeout(Duration::from_secs(5), sleeper).await.expect("woken").unwrap();
        assert!(registration.signal.requested());
        drop(registration);
        assert!(!pipelines.request_cancel(7), "gone once its task ended");
    }
}
