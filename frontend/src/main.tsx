import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ComponentType, lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
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
 * of its own, so the login page does not ship the board's code.
 */
function routePage<K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
  label = 'Loading…',
) {
  const Page = lazy(
    async (): Promise<{ default: ComponentType }> => ({
      default: (await load())[name],
    }),
  );
  return (
    <Suspense fallback={<Loading label={label} />}>
      <Page />
    </Suspense>
  );
}

const auth = () => import('./auth/pages');
const appLayout = () => import('./ui/AppLayout');
const projects = () => import('./projects/ProjectsPage');
const projectLayout = () => import('./projects/ProjectLayout');
const taskPages = () => import('./tasks/TaskPages');

const router = createBrowserRouter([
  { path: '/login', element: routePage(auth, 'LoginPage') },
  { path: '/signup', element: routePage(auth, 'SignupPage') },
  {
    path: '/',
    element: routePage(appLayout, 'AppLayout'),
    children: [
      { index: true, element: routePage(projects, 'ProjectsPage') },
      { path: 'account', element: routePage(auth, 'AccountPage') },
      {
        path: 'invitations/:token',
        element: routePage(() => import('./projects/AcceptInvitationPage'), 'AcceptInvitationPage'),
      },
      {
        path: 'projects/:projectId',
        element: routePage(projectLayout, 'ProjectLayout', 'Loading project…'),
        children: [
          {
            // The board stays mounted under an open task: the task is a panel over it.
            element: routePage(() => import('./tasks/BoardRoute'), 'BoardRoute', 'Loading tasks…'),
            children: [
              { index: true, element: null },
              {
                path: 'tasks/:taskId',
                element: routePage(() => import('./tasks/TaskPanel'), 'TaskPanel', 'Loading task…'),
              },
            ],
          },
          { path: 'tasks/new', element: routePage(taskPages, 'NewTaskPage') },
          {
            path: 'activity',
            element: routePage(
              () => import('./activity/ProjectActivityPage'),
              'ProjectActivityPage',
            ),
          },
          {
            path: 'members',
            element: routePage(() => import('./projects/MembersPage'), 'MembersPage'),
          },
          {
            path: 'export',
            element: routePage(() => import('./exports/ExportPage'), 'ExportPage'),
          },
          {
            path: 'settings',
            element: routePage(
              () => import('./projects/ProjectSettingsPage'),
              'ProjectSettingsPage',
            ),
          },
        ],
      },
    ],
  },
  { path: '*', element: routePage(appLayout, 'NotFoundPage') },
]);

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
