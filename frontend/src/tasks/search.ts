/**
 * The search box's state (issue 10, bug 3): the text shown, and the search the URL holds as
 * far as the box knows (the last one it sent or read). The box sends its text after a pause;
 * when the URL's search changes otherwise ("Clear filters", back and forward), the box shows
 * the new search and drops what it was about to send, instead of writing the old text back.
 */
export interface SearchState {
  text: string;
  synced: string;
}

export function initialSearch(value: string): SearchState {
  return { text: value, synced: value };
}

/** The URL's search as rendered: our own echo changes nothing; anything else replaces the text. */
export function urlSearchChanged(state: SearchState, value: string): SearchState {
  return value === state.synced ? state : { text: value, synced: value };
}

/** What to send once the user pauses, or null when the URL already says it. */
export function searchToSend(state: SearchState): string | null {
  const q = state.text.trim();
  return q === state.synced ? null : q;
}

/** After sending `q`: the URL says it now, whatever the user typed since. */
export function searchSent(state: SearchState, q: string): SearchState {
  return { ...state, synced: q };
}
