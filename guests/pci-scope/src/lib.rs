//! Example scripted condition: holds when an access request of the ticket's
//! current step has a destination in a PCI network.
//!
//! Register it in SecureChange as the script of a workflow condition, such
//! as "send PCI changes to the compliance team":
//!
//! ```toml
//! [[hook]]
//! name = "pci-scope"
//! kind = "condition"
//! component = "hooks/pci_scope.wasm"
//! policy = "hooks/pci-scope.policy.toml"
//!
//! [hook.config]
//! pci_networks = "10.1.0.0/16, 192.168.10.0/24"
//! ```
//!
//! A destination counts when its network overlaps a PCI network, so
//! `10.0.0.0/8` reaches `10.1.0.0/16`. `ANY` reaches every network. Objects
//! whose addresses the ticket does not carry (DNS names, ranges, named
//! objects) are logged and do not count.

use hook_runner_guest::{
    AccessRequest, ConditionHook, HookError, Ipv4Prefix, Ticket, config, export_condition, log,
    parse_prefix_list,
};

/// The condition that hook-runner calls.
#[derive(Debug)]
pub struct PciScope;

impl ConditionHook for PciScope {
    fn evaluate(ticket: Ticket) -> Result<bool, HookError> {
        let networks = pci_networks()?;
        let requests = ticket.current_access_requests();
        for request in &requests {
            if let Some(network) = reached_network(request, &networks) {
                log::info(format!(
                    "ticket {}: access request {} reaches PCI network {network}",
                    ticket.id, request.order
                ));
                return Ok(true);
            }
        }
        log::info(format!(
            "ticket {}: none of {} access request(s) reaches a PCI network",
            ticket.id,
            requests.len()
        ));
        Ok(false)
    }
}

export_condition!(PciScope);

/// Reads the `pci_networks` setting.
fn pci_networks() -> Result<Vec<Ipv4Prefix>, HookError> {
    let text = config::get("pci_networks").unwrap_or_default();
    let networks = parse_prefix_list(&text)
        .map_err(|error| HookError::failed(format!("pci_networks: {error}")))?;
    if networks.is_empty() {
        return Err(HookError::failed(
            "pci_networks is empty: set it under [hook.config] to the PCI networks, \
             such as \"10.1.0.0/16, 192.168.10.0/24\"",
        ));
    }
    Ok(networks)
}

/// Returns the first PCI network that a destination of `request` overlaps.
fn reached_network(request: &AccessRequest, networks: &[Ipv4Prefix]) -> Option<Ipv4Prefix> {
    for destination in &request.destinations {
        let Some(prefix) = destination.ipv4_prefix() else {
            log::debug(format!(
                "access request {}: destination {destination} has no IPv4 address to compare",
                request.order
            ));
            continue;
        };
        if let Some(network) = networks.iter().find(|network| network.overlaps(&prefix)) {
            return Some(*network);
        }
    }
    None
}
