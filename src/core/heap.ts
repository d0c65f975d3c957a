import { setFlagsFromString } from 'node:v8';

/**
 * Lets the JavaScript heap grow by at most half its live size between full collections, instead
 * of V8's up-to-fourfold. Bulk work (a large import) promotes a steady stream of short-lived
 * batches into the old generation; with the default factor a server whose live heap was 40-70 MB
 * carried 160 MB of old space (and 536 MB of RSS at its peak on PostgreSQL) before collecting it.
 * At 50 %: 57 MB of old space for the same 100,000-row import in one process, and the server's
 * peak RSS importing it fell from 536 to 347 MB on PostgreSQL and from 651 to 523 MB on PGlite
 * (`npm run bench -- import --quick`), for more full collections: the server's CPU per row
 * rose by up to a fifth (37 → 44 µs on a busy machine; concurrent marking does much of the work).
 *
 * V8 reads this flag whenever it sets the next collection's limit, so set as the process starts
 * it holds from the next collection on. Tests build the app without the CLI and keep V8's default.
 */
export function keepHeapGrowthModest(percent = 50): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
