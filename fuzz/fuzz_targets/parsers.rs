//! The files unjam reads from users and servers: cookies.txt, Set-Cookie, the state file and
//! robots.txt. No panic; what parses writes back to what parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unjam::crawl::state::State;
use unjam::fetch::cookies::{Cookie, Jar};
use unjam::fetch::robots::Robots;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(jar) = Jar::parse_netscape(&text) {
        let again = Jar::parse_netscape(&jar.to_netscape()).expect("our own cookies.txt parses");
        assert_eq!(again.to_netscape(), jar.to_netscape());
    }
    let url = url::Url::parse("https://bbs.example.test/forum.php?mod=viewthread&tid=1").unwrap();
    let _ = Cookie::from_set_cookie(&text, &url, 1_795_850_000);
    if let Ok(state) = State::parse(&text) {
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(State::parse(&json).expect("our own state parses"), state);
    }
    let robots = Robots::from_body(data);
    let _ = robots.check(url.as_str(), "https://bbs.example.test/robots.txt");
    let _ = robots.check("https://bbs.example.test/a/b?c=%E4%B8%AD", "r");
});
