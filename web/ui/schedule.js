// Recurrence presets and rules, reminder offsets: labels and the shapes the server takes.

export const PRESETS = [
  ['daily', 'Every day'],
  ['weekdays', 'Every weekday (Mon–Fri)'],
  ['weekly', 'Every week'],
  ['monthly', 'Every month'],
  ['monthly_last_weekday', 'Last weekday of the month'],
  ['yearly', 'Every year'],
];

// The rules the presets most likely expand to; used only to show a rendered rule by its name.
const PRESET_RULES = {
  'FREQ=DAILY': 'daily',
  'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR': 'weekdays',
  'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR': 'weekdays',
  'FREQ=WEEKLY': 'weekly',
  'FREQ=MONTHLY': 'monthly',
  'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1': 'monthly_last_weekday',
  'FREQ=YEARLY': 'yearly',
};

export function presetOfRule(rrule) {
  if (!rrule) return null;
  const norm = rrule.replace(/^RRULE:/i, '').toUpperCase().split(';').filter((p) => p && p !== 'INTERVAL=1').join(';');
  return PRESET_RULES[norm] || null;
}

const DAYS = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' };
const UNITS = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year', HOURLY: 'hour', MINUTELY: 'minute' };

/** A short label for a recurrence as the server renders it (or as we send it). */
export function describeRecurrence(rec) {
  if (!rec) return '';
  if (rec.preset) return PRESETS.find(([k]) => k === rec.preset)?.[1] || rec.preset;
  const preset = presetOfRule(rec.rrule);
  if (preset) return PRESETS.find(([k]) => k === preset)[1];
  return describeRule(rec.rrule || '');
}

export function describeRule(rrule) {
  const parts = Object.fromEntries(rrule.replace(/^RRULE:/i, '').split(';').filter(Boolean).map((p) => {
    const [k, v = ''] = p.split('=');
    return [k.toUpperCase(), v.toUpperCase()];
  }));
  const unit = UNITS[parts.FREQ];
  if (!unit) return rrule || 'Repeats';
  const n = Number(parts.INTERVAL || 1);
  let text = n === 1 ? `Every ${unit}` : `Every ${n} ${unit}s`;
  if (parts.BYDAY) {
    text += ` on ${parts.BYDAY.split(',').map((d) => {
      const m = /^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d);
      if (!m) return d;
      const pos = m[1] ? `${ordinal(Number(m[1]))} ` : '';
      return `${pos}${DAYS[m[2]]}`;
    }).join(', ')}`;
  }
  if (parts.BYMONTHDAY) text += ` on day ${parts.BYMONTHDAY}`;
  if (parts.COUNT) text += `, ${parts.COUNT} times`;
  if (parts.UNTIL) text += `, until ${parts.UNTIL.slice(0, 8).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3')}`;
  return text;
}

function ordinal(n) {
  if (n === -1) return 'last';
  if (n < 0) return `${ordinal(-n)} last`;
  const s = { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10 > 3 || Math.floor(n / 10) === 1 ? 0 : n % 10] || 'th';
  return `${n}${s}`;
}

/** Offsets offered for "before due" reminders (ISO 8601 durations, negative = before). */
export const OFFSETS = [
  ['PT0M', 'At due time'],
  ['-PT5M', '5 minutes before'],
  ['-PT10M', '10 minutes before'],
  ['-PT15M', '15 minutes before'],
  ['-PT30M', '30 minutes before'],
  ['-PT1H', '1 hour before'],
  ['-PT2H', '2 hours before'],
  ['-P1D', '1 day before'],
  ['-P2D', '2 days before'],
  ['-P1W', '1 week before'],
];

/** Reminders as the server renders them -> what we write back (the list is replaced as a whole). */
export function reminderForWrite(r) {
  const out = r.at ? { at: r.at } : { offset: r.offset };
  if (r.misfire) out.misfire = r.misfire;
  return out;
}

export function recurrenceForWrite(rec) {
  if (!rec) return null;
  const out = rec.preset ? { preset: rec.preset } : { rrule: rec.rrule };
  if (Array.isArray(rec.exdates) && rec.exdates.length) out.exdates = rec.exdates;
  if (rec.mode) out.mode = rec.mode;
  return out;
}
