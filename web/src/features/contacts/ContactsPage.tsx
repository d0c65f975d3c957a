import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Contact } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useShortcut } from '../../lib/shortcuts.ts';
import { useRowNavigation } from '../../lib/useRowNavigation.ts';
import { useUrlSearch } from '../../lib/useUrlSearch.ts';
import { AccountName } from '../accounts/AccountName.tsx';
import { useUserNames } from '../users/api.ts';
import { ExportLink } from '../imports/ExportLink.tsx';
import { useContactList } from './api.ts';
import { contactName } from './labels.ts';
import { NewContactDialog } from './NewContactDialog.tsx';
import { ViewRecords, ViewTabs } from '../views/SavedViews.tsx';

export function ContactsPage() {
  const navigate = useNavigate();
  const ownerName = useUserNames();
  const [params, setParams] = useSearchParams();
  const savedViewId = params.get('view');
  const q = params.get('q') ?? '';
  const [search, setSearch] = useUrlSearch();
  const list = useContactList({ q: q.trim() || undefined });
  const contacts = list.data?.pages.flatMap((page) => page.data) ?? [];
  const [creating, setCreating] = useState(false);
  useShortcut('n', () => setCreating(true));
  const { highlighted, setHighlighted } = useRowNavigation(contacts, (contact: Contact) => navigate(`/contacts/${contact.id}`));

  return (
    <div className="space-y-4">
      <PageHeader
        title="Contacts"
        actions={
          <>
            <ExportLink list="contacts" filters={{ q: q.trim() || undefined }} />
            <Button variant="primary" onClick={() => setCreating(true)} title="New contact (n)">
              <Icon name="plus" className="size-4" /> New contact
            </Button>
          </>
        }
      />
      <ViewTabs object="contact" current={savedViewId} allLabel="All contacts" onSelect={(id) => setParams(id ? { view: id } : {})} />
      {savedViewId ? (
        <ViewRecords key={savedViewId} viewId={savedViewId} onDeleted={() => setParams({})} />
      ) : (
        <>
      <SearchBox value={search} onChange={setSearch} label="Search contacts" placeholder="Search contacts by name or email" />

      <section className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        {list.isError ? (
          <div className="p-4">
            <Notice>{errorMessage(list.error)}</Notice>
          </div>
        ) : list.isPending ? (
          <Spinner label="Loading contacts…" />
        ) : contacts.length === 0 ? (
          q ? (
            <EmptyState title="No contacts match">Try another search.</EmptyState>
          ) : (
            <EmptyState title="No contacts yet" action={<Button variant="primary" onClick={() => setCreating(true)}>New contact</Button>}>
              Contacts are the people at your accounts.
            </EmptyState>
          )
        ) : (
          <Table label="Contacts">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Name
                </th>
                <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                  Account
                </th>
                <th scope="col" className={`${thClass} hidden md:table-cell`}>
                  Email
                </th>
                <th scope="col" className={`${thClass} hidden lg:table-cell`}>
                  Phone
                </th>
                <th scope="col" className={`${thClass} hidden lg:table-cell`}>
                  Owner
                </th>
              </tr>
            </thead>
            <tbody>
              {contacts.map((contact, index) => (
                <tr key={contact.id} data-row-index={index} onMouseEnter={() => setHighlighted(index)} className={index === highlighted ? 'bg-slate-50' : ''}>
                  <td className={`${tdClass} relative max-w-64`}>
                    {index === highlighted && <span className="absolute inset-y-0 left-0 w-0.5 bg-indigo-500" aria-hidden="true" />}
                    <Link to={`/contacts/${contact.id}`} className="block truncate font-medium text-slate-900 hover:text-indigo-600">
                      {contactName(contact)}
                    </Link>
                    {contact.title && <span className="block truncate text-xs text-slate-500">{contact.title}</span>}
                  </td>
                  <td className={`${tdClass} hidden sm:table-cell`}>
                    <AccountName id={contact.accountId} />
                  </td>
                  <td className={`${tdClass} hidden max-w-60 truncate text-slate-600 md:table-cell`}>{contact.email}</td>
                  <td className={`${tdClass} hidden whitespace-nowrap text-slate-600 lg:table-cell`}>{contact.phone}</td>
                  <td className={`${tdClass} hidden whitespace-nowrap text-slate-600 lg:table-cell`}>{ownerName(contact.ownerId)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {list.hasNextPage && (
          <div className="border-t border-slate-100 px-4 py-3 text-right">
            <Button size="sm" onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </section>
        </>
      )}
      <NewContactDialog open={creating} onClose={() => setCreating(false)} onOpenContact={(id) => navigate(`/contacts/${id}`)} />
    </div>
  );
}
