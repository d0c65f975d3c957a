// A handful of outline icons (24px grid), drawn inline so no icon font or CDN is needed.
const PATHS = {
  today: 'M8 3v3m8-3v3M4 9h16M5 5h14a1 1 0 011 1v13a1 1 0 01-1 1H5a1 1 0 01-1-1V6a1 1 0 011-1zm4 8l2 2 4-4',
  leads: 'M16 19v-1a4 4 0 00-4-4H7a4 4 0 00-4 4v1m13-11a3 3 0 11-6 0 3 3 0 016 0zm5 11v-1a4 4 0 00-3-3.87M16 4.13a4 4 0 010 7.75',
  accounts: 'M4 21V5a1 1 0 011-1h9a1 1 0 011 1v16m0-9h4a1 1 0 011 1v8M3 21h18M8 8h3m-3 4h3m-3 4h3',
  contacts: 'M15 8a3 3 0 11-6 0 3 3 0 016 0zM6 20a6 6 0 0112 0M3 4h1m16 0h1',
  opportunities: 'M3 17l6-6 4 4 8-8m0 0h-5m5 0v5',
  sequences: 'M4 6h10M4 12h7m-7 6h10m3-9l3 3-3 3',
  reports: 'M4 20V10m6 10V4m6 16v-7m4 7H2',
  partners: 'M7 11l4-4 3 3 3-3m-13 8l4 4 4-1 5-5m-9-1l3 3',
  settings: 'M12 15a3 3 0 100-6 3 3 0 000 6zm7.4-3a7.4 7.4 0 00-.1-1.2l2-1.6-2-3.4-2.4 1a7.3 7.3 0 00-2-1.2L14.5 3h-4l-.4 2.6a7.3 7.3 0 00-2 1.2l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 000 2.4l-2 1.6 2 3.4 2.4-1a7.3 7.3 0 002 1.2l.4 2.6h4l.4-2.6a7.3 7.3 0 002-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2z',
  menu: 'M4 6h16M4 12h16M4 18h16',
  search: 'M21 21l-4.3-4.3M10.5 18a7.5 7.5 0 110-15 7.5 7.5 0 010 15z',
  plus: 'M12 5v14m-7-7h14',
  trash: 'M4 7h16m-10 4v6m4-6v6M6 7l1 13h10l1-13M9 7V4h6v3',
  filter: 'M4 5h16l-6 8v5l-4 2v-7L4 5z',
  keyboard: 'M3 7a1 1 0 011-1h16a1 1 0 011 1v10a1 1 0 01-1 1H4a1 1 0 01-1-1V7zm4 3h.01M11 10h.01M15 10h.01M8 14h8',
  signOut: 'M15 16l4-4-4-4m4 4H9m4 8H6a2 2 0 01-2-2V6a2 2 0 012-2h7',
  chevronDown: 'M6 9l6 6 6-6',
  back: 'M15 18l-6-6 6-6',
  territory: 'M12 21s-7-6.2-7-11.5a7 7 0 0114 0C19 14.8 12 21 12 21zm0-9a2.5 2.5 0 100-5 2.5 2.5 0 000 5z',
  routing: 'M6 6a2 2 0 100-4 2 2 0 000 4zm0 0v12m0 0a2 2 0 100 4 2 2 0 000-4zm12-6a2 2 0 100-4 2 2 0 000 4zM6 12h4a4 4 0 004-4V8',
  meetings: 'M15 10l5-3v10l-5-3M4 7h9a2 2 0 012 2v6a2 2 0 01-2 2H4a1 1 0 01-1-1V8a1 1 0 011-1z',
  sourcing: 'M4 13h4l2 3h4l2-3h4M4 13l2-8h12l2 8v6H4v-6z',
  calls: 'M5 4h4l2 5-2.5 1.5a11 11 0 005 5L15 13l5 2v4a1 1 0 01-1 1A16 16 0 014 5a1 1 0 011-1z',
  tasks: 'M9 11l3 3 8-8M20 12v7a1 1 0 01-1 1H5a1 1 0 01-1-1V5a1 1 0 011-1h11',
  bell: 'M15 17h5l-1.4-1.4A2 2 0 0118 14.2V11a6 6 0 00-4-5.7V5a2 2 0 10-4 0v.3A6 6 0 006 11v3.2a2 2 0 01-.6 1.4L4 17h5m6 0v1a3 3 0 11-6 0v-1m6 0H9',
  approvals: 'M9 12l2 2 4-4m5 2a8 8 0 11-16 0 8 8 0 0116 0z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className = 'size-5' }: { name: IconName; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={PATHS[name]} />
    </svg>
  );
}
