import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../core/db.ts';
import { actorOf } from '../../http/auth.ts';
import { errorResponses } from '../../http/schemas.ts';
import { backupDownload } from './service.ts';

export function backupRoutes(app: FastifyInstance, database: Database): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/backup', {
    config: { permission: 'org:backup' },
    schema: {
      tags: ['Backup'],
      summary: "Download your organisation's backup",
      description:
        'A gzipped NDJSON file with every record of your organisation, from one consistent snapshot. ' +
        'Restore it with `leadflow restore FILE` into this or another Leadflow database. Admins only; an API key needs the admin scope.',
      produces: ['application/gzip'],
      response: { 200: z.unknown().describe('The backup file (gzipped NDJSON), as an attachment'), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { fileName, stream } = await backupDownload(database, actorOf(request));
      return reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  });
}
