// The opportunity API's request and response shapes (they feed validation and the OpenAPI document).
import { z } from 'zod';
import { problemSchema } from '../../http/schemas.ts';
import { customValuesOutput } from '../customfields/schemas.ts';
import { BUYING_ROLES } from '../accounts/relationships.model.ts';
import { BILLINGS } from '../products/model.ts';
import { APPROVAL_KINDS, APPROVAL_LEVELS, APPROVAL_STATUSES } from './approvals.model.ts';
import { GATE_REQUIREMENTS } from './gates.model.ts';
import { OPPORTUNITY_SOURCES, OPPORTUNITY_STATUSES, PARTNER_ROLES } from './model.ts';
import { FORECAST_CATEGORIES, PIPELINE_KINDS, STAGE_OUTCOMES } from './pipelines.model.ts';

export const money = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Minor units of the currency (cents)');
export const currency = z.string().regex(/^[A-Za-z]{3}$/, 'A three-letter ISO 4217 code');
export const isoDate = z.iso.date();

/** 422: the stage gates (or approvals) the move is missing, one entry per requirement. */
export const gateResponses = { 422: problemSchema } as const;

export const stageSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    position: z.number().int(),
    probability: z.number().int(),
    forecastCategory: z.enum(FORECAST_CATEGORIES),
    outcome: z.enum(STAGE_OUTCOMES),
    gates: z.array(z.enum(GATE_REQUIREMENTS)),
  })
  .meta({ id: 'Stage' });

export const pipelineSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(PIPELINE_KINDS),
    position: z.number().int(),
    version: z.number().int(),
    archived: z.boolean().describe('Archived pipelines take no new deals; their closed deals stay in reports'),
    stages: z.array(stageSchema),
  })
  .meta({ id: 'Pipeline' });

export const stageInput = z.strictObject({
  id: z.uuid().optional().describe('An existing stage to keep (and update); leave out for a new stage'),
  name: z.string().max(100),
  probability: z.number().int().min(0).max(100),
  forecastCategory: z.enum(FORECAST_CATEGORIES),
  outcome: z.enum(STAGE_OUTCOMES),
  gates: z.array(z.enum(GATE_REQUIREMENTS)).max(GATE_REQUIREMENTS.length).default([]),
});

export const opportunitySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    pipelineId: z.uuid(),
    stageId: z.uuid(),
    accountId: z.uuid().nullable(),
    ownerId: z.uuid().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    closeDate: z.string(),
    probability: z.number().int(),
    forecastCategory: z.enum(FORECAST_CATEGORIES),
    status: z.enum(OPPORTUNITY_STATUSES),
    source: z.enum(OPPORTUNITY_SOURCES),
    sourceLeadId: z.uuid().nullable(),
    sourcedBy: z.uuid().nullable(),
    partnerId: z.uuid().nullable(),
    partnerRole: z.enum(PARTNER_ROLES).nullable(),
    nextStep: z.string().nullable(),
    competitors: z.array(z.string()),
    lossReason: z.string().nullable(),
    winReason: z.string().nullable(),
    paymentTermsDays: z.number().int(),
    description: z.string(),
    renewsOpportunityId: z.uuid().nullable(),
    renewsTermEnd: z.string().nullable(),
    stageEnteredAt: z.string(),
    closedAt: z.string().nullable(),
    version: z.number().int(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
    custom: customValuesOutput,
  })
  .meta({ id: 'Opportunity' });

export const lineItemSchema = z
  .object({
    id: z.uuid(),
    productId: z.uuid(),
    name: z.string(),
    sku: z.string(),
    billing: z.enum(BILLINGS),
    quantity: z.number().int(),
    unitPrice: z.number().int(),
    discountPercent: z.number(),
    termMonths: z.number().int().nullable(),
    startDate: z.string().nullable(),
    endDate: z.string().nullable(),
    total: z.number().int(),
    position: z.number().int(),
  })
  .meta({ id: 'LineItem' });

export const dealContactSchema = z
  .object({
    contactId: z.uuid(),
    roles: z.array(z.enum(BUYING_ROLES)),
    isPrimary: z.boolean(),
    firstName: z.string(),
    lastName: z.string(),
    title: z.string().nullable(),
    email: z.string().nullable(),
    accountId: z.uuid().nullable(),
  })
  .meta({ id: 'DealContact' });

export const approvalRequestSchema = z
  .object({
    id: z.uuid(),
    opportunityId: z.uuid(),
    kind: z.enum(APPROVAL_KINDS),
    level: z.enum(APPROVAL_LEVELS),
    value: z.number().int().describe('Basis points of discount, or days of payment terms'),
    reason: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    requestedBy: z.uuid(),
    requestedAt: z.string(),
    decidedBy: z.uuid().nullable(),
    decidedAt: z.string().nullable(),
    comment: z.string().nullable(),
  })
  .meta({ id: 'ApprovalRequest' });

export const approvalStandingSchema = z
  .object({
    kind: z.enum(APPROVAL_KINDS),
    level: z.enum(APPROVAL_LEVELS),
    value: z.number().int(),
    reason: z.string(),
    state: z.enum(['approved', 'pending', 'rejected', 'missing']),
    requestId: z.uuid().nullable(),
  })
  .meta({ id: 'ApprovalStanding' });

export const dealApprovalsSchema = z.object({ standing: z.array(approvalStandingSchema), requests: z.array(approvalRequestSchema) }).meta({ id: 'DealApprovals' });

export const opportunityDetailSchema = opportunitySchema
  .extend({
    pipelineName: z.string(),
    stage: stageSchema,
    lineItems: z.array(lineItemSchema),
    contacts: z.array(dealContactSchema),
    approvals: dealApprovalsSchema,
  })
  .meta({ id: 'OpportunityDetail' });

export const cardSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    accountId: z.uuid().nullable(),
    accountName: z.string().nullable(),
    ownerId: z.uuid().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    closeDate: z.string(),
    probability: z.number().int(),
    forecastCategory: z.enum(FORECAST_CATEGORIES),
    status: z.enum(OPPORTUNITY_STATUSES),
    stageEnteredAt: z.string(),
    nextStep: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'BoardCard' });

export const boardSchema = z
  .object({
    pipeline: z.object({ id: z.uuid(), name: z.string(), kind: z.string() }),
    columns: z.array(
      z.object({
        stage: stageSchema,
        cards: z.array(cardSchema),
        nextCursor: z.string().nullable(),
        sort: z.string(),
      }),
    ),
  })
  .meta({ id: 'Board' });

export const summarySchema = z
  .object({
    data: z.array(
      z.object({
        stageId: z.uuid(),
        count: z.number().int(),
        totals: z.array(z.object({ currency: z.string(), amount: z.number().int(), weighted: z.number().int() })),
      }),
    ),
  })
  .meta({ id: 'PipelineSummary' });

export const historySchema = z
  .object({
    data: z.array(
      z.object({
        id: z.uuid(),
        changedAt: z.string(),
        changedBy: z.uuid().nullable(),
        changes: z.array(z.string()),
        stageId: z.uuid(),
        stageName: z.string(),
        previousStageId: z.uuid().nullable(),
        amount: z.number().int(),
        previousAmount: z.number().int().nullable(),
        currency: z.string(),
        closeDate: z.string(),
        previousCloseDate: z.string().nullable(),
        probability: z.number().int(),
        forecastCategory: z.enum(FORECAST_CATEGORIES),
      }),
    ),
    stages: z.array(z.object({ stageId: z.uuid(), stageName: z.string(), enteredAt: z.string(), leftAt: z.string().nullable(), days: z.number() })),
    daysInStage: z.array(z.object({ stageId: z.uuid(), stageName: z.string(), days: z.number() })),
    slippage: z.object({ closeDatePushes: z.number().int(), daysPushed: z.number().int(), amountChanges: z.number().int(), amountChange: z.number().int() }),
  })
  .meta({ id: 'DealHistory' });

export const dealPolicySchema = z
  .object({
    managerDiscountPercent: z.number(),
    financeDiscountPercent: z.number(),
    standardPaymentTermsDays: z.number().int(),
    financeApproverIds: z.array(z.uuid()),
    legalApproverIds: z.array(z.uuid()),
    renewalLeadDays: z.number().int(),
    defaultCurrency: z.string(),
    version: z.number().int(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'DealPolicy' });

export const healthSchema = z
  .object({
    score: z.number().int(),
    status: z.enum(['healthy', 'at_risk', 'critical']),
    reasons: z.array(z.object({ points: z.number().int(), reason: z.string() })),
    facts: z.object({
      daysSinceLastTouch: z.number().int().nullable(),
      openDeals: z.number().int(),
      overdueDeals: z.number().int(),
      closeDatePushes: z.number().int(),
      lostLast90Days: z.number().int(),
      wonLast365Days: z.number().int(),
      escalationsLast30Days: z.number().int(),
      hasChampion: z.boolean(),
      isCustomer: z.boolean(),
    }),
  })
  .meta({ id: 'AccountHealth' });

export const upsellSchema = z
  .object({
    peers: z.number().int().describe('How many similar customers the suggestions come from'),
    data: z.array(z.object({ productId: z.uuid(), name: z.string(), sku: z.string(), billing: z.enum(BILLINGS), customers: z.number().int() })),
  })
  .meta({ id: 'UpsellSuggestions' });
