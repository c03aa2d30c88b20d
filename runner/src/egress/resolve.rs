//! Host name resolution for guests' requests, with fixed addresses from the
//! configuration's `[resolve]` table taking precedence over the system
//! resolver (tests and air-gapped sites use it).

use std::collections::BTreeMap;
use std::net::IpAddr;

/// A resolver with fixed addresses for some names.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    overrides: BTreeMap<String, Vec<IpAddr>>,
}

impl Resolver {
    /// Creates a resolver; names are compared in lower case without a
    /// trailing dot.
    pub fn new(overrides: BTreeMap<String, Vec<IpAddr>>) -> Resolver {
        let overrides = overrides
            .into_iter()
            .map(|(name, addresses)| (normalise(&name), addresses))
            .collect();
        Resolver { overrides }
    }

    /// Resolves `host` to its addresses.
    pub async fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<IpAddr>> {
        if let Some(addresses) = self.overrides.get(&normalise(host)) {
            return Ok(addresses.clone());
        }
        let found = tokio::net::lookup_host((host, port)).await?;
        let mut addresses: Vec<IpAddr> = found.map(|address| address.ip()).collect();
        addresses.dedup();
        Ok(addresses)
    }
}

fn normalise(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn override_wins_and_ignores_case() {
        let resolver = Resolver::new(BTreeMap::from([(
            "Scanner.Test.".to_string(),
            vec!["127.0.0.1".parse().expect("address")],
        )]));
        let found = resolver
            .resolve("scanner.test", 443)
            .await
            .expect("resolves");
        assert_eq!(found, vec!["127.0.0.1".parse::<IpAddr>().expect("address")]);
    }
}
