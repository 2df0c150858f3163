// A small REST client for checking what the server holds (tests verify against this, not the page).
export class Api {
  constructor(base, token = null) {
    this.base = base;
    this.token = token;
  }

  async call(method, path, body, headers = {}) {
    const h = { ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: res.status, body: json };
  }

  async ok(method, path, body, headers) {
    const r = await this.call(method, path, body, headers);
    if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async todos() {
    return (await this.ok('GET', '/todos?limit=500')).items;
  }

  async todoByTitle(title) {
    return (await this.todos()).find((t) => t.title === title) || null;
  }

  /** Synchronous create (Prefer: wait). */
  create(body) {
    return this.ok('POST', '/todos', body, { Prefer: 'wait=5' });
  }

  update(id, body) {
    return this.ok('PATCH', `/todos/${id}`, body, { Prefer: 'wait=5' });
  }

  remove(id) {
    return this.ok('DELETE', `/todos/${id}`, undefined, { Prefer: 'wait=5' });
  }

  static async account(base, username, password) {
    const api = new Api(base);
    await api.ok('POST', '/auth/register', { username, password });
    const login = await api.ok('POST', '/auth/login', { username, password });
    api.token = login.access_token;
    return api;
  }
}

/** Poll `fn` until it returns a truthy value (or throw after `timeout` ms). */
export async function eventually(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${message}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
