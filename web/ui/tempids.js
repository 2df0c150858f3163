// Temporary ids: a todo or project still queued for creation is shown as `new:<key>` (the key
// of its create). A write that refers to one (its id, a body field such as parent_id,
// project_id or move_to, a REST path such as /projects/new:…) waits until that create is
// answered, and is then rewritten with the real id the answer gave.

const PREFIX = 'new:';

export function tempId(key) {
  return `${PREFIX}${key}`;
}

/** The temporary id a queued create gives its todo or project; null for other writes. */
export function createdTempId(entry) {
  if (entry.kind === 'ws') return entry.op === 'create' ? tempId(entry.key) : null;
  if (entry.method !== 'POST') return null;
  return entry.path === '/quick-add' || entry.path === '/projects' ? tempId(entry.key) : null;
}

const TEMP = /^new:((?:ui|qa)-[0-9a-f]+)$/;
// the body fields that hold ids (a title or quick-add text that reads "new:…" is just text)
const ID_FIELD = /(?:^|_)id$|^move_to$/;

function collect(value, out) {
  const m = typeof value === 'string' ? TEMP.exec(value) : null;
  if (m) out.add(m[1]);
}

function collectBody(body, out) {
  if (!body || typeof body !== 'object') return;
  for (const [k, v] of Object.entries(body)) if (ID_FIELD.test(k)) collect(v, out);
}

/** The keys of the creates a queued write refers to (not its own). */
export function refsOf(entry) {
  const out = new Set();
  if (entry.kind === 'ws') {
    collect(entry.id, out);
    collect(entry.frame?.id, out);
    collectBody(entry.frame?.body, out);
  } else {
    for (const seg of String(entry.path || '').split(/[/?&=]/)) collect(safeDecode(seg), out);
    // (the body of a quick add names its project in project_id; its text is not looked at)
    collectBody(entry.body, out);
  }
  out.delete(entry.key);
  return out;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A body with its id fields in `map` (temporary id -> real id) replaced. */
export function replaceIds(body, map) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out = { ...body };
  for (const [k, v] of Object.entries(out)) if (ID_FIELD.test(k) && map.has(v)) out[k] = map.get(v);
  return out;
}

/** A REST path with its temporary-id segments replaced (segments are URI-encoded). */
export function replacePath(path, map) {
  return String(path).replace(/[^/?&=]+/g, (seg) => {
    const real = map.get(safeDecode(seg));
    return real ? encodeURIComponent(real) : seg;
  });
}

/** Rewrite a queued write in place (its id, frame, body, path, optimistic row). */
export function rewriteEntry(entry, map) {
  if (entry.kind === 'ws') {
    // (a create's own temporary id stays: it names its key, not a reference)
    if (entry.op !== 'create') entry.id = map.get(entry.id) ?? entry.id;
    const frame = { ...entry.frame };
    if (map.has(frame.id)) frame.id = map.get(frame.id);
    if (frame.body !== undefined) frame.body = replaceIds(frame.body, map);
    entry.frame = frame;
  } else {
    entry.path = replacePath(entry.path, map);
    if (entry.body !== undefined) entry.body = replaceIds(entry.body, map);
    if (entry.optimistic) entry.optimistic = replaceIds(entry.optimistic, map);
  }
  return entry;
}

/** The fields of a live queue entry that are kept in IndexedDB. */
export function persisted(live) {
  const { resolve, reject, sentOn, stored, restored, ...entry } = live;
  return entry;
}
