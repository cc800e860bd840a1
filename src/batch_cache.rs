//! What this page session already knows about batches (name, size, upload type), so the
//! details page can show them: `/status` does not return them.

use crate::api::types::{BatchListItem, UploadType};
use crate::upload::new_upload::NewUpload;
use std::cell::RefCell;
use std::collections::HashMap;

/// The facts the list (or the upload) knew.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchFacts {
    pub name: Option<String>,
    pub size: Option<u64>,
    pub upload_type: Option<UploadType>,
}

impl From<&BatchListItem> for BatchFacts {
    fn from(item: &BatchListItem) -> BatchFacts {
        BatchFacts { name: item.batch_name.clone(), size: item.file_size_bytes, upload_type: item.upload_type }
    }
}

impl From<&NewUpload> for BatchFacts {
    /// What an upload knows of the batch it makes: an image set's name is the server's to
    /// choose, so only a ZIP's file name is known.
    fn from(upload: &NewUpload) -> BatchFacts {
        let name = (upload.strategy != UploadType::Images).then(|| upload.label.clone());
        BatchFacts { name, size: Some(upload.size), upload_type: Some(upload.strategy) }
    }
}

thread_local! {
    static FACTS: RefCell<HashMap<String, BatchFacts>> = RefCell::new(HashMap::new());
}

/// Remembers what is known about a batch.
pub fn remember(batch_uuid: &str, facts: BatchFacts) {
    FACTS.with(|map| map.borrow_mut().insert(batch_uuid.to_string(), facts));
}

/// What is known about a batch, if anything.
pub fn recall(batch_uuid: &str) -> Option<BatchFacts> {
    FACTS.with(|map| map.borrow().get(batch_uuid).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_per_batch() {
        let facts =
            BatchFacts { name: Some("103.zip".into()), size: Some(5), upload_type: Some(UploadType::ZipWithQr) };
        remember("a", facts.clone());
        assert_eq!(recall("a"), Some(facts));
        assert_eq!(recall("b"), None);
    }
}
