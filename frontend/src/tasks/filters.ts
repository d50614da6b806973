// The board's "My tasks" filter (issue 10): `assignee=me` in the address, so a shared link
// shows each reader their own tasks; the API takes the signed-in user's id.

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
