//! Builds what one hook run may use from its configuration entry and its
//! policy file: settings, ticket access, limits and outgoing HTTP.

use std::str::FromStr;
use std::sync::Arc;

use http::{HeaderName, HeaderValue};

use crate::api::ApiClient;
use crate::config::HookConfig;
use crate::egress::{Egress, EgressLimits, Resolver, SecretHeader};
use crate::engine::{Limits, ReadGrant, RunContext, TicketAccess};
use crate::policy::Policy;

/// Loads the hook's policy file, or returns the policy of a hook without
/// one, which grants nothing: no ticket read, no write, no comment, no
/// network, and the default limits.
pub fn load_policy(hook: &HookConfig) -> Result<Policy, String> {
    match &hook.policy {
        Some(path) => Policy::load(path).map_err(|error| format!("hook `{}`: {error}", hook.name)),
        None => Ok(Policy::deny_all()),
    }
}

/// Builds the run context of `hook` for the event on ticket `ticket_id`.
pub fn build(
    hook: &HookConfig,
    policy: Policy,
    resolver: &Resolver,
    ticket_id: u64,
    client: Option<Arc<ApiClient>>,
) -> Result<RunContext, String> {
    let mut settings = hook.settings.clone();
    for (key, value) in &policy.config {
        if settings.insert(key.clone(), value.clone()).is_some() {
            tracing::warn!(hook = %hook.name, key, "the policy's [config] value replaces the one in the hook's [hook.config]");
        }
    }
    let read_grant = ReadGrant {
        read: policy.ticket.read,
        policy: policy.path.clone(),
    };
    let secrets = secret_headers(hook, &policy)?;
    let secret_values = secrets
        .iter()
        .filter_map(|secret| secret.value.to_str().ok().map(str::to_string))
        .collect();
    let limits = Limits::from_policy(&policy.limits);
    let egress_limits = EgressLimits::from_policy(&policy.limits);
    Ok(RunContext {
        name: hook.name.clone(),
        settings,
        tickets: TicketAccess {
            ticket_id,
            read_grant,
            client,
            already_read: None,
        },
        limits,
        egress: Egress::new(
            &hook.name,
            Arc::new(policy),
            resolver.clone(),
            secrets,
            egress_limits,
        ),
        secrets: secret_values,
        max_http_requests: egress_limits.max_requests,
    })
}

/// Reads every secret of the policy into the header it is sent in. A
/// secret's value never appears in an error.
fn secret_headers(hook: &HookConfig, policy: &Policy) -> Result<Vec<SecretHeader>, String> {
    policy
        .secrets
        .iter()
        .map(|secret| {
            let value = secret.header_value().map_err(|error| {
                format!("hook `{}`: secret `{}`: {error}", hook.name, secret.name)
            })?;
            let name = HeaderName::from_str(&secret.header).map_err(|_| {
                format!(
                    "hook `{}`: secret `{}` has an invalid header name",
                    hook.name, secret.name
                )
            })?;
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                format!(
                    "hook `{}`: secret `{}` contains characters a header cannot carry",
                    hook.name, secret.name
                )
            })?;
            value.set_sensitive(true);
            Ok(SecretHeader {
                grant_index: secret.grant_index,
                name,
                value,
            })
        })
        .collect()
}
