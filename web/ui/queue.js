// The offline queue and the cached view, in IndexedDB. Every write is stored here (with its
// request id or Idempotency-Key) before it is attempted, and removed once its outcome arrives,
// so a reload (or a closed tab) neither loses it nor sends it twice: a replay carries the
// same id, which the server applies once. The cache holds the last list the server gave us,
// so a reload while offline still shows the todos, with the queued writes on top.

const DB_NAME = 'actodo';
const DB_VERSION = 1;

let dbPromise = null;

function open() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve, reject) => {
    if (!('indexedDB' in window)) {
      reject(new Error('no IndexedDB'));
      return;
    }
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('queue')) db.createObjectStore('queue', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  dbPromise.catch(() => { dbPromise = null; });
  return dbPromise;
}

async function tx(storeName, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(storeName, mode);
    const result = fn(t.objectStore(storeName));
    t.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('aborted'));
  });
}

/**
 * A queued write: {key, user, kind: 'ws'|'rest', seq, at, ...}.
 *  ws:   {frame}                       a socket command frame; key = its request_id
 *  rest: {method, path, body, what}    a REST write; key = its Idempotency-Key
 */
export function putWrite(entry) {
  return tx('queue', 'readwrite', (s) => s.put(entry));
}

export function deleteWrite(key) {
  return tx('queue', 'readwrite', (s) => s.delete(key)).catch(() => {});
}

/** The user's queued writes in the order they were made. */
export async function loadWrites(user) {
  try {
    const all = await tx('queue', 'readonly', (s) => s.getAll());
    return all.filter((e) => e.user === user).sort((a, b) => a.seq - b.seq);
  } catch {
    return [];
  }
}

export function saveCache(user, value) {
  return tx('cache', 'readwrite', (s) => s.put(value, user)).catch(() => {});
}

export async function loadCache(user) {
  try {
    return (await tx('cache', 'readonly', (s) => s.get(user))) || null;
  } catch {
    return null;
  }
}

/** Forget a user's queue and cache (sign-out). */
export async function forget(user) {
  try {
    const keys = (await loadWrites(user)).map((e) => e.key);
    await tx('queue', 'readwrite', (s) => { for (const k of keys) s.delete(k); });
    await tx('cache', 'readwrite', (s) => s.delete(user));
  } catch { /* nothing stored */ }
}

let seq = Date.now() * 1000;
/** Increasing numbers for the order of writes, also across reloads. */
export function nextSeq() {
  seq = Math.max(seq + 1, Date.now() * 1000);
  return seq;
}

export function newKey(prefix = 'ui') {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
