// The static shell's two jobs before the app starts (src/shell.rs takes over from here).
// It runs in <head>, before the body is parsed: small, cached under a hashed name, no
// framework. 1) A browser with a stored session shows the page skeleton instead of the
// sign-in form. 2) Enter in the form or a click on its button is remembered on the form
// (data-submitted), so the app signs in once it starts: the shell's button is not a submit
// button, so nothing is ever sent by the browser itself (no password in an address).
(function () {
  "use strict";
  try {
    if (window.localStorage.getItem("omr.session")) {
      document.documentElement.classList.add("shell-signed-in");
    }
  } catch (e) {
    // Storage refused (private mode, policy): the sign-in form it is.
  }
  function remember(event) {
    var form = event.target && event.target.closest && event.target.closest("#shell-login");
    if (!form) return;
    if (event.type === "click" ? event.target.closest("#shell-submit") : event.key === "Enter") {
      event.preventDefault();
      form.setAttribute("data-submitted", "true");
    }
  }
  document.addEventListener("keydown", remember, true);
  document.addEventListener("click", remember, true);
})();
