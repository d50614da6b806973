// Issue 10: each page is a chunk of its own (src/main.tsx). The login page loads nothing of the
// signed-in pages; a board loads its own chunks, each once, and not the task panel's (Markdown
// and DOMPurify) until a task is opened.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** The paths of the scripts the page asks for from now on. */
function watchScripts(page: Page): () => string[] {
  const scripts: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.endsWith('.js')) scripts.push(pathname);
  });
  return () => [...scripts];
}

const chunkOf = (name: string) => (path: string) => path.startsWith(`/assets/${name}-`);

test('the login page loads its own chunk and nothing of the signed-in pages', async ({ page }) => {
  const scripts = watchScripts(page);
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  expect(scripts().some(chunkOf('pages')), scripts().join(', ')).toBe(true);
  for (const name of ['AppLayout', 'ProjectLayout', 'BoardRoute', 'TaskPanel']) {
    expect(scripts().some(chunkOf(name)), name).toBe(false);
  }
});

test('a board loads its chunks once each, and the task panel only when a task opens', async ({
  owner,
}) => {
  const { page, project } = owner;
  await owner.api.createTask(project.id, { title: 'Write the press release' });
  const scripts = watchScripts(page);
  await page.goto(`/projects/${project.id}`);
  const task = page.getByRole('link', { name: 'Write the press release' });
  await expect(task).toBeVisible();
  for (const name of ['AppLayout', 'ProjectLayout', 'BoardRoute']) {
    expect(scripts().filter(chunkOf(name)), name).toHaveLength(1);
  }
  expect(scripts().some(chunkOf('TaskPanel'))).toBe(false);
  expect(scripts().length, scripts().join(', ')).toBe(new Set(scripts()).size);

  await task.click();
  await expect(page.getByRole('dialog')).toBeVisible();
  expect(scripts().filter(chunkOf('TaskPanel'))).toHaveLength(1);
});
