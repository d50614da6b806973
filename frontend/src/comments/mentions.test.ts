import { describe, expect, it } from 'vitest';
import { insertMention, matchMembers, mentionQueryAt, mentionsInText } from './mentions';

const olivia = { user_id: 'u1', display_name: 'Olivia Owner' };
const maya = { user_id: 'u2', display_name: 'Maya Member' };
const members = [olivia, maya];

describe('mentionQueryAt', () => {
  it('finds the query after an @ at the start or after a space', () => {
    expect(mentionQueryAt('@ol', 3)).toEqual({ start: 0, query: 'ol' });
    expect(mentionQueryAt('hi @Maya M', 10)).toEqual({ start: 3, query: 'Maya M' });
    expect(mentionQueryAt('hi @', 4)).toEqual({ start: 3, query: '' });
  });
  it('is not a mention in an e-mail address, across lines or after a space', () => {
    expect(mentionQueryAt('ann@example', 11)).toBeNull();
    expect(mentionQueryAt('@ol\nnext', 8)).toBeNull();
    expect(mentionQueryAt('@ x', 3)).toBeNull();
    expect(mentionQueryAt('no at here', 5)).toBeNull();
  });
});

describe('matchMembers', () => {
  it('matches the start of any word of the name, case-insensitively', () => {
    expect(matchMembers(members, 'mem')).toEqual([maya]);
    expect(matchMembers(members, 'OL')).toEqual([olivia]);
    expect(matchMembers(members, '')).toEqual(members);
    expect(matchMembers(members, 'zed')).toEqual([]);
  });
});

describe('insertMention', () => {
  it('replaces the query with @Name and puts the caret after it', () => {
    const text = 'Ask @ol about it';
    const result = insertMention(text, { start: 4, query: 'ol' }, 7, olivia);
    expect(result.text).toBe('Ask @Olivia Owner about it');
    expect(result.caret).toBe('Ask @Olivia Owner '.length);
  });
  it('at the end of the text', () => {
    expect(insertMention('@', { start: 0, query: '' }, 1, maya)).toEqual({
      text: '@Maya Member ',
      caret: 13,
    });
  });
});

describe('mentionsInText', () => {
  it('sends the chosen ids still named in the text, once each, in order', () => {
    expect(mentionsInText('@Maya Member and @Olivia Owner', ['u2', 'u1', 'u2'], members)).toEqual([
      'u2',
      'u1',
    ]);
    expect(mentionsInText('only @Maya Member', ['u1', 'u2'], members)).toEqual(['u2']);
    expect(mentionsInText('@Olivia Owner', ['gone'], members)).toEqual([]);
  });
});
