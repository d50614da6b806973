import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { commentErrorMessage } from './messages';

describe('commentErrorMessage', () => {
  it('says the rate limit in words', () => {
    const error = new ApiError(429, { code: 'rate_limited', message: 'Too many', details: null });
    expect(commentErrorMessage(error)).toMatch(/too fast: at most 30 comments a minute/);
  });
  it('gives the 422 message with each refused entry', () => {
    const error = new ApiError(422, {
      code: 'validation_error',
      message: 'The request is invalid',
      details: [{ loc: ['body', 'mentions', 0], message: 'not a project member' }],
    });
    expect(commentErrorMessage(error)).toBe('The request is invalid: not a project member');
  });
  it('passes other messages through', () => {
    expect(commentErrorMessage(new Error('Network down'))).toBe('Network down');
  });
});
