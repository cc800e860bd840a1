//! Messages of the upload form's validation.

use crate::upload::zip_scan::{ZipRefusal, ZipSummary};

/// No task id typed.
pub fn task_id_missing() -> String {
    "Enter the 8-digit task ID.".to_string()
}

/// A character that is not a digit.
pub fn task_id_not_digits(c: char) -> String {
    format!("The task ID may contain digits only; “{c}” is not a digit.")
}

/// Too few or too many digits.
pub fn task_id_length(n: usize) -> String {
    format!("The task ID must have exactly 8 digits; this one has {n}.")
}

/// Nothing picked.
pub fn no_file() -> String {
    "Choose a file to upload.".to_string()
}

/// A .rar, .pdf, … where a ZIP is expected.
pub fn not_a_zip(name: &str) -> String {
    format!("“{name}” is not a ZIP file. Choose a .zip archive.")
}

/// A ZIP picked with the Images strategy.
pub fn zip_where_images_expected(name: &str) -> String {
    format!("“{name}” is a ZIP file, but “Images” expects JPG or PNG files. Choose a ZIP strategy instead.")
}

/// An image picked with a ZIP strategy.
pub fn image_where_zip_expected(name: &str) -> String {
    format!("“{name}” is an image, but this strategy expects a ZIP file. Choose “Images” for loose images.")
}

/// Neither JPG nor PNG with the Images strategy.
pub fn unsupported_type(name: &str) -> String {
    format!("“{name}” is not a JPG or PNG image.")
}

/// A 0-byte file.
pub fn empty_file(name: &str) -> String {
    format!("“{name}” is empty (0 bytes).")
}

/// Above the configured maximum.
pub fn file_too_large(name: &str, max: &str) -> String {
    format!("“{name}” is larger than the {max} limit.")
}

/// Images whose total does not fit one request.
pub fn images_too_large(total: &str, max: &str) -> String {
    format!("These images add up to {total}, more than {max} can go in one request. Put them in a ZIP file and upload that instead.")
}

/// Why the pre-flight check refused a ZIP.
pub fn zip_refused(name: &str, refusal: &ZipRefusal) -> String {
    match refusal {
        ZipRefusal::NotAZip => {
            format!("“{name}” is not really a ZIP file (perhaps another file renamed, or an unfinished download).")
        }
        ZipRefusal::Damaged => format!("“{name}” is damaged: its list of contents cannot be read. Make the ZIP again."),
        ZipRefusal::NoSheets => {
            format!("“{name}” holds no sheet images (JPG or PNG), so the server could make no sheets.")
        }
        ZipRefusal::Encrypted { entries } => {
            format!("“{name}” is password-protected ({entries} files): the server cannot open it.")
        }
    }
}

/// "51 sheet images in 2 task folders", then what deserves a look.
pub fn zip_summary(summary: &ZipSummary) -> String {
    let sheets = match summary.sheets {
        1 => "1 sheet image".to_string(),
        n => format!("{n} sheet images"),
    };
    let mut line = match summary.task_folders.len() {
        0 => sheets,
        1 => format!("{sheets} in 1 task folder"),
        n => format!("{sheets} in {n} task folders"),
    };
    let mut notes = Vec::new();
    let count = |n: u64, one: &str, many: &str| match n {
        0 => None,
        1 => Some(one.to_string()),
        n => Some(format!("{n} {many}")),
    };
    notes.extend(count(summary.other_files, "1 file that is not an image", "files that are not images"));
    notes.extend(count(summary.nested_zips, "1 ZIP inside the ZIP", "ZIPs inside the ZIP"));
    notes.extend(count(summary.deep_images, "1 image more than one folder deep", "images more than one folder deep"));
    notes.extend(count(summary.odd_sized_images, "1 image of an unusual size", "images of an unusual size"));
    if !notes.is_empty() {
        line.push_str(&format!(" (check: {})", notes.join(", ")));
    }
    line
}

/// Shown while a ZIP is being checked.
pub fn zip_checking() -> String {
    "checking…".to_string()
}
