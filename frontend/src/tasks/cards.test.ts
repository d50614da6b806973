import { describe, expect, it } from 'vitest';
import { initials, localToday, relativeDue } from './cards';

describe('relativeDue', () => {
  const today = '2026-12-01';
  it.each([
    ['2026-12-01', 'due today', 'soon'],
    ['2026-12-02', 'due tomorrow', 'soon'],
    ['2026-12-03', 'due in 2 days', 'soon'],
    ['2026-12-04', 'due in 3 days', 'later'],
    ['2026-12-06', 'due in 5 days', 'later'],
    ['2026-11-30', '1 day overdue', 'overdue'],
    ['2026-11-28', '3 days overdue', 'overdue'],
  ])('%s is "%s" (%s)', (due, text, state) => {
    expect(relativeDue(due, today)).toEqual({ text, state });
  });

  it('counts calendar days across months, years and daylight-saving changes', () => {
    expect(relativeDue('2027-01-01', '2026-12-31').text).toBe('due tomorrow');
    expect(relativeDue('2026-03-30', '2026-03-28').text).toBe('due in 2 days');
    expect(relativeDue('2026-10-24', '2026-10-26').text).toBe('2 days overdue');
  });

  it('never marks a done task as overdue or due soon', () => {
    expect(relativeDue('2026-11-28', today, true)).toEqual({
      text: 'was due 3 days ago',
      state: 'later',
    });
    expect(relativeDue('2026-11-30', today, true).text).toBe('was due 1 day ago');
    expect(relativeDue('2026-12-02', today, true)).toEqual({
      text: 'due tomorrow',
      state: 'later',
    });
  });

  it('shows an unreadable date as it is', () => {
    expect(relativeDue('soon', today)).toEqual({ text: 'due soon', state: 'later' });
  });
});

describe('localToday', () => {
  it("is the user's calendar date, zero-padded", () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('initials', () => {
  it.each([
    ['Maya Member', 'MM'],
    ['Olivia  de la Owner', 'OO'],
    ['cher', 'C'],
    ['  ', '?'],
    ['Émile Zola', 'ÉZ'],
  ])('%s → %s', (name, expected) => {
    expect(initials(name)).toBe(expected);
  });
});
