// Date, time zone and duration helpers. No library: Intl does the zone work.

export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function isValidZone(tz) {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function knownZones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [browserZone(), 'UTC'];
  }
}

const partsCache = new Map();
function partsFormatter(tz) {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsCache.set(tz, f);
  }
  return f;
}

/** Wall-clock parts of the instant `ms` in zone `tz`. */
export function wallParts(ms, tz) {
  const out = {};
  for (const p of partsFormatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  if (out.hour === 24) out.hour = 0;
  return out;
}

/** Offset of `tz` from UTC at instant `ms`, in minutes (east positive). */
export function zoneOffsetMinutes(tz, ms) {
  const p = wallParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

const pad = (n, w = 2) => String(Math.abs(n)).padStart(w, '0');

export function formatOffset(minutes) {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** 'YYYY-MM-DD' + 'HH:MM' wall time in zone tz -> RFC 3339 with that zone's offset. */
export function zonedToRfc3339(date, time, tz) {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  let off = zoneOffsetMinutes(tz, guess);
  let utc = guess - off * 60000;
  const off2 = zoneOffsetMinutes(tz, utc);
  if (off2 !== off) {
    off = off2;
    utc = guess - off * 60000;
  }
  return `${date}T${pad(h)}:${pad(mi)}:00${formatOffset(off)}`;
}

export function isDateOnly(s) {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s);
}

/** Split a due value into the editor's date and time inputs, seen in zone tz. */
export function splitDue(due, tz) {
  if (!due) return { date: '', time: '' };
  if (isDateOnly(due)) return { date: due, time: '' };
  const ms = Date.parse(due);
  if (Number.isNaN(ms)) return { date: '', time: '' };
  const p = wallParts(ms, tz);
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

/** RFC 3339 instant -> value for <input type="datetime-local"> in zone tz. */
export function toLocalInput(rfc, tz) {
  const ms = Date.parse(rfc);
  if (Number.isNaN(ms)) return '';
  const p = wallParts(ms, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

export function fromLocalInput(value, tz) {
  const [date, time] = value.split('T');
  return zonedToRfc3339(date, time.slice(0, 5), tz);
}

/** Milliseconds of a due value; a date counts as local midnight for display purposes. */
export function dueMillis(due) {
  if (!due) return null;
  if (isDateOnly(due)) {
    const [y, m, d] = due.split('-').map(Number);
    return new Date(y, m - 1, d).getTime();
  }
  const ms = Date.parse(due);
  return Number.isNaN(ms) ? null : ms;
}

function startOfDay(ms) {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function isOverdue(due, now = Date.now()) {
  const ms = dueMillis(due);
  if (ms == null) return false;
  if (isDateOnly(due)) return ms < startOfDay(now);
  return ms < now;
}

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const dayYearFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function formatDay(ms, now = Date.now()) {
  const today = startOfDay(now);
  const day = startOfDay(ms);
  const diff = Math.round((day - today) / 86400000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Tomorrow';
  if (diff === -1) return 'Yesterday';
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  return (sameYear ? dayFmt : dayYearFmt).format(ms);
}

export function formatTime(ms) {
  return timeFmt.format(ms);
}

/** Human label of a due value in the browser's zone. */
export function formatDue(due, now = Date.now()) {
  const ms = dueMillis(due);
  if (ms == null) return '';
  if (isDateOnly(due)) return formatDay(ms, now);
  return `${formatDay(ms, now)} ${formatTime(ms)}`;
}

/** Label of an instant, e.g. an occurrence or a reminder time. */
export function formatInstant(rfc, now = Date.now()) {
  return formatDue(rfc, now);
}

/** Wall time of an instant in another zone, e.g. "09:00 Europe/Berlin". */
export function formatInZone(rfc, tz) {
  const ms = Date.parse(rfc);
  if (Number.isNaN(ms) || !isValidZone(tz)) return '';
  const f = new Intl.DateTimeFormat(undefined, { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit' });
  return `${f.format(ms)} ${tz}`;
}

// ISO 8601 durations as the server uses them for reminder offsets and snoozes.
const DUR = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export function parseDuration(s) {
  const m = DUR.exec(s || '');
  if (!m || s.endsWith('P') || s.endsWith('T')) return null;
  const [, sign, w, d, h, mi, sec] = m;
  const total = ((+(w || 0) * 7 + +(d || 0)) * 86400 + +(h || 0) * 3600 + +(mi || 0) * 60 + +(sec || 0));
  return sign === '-' ? -total : total;
}

export function describeOffset(offset) {
  const secs = parseDuration(offset);
  if (secs == null) return offset;
  if (secs === 0) return 'at due time';
  const abs = Math.abs(secs);
  let text;
  if (abs % 86400 === 0) text = plural(abs / 86400, 'day');
  else if (abs % 3600 === 0) text = plural(abs / 3600, 'hour');
  else if (abs % 60 === 0) text = plural(abs / 60, 'minute');
  else text = plural(abs, 'second');
  return `${text} ${secs < 0 ? 'before' : 'after'} due`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function todayIso(now = Date.now()) {
  const d = new Date(now);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
