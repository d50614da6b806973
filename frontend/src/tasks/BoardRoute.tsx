import { useEffect } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useProjectContext } from '../projects/ProjectLayout';
import { BoardPage } from './BoardPage';
import { isPlainClick, taskLinkOnBoard } from './panel';

/**
 * The board with the open task over it: `/projects/:id` is the board alone, and
 * `/projects/:id/tasks/:taskId` the same board (still mounted, its scroll and loaded pages
 * kept) with the task's panel (TaskPanel.tsx) as the child route.
 *
 * The cards stay plain links (a middle click or "open in new tab" opens the task's own
 * address). A plain click on one also takes the board's search along, so the board behind
 * the panel keeps its filters and closing the panel gives the same board back.
 */
export function BoardRoute() {
  const context = useProjectContext();
  const projectId = context.project.id;
  const { search } = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    // Capture, on the document: before the link's own handler (which then stands aside).
    const onClick = (event: MouseEvent) => {
      if (!isPlainClick(event) || !(event.target instanceof Element)) return;
      const link = event.target.closest('a[href]');
      if (!link || link.getAttribute('target')) return;
      const to = taskLinkOnBoard(link.getAttribute('href') ?? '', projectId, search);
      if (to === null || !search) return;
      event.preventDefault();
      navigate(to);
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [projectId, search, navigate]);
  return (
    <>
      <BoardPage />
      <Outlet context={context} />
    </>
  );
}
