import { Server } from 'node:http';
import request from 'supertest';

/**
 * Waits until the rollups have processed everything queued (OTLP session sums, usage and delivery
 * rollups), as `/v1/status` reports it: the router runs them within a second of an export.
 */
export async function settleRollups(server: Server) {
  for (let i = 0; i < 100; i++) {
    const { body } = await request(server).get(
      '/api/claude-code-analytics/v1/status',
    );
    const pending = Object.values(
      body.pendingRollups as Record<string, number>,
    ).reduce((a, b) => a + b, 0);
    if (pending === 0) {
      return;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('rollups did not settle');
}
