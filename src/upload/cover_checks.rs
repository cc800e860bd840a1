//! The QR cover checks of one pick of files (pure): they run one at a time in the files' order,
//! a file without a check (refused by the pre-flight check, or not a ZIP) holds none of them up,
//! and only a check that read every image goes with its upload.

use super::cover_check::CoverReport;
use std::collections::{BTreeMap, BTreeSet};

/// The QR cover checks of the picked files, run one at a time in the files' order: each file's
/// latest report, and the files whose check has ended (read through, stopped or unavailable).
#[derive(Debug, Default)]
pub struct CoverChecks {
    reports: BTreeMap<usize, CoverReport>,
    ended: BTreeSet<usize>,
}

impl CoverChecks {
    /// Whether file `index`'s check may run: it has run already, or it is the first checkable
    /// file whose check has not ended (a file without a check never holds the others up).
    pub fn may_run(&self, index: usize, checkable: &[bool]) -> bool {
        let first_waiting = (0..checkable.len()).find(|i| checkable[*i] && !self.ended.contains(i));
        self.ended.contains(&index) || first_waiting == Some(index)
    }

    /// Keeps file `index`'s latest report.
    pub fn record(&mut self, index: usize, report: CoverReport) {
        self.reports.insert(index, report);
    }

    /// Notes that file `index`'s check has ended (read through, stopped or unavailable).
    pub fn end(&mut self, index: usize) {
        self.ended.insert(index);
    }

    /// Whether any report so far has a warning.
    pub fn has_warnings(&self) -> bool {
        self.reports.values().any(|r| !r.warnings.is_empty())
    }

    /// File `index`'s report if its check read every image.
    pub fn complete_report(&self, index: usize) -> Option<CoverReport> {
        self.reports.get(&index).filter(|r| r.is_complete()).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_run_one_at_a_time_and_a_file_without_one_holds_nothing_up() {
        // Files 0 and 2 are QR ZIPs that passed the pre-flight check; file 1 was refused.
        let checkable = [true, false, true];
        let mut checks = CoverChecks::default();
        assert!(checks.may_run(0, &checkable) && !checks.may_run(2, &checkable));
        checks.end(0);
        assert!(checks.may_run(0, &checkable), "an ended check stays as it is");
        assert!(!checks.may_run(1, &checkable));
        assert!(checks.may_run(2, &checkable), "the refused file does not hold the next one up");
    }

    #[test]
    fn only_a_check_read_through_goes_with_its_upload() {
        let mut checks = CoverChecks::default();
        checks.record(0, CoverReport { read: 3, total: 5, ..CoverReport::default() });
        checks.record(1, CoverReport { read: 5, total: 5, ..CoverReport::default() });
        assert_eq!(checks.complete_report(0), None);
        assert_eq!(checks.complete_report(1).map(|r| r.total), Some(5));
        assert!(!checks.has_warnings());
    }
}
