//! `UploadOptionsFields`: the later backend's upload options in the upload form (contract
//! §5.9.5–6) — a processing profile for everyone, the alignment mode for admins — shown
//! only where the server has profiles; against any other server nothing, and nothing sent.

use crate::api::later::{preselected, AlignmentMode, Profile, ProfileChoice, UploadOptions};
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props: the options chosen so far, where changes go, and whether the user is an admin.
#[derive(Properties, PartialEq)]
pub struct UploadOptionsFieldsProps {
    pub value: UploadOptions,
    pub on_change: Callback<OptionsChange>,
    pub is_admin: bool,
}

/// One change to the options: each selector changes its own field only, so two changes in
/// one tick never undo each other.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionsChange {
    /// The server's profiles arrived: the options to start from.
    Start(UploadOptions),
    Profile(Option<ProfileChoice>),
    Alignment(Option<AlignmentMode>),
}

impl OptionsChange {
    /// Applies the change to `options` (pure).
    pub fn apply(self, options: &mut UploadOptions) {
        match self {
            OptionsChange::Start(start) => *options = start,
            OptionsChange::Profile(profile) => options.profile = profile,
            OptionsChange::Alignment(alignment) => options.alignment = alignment,
        }
    }
}

/// The options' first value once the server's profiles are known (pure): the preselected
/// profile, and for admins the server's default alignment.
pub fn starting_options(profiles: &[Profile], is_admin: bool) -> UploadOptions {
    UploadOptions {
        profile: preselected(profiles).map(|p| ProfileChoice { id: p.id, name: p.name.clone() }),
        alignment: is_admin.then(AlignmentMode::default),
    }
}

/// The two selectors, or nothing.
#[component]
pub fn UploadOptionsFields(props: &UploadOptionsFieldsProps) -> Html {
    let locale = use_locale();
    let text = locale.upload();
    let client = use_api();
    // None until the server has answered with at least one profile.
    let profiles = use_state(|| None::<Vec<Profile>>);
    {
        let (profiles, client, on_change, is_admin) =
            (profiles.clone(), client.clone(), props.on_change.clone(), props.is_admin);
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if !client.features().await.profiles {
                    return;
                }
                // An empty or unreadable list offers nothing: the server decides.
                if let Ok(found) = client.profiles().await.map(|list| Some(list).filter(|l| !l.is_empty())) {
                    if let Some(found) = &found {
                        on_change.emit(OptionsChange::Start(starting_options(found, is_admin)));
                    }
                    profiles.set(found);
                }
            });
        });
    }
    let Some(list) = (*profiles).clone() else { return Html::default() };
    let on_profile = {
        let (on_change, list) = (props.on_change.clone(), list.clone());
        Callback::from(move |event: Event| {
            let chosen: HtmlSelectElement = event.target_unchecked_into();
            let id = chosen.value().parse::<i64>().ok();
            let profile =
                list.iter().find(|p| Some(p.id) == id).map(|p| ProfileChoice { id: p.id, name: p.name.clone() });
            on_change.emit(OptionsChange::Profile(profile));
        })
    };
    let on_alignment = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: Event| {
            let chosen: HtmlSelectElement = event.target_unchecked_into();
            on_change.emit(OptionsChange::Alignment(AlignmentMode::parse(&chosen.value())));
        })
    };
    let selected_profile = props.value.profile.as_ref().map(|p| p.id);
    html! {
        <div class="field-row upload-options">
            <div class="field">
                <label for="upload-profile">{ text.profile }</label>
                <select id="upload-profile" onchange={on_profile}>
                    <option value="" selected={selected_profile.is_none()}>{ text.profile_server_decides }</option>
                    { for list.iter().map(|p| html! {
                        // A name from the server: not the app's words (an option cannot hold a <bdi>).
                        <option value={p.id.to_string()} selected={selected_profile == Some(p.id)} translate="no">
                            { i18n::profile_option(locale, &p.name, p.is_default) }
                        </option>
                    }) }
                </select>
            </div>
            if props.is_admin {
                <div class="field">
                    <label for="upload-alignment">{ text.alignment }</label>
                    <select id="upload-alignment" onchange={on_alignment}>
                        { for AlignmentMode::ALL.iter().map(|mode| html! {
                            <option value={mode.form_value()} selected={props.value.alignment == Some(*mode)}>
                                { i18n::alignment_mode(locale, *mode) }
                            </option>
                        }) }
                    </select>
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_starts_from_the_servers_default_profile_and_alignment_for_admins_only() {
        let profiles = vec![
            Profile { id: 1, name: "Default System Config".into(), is_default: false },
            Profile { id: 2, name: "มัธยมต้น 140 ข้อ".into(), is_default: true },
        ];
        let admin = starting_options(&profiles, true);
        assert_eq!(admin.profile.as_ref().map(|p| p.id), Some(2));
        assert_eq!(admin.alignment, Some(AlignmentMode::Hybrid));
        assert_eq!(starting_options(&profiles, false).alignment, None, "officers send no alignment");
        assert_eq!(starting_options(&[], false), UploadOptions::default());
    }

    #[test]
    fn each_change_touches_its_own_field() {
        let mut options = starting_options(&[Profile { id: 2, name: "default".into(), is_default: true }], true);
        OptionsChange::Profile(Some(ProfileChoice { id: 3, name: "Strict".into() })).apply(&mut options);
        OptionsChange::Alignment(Some(AlignmentMode::ImregDft)).apply(&mut options);
        assert_eq!(options.profile.as_ref().map(|p| p.id), Some(3));
        assert_eq!(options.alignment, Some(AlignmentMode::ImregDft));
        OptionsChange::Profile(None).apply(&mut options);
        assert_eq!((options.profile, options.alignment), (None, Some(AlignmentMode::ImregDft)));
    }
}
