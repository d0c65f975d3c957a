import type { Contact } from '../../api/types.ts';

export function contactName(contact: Pick<Contact, 'firstName' | 'lastName' | 'email'>): string {
  return `${contact.firstName} ${contact.lastName}`.trim() || contact.email || 'Unnamed contact';
}
