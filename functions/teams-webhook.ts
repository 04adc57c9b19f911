import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { readBody } from '../src/api/http';
import { guarded } from '../src/api/guard';
import { TEAMS_CLAIMS_ENTITY, teamsClaimsEntity } from '../src/api/teams-claims';
import { handleTeamsWebhook, webhookSettingsFromEnv } from '../src/api/teams-webhook';
import { services } from '../src/rollout/services';

/** Teams outgoing webhook. Anonymous at the Functions level: the HMAC signature over the raw body is the gate. */
export async function teamsWebhookHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const body = await readBody(request);
  if (!body.ok) return body.response;
  return handleTeamsWebhook(body.raw, request.headers.get('authorization') ?? undefined, webhookSettingsFromEnv(), {
    client: df.getClient(context),
    isGroupMember: async (groupId, objectId) => (await services()).graph.isMember(groupId, objectId),
    log: (message) => context.warn(message),
  });
}

app.http('teamsWebhook', {
  route: 'teams/webhook',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: guarded(teamsWebhookHandler),
});

// The activity ids that refuse a replayed activity on every instance and after restarts.
df.app.entity(TEAMS_CLAIMS_ENTITY, teamsClaimsEntity);
