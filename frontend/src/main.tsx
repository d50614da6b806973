import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api';
import { AuthProvider } from './auth/AuthContext';
import { AccountPage, LoginPage, SignupPage } from './auth/pages';
import { ExportPage } from './exports/ExportPage';
import { AcceptInvitationPage } from './projects/AcceptInvitationPage';
import { MembersPage } from './projects/MembersPage';
import { ProjectLayout } from './projects/ProjectLayout';
import { ProjectSettingsPage } from './projects/ProjectSettingsPage';
import { ProjectsPage } from './projects/ProjectsPage';
import { BoardPage } from './tasks/BoardPage';
import { NewTaskPage, TaskPage } from './tasks/TaskPages';
import { AppLayout, NotFoundPage } from './ui/AppLayout';
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

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/signup', element: <SignupPage /> },
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <ProjectsPage /> },
      { path: 'account', element: <AccountPage /> },
      { path: 'invitations/:token', element: <AcceptInvitationPage /> },
      {
        path: 'projects/:projectId',
        element: <ProjectLayout />,
        children: [
          { index: true, element: <BoardPage /> },
          { path: 'tasks/new', element: <NewTaskPage /> },
          { path: 'tasks/:taskId', element: <TaskPage /> },
          { path: 'members', element: <MembersPage /> },
          { path: 'export', element: <ExportPage /> },
          { path: 'settings', element: <ProjectSettingsPage /> },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
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
