import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../api/types';
import { pollInterval } from './ExportPage';

const job = (status: ExportJob['status']) => ({ status }) as ExportJob;

describe('export polling', () => {
  it('polls while the job is queued or running, and stops when it ends', () => {
    expect(pollInterval(undefined)).toBe(false);
    expect(pollInterval(job('queued'))).toBe(1000);
    expect(pollInterval(job('running'))).toBe(1000);
    expect(pollInterval(job('done'))).toBe(false);
    expect(pollInterval(job('failed'))).toBe(false);
  });
});
