//! An ordered pool of endpoints with retries, exponential backoff, fallback and demotion.
//!
//! Why: every node is untrusted and any one may be down, slow, or serving data the enclave
//! refuses. The pool tries endpoints in configured order, retries transient failures with
//! exponential backoff, falls back to the next endpoint, and moves an endpoint that failed or
//! whose data the enclave rejected behind the healthy ones for a cool-down period
//! ([`SourceOptions::demotion`]). A demoted endpoint is still tried last, so a pool whose
//! endpoints are all demoted keeps working.
//!
//! The ordering and backoff rules are pure functions of the health records and a `now`
//! argument ([`attempt_order`], [`backoff_delay`]), tested without network or clock.

use super::Sourced;
use super::error::SourceError;
use super::options::SourceOptions;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tracing::Instrument;
use url::Url;

/// One endpoint of a pool: its position in the configuration and its URL (for logs).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EndpointId {
    index: usize,
    url: Arc<str>,
}

impl EndpointId {
    /// Builds an id (the pool does this; public for callers that persist or compare ids).
    pub fn new(index: usize, url: &Url) -> EndpointId {
        EndpointId {
            index,
            url: Arc::from(redacted(url).as_str()),
        }
    }

    /// Position in the configured list (0 = first).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The URL, with any user name or password removed (it appears in logs).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl core::fmt::Display for EndpointId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "endpoint #{} ({})", self.index, self.url)
    }
}

/// The URL without credentials; API keys in paths stay (operators choose what they configure).
fn redacted(url: &Url) -> String {
    let mut shown = url.clone();
    // Both setters fail only for URLs that cannot have credentials; nothing to remove then.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// What the pool remembers about one endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Health {
    /// Behind the healthy endpoints until then.
    pub demoted_until: Option<Instant>,
    /// Failed requests (after retries) since the last success.
    pub consecutive_failures: u64,
    /// Times the enclave rejected this endpoint's data.
    pub rejections: u64,
}

impl Health {
    fn is_demoted(&self, now: Instant) -> bool {
        self.demoted_until.is_some_and(|until| until > now)
    }
}

/// The order to try endpoints in at `now`: those not demoted in configured order, then the
/// demoted ones, the one whose cool-down ends first leading (ties in configured order).
pub fn attempt_order(health: &[Health], now: Instant) -> Vec<usize> {
    let mut healthy: Vec<usize> = Vec::with_capacity(health.len());
    let mut demoted: Vec<(Instant, usize)> = Vec::new();
    for (index, record) in health.iter().enumerate() {
        match record.demoted_until {
            Some(until) if record.is_demoted(now) => demoted.push((until, index)),
            _ => healthy.push(index),
        }
    }
    demoted.sort_unstable();
    healthy.extend(demoted.into_iter().map(|(_, index)| index));
    healthy
}

/// The delay before retry number `retry` (1 = the first retry) at one endpoint:
/// `backoff_base × 2^(retry − 1)`, capped at `backoff_max`. No jitter: a relayer sends few
/// requests at a time, so there is no herd to spread, and fixed delays keep logs readable.
pub fn backoff_delay(options: &SourceOptions, retry: u32) -> Duration {
    let exponent = retry.saturating_sub(1);
    let factor = 1u32.checked_shl(exponent).unwrap_or(u32::MAX);
    options
        .backoff_base
        .checked_mul(factor)
        .map_or(options.backoff_max, |delay| delay.min(options.backoff_max))
}

/// The delay before retry `retry`: [`backoff_delay`], or the server's `Retry-After` if longer,
/// never above `backoff_max`.
pub fn retry_delay(options: &SourceOptions, retry: u32, retry_after: Option<Duration>) -> Duration {
    backoff_delay(options, retry)
        .max(retry_after.unwrap_or(Duration::ZERO))
        .min(options.backoff_max)
}

/// Demotes `record` until `now + period` (extending an earlier demotion, never shortening it).
pub fn demote(record: &mut Health, now: Instant, period: Duration) {
    let until = now.checked_add(period);
    record.demoted_until = match (record.demoted_until, until) {
        (Some(existing), Some(new)) => Some(existing.max(new)),
        (existing, new) => new.or(existing),
    };
}

/// An ordered set of endpoints of one source, with their health.
#[derive(Debug)]
pub struct EndpointPool {
    source_kind: &'static str,
    urls: Vec<Url>,
    ids: Vec<EndpointId>,
    health: Mutex<Vec<Health>>,
    options: SourceOptions,
}

impl EndpointPool {
    /// A pool over `urls` in priority order.
    ///
    /// # Errors
    /// [`SourceError::NoEndpoints`], [`SourceError::UnsupportedUrl`],
    /// [`SourceError::InvalidOption`].
    pub fn new(
        source_kind: &'static str,
        urls: Vec<Url>,
        options: SourceOptions,
    ) -> Result<EndpointPool, SourceError> {
        options.validate()?;
        if urls.is_empty() {
            return Err(SourceError::NoEndpoints { source_kind });
        }
        for url in &urls {
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(SourceError::UnsupportedUrl { url: redacted(url) });
            }
        }
        let ids = urls
            .iter()
            .enumerate()
            .map(|(index, url)| EndpointId::new(index, url))
            .collect();
        let health = Mutex::new(vec![Health::default(); urls.len()]);
        Ok(EndpointPool {
            source_kind,
            urls,
            ids,
            health,
            options,
        })
    }

    /// The options.
    pub fn options(&self) -> &SourceOptions {
        &self.options
    }

    /// The endpoints in configured order.
    pub fn endpoints(&self) -> &[EndpointId] {
        &self.ids
    }

    /// The URL of an endpoint of this pool.
    pub fn url(&self, endpoint: &EndpointId) -> Option<&Url> {
        self.urls.get(endpoint.index)
    }

    /// A snapshot of every endpoint's health, in configured order.
    pub fn health(&self) -> Vec<Health> {
        self.lock().clone()
    }

    /// The order the next request will try endpoints in.
    pub fn order(&self) -> Vec<EndpointId> {
        self.order_at(Instant::now())
    }

    fn order_at(&self, now: Instant) -> Vec<EndpointId> {
        attempt_order(&self.lock(), now)
            .into_iter()
            .filter_map(|index| self.ids.get(index).cloned())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Health>> {
        // Health records are plain data, valid even if a holder panicked.
        self.health.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The enclave refused data from `endpoint`: demote it and log why.
    pub fn report_rejected(&self, endpoint: &EndpointId, reason: &str) {
        self.report_rejected_at(endpoint, reason, Instant::now());
    }

    fn report_rejected_at(&self, endpoint: &EndpointId, reason: &str, now: Instant) {
        let mut health = self.lock();
        let Some(record) = self.record(&mut health, endpoint) else {
            return;
        };
        record.rejections = record.rejections.saturating_add(1);
        demote(record, now, self.options.demotion);
        tracing::warn!(
            source = self.source_kind,
            endpoint = %endpoint,
            rejections = record.rejections,
            demoted_for = ?self.options.demotion,
            reason,
            "enclave rejected data from endpoint; demoted"
        );
    }

    fn report_failure_at(&self, endpoint: &EndpointId, error: &SourceError, now: Instant) {
        let mut health = self.lock();
        let Some(record) = self.record(&mut health, endpoint) else {
            return;
        };
        record.consecutive_failures = record.consecutive_failures.saturating_add(1);
        if error.is_endpoint_fault() {
            demote(record, now, self.options.demotion);
            tracing::warn!(
                source = self.source_kind,
                endpoint = %endpoint,
                failures = record.consecutive_failures,
                demoted_for = ?self.options.demotion,
                %error,
                "endpoint failed; demoted"
            );
        } else {
            tracing::info!(source = self.source_kind, endpoint = %endpoint, %error, "endpoint lacks the object");
        }
    }

    fn report_success(&self, endpoint: &EndpointId) {
        let mut health = self.lock();
        if let Some(record) = self.record(&mut health, endpoint) {
            record.consecutive_failures = 0;
        }
    }

    /// The record of `endpoint` if it belongs to this pool (same index and URL).
    fn record<'a>(
        &self,
        health: &'a mut [Health],
        endpoint: &EndpointId,
    ) -> Option<&'a mut Health> {
        if self.ids.get(endpoint.index) != Some(endpoint) {
            tracing::warn!(source = self.source_kind, endpoint = %endpoint, "report about an endpoint of another pool ignored");
            return None;
        }
        health.get_mut(endpoint.index)
    }

    /// Runs `attempt` against the endpoints in [`Self::order`]: each endpoint up to
    /// `max_attempts` times while the error [`is_retryable`](SourceError::is_retryable), with
    /// [`backoff_delay`] between tries, every try bounded by `timeout`; then the next endpoint.
    /// Failures are recorded (and demote the endpoint when they are its fault).
    ///
    /// # Errors
    /// [`SourceError::AllFailed`] with every attempt's error, in order.
    pub async fn run<T, F, Fut>(
        &self,
        request: &str,
        mut attempt: F,
    ) -> Result<Sourced<T>, SourceError>
    where
        F: FnMut(EndpointId, Url) -> Fut,
        Fut: Future<Output = Result<T, SourceError>>,
    {
        let span = tracing::info_span!("source_request", source = self.source_kind, request);
        async move {
            let mut errors = Vec::new();
            for endpoint in self.order() {
                let Some(url) = self.url(&endpoint).cloned() else {
                    continue;
                };
                match self
                    .attempt_endpoint(&endpoint, &url, request, &mut attempt)
                    .await
                {
                    Ok(value) => return Ok(Sourced { value, endpoint }),
                    Err(mut failed) => errors.append(&mut failed),
                }
            }
            Err(SourceError::AllFailed {
                request: request.to_owned(),
                errors,
            })
        }
        .instrument(span)
        .await
    }

    /// Runs `attempt` against every endpoint, in configured order, each with the retries of
    /// [`Self::run`] but without fallback: one result per endpoint (for comparing what different
    /// nodes say, e.g. a misbehaviour watch). Failures are recorded as in [`Self::run`].
    pub async fn run_each<T, F, Fut>(
        &self,
        request: &str,
        mut attempt: F,
    ) -> Vec<Result<Sourced<T>, SourceError>>
    where
        F: FnMut(EndpointId, Url) -> Fut,
        Fut: Future<Output = Result<T, SourceError>>,
    {
        let span = tracing::info_span!("source_request_each", source = self.source_kind, request);
        async move {
            let mut results = Vec::with_capacity(self.ids.len());
            for (endpoint, url) in self.ids.iter().zip(&self.urls) {
                let result = self
                    .attempt_endpoint(endpoint, url, request, &mut attempt)
                    .await
                    .map(|value| Sourced {
                        value,
                        endpoint: endpoint.clone(),
                    })
                    .map_err(|errors| SourceError::AllFailed {
                        request: request.to_owned(),
                        errors,
                    });
                results.push(result);
            }
            results
        }
        .instrument(span)
        .await
    }

    /// Up to `max_attempts` tries at one endpoint (each bounded by `timeout`, [`backoff_delay`]
    /// between them while the error is retryable): the value, or every try's error.
    async fn attempt_endpoint<T, F, Fut>(
        &self,
        endpoint: &EndpointId,
        url: &Url,
        request: &str,
        attempt: &mut F,
    ) -> Result<T, Vec<SourceError>>
    where
        F: FnMut(EndpointId, Url) -> Fut,
        Fut: Future<Output = Result<T, SourceError>>,
    {
        let mut errors = Vec::new();
        let mut tries: u32 = 0;
        loop {
            tries = tries.saturating_add(1);
            let timeout = self.options.timeout;
            let outcome = tokio::time::timeout(timeout, attempt(endpoint.clone(), url.clone()))
                .await
                .unwrap_or_else(|_| {
                    Err(SourceError::Timeout {
                        endpoint: endpoint.clone(),
                        request: request.to_owned(),
                        after: timeout,
                    })
                });
            let error = match outcome {
                Ok(value) => {
                    self.report_success(endpoint);
                    tracing::debug!(endpoint = %endpoint, tries, "answered");
                    return Ok(value);
                }
                Err(error) => error,
            };
            if error.is_retryable() && tries < self.options.max_attempts {
                let delay = retry_delay(&self.options, tries, error.retry_after());
                tracing::debug!(endpoint = %endpoint, tries, ?delay, %error, "retrying");
                errors.push(error);
                tokio::time::sleep(delay).await;
            } else {
                self.report_failure_at(endpoint, &error, Instant::now());
                errors.push(error);
                return Err(errors);
            }
        }
    }

    /// The endpoint of this pool with this (credential-free) URL, as [`EndpointId::url`] shows it.
    pub fn find(&self, url: &str) -> Option<EndpointId> {
        self.ids.iter().find(|id| id.url() == url).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> SourceOptions {
        SourceOptions {
            timeout: Duration::from_secs(1),
            max_attempts: 3,
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_millis(1500),
            demotion: Duration::from_secs(60),
        }
    }

    fn pool(n: usize) -> EndpointPool {
        let urls = (0..n)
            .map(|i| Url::parse(&format!("http://node{i}.test:5052/")).unwrap())
            .collect();
        EndpointPool::new("beacon", urls, options()).unwrap()
    }

    fn indices(order: &[EndpointId]) -> Vec<usize> {
        order.iter().map(EndpointId::index).collect()
    }

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let o = options();
        let delays: Vec<u128> = (1..=6).map(|r| backoff_delay(&o, r).as_millis()).collect();
        assert_eq!(delays, vec![200, 400, 800, 1500, 1500, 1500]);
        // Huge retry counts do not overflow.
        assert_eq!(backoff_delay(&o, u32::MAX), o.backoff_max);
        assert_eq!(backoff_delay(&o, 0), o.backoff_base);
    }

    #[test]
    fn retry_after_lengthens_the_delay_up_to_the_cap() {
        let o = options();
        assert_eq!(retry_delay(&o, 1, None), Duration::from_millis(200));
        assert_eq!(
            retry_delay(&o, 1, Some(Duration::from_millis(700))),
            Duration::from_millis(700)
        );
        assert_eq!(
            retry_delay(&o, 3, Some(Duration::from_millis(100))),
            Duration::from_millis(800)
        );
        assert_eq!(
            retry_delay(&o, 1, Some(Duration::from_secs(3600))),
            o.backoff_max
        );
    }

    #[test]
    fn healthy_endpoints_keep_configured_order_and_demoted_ones_go_last() {
        let now = Instant::now();
        let mut health = vec![Health::default(); 4];
        assert_eq!(attempt_order(&health, now), vec![0, 1, 2, 3]);
        demote(&mut health[0], now, Duration::from_secs(60));
        demote(&mut health[2], now, Duration::from_secs(30));
        // 2's cool-down ends first, so it leads the demoted ones.
        assert_eq!(attempt_order(&health, now), vec![1, 3, 2, 0]);
        // After 30 s, 2 is back in its place; after 60 s, 0 too.
        let later = now + Duration::from_secs(30);
        assert_eq!(attempt_order(&health, later), vec![1, 2, 3, 0]);
        let much_later = now + Duration::from_secs(61);
        assert_eq!(attempt_order(&health, much_later), vec![0, 1, 2, 3]);
    }

    #[test]
    fn demotion_is_extended_never_shortened() {
        let now = Instant::now();
        let mut record = Health::default();
        demote(&mut record, now, Duration::from_secs(60));
        demote(&mut record, now, Duration::from_secs(10));
        assert_eq!(record.demoted_until, Some(now + Duration::from_secs(60)));
        demote(
            &mut record,
            now + Duration::from_secs(50),
            Duration::from_secs(60),
        );
        assert_eq!(record.demoted_until, Some(now + Duration::from_secs(110)));
    }

    #[test]
    fn rejection_demotes_the_endpoint_for_the_cool_down() {
        let pool = pool(3);
        let now = Instant::now();
        let first = pool.endpoints()[0].clone();
        pool.report_rejected_at(&first, "sync committee signature invalid", now);
        assert_eq!(indices(&pool.order_at(now)), vec![1, 2, 0]);
        assert_eq!(pool.health()[0].rejections, 1);
        assert_eq!(
            indices(&pool.order_at(now + Duration::from_secs(61))),
            vec![0, 1, 2]
        );
    }

    #[test]
    fn transport_failures_demote_but_not_found_does_not() {
        let pool = pool(2);
        let now = Instant::now();
        let first = pool.endpoints()[0].clone();
        let not_found = SourceError::NotFound {
            endpoint: first.clone(),
            request: "eth_getBlockByNumber".into(),
        };
        pool.report_failure_at(&first, &not_found, now);
        assert_eq!(indices(&pool.order_at(now)), vec![0, 1]);
        let status = SourceError::Status {
            endpoint: first.clone(),
            request: "/eth/v1/beacon/light_client/finality_update".into(),
            status: 503,
        };
        pool.report_failure_at(&first, &status, now);
        assert_eq!(indices(&pool.order_at(now)), vec![1, 0]);
        assert_eq!(pool.health()[0].consecutive_failures, 2);
        pool.report_success(&first);
        assert_eq!(pool.health()[0].consecutive_failures, 0);
    }

    #[test]
    fn reports_about_foreign_endpoints_are_ignored() {
        let pool = pool(2);
        let foreign = EndpointId::new(0, &Url::parse("http://elsewhere.test/").unwrap());
        pool.report_rejected(&foreign, "bad");
        assert_eq!(pool.health(), vec![Health::default(); 2]);
        let out_of_range = EndpointId::new(7, &Url::parse("http://node0.test:5052/").unwrap());
        pool.report_rejected(&out_of_range, "bad");
        assert_eq!(pool.health(), vec![Health::default(); 2]);
    }

    #[test]
    fn pools_refuse_empty_lists_and_other_schemes_and_hide_credentials() {
        assert!(matches!(
            EndpointPool::new("beacon", vec![], options()),
            Err(SourceError::NoEndpoints {
                source_kind: "beacon"
            })
        ));
        let ws = Url::parse("ws://node.test/").unwrap();
        assert!(matches!(
            EndpointPool::new("execution", vec![ws], options()),
            Err(SourceError::UnsupportedUrl { .. })
        ));
        let with_password = Url::parse("https://user:secret@node.test/key/abc").unwrap();
        let pool = EndpointPool::new("execution", vec![with_password], options()).unwrap();
        assert_eq!(pool.endpoints()[0].url(), "https://node.test/key/abc");
        assert_eq!(
            pool.endpoints()[0].to_string(),
            "endpoint #0 (https://node.test/key/abc)"
        );
    }

    #[test]
    fn run_retries_transient_errors_then_falls_back_and_demotes() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let fast = SourceOptions {
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_millis(2),
            ..options()
        };
        let urls = vec![
            Url::parse("http://a.test/").unwrap(),
            Url::parse("http://b.test/").unwrap(),
        ];
        let pool = EndpointPool::new("beacon", urls, fast).unwrap();
        let calls = Mutex::new(Vec::new());
        let result = runtime.block_on(pool.run("/x", |endpoint, _url| {
            calls.lock().unwrap().push(endpoint.index());
            let endpoint = endpoint.clone();
            async move {
                if endpoint.index() == 0 {
                    Err(SourceError::Status {
                        endpoint,
                        request: "/x".into(),
                        status: 502,
                    })
                } else {
                    Ok(42)
                }
            }
        }));
        let sourced = result.unwrap();
        assert_eq!((sourced.value, sourced.endpoint.index()), (42, 1));
        // Three tries at a (max_attempts), one at b.
        assert_eq!(*calls.lock().unwrap(), vec![0, 0, 0, 1]);
        assert_eq!(indices(&pool.order()), vec![1, 0]);

        // A non-retryable failure moves on at once; all failing yields every error.
        let result: Result<Sourced<()>, _> =
            runtime.block_on(pool.run("/y", |endpoint, _url| async move {
                Err(SourceError::NotFound {
                    endpoint,
                    request: "/y".into(),
                })
            }));
        match result {
            Err(SourceError::AllFailed { request, errors }) => {
                assert_eq!(request, "/y");
                let tried: Vec<usize> = errors
                    .iter()
                    .map(|e| e.endpoint().unwrap().index())
                    .collect();
                assert_eq!(tried, vec![1, 0]);
            }
            other => panic!("expected AllFailed, got {other:?}"),
        }
    }
}
