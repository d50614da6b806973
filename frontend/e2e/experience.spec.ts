// Issue 10, "the experience users expect": a title per view, dark mode following the system
// (axe's gate in both schemes), and keyboard shortcuts with their help dialog.
import { expect, test } from './fixtures';

test('each view has a title of its own', async ({ page, owner }) => {
  const { project } = owner;
  await page.goto('/login');
  await expect(page).toHaveTitle('Log in · Task tracker');
  await page.goto('/signup');
  await expect(page).toHaveTitle('Create an account · Task tracker');

  const task = await owner.api.createTask(project.id, { title: 'Design the logo' });
  const p = owner.page;
  await p.goto('/');
  await expect(p).toHaveTitle('Projects · Task tracker');
  await p.goto(`/projects/${project.id}`);
  await expect(p).toHaveTitle(`Board · ${project.name} · Task tracker`);
  await p.getByRole('link', { name: task.title }).click();
  await expect(p).toHaveTitle(`${task.title} · ${project.name} · Task tracker`);
  await p.goto(`/projects/${project.id}/tasks/new`);
  await expect(p).toHaveTitle(`New task · ${project.name} · Task tracker`);
  await p.goto(`/projects/${project.id}/members`);
  await expect(p).toHaveTitle(`Members · ${project.name} · Task tracker`);
  await p.goto(`/projects/${project.id}/export`);
  await expect(p).toHaveTitle(`Export · ${project.name} · Task tracker`);
  await p.goto(`/projects/${project.id}/settings`);
  await expect(p).toHaveTitle(`Project settings · ${project.name} · Task tracker`);
  await p.goto('/account');
  await expect(p).toHaveTitle('Your account · Task tracker');
});

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('follows the system, and passes axe on every main page', async ({
    page,
    owner,
    member,
    expectAccessible,
  }) => {
    test.setTimeout(120_000);
    const { project } = owner;
    const today = new Date();
    const iso = (offset: number) => {
      const d = new Date(today);
      d.setDate(d.getDate() + offset);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    };
    const task = await owner.api.createTask(project.id, {
      title: 'Send the invoices',
      priority: 'urgent',
      due_date: iso(-2),
      assignee_id: member.id,
    });
    await owner.api.createTask(project.id, {
      title: 'Book the venue',
      priority: 'high',
      due_date: iso(1),
    });
    await owner.api.createTask(project.id, {
      title: 'Print flyers',
      priority: 'low',
      status: 'done',
    });

    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Log in', level: 1 })).toBeVisible();
    const background = await page.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    );
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b, `a dark background (${background})`).toBeLessThan(150);
    await expectAccessible(page, 'login (dark)');

    const p = owner.page;
    const views = [
      ['projects', '/', 'Projects'],
      ['board', `/projects/${project.id}`, 'Board'],
      ['task detail', `/projects/${project.id}/tasks/${task.id}`, task.title],
      ['members', `/projects/${project.id}/members`, 'Members'],
      ['export', `/projects/${project.id}/export`, 'Export'],
      ['settings', `/projects/${project.id}/settings`, 'Project settings'],
      ['account', '/account', 'Your account'],
    ] as const;
    for (const [state, path, heading] of views) {
      await p.goto(path);
      await expect(p.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
      await expectAccessible(p, `${state} (dark)`);
    }
    // The board with a filter set ("Clear filters", "My tasks" pressed) and the help dialog.
    await p.goto(`/projects/${project.id}?assignee=me&priority=urgent`);
    await expect(p.getByRole('button', { name: 'Clear filters' })).toBeVisible();
    await expectAccessible(p, 'board, filtered (dark)');
    await p.keyboard.press('?');
    await expect(p.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await expectAccessible(p, 'shortcuts help (dark)');
  });
});

test('keyboard shortcuts: / searches, n opens a new task, ? lists them', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  await owner.api.createTask(project.id, { title: 'Design the logo' });
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole('link', { name: 'Design the logo' })).toBeVisible();

  await page.keyboard.press('/');
  const search = page.getByLabel('Search');
  await expect(search).toBeFocused();
  // Typing in a field is typing, not a shortcut.
  await page.keyboard.type('n?');
  await expect(search).toHaveValue('n?');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await search.fill('');

  // With a modifier key, not a shortcut either.
  const newTask = page.getByRole('link', { name: 'New task' });
  await newTask.focus();
  await page.keyboard.press('Alt+n');
  await page.keyboard.press('Control+/');
  await expect(newTask).toBeFocused();

  // "?" opens the help: a modal dialog, focus inside and kept there; Escape returns focus.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('New task');
  await expect(help).toContainText('Search');
  const focusInside = () => help.evaluate((d) => d.contains(document.activeElement));
  expect(await focusInside()).toBe(true);
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInside(), 'focus stays in the dialog').toBe(true);
  }
  await page.keyboard.press('Shift+Tab');
  expect(await focusInside()).toBe(true);
  await expectAccessible(page, 'shortcuts help');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(newTask).toBeFocused();

  await page.keyboard.press('n');
  await expect(page.getByRole('heading', { name: 'New task', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Title')).toBeFocused();
});
