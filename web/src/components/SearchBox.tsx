import { Icon } from './Icon.tsx';
import { Kbd } from './Kbd.tsx';

/** The list's search field; "/" focuses it from anywhere (data-search), Esc clears and leaves it. */
export function SearchBox({ value, onChange, label, placeholder }: { value: string; onChange: (value: string) => void; label: string; placeholder: string }) {
  return (
    <div className="relative">
      <Icon name="search" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
      <input
        type="search"
        data-search
        aria-label={label}
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            if (value) onChange('');
            else event.currentTarget.blur();
          }
        }}
        className="block h-10 w-full rounded-lg border-0 bg-white pr-10 pl-9 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
      />
      <span className="pointer-events-none absolute top-1/2 right-3 hidden -translate-y-1/2 sm:block">
        <Kbd>/</Kbd>
      </span>
    </div>
  );
}
