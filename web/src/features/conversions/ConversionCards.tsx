import { Link } from 'react-router';
import { Card } from '../../components/Card.tsx';
import { formatDateTime } from '../../lib/dates.ts';
import { useUserNames } from '../users/api.ts';
import { money } from '../opportunities/api.ts';
import { useDealOrigin, useLeadConversion, type QualificationSnapshot } from './api.ts';

const linkClass = 'text-indigo-600 hover:text-indigo-500';

/** On a converted lead: what it became, with links. */
export function LeadConversion({ leadId, converted }: { leadId: string; converted: boolean }) {
  const conversion = useLeadConversion(leadId, converted);
  const name = useUserNames();
  if (!converted || !conversion.data) return null;
  const c = conversion.data;
  return (
    <Card title="Converted" columns={1}>
      <ul className="space-y-1 text-sm text-slate-700">
        <li>
          Account: <Link className={linkClass} to={`/accounts/${c.account.id}`}>{c.account.name}</Link>
          {c.account.reused && <span className="text-slate-500"> (existing)</span>}
        </li>
        {c.contact && (
          <li>
            Contact: <Link className={linkClass} to={`/contacts/${c.contact.id}`}>{c.contact.name}</Link>
            {c.contact.reused && <span className="text-slate-500"> (existing)</span>}
          </li>
        )}
        {c.opportunity && (
          <li>
            Deal: <Link className={linkClass} to={`/opportunities/${c.opportunity.id}`}>{c.opportunity.name}</Link>
          </li>
        )}
        {c.handoff && <li>Handed to {name(c.handoff.toUserId)} ({c.handoff.status})</li>}
      </ul>
      <p className="text-xs text-slate-500">
        By {name(c.convertedBy)} on {formatDateTime(c.convertedAt)} · qualified by {name(c.sourcedBy)}
      </p>
    </Card>
  );
}

function answerText(type: string, answer: unknown): string {
  if (type === 'money' && answer && typeof answer === 'object') {
    const { amount, currency } = answer as { amount: number; currency: string };
    return money(amount, currency);
  }
  if (typeof answer === 'boolean') return answer ? 'Yes' : 'No';
  return String(answer);
}

function Answers({ qualification }: { qualification: QualificationSnapshot }) {
  return (
    <dl className="space-y-2 text-sm">
      {qualification.answers.map((a) => (
        <div key={a.key}>
          <dt className="text-xs font-medium text-slate-500">{a.question}</dt>
          <dd className="break-words text-slate-900">{answerText(a.type, a.answer)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** On a deal converted from a lead: the lead, who qualified it, and the qualification answers. */
export function DealOrigin({ dealId }: { dealId: string }) {
  const origin = useDealOrigin(dealId);
  const name = useUserNames();
  if (!origin.data) return null;
  const o = origin.data;
  return (
    <Card title="Qualified lead" columns={1}>
      <p className="text-sm text-slate-700">
        From <Link className={linkClass} to={`/leads/${o.leadId}`}>the lead</Link>, qualified by {name(o.sourcedBy)}
        {o.contact && (
          <>
            {' '}
            · <Link className={linkClass} to={`/contacts/${o.contact.id}`}>{o.contact.name}</Link>
          </>
        )}
      </p>
      {o.qualification ? (
        <>
          <p className="text-xs text-slate-500">
            {o.qualification.framework}, {o.qualification.percent}% answered
          </p>
          <Answers qualification={o.qualification} />
        </>
      ) : (
        <p className="text-sm text-slate-500">No qualification answers were recorded.</p>
      )}
    </Card>
  );
}
