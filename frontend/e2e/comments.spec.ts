// Issue 11 (docs/decisions/0103): comments on a task, with @mentions, rendered Markdown that is
// sanitised, moderation by owners, live between two browsers; the task's history and the
// project's feed. Each actor (fixtures.ts) has a browser context of its own.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { Task } from './support/api';
import { expectSameDocument, markDocument } from './support/live';

const PHONE = { width: 390, height: 844 };
const taskPath = (task: Task) => `/projects/${task.project_id}/tasks/${task.id}`;
const comments = (page: Page) => page.getByRole('list', { name: 'Comments' });
const commentBox = (page: Page) => page.getByRole('combobox', { name: 'Add a comment' });

interface CommentOut {
  id: string;
  body: string;
  mentions: string[];
}

async function expectNoOverflow(page: Page, state: string): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.scrollingElement?.scrollWidth ?? 0,
    inner: window.innerWidth,
  }));
  expect(widths.scroll, `horizontal overflow on "${state}"`).toBeLessThanOrEqual(widths.inner);
}

test("a member's comment mentioning the owner shows live, highlighted; the owner's deletion reaches the member", async ({
  owner,
  member,
  expectAccessible,
}) => {
  const task = await owner.api.createTask(owner.project.id, { title: 'Write the brief' });
  await owner.page.goto(taskPath(task));
  await expect(owner.page.getByRole('heading', { name: 'Comments' })).toBeVisible();
  await expect(owner.page.getByText('No comments yet.')).toBeVisible();
  await markDocument(owner.page);

  const { page } = member;
  await page.goto(taskPath(task));
  const box = commentBox(page);
  await box.fill('Can you check the **figures**, ');
  // Typing @ offers the project's members: a listbox the keys move through.
  await box.pressSequentially('@Oli');
  const list = page.getByRole('listbox', { name: 'Members to mention' });
  await expect(list.getByRole('option', { name: 'Olivia Owner' })).toBeVisible();
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  await box.press('Escape');
  await expect(list).toBeHidden();
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  await box.press('Backspace');
  await box.pressSequentially('i');
  await expect(list.getByRole('option', { name: 'Olivia Owner' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await box.press('Enter');
  await expect(list).toBeHidden();
  await expect(box).toHaveValue('Can you check the **figures**, @Olivia Owner ');
  await box.pressSequentially('please?');

  // Not a 401: one would be answered by a refresh and the same POST again (tokens live 4 s here).
  const sent = page.waitForResponse(
    (r) =>
      r.request().method() === 'POST' &&
      r.url().endsWith(`/tasks/${task.id}/comments`) &&
      r.status() !== 401,
  );
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  // The text says the name; the mention sent is the owner's id.
  const created = (await (await sent).json()) as CommentOut;
  expect({ body: created.body, mentions: created.mentions }).toEqual({
    body: 'Can you check the **figures**, @Olivia Owner please?',
    mentions: [owner.id],
  });
  await expect(comments(page).getByText('please?')).toBeVisible();
  await expect(box).toHaveValue('');

  // The owner's open page shows it without a reload, the mention of them highlighted.
  const ownerComment = comments(owner.page).getByRole('article', {
    name: 'Comment by Maya Member',
  });
  await expect(ownerComment).toBeVisible();
  await expect(ownerComment.locator('strong', { hasText: 'figures' })).toBeVisible();
  await expect(ownerComment.locator('mark.mention-me')).toHaveText('@Olivia Owner');
  await expect(ownerComment.getByText('mentions you')).toBeVisible();
  await expectSameDocument(owner.page);
  await expectAccessible(owner.page, 'task page with a comment');

  // The owner cannot edit someone else's comment, but deletes it (moderation), after confirming.
  await expect(ownerComment.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await ownerComment.getByRole('button', { name: 'Delete…' }).click();
  await ownerComment.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(comments(owner.page)).toHaveCount(0);
  // Gone for the member too, without a reload.
  await expect(page.getByText('please?')).toHaveCount(0);
  await expect(page.getByText('No comments yet.')).toBeVisible();

  // The history tells what happened, moderation included.
  const history = owner.page.getByRole('list', { name: 'History of this task' });
  await expect(history.getByText('You deleted a comment by Maya Member')).toBeVisible();
  await expect(history.getByText('Maya Member added a comment')).toBeVisible();
});

test('a member edits and deletes their own comment; a viewer reads comments and has no form', async ({
  owner,
  member,
  viewer,
}) => {
  const task = await owner.api.createTask(owner.project.id, {
    title: 'Design the logo',
    description: 'Three **drafts** by Friday.',
  });
  await owner.api.json('POST', `${taskPath(task)}/comments`, { body: 'First idea: *blue*.' });

  const { page } = member;
  await page.goto(taskPath(task));
  await commentBox(page).fill('My first thought');
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  const mine = comments(page).getByRole('article', { name: 'Comment by Maya Member' });
  await expect(mine).toContainText('My first thought');
  // Not the owner's: neither edit nor delete.
  const theirs = comments(page).getByRole('article', { name: 'Comment by Olivia Owner' });
  await expect(theirs.getByRole('button')).toHaveCount(0);

  await mine.getByRole('button', { name: 'Edit' }).click();
  const editor = mine.getByRole('combobox', { name: 'Edit your comment' });
  await expect(editor).toBeFocused();
  await editor.fill('My second thought');
  await mine.getByRole('button', { name: 'Save comment' }).click();
  await expect(mine).toContainText('My second thought');
  await expect(mine).toContainText('edited');

  // The viewer: both comments, Markdown rendered, no form and no buttons on them.
  await viewer.page.goto(taskPath(task));
  const list = comments(viewer.page);
  await expect(list.getByRole('article')).toHaveCount(2);
  await expect(list.locator('em', { hasText: 'blue' })).toBeVisible();
  await expect(list).toContainText('My second thought');
  await expect(commentBox(viewer.page)).toHaveCount(0);
  await expect(viewer.page.getByRole('button', { name: 'Comment', exact: true })).toHaveCount(0);
  await expect(list.getByRole('button')).toHaveCount(0);
  // Their read view of the description is rendered by the same Markdown renderer.
  await expect(
    viewer.page.locator('.task-description strong', { hasText: 'drafts' }),
  ).toBeVisible();

  // The member deletes their own, after confirming (Cancel keeps it).
  await mine.getByRole('button', { name: 'Delete…' }).click();
  await mine.getByRole('button', { name: 'Cancel' }).click();
  await expect(mine).toBeVisible();
  await mine.getByRole('button', { name: 'Delete…' }).click();
  await mine.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(comments(page).getByRole('article')).toHaveCount(1);
  await expect(list.getByRole('article')).toHaveCount(1);
});

test('Markdown is rendered and HTML in a comment is shown as text, never run', async ({
  owner,
  member,
}) => {
  const task = await owner.api.createTask(owner.project.id, { title: 'Check the payloads' });
  const payload = [
    '## Plan',
    '',
    '- **one**',
    '- [docs](https://example.com/docs)',
    '',
    '<script>console.log("xss-script"); alert("xss-script")</script>',
    '',
    '<img src="/no-such-image.png" onerror="console.log(\'xss-onerror\'); alert(\'xss-onerror\')">',
    '',
    '[click](javascript:alert("xss-link"))',
  ].join('\n');
  await member.api.json<CommentOut>('POST', `${taskPath(task)}/comments`, { body: payload });

  const { page } = owner;
  const dialogs: string[] = [];
  const logs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => logs.push(message.text()));
  await page.goto(taskPath(task));
  const comment = comments(page).getByRole('article', { name: 'Comment by Maya Member' });
  await expect(comment.getByRole('heading', { name: 'Plan', level: 2 })).toBeVisible();
  await expect(comment.locator('li strong', { hasText: 'one' })).toBeVisible();
  await expect(comment.getByRole('link', { name: 'docs' })).toHaveAttribute(
    'href',
    'https://example.com/docs',
  );
  // The raw HTML reads as typed, escaped: no script, image or handler in the page.
  await expect(comment).toContainText(
    '<script>console.log("xss-script"); alert("xss-script")</script>',
  );
  await expect(comment).toContainText("onerror=\"console.log('xss-onerror')");
  await expect(comment.locator('script, img, [onerror]')).toHaveCount(0);
  for (const href of await comment
    .locator('a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    expect(href ?? '').not.toMatch(/^javascript:/i);
  }
  await expect(comment.getByText('click')).toBeVisible();
  await comment.getByText('click').click();
  // Nothing ran.
  expect(dialogs).toEqual([]);
  expect(logs.filter((text) => text.includes('xss'))).toEqual([]);
});

test('the history shows the move and the comment; the project feed lists the changes', async ({
  owner,
  member,
  expectAccessible,
}) => {
  const { project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Book the venue' });
  const current = await member.api.json<Task>('GET', taskPath(task));
  await member.api.json(
    'PATCH',
    taskPath(task),
    { status: 'in_progress' },
    { 'If-Match': `"${current.version}"` },
  );
  await member.api.json('POST', `${taskPath(task)}/comments`, {
    body: 'Booked for **Friday**; @Olivia Owner please confirm.',
    mentions: [owner.id],
  });

  const { page } = owner;
  await page.goto(taskPath(task));
  const history = page.getByRole('list', { name: 'History of this task' });
  await expect(history.getByRole('listitem')).toHaveText([
    /^Maya Member added a comment · /,
    /^Maya Member moved it from To do to In progress · /,
    /^You created this task · /,
  ]);
  await expect(comments(page).locator('mark.mention-me')).toHaveText('@Olivia Owner');

  // The task is a panel over the board: closed, the project's navigation is there again.
  await page.getByRole('dialog').getByRole('button', { name: 'Close the task' }).click();
  await page
    .getByRole('navigation', { name: 'Project' })
    .getByRole('link', { name: 'Activity' })
    .click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  const feed = page.getByRole('list', { name: 'Project activity' });
  await expect(feed.getByText('Maya Member added a comment on “Book the venue”')).toBeVisible();
  await expect(
    feed.getByText('Maya Member moved “Book the venue” from To do to In progress'),
  ).toBeVisible();
  await expect(feed.getByText('You created “Book the venue”')).toBeVisible();
  await expect(feed.getByText('Maya Member joined the project as member')).toBeVisible();
  await expectAccessible(page, 'project activity feed');

  // The feed's links open the task.
  await feed.getByRole('link', { name: 'open the task' }).first().click();
  await expect(page.getByRole('heading', { name: 'Book the venue', level: 1 })).toBeVisible();
});

test('comments, history and feed fit a 390x844 phone', async ({
  owner,
  member,
  expectAccessible,
}) => {
  const { page } = owner;
  await page.setViewportSize(PHONE);
  const task = await owner.api.createTask(owner.project.id, { title: 'Plan the launch party' });
  await member.api.json('POST', `${taskPath(task)}/comments`, {
    body: `A long link: https://example.com/${'very-long-path-segment-'.repeat(8)}\n\n\`\`\`\n${'wide code line '.repeat(20)}\n\`\`\`\n\n@Olivia Owner ${'longwordwithoutspaces'.repeat(6)}`,
    mentions: [owner.id],
  });
  await page.goto(taskPath(task));
  await expect(comments(page).getByRole('article')).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'History of this task' })).toBeVisible();
  await expectNoOverflow(page, 'task page with comments');
  await expectAccessible(page, 'task page with comments (phone)');

  await page.goto(`/projects/${owner.project.id}/activity`);
  await expect(page.getByRole('list', { name: 'Project activity' })).toBeVisible();
  await expectNoOverflow(page, 'project activity');
});

test("the board's card counts comments, and a teammate's comment updates it live", async ({
  owner,
  member,
}) => {
  const { page, project } = owner;
  const task = await owner.api.createTask(project.id, { title: 'Pick the venue' });
  await page.goto(`/projects/${project.id}`);
  const cardItem = page.getByRole('listitem').filter({ hasText: 'Pick the venue' });
  await expect(cardItem).toBeVisible();
  await expect(cardItem).not.toContainText('comment');
  await member.api.json('POST', `${taskPath(task)}/comments`, { body: 'The hall is free.' });
  await expect(cardItem).toContainText('1 comment');
  await member.api.json('POST', `${taskPath(task)}/comments`, { body: 'So is the garden.' });
  await expect(cardItem).toContainText('2 comments');
});
