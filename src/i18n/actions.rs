//! Texts with values of the later backend's batch actions: the cancel question, the rescue
//! button and its outcome, the labels of the error statistics.

use super::isolate;
use crate::api::later::{ActionOutcome, StatField};
use crate::intl;
use crate::locale::{Lang, Locale};

/// The cancel question: which file, and how far its processing got.
pub fn cancel_question(l: Locale, name: &str, done: u64, total: u64) -> String {
    let n = |value: u64| intl::number(l, value);
    let name = isolate(name);
    match l.lang {
        Lang::En => format!(
            "Stop processing {name}? {} of {} sheets are done; the rest will not be processed.",
            n(done),
            n(total)
        ),
        Lang::Th => {
            format!("หยุดประมวลผล {name} หรือไม่ ประมวลผลแล้ว {} จาก {} แผ่น ส่วนที่เหลือจะไม่ถูกประมวลผล", n(done), n(total))
        }
    }
}

/// The rescue button: how many sheets the server holds results for.
pub fn rescue_button(l: Locale, sheets: u64, total: u64) -> String {
    let n = |value: u64| intl::number(l, value);
    match l.lang {
        Lang::En => format!("Rescue {} of {} sheets", n(sheets), n(total)),
        Lang::Th => format!("กู้คืนผลลัพธ์ {} จาก {} แผ่น", n(sheets), n(total)),
    }
}

/// What a rescue wrote back.
pub fn rescued(l: Locale, sheets: u64, answers: u64) -> String {
    let n = |value: u64| intl::number(l, value);
    match l.lang {
        Lang::En => format!("Rescued the results of {} sheets ({} answers).", n(sheets), n(answers)),
        Lang::Th => format!("กู้คืนผลลัพธ์ได้ {} แผ่น ({} คำตอบ)", n(sheets), n(answers)),
    }
}

/// What an action's outcome means for the user.
pub fn action_outcome(l: Locale, outcome: &ActionOutcome) -> String {
    let text = l.actions();
    match outcome {
        ActionOutcome::CancelRequested => text.cancel_requested.into(),
        ActionOutcome::CancelTooLate => text.cancel_too_late.into(),
        ActionOutcome::Rescued { sheets, answers } => rescued(l, *sheets, *answers),
        ActionOutcome::NothingToRescue => text.rescue_nothing.into(),
        ActionOutcome::Failed(error) => super::api_error(l, error),
    }
}

/// The label of one statistics figure; a figure this client does not know keeps the
/// server's own name.
pub fn stat_label(l: Locale, field: &StatField) -> String {
    let text = l.actions();
    match field {
        StatField::Registered => text.stat_registered.into(),
        StatField::Sheets => text.stat_sheets.into(),
        StatField::Errors => text.stat_errors.into(),
        StatField::DuplicateSheets => text.stat_duplicate_sheets.into(),
        StatField::LowAnswers => text.stat_low_answers.into(),
        StatField::StudentId => text.stat_student_id.into(),
        StatField::CenterCode => text.stat_center_code.into(),
        StatField::ClassGroup => text.stat_class_group.into(),
        StatField::ClassLevel => text.stat_class_level.into(),
        StatField::Absent => text.stat_absent.into(),
        StatField::Other(name) => name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_figure_has_a_label_in_both_languages_and_unknown_ones_keep_their_name() {
        for lang in [Lang::En, Lang::Th] {
            let l = Locale::new(lang);
            assert_eq!(stat_label(l, &StatField::Other("err_blank_page_total".into())), "err_blank_page_total");
            assert!(!stat_label(l, &StatField::Absent).is_empty());
        }
        assert_ne!(
            stat_label(Locale::new(Lang::En), &StatField::Sheets),
            stat_label(Locale::new(Lang::Th), &StatField::Sheets)
        );
    }
}
