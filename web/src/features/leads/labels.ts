import type { Tone } from '../../components/Badge.tsx';
import type { Lead, LeadStatus } from '../../api/types.ts';

export const STATUS_LABELS: Record<LeadStatus, string> = {
  new: 'New',
  working: 'Working',
  nurture: 'Nurture',
  qualified: 'Qualified',
  disqualified: 'Disqualified',
  converted: 'Converted',
};

export const STATUS_TONES: Record<LeadStatus, Tone> = {
  new: 'blue',
  working: 'amber',
  nurture: 'violet',
  qualified: 'green',
  disqualified: 'slate',
  converted: 'indigo',
};

export const sourceLabel = (source: string): string => {
  const words = source.replaceAll('_', ' ').replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Mirrors the API's display name: the person, else the company, else the email. */
export function leadName(lead: Pick<Lead, 'firstName' | 'lastName' | 'company' | 'email'>): string {
  const person = `${lead.firstName} ${lead.lastName}`.trim();
  return person || lead.company || lead.email || 'Unnamed lead';
}
