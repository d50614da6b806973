import { useMemo } from 'react';
import { type MentionMarks, renderMarkdown } from '../lib/markdown';

/** Markdown source shown as sanitised HTML (lib/markdown.ts, the app's one renderer). */
export function Markdown({
  source,
  mentions,
  className = 'markdown',
}: {
  source: string;
  mentions?: MentionMarks | undefined;
  className?: string;
}) {
  const html = useMemo(() => renderMarkdown(source, mentions), [source, mentions]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown escapes raw HTML and sanitises with DOMPurify.
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
