import { Icon } from '../../components/Icon.tsx';
import { Menu, MenuItem } from '../../components/Menu.tsx';
import { errorMessage } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useEnroll, useSequences } from './api.ts';

/** "Add to sequence" for the leads list's bulk actions: enrolls the selected leads, says who was skipped and why. */
export function EnrollMenu({ ids, onDone, buttonClassName }: { ids: string[]; onDone: () => void; buttonClassName: string }) {
  const sequences = useSequences();
  const enroll = useEnroll();
  const toast = useToast();
  const open = sequences.data?.data.filter((s) => s.status !== 'archived') ?? [];
  return (
    <Menu buttonClassName={buttonClassName} label={<>Add to sequence <Icon name="chevronDown" className="size-4" /></>}>
      {(close) => (
        <div className="max-h-72 overflow-y-auto">
          {open.length === 0 && <p className="px-3 py-2 text-sm text-slate-500">No sequences yet</p>}
          {open.map((s) => (
            <MenuItem
              key={s.id}
              onClick={() => {
                close();
                enroll.mutate(
                  { sequenceId: s.id, targets: ids.map((subjectId) => ({ subjectType: 'lead' as const, subjectId })) },
                  {
                    onSuccess: (r) => {
                      onDone();
                      const reasons = [...new Set(r.skipped.map((k) => k.reason.replaceAll('_', ' ')))].join(', ');
                      toast(`Enrolled ${r.enrolled.length} in ${s.name}${r.skipped.length ? `; skipped ${r.skipped.length} (${reasons})` : ''}`);
                    },
                    onError: (error) => toast(errorMessage(error), { tone: 'error' }),
                  },
                );
              }}
            >
              {s.name}
            </MenuItem>
          ))}
        </div>
      )}
    </Menu>
  );
}
