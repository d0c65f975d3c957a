import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState.tsx';

export function NotFound() {
  return (
    <EmptyState
      title="Nothing here"
      action={
        <Link to="/" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
          Back to Today
        </Link>
      }
    >
      The page you opened does not exist. Check the address, or go back.
    </EmptyState>
  );
}
