// What a board card shows at a glance (issue 10, "cards that scan"): the due date relative to
// today, with its urgency, and the assignee's initials.

/** How pressing a due date is: past it, within two days of it, or further off (or done). */
export type DueState = 'overdue' | 'soon' | 'later';

export interface Due {
  /** "due today", "due tomorrow", "due in 5 days", "1 day overdue", "3 days overdue". */
  text: string;
  state: DueState;
}

/** Tasks due within this many days (today included) are "due soon". */
export const DUE_SOON_DAYS = 2;

/** A `YYYY-MM-DD` date as a day number (days since 1970-01-01), calendar arithmetic only. */
function dayNumber(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
}

/** Today's date in the user's own calendar, as `YYYY-MM-DD`. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * A due date relative to today (both `YYYY-MM-DD`, the user's calendar). A done task is never
 * overdue nor due soon: its date is only said. An unreadable date is shown as it is.
 */
export function relativeDue(dueDate: string, today: string, done = false): Due {
  const due = dayNumber(dueDate);
  const now = dayNumber(today);
  if (due === null || now === null) return { text: `due ${dueDate}`, state: 'later' };
  const days = due - now;
  const text =
    days === 0
      ? 'due today'
      : days === 1
        ? 'due tomorrow'
        : days > 1
          ? `due in ${days} days`
          : days === -1
            ? '1 day overdue'
            : `${-days} days overdue`;
  if (done)
    return {
      text: days < 0 ? `was due ${-days} ${plural(-days, 'day')} ago` : text,
      state: 'later',
    };
  return { text, state: days < 0 ? 'overdue' : days <= DUE_SOON_DAYS ? 'soon' : 'later' };
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** Up to two initials: the first letters of the first and last words ("Maya Member" → "MM"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return '?';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letter = (word: string) => Array.from(word)[0]?.toUpperCase() ?? '';
  return last ? letter(first) + letter(last) : letter(first);
}
