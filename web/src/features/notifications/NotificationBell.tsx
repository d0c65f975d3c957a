import { useNavigate } from 'react-router';
import { Icon } from '../../components/Icon.tsx';
import { Menu } from '../../components/Menu.tsx';
import { useMarkAllRead, useMarkRead, useNotifications, type Notification } from './api.ts';

const when = (iso: string) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** The shell's bell: unread count on the button; the latest notifications in a panel; opening one marks it read. */
export function NotificationBell({ align = 'right' }: { align?: 'left' | 'right' }) {
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const markAllRead = useMarkAllRead();
  const navigate = useNavigate();
  const unread = notifications.data?.unread ?? 0;
  const items = notifications.data?.data ?? [];

  const open = (item: Notification, close: () => void) => {
    if (!item.readAt) markRead.mutate(item.id);
    if (item.link?.startsWith('/')) {
      close();
      navigate(item.link);
    }
  };

  return (
    <Menu
      align={align}
      buttonClassName="relative rounded-md p-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      label={
        <>
          <Icon name="bell" />
          <span className="sr-only">{unread ? `Notifications, ${unread} unread` : 'Notifications'}</span>
          {unread > 0 && (
            <span aria-hidden="true" className="absolute top-1 right-1 flex min-w-4 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] leading-4 font-semibold text-white">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </>
      }
    >
      {(close) => (
        <div className="w-[min(22rem,calc(100vw-5rem))]">
          <div className="flex items-center justify-between border-b border-slate-100 px-2.5 pt-1 pb-2">
            <p className="text-sm font-semibold text-slate-900">Notifications</p>
            <button
              type="button"
              className="rounded px-1.5 py-0.5 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:text-slate-400 disabled:hover:bg-transparent"
              disabled={unread === 0 || markAllRead.isPending}
              onClick={() => markAllRead.mutate()}
            >
              Mark all read
            </button>
          </div>
          {notifications.isError ? (
            <p className="px-2.5 py-3 text-sm text-red-700">The notifications could not be loaded.</p>
          ) : items.length === 0 ? (
            <p className="px-2.5 py-3 text-sm text-slate-500">{notifications.isPending ? 'Loading…' : 'Nothing new. Approvals, deal changes and escalations show up here.'}</p>
          ) : (
            <ul aria-label="Latest notifications" className="max-h-96 overflow-y-auto py-1">
              {items.map((item) => (
                <li key={item.id}>
                  <button
                    type="button"
                    onClick={() => open(item, close)}
                    className={`flex w-full gap-2 rounded-md px-2.5 py-2 text-left hover:bg-slate-50 focus:bg-slate-50 focus:outline-none ${item.readAt ? '' : 'bg-indigo-50/60'}`}
                  >
                    <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full ${item.readAt ? 'bg-transparent' : 'bg-indigo-600'}`} />
                    <span className="min-w-0">
                      <span className={`block text-sm ${item.readAt ? 'text-slate-700' : 'font-medium text-slate-900'}`}>
                        {item.title}
                        {!item.readAt && <span className="sr-only"> (unread)</span>}
                      </span>
                      {item.body && item.body !== item.title && <span className="line-clamp-2 block text-xs text-slate-500">{item.body}</span>}
                      <span className="block text-xs text-slate-400">{when(item.createdAt)}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Menu>
  );
}
