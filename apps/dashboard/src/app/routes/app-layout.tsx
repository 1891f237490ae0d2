import { useState, type KeyboardEvent } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { Brand } from '../../components/layout/brand';
import { ThemeMenu } from '../../components/layout/theme-menu';
import { Button } from '../../components/ui/button';
import { Close, Menu, User } from '../../components/ui/icons';
import { AlertBanner } from '../../features/alerts/components/alert-banner';
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
  { to: '/nodes', label: 'Nodes' },
  { to: '/settings', label: 'Settings' },
];

/**
 * Header (brand, navigation, account, live indicator, theme) above every signed-in page; the live
 * feed runs while it is shown. On a narrow screen (issue 13) the navigation and the account sit
 * behind a Menu button, a disclosure that drops them below the header, so the header never scrolls
 * sideways; from 761 px on they are in the header row and the button is hidden (styles/layout.css).
 */
export function AppLayout() {
  const me = useMe();
  const reconnect = useLiveSync();
  const logout = useLogout();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const closeOnEscape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !menuOpen) return;
    setMenuOpen(false);
    document.getElementById('header-menu-button')?.focus();
  };
  return (
    <div className="app">
      <a href="#main" className="skip-link">Skip to main content</a>
      <header className="app-header" onKeyDown={closeOnEscape}>
        <NavLink to="/sessions" className="brand-link" aria-label="mqdash home">
          <Brand />
        </NavLink>
        <div id="header-menu" className={`header-menu${menuOpen ? ' is-open' : ''}`}>
          <nav aria-label="Main" className="main-nav">
            {navItems.map((item) => (
              <NavLink key={item.to} to={item.to} className="nav-link" onClick={() => setMenuOpen(false)}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="header-account">
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
        </div>
        <div className="header-end">
          <LiveIndicator onReconnect={reconnect} />
          <ThemeMenu />
          <Button
            id="header-menu-button"
            variant="ghost"
            size="sm"
            className="btn-icon header-menu-button"
            aria-label="Menu"
            aria-expanded={menuOpen}
            aria-controls="header-menu"
            onPress={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? <Close /> : <Menu />}
          </Button>
        </div>
      </header>
      <AlertBanner />
      <main id="main" className="app-main" tabIndex={-1}>
        <RoleProvider role={me.data?.role}>
          <Outlet />
        </RoleProvider>
      </main>
      <SpeedOfHand />
    </div>
  );
}
