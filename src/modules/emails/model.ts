// Email rules without IO: merge fields, rendering to escaped HTML and text, tracking links, the
// compliance footer, and how a message in a rep's mailbox is matched to an email we sent.

export type MergeContext = {
  lead?: Record<string, unknown> | undefined;
  contact?: Record<string, unknown> | undefined;
  account?: Record<string, unknown> | undefined;
  sender?: Record<string, unknown> | undefined;
  org?: Record<string, unknown> | undefined;
};

/** The fields a template may use, for the editor's picker; others render empty and are reported. */
export const MERGE_FIELDS = [
  'lead.firstName', 'lead.lastName', 'lead.company', 'lead.title', 'lead.email', 'lead.city', 'lead.country',
  'contact.firstName', 'contact.lastName', 'contact.title', 'contact.email',
  'account.name', 'account.website', 'account.industry',
  'sender.name', 'sender.email', 'org.name',
] as const;

const FIELD = /\{\{\s*([a-zA-Z]+)\.([a-zA-Z]+)\s*(?:\|\s*"([^"]*)"\s*)?\}\}/g;

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export type RenderedTemplate = { subject: string; text: string; html: string; missing: string[] };

/** The text of `{{scope.field}}` or `{{scope.field | "fallback"}}` fills; unknown fields render empty and are listed. */
function fill(template: string, context: MergeContext, missing: Set<string>, escape: (value: string) => string): string {
  return template.replace(FIELD, (_all, scope: string, field: string, fallback: string | undefined) => {
    const value = (context as Record<string, Record<string, unknown> | undefined>)[scope]?.[field];
    const text = value === null || value === undefined || value === '' ? undefined : String(value);
    if (text === undefined && fallback === undefined) missing.add(`${scope}.${field}`);
    return escape(text ?? fallback ?? '');
  });
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** Plain text to HTML: everything escaped, paragraphs and line breaks kept, bare URLs made links. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => {
      const parts: string[] = [];
      let last = 0;
      for (const match of paragraph.matchAll(URL_IN_TEXT)) {
        parts.push(escapeHtml(paragraph.slice(last, match.index)));
        const url = escapeHtml(match[0]);
        parts.push(`<a href="${url}">${url}</a>`);
        last = match.index + match[0].length;
      }
      parts.push(escapeHtml(paragraph.slice(last)));
      return `<p>${parts.join('').replace(/\n/g, '<br>')}</p>`;
    })
    .join('\n');
}

/**
 * Renders a template's subject and body for one recipient. Merge values are data, never markup:
 * the HTML part escapes the whole text after filling, so `<script>` in a lead's name arrives as text.
 */
export function renderTemplate(template: { subject: string; body: string }, context: MergeContext, signature = ''): RenderedTemplate {
  const missing = new Set<string>();
  const subject = fill(template.subject, context, missing, (v) => v).replace(/[\r\n]+/g, ' ').trim();
  const body = fill(template.body, context, missing, (v) => v);
  const text = signature.trim() ? `${body.trimEnd()}\n\n-- \n${signature.trim()}` : body;
  return { subject, text, html: textToHtml(text), missing: [...missing] };
}

export type TrackingLinks = {
  pixelUrl?: string | undefined;
  clickUrl?: ((url: string) => string) | undefined;
  unsubscribeUrl?: string | undefined;
  postalAddress?: string | undefined;
};

/** Adds what tracking and compliance need to a rendered email: wrapped links, a pixel, a footer. */
export function decorateEmail(rendered: { text: string; html: string }, links: TrackingLinks): { text: string; html: string } {
  let html = rendered.html;
  if (links.clickUrl) {
    const wrap = links.clickUrl;
    html = html.replace(/<a href="([^"]+)">/g, (_all, href: string) => `<a href="${escapeHtml(wrap(unescapeHtml(href)))}">`);
  }
  let text = rendered.text;
  const footerText: string[] = [];
  const footerHtml: string[] = [];
  if (links.postalAddress?.trim()) {
    footerText.push(links.postalAddress.trim());
    footerHtml.push(escapeHtml(links.postalAddress.trim()).replace(/\n/g, '<br>'));
  }
  if (links.unsubscribeUrl) {
    footerText.push(`Unsubscribe: ${links.unsubscribeUrl}`);
    footerHtml.push(`<a href="${escapeHtml(links.unsubscribeUrl)}">Unsubscribe</a>`);
  }
  if (footerText.length) {
    text = `${text.trimEnd()}\n\n${footerText.join('\n')}`;
    html += `\n<p style="color:#666;font-size:12px">${footerHtml.join('<br>')}</p>`;
  }
  if (links.pixelUrl) html += `\n<img src="${escapeHtml(links.pixelUrl)}" width="1" height="1" alt="" style="display:none">`;
  return { text, html };
}

const unescapeHtml = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_all, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!);

export const normalizeAddress = (address: string): string => address.trim().toLowerCase();

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
export const isAddress = (address: string): boolean => ADDRESS.test(address.trim());

/** Message-IDs as they appear in In-Reply-To and References: `<id@host>` tokens. */
export function messageIdsIn(header: string | null | undefined): string[] {
  if (!header) return [];
  return [...header.matchAll(/<[^<>\s]+>/g)].map((m) => m[0]);
}

/** The parts of a message in a rep's mailbox that reply and bounce matching read. */
export type MailboxMessage = {
  uid: number;
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  from: string | null;
  subject: string;
  date: Date | null;
  /** For bounce reports: the content type and the delivery-status fields. */
  contentType?: string | undefined;
  deliveryStatus?: { action?: string | undefined; status?: string | undefined; finalRecipient?: string | undefined; diagnostic?: string | undefined } | undefined;
  /** Message-IDs found in a bounce report's returned headers: one of them is the bounced message. */
  originalMessageIds?: readonly string[] | undefined;
};

export type SentEmailRef = { id: string; messageId: string; toAddress: string };

export type MailboxMatch =
  | { kind: 'reply'; emailId: string; from: string | null }
  | { kind: 'bounce'; emailId: string; address: string; reason: string }
  | { kind: 'none' };

/**
 * Whether a message answers (or bounces) one of our emails. A reply names our Message-ID in
 * In-Reply-To or References — the newest reference wins, as mail clients thread. A bounce is a
 * delivery-status report (RFC 3464) with a failed action, naming our message or its recipient.
 */
export function matchMailboxMessage(message: MailboxMessage, sent: ReadonlyMap<string, SentEmailRef>): MailboxMatch {
  const isReport = /multipart\/report/i.test(message.contentType ?? '') && /delivery-status/i.test(message.contentType ?? '');
  if (isReport) {
    const status = message.deliveryStatus;
    const failed = status && (/^failed$/i.test(status.action ?? '') || /^5\./.test(status.status ?? ''));
    const candidates = [...(message.originalMessageIds ?? []), ...messageIdsIn(message.inReplyTo), ...messageIdsIn(message.references)];
    const original = candidates.map((id) => sent.get(id)).find(Boolean);
    if (failed && original) {
      const recipient = status.finalRecipient?.replace(/^rfc822;\s*/i, '').trim();
      return { kind: 'bounce', emailId: original.id, address: normalizeAddress(recipient || original.toAddress), reason: status.diagnostic ?? status.status ?? 'failed' };
    }
    return { kind: 'none' };
  }
  const ids = [...messageIdsIn(message.inReplyTo), ...messageIdsIn(message.references).reverse()];
  for (const id of ids) {
    const original = sent.get(id);
    if (original && id !== message.messageId) return { kind: 'reply', emailId: original.id, from: message.from };
  }
  return { kind: 'none' };
}

/** Reads the fields of a message/delivery-status part (RFC 3464): the per-recipient block. */
export function parseDeliveryStatus(text: string): NonNullable<MailboxMessage['deliveryStatus']> {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(text)?.[1]?.trim();
  return { action: field('Action'), status: field('Status'), finalRecipient: field('Final-Recipient'), diagnostic: field('Diagnostic-Code') };
}

/** A click link's target must be a web address: the redirect never sends anyone to javascript: or data:. */
export const isTrackableUrl = (url: string): boolean => /^https?:\/\//i.test(url);

/** The 1x1 transparent GIF an open pixel serves. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
