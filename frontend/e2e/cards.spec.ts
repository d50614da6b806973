// Issue 10, "the experience users expect": cards that scan (relative due dates with overdue and
// due-soon marks that are not colour alone, the assignee's initials, a shape per priority, the
// whole card opening the task) and the "My tasks" filter.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** A date `offset` days from today, in the browser's (the same machine's) calendar. */
function day(offset: number): string {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function card(page: Page, title: string) {
  return page
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: title, exact: true }) });
}

test('cards show relative due dates, initials and priority marks; the whole card opens the task', async ({
  owner,
  member,
  expectAccessible,
}) => {
  const { page, project } = owner;
  await owner.api.createTask(project.id, {
    title: 'Book the venue',
    priority: 'high',
    due_date: day(1),
    assignee_id: member.id,
  });
  await owner.api.createTask(project.id, {
    title: 'Send the invoices',
    priority: 'urgent',
    due_date: day(-3),
  });
  await owner.api.createTask(project.id, {
    title: 'Print flyers',
    priority: 'low',
    due_date: day(5),
  });
  const plain = await owner.api.createTask(project.id, { title: 'Tidy the wiki' });
  await page.goto(`/projects/${project.id}`);

  const soon = card(page, 'Book the venue');
  await expect(soon).toContainText('due tomorrow');
  await expect(soon.getByRole('img', { name: 'Due soon' })).toBeVisible();
  await expect(soon.getByRole('img', { name: `Assigned to ${member.name}` })).toHaveText('MM');
  const overdue = card(page, 'Send the invoices');
  await expect(overdue).toContainText('3 days overdue');
  await expect(overdue.getByRole('img', { name: 'Overdue' })).toBeVisible();
  const later = card(page, 'Print flyers');
  await expect(later).toContainText('due in 5 days');
  await expect(later.getByRole('img', { name: /Overdue|Due soon/ })).toHaveCount(0);

  // One mark per priority, each a shape of its own beside its word.
  const marks: string[] = [];
  for (const [title, priority] of [
    ['Print flyers', 'low'],
    ['Tidy the wiki', 'medium'],
    ['Book the venue', 'high'],
    ['Send the invoices', 'urgent'],
  ] as const) {
    const mark = card(page, title).locator('.priority');
    await expect(mark).toHaveText(priority);
    marks.push(await mark.locator('svg').innerHTML());
  }
  expect(new Set(marks).size, 'a distinct shape per priority').toBe(4);

  // No interactive element inside the card's link; the handle and the Move button stay separate.
  await expect(page.locator('.task-card a :is(a, button, select, input)')).toHaveCount(0);
  // No form control in a card, and every card skips style and layout until it nears the
  // screen: Chrome's autofill would force a layout of each control in a skipped card (ADR 0109).
  await expect(page.locator('.task-card :is(select, input, textarea)')).toHaveCount(0);
  expect(
    await page
      .locator('li.task-card')
      .evaluateAll((cards) => cards.map((c) => getComputedStyle(c).contentVisibility)),
  ).toEqual(Array(4).fill('auto'));
  const tidy = card(page, 'Tidy the wiki');
  await tidy.getByRole('link', { name: 'Tidy the wiki' }).focus();
  await page.keyboard.press('Tab');
  await expect(
    tidy.getByRole('button', { name: 'Drag Tidy the wiki to another column' }),
  ).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(tidy.getByRole('button', { name: 'Move Tidy the wiki', exact: true })).toBeFocused();
  await expectAccessible(page, 'board (cards that scan)');

  // The Move button moves the card without opening it; its choices are the other columns.
  await page.keyboard.press('Enter');
  const choices = tidy.getByRole('list', { name: 'Move Tidy the wiki to' }).getByRole('button');
  await expect(choices).toHaveText(['In progress', 'Done']);
  await expect(choices.first()).toBeFocused();
  await expectAccessible(page, "board (a card's Move choices open)");
  await choices.first().click();
  const moved = page
    .getByRole('list', { name: 'In progress' })
    .getByRole('link', { name: 'Tidy the wiki' });
  await expect(moved).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();

  // A click anywhere on the card (not on its title) opens the task.
  await card(page, 'Tidy the wiki').click({ position: { x: 8, y: 8 } });
  await expect(page.getByRole('heading', { name: plain.title, level: 1 })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe(`/projects/${project.id}/tasks/${plain.id}`);
});

test('"My tasks" shows the tasks assigned to me, kept in the URL, cleared by "Clear filters"', async ({
  owner,
  member,
}) => {
  const { project } = owner;
  await owner.api.createTask(project.id, { title: 'Mine to do', assignee_id: member.id });
  await owner.api.createTask(project.id, {
    title: 'Mine in progress',
    assignee_id: member.id,
    status: 'in_progress',
  });
  await owner.api.createTask(project.id, { title: 'Olivia’s task', assignee_id: owner.id });
  await owner.api.createTask(project.id, { title: 'Nobody’s task' });
  const page = member.page;
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole('link', { name: 'Nobody’s task' })).toBeVisible();

  const mine = page.getByRole('button', { name: 'My tasks' });
  await expect(mine).toHaveAttribute('aria-pressed', 'false');
  await mine.click();
  await expect(mine).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/assignee=me/);
  await expect(page.getByRole('link', { name: 'Mine to do' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Mine in progress' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Olivia’s task' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Nobody’s task' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'To do 1 tasks', level: 2 })).toBeVisible();
  await expect(page.getByLabel('Assignee')).toHaveValue(member.id);

  // The URL keeps it: a reload shows the same.
  await page.reload();
  await expect(page.getByRole('button', { name: 'My tasks' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByRole('link', { name: 'Nobody’s task' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/assignee=/);
  await expect(page.getByRole('link', { name: 'Nobody’s task' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'My tasks' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
});
