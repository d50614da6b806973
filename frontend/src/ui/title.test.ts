import { describe, expect, it } from 'vitest';
import { pageTitle } from './title';

describe('pageTitle', () => {
  it('puts the most specific first and the app last', () => {
    expect(pageTitle('Board', 'Launch plan')).toBe('Board · Launch plan · Task tracker');
    expect(pageTitle('Log in')).toBe('Log in · Task tracker');
  });

  it('leaves out missing or blank parts', () => {
    expect(pageTitle(undefined, 'Launch plan')).toBe('Launch plan · Task tracker');
    expect(pageTitle('  ', undefined)).toBe('Task tracker');
  });
});
