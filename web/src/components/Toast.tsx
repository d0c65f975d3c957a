import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

type ToastAction = { label: string; onClick: () => void };
type Toast = { id: number; message: string; tone: 'success' | 'error'; action?: ToastAction | undefined };
type ShowToast = (message: string, options?: { tone?: Toast['tone']; action?: ToastAction }) => void;

const ToastContext = createContext<ShowToast>(() => undefined);

export const useToast = (): ShowToast => useContext(ToastContext);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback<ShowToast>(
    (message, options) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { id, message, tone: options?.tone ?? 'success', action: options?.action }]);
      setTimeout(() => dismiss(id), options?.action ? 8000 : 4000);
    },
    [dismiss],
  );
  const value = useMemo(() => show, [show]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed inset-x-3 bottom-3 z-50 flex flex-col items-center gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4 sm:items-end">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.tone === 'error' ? 'alert' : 'status'}
            className={`pointer-events-auto flex w-full max-w-sm items-center gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1 ${
              toast.tone === 'error' ? 'bg-red-700 text-white ring-red-800' : 'bg-slate-900 text-white ring-slate-800'
            }`}
          >
            <span className="min-w-0 flex-1 break-words">{toast.message}</span>
            {toast.action && (
              <button
                type="button"
                className="rounded px-1.5 py-0.5 font-semibold text-indigo-300 hover:text-indigo-200"
                onClick={() => {
                  toast.action!.onClick();
                  dismiss(toast.id);
                }}
              >
                {toast.action.label}
              </button>
            )}
            <button type="button" className="text-slate-400 hover:text-white" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
