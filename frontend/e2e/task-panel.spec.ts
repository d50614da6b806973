// "The board a team would choose": a task opens in a side panel over the board, at the task's
// own address (src/tasks/TaskPanel.tsx, src/tasks/BoardRoute.tsx). Members edit its fields in
// place, one PATCH each, and the board behind follows without a reload; leaving with unsaved
// text asks first; viewers get a read view; it fits a phone.
import type { Page, Request } from '@playwright/test';
import { expect, test } from './fixtures';
import type { Task } from './support/api';
import { expectSameDocument, markDocument } from './support/live';
import { watchRequests } from './support/requests';

const column = (page: Page, name: string) => page.getByRole('list', { name });
const card = (page: Page, columnName: string, title: string) =>
  column(page, columnName).getByRole('link', { name: title, exact: true });
const taskPath = (task: Task) => `/projects/${task.project_id}/tasks/${task.id}`;

test('a card opens the panel over the board; Escape closes it and focus is back on the card', async ({
  owner,
  expectAccessible,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, {
    title: 'Write the brief',
    description: 'A **short** brief.',
  });
  await owner.api.createTask(project.id, { title: 'Design the logo' });
  // A board with a search of its own (the sort): the panel keeps it, and closing gives it back.
  // The cards' links carry it, so a new tab or a copied link keeps it too.
  await page.goto(`/projects/${project.id}?sort=created_at`);
  await expect(card(page, 'To do', 'Write the brief')).toHaveAttribute(
    'href',
    `${taskPath(task)}?sort=created_at`,
  );
  await card(page, 'To do', 'Write the brief').click();

  const panel = page.getByRole('dialog', { name: 'Write the brief' });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'Write the brief', level: 1 })).toBeFocused();
  await expect(page).toHaveURL(`${taskPath(task)}?sort=created_at`);
  // The board is still there behind it, as it was.
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await expect(card(page, 'To do', 'Design the logo')).toBeVisible();
  await expect(page.getByLabel('Sort by')).toHaveValue('created_at');
  // The panel: its fields, the description rendered, who made it, comments and history.
  await expect(panel.getByLabel('Status')).toHaveValue('todo');
  await expect(panel.getByLabel('Priority')).toHaveValue('medium');
  await expect(panel.locator('strong', { hasText: 'short' })).toBeVisible();
  await expect(panel.getByText(/^Created by you, /)).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'Comments' })).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'History' })).toBeVisible();
  // On a desktop: on the right, at most 560 px wide.
  const box = await panel.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport && Math.round(box.x + box.width)).toBe(viewport?.width);
  expect(box?.width).toBeLessThanOrEqual(560);
  await expectAccessible(page, 'task panel over the board');

  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(page).toHaveURL(`/projects/${project.id}?sort=created_at`);
  await expect(card(page, 'To do', 'Write the brief')).toBeFocused();

  // The close button, and a click on the backdrop, close it too.
  await card(page, 'To do', 'Write the brief').click();
  await panel.getByRole('button', { name: 'Close the task' }).click();
  await expect(panel).toHaveCount(0);
  await card(page, 'To do', 'Design the logo').click();
  const logo = page.getByRole('dialog', { name: 'Design the logo' });
  await expect(logo).toBeVisible();
  await page.mouse.click(10, 300);
  await expect(logo).toHaveCount(0);
  await expect(page).toHaveURL(`/projects/${project.id}?sort=created_at`);
});

test('a pasted task address opens the board with the panel open', async ({ owner }) => {
  const { page, project } = owner;
  // Due three days ago (the browser's calendar, as the app's): the panel says so in words.
  const past = new Date();
  past.setDate(past.getDate() - 3);
  const dueDate = `${past.getFullYear()}-${String(past.getMonth() + 1).padStart(2, '0')}-${String(past.getDate()).padStart(2, '0')}`;
  const task = await owner.api.createTask(project.id, {
    title: 'Book the venue',
    due_date: dueDate,
  });
  await page.goto(taskPath(task));
  const panel = page.getByRole('dialog', { name: 'Book the venue' });
  await expect(panel).toBeVisible();
  await expect(panel.getByLabel('Due date')).toHaveValue(dueDate);
  await expect(panel.getByText('3 days overdue')).toBeVisible();
  // The hint describes the field from under it, so the field lines up with the Assignee beside.
  await expect(panel.getByLabel('Due date')).toHaveAccessibleDescription('3 days overdue');
  const [due, assignee, hint] = await Promise.all([
    panel.getByLabel('Due date').boundingBox(),
    panel.getByLabel('Assignee').boundingBox(),
    panel.getByText('3 days overdue').boundingBox(),
  ]);
  expect(due?.y).toBe(assignee?.y);
  expect(hint && due && hint.y >= due.y + due.height).toBe(true);
  await expect(card(page, 'To do', 'Book the venue')).toBeAttached();
  await expect(page).toHaveTitle(/^Book the venue · /);
  await panel.getByRole('button', { name: 'Close the task' }).click();
  await expect(page).toHaveURL(`/projects/${project.id}`);
  await expect(page).toHaveTitle(/^Board · /);
  await expect(card(page, 'To do', 'Book the venue')).toBeFocused();
});

test('the title is edited in place: Enter saves, Escape cancels', async ({ owner }) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
  await page.goto(taskPath(task));
  const panel = page.getByRole('dialog');
  await panel.getByRole('button', { name: 'Edit title' }).click();
  const title = panel.getByLabel('Title');
  await expect(title).toBeFocused();
  await title.fill('Something else');
  await title.press('Escape');
  // Escape cancels the edit only: the panel stays, the title is as it was.
  await expect(panel.getByRole('heading', { name: 'Write the brief', level: 1 })).toBeVisible();
  await expect(panel.getByLabel('Title')).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Edit title' })).toBeFocused();

  await panel.getByRole('button', { name: 'Edit title' }).click();
  await title.fill('Write the launch brief');
  await title.press('Enter');
  await expect(panel.getByText('Saved.')).toBeVisible();
  await expect(
    panel.getByRole('heading', { name: 'Write the launch brief', level: 1 }),
  ).toBeVisible();
  await expect(card(page, 'To do', 'Write the launch brief')).toBeAttached();
  const saved = await owner.api.json<Task>('GET', taskPath(task));
  expect([saved.title, saved.version]).toEqual(['Write the launch brief', task.version + 1]);

  // Leaving the field saves it too.
  await panel.getByRole('button', { name: 'Edit title' }).click();
  await title.fill('Write the launch brief today');
  await panel.getByLabel('Priority').focus();
  await expect(
    panel.getByRole('heading', { name: 'Write the launch brief today', level: 1 }),
  ).toBeVisible();
  await expect
    .poll(async () => (await owner.api.json<Task>('GET', taskPath(task))).title)
    .toBe('Write the launch brief today');
});

test('a status changed in the panel moves the card on the board behind, without a reload', async ({
  owner,
  member,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
  await page.goto(`/projects/${project.id}`);
  await card(page, 'To do', 'Write the brief').click();
  const panel = page.getByRole('dialog', { name: 'Write the brief' });
  await expect(panel.getByLabel('Status')).toHaveValue('todo');
  await markDocument(page);
  const reads = watchRequests(page, (request: Request) => {
    const url = new URL(request.url());
    const list = request.method() === 'GET' && url.pathname === `/api/projects/${project.id}/tasks`;
    return list ? url.search : null;
  });

  await panel.getByLabel('Status').selectOption('in_progress');
  await expect(card(page, 'In progress', 'Write the brief')).toBeAttached();
  await expect(card(page, 'To do', 'Write the brief')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'In progress 1 tasks' })).toBeAttached();
  await panel.getByLabel('Priority').selectOption('urgent');
  await panel.getByLabel('Assignee').selectOption(member.id);
  await panel.getByLabel('Due date').fill('2030-12-31');
  await panel.getByLabel('Due date').press('Tab');
  await expect
    .poll(async () => {
      const t = await owner.api.json<Task>('GET', taskPath(task));
      return [t.status, t.priority, t.assignee_id, t.due_date, t.version];
    })
    .toEqual(['in_progress', 'urgent', member.id, '2030-12-31', task.version + 4]);
  // The answer went into the board's cached lists: none was read again.
  expect(reads).toEqual([]);
  await expectSameDocument(page);
});

test('closing with an unsaved description asks first; nothing is asked when all is saved', async ({
  owner,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
  await page.goto(taskPath(task));
  const panel = page.getByRole('dialog', { name: 'Write the brief' });
  await panel.getByRole('button', { name: 'Edit description' }).click();
  await panel.getByLabel('Description').fill('Half a thought');

  // Closing: asked; "Cancel" keeps the panel and the text.
  const asked: string[] = [];
  page.once('dialog', async (dialog) => {
    asked.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  await panel.getByRole('button', { name: 'Close the task' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toMatch(/^confirm: Your changes to this task are not saved/);
  await expect(panel).toBeVisible();
  await expect(panel.getByLabel('Description')).toHaveValue('Half a thought');
  await expect(page).toHaveURL(taskPath(task));

  // Browser back: asked too.
  page.once('dialog', async (dialog) => {
    asked.push(dialog.type());
    await dialog.dismiss();
  });
  await page.evaluate(() => history.back());
  await expect.poll(() => asked.length).toBe(2);
  await expect(panel.getByLabel('Description')).toHaveValue('Half a thought');

  // Closing the tab: the browser's own question (beforeunload).
  const unload = new Promise<string>((resolve) => {
    page.once('dialog', async (dialog) => {
      resolve(dialog.type());
      await dialog.dismiss();
    });
  });
  await page.close({ runBeforeUnload: true });
  expect(await unload).toBe('beforeunload');
});

test('saved text, and Escape then OK, close without keeping anything', async ({ owner }) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
  await page.goto(taskPath(task));
  const panel = page.getByRole('dialog', { name: 'Write the brief' });
  const asked: string[] = [];
  page.on('dialog', async (dialog) => {
    asked.push(dialog.type());
    await dialog.accept();
  });
  await panel.getByRole('button', { name: 'Edit description' }).click();
  await panel.getByLabel('Description').fill('Saved words');
  await panel.getByRole('button', { name: 'Save description' }).click();
  await expect(panel.getByText('Saved words')).toBeVisible();
  await panel.getByRole('button', { name: 'Close the task' }).click();
  await expect(panel).toHaveCount(0);
  expect(asked).toEqual([]);

  await page.goto(taskPath(task));
  await panel.getByRole('button', { name: 'Edit description' }).click();
  await panel.getByLabel('Description').fill('Thrown away');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  expect(asked).toEqual(['confirm']);
  const saved = await owner.api.json<Task>('GET', taskPath(task));
  expect(saved.description).toBe('Saved words');
});

test('a viewer sees the read view: no fields to edit', async ({
  owner,
  viewer,
  expectAccessible,
}) => {
  const task = await owner.api.createTask(owner.project.id, {
    title: 'Write the brief',
    description: 'Read *me*.',
    priority: 'high',
  });
  const { page } = viewer;
  await page.goto(taskPath(task));
  const panel = page.getByRole('dialog', { name: 'Write the brief' });
  await expect(panel.getByText('You are a viewer in this project')).toBeVisible();
  await expect(panel.locator('em', { hasText: 'me' })).toBeVisible();
  await expect(panel.getByText('High', { exact: true })).toBeVisible();
  await expect(panel.locator('input, select, textarea')).toHaveCount(0);
  await expect(panel.getByRole('button', { name: /^Edit/ })).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Delete task…' })).toHaveCount(0);
  await expectAccessible(page, 'task panel (viewer)');
});

test.describe('on a 390x844 phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the panel fills the screen and its controls are 44 px targets', async ({
    owner,
    expectAccessible,
  }) => {
    const { page, project } = owner;
    const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
    await page.goto(taskPath(task));
    const panel = page.getByRole('dialog', { name: 'Write the brief' });
    await expect(panel.getByRole('heading', { name: 'Comments' })).toBeVisible();
    expect(await panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await panel.getByRole('button', { name: 'Edit description' }).click();
    const small = await panel.evaluate((dialog) => {
      const out: string[] = [];
      for (const el of dialog.querySelectorAll<HTMLElement>(
        'button, input:not([type="hidden"]), select, textarea, a[href]',
      )) {
        if (!el.checkVisibility()) continue;
        if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') continue;
        const box = el.getBoundingClientRect();
        if (box.width < 43.5 || box.height < 43.5) {
          out.push(`${el.tagName} ${el.textContent?.trim() || el.getAttribute('aria-label')}`);
        }
      }
      return out;
    });
    expect(small).toEqual([]);
    const width = await page.evaluate(() => document.scrollingElement?.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'task panel (phone)');
  });
});

test('Escape in the comment box closes the mention list, then leaves the box, then closes the panel', async ({
  owner,
  member,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
  await page.goto(`/projects/${project.id}?sort=created_at`);
  await card(page, 'To do', 'Write the brief').click();
  const panel = page.getByRole('dialog', { name: 'Write the brief' });
  const comment = panel.getByLabel('Add a comment');
  const mentions = panel.getByRole('listbox', { name: 'Members to mention' });
  const asked: string[] = [];
  page.on('dialog', async (dialog) => {
    asked.push(dialog.type());
    await dialog.dismiss();
  });

  await comment.fill('Over to @');
  await expect(mentions.getByRole('option', { name: member.name })).toBeVisible();
  // The first Escape closes the list only.
  await comment.press('Escape');
  await expect(mentions).toBeHidden();
  await expect(comment).toBeFocused();
  // The second leaves the box, the panel stays.
  await page.keyboard.press('Escape');
  await expect(comment).not.toBeFocused();
  await expect(panel).toBeVisible();
  await expect(panel.locator(':focus')).toHaveCount(1);
  // The third would close the panel, but the text is not sent: asked first (dismissed here).
  await page.keyboard.press('Escape');
  await expect.poll(() => asked).toEqual(['confirm']);
  await expect(panel).toBeVisible();
  await expect(comment).toHaveValue('Over to @');

  // An empty box: Escape leaves it, the next closes the panel without asking.
  await comment.fill('');
  await comment.press('Escape');
  await expect(comment).not.toBeFocused();
  await expect(panel).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  expect(asked).toEqual(['confirm']);
  await expect(page).toHaveURL(`/projects/${project.id}?sort=created_at`);
  await expect(card(page, 'To do', 'Write the brief')).toBeFocused();
  void task;
});

test('Escape from any field of the panel closes it (the title after cancelling its edit)', async ({
  owner,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
  const panel = page.getByRole('dialog', { name: 'Write the brief' });
  for (const field of ['Status', 'Priority', 'Assignee', 'Due date']) {
    await page.goto(taskPath(task));
    await panel.getByLabel(field).focus();
    await page.keyboard.press('Escape');
    await expect(panel, field).toHaveCount(0);
  }
  await page.goto(taskPath(task));
  await panel.getByRole('button', { name: 'Edit title' }).click();
  await page.keyboard.press('Escape');
  await expect(panel.getByRole('button', { name: 'Edit title' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await page.goto(taskPath(task));
  await panel.getByRole('button', { name: 'Edit description' }).click();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});

test('a title whose save is under way does not ask on closing; a failed save says so', async ({
  owner,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Write the brief' });
  const asked: string[] = [];
  page.on('dialog', async (dialog) => {
    asked.push(dialog.type());
    await dialog.dismiss();
  });
  // The first PATCH waits until the test lets it go: the panel closes while it is in flight.
  // Only the first: held for a while, its 4-second access token may have expired, and the
  // client's retry after the refresh must go through.
  const held: Array<() => Promise<void>> = [];
  const taskUrl = `**/api/projects/${project.id}/tasks/${task.id}`;
  await page.route(taskUrl, async (route) => {
    if (route.request().method() !== 'PATCH' || held.length > 0) return route.fallback();
    held.push(() => route.fallback());
  });
  const panel = page.getByRole('dialog', { name: 'Write the brief' });

  // Enter, then Escape at once.
  await page.goto(`/projects/${project.id}`);
  await card(page, 'To do', 'Write the brief').click();
  await panel.getByRole('button', { name: 'Edit title' }).click();
  await panel.getByLabel('Title').fill('Write the launch brief');
  await panel.getByLabel('Title').press('Enter');
  await expect.poll(() => held.length).toBe(1);
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await held[0]?.();
  await expect(card(page, 'To do', 'Write the launch brief')).toBeAttached();

  // Leaving the field for the close button (the blur saves), and the save is refused.
  await page.unroute(taskUrl);
  await page.route(taskUrl, async (route) => {
    if (route.request().method() !== 'PATCH' || held.length > 1) return route.fallback();
    held.push(() =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ detail: 'The service is busy.' }),
      }),
    );
  });
  const renamed = page.getByRole('dialog', { name: 'Write the launch brief' });
  await card(page, 'To do', 'Write the launch brief').click();
  await renamed.getByRole('button', { name: 'Edit title' }).click();
  await renamed.getByLabel('Title').fill('Thrown away by the server');
  await renamed.getByRole('button', { name: 'Close the task' }).click();
  await expect(renamed).toHaveCount(0);
  await expect.poll(() => held.length).toBe(2);
  await held[1]?.();
  await expect(page.getByRole('alert')).toContainText(
    'The title of “Write the launch brief” was not saved',
  );
  expect(asked).toEqual([]);
  await expect(card(page, 'To do', 'Write the launch brief')).toBeAttached();
});
