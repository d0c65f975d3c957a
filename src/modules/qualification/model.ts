// Qualification frameworks without a database: the questions a rep must answer before a lead
// counts as qualified (BANT by default; MEDDIC or the org's own), answer checks and progress.
import type { FieldError } from '../../core/errors.ts';

export const QUESTION_TYPES = ['text', 'number', 'money', 'boolean', 'select', 'date', 'user'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export type Question = {
  key: string;
  label: string;
  type: QuestionType;
  /** The choices of a `select` question. */
  options?: string[] | undefined;
  required: boolean;
  /** How much the question counts toward progress; 1 unless set. */
  weight?: number | undefined;
};

/** Money is integer minor units and an ISO currency code, like every amount in Leadflow. */
export type MoneyAnswer = { amount: number; currency: string };
export type Answer = string | number | boolean | MoneyAnswer | null;
export type Answers = Record<string, Answer>;

export const BANT: { name: string; questions: Question[] } = {
  name: 'BANT',
  questions: [
    { key: 'budget', label: 'Budget: how much can they spend?', type: 'money', required: true },
    {
      key: 'authority',
      label: 'Authority: who decides?',
      type: 'select',
      options: ['Decision maker', 'Influencer', 'Champion without authority', 'No access to the decision maker'],
      required: true,
    },
    { key: 'need', label: 'Need: what problem do they need solved?', type: 'text', required: true },
    { key: 'timeline', label: 'Timeline: when will they decide?', type: 'date', required: true },
  ],
};

const KEY = /^[a-z][a-zA-Z0-9_]{0,63}$/;

/** What is wrong with a framework's questions (keys, choices); the API checks the shapes. */
export function questionProblems(questions: Question[]): FieldError[] {
  const problems: FieldError[] = [];
  const keys = new Set<string>();
  questions.forEach((question, i) => {
    const at = `questions.${i}`;
    if (!KEY.test(question.key)) problems.push({ field: `${at}.key`, message: 'Start with a lower-case letter; letters, digits and _ only' });
    else if (keys.has(question.key)) problems.push({ field: `${at}.key`, message: `Another question has the key ${question.key}` });
    keys.add(question.key);
    if (!question.label.trim()) problems.push({ field: `${at}.label`, message: 'Give the question a label' });
    if (question.type === 'select') {
      const options = question.options ?? [];
      if (options.length === 0) problems.push({ field: `${at}.options`, message: 'A select question needs options' });
      else if (new Set(options.map((o) => o.trim())).size !== options.length || options.some((o) => !o.trim())) {
        problems.push({ field: `${at}.options`, message: 'Options must be distinct and not blank' });
      }
    } else if (question.options !== undefined) {
      problems.push({ field: `${at}.options`, message: 'Only select questions have options' });
    }
  });
  if (questions.length > 0 && !questions.some((q) => q.required)) {
    problems.push({ field: 'questions', message: 'Mark at least one question as required: it decides when a lead is ready to qualify' });
  }
  return problems;
}

const isMoney = (value: unknown): value is MoneyAnswer =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((k) => k === 'amount' || k === 'currency');

function isRealDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Why an answer does not fit its question, or null; the answer is already tidied. */
function answerProblem(question: Question, value: Answer): string | null {
  if (value === null) return null;
  switch (question.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 5000 ? null : 'Must be text of at most 5000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'Must be a number';
    case 'money':
      return isMoney(value) && Number.isSafeInteger(value.amount) && value.amount >= 0 && /^[A-Z]{3}$/.test(String(value.currency))
        ? null
        : 'Must be { amount: whole minor units (cents), currency: ISO code like "EUR" }';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'Must be true or false';
    case 'select':
      return typeof value === 'string' && (question.options ?? []).includes(value) ? null : `Must be one of: ${(question.options ?? []).join(', ')}`;
    case 'date':
      return typeof value === 'string' && isRealDate(value) ? null : 'Must be a date like 2025-09-30';
    case 'user':
      return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? null : 'Must be a user id';
  }
}

/** Trims text and turns blank text into "not answered", so a cleared field is not an answer. */
function tidy(value: Answer): Answer {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * Checks a rep's answers against the framework: unknown questions and answers of the wrong type
 * are refused field by field. Questions left out stay unanswered. Returns the tidied answers.
 */
export function checkAnswers(questions: Question[], answers: Record<string, unknown>): { answers: Answers; problems: FieldError[] } {
  const byKey = new Map(questions.map((q) => [q.key, q]));
  const problems: FieldError[] = [];
  const tidied: Answers = {};
  for (const [key, raw] of Object.entries(answers)) {
    const question = byKey.get(key);
    if (!question) {
      problems.push({ field: `answers.${key}`, message: 'No such question in this framework' });
      continue;
    }
    const value = tidy(raw as Answer);
    const problem = answerProblem(question, value);
    if (problem) problems.push({ field: `answers.${key}`, message: problem });
    else if (value !== null) tidied[key] = value;
  }
  return { answers: tidied, problems };
}

export type QualificationProgress = {
  answeredRequired: number;
  totalRequired: number;
  /** Weighted share of the required questions answered, 0–100. */
  percent: number;
  /** Every required question is answered: the lead can be moved to qualified with confidence. */
  qualifiedReady: boolean;
  missing: string[];
};

/** How far a lead's qualification has come. A `false` answer counts: "no budget" is an answer. */
export function qualificationProgress(questions: Question[], answers: Answers): QualificationProgress {
  const required = questions.filter((q) => q.required);
  const answered = required.filter((q) => answers[q.key] !== undefined && answers[q.key] !== null);
  const weight = (list: Question[]) => list.reduce((n, q) => n + (q.weight ?? 1), 0);
  const total = weight(required);
  return {
    answeredRequired: answered.length,
    totalRequired: required.length,
    percent: total === 0 ? 100 : Math.floor((100 * weight(answered)) / total),
    qualifiedReady: answered.length === required.length,
    missing: required.filter((q) => !answered.includes(q)).map((q) => q.key),
  };
}

/** Answers to questions the framework no longer asks (an admin edited it) are not shown or counted. */
export function currentAnswers(questions: Question[], answers: Answers): Answers {
  return Object.fromEntries(questions.filter((q) => answers[q.key] !== undefined).map((q) => [q.key, answers[q.key]!]));
}
