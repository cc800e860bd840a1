//! Messages of the upload form: why it refuses what was entered or picked, and what the
//! pre-flight check found in a ZIP.

use crate::intl;
use crate::locale::{Lang, Locale};
use crate::upload::validate::FormError;
use crate::upload::zip_scan::{ZipRefusal, ZipSummary, MAX_DIRECTORY_BYTES};

/// What is wrong with the form, specifically.
pub fn form_error(l: Locale, error: &FormError) -> String {
    let th = l.lang == Lang::Th;
    let size = |bytes: &u64| intl::bytes(l, *bytes);
    let name = super::isolate(error.file_name().unwrap_or_default());
    match error {
        FormError::TaskIdMissing => l.upload().err_task_id_missing.into(),
        FormError::NoFile => l.upload().err_no_file.into(),
        FormError::TaskIdNotDigits(c) if th => format!("รหัสชุดงาน (task ID) ต้องเป็นตัวเลขเท่านั้น “{c}” ไม่ใช่ตัวเลข"),
        FormError::TaskIdNotDigits(c) => format!("The task ID may contain digits only; “{c}” is not a digit."),
        FormError::TaskIdLength(n) if th => format!("รหัสชุดงาน (task ID) ต้องมี 8 หลักพอดี แต่ที่กรอกมี {n} หลัก"),
        FormError::TaskIdLength(n) => format!("The task ID must have exactly 8 digits; this one has {n}."),
        FormError::NotAZip(_) if th => format!("“{name}” ไม่ใช่ไฟล์ ZIP กรุณาเลือกไฟล์ .zip"),
        FormError::NotAZip(_) => format!("“{name}” is not a ZIP file. Choose a .zip archive."),
        FormError::ZipWhereImagesExpected(_) if th => {
            format!("“{name}” เป็นไฟล์ ZIP แต่แบบ “ไฟล์ภาพ” ต้องใช้ไฟล์ JPG หรือ PNG กรุณาเลือกแบบ ZIP แทน")
        }
        FormError::ZipWhereImagesExpected(_) => {
            format!("“{name}” is a ZIP file, but “Images” expects JPG or PNG files. Choose a ZIP strategy instead.")
        }
        FormError::ImageWhereZipExpected(_) if th => {
            format!("“{name}” เป็นไฟล์ภาพ แต่แบบนี้ต้องใช้ไฟล์ ZIP หากเป็นไฟล์ภาพแยก กรุณาเลือกแบบ “ไฟล์ภาพ”")
        }
        FormError::ImageWhereZipExpected(_) => {
            format!("“{name}” is an image, but this strategy expects a ZIP file. Choose “Images” for loose images.")
        }
        FormError::UnsupportedType(_) if th => format!("“{name}” ไม่ใช่ไฟล์ภาพ JPG หรือ PNG"),
        FormError::UnsupportedType(_) => format!("“{name}” is not a JPG or PNG image."),
        FormError::EmptyFile(_) if th => format!("“{name}” เป็นไฟล์ว่าง (0 ไบต์)"),
        FormError::EmptyFile(_) => format!("“{name}” is empty (0 bytes)."),
        FormError::FileTooLarge { max, .. } if th => format!("“{name}” มีขนาดเกินขีดจำกัด {}", size(max)),
        FormError::FileTooLarge { max, .. } => format!("“{name}” is larger than the {} limit.", size(max)),
        FormError::ImagesTooLarge { total, max } if th => format!(
            "ไฟล์ภาพเหล่านี้รวมกันได้ {} เกินกว่าที่ส่งได้ในคำขอเดียว ({}) กรุณารวมเป็นไฟล์ ZIP แล้วอัปโหลดแทน",
            size(total),
            size(max)
        ),
        FormError::ImagesTooLarge { total, max } => format!(
            "These images add up to {}, more than {} can go in one request. Put them in a ZIP file and upload that instead.",
            size(total),
            size(max)
        ),
        FormError::Zip { refusal, .. } => zip_refused(l, &name, refusal),
    }
}

/// Why the pre-flight check refused a ZIP.
fn zip_refused(l: Locale, name: &str, refusal: &ZipRefusal) -> String {
    match (l.lang, refusal) {
        (Lang::En, ZipRefusal::NotAZip) => {
            format!("“{name}” is not really a ZIP file (perhaps another file renamed, or an unfinished download).")
        }
        (Lang::Th, ZipRefusal::NotAZip) => {
            format!("“{name}” ไม่ใช่ไฟล์ ZIP จริง (อาจเป็นไฟล์อื่นที่ถูกเปลี่ยนชื่อ หรือดาวน์โหลดมาไม่ครบ)")
        }
        (Lang::En, ZipRefusal::Damaged) => {
            format!("“{name}” is damaged: its list of contents cannot be read. Make the ZIP again.")
        }
        (Lang::Th, ZipRefusal::Damaged) => format!("“{name}” เสียหาย อ่านรายการไฟล์ข้างในไม่ได้ กรุณาสร้างไฟล์ ZIP ใหม่"),
        (Lang::En, ZipRefusal::Split) => format!(
            "“{name}” is one part of a ZIP split into several files (.z01, .z02, …). Make it again as one ZIP file."
        ),
        (Lang::Th, ZipRefusal::Split) => format!(
            "“{name}” เป็นเพียงส่วนหนึ่งของไฟล์ ZIP ที่ถูกแบ่งเป็นหลายไฟล์ (.z01, .z02, …) กรุณาสร้างใหม่เป็นไฟล์ ZIP ไฟล์เดียว"
        ),
        (Lang::En, ZipRefusal::DirectoryTooLarge { bytes }) => format!(
            "“{name}” claims a list of contents of {}, more than the {} any ZIP of sheets needs: the file is damaged.",
            intl::bytes(l, *bytes),
            intl::bytes(l, MAX_DIRECTORY_BYTES)
        ),
        (Lang::Th, ZipRefusal::DirectoryTooLarge { bytes }) => format!(
            "รายการไฟล์ข้างใน “{name}” ระบุขนาดไว้ {} เกินกว่า {} ที่ไฟล์ ZIP ของกระดาษคำตอบต้องใช้ ไฟล์นี้จึงเสียหาย",
            intl::bytes(l, *bytes),
            intl::bytes(l, MAX_DIRECTORY_BYTES)
        ),
        (Lang::En, ZipRefusal::Unreadable) => format!(
            "“{name}” could not be read: it may have been moved, deleted or changed since it was chosen. Choose it again."
        ),
        (Lang::Th, ZipRefusal::Unreadable) => {
            format!("อ่าน “{name}” ไม่ได้ ไฟล์อาจถูกย้าย ลบ หรือแก้ไขหลังจากที่เลือกไว้ กรุณาเลือกไฟล์อีกครั้ง")
        }
        (Lang::En, ZipRefusal::NoSheets) => {
            format!("“{name}” holds no sheet images (JPG or PNG), so the server could make no sheets.")
        }
        (Lang::Th, ZipRefusal::NoSheets) => {
            format!("“{name}” ไม่มีไฟล์ภาพกระดาษคำตอบ (JPG หรือ PNG) เซิร์ฟเวอร์จึงสร้างกระดาษคำตอบไม่ได้")
        }
        (Lang::En, ZipRefusal::Encrypted { entries }) => {
            format!("“{name}” is password-protected ({} files): the server cannot open it.", intl::number(l, *entries))
        }
        (Lang::Th, ZipRefusal::Encrypted { entries }) => {
            format!("“{name}” ตั้งรหัสผ่านไว้ ({} ไฟล์) เซิร์ฟเวอร์จึงเปิดไม่ได้", intl::number(l, *entries))
        }
    }
}

/// "51 sheet images in 2 task folders", then the counts that deserve a look.
pub fn zip_summary(l: Locale, summary: &ZipSummary) -> String {
    let n = |value: u64| intl::number(l, value);
    let (sheets, folders) = (summary.sheets, summary.task_folders.len() as u64);
    let mut line = match (l.lang, sheets, folders) {
        (Lang::En, 1, 0) => "1 sheet image".to_string(),
        (Lang::En, s, 0) => format!("{} sheet images", n(s)),
        (Lang::En, 1, 1) => "1 sheet image in 1 task folder".to_string(),
        (Lang::En, s, 1) => format!("{} sheet images in 1 task folder", n(s)),
        (Lang::En, s, f) => format!("{} sheet image{} in {} task folders", n(s), if s == 1 { "" } else { "s" }, n(f)),
        (Lang::Th, s, 0) => format!("ภาพกระดาษคำตอบ {} ภาพ", n(s)),
        (Lang::Th, s, f) => format!("ภาพกระดาษคำตอบ {} ภาพ ใน {} โฟลเดอร์ชุดงาน", n(s), n(f)),
    };
    let findings = [
        (summary.other_files, "file that is not an image", "files that are not images", "ไฟล์ที่ไม่ใช่ภาพ"),
        (summary.nested_zips, "ZIP inside the ZIP", "ZIPs inside the ZIP", "ไฟล์ ZIP ซ้อนอยู่ข้างใน"),
        (
            summary.deep_images,
            "image more than one folder deep",
            "images more than one folder deep",
            "ภาพที่อยู่ลึกเกินหนึ่งชั้นโฟลเดอร์",
        ),
        (summary.odd_sized_images, "image of an unusual size", "images of an unusual size", "ภาพที่มีขนาดผิดปกติ"),
    ];
    let notes: Vec<String> = findings
        .iter()
        .filter(|(count, ..)| *count > 0)
        .map(|&(count, one, many, thai)| match l.lang {
            Lang::En => format!("{} {}", n(count), if count == 1 { one } else { many }),
            Lang::Th => format!("{thai} {} ไฟล์", n(count)),
        })
        .collect();
    if !notes.is_empty() {
        let joined = notes.join(", ");
        line.push_str(&match l.lang {
            Lang::En => format!(" (check: {joined})"),
            Lang::Th => format!(" (โปรดตรวจสอบ: {joined})"),
        });
    }
    line
}
