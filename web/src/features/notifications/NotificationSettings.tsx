import { Notice } from '../../components/Notice.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { formError } from '../../lib/forms.ts';
import { NOTIFICATION_EVENTS, useNotificationPreferences, useSetNotificationPreferences, type Channels, type NotificationEvent } from './api.ts';

const panel = 'rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-900/5 sm:p-6';
const CHANNELS: { key: keyof Channels; label: string }[] = [
  { key: 'inApp', label: 'In the app' },
  { key: 'email', label: 'By email' },
];

/** Settings → Notifications: per event, in the app and by email; and the daily digest. Each change saves at once. */
export function NotificationSettings() {
  const preferences = useNotificationPreferences();
  const save = useSetNotificationPreferences();
  if (preferences.isPending) return <Spinner />;
  if (preferences.isError) return <Notice>Your notification settings could not be loaded.</Notice>;
  const { events, dailyDigest, labels } = preferences.data;
  const toggle = (event: NotificationEvent, channel: keyof Channels, value: boolean) => save.mutate({ events: { [event]: { [channel]: value } } });

  return (
    <div className="space-y-5">
      {save.isError && <Notice>{formError(save.error, [])}</Notice>}
      <section className={panel} aria-labelledby="events-heading">
        <h2 id="events-heading" className="text-base font-semibold text-slate-900">
          What you are told, and how
        </h2>
        <p className="mt-1 text-sm text-slate-500">In the app means the bell at the top; email goes to your sign-in address as it happens.</p>
        <table className="mt-4 w-full text-sm">
          <thead>
            <tr className="text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
              <th scope="col" className="py-2 pr-3">
                Event
              </th>
              {CHANNELS.map((c) => (
                <th key={c.key} scope="col" className="w-24 px-2 py-2 text-center">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {NOTIFICATION_EVENTS.map((event) => (
              <tr key={event}>
                <th scope="row" className="py-2.5 pr-3 text-left font-normal text-slate-800">
                  {labels[event] ?? event}
                </th>
                {CHANNELS.map((c) => (
                  <td key={c.key} className="px-2 py-2.5 text-center">
                    <input
                      type="checkbox"
                      className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
                      aria-label={`${labels[event] ?? event}: ${c.label.toLowerCase()}`}
                      checked={events[event][c.key]}
                      disabled={save.isPending}
                      onChange={(e) => toggle(event, c.key, e.target.checked)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className={panel} aria-labelledby="digest-heading">
        <h2 id="digest-heading" className="text-base font-semibold text-slate-900">
          Daily digest
        </h2>
        <label className="mt-3 flex items-start gap-3 text-sm text-slate-700">
          <input
            type="checkbox"
            className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
            checked={dailyDigest}
            disabled={save.isPending}
            onChange={(e) => save.mutate({ dailyDigest: e.target.checked })}
          />
          <span>
            Each morning from 07:00 in your time zone, one email listing what is still unread from the last day. Nothing unread, no email.
          </span>
        </label>
      </section>
    </div>
  );
}
