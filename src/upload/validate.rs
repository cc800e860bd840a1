//! Form validation (pure): task ids, file types and sizes per upload strategy.

use crate::api::types::UploadType;

/// What the form knows about a picked file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileFacts {
    pub name: String,
    pub size: u64,
}

/// Everything the form can refuse; `i18n::form` says each in the user's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormError {
    TaskIdMissing,
    TaskIdNotDigits(char),
    TaskIdLength(usize),
    NoFile,
    NotAZip(String),
    ZipWhereImagesExpected(String),
    ImageWhereZipExpected(String),
    UnsupportedType(String),
    EmptyFile(String),
    FileTooLarge {
        name: String,
        max: u64,
    },
    ImagesTooLarge {
        total: u64,
        max: u64,
    },
    /// The pre-flight check refused the ZIP.
    Zip {
        name: String,
        refusal: super::zip_scan::ZipRefusal,
    },
}

impl FormError {
    /// The file the problem is about, when it is about one.
    pub fn file_name(&self) -> Option<&str> {
        match self {
            FormError::NotAZip(name)
            | FormError::ZipWhereImagesExpected(name)
            | FormError::ImageWhereZipExpected(name)
            | FormError::UnsupportedType(name)
            | FormError::EmptyFile(name)
            | FormError::FileTooLarge { name, .. }
            | FormError::Zip { name, .. } => Some(name),
            FormError::TaskIdMissing
            | FormError::TaskIdNotDigits(_)
            | FormError::TaskIdLength(_)
            | FormError::NoFile
            | FormError::ImagesTooLarge { .. } => None,
        }
    }
}

/// Trims spaces and turns Thai digits (๐–๙) into ASCII; the result must be exactly 8 digits.
pub fn normalize_task_id(input: &str) -> Result<String, FormError> {
    let converted: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '๐'..='๙' => char::from(b'0' + (c as u32 - '๐' as u32) as u8),
            other => other,
        })
        .collect();
    if converted.is_empty() {
        return Err(FormError::TaskIdMissing);
    }
    if let Some(bad) = converted.chars().find(|c| !c.is_ascii_digit()) {
        return Err(FormError::TaskIdNotDigits(bad));
    }
    match converted.len() {
        8 => Ok(converted),
        n => Err(FormError::TaskIdLength(n)),
    }
}

fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default()
}

/// True for a `.zip` name.
pub fn is_zip(name: &str) -> bool {
    extension(name) == "zip"
}

/// True for a `.jpg`, `.jpeg` or `.png` name.
pub fn is_image(name: &str) -> bool {
    matches!(extension(name).as_str(), "jpg" | "jpeg" | "png")
}

/// Checks the picked files for a strategy. ZIP strategies: each file a non-empty ZIP up to
/// `max_file`. Images: non-empty JPG/PNG files whose total fits one request (`per_request`).
pub fn check_files(
    strategy: UploadType,
    files: &[FileFacts],
    max_file: u64,
    per_request: u64,
) -> Result<(), FormError> {
    if files.is_empty() {
        return Err(FormError::NoFile);
    }
    for file in files {
        let name = file.name.clone();
        match strategy {
            UploadType::Images if is_zip(&name) => return Err(FormError::ZipWhereImagesExpected(name)),
            UploadType::Images if !is_image(&name) => return Err(FormError::UnsupportedType(name)),
            UploadType::ZipWithQr | UploadType::ZipNoQr if is_image(&name) => {
                return Err(FormError::ImageWhereZipExpected(name))
            }
            UploadType::ZipWithQr | UploadType::ZipNoQr if !is_zip(&name) => return Err(FormError::NotAZip(name)),
            _ => {}
        }
        if file.size == 0 {
            return Err(FormError::EmptyFile(name));
        }
        if file.size > max_file {
            return Err(FormError::FileTooLarge { name, max: max_file });
        }
    }
    if strategy == UploadType::Images {
        let total: u64 = files.iter().map(|f| f.size).sum();
        if total > per_request {
            return Err(FormError::ImagesTooLarge { total, max: per_request });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: u64) -> FileFacts {
        FileFacts { name: name.into(), size }
    }

    const MAX: u64 = 10 * 1024 * 1024 * 1024;
    const PER_REQUEST: u64 = 95_000_000;

    #[test]
    fn task_ids_are_trimmed_and_thai_digits_converted() {
        assert_eq!(normalize_task_id(" 14900113 "), Ok("14900113".into()));
        assert_eq!(normalize_task_id("๑๔๙๐๐๑๑๓"), Ok("14900113".into()));
        assert_eq!(normalize_task_id("1490 0113"), Ok("14900113".into()));
        assert_eq!(normalize_task_id("๑๔๙๐0113"), Ok("14900113".into()), "mixed digits");
    }

    #[test]
    fn bad_task_ids_say_what_is_wrong() {
        assert_eq!(normalize_task_id("   "), Err(FormError::TaskIdMissing));
        assert_eq!(normalize_task_id("1490011A"), Err(FormError::TaskIdNotDigits('A')));
        assert_eq!(normalize_task_id("1490011"), Err(FormError::TaskIdLength(7)));
        assert_eq!(normalize_task_id("149001134"), Err(FormError::TaskIdLength(9)));
    }

    #[test]
    fn zip_strategies_take_zips_only() {
        assert_eq!(check_files(UploadType::ZipWithQr, &[file("103.ZIP", 5)], MAX, PER_REQUEST), Ok(()));
        assert_eq!(
            check_files(UploadType::ZipNoQr, &[file("a.rar", 5)], MAX, PER_REQUEST),
            Err(FormError::NotAZip("a.rar".into()))
        );
        assert_eq!(
            check_files(UploadType::ZipWithQr, &[file("a.pdf", 5)], MAX, PER_REQUEST),
            Err(FormError::NotAZip("a.pdf".into()))
        );
        assert_eq!(
            check_files(UploadType::ZipWithQr, &[file("s.jpg", 5)], MAX, PER_REQUEST),
            Err(FormError::ImageWhereZipExpected("s.jpg".into()))
        );
    }

    #[test]
    fn images_take_images_only_and_fit_one_request() {
        let ok = [file("a.jpg", 600_000), file("b.PNG", 700_000), file("c.jpeg", 1)];
        assert_eq!(check_files(UploadType::Images, &ok, MAX, PER_REQUEST), Ok(()));
        assert_eq!(
            check_files(UploadType::Images, &[file("a.zip", 5)], MAX, PER_REQUEST),
            Err(FormError::ZipWhereImagesExpected("a.zip".into()))
        );
        assert_eq!(
            check_files(UploadType::Images, &[file("a.pdf", 5)], MAX, PER_REQUEST),
            Err(FormError::UnsupportedType("a.pdf".into()))
        );
        let big = vec![file("a.jpg", 60_000_000), file("b.jpg", 60_000_000)];
        let err = check_files(UploadType::Images, &big, MAX, PER_REQUEST).unwrap_err();
        assert_eq!(err, FormError::ImagesTooLarge { total: 120_000_000, max: PER_REQUEST });
    }

    #[test]
    fn empty_missing_and_oversized_files_are_refused() {
        assert_eq!(check_files(UploadType::ZipWithQr, &[], MAX, PER_REQUEST), Err(FormError::NoFile));
        assert_eq!(
            check_files(UploadType::ZipWithQr, &[file("a.zip", 0)], MAX, PER_REQUEST),
            Err(FormError::EmptyFile("a.zip".into()))
        );
        assert_eq!(
            check_files(UploadType::ZipWithQr, &[file("a.zip", MAX + 1)], MAX, PER_REQUEST),
            Err(FormError::FileTooLarge { name: "a.zip".into(), max: MAX })
        );
        assert_eq!(check_files(UploadType::ZipWithQr, &[file("a.zip", MAX)], MAX, PER_REQUEST), Ok(()));
    }
}
