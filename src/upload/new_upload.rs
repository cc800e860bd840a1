//! What the form hands to the queue: one file (or image set) to upload, whose it is, and what
//! is known about it before it is sent. Below both the queue and the job, which share it.

use super::cover_check::CoverReport;
use super::resume::{self, ResumeEntry};
use crate::api::later::UploadOptions;
use crate::api::types::UploadType;
use std::rc::Rc;

/// The files of an item; compared by identity (a `File` has no value equality).
#[derive(Clone)]
pub struct Files(pub Rc<Vec<web_sys::File>>);

impl PartialEq for Files {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.0.len())
    }
}

/// What the form hands to the queue: one file (or image set) to upload, and whose it is.
#[derive(Clone, Debug, PartialEq)]
pub struct NewUpload {
    pub files: Files,
    /// The file's name (an image set's first image: `i18n::upload_name` says "12 images").
    pub label: String,
    pub size: u64,
    pub strategy: UploadType,
    pub task_id: Option<String>,
    pub notes: Option<String>,
    /// The sign-in this upload belongs to; it never sends anything under another.
    pub session_id: String,
    /// Where its resume record lives (chunked single files only).
    pub resume_key: Option<ResumeKey>,
    /// A stored earlier attempt of this very file.
    pub earlier_attempt: Option<ResumeEntry>,
    /// A batch the server already made from a file of this name and size.
    pub duplicate_of: Option<EarlierBatch>,
    /// The later backend's options chosen in the form (none against a server without them).
    pub options: UploadOptions,
    /// What the QR cover check found in the file before it was sent, when it read it through:
    /// the batch's details page shows it beside what the server did.
    pub covers: Option<CoverReport>,
}

/// A batch made earlier from the same file: which, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct EarlierBatch {
    pub batch_uuid: String,
    pub created_at: Option<String>,
}

/// The resume record of a chunked single-file upload: whose, and for which file.
#[derive(Clone, Debug, PartialEq)]
pub struct ResumeKey {
    pub owner: resume::Owner,
    pub fingerprint: String,
}

impl ResumeKey {
    /// The Web Lock that keeps two tabs from uploading this file at once.
    pub fn lock_name(&self) -> String {
        format!("omr.upload.{}.{}.{}", self.owner.server, self.owner.user_id, self.fingerprint)
    }
}

impl NewUpload {
    /// The options the upload goes with: a resumed one keeps those its session began with
    /// (the server already has them), a new one takes the form's.
    pub fn options_for(&self, resume: bool) -> &UploadOptions {
        match &self.earlier_attempt {
            Some(earlier) if resume && !earlier.options.is_empty() => &earlier.options,
            _ => &self.options,
        }
    }

    /// The opaque key sent with every request of this upload (`X-Upload-Key`), so the gateway
    /// keeps all chunks of one chunk session on the API host that holds it: the same for
    /// every retry and resume of this file by this user, whatever the client's address.
    pub fn upload_key(&self) -> String {
        let identity = match &self.resume_key {
            Some(key) => key.lock_name(),
            None => format!("{}|{}|{}", self.session_id, self.label, self.size),
        };
        format!("{:016x}", resume::sample_hash(identity.as_bytes()))
    }
}

/// A QR ZIP of 100 bytes named `label` for sign-in `s1`, with nothing else known: the
/// native tests' upload.
#[cfg(test)]
pub(crate) fn sample(label: &str) -> NewUpload {
    NewUpload {
        files: Files(Rc::new(Vec::new())),
        label: label.into(),
        size: 100,
        strategy: UploadType::ZipWithQr,
        task_id: None,
        notes: None,
        session_id: "s1".into(),
        resume_key: None,
        earlier_attempt: None,
        duplicate_of: None,
        options: Default::default(),
        covers: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(label: &str, resume_key: Option<ResumeKey>) -> NewUpload {
        NewUpload { resume_key, ..sample(label) }
    }

    #[test]
    fn a_resume_keeps_the_options_its_session_began_with() {
        use crate::api::later::{AlignmentMode, ProfileChoice, UploadOptions};
        let began = UploadOptions {
            profile: Some(ProfileChoice { id: 3, name: "Strict bubbles".into() }),
            alignment: Some(AlignmentMode::ImregDft),
        };
        let earlier = ResumeEntry {
            upload_id: "u".into(),
            total_chunks: 4,
            chunk_size: 10,
            acknowledged: vec![0],
            saved_at_ms: 0.0,
            completion_unknown: false,
            label: "a.zip".into(),
            options: began.clone(),
        };
        let now = UploadOptions { profile: Some(ProfileChoice { id: 2, name: "default".into() }), alignment: None };
        let upload =
            NewUpload { earlier_attempt: Some(earlier.clone()), options: now.clone(), ..upload("a.zip", None) };
        assert_eq!(upload.options_for(true), &began, "resumed: the session's options");
        assert_eq!(upload.options_for(false), &now, "started over: the form's");
        // A record from before options were kept: the form's.
        let old =
            NewUpload { earlier_attempt: Some(ResumeEntry { options: UploadOptions::default(), ..earlier }), ..upload };
        assert_eq!(old.options_for(true), &now);
    }

    #[test]
    fn one_file_has_one_upload_key_across_sign_ins_and_retries() {
        let key = |user_id| ResumeKey {
            owner: resume::Owner { server: "/api".into(), user_id },
            fingerprint: "a.zip|100|0|zip_qr||00".into(),
        };
        let first = upload("a.zip", Some(key(7)));
        let again = NewUpload { session_id: "s2".into(), ..first.clone() };
        assert_eq!(first.upload_key(), again.upload_key(), "a resume in a later sign-in keeps the key");
        assert_ne!(first.upload_key(), upload("a.zip", Some(key(8))).upload_key());
        assert_ne!(upload("a.zip", None).upload_key(), upload("b.zip", None).upload_key());
        let text = first.upload_key();
        assert_eq!(text.len(), 16);
        assert!(text.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
