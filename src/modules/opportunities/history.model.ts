// Reading a deal's history: how long it sat in each stage, how often its close date slipped and
// how its amount moved — what forecasts and pipeline reviews ask about. Pure.

export type HistoryEntry = {
  changedAt: string;
  changes: readonly string[];
  stageId: string;
  amount: number;
  previousAmount: number | null;
  closeDate: string;
  previousCloseDate: string | null;
};

export type StageVisit = { stageId: string; enteredAt: string; leftAt: string | null; days: number };

const DAY = 86_400_000;

/** Each stay in a stage, in order (a deal that goes back and forth has several stays in one stage). */
export function stageVisits(entries: readonly HistoryEntry[], now: Date): StageVisit[] {
  const visits: StageVisit[] = [];
  for (const entry of entries) {
    const current = visits.at(-1);
    if (current && current.stageId === entry.stageId) continue;
    if (current) current.leftAt = entry.changedAt;
    visits.push({ stageId: entry.stageId, enteredAt: entry.changedAt, leftAt: null, days: 0 });
  }
  for (const visit of visits) {
    const end = visit.leftAt ? Date.parse(visit.leftAt) : now.getTime();
    visit.days = Math.round(((end - Date.parse(visit.enteredAt)) / DAY) * 10) / 10;
  }
  return visits;
}

/** Days spent in each stage over all its stays. */
export function daysInStage(visits: readonly StageVisit[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const visit of visits) totals.set(visit.stageId, Math.round(((totals.get(visit.stageId) ?? 0) + visit.days) * 10) / 10);
  return totals;
}

export type Slippage = { closeDatePushes: number; daysPushed: number; amountChanges: number; amountChange: number };

/** Close dates moved later (pulled-in dates are not slips), and amount changes with their net effect. */
export function slippage(entries: readonly HistoryEntry[]): Slippage {
  let closeDatePushes = 0;
  let daysPushed = 0;
  let amountChanges = 0;
  let amountChange = 0;
  for (const entry of entries) {
    if (entry.changes.includes('close_date') && entry.previousCloseDate && entry.closeDate > entry.previousCloseDate) {
      closeDatePushes += 1;
      daysPushed += Math.round((Date.parse(entry.closeDate) - Date.parse(entry.previousCloseDate)) / DAY);
    }
    if (entry.changes.includes('amount') && entry.previousAmount !== null) {
      amountChanges += 1;
      amountChange += entry.amount - entry.previousAmount;
    }
  }
  return { closeDatePushes, daysPushed, amountChanges, amountChange };
}
