import { describe, expect, it } from 'vitest';
import { initialSearch, searchSent, searchToSend, urlSearchChanged } from './search';

describe('the search box and the URL', () => {
  it('sends the trimmed text once, and not again when the URL echoes it', () => {
    let state = { ...initialSearch(''), text: ' home ' };
    expect(searchToSend(state)).toBe('home');
    state = searchSent(state, 'home');
    expect(searchToSend(state)).toBeNull();
    // The echo of our own search keeps the text as typed (the trailing space stays).
    expect(urlSearchChanged(state, 'home')).toBe(state);
  });

  it('"Clear filters" empties the box and sends nothing back (it used to restore ?q=)', () => {
    let state = searchSent({ ...initialSearch(''), text: 'home' }, 'home');
    state = urlSearchChanged(state, '');
    expect(state.text).toBe('');
    expect(searchToSend(state)).toBeNull();
  });

  it('back and forward show the search of the URL', () => {
    const state = urlSearchChanged(initialSearch('home'), 'logo');
    expect(state).toEqual({ text: 'logo', synced: 'logo' });
    expect(searchToSend(state)).toBeNull();
  });

  it('text typed after a search was sent is still sent when the echo arrives', () => {
    let state = searchSent({ ...initialSearch(''), text: 'fix' }, 'fix');
    state = { ...state, text: 'fix lo' };
    state = urlSearchChanged(state, 'fix');
    expect(state.text).toBe('fix lo');
    expect(searchToSend(state)).toBe('fix lo');
  });

  it('emptying the box clears the search', () => {
    const state = { ...initialSearch('home'), text: '  ' };
    expect(searchToSend(state)).toBe('');
  });
});
