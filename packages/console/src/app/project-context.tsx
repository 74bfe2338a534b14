import { createContext, useContext } from 'react';
import type { OrgSummary, ProjectSummary } from '../api/types';

/** The project the URL names, and its organisation, for every view under /p/:projectId. */
export interface CurrentProject {
  readonly project: ProjectSummary;
  readonly org: OrgSummary;
}

export const ProjectContext = createContext<CurrentProject | null>(null);

export function useCurrentProject(): CurrentProject {
  const v = useContext(ProjectContext);
  if (!v) throw new Error('useCurrentProject outside a project route');
  return v;
}

export function findProject(orgs: readonly OrgSummary[], projectId: string): CurrentProject | null {
  for (const org of orgs) {
    const project = org.projects.find((p) => p.id === projectId);
    if (project) return { project, org };
  }
  return null;
}

export type Section = 'overview' | 'insights' | 'dashboards' | 'people' | 'data' | 'settings';

/** Builds in-app links; every view's address starts with its project. */
export function projectPath(projectId: string, section: Section, rest = ''): string {
  return `/p/${encodeURIComponent(projectId)}/${section}${rest}`;
}
