/**
 * A comment box that offers the project's members after `@` (issue 11): the textarea is an
 * ARIA combobox with a listbox popup (the APG's "list autocomplete" pattern): arrow keys move
 * through the members, Enter or Tab inserts `@Display Name`, Escape closes the list. The
 * chosen ids are kept by the caller (`onMention`) and sent as the comment's `mentions`.
 * Escape with the list closed leaves the box (`onLeave` moves the focus), and only that: in a
 * dialog the next Escape closes it, so half-written text is never thrown away by one key.
 */
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import {
  insertMention,
  type Mentionable,
  type MentionQuery,
  matchMembers,
  mentionQueryAt,
} from './mentions';

export function MentionTextarea({
  label,
  value,
  onChange,
  onMention,
  onLeave,
  members,
  disabled,
  error,
  autoFocus,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  onMention: (member: Mentionable) => void;
  /** Escape with the list closed: focus somewhere near, out of the box. */
  onLeave: () => void;
  members: readonly Mentionable[];
  disabled?: boolean;
  error?: string | undefined;
  autoFocus?: boolean;
}) {
  const id = useId();
  const listId = `${id}-members`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const area = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  // The `@` whose list was closed with Escape: closed until the text changes again.
  const [dismissed, setDismissed] = useState<number | null>(null);
  const options = query ? matchMembers(members, query.query) : [];
  const open = query !== null && query.start !== dismissed && options.length > 0;
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));

  const track = (text: string, caret: number) => {
    const next = mentionQueryAt(text, caret);
    if (next?.start !== query?.start || next?.query !== query?.query) setActive(0);
    setQuery(next);
  };

  const choose = (member: Mentionable) => {
    const textarea = area.current;
    if (!query || !textarea) return;
    const caret = textarea.selectionStart ?? value.length;
    const next = insertMention(value, query, caret, member);
    onChange(next.text);
    onMention(member);
    setQuery(null);
    requestAnimationFrame(() => {
      textarea.focus();
      textarea.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        onLeave();
      }
      return;
    }
    const chosen = options[activeIndex];
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setActive((activeIndex + 1) % options.length);
        break;
      case 'ArrowUp':
        event.preventDefault();
        setActive((activeIndex - 1 + options.length) % options.length);
        break;
      case 'Enter':
      case 'Tab':
        if (chosen) {
          event.preventDefault();
          choose(chosen);
        }
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        setDismissed(query?.start ?? null);
        break;
    }
  };

  const describedBy = [hintId, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className="field mention-field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={area}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        rows={4}
        maxLength={10_000}
        value={value}
        disabled={disabled}
        // biome-ignore lint/a11y/noAutofocus: opened on purpose (Edit), focus goes to the text.
        autoFocus={autoFocus}
        onChange={(event) => {
          onChange(event.target.value);
          setDismissed(null);
          track(event.target.value, event.target.selectionStart ?? event.target.value.length);
        }}
        onKeyDown={onKeyDown}
        onClick={(event) =>
          track(event.currentTarget.value, event.currentTarget.selectionStart ?? 0)
        }
        onBlur={() => setQuery(null)}
      />
      <div
        id={listId}
        role="listbox"
        aria-label="Members to mention"
        className="mention-list"
        hidden={!open}
      >
        {open &&
          options.map((member, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive: the focus stays in the textarea (aria-activedescendant), as the combobox pattern says.
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keys are handled by the textarea (arrows, Enter, Tab, Escape).
            <div
              key={member.user_id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === activeIndex}
              className={i === activeIndex ? 'mention-option active' : 'mention-option'}
              // Keeps the focus (and the caret) in the textarea.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(member)}
            >
              {member.display_name}
            </div>
          ))}
      </div>
      <p id={hintId} className="field-hint muted">
        Markdown works. Type @ to mention a member of the project.
      </p>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
