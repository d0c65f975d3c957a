import type { Suite } from '../lib/suite.ts';
import { foundation } from './foundation.ts';
import { routingSuite } from './routing.ts';
import { importSuite } from './import.ts';
import { pipeline } from './pipeline.ts';
import { outreachSuite } from './outreach.ts';
import { sequencesSuite } from './sequences.ts';
import { forecastsSuite } from './forecasts.ts';
import { reportsSuite } from './reports.ts';
import { viewsSuite } from './views.ts';
import { loadSuite } from './load.ts';

// Every suite `npm run bench` knows, in the order a full run takes them. One line per suite.
export const suites: Suite[] = [
  foundation,
  routingSuite,
  importSuite,
  pipeline,
  outreachSuite,
  sequencesSuite,
  forecastsSuite,
  reportsSuite,
  viewsSuite,
  loadSuite,
];
