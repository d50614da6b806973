import type { Member } from '../api/types';

/** The options of an assignee select: `none` first (the empty value), then each member. */
export function MemberOptions({ members, none }: { members: readonly Member[]; none: string }) {
  return (
    <>
      <option value="">{none}</option>
      {members.map((m) => (
        <option key={m.user_id} value={m.user_id}>
          {m.display_name}
        </option>
      ))}
    </>
  );
}
