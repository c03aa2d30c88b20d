//! Example dynamic-assignment hook: opens one task per network zone that the
//! access requests of the current step go to, with the zone's team as
//! participants.
//!
//! ```toml
//! [[hook]]
//! name = "zones"
//! kind = "assignment"
//! component = "hooks/zone_assignment.wasm"
//! policy = "hooks/zone-assignment.policy.toml"
//!
//! [hook.config]
//! zones = "pci, dmz"
//! "pci.task" = "PCI firewall review"
//! "pci.networks" = "10.0.0.0/8"
//! "pci.participants" = "p.ortiz, l.chen"
//! "pci.assigner" = "c.wright"         # manual assignment by this user
//! "dmz.networks" = "172.16.0.0/12"
//! "dmz.participants" = "d.novak"      # no assigner: self-assignment
//! ```
//!
//! Zones are tried in the order `zones` lists them, and an access request
//! goes to the first zone that one of its destinations overlaps (`ANY`
//! overlaps every zone). A zone's task is named by `ZONE.task`, or
//! `Review: ZONE` when that is not set. Access requests that reach no zone
//! are named by no task, so SecureChange leaves them in the step's default
//! task, and a zone that no access request reaches gets no task.

use hook_runner_guest::{
    AccessRequest, AssignmentHook, HookError, Ipv4Prefix, TaskAssignment, Ticket, config,
    export_assignment, log, parse_prefix_list,
};

/// The assignment hook that hook-runner calls.
#[derive(Debug)]
pub struct ZoneAssignment;

/// A zone from the configuration.
struct Zone {
    name: String,
    networks: Vec<Ipv4Prefix>,
    task: TaskAssignment,
}

impl AssignmentHook for ZoneAssignment {
    fn assign(ticket: Ticket) -> Result<Vec<TaskAssignment>, HookError> {
        let mut zones = read_zones()?;
        let mut unassigned = 0;
        for request in ticket.current_access_requests() {
            match zones
                .iter_mut()
                .find(|zone| reaches(request, &zone.networks))
            {
                Some(zone) => {
                    log::debug(format!(
                        "access request {} goes to zone {}",
                        request.order, zone.name
                    ));
                    zone.task.access_request_ids.push(request.id);
                }
                None => unassigned += 1,
            }
        }
        let tasks: Vec<TaskAssignment> = zones
            .into_iter()
            .map(|zone| zone.task)
            .filter(|task| !task.access_request_ids.is_empty())
            .collect();
        log::info(format!(
            "ticket {}: {} task(s); {unassigned} access request(s) stay in the default task",
            ticket.id,
            tasks.len()
        ));
        Ok(tasks)
    }
}

export_assignment!(ZoneAssignment);

/// Returns whether a destination of `request` overlaps one of `networks`.
fn reaches(request: &AccessRequest, networks: &[Ipv4Prefix]) -> bool {
    request
        .destinations
        .iter()
        .filter_map(|destination| destination.ipv4_prefix())
        .any(|destination| {
            networks
                .iter()
                .any(|network| network.overlaps(&destination))
        })
}

/// Reads the zones named by the `zones` setting, each with its task.
fn read_zones() -> Result<Vec<Zone>, HookError> {
    let names = config::get("zones").unwrap_or_default();
    let names: Vec<&str> = names
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        return Err(HookError::failed(
            "zones is empty: list the zone names under [hook.config], such as zones = \"pci, dmz\"",
        ));
    }
    names.into_iter().map(read_zone).collect()
}

fn read_zone(name: &str) -> Result<Zone, HookError> {
    let setting = |key: &str| config::get(&format!("{name}.{key}")).unwrap_or_default();
    let networks = parse_prefix_list(&setting("networks"))
        .map_err(|error| HookError::failed(format!("{name}.networks: {error}")))?;
    if networks.is_empty() {
        return Err(HookError::failed(format!(
            "{name}.networks is empty: set the zone's networks, such as \"10.0.0.0/8\""
        )));
    }
    let participants = setting("participants");
    let participants = participants
        .split(',')
        .map(str::trim)
        .filter(|login| !login.is_empty());
    let task_name =
        config::get(&format!("{name}.task")).unwrap_or_else(|| format!("Review: {name}"));
    let mut task = TaskAssignment::new(task_name).participants(participants);
    // The host rejects a manual task with an empty assigner, so a blank
    // setting reaches SecureChange as an error, not as self-assignment.
    if let Some(assigner) = config::get(&format!("{name}.assigner")) {
        task = task.manual(assigner.trim());
    }
    Ok(Zone {
        name: name.to_string(),
        networks,
        task,
    })
}
