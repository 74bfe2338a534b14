import { Link, useParams } from 'wouter';
import { projectPath, useCurrentProject } from '../../app/project-context';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages-en';
import { ApiKeysPanel } from './ApiKeysPanel';
import { AuditPanel } from './AuditPanel';
import { GroupsPanel } from './GroupsPanel';
import { InvitationsPanel } from './InvitationsPanel';
import { MembersPanel } from './MembersPanel';
import { ProjectPanel } from './ProjectPanel';

const TABS = ['project', 'keys', 'members', 'groups', 'invitations', 'audit'] as const;
type Tab = (typeof TABS)[number];

const LABELS: Record<Tab, MessageKey> = {
  project: 'settings.tab.project',
  keys: 'settings.tab.keys',
  members: 'settings.tab.members',
  groups: 'settings.tab.groups',
  invitations: 'settings.tab.invitations',
  audit: 'settings.tab.audit',
};

function isTab(v: string | undefined): v is Tab {
  return (TABS as readonly string[]).includes(v ?? '');
}

/** Project and organisation settings; the tab is part of the address. */
export default function SettingsView() {
  const { t } = useI18n();
  const { project } = useCurrentProject();
  const params = useParams<{ tab?: string }>();
  const tab: Tab = isTab(params.tab) ? params.tab : 'project';
  return (
    <div className="view">
      <header className="view-head">
        <h1>{t('settings.title')}</h1>
      </header>
      <nav className="tabs" aria-label={t('settings.title')}>
        {TABS.map((k) => (
          <Link
            key={k}
            href={projectPath(project.id, 'settings', `/${k}`)}
            className={k === tab ? 'tab active' : 'tab'}
            aria-current={k === tab ? 'page' : undefined}
          >
            {t(LABELS[k])}
          </Link>
        ))}
      </nav>
      {tab === 'project' ? <ProjectPanel /> : null}
      {tab === 'keys' ? <ApiKeysPanel /> : null}
      {tab === 'members' ? <MembersPanel /> : null}
      {tab === 'groups' ? <GroupsPanel /> : null}
      {tab === 'invitations' ? <InvitationsPanel /> : null}
      {tab === 'audit' ? <AuditPanel /> : null}
    </div>
  );
}
