//! The shape of the catalogues: one struct per part of the app, each field one text.
//! `en` and `th` fill every field, so a text missing in either language does not compile.

/// Declares a catalogue struct whose fields are all texts, and `all()` listing them.
macro_rules! catalogue {
    ($(#[$doc:meta])* $name:ident { $($field:ident),* $(,)? }) => {
        $(#[$doc])*
        #[allow(missing_docs)]
        pub struct $name {
            $(pub $field: &'static str,)*
        }

        impl $name {
            /// Every text of this catalogue, in field order.
            pub fn all(&self) -> Vec<&'static str> {
                vec![$(self.$field),*]
            }
        }
    };
}

catalogue! {
    /// Texts shared across the app: shell, login, errors, statuses, columns.
    Strings {
        app_name,
        app_tagline,
        loading,
        sign_out,
        signed_in_as,
        admin_badge,
        nav_batches,
        login_title,
        login_username,
        login_password,
        login_submit,
        login_submitting,
        login_session_expired,
        login_username_length,
        login_password_length,
        checking_session,
        not_found_title,
        not_found_body,
        back_to_batches,
        batches_title,
        batch_details_title,
        retry,
        err_offline,
        err_session_expired,
        err_session_changed,
        err_payload_too_large,
        err_rate_limited,
        err_undecodable,
        err_cancelled,
        skip_to_content,
        status_uploaded,
        status_validating,
        status_processing,
        status_completed,
        status_failed,
        status_reprocessing,
        status_unknown,
        type_zip_qr,
        type_zip_no_qr,
        type_images,
        col_file,
        col_status,
        col_sheets,
        col_size,
        col_uploaded,
        col_uploader,
        no_batches,
        not_available,
        details_error,
        language,
        sheet_pending,
        sheet_processing,
        sheet_completed,
        sheet_failed,
        net_unreachable,
        net_interrupted,
        net_stalled,
        net_answer_lost,
        net_no_answer,
        net_form_refused,
        net_file_unreadable,
        err_check_connection,
    }
}

catalogue! {
    /// Texts of the upload form and queue.
    UploadStrings {
        panel_title,
        strategy_legend,
        strategy_qr,
        strategy_qr_hint,
        strategy_no_qr,
        strategy_no_qr_hint,
        strategy_images,
        strategy_images_hint,
        task_id,
        task_id_hint,
        profile,
        profile_server_decides,
        alignment,
        notes,
        files_zip,
        files_images,
        drop_here,
        clear_files,
        submit,
        preparing,
        queue_title,
        clear_finished,
        upload_again,
        unfinished_title,
        forget,
        skip,
        earlier_batch,
        phase_queued,
        phase_finishing,
        phase_done,
        phase_failed,
        phase_cancelled,
        cancel,
        retry,
        remove,
        resume,
        start_over,
        open_batch,
        resumes_when_online,
        note_restarted,
        note_verifying,
        already_received,
        lost_twice,
        follow_failed,
        zip_checking,
        err_task_id_missing,
        err_no_file,
    }
}

catalogue! {
    /// Texts of the batch list.
    ListStrings {
        export_csv,
        export_refused,
        export_sheets,
        export_log,
        filter_label,
        filter_all,
        server_order_note,
        col_finished,
        col_actions,
        previous,
        next,
        pagination,
        none_with_status,
        delete,
        delete_title,
        delete_confirm,
        delete_anyway,
        deleting,
        cancel,
        auto_refresh_note,
        filter_name,
        filter_name_placeholder,
        filter_uploader,
        filter_uploader_placeholder,
        none_matching,
        none_matching_on_page,
        ignored_name,
        ignored_uploader,
        ignored_both,
    }
}

catalogue! {
    /// Texts of the details page and live progress.
    DetailsStrings {
        file,
        size,
        upload_type,
        timeline,
        step_uploaded,
        step_started,
        step_completed,
        step_failed,
        total_time,
        extraction_time,
        checking_time,
        activity,
        activity_empty,
        col_time,
        col_stage,
        col_message,
        col_percent,
        sheets,
        failed_only,
        no_sheets,
        more_sheets,
        col_sheet,
        col_image,
        col_error,
        progress_label,
        of_total,
        estimated_left,
        duplicate_title,
        live_connecting,
        live_on,
        live_unavailable,
        bad_id_title,
        bad_id_body,
        not_found_title,
        forbidden_title,
        stream_no_body,
        stream_connection_lost,
        stream_closed,
    }
}

catalogue! {
    /// Stage names and the server's known messages (contract §5.6), said in the user's language.
    ServerStrings {
        stage_uploading,
        stage_extracting,
        stage_organizing_qr,
        stage_processing_sheets,
        stage_collecting_results,
        stage_generating_csv,
        stage_loading_database,
        stage_cleanup,
        stage_completed,
        stage_failed,
        starting_extraction,
        creating_sheet_records,
        collecting_results,
        generating_csv,
        loading_database,
        cleaning_up,
        batch_completed,
        no_sheets_created,
        upload_not_found,
        batch_not_found,
        invalid_credentials,
        access_denied,
        only_admins_delete,
        task_id_required,
    }
}

catalogue! {
    /// Texts of the later backend's batch actions: cancel, rescue, statistics.
    ActionStrings {
        cancel_processing,
        cancel_title,
        cancel_confirm,
        cancelling,
        cancel_requested,
        cancel_too_late,
        rescue_title,
        rescuing,
        rescue_nothing,
        stats_title,
        stats_export,
        stat_registered,
        stat_sheets,
        stat_errors,
        stat_duplicate_sheets,
        stat_low_answers,
        stat_student_id,
        stat_center_code,
        stat_class_group,
        stat_class_level,
        stat_absent,
        cancelled_by_user,
    }
}
