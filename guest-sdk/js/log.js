// Log lines that the host writes under the hook's name.
import { log as hostLog } from 'hook-runner:api/log@0.1.0';

export const trace = (message) => hostLog('trace', String(message));
export const debug = (message) => hostLog('debug', String(message));
export const info = (message) => hostLog('info', String(message));
export const warn = (message) => hostLog('warn', String(message));
export const error = (message) => hostLog('error', String(message));
