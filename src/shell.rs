//! The static shell of `index.html`: the sign-in page (or, with a stored session, the page
//! skeleton) that the browser paints from the first bytes, before the wasm has arrived. The
//! app replaces it once its own page has rendered, taking over what the user typed into the
//! shell's form, where the caret was, and a sign-in they already asked for (`assets/shell.js`
//! remembers Enter or a click on the form as `data-submitted`).

use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlInputElement};

/// The shell's root element.
const SHELL_ID: &str = "shell";

/// A field of the sign-in form, in the shell and in the app alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginField {
    Username,
    Password,
    Submit,
}

impl LoginField {
    /// The id of this field in the shell's form (the app's are `login-…`).
    fn shell_id(self) -> &'static str {
        match self {
            LoginField::Username => "shell-username",
            LoginField::Password => "shell-password",
            LoginField::Submit => "shell-submit",
        }
    }

    /// Which field an element id names in the shell's form (pure).
    pub fn from_shell_id(id: &str) -> Option<LoginField> {
        [LoginField::Username, LoginField::Password, LoginField::Submit].into_iter().find(|f| f.shell_id() == id)
    }
}

/// What the user did in the shell's sign-in form before the app started.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShellLogin {
    pub username: String,
    pub password: String,
    /// The field that had the focus, with the caret or selection of a text field.
    pub focus: Option<(LoginField, Option<(u32, u32)>)>,
    /// Enter was pressed or the button clicked: sign in as soon as the app can, once.
    pub submitted: bool,
}

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// Whether the shell is still on the page (the app has not replaced it yet).
pub fn is_present() -> bool {
    document().and_then(|d| d.get_element_by_id(SHELL_ID)).is_some()
}

fn input(document: &Document, field: LoginField) -> Option<HtmlInputElement> {
    document.get_element_by_id(field.shell_id())?.dyn_into().ok()
}

/// Reads the shell's sign-in form, when the shell is on the page.
pub fn login() -> Option<ShellLogin> {
    let document = document()?;
    document.get_element_by_id(SHELL_ID)?;
    let value = |field| input(&document, field).map(|i| i.value()).unwrap_or_default();
    let focus = document.active_element().and_then(|active| {
        let field = LoginField::from_shell_id(&active.id())?;
        let caret = active.dyn_ref::<HtmlInputElement>().and_then(|i| {
            let start = i.selection_start().ok()??;
            Some((start, i.selection_end().ok()??))
        });
        Some((field, caret))
    });
    let submitted = document
        .get_element_by_id("shell-login")
        .is_some_and(|form| form.get_attribute("data-submitted").as_deref() == Some("true"));
    Some(ShellLogin { username: value(LoginField::Username), password: value(LoginField::Password), focus, submitted })
}

/// Removes the shell (once the app's page is on screen: both are never painted together).
pub fn remove() {
    if let Some(shell) = document().and_then(|d| d.get_element_by_id(SHELL_ID)) {
        shell.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_fields_are_known_by_their_ids() {
        assert_eq!(LoginField::from_shell_id("shell-username"), Some(LoginField::Username));
        assert_eq!(LoginField::from_shell_id("shell-password"), Some(LoginField::Password));
        assert_eq!(LoginField::from_shell_id("shell-submit"), Some(LoginField::Submit));
        assert_eq!(LoginField::from_shell_id("login-username"), None);
        assert_eq!(LoginField::from_shell_id(""), None);
    }
}
