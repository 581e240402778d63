import { describe, expect, it, vi } from 'vitest';
import {
  clockTime,
  dayLabel,
  initials,
  listTime,
  peopleLine,
  sameGroup,
  usableLocale,
  warmFormatters,
} from '../../src/ui/format.ts';

const noon = new Date(2024, 2, 14, 12, 0).getTime();
const MIN = 60_000;

describe('times in the host’s language', () => {
  it('lists by one scheme: the clock today, however recent; the weekday this week; the date before', () => {
    expect(listTime(noon - 10_000, noon, 'en-US')).toBe('11:59 AM');
    expect(listTime(noon - 5 * MIN, noon, 'de')).toBe('11:55');
    expect(listTime(noon - 3 * 60 * MIN, noon, 'en-GB')).toBe('09:00');
    expect(listTime(noon - 24 * 60 * MIN, noon, 'en')).toBe('Wed');
    expect(listTime(noon - 3 * 24 * 60 * MIN, noon, 'de')).toBe('Mo');
    expect(listTime(noon - 30 * 24 * 60 * MIN, noon, 'en-GB')).toBe('13 Feb');
    // Another year says which.
    expect(listTime(new Date(2023, 11, 30, 9).getTime(), noon, 'en-GB')).toBe('30 Dec 2023');
  });

  it('writes the clock in the language’s own short form: no leading zero in English', () => {
    expect(clockTime(noon - 7 * 60 * MIN + 5 * MIN, 'en-US')).toBe('5:05 AM');
    expect(clockTime(noon + 90 * MIN, 'en-US')).toBe('1:30 PM');
    expect(clockTime(noon + 90 * MIN, 'de')).toBe('13:30');
  });

  it('labels days Today, Yesterday, then by date', () => {
    expect(dayLabel(noon, noon, 'en')).toBe('Today');
    expect(dayLabel(noon - 24 * 60 * MIN, noon, 'de')).toBe('Gestern');
    expect(dayLabel(noon - 2 * 24 * 60 * MIN, noon, 'en-GB')).toBe('Tuesday 12 March');
  });

  it('takes a valid language tag as it is, and none from an invalid one', () => {
    expect(usableLocale('de-CH')).toBe('de-CH');
    expect(usableLocale('xx_YY!')).toBeUndefined();
    expect(usableLocale('')).toBeUndefined();
    expect(usableLocale(null)).toBeUndefined();
  });
});

describe('warming the formatters', () => {
  it('loads the language a step per task, the clock and relative formats last', () => {
    const later: (() => void)[] = [];
    const made = {
      locale: vi.spyOn(Intl, 'Locale'),
      date: vi.spyOn(Intl, 'DateTimeFormat'),
      relative: vi.spyOn(Intl, 'RelativeTimeFormat'),
    };
    warmFormatters('nl-BE', (step) => later.push(step));
    // The first step ran at once; each of the others waits for a task of its own.
    expect(made.locale).toHaveBeenCalledWith('nl-BE');
    expect(later).toHaveLength(1);
    let steps = 1;
    while (later.length > 0) {
      later.shift()!();
      steps++;
    }
    expect(steps).toBe(5);
    expect(made.date).toHaveBeenCalledWith('nl-BE', { timeStyle: 'short' });
    expect(made.relative).toHaveBeenCalledWith('nl-BE', { numeric: 'auto' });
  });

  it('stops when cancelled, and goes on past a step that throws', () => {
    const later: (() => void)[] = [];
    const stop = warmFormatters('en', (step) => later.push(step));
    stop();
    later.shift()!();
    expect(later).toHaveLength(0);
    vi.spyOn(Intl, 'Collator').mockImplementation(() => {
      throw new RangeError('no collation data');
    });
    const steps: (() => void)[] = [];
    warmFormatters('en', (step) => steps.push(step));
    expect(() => steps.shift()!()).not.toThrow();
    expect(steps).toHaveLength(1);
  });
});

describe('avatars and the people line', () => {
  it('takes the first letters of the first and last words, and one letter of a single name', () => {
    expect(initials('Bob')).toBe('B');
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('Ada King Lovelace')).toBe('AL');
    expect(initials('alice, carol')).toBe('AC');
    expect(initials('  ')).toBe('?');
    expect(initials('😀 party')).toBe('P');
    expect(initials('😀')).toBe('😀');
    expect(initials('Busy 390')).toBe('B');
    expect(initials('42')).toBe('4');
  });

  it('names the others first and You last', () => {
    const contacts = [
      { public_key: 'a', name: 'Alice' },
      { public_key: 'c', name: 'Carol' },
    ];
    expect(peopleLine(['a', 'me', 'c'], 'me', contacts, 'You')).toBe('Alice, Carol, You');
    expect(peopleLine(['a', 'c'], 'me', contacts, 'You')).toBe('Alice, Carol');
  });
});

describe('groups of messages', () => {
  const at = (sender: string, time: number) => ({ sender_public_key: sender, time });
  it('puts a message on the group before it: same sender, same day, under five minutes apart', () => {
    expect(sameGroup(at('a', noon), at('a', noon + 4 * MIN))).toBe(true);
    expect(sameGroup(at('a', noon), at('a', noon + 5 * MIN))).toBe(false);
    expect(sameGroup(at('a', noon), at('b', noon + MIN))).toBe(false);
    const lateEvening = new Date(2024, 2, 14, 23, 58).getTime();
    expect(sameGroup(at('a', lateEvening), at('a', lateEvening + 3 * MIN))).toBe(false);
    expect(sameGroup(undefined, at('a', noon))).toBe(false);
    expect(sameGroup(at('a', noon), undefined)).toBe(false);
  });
});
