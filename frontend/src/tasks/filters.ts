// The board's filters and sort in its address. "My tasks" (issue 10) is `assignee=me`, so a
// shared link shows each reader their own tasks; the API takes the signed-in user's id.
import { TASK_PRIORITIES, TASK_SORTS, TASK_STATUSES, type TaskSort } from '../api/types';
import type { TaskFilters } from './board';

/** The `assignee` value that stands for the signed-in user. */
export const ME = 'me';

/** The assignee id to send for the address's `assignee` value (`me` is the signed-in user). */
export function assigneeFilter(param: string | null, me: string | undefined): string | undefined {
  if (!param) return undefined;
  if (param === ME) return me;
  return param;
}

/** The address's `assignee` value after "My tasks" is pressed: on (`me`) or off (none). */
export function toggleMine(
  current: string | undefined,
  me: string | undefined,
): string | undefined {
  return me !== undefined && current === me ? undefined : ME;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

/**
 * The board's filters and sort as its address gives them; anything the API would refuse is
 * left out. The sort is the board's own order (ADR 0106) unless the address asks for another.
 */
export function boardQuery(
  params: URLSearchParams,
  me: string | undefined,
): { filters: TaskFilters; sort: TaskSort } {
  return {
    filters: {
      status: oneOf(TASK_STATUSES, params.get('status')),
      priority: oneOf(TASK_PRIORITIES, params.get('priority')),
      assigneeId: assigneeFilter(params.get('assignee'), me),
      q: params.get('q') || undefined,
    },
    sort: oneOf(TASK_SORTS, params.get('sort')) ?? 'position',
  };
}
