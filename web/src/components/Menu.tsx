import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A button that opens a small panel (filters, the user menu). Closes on Esc, on a click outside,
 * and gives focus back to its button.
 */
export function Menu({
  label,
  buttonClassName = '',
  align = 'left',
  side = 'bottom',
  children,
}: {
  label: ReactNode;
  buttonClassName?: string;
  align?: 'left' | 'right';
  side?: 'bottom' | 'top';
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className={buttonClassName}
      >
        {label}
      </button>
      {open && (
        <div
          id={panelId}
          className={`absolute z-30 min-w-52 rounded-lg bg-white p-1.5 shadow-lg ring-1 ring-slate-900/10 ${align === 'right' ? 'right-0' : 'left-0'} ${
            side === 'top' ? 'bottom-full mb-1' : 'mt-1'
          }`}
        >
          {children(() => {
            setOpen(false);
            button.current?.focus();
          })}
        </div>
      )}
    </div>
  );
}

export function MenuItem({ onClick, children, tone = 'default' }: { onClick: () => void; children: ReactNode; tone?: 'default' | 'danger' }) {
  return (
    <button
      type="button"
      onClick={onClick}
      className={`flex w-full items-center gap-2 rounded-md px-2.5 py-1.5 text-left text-sm hover:bg-slate-100 ${tone === 'danger' ? 'text-red-700' : 'text-slate-700'}`}
    >
      {children}
    </button>
  );
}
