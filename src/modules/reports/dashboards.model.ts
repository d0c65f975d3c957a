// Dashboards without IO: the default one per role, and the rules for widgets.
import type { Role } from '../../core/roles.ts';
import type { DashboardWidget } from './schema.ts';
import { CHARTS } from './export.ts';

export const CHART_TYPES = ['funnel', 'bar', 'line', 'table', 'number', 'list'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export { CHARTS };

/** The filters a widget may fix (the rest follow the dashboard's own period and team picker). */
export const WIDGET_FILTERS = ['period', 'repId', 'teamId', 'source', 'territoryId', 'target', 'groupBy', 'bucket', 'currency'] as const;

const w = (id: string, title: string, report: DashboardWidget['report'], chart: ChartType, filters: Record<string, string> = {}): DashboardWidget => ({ id, title, report, chart, filters });

const REP: DashboardWidget[] = [
  w('activity', 'My activity vs goals', 'activity', 'bar', { bucket: 'day', period: 'week' }),
  w('speed', 'Speed-to-lead', 'speed-to-lead', 'number', { period: 'month' }),
  w('funnel', 'My funnel', 'funnel', 'funnel', { period: 'quarter' }),
  w('pipeline', 'My pipeline', 'pipeline-summary', 'number', { period: 'quarter' }),
];
const MANAGER: DashboardWidget[] = [
  w('hints', 'What changed', 'hints', 'list', { period: 'month' }),
  w('activity', 'Team activity vs goals', 'activity', 'bar', { bucket: 'week', period: 'month' }),
  w('funnel', 'Funnel by rep', 'funnel', 'funnel', { period: 'quarter', groupBy: 'rep' }),
  w('pipeline', 'Pipeline', 'pipeline-summary', 'number', { period: 'quarter' }),
  w('stages', 'Stage conversion', 'pipeline-stages', 'bar', { period: 'quarter' }),
  w('losses', 'Loss reasons', 'loss-reasons', 'bar', { period: 'quarter' }),
  w('speed', 'Speed-to-lead', 'speed-to-lead', 'number', { period: 'month' }),
];
const EXECUTIVE: DashboardWidget[] = [
  w('pipeline', 'Pipeline and coverage', 'pipeline-summary', 'number', { period: 'quarter' }),
  w('funnel', 'Funnel by source', 'funnel', 'funnel', { period: 'quarter', groupBy: 'source' }),
  w('stages', 'Stage conversion', 'pipeline-stages', 'bar', { period: 'quarter' }),
  w('losses', 'Loss reasons', 'loss-reasons', 'bar', { period: 'year' }),
  w('hints', 'What changed', 'hints', 'list', { period: 'quarter' }),
];

export type DefaultDashboard = { id: string; name: string; role: 'rep' | 'manager' | 'executive'; widgets: DashboardWidget[] };

export const DEFAULT_DASHBOARDS: DefaultDashboard[] = [
  { id: 'default-rep', name: 'Rep', role: 'rep', widgets: REP },
  { id: 'default-manager', name: 'Manager', role: 'manager', widgets: MANAGER },
  { id: 'default-executive', name: 'Executive', role: 'executive', widgets: EXECUTIVE },
];

/** Which default dashboard a role opens on: admins see the manager's. Partners have none. */
export function defaultDashboardFor(role: Role): DefaultDashboard | null {
  const key = role === 'admin' ? 'manager' : role;
  return DEFAULT_DASHBOARDS.find((d) => d.role === key) ?? null;
}

/** Widget ids must be unique within a dashboard (the UI keys charts by them); null when fine. */
export function widgetProblem(widgets: readonly DashboardWidget[]): string | null {
  const seen = new Set<string>();
  for (const x of widgets) {
    if (seen.has(x.id)) return `Widget id "${x.id}" is used twice`;
    seen.add(x.id);
    for (const key of Object.keys(x.filters)) if (!(WIDGET_FILTERS as readonly string[]).includes(key)) return `Widget "${x.id}": unknown filter "${key}"`;
  }
  return null;
}
