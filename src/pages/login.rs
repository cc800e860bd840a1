//! `/login`: username and password, with the server's own rules and messages.

use crate::hooks::use_api::use_api;
use crate::hooks::use_session::use_session;
use crate::hooks::use_title::use_title;
use crate::i18n::strings;
use serde::{Deserialize, Serialize};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::history::{BrowserHistory, History};
use yew_router::prelude::*;

/// Where the dashboard goes when no (valid) redirect is given.
pub const DEFAULT_AFTER_LOGIN: &str = "/dashboard/batches";

/// `?redirect=/dashboard/...&expired=1`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired: Option<u8>,
}

/// Only same-site paths are followed after login (no `//evil.example`, no loop to /login).
pub fn safe_redirect(target: Option<&str>) -> String {
    match target {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/login") =>
        {
            path.to_string()
        }
        _ => DEFAULT_AFTER_LOGIN.to_string(),
    }
}

/// The server's own length rules (username 3–50, password at least 8), checked before sending.
pub fn validate_credentials(username: &str, password: &str) -> Result<(), &'static str> {
    let length = username.trim().chars().count();
    if !(3..=50).contains(&length) {
        return Err(strings().login_username_length);
    }
    if password.chars().count() < 8 {
        return Err(strings().login_password_length);
    }
    Ok(())
}

/// The sign-in form.
#[component]
pub fn LoginPage() -> Html {
    let text = strings();
    use_title(text.login_title);
    let client = use_api();
    let session = use_session();
    let location = use_location();
    let query: LoginQuery = location.and_then(|l| l.query::<LoginQuery>().ok()).unwrap_or_default();
    let username = use_node_ref();
    let password = use_node_ref();
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let target = safe_redirect(query.redirect.as_deref());

    // Already signed in (e.g. the back button): go on to the target.
    {
        let target = target.clone();
        use_effect_with(session.user.is_some(), move |signed_in| {
            if *signed_in {
                BrowserHistory::new().replace(&target);
            }
        });
    }

    let onsubmit = {
        let (client, busy, error, username, password) =
            (client.clone(), busy.clone(), error.clone(), username.clone(), password.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return; // A second Enter or click while signing in does nothing.
            }
            let name = username.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let secret = password.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            if let Err(message) = validate_credentials(&name, &secret) {
                error.set(Some(message.to_string()));
                return;
            }
            busy.set(true);
            error.set(None);
            let (client, busy, error) = (client.clone(), busy.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // On success the session changes and the effect above navigates.
                if let Err(err) = client.login(name.trim(), &secret).await {
                    error.set(Some(err.to_string()));
                }
                busy.set(false);
            });
        })
    };

    let notice = match (&*error, query.expired.is_some()) {
        (Some(message), _) => {
            Some(html! { <p class="form-error" role="alert" id="login-error">{ message.clone() }</p> })
        }
        (None, true) => Some(html! { <p class="form-notice" role="status">{ text.login_session_expired }</p> }),
        (None, false) => None,
    };
    html! {
        <main class="login-page" id="main">
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
        assert_eq!(safe_redirect(Some("/dashboard/batches/abc?x=1")), "/dashboard/batches/abc?x=1");
        assert_eq!(safe_redirect(Some("//evil.example/")), DEFAULT_AFTER_LOGIN);
        assert_eq!(safe_redirect(Some("/\\evil.example")), DEFAULT_AFTER_LOGIN);
        assert_eq!(safe_redirect(Some("https://evil.example/")), DEFAULT_AFTER_LOGIN);
        assert_eq!(safe_redirect(Some("/login?redirect=/login")), DEFAULT_AFTER_LOGIN);
        assert_eq!(safe_redirect(None), DEFAULT_AFTER_LOGIN);
    }

    #[test]
    fn credentials_follow_the_server_rules() {
        assert!(validate_credentials("abc", "12345678").is_ok());
        assert!(validate_credentials("  ab ", "12345678").is_err());
        assert!(validate_credentials(&"x".repeat(51), "12345678").is_err());
        assert_eq!(validate_credentials("center07", "short"), Err(strings().login_password_length));
        assert!(validate_credentials("ศูนย์07", "รหัสผ่านยาวพอ").is_ok(), "Thai counts characters, not bytes");
    }
}
