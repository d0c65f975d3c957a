// Every chart's numbers as CSV: the same report the chart draws, flattened to one row per bar.
import type { Actor } from '../../core/actor.ts';
import type { Db } from '../../core/db.ts';
import { toCsv } from './model.ts';
import { activityReport, funnelReport, hintsReport, pipelineReport, type ReportFilter } from './service.ts';

export const CHARTS = ['funnel', 'activity', 'speed-to-lead', 'pipeline-summary', 'pipeline-stages', 'loss-reasons', 'hints'] as const;
export type Chart = (typeof CHARTS)[number];

export async function chartCsv(db: Db, actor: Actor, chart: Chart, filter: ReportFilter, pipeline: { currency?: string | undefined; target?: number | undefined } = {}): Promise<string> {
  switch (chart) {
    case 'funnel': {
      const report = await funnelReport(db, actor, filter);
      return toCsv(['step', 'count', 'conversion', 'fromStart', 'medianDays'], report.steps);
    }
    case 'activity': {
      const report = await activityReport(db, actor, filter, 'week');
      const rows = report.rows.map((r) => ({ ...r, callsGoal: r.goals.calls, connectsGoal: r.goals.connects, emailsGoal: r.goals.emails }));
      return toCsv(['bucket', 'repId', 'repName', 'calls', 'callsGoal', 'connects', 'connectsGoal', 'connectRate', 'emails', 'emailsGoal', 'replies', 'replyRate', 'meetingsBooked', 'meetingsHeld'], rows);
    }
    case 'speed-to-lead': {
      const report = await activityReport(db, actor, filter, 'week');
      return toCsv(['clocks', 'met', 'breached', 'running', 'compliance', 'medianMinutes'], [report.speedToLead]);
    }
    case 'pipeline-summary': {
      const p = await pipelineReport(db, actor, filter, pipeline);
      const metrics: [string, number | string | null][] = [
        ['currency', p.currency],
        ['openAmount', p.openAmount],
        ['openDeals', p.openDeals],
        ['createdDeals', p.created.deals],
        ['createdAmount', p.created.amount],
        ['wonDeals', p.closed.won],
        ['wonAmount', p.closed.wonAmount],
        ['lostDeals', p.closed.lost],
        ['winRate', p.winRate],
        ['averageDealSize', p.averageDealSize],
        ['medianCycleDays', p.medianCycleDays],
        ['slippageRate', p.slippageRate],
        ['target', p.target],
        ['remainingTarget', p.remainingTarget],
        ['coverage', p.coverage],
      ];
      return toCsv(['metric', 'value'], metrics.map(([metric, value]) => ({ metric, value })));
    }
    case 'pipeline-stages':
      return toCsv(['stageId', 'name', 'reached', 'toNext'], (await pipelineReport(db, actor, filter, pipeline)).stages);
    case 'loss-reasons':
      return toCsv(['reason', 'deals', 'amount'], (await pipelineReport(db, actor, filter, pipeline)).lossReasons);
    case 'hints':
      return toCsv(['kind', 'key', 'metric', 'previous', 'current', 'change', 'text'], (await hintsReport(db, actor, filter)).hints);
  }
}
