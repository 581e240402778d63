import { describe, expect, it, vi } from 'vitest';
import { clockTime, dayLabel, relativeTime, usableLocale, warmFormatters } from '../../src/ui/format.ts';

const noon = new Date(2024, 2, 14, 12, 0).getTime();
const MIN = 60_000;

describe('times in the host’s language', () => {
  it('says now, minutes ago, yesterday in the language asked for', () => {
    expect(relativeTime(noon - 10_000, noon, 'en')).toBe('Now');
    expect(relativeTime(noon - 5 * MIN, noon, 'en')).toBe('5 min. ago');
    expect(relativeTime(noon - 5 * MIN, noon, 'de')).toBe('Vor 5 Min.');
    expect(relativeTime(noon - 24 * 60 * MIN, noon, 'de')).toBe('Gestern');
    expect(relativeTime(noon - 24 * 60 * MIN, noon, 'fr')).toBe('Hier');
  });

  it('shows the clock for earlier today, the weekday this week and the date before', () => {
    expect(relativeTime(noon - 3 * 60 * MIN, noon, 'en-GB')).toBe('09:00');
    expect(relativeTime(noon - 3 * 24 * 60 * MIN, noon, 'de')).toBe('Mo');
    expect(relativeTime(noon - 30 * 24 * 60 * MIN, noon, 'en-GB')).toBe('13 Feb');
  });

  it('writes the clock as the language does', () => {
    expect(clockTime(noon + 90 * MIN, 'en-US')).toBe('01:30 PM');
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
    const made = { locale: vi.spyOn(Intl, 'Locale'), date: vi.spyOn(Intl, 'DateTimeFormat'), relative: vi.spyOn(Intl, 'RelativeTimeFormat') };
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
    expect(made.date).toHaveBeenCalledWith('nl-BE', { hour: '2-digit', minute: '2-digit' });
    expect(made.relative).toHaveBeenCalledWith('nl-BE', { numeric: 'auto', style: 'short' });
    vi.restoreAllMocks();
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
    vi.restoreAllMocks();
  });
});
