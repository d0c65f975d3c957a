// How qualification answers are typed and stored: every input holds text while the rep types;
// saving turns it into the API's answers. Pure, so the money and yes/no rules are easy to test.
import type { Answer, Question } from './api.ts';

/** What an input holds while the rep types: text for every type, amount and currency for money. */
export type Draft = Record<string, string>;

// Amounts are typed in major units (12,500.50) and stored in minor units, like every amount in Leadflow.
export const toDraft = (questions: Question[], answers: Record<string, Answer>): Draft => {
  const draft: Draft = {};
  for (const q of questions) {
    const value = answers[q.key];
    if (value === undefined || value === null) continue;
    if (q.type === 'money' && typeof value === 'object') {
      draft[q.key] = String(value.amount / 100);
      draft[`${q.key}.currency`] = value.currency;
    } else if (q.type === 'boolean') draft[q.key] = value ? 'yes' : 'no';
    else draft[q.key] = String(value);
  }
  return draft;
};

export function toAnswers(questions: Question[], draft: Draft): { answers: Record<string, Answer>; problems: Record<string, string> } {
  const answers: Record<string, Answer> = {};
  const problems: Record<string, string> = {};
  for (const q of questions) {
    const text = (draft[q.key] ?? '').trim();
    if (text === '') {
      answers[q.key] = null;
      continue;
    }
    if (q.type === 'number' || q.type === 'money') {
      const n = parseNumber(text);
      if (!Number.isFinite(n) || (q.type === 'money' && n < 0)) {
        problems[`answers.${q.key}`] = 'Enter a number';
        continue;
      }
      answers[q.key] = q.type === 'number' ? n : { amount: Math.round(n * 100), currency: (draft[`${q.key}.currency`] || 'EUR').trim().toUpperCase() };
    } else if (q.type === 'boolean') answers[q.key] = text === 'yes';
    else answers[q.key] = text;
  }
  return { answers, problems };
}

/**
 * A number as people type it: "12,500.50" and "12.500,50" are both twelve thousand five hundred
 * and a half; a comma followed by one or two digits at the end is the decimal separator.
 */
export function parseNumber(text: string): number {
  const compact = text.replace(/[\s'’]/g, '');
  const decimalComma = /,\d{1,2}$/.test(compact) && compact.lastIndexOf(',') > compact.lastIndexOf('.');
  const normal = decimalComma ? compact.replace(/\./g, '').replace(',', '.') : compact.replace(/,/g, '');
  return normal === '' ? Number.NaN : Number(normal);
}
