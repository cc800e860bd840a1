//! Fills in the nginx site template of `deploy/nginx/` (pure).

/// Values of the template's placeholders.
pub struct SiteValues<'a> {
    /// `80` on the hosts, `127.0.0.1:<port>` in tests.
    pub listen: &'a str,
    /// The `current` release symlink.
    pub root: &'a str,
    /// The releases directory (served under `/__preview/`).
    pub releases: &'a str,
    /// Directory holding `omr-api-upstream.conf` and `security-headers.conf`.
    pub conf_dir: &'a str,
    /// Whether `ngx_http_brotli_static` is loaded; without it its directive must go.
    pub brotli: bool,
    /// The `Strict-Transport-Security` value for HTTPS answers; `None` sends none.
    pub hsts: Option<&'a str>,
}

/// Replaces `@LISTEN@`, `@ROOT@`, `@RELEASES@`, `@CONF_DIR@`, `@BROTLI@` and `@HSTS@`; drops
/// the brotli line when the module is absent. Fails if a placeholder is left.
pub fn render_site(template: &str, values: &SiteValues) -> Result<String, String> {
    let rendered: String = template
        .lines()
        .filter(|line| values.brotli || !line.trim_start().starts_with("brotli_static"))
        .map(|line| {
            line.replace("@LISTEN@", values.listen)
                .replace("@ROOT@", values.root)
                .replace("@RELEASES@", values.releases)
                .replace("@HSTS@", values.hsts.unwrap_or(""))
                .replace("@CONF_DIR@", values.conf_dir)
                .replace("@BROTLI@", if values.brotli { "on" } else { "off" })
        })
        .collect::<Vec<_>>()
        .join("\n");
    let config_lines = rendered.lines().filter(|l| !l.trim_start().starts_with('#'));
    match config_lines.into_iter().find(|l| has_placeholder(l)) {
        Some(line) => Err(format!("unfilled placeholder in: {}", line.trim())),
        None => Ok(rendered + "\n"),
    }
}

/// Whether `line` still holds an `@NAME@` placeholder (named locations such as `@rate_limited`
/// are lower case and stay).
fn has_placeholder(line: &str) -> bool {
    line.split('@')
        .skip(1)
        .step_by(2)
        .zip(line.split('@').skip(2))
        .any(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
}

/// The site template shipped in `deploy/nginx/omr-web.conf`.
pub fn site_template() -> Result<String, String> {
    std::fs::read_to_string(crate::root().join("deploy").join("nginx").join("omr-web.conf")).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "# @ROOT@ is documented here\nlisten @LISTEN@;\nroot @ROOT@;\ninclude @CONF_DIR@/x.conf;\nbrotli_static @BROTLI@;\n";

    #[test]
    fn placeholders_are_filled() {
        let values = SiteValues {
            listen: "127.0.0.1:8088",
            root: "/srv/current",
            releases: "/srv/releases",
            conf_dir: "/etc/omr",
            brotli: true,
            hsts: None,
        };
        let out = render_site(TEMPLATE, &values).unwrap();
        assert!(out.contains("listen 127.0.0.1:8088;\nroot /srv/current;\ninclude /etc/omr/x.conf;\nbrotli_static on;"));
    }

    #[test]
    fn brotli_line_goes_without_the_module() {
        let values =
            SiteValues { listen: "80", root: "/r", releases: "/rel", conf_dir: "/c", brotli: false, hsts: None };
        assert!(!render_site(TEMPLATE, &values).unwrap().contains("brotli"));
    }

    #[test]
    fn the_shipped_template_renders_completely() {
        let values = SiteValues {
            listen: "80",
            root: "/var/www/omr-web/current",
            releases: "/var/www/omr-web/releases",
            conf_dir: "/etc/nginx/omr-web",
            brotli: true,
            hsts: Some("max-age=31536000; includeSubDomains"),
        };
        let out = render_site(&site_template().unwrap(), &values).unwrap();
        assert!(out.contains("proxy_read_timeout 3600s;"));
        assert!(out.contains("alias /var/www/omr-web/releases/;"));
        assert!(out.contains(r#"https "max-age=31536000; includeSubDomains";"#));
        assert!(out.contains("rewrite ^/api/realtime/(.*)$ /api/$1 break;"));
        assert!(render_site("x @NOPE@;", &values).is_err());
        assert!(
            render_site("error_page 429 = @rate_limited;", &values).is_ok(),
            "named locations are not placeholders"
        );
    }
}
