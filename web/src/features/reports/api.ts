import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch, query } from '../../api/client.ts';

export type Period = 'week' | 'month' | 'quarter' | 'year';
export type Chart = 'funnel' | 'activity' | 'speed-to-lead' | 'pipeline-summary' | 'pipeline-stages' | 'loss-reasons' | 'hints';
export type Widget = { id: string; title: string; report: Chart; chart: string; filters: Record<string, string> };
export type Dashboard = { id: string; name: string; ownerId: string | null; shared: boolean; builtIn: boolean; widgets: Widget[]; version: number };
export type DashboardInput = { name: string; shared: boolean; widgets: Widget[] };

/** The report catalogue a dashboard draws from: what each chart shows, how, and which parameters it takes. */
export const CATALOGUE: Record<Chart, { label: string; chart: string; params: readonly ('groupBy' | 'bucket' | 'currency')[] }> = {
  funnel: { label: 'Funnel (leads → customers)', chart: 'funnel', params: ['groupBy'] },
  activity: { label: 'Activity against goals', chart: 'bar', params: ['bucket'] },
  'speed-to-lead': { label: 'Speed-to-lead and SLA', chart: 'number', params: [] },
  'pipeline-summary': { label: 'Pipeline, coverage and win rate', chart: 'number', params: ['currency'] },
  'pipeline-stages': { label: 'Stage conversion', chart: 'bar', params: ['currency'] },
  'loss-reasons': { label: 'Loss reasons', chart: 'bar', params: ['currency'] },
  hints: { label: 'What changed (hints)', chart: 'list', params: [] },
};
export const CHART_NAMES = Object.keys(CATALOGUE) as Chart[];

export type FunnelStep = 'leads' | 'qualified' | 'opportunities' | 'won' | 'customers';
export type FunnelRow = { step: FunnelStep; count: number; conversion: number | null; fromStart: number | null; medianDays: number | null };
export type FunnelReport = { from: string; to: string; steps: FunnelRow[]; leak: string | null; groups: { key: string | null; steps: FunnelRow[] }[] };
type Goals = { calls: number | null; connects: number | null; emails: number | null };
export type ActivityRow = { repId: string; repName: string; bucket: string; calls: number; connects: number; emails: number; replies: number; meetingsBooked: number; meetingsHeld: number; connectRate: number | null; replyRate: number | null; goals: Goals; attainment: Goals };
export type ActivityReport = { rows: ActivityRow[]; totals: Omit<ActivityRow, 'repId' | 'repName' | 'bucket'>; speedToLead: { clocks: number; met: number; breached: number; running: number; compliance: number | null; medianMinutes: number | null } };
export type PipelineReport = {
  currency: string;
  currencies: string[];
  target: number | null;
  targetFrom: 'quota' | 'parameter' | null;
  quotaPeriod: string | null;
  openAmount: number;
  openDeals: number;
  created: { deals: number; amount: number };
  closed: { won: number; lost: number; wonAmount: number };
  winRate: number | null;
  averageDealSize: number | null;
  medianCycleDays: number | null;
  slippageRate: number | null;
  remainingTarget: number | null;
  coverage: number | null;
  lossReasons: { reason: string; deals: number; amount: number }[];
  stages: { stageId: string; name: string; reached: number; toNext: number | null }[];
};
export type HintsReport = { hints: { text: string; change: number }[]; leak: string | null };
export type RecordsPage = { data: Record<string, unknown>[]; total: number; offset: number; limit: number };

export type ReportParams = Record<string, string | number | undefined>;

const REPORT_PATH: Record<Chart, string> = {
  funnel: 'funnel',
  activity: 'activity',
  'speed-to-lead': 'activity',
  'pipeline-summary': 'pipeline',
  'pipeline-stages': 'pipeline',
  'loss-reasons': 'pipeline',
  hints: 'hints',
};

export const useDashboards = () => useQuery({ queryKey: ['dashboards'], queryFn: () => api<{ data: Dashboard[] }>('/api/v1/dashboards') });

/** Makes a dashboard, or changes one (`id` and `version` given: a stale version is a 409). */
export function useSaveDashboard() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, ...body }: DashboardInput & { id?: string | undefined; version?: number | undefined }) =>
      id ? api<Dashboard>(`/api/v1/dashboards/${id}`, { method: 'PATCH', body, headers: ifMatch(version ?? 0) }) : api<Dashboard>('/api/v1/dashboards', { method: 'POST', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['dashboards'] }),
  });
}

export function useDeleteDashboard() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<null>(`/api/v1/dashboards/${id}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['dashboards'] }),
  });
}

export function useReport<T>(chart: Chart, params: ReportParams) {
  const path = REPORT_PATH[chart];
  return useQuery({ queryKey: ['reports', path, params], queryFn: () => api<T>(`/api/v1/reports/${path}${query(params)}`) });
}

/** The records behind a number: `kind` funnel takes `step`, pipeline takes `set`. */
export function useRecords(kind: 'funnel' | 'pipeline' | null, params: ReportParams) {
  return useQuery({ queryKey: ['reports', kind, 'records', params], queryFn: () => api<RecordsPage>(`/api/v1/reports/${kind}/records${query(params)}`), enabled: kind !== null });
}

export const csvUrl = (chart: Chart, params: ReportParams) => `/api/v1/reports/export.csv${query({ ...params, chart })}`;

export const percent = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v * 1000) / 10}%`);
export const amount = (minor: number | null | undefined) => (minor === null || minor === undefined ? '–' : (minor / 100).toLocaleString(undefined, { maximumFractionDigits: 0 }));

/** Draws a chart's SVG onto a canvas and downloads it as PNG (white background, 2× for sharpness). */
export async function downloadPng(container: HTMLElement | null, fileName: string): Promise<void> {
  const svg = container?.querySelector('svg.recharts-surface, svg');
  if (!svg) return;
  const box = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(box.width));
  clone.setAttribute('height', String(box.height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('The chart could not be drawn'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = box.width * 2;
    canvas.height = box.height * 2;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.scale(2, 2);
    context.drawImage(image, 0, 0, box.width, box.height);
    const link = document.createElement('a');
    link.download = fileName;
    link.href = canvas.toDataURL('image/png');
    link.click();
  } finally {
    URL.revokeObjectURL(url);
  }
}
