// The SecureChange REST API, called by the host with its own credentials.
import { getTicket as hostGetTicket } from 'hook-runner:api/tickets@0.1.0';
import { HookFailed } from './outcome.js';

// A failed ticket read. It is a HookFailed, so a hook that does not catch it
// fails with its message. Only an unavailable API makes it retryable.
export class TicketApiError extends HookFailed {
  constructor(kind, message) {
    super(`SecureChange API ${kind.replace('-', ' ')}: ${message}`, {
      retryable: kind === 'unavailable',
    });
    this.name = 'TicketApiError';
    this.kind = kind;
  }
}

// Fetches the whole ticket `id`. A hook may read only its event's ticket.
// Throws TicketApiError of kind `denied`, `not-found` or `unavailable`.
export function getTicket(id) {
  try {
    return hostGetTicket(id);
  } catch (error) {
    const payload = error?.payload;
    if (payload?.tag == null) throw error;
    throw new TicketApiError(payload.tag, String(payload.val));
  }
}
