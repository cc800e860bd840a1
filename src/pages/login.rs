//! `/login`: username and password, with the server's own rules and messages.

use crate::api::ApiError;
use crate::components::language_switch::LanguageSwitch;
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::hooks::use_session::use_session;
use crate::hooks::use_title::use_title;
use crate::i18n;
use crate::locale::{Lang, Locale};
use crate::routes::{LoginQuery, Route};
use crate::shell::{self, LoginField, ShellLogin};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;
use yew_router::query::Raw;

/// Where the dashboard goes when no (valid) redirect is given: the batch list.
fn default_after_login() -> String {
    Route::Batches.to_path()
}

/// Whether `target` is a plain path on this site (pure): it starts with one `/`, holds no
/// backslash and no control character (browsers drop tabs and newlines, so `/\t/evil` would
/// become `//evil`), and does not lead back to the login page.
pub fn is_plain_path(target: &str) -> bool {
    target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(char::is_control)
        && !target.starts_with(&Route::Login.to_path())
}

/// Where to go after signing in: `target` when it is a plain path that `resolve` (the
/// browser's URL parser against this page's origin) keeps on this origin, else the list.
pub fn redirect_target(target: Option<&str>, resolve: impl Fn(&str) -> Option<String>) -> String {
    target
        .filter(|t| is_plain_path(t))
        .and_then(resolve)
        .filter(|resolved| is_plain_path(resolved))
        .unwrap_or_else(default_after_login)
}

/// Parses `target` with `URL` against the page's origin: its path, query and fragment when it
/// stays on this origin.
fn same_origin_path(target: &str) -> Option<String> {
    let origin = web_sys::window()?.location().origin().ok()?;
    let url = web_sys::Url::new_with_base(target, &origin).ok()?;
    (url.origin() == origin).then(|| format!("{}{}{}", url.pathname(), url.search(), url.hash()))
}

/// The page to open after signing in, checked so that no address a user can type sends
/// them elsewhere or makes the router throw.
pub fn safe_redirect(target: Option<&str>) -> String {
    redirect_target(target, same_origin_path)
}

/// Why signing in did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum LoginProblem {
    /// The username breaks the server's 3–50 characters rule.
    UsernameLength,
    /// The password is shorter than the server's 8 characters.
    PasswordLength,
    /// The server refused, or could not be reached.
    Refused(ApiError),
}

impl LoginProblem {
    fn text(&self, l: Locale) -> String {
        match self {
            LoginProblem::UsernameLength => l.strings().login_username_length.into(),
            LoginProblem::PasswordLength => l.strings().login_password_length.into(),
            LoginProblem::Refused(error) => i18n::api_error(l, error),
        }
    }
}

/// The server's own length rules (username 3–50, password at least 8), checked before sending.
pub fn validate_credentials(username: &str, password: &str) -> Result<(), LoginProblem> {
    let length = username.trim().chars().count();
    if !(3..=50).contains(&length) {
        return Err(LoginProblem::UsernameLength);
    }
    if password.chars().count() < 8 {
        return Err(LoginProblem::PasswordLength);
    }
    Ok(())
}

/// Puts what was typed into the shell's form into the app's, focus and caret included.
fn take_over(typed: &ShellLogin, username: &NodeRef, password: &NodeRef) {
    let (Some(name), Some(secret)) = (username.cast::<HtmlInputElement>(), password.cast::<HtmlInputElement>()) else {
        return;
    };
    name.set_value(&typed.username);
    secret.set_value(&typed.password);
    // Gone before the focus moves: focusing a field below the shell would scroll the page.
    shell::remove();
    let Some((field, caret)) = typed.focus else { return };
    let focused = match field {
        LoginField::Username => name,
        LoginField::Password => secret,
        // The button has no caret; focus goes back to the button the app draws in its place.
        LoginField::Submit => {
            let button = username
                .cast::<web_sys::Element>()
                .and_then(|input| input.closest("form").ok().flatten())
                .and_then(|form| form.query_selector("button[type=submit]").ok().flatten())
                .and_then(|button| button.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(button) = button {
                let _ = button.focus();
            }
            return;
        }
    };
    let _ = focused.focus();
    if let Some((start, end)) = caret {
        let _ = focused.set_selection_range(start, end);
    }
}

/// The sign-in form.
#[component]
pub fn LoginPage() -> Html {
    let locale = use_locale();
    let text = locale.strings();
    use_title(text.login_title);
    let client = use_api();
    let session = use_session();
    let location = use_location();
    let query = location.map(|l| LoginQuery::parse(l.query_str())).unwrap_or_default();
    let username = use_node_ref();
    let password = use_node_ref();
    let busy = use_state(|| false);
    let error = use_state(|| None::<LoginProblem>);
    let target = safe_redirect(query.redirect.as_deref());

    // Already signed in (e.g. the back button): go on to the target, through the router.
    {
        let (target, navigator) = (target.clone(), use_navigator());
        use_effect_with(session.user.is_some(), move |signed_in| {
            if let (true, Some(navigator)) = (*signed_in, navigator) {
                let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
                let route = Route::recognize(path).unwrap_or(Route::NotFound);
                // A raw query cannot fail to serialise.
                let _ = navigator.replace_with_query(&route, Raw(query));
            }
        });
    }

    let sign_in = {
        let (client, busy, error, username, password) =
            (client.clone(), busy.clone(), error.clone(), username.clone(), password.clone());
        Callback::from(move |()| {
            if *busy {
                return; // A second Enter or click while signing in does nothing.
            }
            let name = username.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let secret = password.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            if let Err(problem) = validate_credentials(&name, &secret) {
                error.set(Some(problem));
                return;
            }
            busy.set(true);
            error.set(None);
            let (client, busy, error) = (client.clone(), busy.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // On success the session changes and the effect above navigates.
                if let Err(err) = client.login(name.trim(), &secret).await {
                    error.set(Some(LoginProblem::Refused(err)));
                }
                busy.set(false);
            });
        })
    };
    let onsubmit = {
        let sign_in = sign_in.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            sign_in.emit(());
        })
    };

    // The static shell's form (index.html) was on screen until now: what was typed there goes
    // on here, with the focus and the caret, and a sign-in already asked for is made, once.
    {
        let (username, password) = (username.clone(), password.clone());
        use_effect_with((), move |_| {
            if let Some(typed) = shell::login() {
                take_over(&typed, &username, &password);
                if typed.submitted {
                    sign_in.emit(());
                }
            }
        });
    }

    // The product's name in both languages, whichever the page is in (as the shell shows it).
    let brand = |lang: Lang| html! { <span lang={lang.code()}>{ Locale::new(lang).strings().app_name }</span> };
    let notice = match (&*error, query.expired.is_some()) {
        (Some(problem), _) => {
            Some(html! { <p class="form-error" role="alert" id="login-error">{ problem.text(locale) }</p> })
        }
        (None, true) => Some(html! { <p class="form-notice" role="status">{ text.login_session_expired }</p> }),
        (None, false) => None,
    };
    html! {
        <main class="login-page" id="main">
            <p class="login-brand">{ brand(Lang::Th) }{ " · " }{ brand(Lang::En) }</p>
            <LanguageSwitch />
            <form class="login-card" onsubmit={onsubmit} novalidate=true aria-describedby={error.is_some().then_some("login-error")}>
                <h1>{ text.app_name }</h1>
                <p class="tagline">{ text.app_tagline }</p>
                <h2>{ text.login_title }</h2>
                { for notice }
                <label for="login-username">{ text.login_username }</label>
                <input id="login-username" name="username" type="text" autocomplete="username" ref={username}
                    required=true minlength="3" maxlength="50" disabled={*busy} />
                <label for="login-password">{ text.login_password }</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" ref={password}
                    required=true minlength="8" disabled={*busy} />
                <button type="submit" class="button button-primary" disabled={*busy} aria-busy={busy.to_string()}>
                    { if *busy { text.login_submitting } else { text.login_submit } }
                </button>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_this_site() {
        let keep = |t: &str| Some(t.to_string());
        let to = |t: &str| redirect_target(Some(t), keep);
        assert_eq!(to("/dashboard/batches/abc?x=1"), "/dashboard/batches/abc?x=1");
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "/x\\y",
            "https://evil.example/",
            "/login?redirect=/login",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{7f}x",
            "",
            "dashboard",
        ] {
            assert_eq!(to(bad), default_after_login(), "{bad:?}");
        }
        assert_eq!(redirect_target(None, keep), default_after_login());
        // What the URL parser makes of it counts too: off-origin or odd results are refused.
        assert_eq!(redirect_target(Some("/a"), |_| None), default_after_login());
        assert_eq!(redirect_target(Some("/a"), |_| Some("//evil.example".into())), default_after_login());
    }

    #[test]
    fn credentials_follow_the_server_rules() {
        assert!(validate_credentials("abc", "12345678").is_ok());
        assert!(validate_credentials("  ab ", "12345678").is_err());
        assert!(validate_credentials(&"x".repeat(51), "12345678").is_err());
        assert_eq!(validate_credentials("center07", "short"), Err(LoginProblem::PasswordLength));
        assert!(validate_credentials("ศูนย์07", "รหัสผ่านยาวพอ").is_ok(), "Thai counts characters, not bytes");
    }
}
