import { Outlet, useLocation } from 'react-router';
import { useProjectContext } from '../projects/ProjectLayout';
import { BoardPage, BoardSearch } from './BoardPage';

/**
 * The board with the open task over it: `/projects/:id` is the board alone, and
 * `/projects/:id/tasks/:taskId` the same board (still mounted, its scroll and loaded pages
 * kept) with the task's panel (TaskPanel.tsx) as the child route.
 *
 * The cards' links carry the board's search (panel.ts `taskPath`), so the board behind the
 * panel keeps its filters, also in a new tab or from a copied link, and closing the panel
 * gives the same board back.
 */
export function BoardRoute() {
  const context = useProjectContext();
  const { search } = useLocation();
  return (
    <>
      <BoardSearch.Provider value={search}>
        <BoardPage />
      </BoardSearch.Provider>
      <Outlet context={context} />
    </>
  );
}
