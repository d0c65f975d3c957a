// An organisation's sales-process settings without a database: defaults and what makes them valid.
import type { FieldError } from '../../core/errors.ts';
import { DEFAULT_RECORD_VISIBILITY, type RecordVisibility } from '../visibility/model.ts';

export type OrgSettings = {
  /** The reasons a rep picks from when disqualifying a lead; reports group by them. */
  disqualificationReasons: string[];
  /** Days until a disqualified lead returns to the pool; null: never. */
  recycleAfterDays: number | null;
  /** 1–12: the month the fiscal year starts in; a year is named by the calendar year it ends in. */
  fiscalYearStartMonth: number;
  /** Whether reps see their team's quota and forecast numbers, or only their own. */
  repsSeeTeamNumbers: boolean;
  /** Who sees and edits which leads, contacts, accounts and deals (visibility/model.ts). */
  recordVisibility: RecordVisibility;
};

export const DEFAULT_ORG_SETTINGS: OrgSettings = {
  disqualificationReasons: ['No budget', 'Not decision maker', 'Bad timing', 'Competitor', 'Unreachable', 'Not a fit'],
  recycleAfterDays: 90,
  fiscalYearStartMonth: 1,
  repsSeeTeamNumbers: true,
  recordVisibility: DEFAULT_RECORD_VISIBILITY,
};

/** Trims the reasons and refuses blank or repeated ones (ignoring case): a report would split them. */
export function tidyDisqualificationReasons(reasons: string[]): { reasons: string[]; problems: FieldError[] } {
  const tidied = reasons.map((r) => r.trim());
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  tidied.forEach((reason, i) => {
    if (!reason) problems.push({ field: `disqualificationReasons.${i}`, message: 'A reason cannot be blank' });
    else if (seen.has(reason.toLowerCase())) problems.push({ field: `disqualificationReasons.${i}`, message: `"${reason}" is listed twice` });
    seen.add(reason.toLowerCase());
  });
  return { reasons: tidied, problems };
}
