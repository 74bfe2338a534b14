import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useMe, useSession } from '../auth/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages-en';
import { projectPath, type Section, useCurrentProject } from './project-context';

/** The sidebar follows the work: the AARRR overview, analysis, people, data, settings. */
const NAV: readonly { section: Section; label: MessageKey; hint: MessageKey; icon: string }[] = [
  { section: 'overview', label: 'nav.overview', hint: 'nav.overview.hint', icon: '◔' },
  { section: 'insights', label: 'nav.insights', hint: 'nav.insights.hint', icon: '▤' },
  { section: 'dashboards', label: 'nav.dashboards', hint: 'nav.dashboards.hint', icon: '▦' },
  { section: 'people', label: 'nav.people', hint: 'nav.people.hint', icon: '◉' },
  { section: 'data', label: 'nav.data', hint: 'nav.data.hint', icon: '⇅' },
  { section: 'settings', label: 'nav.settings', hint: 'nav.settings.hint', icon: '⚙' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { project } = useCurrentProject();
  const [location] = useLocation();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <aside className="sidebar">
        <div className="sidebar-inner">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              ◎
            </span>
            <span>Opsloop</span>
          </div>
          <nav aria-label={t('nav.label')}>
            <ul>
              {NAV.map((item) => {
                const href = projectPath(project.id, item.section);
                const current = location.startsWith(href);
                return (
                  <li key={item.section}>
                    <Link
                      href={href}
                      className={current ? 'nav-link active' : 'nav-link'}
                      aria-current={current ? 'page' : undefined}
                    >
                      <span className="nav-icon" aria-hidden="true">
                        {item.icon}
                      </span>
                      <span className="nav-text">
                        <span>{t(item.label)}</span>
                        <span className="nav-hint">{t(item.hint)}</span>
                      </span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
        </div>
      </aside>
      <div className="main-column">
        <Header />
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

function Header() {
  const { t } = useI18n();
  const me = useMe();
  const { logout } = useSession();
  const { project } = useCurrentProject();
  const [location, navigate] = useLocation();
  // Switching project keeps the section (and tab) the person is looking at.
  const section = location.split('/')[3] ?? 'overview';
  const rest = location.split('/').slice(4).join('/');
  return (
    <header className="topbar">
      <label className="project-switch">
        <span className="visually-hidden">{t('header.project')}</span>
        <select
          value={project.id}
          data-testid="project-switch"
          onChange={(e) =>
            navigate(projectPath(e.target.value, section as Section, rest ? `/${rest}` : ''))
          }
        >
          {me.organizations.map((org) => (
            <optgroup key={org.id} label={org.name}>
              {org.projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <div className="topbar-right">
        <LanguageSwitch />
        <span className="user" title={me.user.email}>
          {me.user.name || me.user.email}
        </span>
        <button type="button" onClick={() => void logout()} data-testid="logout">
          {t('header.logout')}
        </button>
      </div>
    </header>
  );
}
