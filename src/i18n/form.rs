//! Messages of the upload form's validation.

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
