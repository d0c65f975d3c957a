import type { FastifyInstance } from 'fastify';
import type { Config } from '../../core/config.ts';
import type { Db } from '../../core/db.ts';
import type { Mailer } from '../../core/mailer.ts';
import { accountRelationshipRoutes } from '../accounts/relationships.routes.ts';
import { notificationRoutes } from '../notifications/routes.ts';
import { productRoutes } from '../products/routes.ts';
import { accountInsightRoutes } from './account-insights.routes.ts';
import { approvalRoutes } from './approvals.routes.ts';
import { opportunityRecordRoutes } from './opportunities.routes.ts';
import { pipelineRoutes } from './pipelines.routes.ts';

/** Pipelines, deals, approvals, the price book, account teams and notifications: issue #6's routes in one call. */
export function opportunityRoutes(app: FastifyInstance, db: Db, config: Config, mailer: Mailer): void {
  const delivery = { mailer, publicUrl: config.publicUrl, log: (message: string) => app.log.warn(message) };
  pipelineRoutes(app, db);
  opportunityRecordRoutes(app, db, delivery, mailer);
  approvalRoutes(app, db, delivery);
  accountInsightRoutes(app, db, delivery);
  accountRelationshipRoutes(app, db, delivery);
  productRoutes(app, db);
  notificationRoutes(app, db);
}
