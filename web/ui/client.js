// HTTP side of the API: auth mode, tokens (with refresh before expiry), problem+json.

const BASE = '/api/v1';
const TOKENS_KEY = 'actodo.tokens';
const REFRESH_MARGIN_MS = 60_000;

/** A problem+json answer (RFC 9457) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || (status ? `HTTP ${status}` : 'network error'));
    this.status = status;
    this.problem = problem;
    this.field = problem.field || null;
  }
}

/** Text shown to a person for a rejected request: detail plus the offending field. */
export function describeProblem(problem, status) {
  if (!problem) return status ? `HTTP ${status}` : 'Unknown error';
  const detail = problem.detail || problem.title || `HTTP ${status || problem.status}`;
  const field = problem.field ? ` (field: ${problem.field})` : '';
  return `${detail}${field}`;
}

class Auth extends EventTarget {
  constructor() {
    super();
    this.mode = 'unknown'; // 'local' | 'token'
    this.user = null;
    this.tokens = readTokens();
    this.timer = null;
    this.refreshing = null;
    window.addEventListener('storage', (e) => {
      if (e.key !== TOKENS_KEY) return;
      const next = readTokens();
      if (!next && this.tokens) {
        this.tokens = null;
        this.dispatchEvent(new Event('signedout'));
      } else if (next) {
        this.tokens = next;
        this.schedule();
      }
    });
  }

  get accessToken() {
    return this.tokens?.access_token || null;
  }

  setTokens(answer) {
    const ttl = (Number(answer.expires_in) || 900) * 1000;
    this.tokens = {
      access_token: answer.access_token,
      refresh_token: answer.refresh_token,
      expires_at: Date.now() + ttl,
      // refresh a minute early, or a quarter of the lifetime for short-lived tokens
      margin: Math.min(REFRESH_MARGIN_MS, ttl / 4),
    };
    localStorage.setItem(TOKENS_KEY, JSON.stringify(this.tokens));
    this.schedule();
  }

  clear() {
    this.tokens = null;
    clearTimeout(this.timer);
    localStorage.removeItem(TOKENS_KEY);
  }

  schedule() {
    clearTimeout(this.timer);
    if (!this.tokens) return;
    const wait = Math.max(1_000, this.tokens.expires_at - Date.now() - this.margin());
    this.timer = setTimeout(() => this.refresh().catch(() => {}), wait);
  }

  /** Refresh once across tabs: refresh tokens are single-use, so take a lock and re-read storage. */
  refresh() {
    if (this.refreshing) return this.refreshing;
    const run = async () => {
      const stored = readTokens();
      if (stored && this.tokens && stored.refresh_token !== this.tokens.refresh_token &&
          stored.expires_at - Date.now() > this.margin(stored)) {
        this.tokens = stored; // another tab already refreshed
        this.schedule();
        return;
      }
      const current = stored || this.tokens;
      if (!current) throw new ApiError(401, { detail: 'not signed in' });
      const res = await fetch(`${BASE}/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: current.refresh_token }),
      });
      const body = await readBody(res);
      if (!res.ok) {
        if (res.status === 401 || res.status === 400) {
          this.clear();
          this.dispatchEvent(new Event('signedout'));
        }
        throw new ApiError(res.status, body || {});
      }
      this.setTokens(body);
      this.dispatchEvent(new Event('refreshed'));
    };
    const locked = navigator.locks?.request ? () => navigator.locks.request('actodo-token-refresh', run) : run;
    this.refreshing = locked().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  /** Make sure the access token is good for a while (used before opening the socket). */
  async fresh() {
    if (this.mode !== 'token' || !this.tokens) return;
    if (this.tokens.expires_at - Date.now() < this.margin()) await this.refresh();
  }

  margin(tokens = this.tokens) {
    return tokens?.margin ?? REFRESH_MARGIN_MS;
  }
}

function readTokens() {
  try {
    const t = JSON.parse(localStorage.getItem(TOKENS_KEY) || 'null');
    return t && t.access_token && t.refresh_token ? t : null;
  } catch {
    return null;
  }
}

async function readBody(res) {
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}

export const auth = new Auth();

/** fetch() against the API with the bearer token; one retry after a refresh on 401. */
export async function request(method, path, { body, headers = {}, retry = true } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (auth.mode === 'token' && auth.accessToken) h.Authorization = `Bearer ${auth.accessToken}`;
  let res;
  try {
    res = await fetch(`${BASE}${path}`, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, { detail: 'The server cannot be reached.' });
  }
  if (res.status === 401 && auth.mode === 'token' && retry && auth.tokens) {
    try {
      await auth.refresh();
    } catch {
      throw new ApiError(401, { detail: 'Your session has ended; please sign in again.' });
    }
    return request(method, path, { body, headers, retry: false });
  }
  const data = await readBody(res);
  if (!res.ok) throw new ApiError(res.status, data || {});
  return data;
}

/** Which auth mode the server runs in, and who we are (null: sign-in needed). */
export async function detectSession() {
  const res = await fetch(`${BASE}/me`, {
    headers: auth.accessToken ? { Authorization: `Bearer ${auth.accessToken}` } : {},
    cache: 'no-store',
  });
  if (res.ok) {
    const me = await res.json();
    auth.mode = me.auth === 'local' || me.id === 'local' && !auth.accessToken ? 'local' : 'token';
    auth.user = me;
    if (auth.mode === 'token') auth.schedule();
    return me;
  }
  if (res.status === 401) {
    auth.mode = 'token';
    if (auth.tokens) {
      try {
        await auth.refresh();
        auth.user = await request('GET', '/me');
        return auth.user;
      } catch {
        auth.clear();
      }
    }
    return null;
  }
  throw new ApiError(res.status, (await readBody(res)) || {});
}

export async function signIn(username, password) {
  const answer = await request('POST', '/auth/login', { body: { username, password }, retry: false });
  auth.setTokens(answer);
  auth.user = await request('GET', '/me');
  return auth.user;
}

export async function register(username, password) {
  await request('POST', '/auth/register', { body: { username, password }, retry: false });
  return signIn(username, password);
}

export async function signOut() {
  const refresh = auth.tokens?.refresh_token;
  auth.clear();
  if (refresh) {
    try {
      await fetch(`${BASE}/auth/logout`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: refresh }),
      });
    } catch { /* signed out locally anyway */ }
  }
}

/** Every todo of the user, page by page, the archived ones too. */
export async function listAll() {
  const [live, archived] = await Promise.all([listPages({}), listPages({ archived: 'true' })]);
  return [...live, ...archived];
}

async function listPages(params) {
  const items = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ limit: '500', ...params });
    if (cursor) q.set('cursor', cursor);
    const page = await request('GET', `/todos?${q}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** Events after sequence `after`, all pages (used after a 4000 close). */
export async function eventsAfter(after) {
  const all = [];
  for (;;) {
    const page = await request('GET', `/events?after=${after}&limit=1000`);
    all.push(...page.items);
    if (page.items.length < 1000) return all;
    after = page.items[page.items.length - 1].sequence;
  }
}

/** Does this server know reminders and recurrence? (GET /occurrences exists.) */
export async function detectFeatures() {
  try {
    await request('GET', '/occurrences?preset=daily&due=2026-12-01&limit=1');
    return { schedule: true };
  } catch (e) {
    // 400 means the route exists but disliked our probe; 404 means an older server.
    return { schedule: e.status === 400 };
  }
}

export function previewOccurrences({ rrule, preset, due, timeZone, limit = 5 }) {
  const q = new URLSearchParams();
  if (rrule) q.set('rrule', rrule);
  if (preset) q.set('preset', preset);
  q.set('due', due);
  if (timeZone) q.set('time_zone', timeZone);
  q.set('limit', String(limit));
  return request('GET', `/occurrences?${q}`);
}

export function upcomingOccurrences(id, limit = 5) {
  return request('GET', `/todos/${encodeURIComponent(id)}/occurrences?limit=${limit}`);
}

export function snoozeReminder(id, n, body) {
  return request('POST', `/todos/${encodeURIComponent(id)}/reminders/${n}/snooze`, { body });
}

export function dismissReminder(id, n) {
  return request('POST', `/todos/${encodeURIComponent(id)}/reminders/${n}/dismiss`, { body: {} });
}

export function wsUrl(after) {
  const u = new URL(`${BASE}/ws`, location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (after != null) u.searchParams.set('after', String(after));
  if (auth.mode === 'token' && auth.accessToken) u.searchParams.set('access_token', auth.accessToken);
  return u.toString();
}

/** Every project, the archived ones too (the Inbox first). */
export async function listProjects() {
  const [live, archived] = await Promise.all([
    request('GET', '/projects'), request('GET', '/projects?archived=true')]);
  const seen = new Set();
  return [...live.items, ...archived.items].filter((p) => !seen.has(p.id) && seen.add(p.id));
}

/** A write with an Idempotency-Key, answered synchronously (Prefer: wait). */
export function idempotentWrite(method, path, body, key) {
  return request(method, path, { body, headers: { 'Idempotency-Key': key, Prefer: 'wait=10' } });
}

/** `body`: the quick-add body ({text, time_zone, project_id?}). */
export function quickAddPreview(body) {
  return request('POST', '/quick-add?dry_run=true', { body });
}

export function notifications({ unread = false, limit = 50 } = {}) {
  return request('GET', `/notifications?limit=${limit}${unread ? '&unread=true' : ''}`);
}

export function markNotificationsRead(upTo) {
  return request('POST', '/notifications/read', { body: { up_to: upTo } });
}
