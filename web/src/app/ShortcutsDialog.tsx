import { Dialog } from '../components/Dialog.tsx';
import { Kbd } from '../components/Kbd.tsx';
import { SHORTCUTS } from '../lib/shortcuts.ts';

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" description="They work anywhere outside a text field.">
      <dl className="divide-y divide-slate-100">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.keys} className="flex items-center justify-between gap-4 py-2 text-sm">
            <dt className="text-slate-700">{shortcut.does}</dt>
            <dd className="flex gap-1">
              {shortcut.keys.split(' ').map((key, index) =>
                key === '/' && shortcut.keys.includes(' / ') ? (
                  <span key={index} className="text-slate-400">
                    or
                  </span>
                ) : (
                  <Kbd key={index}>{key}</Kbd>
                ),
              )}
            </dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
