import { Suspense } from 'react';
import { Redirect, Route, Switch, useLocation, useParams, useSearch } from 'wouter';
import { useSession } from '../auth/session';
import { Loading } from '../components/states';
import { useI18n } from '../i18n/i18n';
import { Layout } from './Layout';
import { lazyView } from './lazy-view';
import { findProject, ProjectContext, projectPath } from './project-context';

// One chunk per view: the shell loads first, each view when it is opened.
const LoginPage = lazyView(() => import('../auth/LoginPage'));
const InvitePage = lazyView(() => import('../auth/InvitePage'));
const OverviewView = lazyView(() => import('../views/overview/OverviewView'));
const InsightsView = lazyView(() => import('../views/insights/InsightsView'));
const DashboardsView = lazyView(() => import('../views/dashboards/DashboardsView'));
const PeopleView = lazyView(() => import('../views/people/PeopleView'));
const DataSection = lazyView(() => import('../views/data/DataView'));
const SettingsView = lazyView(() => import('../views/settings/SettingsView'));

const PROJECT_VIEWS: Readonly<Record<string, { preload(): Promise<void> }>> = {
  overview: OverviewView,
  insights: InsightsView,
  dashboards: DashboardsView,
  people: PeopleView,
  data: DataSection,
  settings: SettingsView,
};

/**
 * Starts fetching the view a page opens on, beside the shell's session check,
 * so that it is there when it first renders (see `lazyView`). A page with no
 * view of its own opens on the overview. A failed fetch is tried again when
 * the view renders.
 */
export function preloadOpeningView(pathname: string): void {
  const view = pathname.startsWith('/invite/')
    ? InvitePage
    : pathname === '/login'
      ? LoginPage
      : (PROJECT_VIEWS[/^\/p\/[^/]+\/([a-z]+)/.exec(pathname)?.[1] ?? ''] ?? OverviewView);
  view.preload().catch(() => undefined);
}

export function App() {
  const { state } = useSession();
  const [location] = useLocation();
  const search = useSearch();

  if (state.status === 'loading') return <Loading />;
  // Invitation links work signed in or not.
  if (location.startsWith('/invite/')) {
    return (
      <Suspense fallback={<Loading />}>
        <Route path="/invite/:token" component={InvitePage} />
      </Suspense>
    );
  }
  if (state.status === 'anonymous') {
    if (location === '/login') {
      return (
        <Suspense fallback={<Loading />}>
          <LoginPage />
        </Suspense>
      );
    }
    const next = `${location}${search ? `?${search}` : ''}`;
    return (
      <Redirect to={`/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`} replace />
    );
  }
  const firstProject = state.me.organizations.flatMap((o) => o.projects)[0];
  return (
    <Switch>
      <Route path="/login">
        <Redirect to="/" replace />
      </Route>
      <Route path="/p/:projectId/*?">
        <ProjectRoutes />
      </Route>
      <Route>
        {firstProject ? (
          <Redirect to={projectPath(firstProject.id, 'overview')} replace />
        ) : (
          <NoProject />
        )}
      </Route>
    </Switch>
  );
}

function ProjectRoutes() {
  const { projectId = '' } = useParams<{ projectId: string }>();
  const { state } = useSession();
  if (state.status !== 'ready') return null;
  const current = findProject(state.me.organizations, projectId);
  if (!current) return <NoProject unknownId={projectId} />;
  const base = `/p/${encodeURIComponent(projectId)}`;
  return (
    <ProjectContext.Provider value={current}>
      <Layout>
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path={`${base}/overview`} component={OverviewView} />
            <Route path={`${base}/insights`} component={InsightsView} />
            <Route path={`${base}/dashboards/:dashboardId?`} component={DashboardsView} />
            <Route path={`${base}/people/:personId?`} component={PeopleView} />
            <Route path={`${base}/data`} component={DataSection} />
            <Route path={`${base}/settings/:tab?`} component={SettingsView} />
            <Route>
              <Redirect to={projectPath(projectId, 'overview')} replace />
            </Route>
          </Switch>
        </Suspense>
      </Layout>
    </ProjectContext.Provider>
  );
}

function NoProject({ unknownId }: { unknownId?: string }) {
  const { t } = useI18n();
  const { logout } = useSession();
  return (
    <main className="login">
      <div className="login-card">
        <h1>{unknownId ? t('project.notFound') : t('project.none')}</h1>
        <p className="muted">{unknownId ? t('project.notFoundHint') : t('project.noneHint')}</p>
        <p>
          {unknownId ? (
            <a href="/">{t('project.backHome')}</a>
          ) : (
            <button type="button" onClick={() => void logout()}>
              {t('header.logout')}
            </button>
          )}
        </p>
      </div>
    </main>
  );
}
