/** A `tel:` link for a stored number: digits and a leading plus, an extension as `;ext=`. */
export function telLink(phone: string): string {
  const extension = /(?:x|ext\.?)\s*(\d+)$/i.exec(phone);
  const main = phone.replace(/(?:x|ext\.?)\s*\d+$/i, '').replace(/[^0-9+]/g, '');
  return `tel:${main}${extension ? `;ext=${extension[1]}` : ''}`;
}
