//! `--addr` as people type it: `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080` or `8080`.
//!
//! `localhost` and a bare port mean 127.0.0.1: the loopback address the default uses. No name
//! is looked up: `localhost` is the only name taken, so the address is known before listening.

use std::net::{Ipv4Addr, SocketAddr};

/// Parses an `--addr` value.
pub(crate) fn parse(text: &str) -> Result<SocketAddr, String> {
    let port = |port: &str| {
        port.parse::<u16>()
            .map_err(|_| format!("'{port}' is not a port number (0 to 65535)"))
    };
    if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port(text)?)));
    }
    if let Some((host, rest)) = text.rsplit_once(':')
        && host.eq_ignore_ascii_case("localhost")
    {
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port(rest)?)));
    }
    text.parse()
        .map_err(|_| format!("'{text}' is not an address: give IP:PORT, localhost:PORT or a PORT"))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn the_forms_people_type() {
        for (typed, addr) in [
            ("8080", "127.0.0.1:8080"),
            ("localhost:9000", "127.0.0.1:9000"),
            ("LOCALHOST:0", "127.0.0.1:0"),
            ("0.0.0.0:80", "0.0.0.0:80"),
            ("[::1]:8080", "[::1]:8080"),
        ] {
            assert_eq!(parse(typed).map(|a| a.to_string()), Ok(addr.to_owned()));
        }
        for bad in ["", "99999", "localhost", "localhost:http", "example.com:80"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
