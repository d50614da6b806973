/**
 * @mentions in the comment box (issue 11, docs/decisions/0103): the pure part. The API does not
 * parse the text: the client sends the ids it means in `mentions`, and the text gets
 * `@Display Name`. Typing `@` starts a query; choosing a member replaces the query with the
 * name and adds the id.
 */

export interface Mentionable {
  user_id: string;
  display_name: string;
}

/** The `@query` being typed at the caret, if any: where its `@` is and what follows it. */
export interface MentionQuery {
  start: number;
  query: string;
}

/** Longest query still offered (a name with spaces is typed as is: "@Maya Me"). */
const MAX_QUERY = 40;

export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  // `@` starts a mention only at the start or after whitespace or an opening bracket (not in
  // an e-mail address).
  const prev = at === 0 ? '' : before.charAt(at - 1);
  if (prev !== '' && !/[\s([{]/.test(prev)) return null;
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY || /[\n@]/.test(query) || /^\s/.test(query)) return null;
  return { start: at, query };
}

/** The members whose name matches the query (a word of the name starts with it), at most `limit`. */
export function matchMembers<M extends Mentionable>(
  members: readonly M[],
  query: string,
  limit = 8,
): M[] {
  const q = query.trim().toLocaleLowerCase();
  return members
    .filter((m) => {
      const name = m.display_name.toLocaleLowerCase();
      return q === '' || name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q));
    })
    .slice(0, limit);
}

/** The text with the query replaced by `@Name ` and the caret just after it. */
export function insertMention(
  text: string,
  at: MentionQuery,
  caret: number,
  member: Mentionable,
): { text: string; caret: number } {
  const inserted = `@${member.display_name} `;
  const after = text.slice(caret).replace(/^ /, '');
  return {
    text: text.slice(0, at.start) + inserted + after,
    caret: at.start + inserted.length,
  };
}

/** The ids to send: those chosen whose `@Name` is still in the text, each once, in order. */
export function mentionsInText(
  text: string,
  chosen: readonly string[],
  members: readonly Mentionable[],
): string[] {
  const out: string[] = [];
  for (const id of chosen) {
    const name = members.find((m) => m.user_id === id)?.display_name;
    if (name && text.includes(`@${name}`) && !out.includes(id)) out.push(id);
  }
  return out;
}
