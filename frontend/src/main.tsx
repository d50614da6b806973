import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ComponentType, lazy, StrictMode, Suspense, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, type RouteObject, RouterProvider } from 'react-router';
import { ApiError } from './api';
import { AuthProvider } from './auth/AuthContext';
import { Loading } from './ui/components';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Client errors (404, 403, 422...) will not change on retry; server hiccups might.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

/**
 * A route's page, loaded when the route is first shown (issue 10): each page module is a chunk
 * of its own, so the login page does not ship the board's code. The route's `handle.load`
 * starts the same chunk early (below).
 */
function page<K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
  label = 'Loading…',
): Pick<RouteObject, 'element' | 'handle'> {
  const Page = lazy(
    async (): Promise<{ default: ComponentType }> => ({
      default: (await load())[name],
    }),
  );
  return {
    handle: { load } satisfies PageHandle,
    element: (
      <Suspense fallback={<Loading label={label} />}>
        <Page />
      </Suspense>
    ),
  };
}

interface PageHandle {
  load: () => Promise<unknown>;
}

const auth = () => import('./auth/pages');
const appLayout = () => import('./ui/AppLayout');
const projects = () => import('./projects/ProjectsPage');
const projectLayout = () => import('./projects/ProjectLayout');
const taskPages = () => import('./tasks/TaskPages');

const routes: RouteObject[] = [
  { path: '/login', ...page(auth, 'LoginPage') },
  { path: '/signup', ...page(auth, 'SignupPage') },
  {
    path: '/',
    ...page(appLayout, 'AppLayout'),
    children: [
      { index: true, ...page(projects, 'ProjectsPage') },
      { path: 'account', ...page(auth, 'AccountPage') },
      {
        path: 'invitations/:token',
        ...page(() => import('./projects/AcceptInvitationPage'), 'AcceptInvitationPage'),
      },
      {
        path: 'projects/:projectId',
        ...page(projectLayout, 'ProjectLayout', 'Loading project…'),
        children: [
          {
            // The board stays mounted under an open task: the task is a panel over it.
            ...page(() => import('./tasks/BoardRoute'), 'BoardRoute', 'Loading tasks…'),
            children: [
              { index: true, element: null },
              {
                path: 'tasks/:taskId',
                ...page(() => import('./tasks/TaskPanel'), 'TaskPanel', 'Loading task…'),
              },
            ],
          },
          { path: 'tasks/new', ...page(taskPages, 'NewTaskPage') },
          {
            path: 'activity',
            ...page(() => import('./activity/ProjectActivityPage'), 'ProjectActivityPage'),
          },
          { path: 'members', ...page(() => import('./projects/MembersPage'), 'MembersPage') },
          { path: 'export', ...page(() => import('./exports/ExportPage'), 'ExportPage') },
          {
            path: 'settings',
            ...page(() => import('./projects/ProjectSettingsPage'), 'ProjectSettingsPage'),
          },
        ],
      },
    ],
  },
  { path: '*', ...page(appLayout, 'NotFoundPage') },
];

const router = createBrowserRouter(routes);

// The first page's chunks all at once (issue 10): a `React.lazy` page asks for its chunk only
// once the page around it has loaded and rendered, one round trip after another (the board: the
// app's layout, then the project's, then the board). The later `import()`s get these modules.
// The innermost page's first: the board's chunk is the largest, and the first paint of its
// cards waits for it. The router has matched the address already: matching it again (ranking
// every route) cost the start-up's longest task a few milliseconds more. In a task of their
// own: asking for a chunk adds a <link rel="modulepreload"> per file it needs, a fifth of the
// entry's evaluation, which is the start-up's longest task.
const firstPage = [...router.state.matches].reverse();
setTimeout(() => {
  for (const match of firstPage) void (match.route.handle as PageHandle | undefined)?.load();
}, 0);

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
// The first render is a transition (issue 10): it yields to the browser every few
// milliseconds instead of building the whole app in one task that holds up input.
const app = createRoot(root);
startTransition(() =>
  app.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </QueryClientProvider>
    </StrictMode>,
  ),
);
