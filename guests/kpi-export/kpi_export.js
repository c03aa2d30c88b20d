// Example hook: on CLOSE, POSTs a JSON summary of the ticket to a KPI
// collector with fetch().
//
// The summary holds the ticket's id, subject, workflow, status, priority and
// requester, the times from <ticket_info>, the hours from creation to the
// last update, the number of steps (and of redone ones), and the number of
// access requests. Other events are ignored, and nothing is written back: a
// closed ticket has no current step to write to.
//
// Configuration key: `collector_url` (required), the URL to POST to.
// Build it with componentize-js (StarlingMonkey), which provides fetch().
import { Event, HookFailed, config, hook, log, tickets } from '../../guest-sdk/js/index.js';
import { summary } from './summary.js';

export const onEvent = hook(async (event, info) => {
  if (event !== Event.CLOSE) {
    log.debug(`ticket ${info.id}: ignoring ${event}`);
    return null;
  }
  const url = config.get('collector_url');
  if (url == null) {
    throw new HookFailed('config key `collector_url` is not set; set it under [hook.config]');
  }
  const body = JSON.stringify(summary(info, tickets.getTicket(info.id)));

  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  } catch (error) {
    throw new HookFailed(`POST ${url} failed: ${error.message}`, { retryable: true });
  }
  if (!response.ok) {
    throw new HookFailed(`the collector returned HTTP ${response.status} for POST ${url}`, {
      retryable: response.status >= 500,
    });
  }
  log.info(`ticket ${info.id}: exported its KPI summary (${body.length} bytes)`);
  return null;
});
