/**
 * The app's one Markdown renderer (issue 11, docs/decisions/0103): comments and task
 * descriptions are Markdown source as written; the API never renders them, so this module is
 * the one place that turns that source into HTML, and every result is sanitised.
 *
 * Two layers: raw HTML in the source is shown as text (escaped), never interpreted, so
 * `<script>` reads as what was typed; and DOMPurify cleans whatever marked produced (unsafe
 * URLs such as `javascript:`, event handler attributes), in case marked ever lets one through.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML (block or inline) is text, not markup.
    html: ({ text }) => escapeHtml(text),
  },
});

/** NodeFilter.SHOW_TEXT (the global is not there outside a browser). */
const SHOW_TEXT = 4;

/** Tags that never belong in a comment, whatever produced them. */
const FORBID_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe'];

let hooked = false;
function purifier(): typeof DOMPurify {
  if (!hooked) {
    // Links leave the app in a new tab, without the opener or the referrer.
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
    hooked = true;
  }
  return DOMPurify;
}

export interface MentionMarks {
  /** The display names the text mentions (`@Name`), from the comment's `mentions` ids. */
  names: readonly string[];
  /** The signed-in user's name among them, if mentioned: highlighted more strongly. */
  mine?: string | undefined;
}

/**
 * Markdown source to sanitised HTML. `mentions`: the `@Name`s to mark (outside code), each in
 * `<mark class="mention">`, the signed-in user's with `mention-me` as well.
 */
export function renderMarkdown(source: string, mentions?: MentionMarks): string {
  const html = marked.parse(source, { async: false });
  const fragment = purifier().sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS,
    FORBID_ATTR: ['style'],
  });
  if (mentions && mentions.names.length > 0) markMentions(fragment, mentions);
  const holder = fragment.ownerDocument.createElement('div');
  holder.append(fragment);
  return holder.innerHTML;
}

function markMentions(root: DocumentFragment, { names, mine }: MentionMarks): void {
  const doc = root.ownerDocument;
  const sorted = [...new Set(names)].filter(Boolean).sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return;
  const pattern = new RegExp(`@(${sorted.map(escapeRegExp).join('|')})`, 'g');
  const walker = doc.createTreeWalker(root, SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!(node.parentElement?.closest('code, pre, a') ?? null)) texts.push(node as Text);
  }
  for (const text of texts) {
    const value = text.data;
    pattern.lastIndex = 0;
    if (!pattern.test(value)) continue;
    pattern.lastIndex = 0;
    const parts = doc.createDocumentFragment();
    let last = 0;
    for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
      parts.append(value.slice(last, match.index));
      const mark = doc.createElement('mark');
      mark.className = match[1] === mine ? 'mention mention-me' : 'mention';
      mark.textContent = match[0];
      parts.append(mark);
      last = match.index + match[0].length;
    }
    parts.append(value.slice(last));
    text.replaceWith(parts);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
