import type { Tone } from '../../components/Badge.tsx';
import type { LifecycleStage } from '../../api/types.ts';

export const STAGE_LABELS: Record<LifecycleStage, string> = { prospect: 'Prospect', customer: 'Customer', former_customer: 'Former customer' };
export const STAGE_TONES: Record<LifecycleStage, Tone> = { prospect: 'blue', customer: 'green', former_customer: 'slate' };
