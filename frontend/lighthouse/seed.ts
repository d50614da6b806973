// The tasks the measuring scripts (run.ts, figures.ts) put on a board, through the API.
import { type APIRequestContext, expect } from '@playwright/test';
import { ApiSession, type TaskCreate, type TokenPair } from '../e2e/support/api';

/** A new account (the owner of the boards a script measures), signed in through the API. */
export async function signUpOwner(
  request: APIRequestContext,
  email: string,
  password: string,
): Promise<{ api: ApiSession; userId: string }> {
  const { user } = await ApiSession.signUp(request, { email, name: 'Olivia Owner', password });
  return { api: new ApiSession(request, { email, password }), userId: user.id };
}

/** A fresh session's refresh token for the account (each page load rotates the one it is given). */
export async function freshRefreshToken(
  request: APIRequestContext,
  email: string,
  password: string,
): Promise<string> {
  const response = await request.post('/api/auth/login', { data: { email, password } });
  await expect(response, 'log-in through the API').toBeOK();
  return ((await response.json()) as { tokens: TokenPair }).tokens.refresh_token ?? '';
}

/** Tasks created at once (a few requests in flight, as a team would; not a load test). */
const BATCH = 8;

/**
 * `count` tasks over the three columns (half to do, a quarter each in progress and done), with
 * priorities, due dates (some past) and assignees.
 */
export async function seedTasks(
  api: ApiSession,
  projectId: string,
  ownerId: string,
  count: number,
): Promise<void> {
  const statuses = ['todo', 'todo', 'in_progress', 'done'] as const;
  const priorities = ['low', 'medium', 'medium', 'high', 'urgent'] as const;
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const task = (i: number): Partial<TaskCreate> & { title: string } => ({
    title: `Task ${String(i + 1).padStart(3, '0')}: ${i % 3 ? 'review the launch checklist' : 'call the venue about the catering and the seating plan'}`,
    status: statuses[i % statuses.length] ?? 'todo',
    priority: priorities[i % priorities.length] ?? 'medium',
    due_date: i % 4 === 0 ? null : day((i % 30) - 10),
    assignee_id: i % 3 === 0 ? ownerId : null,
  });
  for (let start = 0; start < count; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(start + BATCH, count); i++) {
      batch.push(api.createTask(projectId, task(i)));
    }
    await Promise.all(batch);
  }
}
