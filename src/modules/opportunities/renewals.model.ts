// What a renewal deal looks like. Pure.

/** Days before a recurring term ends that its renewal deal is opened, unless the org sets otherwise. */
export const DEFAULT_RENEWAL_LEAD_DAYS = 90;

/** "Acme platform — renewal (term ends 2027-03-31)"; the renewal of a renewal keeps the original name. */
export const renewalName = (dealName: string, termEnd: string): string =>
  `${dealName.replace(/ — renewal \(term ends \d{4}-\d{2}-\d{2}\)$/, '')} — renewal (term ends ${termEnd})`;
