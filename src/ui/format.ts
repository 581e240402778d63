import type { Contact, Conversation } from '../protocol/index.ts';

export function contactName(key: string, contacts: readonly Contact[]): string {
  return contacts.find((c) => c.public_key === key)?.name ?? key;
}

/** A conversation's title: its name, else the other person (a DM) or the others (a group), else `alone`. */
export function conversationTitle(
  conv: Conversation,
  me: string,
  contacts: readonly Contact[],
  alone: string,
): string {
  if (conv.name.trim() !== '') return conv.name;
  const others = conv.participant_keys.filter((k) => k !== me).map((k) => contactName(k, contacts));
  return others.length === 0 ? alone : others.join(', ');
}

/**
 * The first letter of the first and the last word ("Ada Lovelace": AL), one for a single word ("Bob":
 * B); words that start with a letter come first ("Room 42": R).
 */
export function initials(name: string): string {
  const all = name
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  const lettered = all.filter((w) => /^\p{L}/u.test(w));
  const words = lettered.length > 0 ? lettered : all;
  const first = (word = '?') => [...word][0]!;
  return (words.length > 1 ? first(words[0]) + first(words.at(-1)) : first(words[0])).toUpperCase();
}

/** The people of a conversation for its header: the others by name, then `you` last ("Alice, Carol, You"). */
export function peopleLine(
  keys: readonly string[],
  me: string,
  contacts: readonly Contact[],
  you: string,
): string {
  const others = keys.filter((k) => k !== me).map((k) => contactName(k, contacts));
  return (keys.includes(me) ? [...others, you] : others).join(', ');
}

/** A stable hue for an avatar. */
export function hue(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  return h % 360;
}

/**
 * A language tag `Intl` accepts, or undefined (the browser's language): a host's `lang="xx_YY!"`
 * must not break the island.
 */
export function usableLocale(tag: string | null | undefined): string | undefined {
  try {
    return tag ? Intl.getCanonicalLocales(tag)[0] : undefined;
  } catch {
    return undefined;
  }
}

// Formatters are costly to make and a chat formats many times: one of each, made on first use.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function formatter<F>(
  kind: 'd' | 'r',
  locale: string | undefined,
  options: object,
  make: () => F,
): F {
  const key = kind + locale + JSON.stringify(options);
  let made = formatters.get(key) as F | undefined;
  if (!made) formatters.set(key, (made = make()) as Intl.DateTimeFormat);
  return made;
}
const date = (ms: number, locale: string | undefined, options: Intl.DateTimeFormatOptions) =>
  formatter('d', locale, options, () => new Intl.DateTimeFormat(locale, options)).format(ms);
const relative = (value: number, unit: Intl.RelativeTimeFormatUnit, locale: string | undefined) => {
  const text = formatter(
    'r',
    locale,
    [],
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
  ).format(value, unit);
  // "yesterday" starts a label: capitalised as a label is.
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
};

/** Whole seconds until `at` (unix ms), at least 1: a countdown never shows 0 while it still waits. */
export const secondsUntil = (at: number, now: number): number =>
  Math.max(1, Math.ceil((at - now) / 1000));

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * The time of a row of the list, in `locale` (default: the browser's), one scheme as chat apps have it:
 * the clock today (4:55 PM), the weekday this week (Mon), the date before (12 Mar; 12 Mar 2023 in
 * another year).
 */
export function listTime(ms: number, now: number, locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(ms)) / DAY);
  if (days <= 0) return clockTime(ms, locale);
  if (days < 7) return date(ms, locale, { weekday: 'short' });
  return date(ms, locale, {
    day: 'numeric',
    month: 'short',
    year: new Date(ms).getFullYear() === new Date(now).getFullYear() ? undefined : 'numeric',
  });
}

// A chat shows many bubbles of the same minute (a burst, all of them): one formatting per minute.
const clockTimes = new Map<string, string>();

/** Hours and minutes as `locale` writes them (default: the browser's): 4:55 PM, 16:55. */
export function clockTime(ms: number, locale?: string): string {
  const key = `${Math.floor(ms / MINUTE)}${locale}`;
  let text = clockTimes.get(key);
  if (text === undefined) {
    if (clockTimes.size >= 1000) clockTimes.clear();
    clockTimes.set(key, (text = date(ms, locale, { timeStyle: 'short' })));
  }
  return text;
}

/** The label of a day separator in `locale` (default: the browser's): Today, Yesterday, or the date. */
export function dayLabel(ms: number, now: number, locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(ms)) / DAY);
  if (days === 0 || days === 1) return relative(-days, 'day', locale);
  return date(ms, locale, { weekday: 'long', day: 'numeric', month: 'long' });
}

/**
 * Makes the list's formatters for `locale`, a step per task (`next` runs one later); answers a cancel.
 * The first `Intl` formatter of a page loads its locale data: on a slow device 40 to 100 ms, in one
 * native call that holds the page. Loaded a part at a time (the locale, then what a collator, a number
 * and a date format add), each step holds it for a part of that (in Chromium the locale's part is the
 * largest, about half), and a response that arrives meanwhile is handled between steps.
 */
export function warmFormatters(
  locale: string | undefined,
  next: (step: () => void) => unknown = (step) => setTimeout(step, 0),
): () => void {
  const steps = [
    () => locale && new Intl.Locale(locale).maximize(),
    () => new Intl.Collator(locale).compare('a', 'b'),
    () => new Intl.NumberFormat(locale).format(0),
    () => clockTime(0, locale),
    () => relative(0, 'day', locale),
  ];
  let cancelled = false;
  const run = () => {
    if (cancelled) return;
    try {
      steps.shift()!();
    } catch {
      // A language the browser lacks data for: the formatters fall back when they are used.
    }
    if (steps.length > 0) next(run);
  };
  run();
  return () => void (cancelled = true);
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

/** Messages this close in time, from one sender on one day, are drawn as one group. */
export const GROUP_MS = 5 * MINUTE;

/** Whether `b` goes on the group of `a`, the message before it: same sender, same day, within {@link GROUP_MS}. */
export function sameGroup(
  a: { sender_public_key: string; time: number } | undefined,
  b: { sender_public_key: string; time: number } | undefined,
): boolean {
  return (
    !!a &&
    !!b &&
    a.sender_public_key === b.sender_public_key &&
    sameDay(a.time, b.time) &&
    b.time - a.time < GROUP_MS
  );
}
