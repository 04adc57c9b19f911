import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { services } from '../src/rollout/services';
import { statusTick } from '../src/rollout/desk/watch';

/** NCRONTAB, six fields (seconds first). Read once at start-up like every app setting. */
export const STATUS_SCHEDULE = process.env.ROLLOUT_STATUS_SCHEDULE?.trim() || '0 */15 * * * *';

export async function statusTimerHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const { graph, notifier, telemetry } = await services();
  const report = await statusTick({
    client: df.getClient(context),
    readConfig: (feature) => graph.readConfig(feature ? { feature } : {}),
    notify: (card) => notifier.send(card),
    telemetry,
    now: new Date(),
    digest: process.env.ROLLOUT_DIGEST === 'true',
  });
  if (report.active > 0) {
    context.log(`status timer: ${report.active} active rollout(s), drift in [${report.drifted.join(', ')}], reminded [${report.reminded.join(', ')}]`);
  }
}

app.timer('rolloutStatusTimer', { schedule: STATUS_SCHEDULE, extraInputs: [df.input.durableClient()], handler: statusTimerHandler });
