import * as df from 'durable-functions';
import { rolloutOrchestrator } from '../src/orchestration/orchestrator';
import { featureLockEntity } from '../src/orchestration/lock';
import { ACTIVITIES, FEATURE_LOCK_ENTITY, ROLLOUT_ORCHESTRATOR } from '../src/orchestration/names';
import { announceActivity, checkHealthActivity, enableRingActivity, preflightActivity, rollbackActivity } from '../src/orchestration/activity-handlers';

df.app.orchestration(ROLLOUT_ORCHESTRATOR, rolloutOrchestrator);
df.app.entity(FEATURE_LOCK_ENTITY, featureLockEntity);
df.app.activity(ACTIVITIES.preflight, { handler: preflightActivity });
df.app.activity(ACTIVITIES.enableRing, { handler: enableRingActivity });
df.app.activity(ACTIVITIES.checkHealth, { handler: checkHealthActivity });
df.app.activity(ACTIVITIES.rollback, { handler: rollbackActivity });
df.app.activity(ACTIVITIES.announce, { handler: announceActivity });
