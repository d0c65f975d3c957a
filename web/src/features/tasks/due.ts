/** "in 20 min", "3 h overdue", "in 2 days": how far off a due time is. */
export function relativeDue(iso: string, now = Date.now()): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  if (Math.abs(minutes) < 60) return minutes < 0 ? `${-minutes} min overdue` : minutes === 0 ? 'due now' : `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return hours < 0 ? `${-hours} h overdue` : `in ${hours} h`;
  const days = Math.round(hours / 24);
  return days < 0 ? `${-days} days overdue` : `in ${days} days`;
}
