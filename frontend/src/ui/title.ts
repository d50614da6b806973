import { createContext, useContext, useEffect } from 'react';

export const APP_NAME = 'Task tracker';

/** A document title, most specific first: "Board · Launch plan · Task tracker". */
export function pageTitle(...parts: readonly (string | undefined)[]): string {
  return [...parts, APP_NAME]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' · ');
}

/** The name of what the page belongs to (a project), for the titles of the pages inside it. */
export const TitleScope = createContext<string | undefined>(undefined);

/** Sets the document title while the page shows: the page's name, its scope's, the app's. */
export function useDocumentTitle(page: string | undefined): void {
  const scope = useContext(TitleScope);
  const title = pageTitle(page, scope);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
