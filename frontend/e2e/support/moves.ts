import type { Locator, Page } from '@playwright/test';

/**
 * Moves a card to another column the way that needs no dragging: its "Move" button, then the
 * column's button among the choices it shows (tasks/BoardPage.tsx `MoveChoices`).
 */
export async function moveWithButton(
  scope: Page | Locator,
  title: string,
  column: 'To do' | 'In progress' | 'Done',
): Promise<void> {
  await scope.getByRole('button', { name: `Move ${title}`, exact: true }).click();
  await scope
    .getByRole('list', { name: `Move ${title} to` })
    .getByRole('button', { name: column, exact: true })
    .click();
}
