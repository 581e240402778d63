import type { Contact, Conversation } from '../protocol/index.ts';

export function contactName(key: string, contacts: readonly Contact[]): string {
  return contacts.find((c) => c.public_key === key)?.name ?? key;
}

/** A conversation's title: its name, else the other person (a DM) or the others (a group). */
export function conversationTitle(conv: Conversation, me: string, contacts: readonly Contact[]): string {
  if (conv.name.trim() !== '') return conv.name;
  const others = conv.participant_keys.filter((k) => k !== me).map((k) => contactName(k, contacts));
  return others.length === 0 ? 'Just you' : others.join(', ');
}

export function initials(name: string): string {
  const words = name.trim().split(/[\s,]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}

/** A stable hue for an avatar. */
export function hue(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  return h % 360;
}

// Formatters are costly to make and a chat formats many times: one of each, made on first use.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatted(ms: number, options: Intl.DateTimeFormatOptions): string {
  const key = JSON.stringify(options);
  let formatter = formatters.get(key);
  if (!formatter) formatters.set(key, (formatter = new Intl.DateTimeFormat(undefined, options)));
  return formatter.format(ms);
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Short relative time for the list: now, 5 min, 14:05, Yesterday, Mon, 12 Mar. */
export function relativeTime(ms: number, now: number): string {
  const diff = now - ms;
  if (diff < MINUTE) return 'now';
  if (diff < 60 * MINUTE) return `${Math.floor(diff / MINUTE)} min`;
  const days = Math.round((startOfDay(now) - startOfDay(ms)) / DAY);
  if (days <= 0) return clockTime(ms);
  if (days === 1) return 'Yesterday';
  if (days < 7) return formatted(ms, { weekday: 'short' });
  return formatted(ms, { day: 'numeric', month: 'short' });
}

// A chat shows many bubbles of the same minute (a burst, all of them): one formatting per minute.
const clockTimes = new Map<number, string>();

export function clockTime(ms: number): string {
  const minute = Math.floor(ms / MINUTE);
  let text = clockTimes.get(minute);
  if (text === undefined) {
    if (clockTimes.size >= 1000) clockTimes.clear();
    clockTimes.set(minute, (text = formatted(ms, { hour: '2-digit', minute: '2-digit' })));
  }
  return text;
}

/** The label of a day separator: Today, Yesterday, or the date. */
export function dayLabel(ms: number, now: number): string {
  const days = Math.round((startOfDay(now) - startOfDay(ms)) / DAY);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return formatted(ms, { weekday: 'long', day: 'numeric', month: 'long' });
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}
