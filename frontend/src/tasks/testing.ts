import type { Task } from '../api/types';

/** A task as the API returns it, for unit tests: `extra` overrides any field. */
export function aTask(id: string, status: Task['status'], extra: Partial<Task> = {}): Task {
  return {
    id,
    project_id: 'p',
    title: `Task ${id}`,
    description: '',
    status,
    position: 0,
    priority: 'medium',
    assignee_id: null,
    due_date: null,
    version: 1,
    created_at: '2030-01-01T00:00:00Z',
    updated_at: '2030-01-01T00:00:00Z',
    created_by_id: null,
    updated_by_id: null,
    comment_count: 0,
    ...extra,
  };
}
