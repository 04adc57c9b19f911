import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { handleTeamsWebhook, type WebhookReply, type WebhookSettings } from '../src/api/teams-webhook';
import type { DurableClient } from 'durable-functions';
import { DEMO } from '../src/local/tenant';
import { APPROVER } from '../test/rollout/harness';
import { elapsedMs } from './stats';

/** Calls the Teams webhook handler in process with real, HMAC-signed activities, each with a fresh id. */

export interface TimedReply {
  reply: WebhookReply;
  ms: number;
}

export class TeamsCaller {
  private readonly secret = randomBytes(32).toString('base64');
  readonly refusals: string[] = [];

  constructor(private readonly client: DurableClient) {}

  private settings(): WebhookSettings {
    return { secret: this.secret, tenantId: DEMO.tenantId, approverIds: new Set([APPROVER.id ?? '']), approverGroupId: undefined, allowSelfApproval: false };
  }

  /** Signs and handles one `@Rollout <command>` message; the time covers verification through the reply. */
  async send(command: string): Promise<TimedReply> {
    const activity = {
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      text: `<at>Rollout</at> ${command}`,
      from: { id: '29:bench', name: APPROVER.name, aadObjectId: APPROVER.id },
      conversation: { id: '19:bench-channel', conversationType: 'channel', tenantId: DEMO.tenantId },
      channelData: { tenant: { id: DEMO.tenantId }, team: { id: '19:bench-team' }, channel: { id: '19:bench-channel' } },
    };
    const raw = Buffer.from(JSON.stringify(activity));
    const authorization = `HMAC ${createHmac('sha256', Buffer.from(this.secret, 'base64')).update(raw).digest('base64')}`;
    const start = process.hrtime.bigint();
    const reply = await handleTeamsWebhook(raw, authorization, this.settings(), {
      client: this.client,
      isGroupMember: async () => false,
      log: (message) => this.refusals.push(message),
    });
    return { reply, ms: elapsedMs(start) };
  }
}
