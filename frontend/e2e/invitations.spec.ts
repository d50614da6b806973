// Issue 11: people join a project only by accepting an invitation (docs/decisions/0083), and
// anyone may leave one except its last owner.
import { expect, test } from './fixtures';
import type { Project, Schemas } from './support/api';

type InvitationList = Schemas['InvitationList'];
type MemberList = Schemas['MemberList'];

test('the owner invites by e-mail; the invitee follows the copied link and joins', async ({
  owner,
  stranger,
  expectAccessible,
}) => {
  const { page, project } = owner;
  await page.goto(`/projects/${project.id}/members`);
  await expect(page.getByText('No pending invitations.')).toBeVisible();
  await page.getByLabel('Email of the person to invite').fill(stranger.email.toUpperCase());
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Invite' }).click();
  await expect(
    page.getByText(`Invitation created for ${stranger.email.toLowerCase()} as a viewer.`),
  ).toBeVisible();
  const linkBox = page.getByLabel('Invitation link');
  const link = await linkBox.inputValue();
  expect(link).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
  const pending = page.getByRole('row', { name: new RegExp(stranger.email, 'i') });
  await expect(pending).toContainText('viewer');
  await expectAccessible(page, 'members (owner, invitation created)');
  // An invitation is an offer: nobody joined yet.
  const before = await stranger.api.json<{ items: Project[] }>('GET', '/projects');
  expect(before.items).toEqual([]);

  await stranger.page.goto(link);
  await expect(stranger.page.getByRole('heading', { name: 'Invitation', level: 1 })).toBeVisible();
  await expect(
    stranger.page.getByText(`invited you to join ${project.name} as a viewer`),
  ).toBeVisible();
  await expectAccessible(stranger.page, 'accept invitation');
  await stranger.page.getByRole('button', { name: `Join ${project.name}` }).click();
  await expect(stranger.page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  await expect(stranger.page).toHaveURL(new RegExp(`/projects/${project.id}$`));
  const after = await stranger.api.json<{ items: Project[] }>('GET', '/projects');
  expect(after.items.map((p) => [p.id, p.role])).toEqual([[project.id, 'viewer']]);

  // The link worked once; the owner's list no longer shows it.
  await stranger.page.goto(link);
  await expect(stranger.page.getByText('This invitation cannot be used')).toBeVisible();
  await expect(stranger.page.getByText('already been used')).toBeVisible();
  await page.reload();
  await expect(page.getByText('No pending invitations.')).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(stranger.name) })).toBeVisible();
});

test('someone without an account signs up from the link and joins', async ({
  owner,
  browser,
  stack,
  expectAccessible,
}) => {
  const email = `newcomer-${Date.now()}@example.com`;
  const { link } = await owner.api.invite(owner.project.id, email, 'member');
  const context = await browser.newContext({ baseURL: stack.appUrl });
  const page = await context.newPage();
  await page.goto(link);
  // Logged out: sent to log in, told why, and brought back after signing up.
  await expect(page.getByRole('heading', { name: 'Log in', level: 1 })).toBeVisible();
  await expect(page.getByText('Log in to accept the invitation')).toBeVisible();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name').fill('Nora Newcomer');
  await page.getByLabel('Password').fill('e2e password 1234');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Invitation', level: 1 })).toBeVisible();
  await expectAccessible(page, 'accept invitation (after sign-up)');
  await page.getByRole('button', { name: `Join ${owner.project.name}` }).click();
  await expect(page.getByRole('heading', { name: 'Board', level: 1 })).toBeVisible();
  // Checked in the newcomer's browser: the owner's API session has been idle for longer than
  // the local edge keeps a connection open.
  await page.getByRole('link', { name: 'Members' }).click();
  const me = page.getByRole('row', { name: /Nora Newcomer \(you\)/ });
  await expect(me).toContainText('member');
  await context.close();
});

test('a link for someone else is refused, and a revoked one stops working', async ({
  owner,
  stranger,
  expectAccessible,
}) => {
  const { page, project } = owner;
  const { link } = await owner.api.invite(project.id, 'someone-else@example.com', 'member');
  await stranger.page.goto(link);
  await expect(stranger.page.getByRole('alert')).toContainText(
    'To accept, log out, then log in (or sign up) as someone-else@example.com',
  );
  await expect(stranger.page.getByRole('button', { name: /^Join / })).toHaveCount(0);
  await expectAccessible(stranger.page, 'accept invitation (wrong account)');

  await page.goto(`/projects/${project.id}/members`);
  await page
    .getByRole('button', { name: 'Revoke the invitation to someone-else@example.com' })
    .click();
  await expect(page.getByText('No pending invitations.')).toBeVisible();
  const { items } = await owner.api.json<InvitationList>(
    'GET',
    `/projects/${project.id}/invitations`,
  );
  expect(items).toEqual([]);
  await stranger.page.reload();
  await expect(stranger.page.getByText('This invitation was withdrawn')).toBeVisible();
});

test('a member leaves the project (after confirming); the last owner cannot', async ({
  owner,
  member,
  expectAccessible,
}) => {
  const { project } = owner;
  const { page } = member;
  await page.goto(`/projects/${project.id}/members`);
  await page.getByRole('button', { name: 'Leave project…' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click(); // second thoughts
  await page.getByRole('button', { name: 'Leave project…' }).click();
  await expectAccessible(page, 'members (confirming leaving)');
  await page.getByRole('button', { name: `Yes, leave “${project.name}”` }).click();
  await expect(page.getByRole('heading', { name: 'Projects', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: project.name })).toHaveCount(0);
  const { items } = await owner.api.json<MemberList>('GET', `/projects/${project.id}/members`);
  expect(items.map((m) => m.user_id)).not.toContain(member.id);

  await owner.page.goto(`/projects/${project.id}/members`);
  await owner.page.getByRole('button', { name: 'Leave project…' }).click();
  await owner.page.getByRole('button', { name: `Yes, leave “${project.name}”` }).click();
  await expect(owner.page.getByRole('alert')).toContainText('You are the last owner');
  await expectAccessible(owner.page, 'members (last owner cannot leave)');
  await owner.page.goto('/');
  await expect(owner.page.getByRole('link', { name: project.name })).toBeVisible();
});
