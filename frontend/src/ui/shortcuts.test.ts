import { describe, expect, it } from 'vitest';
import { isTyping, type KeyPress, shortcutOf } from './shortcuts';

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  target: { tagName: 'BODY' } as unknown as EventTarget,
  ...more,
});
const on = (tagName: string, isContentEditable = false) =>
  ({ tagName, isContentEditable }) as unknown as EventTarget;

describe('shortcutOf', () => {
  it('maps n, / and ? to their actions', () => {
    expect(shortcutOf(press('n'))).toBe('new-task');
    expect(shortcutOf(press('/'))).toBe('search');
    expect(shortcutOf(press('?'))).toBe('help');
    expect(shortcutOf(press('x'))).toBeNull();
    expect(shortcutOf(press('N'))).toBeNull();
  });

  it('ignores keys typed in inputs, textareas, selects and editable content', () => {
    for (const tag of ['INPUT', 'TEXTAREA', 'SELECT', 'input']) {
      expect(shortcutOf(press('n', { target: on(tag) }))).toBeNull();
    }
    expect(shortcutOf(press('/', { target: on('DIV', true) }))).toBeNull();
    expect(shortcutOf(press('?', { target: on('BUTTON') }))).toBe('help');
    expect(shortcutOf(press('n', { target: on('A') }))).toBe('new-task');
  });

  it('ignores keys with Ctrl, Alt or Meta, while composing, or already handled', () => {
    expect(shortcutOf(press('n', { ctrlKey: true }))).toBeNull();
    expect(shortcutOf(press('n', { altKey: true }))).toBeNull();
    expect(shortcutOf(press('/', { metaKey: true }))).toBeNull();
    expect(shortcutOf(press('n', { isComposing: true }))).toBeNull();
    expect(shortcutOf(press('?', { defaultPrevented: true }))).toBeNull();
  });
});

describe('isTyping', () => {
  it('is false for no target or a plain element', () => {
    expect(isTyping(null)).toBe(false);
    expect(isTyping(on('BUTTON'))).toBe(false);
  });
});
