import PDFDocument from 'pdfkit';
import type { Actor } from '../../core/actor.ts';
import { now } from '../../core/clock.ts';
import type { Db } from '../../core/db.ts';
import { AppError, conflict } from '../../core/errors.ts';
import type { Mailer } from '../../core/mailer.ts';
import { assertCan } from '../../core/roles.ts';
import { accountBrief } from '../accounts/customers.service.ts';
import { logActivity } from '../activities/service.ts';
import { recordAudit } from '../audit/service.ts';
import { getOrganization } from '../orgs/service.ts';
import { dateOf } from './line-items.model.ts';
import { getOpportunity } from './opportunities.service.ts';
import { buildQuote, type Quote } from './quote.model.ts';

/** The quote of a deal as it stands, worked out for rendering. */
type Parties = { seller: string; account: string | null; contact: { name: string; email: string | null } | null };

export async function quoteFor(db: Db, actor: Actor, opportunityId: string): Promise<{ quote: Quote; fileName: string; parties: Parties }> {
  assertCan(actor, 'records:read');
  const deal = await getOpportunity(db, actor, opportunityId);
  if (deal.lineItems.length === 0) throw conflict('A quote lists the deal\'s products; add line items first', 'no_line_items');
  const org = await getOrganization(db, actor.orgId);
  const account = deal.accountId ? await accountBrief(db, actor, deal.accountId).catch(() => null) : null;
  const primary = deal.contacts[0];
  const parties: Parties = {
    seller: org?.name ?? 'Leadflow',
    account: account?.name ?? null,
    contact: primary ? { name: `${primary.firstName} ${primary.lastName}`.trim(), email: primary.email } : null,
  };
  const quote = buildQuote({
    dealName: deal.name,
    dealId: deal.id,
    dealVersion: deal.version,
    currency: deal.currency,
    paymentTermsDays: deal.paymentTermsDays,
    lines: deal.lineItems,
    issuedOn: dateOf(now()),
    pendingApprovals: deal.approvals.standing.filter((s) => s.state !== 'approved').map((s) => `${s.level} approval of ${s.reason}`),
  });
  return { quote, fileName: `${quote.number}.pdf`, parties };
}

const INK = '#0f172a';
const MUTED = '#64748b';
const RULE = '#e2e8f0';
const ACCENT = '#4f46e5';

/** Renders a quote as a one-or-more-page A4 PDF with the standard Helvetica fonts (nothing to download). */
export function renderQuotePdf(quote: Quote, parties: Parties): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Quote ${quote.number}`, Author: parties.seller } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(20).text(parties.seller, left, 50, { width: width * 0.55, height: 48, ellipsis: true });
  doc.fillColor(INK).fontSize(14).text(`Quote ${quote.number}`, left + width * 0.55, 50, { width: width * 0.45, align: 'right' });
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(`Issued ${quote.issuedOn} · valid until ${quote.validUntil}`, left, 70, { width, align: 'right' });
  if (quote.draft) doc.fillColor('#b91c1c').font('Helvetica-Bold').fontSize(10).text('DRAFT — NOT VALID UNTIL APPROVED', left, 84, { width, align: 'right' });

  doc.moveTo(left, 105).lineTo(left + width, 105).strokeColor(RULE).stroke();
  doc.fillColor(MUTED).font('Helvetica').fontSize(9).text('PREPARED FOR', left, 120);
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(11).text(parties.account ?? '—', left, 133);
  if (parties.contact) {
    doc.font('Helvetica').fontSize(10).text(parties.contact.name, left, 149);
    if (parties.contact.email) doc.fillColor(MUTED).text(parties.contact.email, left, 163);
  }
  doc.fillColor(MUTED).fontSize(9).text('FOR', left + width / 2, 120);
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(11).text(quote.title, left + width / 2, 133, { width: width / 2 });

  const columns = [
    { key: 'product', label: 'Product', width: 0.3, align: 'left' },
    { key: 'terms', label: 'Terms', width: 0.2, align: 'left' },
    { key: 'quantity', label: 'Qty', width: 0.07, align: 'right' },
    { key: 'unitPrice', label: 'Unit price', width: 0.15, align: 'right' },
    { key: 'discount', label: 'Discount', width: 0.11, align: 'right' },
    { key: 'total', label: 'Total', width: 0.17, align: 'right' },
  ] as const;
  let y = 200;
  const row = (cells: Record<string, string>, font: string, color: string) => {
    let x = left;
    let height = 0;
    doc.font(font).fontSize(9).fillColor(color);
    for (const column of columns) {
      const w = column.width * width;
      doc.text(cells[column.key] ?? '', x + 4, y, { width: w - 8, align: column.align });
      height = Math.max(height, doc.heightOfString(cells[column.key] ?? '', { width: w - 8 }));
      x += w;
    }
    return height;
  };
  doc.rect(left, y - 6, width, 22).fill('#f1f5f9');
  row(Object.fromEntries(columns.map((c) => [c.key, c.label])), 'Helvetica-Bold', MUTED);
  y += 24;
  for (const line of quote.rows) {
    if (y > doc.page.height - 160) {
      doc.addPage();
      y = 60;
    }
    const height = row({ ...line, product: `${line.product}\n${line.sku}` }, 'Helvetica', INK);
    y += height + 10;
    doc.moveTo(left, y - 5).lineTo(left + width, y - 5).strokeColor(RULE).stroke();
  }

  y += 10;
  const totals: [string, string][] = [];
  if (quote.oneTimeTotal && quote.recurringTotal) totals.push(['One-time', quote.oneTimeTotal], ['Subscriptions (full term)', quote.recurringTotal]);
  for (const [label, value] of totals) {
    doc.font('Helvetica').fontSize(10).fillColor(MUTED).text(label, left, y, { width: width * 0.8, align: 'right' });
    doc.fillColor(INK).text(value, left + width * 0.8, y, { width: width * 0.2 - 4, align: 'right' });
    y += 16;
  }
  doc.font('Helvetica-Bold').fontSize(12).fillColor(INK).text('Total', left, y, { width: width * 0.8, align: 'right' });
  doc.text(quote.grandTotal, left + width * 0.8, y, { width: width * 0.2 - 4, align: 'right' });
  y += 36;
  doc.font('Helvetica').fontSize(10).fillColor(INK).text(quote.paymentTerms, left, y, { width });
  for (const note of quote.notes) doc.moveDown(0.5).fillColor('#b91c1c').text(note, { width });
  doc.fontSize(8).fillColor(MUTED).text(`${parties.seller} · ${quote.number}`, left, doc.page.height - 70, { width, align: 'center' });
  doc.end();
  return done;
}

/** The PDF of a deal's quote, with the file name to download it under. */
export async function quotePdf(db: Db, actor: Actor, opportunityId: string): Promise<{ pdf: Buffer; fileName: string; quote: Quote }> {
  const { quote, fileName, parties } = await quoteFor(db, actor, opportunityId);
  return { pdf: await renderQuotePdf(quote, parties), fileName, quote };
}

/**
 * Emails the quote to the prospect as a PDF attachment. A quote whose terms still wait for
 * approval is a draft: it may be downloaded, never sent.
 */
export async function sendQuote(db: Db, actor: Actor, opportunityId: string, input: { to: string; message?: string | undefined }, mailer: Mailer): Promise<{ quoteNumber: string; sentTo: string }> {
  assertCan(actor, 'records:write');
  const { pdf, fileName, quote } = await quotePdf(db, actor, opportunityId);
  if (quote.draft) throw new AppError(422, 'quote_not_approved', quote.notes[0] ?? 'The quote waits for approval', [{ field: 'approvals', message: quote.notes[0] ?? 'Approval pending' }]);
  if (!mailer.configured) throw new AppError(503, 'mail_not_configured', 'Email is not set up on this server (SMTP_URL); download the PDF instead');
  const text = `${input.message?.trim() ? `${input.message.trim()}\n\n` : ''}Please find attached our quote ${quote.number} for ${quote.title}: ${quote.grandTotal}, valid until ${quote.validUntil}.`;
  await mailer.send({ to: input.to, subject: `Quote ${quote.number}: ${quote.title}`, text, attachments: [{ filename: fileName, content: pdf, contentType: 'application/pdf' }] });
  await db.transaction(async (tx) => {
    await logActivity(tx, actor, { subjectType: 'opportunity', subjectId: opportunityId, kind: 'quote_sent', summary: `Sent quote ${quote.number} (${quote.grandTotal}) to ${input.to}`, details: { quoteNumber: quote.number, to: input.to } });
    await recordAudit(tx, actor, { entityType: 'opportunity', entityId: opportunityId, action: 'quote_sent', after: { quoteNumber: quote.number, to: input.to, total: quote.grandTotal } });
  });
  return { quoteNumber: quote.number, sentTo: input.to };
}
