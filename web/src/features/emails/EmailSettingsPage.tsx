import { useEffect, useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { controlClass, Field, Input } from '../../components/Field.tsx';
import { errorMessage, Notice } from '../../components/Notice.tsx';
import { useToast } from '../../components/Toast.tsx';
import { canManageUsers, useSession } from '../auth/session.tsx';
import { useEmailSettings, useMyEmailSettings, usePollMailbox, useSaveEmailSettings, useSaveMyEmailSettings, type EmailSettings } from './api.ts';
import { TemplatesSection } from './TemplatesSection.tsx';

/** Settings → Email: the org's SMTP, tracking and postal address (admins), my signature and mailbox, templates. */
export function EmailSettingsPage() {
  const me = useSession();
  const admin = canManageUsers(me.user.role);
  return (
    <div className="space-y-8">
      {admin && <OrgEmailSettings />}
      <MyEmailSettingsForm />
      <TemplatesSection />
    </div>
  );
}

const blank = (value: string) => (value.trim() === '' ? null : value.trim());

function OrgEmailSettings() {
  const settings = useEmailSettings(true);
  const save = useSaveEmailSettings();
  const toast = useToast();
  const [form, setForm] = useState<EmailSettings | null>(null);
  const [password, setPassword] = useState('');
  useEffect(() => {
    if (settings.data) setForm(settings.data);
  }, [settings.data]);
  if (!form) return null;
  const set = (change: Partial<EmailSettings>) => setForm({ ...form, ...change });
  return (
    <section className="space-y-3" aria-labelledby="org-email">
      <h2 id="org-email" className="text-base font-semibold">Organisation email</h2>
      <p className="text-sm text-slate-600">
        {form.transport === 'org' ? 'Mail goes out through your SMTP server.' : form.transport === 'server' ? 'Mail goes out through the server\'s SMTP_URL; set your own below.' : 'No SMTP server is set: emails cannot be sent yet.'}
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="SMTP host">{(p) => <Input {...p} value={form.smtpHost ?? ''} onChange={(e) => set({ smtpHost: e.target.value })} placeholder="smtp.example.com" />}</Field>
        <Field label="Port">{(p) => <Input {...p} type="number" value={form.smtpPort ?? ''} onChange={(e) => set({ smtpPort: e.target.value ? Number(e.target.value) : null })} placeholder="587" />}</Field>
        <Field label="User">{(p) => <Input {...p} value={form.smtpUser ?? ''} onChange={(e) => set({ smtpUser: e.target.value })} autoComplete="off" />}</Field>
        <Field label="Password" hint={form.smtpPasswordSet ? 'Stored encrypted. Type to replace it.' : 'Stored encrypted.'}>
          {(p) => <Input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />}
        </Field>
        <Field label="From address (optional)">{(p) => <Input {...p} value={form.fromAddress ?? ''} onChange={(e) => set({ fromAddress: e.target.value })} />}</Field>
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" checked={form.smtpSecure} onChange={(e) => set({ smtpSecure: e.target.checked })} /> TLS from the start (port 465)
        </label>
      </div>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 font-medium text-slate-700">Tracking</legend>
        <label className="flex items-center gap-2"><input type="checkbox" checked={form.trackOpens} onChange={(e) => set({ trackOpens: e.target.checked })} /> Opens</label>
        <label className="flex items-center gap-2"><input type="checkbox" checked={form.trackClicks} onChange={(e) => set({ trackClicks: e.target.checked })} /> Clicks</label>
        <label className="flex items-center gap-2"><input type="checkbox" checked={form.trackReplies} onChange={(e) => set({ trackReplies: e.target.checked })} /> Replies (IMAP)</label>
      </fieldset>
      <Field label="Postal address" hint="Printed under every marketing-style and sequence email.">
        {(p) => <textarea {...p} rows={3} className={`${controlClass} w-full`} value={form.postalAddress} onChange={(e) => set({ postalAddress: e.target.value })} />}
      </Field>
      {save.error && <Notice>{errorMessage(save.error)}</Notice>}
      <Button
        variant="primary"
        busy={save.isPending}
        onClick={() =>
          save.mutate(
            { smtpHost: blank(form.smtpHost ?? ''), smtpPort: form.smtpPort, smtpSecure: form.smtpSecure, smtpUser: blank(form.smtpUser ?? ''), fromAddress: blank(form.fromAddress ?? ''), trackOpens: form.trackOpens, trackClicks: form.trackClicks, trackReplies: form.trackReplies, postalAddress: form.postalAddress, ...(password ? { smtpPassword: password } : {}) },
            { onSuccess: () => { setPassword(''); toast('Email settings saved'); } },
          )
        }
      >
        Save organisation settings
      </Button>
    </section>
  );
}

function MyEmailSettingsForm() {
  const mine = useMyEmailSettings();
  const save = useSaveMyEmailSettings();
  const poll = usePollMailbox();
  const toast = useToast();
  const [signature, setSignature] = useState('');
  const [imap, setImap] = useState({ host: '', port: '', user: '', password: '', secure: true });
  useEffect(() => {
    if (!mine.data) return;
    setSignature(mine.data.signature);
    setImap({ host: mine.data.imapHost ?? '', port: mine.data.imapPort ? String(mine.data.imapPort) : '', user: mine.data.imapUser ?? '', password: '', secure: mine.data.imapSecure });
  }, [mine.data]);
  return (
    <section className="space-y-3" aria-labelledby="my-email">
      <h2 id="my-email" className="text-base font-semibold">My email</h2>
      <Field label="Signature">{(p) => <textarea {...p} rows={3} className={`${controlClass} w-full`} value={signature} onChange={(e) => setSignature(e.target.value)} />}</Field>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="IMAP host" hint="Leadflow reads this mailbox for replies and bounces every minute.">{(p) => <Input {...p} value={imap.host} onChange={(e) => setImap({ ...imap, host: e.target.value })} placeholder="imap.example.com" />}</Field>
        <Field label="IMAP port">{(p) => <Input {...p} type="number" value={imap.port} onChange={(e) => setImap({ ...imap, port: e.target.value })} placeholder="993" />}</Field>
        <Field label="IMAP user">{(p) => <Input {...p} value={imap.user} onChange={(e) => setImap({ ...imap, user: e.target.value })} autoComplete="off" />}</Field>
        <Field label="IMAP password" hint={mine.data?.imapPasswordSet ? 'Stored encrypted. Type to replace it.' : undefined}>
          {(p) => <Input {...p} type="password" value={imap.password} onChange={(e) => setImap({ ...imap, password: e.target.value })} autoComplete="new-password" />}
        </Field>
      </div>
      {mine.data?.imapError && <Notice>Last mailbox check failed: {mine.data.imapError}</Notice>}
      {save.error && <Notice>{errorMessage(save.error)}</Notice>}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="primary"
          busy={save.isPending}
          onClick={() =>
            save.mutate(
              { signature, imapHost: blank(imap.host), imapPort: imap.port ? Number(imap.port) : null, imapUser: blank(imap.user), imapSecure: imap.secure, ...(imap.password ? { imapPassword: imap.password } : {}) },
              { onSuccess: () => toast('Saved') },
            )
          }
        >
          Save my settings
        </Button>
        {mine.data?.imapHost && (
          <Button busy={poll.isPending} onClick={() => poll.mutate(undefined, { onSuccess: (r) => toast(r.error ? `Mailbox: ${r.error}` : `Checked ${r.seen} new message(s): ${r.replies} repl${r.replies === 1 ? 'y' : 'ies'}, ${r.bounces} bounce(s)`) })}>
            Check mailbox now
          </Button>
        )}
      </div>
    </section>
  );
}
