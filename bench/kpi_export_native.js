#!/usr/bin/env node
// Posts a JSON summary of a closed SecureChange ticket to a KPI collector.
//
// A classic SecureChange trigger script for Node.js 20 or newer (no npm
// packages, the global fetch()), written as an admin would write it today:
// the benchmark's baseline for the JavaScript example hook guests/kpi-export,
// whose request it reproduces byte for byte.
//
// Contract (as SecureChange calls a script):
//   SCW_EVENT       the workflow event. Only CLOSE posts a summary, and TEST
//                   checks that the variables below are set, without calling
//                   any service.
//   standard input  the <ticket_info> document
//   SC_URL          base URL of SecureChange (the REST API is under
//                   /securechangeworkflow/api/securechange/)
//   SC_USER         API user name
//   SC_PASSWORD     API password
//   KPI_URL         the URL to POST the summary to
//
// The script reads the ticket as JSON (`Accept: application/json`) and posts
// the same fields, in the same order, as guests/kpi-export/summary.js. It
// writes nothing back: a closed ticket has no current step to write to.
//
// Exit codes: 0 when the summary was posted or there was nothing to do, 1 on
// invalid input or a failed request.
'use strict';

const API_PATH = '/securechangeworkflow/api/securechange/';
const TIMEOUT_MS = 30_000;
const MS_PER_HOUR = 3_600_000;
const EVENTS = ('CREATE CLOSE CANCEL REJECT ADVANCE REDO RESUBMIT REOPEN RESOLVE ' +
  'PRE_ASSIGNMENT_SCRIPT AUTOMATION_FAILED TEST').split(' ');

class ScriptError extends Error {}

const log = (message) => process.stderr.write(`kpi_export: ${message}\n`);

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new ScriptError(`${name} is not set: set SC_URL, SC_USER and SC_PASSWORD for the ` +
      'SecureChange API and KPI_URL for the collector');
  }
  return value;
}

// ----------------------------------------------------------- <ticket_info>

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name) => {
    if (name[0] !== '#') return ENTITIES[name] ?? whole;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

// Parses a small XML document, such as <ticket_info>, into
// { name, text, children } nodes. It reads elements, text and CDATA, drops
// namespace prefixes, and skips the declaration, comments and attributes.
// Throws ScriptError on a document that is not well-formed.
function parseXml(text) {
  const root = { name: '', text: '', children: [] };
  const stack = [root];
  const token = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE|<(\/?)([\w:.-]+)[^>]*?(\/?)>|([^<]+)/g;
  for (const match of text.matchAll(token)) {
    const [whole, cdata, closing, qualified, selfClosing, chars] = match;
    const top = stack[stack.length - 1];
    if (whole === '<!DOCTYPE') throw new ScriptError('standard input declares a DOCTYPE, which SecureChange never sends');
    if (cdata !== undefined) {
      top.text += cdata;
    } else if (chars !== undefined) {
      top.text += decodeEntities(chars);
    } else if (qualified !== undefined) {
      const name = qualified.split(':').pop();
      if (closing) {
        if (stack.length < 2 || top.name !== name) throw new ScriptError(`standard input has an unexpected </${qualified}>`);
        top.text = top.text.trim();
        stack.pop();
      } else {
        const node = { name, text: '', children: [] };
        top.children.push(node);
        if (!selfClosing) stack.push(node);
      }
    }
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new ScriptError('standard input is not a well-formed XML document');
  return root.children[0];
}

const child = (node, name) => node?.children.find((candidate) => candidate.name === name) ?? null;
const childText = (node, name) => child(node, name)?.text ?? '';

function optionalNumber(node, name) {
  const text = childText(node, name);
  if (text === '') return null;
  if (!/^[0-9]+$/.test(text)) throw new ScriptError(`<ticket_info> element <${name}> is \`${text}\`: expected a whole number`);
  return Number(text);
}

function readTicketInfo(text) {
  const root = parseXml(text);
  if (root.name !== 'ticket_info') throw new ScriptError(`standard input has root element <${root.name}>, expected <ticket_info>`);
  const stage = child(child(root, 'completion_data'), 'stage');
  return {
    id: optionalNumber(root, 'id'),
    createDate: optionalNumber(root, 'createDate'),
    updateDate: optionalNumber(root, 'updateDate'),
    completionStage: stage == null ? null : childText(stage, 'name'),
  };
}

// --------------------------------------------------------------- the ticket

// Returns the items of a collection as an array. The API's JSON keeps a
// collection's wrapper, writes a lone child as an object instead of a
// one-element array, and writes an empty collection as "". With no `item`,
// `wrapper` is the repeated element itself.
function list(wrapper, item) {
  if (wrapper == null || wrapper === '') return [];
  const value = item === undefined ? wrapper : wrapper[item];
  if (value == null) return [];
  return Array.isArray(value) ? value : [value];
}

const text = (value) => (value == null ? '' : String(value));

// Returns the number of access requests in the last step that has a
// multi_access_request field, counting that step's first such field.
function accessRequestCount(steps) {
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    for (const task of list(steps[index].tasks, 'task')) {
      const field = list(task.fields, 'field').find((f) => f['@xsi.type'] === 'multi_access_request');
      if (field !== undefined) return list(field.access_request).length;
    }
  }
  return 0;
}

// Returns the summary in the key order of guests/kpi-export/summary.js, so
// that JSON.stringify gives the same bytes.
function summary(info, ticket) {
  const steps = list(ticket.steps, 'step');
  const created = info.createDate;
  const updated = info.updateDate;
  const hours = created != null && updated != null ? (updated - created) / MS_PER_HOUR : null;
  return {
    ticket: Number(ticket.id),
    subject: text(ticket.subject),
    workflow: text(ticket.workflow?.name),
    status: text(ticket.status),
    priority: text(ticket.priority),
    requester: text(ticket.requester),
    created_ms: created,
    updated_ms: updated,
    open_hours: hours == null ? null : Math.round(hours * 100) / 100,
    completion_step: info.completionStage,
    steps: steps.length,
    redone_steps: steps.filter((step) => step.redone === true).length,
    access_requests: accessRequestCount(steps),
    comments: list(ticket.comments, 'comment').length,
  };
}

async function request(method, url, headers, body) {
  let response;
  try {
    response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new ScriptError(`${method} ${url} failed: ${error.cause?.message ?? error.message}`);
  }
  const answer = await response.text();
  if (!response.ok) throw new ScriptError(`${method} ${url} returned HTTP ${response.status}: ${answer.trim().slice(0, 300)}`);
  return answer;
}

async function readTicket(id) {
  const url = `${requiredEnv('SC_URL').replace(/\/+$/, '')}${API_PATH}tickets/${id}`;
  const token = Buffer.from(`${requiredEnv('SC_USER')}:${requiredEnv('SC_PASSWORD')}`).toString('base64');
  const body = await request('GET', url, { authorization: `Basic ${token}`, accept: 'application/json' });
  try {
    return JSON.parse(body).ticket;
  } catch (error) {
    throw new ScriptError(`GET ${url} returned invalid JSON: ${error.message}`);
  }
}

// ------------------------------------------------------------------- main

async function run() {
  const event = process.env.SCW_EVENT?.trim().toUpperCase();
  if (event === undefined) throw new ScriptError('SCW_EVENT is not set. SecureChange sets it, so to run the script by hand, set SCW_EVENT=CLOSE');
  if (!EVENTS.includes(event)) throw new ScriptError(`SCW_EVENT is \`${event}\`: expected one of ${EVENTS.join(', ')}`);
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const info = readTicketInfo(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, ''));
  if (event === 'TEST') {
    for (const name of ['SC_URL', 'SC_USER', 'SC_PASSWORD', 'KPI_URL']) requiredEnv(name);
    log('TEST event: SC_URL, SC_USER, SC_PASSWORD and KPI_URL are set');
    return;
  }
  if (info.id == null) throw new ScriptError(`the <ticket_info> document for ${event} has no ticket <id>`);
  if (event !== 'CLOSE') {
    log(`ticket ${info.id}: ignoring ${event} event`);
    return;
  }
  const kpiUrl = requiredEnv('KPI_URL');
  const ticket = await readTicket(info.id);
  if (ticket == null) throw new ScriptError(`the API returned no <ticket> for ticket ${info.id}`);
  const body = JSON.stringify(summary(info, ticket));
  await request('POST', kpiUrl, { 'content-type': 'application/json' }, body);
  log(`ticket ${info.id}: exported its KPI summary (${body.length} bytes)`);
}

run().catch((error) => {
  if (!(error instanceof ScriptError)) throw error;
  log(`error: ${error.message}`);
  process.exitCode = 1;
});
