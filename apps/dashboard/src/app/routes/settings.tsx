import { NavLink, Outlet, useLocation } from 'react-router';
import { useCan } from '../../lib/permissions';
import { settingsSections, type SettingsSection } from './settings-sections';

function SectionLink({ section }: { section: SettingsSection }) {
  const allowed = useCan(section.need ?? 'viewer');
  if (!allowed) return null;
  return (
    <li>
      <NavLink to={`/settings/${section.path}`} className="subnav-link">
        {section.label}
      </NavLink>
    </li>
  );
}

/**
 * Settings (DESIGN §6), split into sub-pages (issue 13): a sub-navigation beside the chosen one,
 * each its own URL (`/settings/account`, `/settings/access`, …; `/settings` opens the first).
 */
export function SettingsRoute() {
  const { pathname } = useLocation();
  const current = settingsSections.find((s) => pathname.startsWith(`/settings/${s.path}`)) ?? settingsSections[0]!;
  return (
    <div className="page page-medium">
      <title>{`${current.label} · Settings · mqdash`}</title>
      <div className="page-header">
        <h1 className="page-title">Settings</h1>
      </div>
      <div className="settings-layout">
        <nav aria-label="Settings" className="settings-subnav">
          <ul>
            {settingsSections.map((s) => <SectionLink key={s.path} section={s} />)}
          </ul>
        </nav>
        <div className="stack-lg settings-content">
          <Outlet />
        </div>
      </div>
    </div>
  );
}

/** One sub-page; a section the role may not see says so instead of showing nothing. */
export function SettingsSectionRoute({ section }: { section: SettingsSection }) {
  const allowed = useCan(section.need ?? 'viewer');
  return allowed ? section.element : <p className="muted">Only an administrator sees {section.label.toLowerCase()}.</p>;
}
