import { createBrowserRouter, Navigate } from 'react-router';
import { RouteError } from '../components/errors/route-error';
import { AppLayout } from './routes/app-layout';
import { LabelsRoute } from './routes/labels';
import { LoginRoute } from './routes/login';
import { NodesRoute } from './routes/nodes';
import { NotFoundRoute } from './routes/not-found';
import { OverviewRoute } from './routes/overview';
import { RequireAuth } from './routes/require-auth';
import { RetainedRoute } from './routes/retained';
import { SessionDetailRoute } from './routes/session-detail';
import { SessionsRoute } from './routes/sessions';
import { SettingsRoute, SettingsSectionRoute } from './routes/settings';
import { settingsSections } from './routes/settings-sections';

/**
 * Routes combine the features (STYLE #6). Each page has its own error boundary (STYLE #14), inside
 * the layout so the header and navigation survive a failing page.
 */
export const router = createBrowserRouter([
  { path: '/login', element: <LoginRoute />, errorElement: <RouteError /> },
  {
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <Navigate to="/sessions" replace /> },
          { path: 'overview', element: <OverviewRoute />, errorElement: <RouteError /> },
          { path: 'sessions', element: <SessionsRoute />, errorElement: <RouteError /> },
          { path: 'sessions/:clientName', element: <SessionDetailRoute />, errorElement: <RouteError /> },
          { path: 'labels', element: <LabelsRoute />, errorElement: <RouteError /> },
          { path: 'retained', element: <RetainedRoute />, errorElement: <RouteError /> },
          { path: 'nodes', element: <NodesRoute />, errorElement: <RouteError /> },
          {
            path: 'settings',
            element: <SettingsRoute />,
            errorElement: <RouteError />,
            children: [
              { index: true, element: <Navigate to={settingsSections[0]!.path} replace /> },
              ...settingsSections.map((section) => ({ path: section.path, element: <SettingsSectionRoute section={section} /> })),
            ],
          },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
]);
