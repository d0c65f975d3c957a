import { Link } from 'react-router';
import { useAccount } from './api.ts';

/** An account's name as a link, fetched once per account and shared through the query cache. */
export function AccountName({ id }: { id: string | null }) {
  const account = useAccount(id);
  if (!id) return null;
  return (
    <Link to={`/accounts/${id}`} className="text-slate-700 hover:text-indigo-600">
      {account.data?.name ?? '…'}
    </Link>
  );
}
