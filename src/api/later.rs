//! The later backend's batch actions (contract §5.9): cancel processing, rescue cached
//! results, error statistics. The router snapshot has none of them, and one release bundle
//! serves both generations: each feature is probed once per sign-in (a request without a
//! token tells a missing path, 404 "Not Found", from a present one, 401/403, and runs
//! nothing), and a feature the server lacks is simply not offered.

use super::client::{encode_segment, ApiClient, Call};
use super::error::ApiError;
use super::lenient;
use super::types::{BatchStatus, NaiveTimestamp};
use futures_util::FutureExt;
use gloo_net::http::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// A batch id no batch has: probes ask for paths, not for a batch.
const PROBE_BATCH: &str = "00000000-0000-0000-0000-000000000000";

/// The later backend's features this server offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// `POST …/cancel`.
    pub cancel: bool,
    /// `GET …/recoverable` and `POST …/recover`.
    pub rescue: bool,
    /// `GET …/stats`.
    pub stats: bool,
    /// `GET /api/profiles/` and the upload options.
    pub profiles: bool,
}

/// What an unauthenticated probe of a path says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The server routes it (it asked for a token, or refused the method).
    Present,
    /// No such path: 404 "Not Found" (or a 404 that is not the batch routes' JSON).
    Missing,
    /// No telling (a gateway error, the network): ask again later.
    Unknown,
}

/// Whether a 404 says "no such path" rather than "no such batch" (pure): FastAPI's own
/// "Not Found", the live app's `error`/`message` envelope, or a body that is not JSON (a
/// proxy's page). A 404 that names the batch means the batch is gone, not the feature.
pub fn is_missing_path(body: &str) -> bool {
    match super::json::value(body) {
        Ok(value) => match value.get("detail") {
            Some(Value::String(detail)) => detail == "Not Found",
            Some(_) => false,
            None => true,
        },
        Err(_) => true,
    }
}

/// What the answer `status` / `body` to a probe without a token means (pure).
pub fn presence(status: u16, body: &str) -> Presence {
    match status {
        200..=299 | 401 | 403 | 405 | 422 => Presence::Present,
        404 if is_missing_path(body) => Presence::Missing,
        404 => Presence::Present,
        _ => Presence::Unknown,
    }
}

/// Every probe's presence combined into the features (pure): a feature needs all its paths;
/// `None` when some answer could not tell.
pub fn features_from(probes: &[(Probe, Presence)]) -> Option<Features> {
    if probes.iter().any(|(_, p)| *p == Presence::Unknown) {
        return None;
    }
    let has = |probe: Probe| probes.iter().any(|(p, presence)| *p == probe && *presence == Presence::Present);
    Some(Features {
        cancel: has(Probe::Cancel),
        rescue: has(Probe::Recoverable) && has(Probe::Recover),
        stats: has(Probe::Stats),
        profiles: has(Probe::Profiles),
    })
}

/// One path probed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    Cancel,
    Recoverable,
    Recover,
    Stats,
    Profiles,
}

impl Probe {
    const ALL: [Probe; 5] = [Probe::Cancel, Probe::Recoverable, Probe::Recover, Probe::Stats, Probe::Profiles];

    fn call(self) -> Call {
        let batch = |action: &str| format!("batches/{PROBE_BATCH}/{action}");
        let (method, path) = match self {
            Probe::Cancel => (Method::POST, batch("cancel")),
            Probe::Recoverable => (Method::GET, batch("recoverable")),
            Probe::Recover => (Method::POST, batch("recover")),
            Probe::Stats => (Method::GET, batch("stats")),
            Probe::Profiles => (Method::GET, "profiles/".to_string()),
        };
        Call { method, auth: false, ..Call::get(path) }
    }
}

/// `GET …/recoverable`: whether a failed (or stuck) batch's results can be rescued.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Recoverable {
    #[serde(default)]
    pub is_recoverable: bool,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub recoverable_sheets_count: u64,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub total_sheets_count: u64,
}

/// `POST …/recover`: what the rescue wrote back.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Recovery {
    #[serde(default)]
    pub success: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub sheets_recovered: u64,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub answers_recovered: u64,
}

/// `POST …/cancel`: whether the server took the request.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Cancellation {
    /// Absent counts as taken: a 2xx is the server's yes.
    #[serde(default = "yes")]
    pub success: bool,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
}

fn yes() -> bool {
    true
}

/// One figure of a batch's error statistics (§5.9.4), in the order they are shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatField {
    Registered,
    Sheets,
    Errors,
    DuplicateSheets,
    LowAnswers,
    StudentId,
    CenterCode,
    ClassGroup,
    ClassLevel,
    Absent,
    /// A number the server sent under a name this client does not know, kept with that name.
    Other(String),
}

impl StatField {
    const KNOWN: [(&'static str, StatField); 10] = [
        ("registered_total", StatField::Registered),
        ("sheets_total", StatField::Sheets),
        ("error_total", StatField::Errors),
        ("err_duplicate_sheets_total", StatField::DuplicateSheets),
        ("err_low_answer_total", StatField::LowAnswers),
        ("err_student_id_total", StatField::StudentId),
        ("err_center_code_total", StatField::CenterCode),
        ("err_class_group_total", StatField::ClassGroup),
        ("err_class_level_total", StatField::ClassLevel),
        ("err_absent_count_total", StatField::Absent),
    ];

    /// The server's name for this figure (CSV exports keep it).
    pub fn wire_name(&self) -> &str {
        match self {
            StatField::Other(name) => name,
            known => Self::KNOWN.iter().find(|(_, f)| f == known).map_or("", |(name, _)| name),
        }
    }
}

/// `GET …/stats`: every whole number of the answer, known figures first in their order,
/// then the unknown ones by name (pure reading: [`read_stats`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchStats(pub Vec<(StatField, u64)>);

/// Reads a statistics answer (pure): known names become their figure, any other whole
/// number keeps its name, anything else is left out.
pub fn read_stats(value: &Value) -> BatchStats {
    let Some(object) = value.as_object() else { return BatchStats::default() };
    let mut known: Vec<(StatField, u64)> = StatField::KNOWN
        .iter()
        .filter_map(|(name, field)| Some((field.clone(), lenient::count(object.get(*name)?)?)))
        .collect();
    let others = object
        .iter()
        .filter(|(name, _)| !StatField::KNOWN.iter().any(|(known, _)| known == name))
        .filter_map(|(name, value)| Some((StatField::Other(name.clone()), lenient::count(value)?)));
    known.extend(others);
    BatchStats(known)
}

/// One processing profile of `GET /api/profiles/` (§5.9.5): what the upload form offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub is_default: bool,
}

/// Reads the profiles answer (pure): the entries with a whole `id` and a name; anything else
/// (not a list, entries of another shape) is left out, so a malformed answer offers nothing.
pub fn read_profiles(value: &Value) -> Vec<Profile> {
    let Some(items) = value.as_array() else { return Vec::new() };
    items
        .iter()
        .filter_map(|item| {
            let id = item.get("id")?.as_i64()?;
            let name = item.get("name")?.as_str()?.trim();
            let is_default = item.get("is_default").and_then(Value::as_bool).unwrap_or(false);
            (!name.is_empty()).then(|| Profile { id, name: name.to_string(), is_default })
        })
        .collect()
}

/// The profile the form starts with (pure): the one marked default; without one, "Default
/// System Config" by name (the backend's guide, §5.9.9 row 3); else none, and the server
/// decides.
pub fn preselected(profiles: &[Profile]) -> Option<&Profile> {
    profiles
        .iter()
        .find(|p| p.is_default)
        .or_else(|| profiles.iter().find(|p| p.name.eq_ignore_ascii_case("Default System Config")))
}

/// How the server straightens scanned pages (§5.9.6), chosen by admins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignmentMode {
    /// The server's default: standard first, DFT registration when that fails.
    #[default]
    Hybrid,
    /// Anchor-based only: fastest, sensitive to rotation.
    Standard,
    /// DFT image registration: handles large rotations, slower.
    ImregDft,
}

impl AlignmentMode {
    /// Every mode, in the order the form lists them.
    pub const ALL: [AlignmentMode; 3] = [AlignmentMode::Hybrid, AlignmentMode::Standard, AlignmentMode::ImregDft];

    /// The form field's value.
    pub fn form_value(self) -> &'static str {
        match self {
            AlignmentMode::Hybrid => "hybrid",
            AlignmentMode::Standard => "standard",
            AlignmentMode::ImregDft => "imreg_dft",
        }
    }

    /// The mode a form value names.
    pub fn parse(value: &str) -> Option<AlignmentMode> {
        Self::ALL.into_iter().find(|mode| mode.form_value() == value)
    }
}

/// The later backend's upload options (§5.9.6), chosen in the form and kept with a resumable
/// upload: every request of the upload sends them (the chunk that completes an upload is not
/// always the last index), and a server without them is sent neither.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct UploadOptions {
    /// `profile_id`, with the profile's name for the queue row.
    #[serde(default)]
    pub profile: Option<ProfileChoice>,
    /// `alignment_mode` (admins).
    #[serde(default)]
    pub alignment: Option<AlignmentMode>,
}

/// A chosen profile: its id (sent) and name (shown).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct ProfileChoice {
    pub id: i64,
    pub name: String,
}

impl UploadOptions {
    /// Whether anything is chosen.
    pub fn is_empty(&self) -> bool {
        self.profile.is_none() && self.alignment.is_none()
    }
}

/// How one of these actions ended, for the page to say.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionOutcome {
    /// The server took the cancel: processing stops before the next sheet.
    CancelRequested,
    /// The batch had finished before the cancel arrived.
    CancelTooLate,
    /// The rescue wrote these results back.
    Rescued { sheets: u64, answers: u64 },
    /// The server found nothing to rescue.
    NothingToRescue,
    /// The action failed with this error.
    Failed(ApiError),
}

/// Whether a batch may have results worth asking `…/recoverable` about (pure): failed, or
/// processing for more than two hours since `started` at `now` (server wall-clock times,
/// contract §5.9.1 and §5.9.9 row 8).
pub fn may_be_rescued(status: &BatchStatus, started: Option<&NaiveTimestamp>, now: &NaiveTimestamp) -> bool {
    match status {
        BatchStatus::Failed => true,
        BatchStatus::Processing => started.is_some_and(|started| now.seconds() - started.seconds() > STUCK_SECS),
        _ => false,
    }
}

/// Processing this long counts as stuck: its results may be rescued.
const STUCK_SECS: i64 = 2 * 60 * 60;

/// Whether processing of a batch in `status` can be cancelled (pure).
pub fn can_cancel(status: &BatchStatus) -> bool {
    matches!(
        status,
        BatchStatus::Uploaded | BatchStatus::Validating | BatchStatus::Processing | BatchStatus::Reprocessing
    )
}

fn batch_call(method: Method, batch_uuid: &str, action: &str) -> Call {
    Call { method, ..Call::get(format!("batches/{}/{action}", encode_segment(batch_uuid))) }
}

impl ApiClient {
    /// Which of the later backend's features the server has, probed once per sign-in (the
    /// answer is kept with the sign-in and dropped with it; an inconclusive probe is asked
    /// again next time).
    pub async fn features(&self) -> Features {
        let Some(session_id) = self.session_id() else { return Features::default() };
        if let Some(known) = self.known_features(&session_id) {
            return known;
        }
        let probe = self.feature_probe(&session_id, || {
            let (client, session_id) = (self.clone(), session_id.clone());
            async move {
                let features = client.probe().await;
                if let Some(features) = features {
                    client.remember_features(&session_id, features);
                }
                client.probe_done(&session_id);
                features.unwrap_or_default()
            }
            .boxed_local()
            .shared()
        });
        probe.await
    }

    /// Asks every path once, without a token; `None` when some answer could not tell.
    async fn probe(&self) -> Option<Features> {
        let probes = futures_util::future::join_all(Probe::ALL.iter().map(|probe| async move {
            let presence = match self.send(&probe.call()).await {
                Ok(answer) => presence(answer.status, &answer.body),
                Err(_) => Presence::Unknown,
            };
            (*probe, presence)
        }))
        .await;
        features_from(&probes)
    }

    /// A call to a later-backend path answered 404 "Not Found": the server lacks it after all
    /// (a proxy answered the probe, say); stop offering it for this sign-in.
    fn forget_feature(&self, error: &ApiError, off: fn(&mut Features)) {
        if let (ApiError::NotFound(detail), Some(session_id)) = (error, self.session_id()) {
            if detail == "Not Found" {
                let mut features = self.known_features(&session_id).unwrap_or_default();
                off(&mut features);
                self.remember_features(&session_id, features);
            }
        }
    }

    /// Sends a call to a later-backend path and reads its answer as `T`; a 404 "Not Found"
    /// turns its feature `off` for this sign-in.
    async fn later<T: DeserializeOwned>(&self, call: Call, off: fn(&mut Features)) -> Result<T, ApiError> {
        let answer = self.send(&call).await.and_then(|a| a.decode());
        if let Err(error) = &answer {
            self.forget_feature(error, off);
        }
        answer
    }

    /// `GET /api/batches/{uuid}/recoverable`.
    pub async fn recoverable(&self, batch_uuid: &str) -> Result<Recoverable, ApiError> {
        self.later(batch_call(Method::GET, batch_uuid, "recoverable"), |f| f.rescue = false).await
    }

    /// `POST /api/batches/{uuid}/recover` (no body): rescues cached results.
    pub async fn recover(&self, batch_uuid: &str) -> Result<Recovery, ApiError> {
        self.later(batch_call(Method::POST, batch_uuid, "recover"), |f| f.rescue = false).await
    }

    /// `POST /api/batches/{uuid}/cancel` (no body): stops processing.
    pub async fn cancel_processing(&self, batch_uuid: &str) -> Result<Cancellation, ApiError> {
        self.later(batch_call(Method::POST, batch_uuid, "cancel"), |f| f.cancel = false).await
    }

    /// `GET /api/profiles/` (with the slash: without it the server redirects).
    pub async fn profiles(&self) -> Result<Vec<Profile>, ApiError> {
        let value: Value = self.later(Call::get("profiles/"), |f| f.profiles = false).await?;
        Ok(read_profiles(&value))
    }

    /// `GET /api/batches/{uuid}/stats`: the batch's error statistics.
    pub async fn stats(&self, batch_uuid: &str) -> Result<BatchStats, ApiError> {
        let value: Value = self.later(batch_call(Method::GET, batch_uuid, "stats"), |f| f.stats = false).await?;
        Ok(read_stats(&value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_path_is_told_from_a_missing_batch_and_from_a_present_path() {
        assert_eq!(presence(404, r#"{"detail":"Not Found"}"#), Presence::Missing);
        assert_eq!(presence(404, r#"{"error":"HTTP 404","message":"Not Found"}"#), Presence::Missing, "the envelope");
        assert_eq!(presence(404, "<html>404</html>"), Presence::Missing, "a proxy's page");
        assert_eq!(
            presence(404, r#"{"detail":"Batch 00000000 not found"}"#),
            Presence::Present,
            "the batch, not the path"
        );
        assert_eq!(presence(401, r#"{"detail":"Not authenticated"}"#), Presence::Present);
        assert_eq!(presence(403, r#"{"detail":"Not authenticated"}"#), Presence::Present);
        assert_eq!(presence(405, r#"{"detail":"Method Not Allowed"}"#), Presence::Present);
        assert_eq!(presence(502, "<html>bad gateway</html>"), Presence::Unknown);
        assert_eq!(presence(0, ""), Presence::Unknown);
    }

    #[test]
    fn features_need_every_path_and_a_conclusive_answer() {
        let all = |presence| Probe::ALL.iter().map(|p| (*p, presence)).collect::<Vec<_>>();
        assert_eq!(
            features_from(&all(Presence::Present)),
            Some(Features { cancel: true, rescue: true, stats: true, profiles: true })
        );
        assert_eq!(features_from(&all(Presence::Missing)), Some(Features::default()), "the snapshot server");
        let mut half = all(Presence::Present);
        half[2].1 = Presence::Missing; // recover without recoverable is no rescue
        assert_eq!(features_from(&half).map(|f| f.rescue), Some(false));
        half[0].1 = Presence::Unknown;
        assert_eq!(features_from(&half), None, "asked again later");
    }

    #[test]
    fn failed_and_long_stuck_batches_may_be_rescued_and_running_ones_cancelled() {
        let at = |hour| NaiveTimestamp { year: 2025, month: 12, day: 19, hour, minute: 0, second: 0 };
        assert!(may_be_rescued(&BatchStatus::Failed, None, &at(9)));
        assert!(!may_be_rescued(&BatchStatus::Processing, Some(&at(8)), &at(9)), "one hour is not stuck");
        assert!(may_be_rescued(&BatchStatus::Processing, Some(&at(6)), &at(9)));
        assert!(!may_be_rescued(&BatchStatus::Processing, None, &at(9)));
        assert!(!may_be_rescued(&BatchStatus::Completed, None, &at(9)));
        for status in
            [BatchStatus::Uploaded, BatchStatus::Validating, BatchStatus::Processing, BatchStatus::Reprocessing]
        {
            assert!(can_cancel(&status));
        }
        assert!(!can_cancel(&BatchStatus::Completed) && !can_cancel(&BatchStatus::Failed));
        assert!(!can_cancel(&BatchStatus::Other("archived".into())));
    }

    #[test]
    fn profiles_are_read_leniently_and_the_default_is_preselected() {
        let value = serde_json::json!([
            {"id": 1, "name": "Default System Config", "is_default": false, "config_json": {}},
            {"id": 2, "name": "มัธยมต้น 140 ข้อ", "is_default": true},
            {"id": "3", "name": "id as text"},
            {"id": 4, "name": "  "},
            {"name": "no id"},
            7
        ]);
        let profiles = read_profiles(&value);
        assert_eq!(profiles.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(preselected(&profiles).map(|p| p.id), Some(2), "the one marked default");
        let no_default: Vec<Profile> = profiles.iter().map(|p| Profile { is_default: false, ..p.clone() }).collect();
        assert_eq!(preselected(&no_default).map(|p| p.id), Some(1), "else Default System Config by name");
        assert_eq!(preselected(&no_default[1..]), None, "else none: the server decides");
        assert!(read_profiles(&serde_json::json!({"oops": 1})).is_empty(), "a malformed answer offers nothing");
        assert!(read_profiles(&serde_json::json!([])).is_empty());
    }

    #[test]
    fn alignment_modes_read_back_their_form_values() {
        for mode in AlignmentMode::ALL {
            assert_eq!(AlignmentMode::parse(mode.form_value()), Some(mode));
        }
        assert_eq!(AlignmentMode::parse("robust"), None);
        assert_eq!(AlignmentMode::default(), AlignmentMode::Hybrid, "the server's default (§5.9.6)");
    }

    #[test]
    fn statistics_keep_every_number_known_or_not() {
        let value = serde_json::json!({
            "err_student_id_total": 23, "registered_total": 1272, "sheets_total": 1160, "error_total": 133,
            "err_blank_page_total": 4, "note": "text is left out", "err_absent_count_total": 2.0
        });
        let BatchStats(figures) = read_stats(&value);
        assert_eq!(
            figures,
            vec![
                (StatField::Registered, 1272),
                (StatField::Sheets, 1160),
                (StatField::Errors, 133),
                (StatField::StudentId, 23),
                (StatField::Absent, 2),
                (StatField::Other("err_blank_page_total".into()), 4),
            ]
        );
        assert_eq!(StatField::Sheets.wire_name(), "sheets_total");
        assert_eq!(StatField::Other("x_total".into()).wire_name(), "x_total");
        assert_eq!(read_stats(&serde_json::json!([1, 2])), BatchStats::default());
    }
}
