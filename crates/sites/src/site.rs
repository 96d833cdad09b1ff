//! Which addresses belong to the site being checked.
//!
//! The site is a host (letter case and a leading `www.` ignored) with its
//! port; `http` and `https` on their default ports are the same site, so a
//! redirect from `http://school.ru` to `https://school.ru` stays on it, while
//! another port or another host is another site. Every address of the site is
//! rewritten to one canonical origin (the home page's, after its redirects),
//! so that a page is visited once whichever form a link uses.
//!
//! A site that lives in a folder of a shared host (`https://edu.city.ru/school12/`)
//! is that folder: pages outside it belong to other schools and are not
//! visited (documents stored elsewhere on the same host are still checked).

use crate::error::SiteError;
use url::Url;

#[derive(Debug, Clone)]
pub struct Site {
    origin: Url,
    host: String,
    port: Option<u16>,
    root: String,
}

fn host_key(url: &Url) -> Option<String> {
    let h = url.host_str()?.to_ascii_lowercase();
    Some(h.strip_prefix("www.").map(str::to_string).unwrap_or(h))
}

/// The port, or none for the scheme's default (80 for http, 443 for https).
fn port_key(url: &Url) -> Option<u16> {
    url.port()
}

/// Reads the address a user typed: a missing scheme means `https://`.
/// Returns the address and whether the scheme was given.
pub fn parse_start(input: &str) -> Result<(Url, bool), SiteError> {
    let input = input.trim();
    let explicit = input.contains("://");
    let text = if explicit {
        input.to_string()
    } else {
        format!("https://{input}")
    };
    let url = Url::parse(&text).map_err(|_| SiteError::BadUrl(input.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(SiteError::BadUrl(input.to_string()));
    }
    Ok((url, explicit))
}

impl Site {
    /// The site of a start address. Its folder is the start path's folder
    /// (`/school12/` for `/school12` or `/school12/index.php`).
    pub fn new(start: &Url) -> Site {
        let path = start.path();
        let last = path.rsplit('/').next().unwrap_or("");
        let root = if last.contains('.') {
            path[..path.len() - last.len()].to_string()
        } else if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        let mut origin = start.clone();
        origin.set_path("/");
        origin.set_query(None);
        origin.set_fragment(None);
        Site {
            host: host_key(start).unwrap_or_default(),
            port: port_key(start),
            origin,
            root,
        }
    }

    /// The home page's final address decides the scheme and host form
    /// (`https`, `www.` or not) used from then on.
    pub fn settle(&mut self, home: &Url) {
        if self.same_site(home) {
            let mut origin = home.clone();
            origin.set_path("/");
            origin.set_query(None);
            origin.set_fragment(None);
            self.origin = origin;
        }
    }

    pub fn same_site(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https")
            && host_key(url).as_deref() == Some(self.host.as_str())
            && port_key(url) == self.port
    }

    /// The address in the site's canonical form, without a fragment.
    /// Only for addresses of the site.
    pub fn canonical(&self, url: &Url) -> Url {
        let mut u = url.clone();
        u.set_fragment(None);
        // Both are http(s) with a host, so these cannot fail.
        let _ = u.set_scheme(self.origin.scheme());
        let _ = u.set_host(self.origin.host_str());
        let _ = u.set_port(self.origin.port());
        u
    }

    /// Whether a page address lies in the site's folder.
    pub fn within_root(&self, url: &Url) -> bool {
        self.root == "/"
            || url
                .path()
                .to_ascii_lowercase()
                .starts_with(&self.root.to_ascii_lowercase())
            || format!("{}/", url.path()).eq_ignore_ascii_case(&self.root)
    }

    /// The path below the site's folder, starting with `/`.
    pub fn relative_path<'a>(&self, url: &'a Url) -> &'a str {
        let path = url.path();
        if self.root.len() > 1
            && path.len() >= self.root.len()
            && path[..self.root.len()].eq_ignore_ascii_case(&self.root)
        {
            &path[self.root.len() - 1..]
        } else {
            path
        }
    }

    /// An address of the site from a path below its folder (`/sveden/common`).
    pub fn join(&self, path: &str) -> Url {
        let mut u = self.origin.clone();
        u.set_path(&format!("{}{}", self.root, path.trim_start_matches('/')));
        u
    }

    pub fn home(&self) -> String {
        self.origin.to_string()
    }

    /// `scheme://host[:port]` of the site.
    pub fn origin(&self) -> &Url {
        &self.origin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn http_and_https_of_the_same_host_are_one_site() {
        let site = Site::new(&u("http://School.ru/"));
        assert!(site.same_site(&u("https://school.ru/sveden/")));
        assert!(site.same_site(&u("http://www.school.ru/a")));
        assert!(!site.same_site(&u("http://school.ru:8080/a")));
        assert!(!site.same_site(&u("https://other.ru/a")));
        assert!(!site.same_site(&u("https://sub.school.ru/a")));
        assert!(!site.same_site(&u("ftp://school.ru/a")));
        let local = Site::new(&u("http://127.0.0.1:4000/"));
        assert!(local.same_site(&u("http://127.0.0.1:4000/x")));
        assert!(!local.same_site(&u("http://127.0.0.1:4001/x")));
    }

    #[test]
    fn the_home_page_decides_the_canonical_form() {
        let mut site = Site::new(&u("http://school.ru"));
        site.settle(&u("https://www.school.ru/index.php"));
        assert_eq!(
            site.canonical(&u("http://school.ru/sveden/common#top"))
                .as_str(),
            "https://www.school.ru/sveden/common"
        );
        assert_eq!(
            site.join("/sveden/common").as_str(),
            "https://www.school.ru/sveden/common"
        );
    }

    #[test]
    fn a_site_in_a_folder_is_that_folder() {
        let site = Site::new(&u("https://edu.city.ru/school12"));
        assert!(site.within_root(&u("https://edu.city.ru/school12/sveden/common")));
        assert!(site.within_root(&u("https://edu.city.ru/school12")));
        assert!(!site.within_root(&u("https://edu.city.ru/school13/sveden/common")));
        assert_eq!(
            site.relative_path(&u("https://edu.city.ru/school12/sveden/common")),
            "/sveden/common"
        );
        assert_eq!(
            site.join("/sveden/common").as_str(),
            "https://edu.city.ru/school12/sveden/common"
        );
        let file = Site::new(&u("https://school.ru/index.php"));
        assert!(file.within_root(&u("https://school.ru/sveden/")));
    }

    #[test]
    fn typed_addresses() {
        assert_eq!(
            parse_start("school.ru").unwrap().0.as_str(),
            "https://school.ru/"
        );
        assert!(!parse_start("school.ru").unwrap().1);
        assert!(parse_start("http://school.ru").unwrap().1);
        assert!(parse_start("ftp://school.ru").is_err());
        assert!(parse_start("").is_err());
    }
}
