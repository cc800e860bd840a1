//! Demo users (always present) and about 120 demo batches (with `--seed-demo`).

use crate::db::{Batch, Db, User};

/// A demo login printed by the dev command.
pub struct DemoUser {
    pub user_id: i64,
    pub username: &'static str,
    pub password: &'static str,
    pub full_name: &'static str,
    pub is_admin: bool,
}

/// One admin and three staff users, one with a Thai username (as on the live server).
pub const DEMO_USERS: [DemoUser; 4] = [
    DemoUser {
        user_id: 1,
        username: "admin",
        password: "admin-pass-2025",
        full_name: "System Administrator",
        is_admin: true,
    },
    DemoUser {
        user_id: 14,
        username: "center07",
        password: "center07-pass",
        full_name: "Evaluation Center 7",
        is_admin: false,
    },
    DemoUser {
        user_id: 15,
        username: "center08",
        password: "center08-pass",
        full_name: "Evaluation Center 8",
        is_admin: false,
    },
    DemoUser {
        user_id: 21,
        username: "ภาค2-3",
        password: "phak2-3-pass",
        full_name: "สำนักงานภาค 2-3",
        is_admin: false,
    },
];

/// File names for the list filters to find: Thai, and `%`, `_` and quotes that a SQL `LIKE`
/// would misread.
const SEARCHABLE_NAMES: [&str; 6] = [
    "ศูนย์สอบ07-รอบเช้า.zip",
    "มัธยมต้น-ห้อง3.zip",
    "scan_100%_final.zip",
    "room_1_a.zip",
    "O'Brien \"B\" room.zip",
    "ใบตอบ_ภาค2%.zip",
];

/// The tasks each staff user is assigned to from the start (the admin needs none): the task
/// ids a QR cover of theirs may name (contract §4.3). Outside the seeded batches' tasks
/// (10300001–10301191), so that a first upload of them is never skipped as a duplicate of a demo batch.
/// Tests add more through `PUT /__test/assignments`.
pub const DEMO_ASSIGNMENTS: [(&str, &[&str]); 3] = [
    ("center07", &["14900113", "14900114", "14900115"]),
    ("center08", &["14900213", "14900214"]),
    ("ภาค2-3", &["14900313", "14900314"]),
];

/// Creates the demo users and their task assignments unless they exist.
pub fn ensure_users(db: &Db) -> rusqlite::Result<()> {
    for demo in &DEMO_USERS {
        db.ensure_user(&User {
            user_id: demo.user_id,
            username: demo.username.into(),
            password: demo.password.into(),
            email: format!("{}@example.org", demo.username),
            full_name: demo.full_name.into(),
            is_admin: demo.is_admin,
            role_hierarchy: if demo.is_admin { 0 } else { 3 },
            school_id: None,
            class_id: None,
            scopes: Vec::new(),
        })?;
    }
    for (username, tasks) in DEMO_ASSIGNMENTS {
        let user = DEMO_USERS.iter().find(|user| user.username == username).expect("a demo user");
        for task in tasks {
            db.assign_task(user.user_id, task)?;
        }
    }
    Ok(())
}

/// How many batches `seed_batches` writes.
pub const DEMO_BATCH_COUNT: usize = 120;

/// Writes 120 batches over the past 60 days across all statuses and users, on an empty table.
///
/// Seeded batches have no stored file: they stand still in whatever status they were given
/// (so the `processing` ones can be cancelled at leisure). Every ninth has a searchable name;
/// a tenth of the admin's batches belong to the Thai user instead; the failed batches
/// `i % 40 == 11` (timeouts) have their processed results in the result cache, to recover.
pub fn seed_batches(db: &Db) -> rusqlite::Result<()> {
    if db.batch_total() > 0 {
        return Ok(());
    }
    let now = chrono::Local::now().naive_local();
    let fmt = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let types = ["zip_qr", "zip_no_qr", "images"];
    for i in 0..DEMO_BATCH_COUNT {
        let n = i as i64;
        let created = now - chrono::Duration::minutes(n * 691 + 17);
        // Mostly finished batches, with every other status represented.
        let status = match i % 20 {
            3 | 11 => "failed",
            7 => "processing",
            13 if i < 40 => "uploaded",
            17 if i < 60 => "validating",
            19 if i < 60 => "reprocessing",
            _ => "completed",
        };
        let upload_type = types[i % 3];
        let sheets = if status == "failed" && i % 40 == 3 { 0 } else { 40 + (n * 37) % 1200 };
        let started =
            (status != "uploaded" && status != "validating").then(|| created + chrono::Duration::seconds(12 + n % 40));
        let finished =
            matches!(status, "completed" | "failed").then(|| created + chrono::Duration::seconds(95 + (n * 13) % 900));
        let error = (status == "failed").then(|| {
            if sheets == 0 {
                "Batch processing failed: No sheets were created".to_string()
            } else {
                format!("Batch processing failed: Timeout: Only {}/{} tasks completed within 30s", sheets - 1, sheets)
            }
        });
        let name = match upload_type {
            "images" => format!("{} images", 5 + n % 20),
            _ if i % 9 == 4 => SEARCHABLE_NAMES[(i / 9) % SEARCHABLE_NAMES.len()].to_string(),
            _ => format!("center{:02}-day{}.zip", 1 + n % 12, 1 + n % 3),
        };
        // The staff users keep a third of the batches each; the admin gives some to the Thai user.
        let uploader = if i % 12 == 0 { &DEMO_USERS[3] } else { &DEMO_USERS[i % 3] };
        let notes = match i % 4 {
            0 => Some("Chunked upload (5 chunks)".to_string()),
            1 => Some(format!("re-scan of room {}", 1 + n % 9)),
            _ => None,
        };
        let batch_id = db.insert_batch_row(&Batch {
            batch_id: 0,
            batch_uuid: uuid::Uuid::new_v4().to_string(),
            batch_name: Some(name),
            upload_type: upload_type.into(),
            status: status.into(),
            sheet_count: if started.is_some() { sheets } else { 0 },
            file_size_bytes: if status == "failed" && sheets == 0 { 0 } else { sheets * 791_113 + n * 4096 },
            uploaded_by: uploader.user_id,
            task_id: (upload_type != "zip_qr").then(|| format!("{}", 10_300_000 + n * 10 + 1)),
            notes,
            created_at: fmt(created),
            processing_started_at: started.map(fmt),
            completed_at: finished.map(fmt),
            error_message: error,
            stored_path: None,
        })?;
        seed_sheets(db, batch_id, status, if started.is_some() { sheets } else { 0 }, n)?;
        if status == "failed" && i % 40 == 11 {
            db.stash_results(batch_id)?;
        }
    }
    Ok(())
}

/// Sheet rows matching a seeded batch's status: all checked when completed, all but one when
/// it failed on a timeout, about half while processing (one in 40 fails).
fn seed_sheets(db: &Db, batch_id: i64, status: &str, sheets: i64, n: i64) -> rusqlite::Result<()> {
    if sheets == 0 {
        return Ok(());
    }
    let names: Vec<(String, Option<String>)> = (1..=sheets)
        .map(|i| {
            let name = if i % 40 == 0 { format!("sheet-{i:04}-FAIL.jpg") } else { format!("sheet-{i:04}.jpg") };
            (name, Some(format!("{}", 10_300_000 + n * 10 + 1)))
        })
        .collect();
    db.create_sheets(batch_id, &format!("seed-{batch_id}"), &names)?;
    let done = match status {
        "completed" => sheets,
        "failed" => sheets - 1,
        "processing" | "reprocessing" => sheets / 2,
        _ => 0,
    };
    if done > 0 {
        db.finish_sheets(batch_id, 1, done)?;
    }
    Ok(())
}
