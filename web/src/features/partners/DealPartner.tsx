import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Field, Select } from '../../components/Field.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { usePartners } from './api.ts';

type PartnerRole = 'sourced' | 'influenced';

/** The channel partner credited with a deal and their part in it, on the deal page. */
export function DealPartner({ dealId, partnerId, partnerRole }: { dealId: string; partnerId: string | null; partnerRole: PartnerRole | null }) {
  const partners = usePartners();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: { partnerId: string | null; partnerRole?: PartnerRole }) => api(`/api/v1/opportunities/${dealId}`, { method: 'PATCH', body }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['opportunities'] });
      void queryClient.invalidateQueries({ queryKey: ['partner-report'] });
    },
  });
  if (partners.isError || (partners.data && partners.data.length === 0 && !partnerId)) return null;
  return (
    <section aria-label="Partner" className="space-y-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5">
      <h2 className="text-base font-semibold text-slate-900">Partner</h2>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-1">
        <Field label="Credited partner">
          {(p) => (
            <Select {...p} value={partnerId ?? ''} disabled={save.isPending} onChange={(e) => save.mutate({ partnerId: e.target.value || null })}>
              <option value="">None</option>
              {partners.data?.map((partner) => (
                <option key={partner.id} value={partner.id}>
                  {partner.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {partnerId && (
          <Field label="Partner's part">
            {(p) => (
              <Select {...p} value={partnerRole ?? 'sourced'} disabled={save.isPending} onChange={(e) => save.mutate({ partnerId, partnerRole: e.target.value as PartnerRole })}>
                <option value="sourced">Sourced the deal</option>
                <option value="influenced">Influenced the deal</option>
              </Select>
            )}
          </Field>
        )}
      </div>
      {save.isError && <Notice>{errorMessage(save.error)}</Notice>}
    </section>
  );
}
