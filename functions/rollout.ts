import * as df from 'durable-functions';
import { announceActivity } from '../src/rollout/activities/announce';
import { checkHealthActivity } from '../src/rollout/activities/health';
import { preflightActivity } from '../src/rollout/activities/preflight';
import { rollbackActivity } from '../src/rollout/activities/rollback';
import { enableRingActivity } from '../src/rollout/activities/swap';
import { ACTIVITIES, FEATURE_LOCK_ENTITY, REPORTS_BUDGET_ENTITY, ROLLOUT_ORCHESTRATOR } from '../src/rollout/names';
import { featureLockEntity } from '../src/rollout/workflow/lock';
import { reportsBudgetEntity } from '../src/rollout/workflow/reports-budget';
import { rolloutOrchestrator } from '../src/rollout/workflow/orchestrator';

/** The rollout orchestration with its feature lock and activities, registered together as the durable samples do. */
df.app.orchestration(ROLLOUT_ORCHESTRATOR, rolloutOrchestrator);
df.app.entity(FEATURE_LOCK_ENTITY, featureLockEntity);
df.app.entity(REPORTS_BUDGET_ENTITY, reportsBudgetEntity);
df.app.activity(ACTIVITIES.preflight, { handler: preflightActivity });
df.app.activity(ACTIVITIES.enableRing, { handler: enableRingActivity });
df.app.activity(ACTIVITIES.checkHealth, { handler: checkHealthActivity });
df.app.activity(ACTIVITIES.rollback, { handler: rollbackActivity });
df.app.activity(ACTIVITIES.announce, { handler: announceActivity });
