// The hook's own settings from the hook-runner configuration.
import { get as hostGet } from 'hook-runner:api/config@0.1.0';

// Returns the value configured for `key`, or null when none is set.
export function get(key) {
  return hostGet(key) ?? null;
}

// Returns the value configured for `key`, or `fallback` when none is set.
export function getOr(key, fallback) {
  return get(key) ?? fallback;
}
