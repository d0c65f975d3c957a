import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

// Keys the database computes for duplicate look-ups, shared by the index definitions and the
// queries that must repeat them word for word for PostgreSQL to use those indexes.

/**
 * How many trailing digits of a phone number are indexed. The national significant number ends
 * the same however it was written (+49 30 1234567, 030 1234567, 0049-30-123 45 67), so equal
 * tails find the candidates; the exact E.164 comparison then runs in the duplicates rules.
 */
export const PHONE_TAIL_DIGITS = 7;

/** The last digits of a stored phone number, ignoring formatting and an "x12"/"ext. 12" extension. */
export const phoneTailSql = (phone: AnyColumn): SQL =>
  sql`right(regexp_replace(regexp_replace(${phone}, '[[:space:]]*(x|ext[.]?)[[:space:]]*[0-9]+$', '', 'i'), '[^0-9]', '', 'g'), ${sql.raw(String(PHONE_TAIL_DIGITS))})`;

/**
 * The first word of a company name, lower-cased, skipping a leading article ("The Globex
 * Company" → "globex"). Fuzzy name matching compares names within the same first word only:
 * comparing every name with every other grows with the square of the records and took minutes
 * at 20,000 names; within first words it stays proportional. The cost: "Acme Robotics" and
 * "Robotics Acme", or a typo in the first word, are not compared.
 */
export const companyFirstWordSql = (name: AnyColumn): SQL =>
  sql`substring(regexp_replace(lower(${name}), '^[^[:alnum:]]*(the|die|der|das|la|le|les|el|il)[^[:alnum:]]+', '') from '[[:alnum:]]+')`;
