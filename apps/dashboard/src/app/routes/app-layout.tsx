import { NavLink, Outlet, useNavigate } from 'react-router';
import { Brand } from '../../components/layout/brand';
import { ThemeMenu } from '../../components/layout/theme-menu';
import { Button } from '../../components/ui/button';
import { User } from '../../components/ui/icons';
import { useMe } from '../../features/auth/api/get-me';
import { useLogout } from '../../features/auth/api/logout';
import { LiveIndicator } from '../../features/live/components/live-indicator';
import { RoleProvider } from '../../lib/permissions';
import { useLiveSync } from '../live-sync';
import { SpeedOfHand } from '../shortcuts/speed-of-hand';

/** Main navigation (DESIGN §6). */
const navItems = [
  { to: '/overview', label: 'Overview' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/labels', label: 'Labels' },
  { to: '/retained', label: 'Retained' },
  { to: '/settings', label: 'Settings' },
];

/** Header (brand, navigation, live indicator, theme, account) above every signed-in page; the live feed runs while it is shown. */
export function AppLayout() {
  const me = useMe();
  const reconnect = useLiveSync();
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <div className="app">
      <a href="#main" className="skip-link">Skip to main content</a>
      <header className="app-header">
        <NavLink to="/sessions" className="brand-link" aria-label="mqdash home">
          <Brand />
        </NavLink>
        <nav aria-label="Main" className="main-nav">
          {navItems.map((item) => (
            <NavLink key={item.to} to={item.to} className="nav-link">
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="header-end">
          <LiveIndicator onReconnect={reconnect} />
          <ThemeMenu />
          {me.data && (
            <span className="header-user">
              <User /> <span>{me.data.username}</span>
              <span className="header-role" title="Your role">{me.data.role}</span>
            </span>
          )}
          <Button variant="ghost" size="sm" isPending={logout.isPending} onPress={() => logout.mutate(undefined, { onSuccess: () => void navigate('/login', { replace: true }) })}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <RoleProvider role={me.data?.role}>
          <Outlet />
        </RoleProvider>
      </main>
      <SpeedOfHand />
    </div>
  );
}
